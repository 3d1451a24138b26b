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
 * Open files kept for a while, so that a file asked for again and again
 * (a boot loader in a boot storm) costs no open and close each time.
 * Many responses may send from one entry at once: sendfile() takes its
 * own offset.  A small file is also kept in memory, so that its
 * response goes out with its header in one write.
 */

#ifndef HTTPBOOTD_FCACHE_H
#define HTTPBOOTD_FCACHE_H

#include <sys/stat.h>

#include <stdint.h>

#define FCACHE_SIZE	256	/* entries, each an open descriptor */
#define FCACHE_INLINE	16384	/* files up to this size are held too */

struct fc_entry {
	char		*path;
	uint64_t	 hash;
	int		 fd;
	int		 intable;	/* else freed on the last put */
	uint32_t	 refs;
	uint64_t	 checked;	/* the path was looked up then, us */
	uint64_t	 statted;	/* st was compared then, us */
	uint64_t	 used;		/* for LRU */
	void		*data;		/* the whole file, or NULL */
	struct stat	 st;
};

/*
 * A regular file beneath rootfd, with a reference: NULL with errno set
 * when it cannot be opened (ENOENT also when it is not a regular file).
 * Unless the last argument allows it, no descriptor is opened: a file
 * not in the cache then fails with EMFILE.
 */
struct fc_entry	*fcache_get(int, const char *, uint64_t, int);
void		 fcache_put(struct fc_entry *);
/* One more reference to an entry the caller holds. */
void		 fcache_hold(struct fc_entry *);
/* Closes entries unused for a while; returns how many remain. */
size_t		 fcache_expire(uint64_t);
/* Closes every entry not in use, to give back descriptors. */
void		 fcache_shed(void);
/* Descriptors open: in the table, and out of it but still in use. */
size_t		 fcache_nopen(void);

#endif /* HTTPBOOTD_FCACHE_H */
