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

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "daemon.h"
#include "engine.h"
#include "log.h"

/* All_DHCP_Relay_Agents_and_Servers, RFC 8415 7.1 */
#define ALL_DHCP_SERVERS	"ff02::1:2"

static int	 proxy_open_listeners(const struct daemon_def *,
		    const struct daemon_conf *, struct listener **, size_t *);
static int	 proxy_listen_port(const struct daemon_def *, const char *,
		    int, uint16_t, struct listener **, size_t *);
static void	 proxy_listen_v6(const struct daemon_def *, const char *,
		    struct listener **, size_t *);
static void	 proxy_join(int, const char *);
static void	 proxy_join_one(int, unsigned int, const char *, int);

static const struct daemon_def proxy_def = {
	.name = "dhcpd-proxy",
	.kind = NB_DHCPD_PROXY,
	.port = 67,
	.socktype = SOCK_DGRAM,
	.chroot_empty = 1,
	.broadcast = 1,
	.open_listeners = proxy_open_listeners,
	.engine_start = proxy_engine_start,
	.engine_reload = proxy_engine_reload,
	.syscalls = proxy_syscalls,
};

int
main(int argc, char *argv[])
{
	return daemon_main(argc, argv, &proxy_def);
}

/*
 * Port 67 for broadcasts and relays, 4011 for the boot-server requests,
 * on each listed interface or on all of them; and for DHCPv6, 547 with
 * the servers' multicast group joined and 4011.  IPv4 must work; IPv6
 * is served where the host has it.
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
		if (proxy_listen_port(def, ifname, AF_INET, PROXY_PORT_DHCP,
		    lp, np) == -1 || proxy_listen_port(def, ifname, AF_INET,
		    PROXY_PORT_PXE, lp, np) == -1) {
			listeners_free(*lp, *np);
			*lp = NULL;
			*np = 0;
			return -1;
		}
		proxy_listen_v6(def, ifname, lp, np);
	}
	return 0;
}

static int
proxy_listen_port(const struct daemon_def *def, const char *ifname, int af,
    uint16_t port, struct listener **lp, size_t *np)
{
	struct sockaddr_storage	 ss;
	struct nb_addr		 any;
	struct listener		 l, *nl;
	socklen_t		 len;

	memset(&any, 0, sizeof(any));
	any.af = af;
	len = addr_to_sa(&any, port, &ss);
	if (listen_socket(def, SOCK_DGRAM, ifname, &ss, len, &l) == -1)
		return -1;
	if (af == AF_INET6 && port == PROXY_PORT_DHCP6)
		proxy_join(l.fd, ifname);
	l.info.port_role = port;
	if ((nl = reallocarray(*lp, *np + 1, sizeof(*nl))) == NULL)
		fatal("%s", __func__);
	nl[(*np)++] = l;
	*lp = nl;
	return 0;
}

/* A host or interface without IPv6 still serves IPv4. */
static void
proxy_listen_v6(const struct daemon_def *def, const char *ifname,
    struct listener **lp, size_t *np)
{
	size_t	 before = *np;

	if (proxy_listen_port(def, ifname, AF_INET6, PROXY_PORT_DHCP6, lp,
	    np) == 0 && proxy_listen_port(def, ifname, AF_INET6,
	    PROXY_PORT_PXE, lp, np) == 0)
		return;
	if (errno == EAFNOSUPPORT)
		log_info("no IPv6 on this host: DHCPv6 not served");
	else
		log_warnx("DHCPv6 not served%s%s", ifname ? " on " : "",
		    ifname ? ifname : "");
	while (*np > before)
		close((*lp)[--(*np)].fd);
}

/*
 * Clients multicast their Solicits to ff02::1:2: join it on the named
 * interface, or on every multicast interface there is now (one that
 * appears later needs a restart to be served over IPv6).
 */
static void
proxy_join(int fd, const char *ifname)
{
	struct if_nameindex	*ifs, *i;
	unsigned int		 index;

	if (ifname != NULL) {
		if ((index = if_nametoindex(ifname)) == 0)
			log_warn("interface %s", ifname);
		else
			proxy_join_one(fd, index, ifname, 1);
		return;
	}
	if ((ifs = if_nameindex()) == NULL) {
		log_warn("if_nameindex");
		return;
	}
	for (i = ifs; i->if_index != 0; i++)
		proxy_join_one(fd, i->if_index, i->if_name, 0);
	if_freenameindex(ifs);
}

static void
proxy_join_one(int fd, unsigned int index, const char *ifname, int named)
{
	struct ipv6_mreq	 mreq;
	struct ifreq		 ifr;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1 ||
	    !(ifr.ifr_flags & IFF_MULTICAST) ||
	    (ifr.ifr_flags & IFF_LOOPBACK)) {
		if (named)
			log_info("%s has no multicast: no DHCPv6 Solicits "
			    "there", ifname);
		return;
	}
	memset(&mreq, 0, sizeof(mreq));
	if (inet_pton(AF_INET6, ALL_DHCP_SERVERS, &mreq.ipv6mr_multiaddr) != 1)
		fatalx("%s", __func__);
	mreq.ipv6mr_interface = index;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq,
	    sizeof(mreq)) == -1)
		log_warn("join %s on %s", ALL_DHCP_SERVERS, ifname);
	else
		log_debug("joined %s on %s", ALL_DHCP_SERVERS, ifname);
}
