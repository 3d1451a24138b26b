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
 * dhcpd-proxy: the parent.  Everything a parent does is shared by the three
 * daemons (common/parent.c); what is dhcpd-proxy's own is said here.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "daemon.h"
#include "engine.h"
#include "log.h"

static int	 proxy_open_listeners(const struct daemon_def *,
		    const struct daemon_conf *, struct listener **, size_t *);
static int	 proxy_listen_port(const struct daemon_def *, const char *,
		    uint16_t, struct listener **, size_t *);

static const struct daemon_def proxy_def = {
	.name = "dhcpd-proxy",
	.kind = NB_DHCPD_PROXY,
	.port = 67,
	.socktype = SOCK_DGRAM,
	.chroot_empty = 1,
	.open_listeners = proxy_open_listeners,
	.engine_start = proxy_engine_start,
	.engine_reload = proxy_engine_reload,
};

int
main(int argc, char *argv[])
{
	return daemon_main(argc, argv, &proxy_def);
}

/*
 * Port 67 for broadcasts and relays, 4011 for the boot-server requests,
 * on each listed interface or on all of them.
 */
static int
proxy_open_listeners(const struct daemon_def *def,
    const struct daemon_conf *dc, struct listener **lp, size_t *np)
{
	const char	*ifname;
	size_t		 i, n = dc->nlisten ? dc->nlisten : 1;

	*lp = NULL;
	*np = 0;
	for (i = 0; i < n; i++) {
		ifname = dc->nlisten && dc->listen[i].ifname[0] ?
		    dc->listen[i].ifname : NULL;
		if (proxy_listen_port(def, ifname, PROXY_PORT_DHCP, lp,
		    np) == -1 || proxy_listen_port(def, ifname,
		    PROXY_PORT_PXE, lp, np) == -1) {
			listeners_free(*lp, *np);
			return -1;
		}
	}
	return 0;
}

static int
proxy_listen_port(const struct daemon_def *def, const char *ifname,
    uint16_t port, struct listener **lp, size_t *np)
{
	struct sockaddr_storage	 ss;
	struct nb_addr		 any;
	struct listener		 l, *nl;
	socklen_t		 len;
	int			 on = 1;

	memset(&any, 0, sizeof(any));
	any.af = AF_INET;
	len = addr_to_sa(&any, port, &ss);
	if (listen_socket(def, SOCK_DGRAM, ifname, &ss, len, &l) == -1)
		return -1;
	if (setsockopt(l.fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) == -1)
		fatal("setsockopt SO_BROADCAST");
	l.info.port_role = port;
	if ((nl = reallocarray(*lp, *np + 1, sizeof(*nl))) == NULL)
		fatal("%s", __func__);
	nl[(*np)++] = l;
	*lp = nl;
	return 0;
}
