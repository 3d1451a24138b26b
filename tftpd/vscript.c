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
 * A virtual file is the boot script the policy gives the asking client,
 * rendered at request time (common/bootscript.c chooses it).  What
 * tftpd knows of a client is little: its address and the interface the
 * request came in on; the MAC address that PXELINUX and GRUB put into
 * the names they ask for is read by bootscript_render().
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "bootscript.h"
#include "policy.h"
#include "vscript.h"

/*
 * Renders the script sc for the client at peer, which asked for path
 * (cleaned) on interface ifname (may be empty).  Returns 0 with a
 * malloc'd script in *bufp, or -1 with errno.
 */
int
vscript_render(const struct netboot_conf *conf, const struct daemon_conf *dc,
    const struct script_conf *sc, const char *path,
    const struct sockaddr *peer, const char *ifname, uint8_t **bufp,
    size_t *lenp)
{
	static char		 buf[BOOTSCRIPT_MAX];
	struct client_facts	 f;
	ssize_t			 n;

	client_facts_init(&f);
	f.af = peer->sa_family;
	addr_from_sa(peer, &f.subnet_addr);
	strlcpy(f.ifname, ifname, sizeof(f.ifname));
	if ((n = bootscript_render(conf, dc, sc, path, &f, buf,
	    sizeof(buf))) == -1)
		return -1;
	if ((*bufp = malloc(n > 0 ? n : 1)) == NULL)
		return -1;
	memcpy(*bufp, buf, n);
	*lenp = n;
	return 0;
}
