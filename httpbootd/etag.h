/*
 * Copyright (c) 2026 The netboot developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Strong entity tags derived from a file's content, so that every
 * server holding the same bytes gives the same tag: a 128-bit hash,
 * computed once per version of a file and kept in a small cache.
 */

#ifndef HTTPBOOTD_ETAG_H
#define HTTPBOOTD_ETAG_H

#include <sys/queue.h>
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

struct etag;
struct etag_job;
struct fc_entry;

/* The streaming 128-bit content hash (not cryptographic). */
struct hash128 {
	uint64_t	 v[4];
	uint64_t	 total;
	uint8_t		 tail[32];
	size_t		 ntail;
};

void	 hash128_init(struct hash128 *);
void	 hash128_update(struct hash128 *, const void *, size_t);
void	 hash128_final(struct hash128 *, uint8_t [16]);

/*
 * A request waiting for a file's tag, as its owner embeds it: done()
 * is called once with the tag, or NULL when the file could not be read
 * or changed meanwhile.  done() may free the struct.
 */
struct etag_wait {
	TAILQ_ENTRY(etag_wait)	 link;
	struct etag_job		*job;
	void			(*done)(struct etag_wait *, const char *);
};

/* etag_lookup() results */
#define ETAG_READY	0	/* the tag is in the buffer */
#define ETAG_PENDING	1	/* hashing takes a while: etag_wait() */
#define ETAG_NONE	(-1)	/* no tag: the file could not be read */

/* The tag cache and the files being hashed: one per engine. */
struct etag	*etag_new(void);
/*
 * The tag of the cached open file into a buffer of ETAG_STRLEN bytes.
 * A small file is hashed at once; a large one is ETAG_PENDING.
 */
int	 etag_lookup(struct etag *, struct fc_entry *, char *);
/*
 * Hashes a large file in slices between other work (etag_run()) and
 * calls w->done() at the end.  -1 when it cannot start: no tag then.
 */
int	 etag_wait(struct etag *, struct fc_entry *, struct etag_wait *);
/* The waiter no longer waits. */
void	 etag_cancel(struct etag_wait *);
/* Hashes one slice; returns whether work remains. */
int	 etag_run(struct etag *);
/* Whether work remains for etag_run(). */
int	 etag_busy(const struct etag *);

#endif /* HTTPBOOTD_ETAG_H */
