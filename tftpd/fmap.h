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
 * Files mapped read-only, one mapping per version of a file for all the
 * transfers that send it.  Only the kernel reads a mapping (sendmmsg()
 * copies from it): a file cut short under us then costs a send that
 * fails with EFAULT, never a SIGBUS in the engine.
 */

#ifndef TFTPD_FMAP_H
#define TFTPD_FMAP_H

#include <sys/stat.h>

#include <stdint.h>

struct fmap;

/* A reference to the mapping of fd's file; NULL with errno set. */
struct fmap	*fmap_get(int, const struct stat *);
void		 fmap_put(struct fmap *);
const uint8_t	*fmap_data(const struct fmap *);
/* Lets the engine's page tables go of [from, to) if no one else sends. */
void		 fmap_unmap_sent(struct fmap *, uint64_t, uint64_t);
/* Mappings in use, for the tests and the reload log line. */
unsigned int	 fmap_count(void);

#endif /* TFTPD_FMAP_H */
