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
 * The boot script a client gets: the one place where tftpd and
 * httpbootd turn a requested path and what they know of the client
 * into a rendered script, so that both answer a client alike.
 */

#ifndef NB_BOOTSCRIPT_H
#define NB_BOOTSCRIPT_H

#include <sys/types.h>

#include <stdint.h>

#include "conf.h"
#include "policy.h"

#define BOOTSCRIPT_MAX	65536	/* bytes of one rendered script */

/*
 * The Ethernet address that PXELINUX and GRUB put at the end of the
 * names they ask for (pxelinux.cfg/01-aa-bb-cc-dd-ee-ff,
 * grub.cfg-01-aa-bb-cc-dd-ee-ff) into hw[6]; 1 when there is one.
 */
int	 bootscript_mac(const char *, uint8_t *);

/*
 * Renders the script sc for a client that asked for path (cleaned by
 * path_clean()) into buf, NUL-terminated.  f holds what the daemon
 * knows of the client; a MAC in the path fills in one it does not know.
 * A boot file that names the script itself is dropped, so that the
 * script never chains to itself.  Returns the length, or -1 with errno.
 */
ssize_t	 bootscript_render(const struct netboot_conf *,
	    const struct daemon_conf *, const struct script_conf *,
	    const char *, struct client_facts *, char *, size_t);

#endif /* NB_BOOTSCRIPT_H */
