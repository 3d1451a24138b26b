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
 * Landlock, where the kernel has it: the engine may read files and list
 * directories beneath its root and nothing else, bind or connect no TCP
 * port, and (ABI 6) signal no process outside itself nor reach abstract
 * UNIX sockets.  Applied once privileges are dropped, before the daemon
 * starts.
 */

#ifndef NB_LANDLOCK_H
#define NB_LANDLOCK_H

/*
 * rootfd is the engine's root (O_PATH is enough); readable says whether
 * the engine reads beneath it at all.  Returns the ABI version applied,
 * or -1 (logged) when the kernel has no Landlock.  Fatal when the kernel
 * has it and the rules cannot be applied.
 */
int	 landlock_confine(int, int);

#endif /* NB_LANDLOCK_H */
