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
 * The interface table of the engine.  Read at start and again when a
 * packet arrives on an interface it does not know or the table has
 * grown stale, so that an address added or changed is seen within
 * IFACE_STALE_MS without a timer.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>

#include <ifaddrs.h>
#include <string.h>

#include "ev.h"
#include "iface.h"
#include "log.h"

#define IFACE_STALE_MS	10000	/* read again when older */
#define IFACE_RETRY_MS	1000	/* at most this often */

struct iface_table {
	struct iface	 ifs[IFACE_MAX];
	size_t		 n;
	uint64_t	 read_at;	/* ev_now() of the last read */
	uint64_t	 tried_at;
};

static struct iface	*table_find(struct iface_table *, const char *);
static void		 table_link(struct iface_table *,
			    const struct ifaddrs *);
static void		 table_addr(struct iface_table *,
			    const struct ifaddrs *);
static int		 addr6_global(const struct in6_addr *);
static int		 mac_usable(const uint8_t *, size_t);
static void		 maybe_refresh(int);

static struct iface_table	 table;

int
iface_refresh(void)
{
	struct iface_table	 t;
	struct ifaddrs		*ifap, *ifa;

	table.tried_at = ev_now();
	if (getifaddrs(&ifap) == -1) {
		log_warn("getifaddrs");
		return -1;
	}
	memset(&t, 0, sizeof(t));
	/* Links first: addresses are filed under their link's name. */
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next)
		if (ifa->ifa_addr != NULL &&
		    ifa->ifa_addr->sa_family == AF_PACKET)
			table_link(&t, ifa);
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next)
		if (ifa->ifa_addr != NULL &&
		    ifa->ifa_addr->sa_family != AF_PACKET)
			table_addr(&t, ifa);
	freeifaddrs(ifap);
	t.read_at = t.tried_at = table.tried_at;
	table = t;
	log_debug("interfaces: %zu", table.n);
	return 0;
}

static struct iface *
table_find(struct iface_table *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->ifs[i].name, name) == 0)
			return &t->ifs[i];
	return NULL;
}

static void
table_link(struct iface_table *t, const struct ifaddrs *ifa)
{
	const struct sockaddr_ll	*sll;
	struct iface			*ifp;

	sll = (const struct sockaddr_ll *)ifa->ifa_addr;
	if (t->n == IFACE_MAX || sll->sll_ifindex <= 0 ||
	    table_find(t, ifa->ifa_name) != NULL)
		return;
	ifp = &t->ifs[t->n++];
	ifp->index = sll->sll_ifindex;
	strlcpy(ifp->name, ifa->ifa_name, sizeof(ifp->name));
	if (sll->sll_halen <= sizeof(ifp->hwaddr) &&
	    sll->sll_halen <= sizeof(sll->sll_addr)) {
		memcpy(ifp->hwaddr, sll->sll_addr, sll->sll_halen);
		ifp->hwlen = sll->sll_halen;
	}
}

/* An IPv4 alias is labelled "eth0:1": it belongs to eth0. */
static void
table_addr(struct iface_table *t, const struct ifaddrs *ifa)
{
	struct iface	*ifp;
	char		 name[IF_NAMESIZE];
	size_t		 n;

	strlcpy(name, ifa->ifa_name, sizeof(name));
	if ((ifp = table_find(t, name)) == NULL) {
		name[strcspn(name, ":")] = '\0';
		if ((ifp = table_find(t, name)) == NULL)
			return;
	}
	if (ifa->ifa_addr->sa_family == AF_INET &&
	    (n = ifp->naddr4) < IFACE_MAXADDR && ifa->ifa_netmask != NULL) {
		ifp->addr4[n] =
		    ((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
		ifp->mask4[n] =
		    ((const struct sockaddr_in *)ifa->ifa_netmask)->sin_addr;
		ifp->naddr4++;
	} else if (ifa->ifa_addr->sa_family == AF_INET6 &&
	    (n = ifp->naddr6) < IFACE_MAXADDR) {
		ifp->addr6[n] =
		    ((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
		ifp->naddr6++;
	}
}

static void
maybe_refresh(int unknown)
{
	uint64_t	 now = ev_now();

	if (now - table.tried_at < IFACE_RETRY_MS * 1000ULL)
		return;
	if (unknown || now - table.read_at >= IFACE_STALE_MS * 1000ULL)
		iface_refresh();
}

const struct iface *
iface_get(unsigned int index)
{
	size_t	 i;
	int	 pass;

	for (pass = 0; pass < 2; pass++) {
		maybe_refresh(pass == 1);
		for (i = 0; i < table.n; i++)
			if (table.ifs[i].index == index)
				return &table.ifs[i];
	}
	return NULL;
}

const struct iface *
iface_owner4(struct in_addr a)
{
	size_t	 i, j;

	for (i = 0; i < table.n; i++)
		for (j = 0; j < table.ifs[i].naddr4; j++)
			if (table.ifs[i].addr4[j].s_addr == a.s_addr)
				return &table.ifs[i];
	return NULL;
}

/* A directed broadcast address of one of our subnets. */
int
iface_is_bcast4(struct in_addr a)
{
	size_t	 i, j;

	for (i = 0; i < table.n; i++)
		for (j = 0; j < table.ifs[i].naddr4; j++)
			if (table.ifs[i].mask4[j].s_addr != INADDR_BROADCAST &&
			    (table.ifs[i].addr4[j].s_addr |
			    ~table.ifs[i].mask4[j].s_addr) == a.s_addr)
				return 1;
	return 0;
}

const struct iface *
iface_owner6(const struct in6_addr *a)
{
	size_t	 i, j;

	for (i = 0; i < table.n; i++)
		for (j = 0; j < table.ifs[i].naddr6; j++)
			if (IN6_ARE_ADDR_EQUAL(&table.ifs[i].addr6[j], a))
				return &table.ifs[i];
	return NULL;
}

struct in_addr
iface_addr4(const struct iface *ifp, struct in_addr hint)
{
	struct in_addr	 none = { INADDR_ANY };
	size_t		 i;

	if (ifp == NULL || ifp->naddr4 == 0)
		return none;
	for (i = 0; i < ifp->naddr4; i++)
		if (hint.s_addr != INADDR_ANY &&
		    ((ifp->addr4[i].s_addr ^ hint.s_addr) &
		    ifp->mask4[i].s_addr) == 0)
			return ifp->addr4[i];
	return ifp->addr4[0];
}

/* A client cannot reach a link-local address from a URL: no zone. */
static int
addr6_global(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	    !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_UNSPECIFIED(a) &&
	    !IN6_IS_ADDR_V4MAPPED(a);
}

const struct in6_addr *
iface_addr6(const struct iface *ifp)
{
	size_t	 i;

	if (ifp == NULL)
		return NULL;
	for (i = 0; i < ifp->naddr6; i++)
		if (addr6_global(&ifp->addr6[i]))
			return &ifp->addr6[i];
	return NULL;
}

static int
mac_usable(const uint8_t *mac, size_t len)
{
	static const uint8_t	 zero[NB_HWADDRLEN];

	return len == 6 && memcmp(mac, zero, len) != 0 && !(mac[0] & 1);
}

/*
 * The lowest interface index with an Ethernet address, stable enough,
 * with its universal/local bit inverted: an address server on the same
 * host makes its DUID-LL of the interface's own address, and a client's
 * Request naming that server must not look like one naming us.
 */
const uint8_t *
iface_duid_mac(size_t *len)
{
	static uint8_t		 mac[6];
	const struct iface	*best = NULL;
	size_t			 i;

	for (i = 0; i < table.n; i++)
		if (mac_usable(table.ifs[i].hwaddr, table.ifs[i].hwlen) &&
		    (best == NULL || table.ifs[i].index < best->index))
			best = &table.ifs[i];
	if (best == NULL) {
		*len = 0;
		return NULL;
	}
	memcpy(mac, best->hwaddr, sizeof(mac));
	mac[0] ^= 0x02;
	*len = sizeof(mac);
	return mac;
}
