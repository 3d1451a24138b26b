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
 * Boot scripts rendered per client from the policy's menu blocks: one
 * menu definition, an iPXE script, a GRUB configuration or a PXELINUX
 * configuration alike.  Pure functions over a caller's buffer.
 */

#ifndef NB_RENDER_H
#define NB_RENDER_H

#include <sys/types.h>

#include "conf.h"
#include "policy.h"

/*
 * The script configured in dc for a requested path, or NULL.  A path
 * ending in '*' matches any request that starts with what precedes it.
 */
const struct script_conf *script_lookup(const struct daemon_conf *,
	    const char *);

/*
 * Writes the script for decision d into buf, NUL-terminated.  Returns
 * its length, or -1 when it does not fit.
 */
ssize_t	 render_script(enum script_format, const struct netboot_conf *,
	    const struct boot_settings *, const struct client_facts *,
	    char *, size_t);

#endif /* NB_RENDER_H */
