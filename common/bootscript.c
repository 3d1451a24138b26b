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
 * The choice of a client's boot script.  The policy decides as it
 * would for the client's DHCP request, from the facts the daemon has:
 * tftpd knows the address, the interface and a MAC in the name asked
 * for; httpbootd also what iPXE tells in the query and User-Agent.
 */

#include <sys/types.h>

#include <string.h>

#include "addr.h"
#include "bootscript.h"
#include "path.h"
#include "render.h"

#define MAC_TAIL	"01-xx-xx-xx-xx-xx-xx"

static int	 is_hex(char);
static void	 drop_chain_loop(struct boot_settings *, const char *);

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* After "01-" (ARP hardware type 1) and a '/' or '-'. */
int
bootscript_mac(const char *path, uint8_t *hw)
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
 * menu.ipxe wants the menu, not "chain menu.ipxe".  The boot file is
 * compared as a request for it would be, after path_clean().
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

ssize_t
bootscript_render(const struct netboot_conf *conf,
    const struct daemon_conf *dc, const struct script_conf *sc,
    const char *path, struct client_facts *f, char *buf, size_t len)
{
	struct boot_settings	 d;

	if (f->hwlen == 0 && bootscript_mac(path, f->hwaddr))
		f->hwlen = 6;
	policy_decide(conf, &dc->defaults, f, &d);
	drop_chain_loop(&d, path);
	return render_script(sc->format, conf, &d, f, buf, len);
}
