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

#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

struct fc_entry;
struct xfer;

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

/* etag_get() results */
#define ETAG_READY	0	/* the tag is in the buffer */
#define ETAG_PENDING	1	/* the xfer waits; respond_file_ready() */
#define ETAG_NONE	(-1)	/* no tag: the file could not be read */

/*
 * The tag of the cached open file into a buffer of ETAG_STRLEN bytes.
 * A small file is hashed at once; a large one in slices between other
 * work, the xfer waiting until it is done.
 */
int	 etag_get(struct fc_entry *, char *, struct xfer *);
/* The xfer no longer waits for its tag. */
void	 etag_cancel(struct xfer *);
/* Hashes one slice; returns whether work remains.  engine_wake() runs it. */
int	 etag_run(void);

#endif /* HTTPBOOTD_ETAG_H */
