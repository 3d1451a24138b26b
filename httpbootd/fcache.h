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
 * (a boot loader in a boot storm) costs no open and close each time.  Many responses may send from one entry at once: sendfile()
 * takes its own offset.
 */

#ifndef HTTPBOOTD_FCACHE_H
#define HTTPBOOTD_FCACHE_H

#include <sys/stat.h>

#include <stdint.h>

#define FCACHE_SIZE	256	/* entries, each an open descriptor */

struct fc_entry {
	char		*path;
	uint64_t	 hash;
	int		 fd;
	int		 intable;	/* else freed on the last put */
	uint32_t	 refs;
	uint64_t	 checked;	/* st is from then, us */
	uint64_t	 used;		/* for LRU */
	struct stat	 st;
};

/*
 * A regular file beneath rootfd, with a reference: NULL with errno set
 * when it cannot be opened (ENOENT also when it is not a regular file).
 */
struct fc_entry	*fcache_get(int, const char *, uint64_t);
void		 fcache_put(struct fc_entry *);
/* Closes entries unused for a while; returns how many remain. */
size_t		 fcache_expire(uint64_t);

#endif /* HTTPBOOTD_FCACHE_H */
