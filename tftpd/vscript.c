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
 * rendered at request time.  What tftpd knows of a client is little:
 * its address, the interface the request came in on, and the MAC
 * address that PXELINUX and GRUB put into the names they ask for
 * (pxelinux.cfg/01-aa-bb-cc-dd-ee-ff, grub.cfg-01-aa-bb-cc-dd-ee-ff).
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "path.h"
#include "policy.h"
#include "render.h"
#include "vscript.h"

#define MAC_TAIL	"01-xx-xx-xx-xx-xx-xx"

static int	 is_hex(char);
static void	 drop_chain_loop(struct boot_settings *, const char *);

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/*
 * The Ethernet address at the end of a path, after "01-" (ARP type 1)
 * and a '/' or '-'; 1 when there is one.
 */
int
vscript_mac(const char *path, uint8_t *hw)
{
	const char	*t;
	size_t		 len = strlen(path), tl = sizeof(MAC_TAIL) - 1, i;
	uint8_t		 n;

	if (len < tl)
		return 0;
	t = path + len - tl;
	if (t > path && t[-1] != '/' && t[-1] != '-')
		return 0;
	if (t[0] != '0' || t[1] != '1' || t[2] != '-')
		return 0;
	for (i = 3; i < tl; i++)
		if ((i % 3 == 2) ? t[i] != '-' : !is_hex(t[i]))
			return 0;
	if (hwaddr_parse(t + 3, hw, 6, &n) == -1 || n != 6)
		return 0;
	return 1;
}

/*
 * A policy that names the script itself as the boot file would have
 * the script chain-load itself for ever: an iPXE client asking for
 * menu.ipxe wants the menu, not "chain menu.ipxe".
 */
static void
drop_chain_loop(struct boot_settings *d, const char *path)
{
	char	 boot[NB_PATHLEN];

	if (!(d->set & SET_BOOTFILE))
		return;
	if (path_clean(d->bootfile, strnlen(d->bootfile, sizeof(d->bootfile)),
	    boot, sizeof(boot), NULL) != 0)
		return;
	if (strcmp(boot, path) == 0) {
		d->set &= ~SET_BOOTFILE;
		d->bootfile[0] = '\0';
	}
}

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
	static char		 buf[VSCRIPT_MAX];
	struct client_facts	 f;
	struct boot_settings	 d;
	ssize_t			 n;

	client_facts_init(&f);
	f.af = peer->sa_family;
	addr_from_sa(peer, &f.subnet_addr);
	strlcpy(f.ifname, ifname, sizeof(f.ifname));
	if (vscript_mac(path, f.hwaddr))
		f.hwlen = 6;
	policy_decide(conf, &dc->defaults, &f, &d);
	drop_chain_loop(&d, path);
	if ((n = render_script(sc->format, conf, &d, &f, buf,
	    sizeof(buf))) == -1)
		return -1;
	if ((*bufp = malloc(n > 0 ? n : 1)) == NULL)
		return -1;
	memcpy(*bufp, buf, n);
	*lenp = n;
	return 0;
}
