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

#ifndef NB_PRIVDROP_H
#define NB_PRIVDROP_H

#include <sys/types.h>

/*
 * Confines the calling engine before it reads any network input and
 * returns a directory descriptor for its root, for fsroot_open().  As
 * root: chroot into root, switch to uid/gid, drop every capability, and
 * verify the result.  As anyone else: keep the credentials, and rely on
 * RESOLVE_BENEATH beneath root.  Any failure is fatal: an engine never
 * runs half-dropped.
 */
int	 privdrop(const char *, uid_t, gid_t, int);

/* The root directory of a chroot must be root's and nobody else's. */
int	 privdrop_check_root(const char *, const char **);

#endif /* NB_PRIVDROP_H */
