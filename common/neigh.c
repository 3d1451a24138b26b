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

#include <sys/types.h>
#include <sys/socket.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "ev.h"
#include "log.h"
#include "neigh.h"

#define NEIGH_MAX	65536		/* entries kept at most */
#define NEIGH_USABLE	(NUD_REACHABLE | NUD_STALE | NUD_DELAY | \
			    NUD_PROBE | NUD_PERMANENT)

static int	 neigh_refresh(void);
static int	 neigh_dump(int);
static void	 neigh_keep(const struct neigh *, void *);
static int	 neigh_entry(const struct nlmsghdr *, struct neigh *);

static struct {
	struct neigh	*v;
	size_t		 n, cap;
	uint64_t	 read;		/* monotonic, 0: never */
	int		 failed;	/* said so once */
} table;

int
neigh_lookup(const struct nb_addr *a, uint8_t *hw, uint8_t *hwlen)
{
	size_t	 i;
	int	 tries;

	for (tries = 0; tries < 2; tries++) {
		for (i = 0; i < table.n; i++)
			if (addr_eq(&table.v[i].addr, a)) {
				memcpy(hw, table.v[i].hwaddr,
				    table.v[i].hwlen);
				*hwlen = table.v[i].hwlen;
				return 1;
			}
		if (table.read != 0 && ev_clock() - table.read < NEIGH_MAXAGE)
			return 0;
		if (neigh_refresh() == -1)
			return 0;
	}
	return 0;
}

static int
neigh_refresh(void)
{
	int	 s, rv;

	table.n = 0;
	table.read = ev_clock();
	if ((s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1) {
		if (!table.failed++)
			log_warn("netlink: client MACs are not known");
		return -1;
	}
	rv = neigh_dump(s);
	close(s);
	if (rv == -1 && !table.failed++)
		log_warn("neighbour table: client MACs are not known");
	return rv;
}

static int
neigh_dump(int s)
{
	struct {
		struct nlmsghdr	 nh;
		struct ndmsg	 nd;
	} req;
	static uint8_t	 buf[32768];
	ssize_t		 n;
	int		 r;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_GETNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.nd.ndm_family = AF_UNSPEC;
	if (send(s, &req, sizeof(req), 0) == -1)
		return -1;
	for (;;) {
		if ((n = recv(s, buf, sizeof(buf), 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((r = neigh_parse(buf, n, neigh_keep, NULL)) != 0)
			return r == 1 ? 0 : -1;
	}
}

static void
neigh_keep(const struct neigh *e, void *arg)
{
	struct neigh	*v;
	size_t		 cap;

	if (table.n == table.cap) {
		if (table.cap >= NEIGH_MAX)
			return;
		cap = table.cap ? table.cap * 2 : 64;
		if ((v = reallocarray(table.v, cap, sizeof(*v))) == NULL)
			return;
		table.v = v;
		table.cap = cap;
	}
	table.v[table.n++] = *e;
}

int
neigh_parse(const uint8_t *buf, size_t len,
    void (*fn)(const struct neigh *, void *), void *arg)
{
	const struct nlmsghdr	*nh;
	struct neigh		 e;
	size_t			 off = 0;

	while (len - off >= sizeof(*nh)) {
		nh = (const struct nlmsghdr *)(buf + off);
		if (nh->nlmsg_len < sizeof(*nh) || nh->nlmsg_len > len - off)
			return -1;
		if (nh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh->nlmsg_type == NLMSG_ERROR)
			return -1;
		if (nh->nlmsg_type == RTM_NEWNEIGH && neigh_entry(nh, &e))
			fn(&e, arg);
		off += NLMSG_ALIGN(nh->nlmsg_len);
		if (off > len)
			break;
	}
	return 0;
}

/* An IPv4 or IPv6 neighbour in a usable state with a link address. */
static int
neigh_entry(const struct nlmsghdr *nh, struct neigh *e)
{
	const struct ndmsg	*nd;
	const struct rtattr	*rta;
	size_t			 alen, rlen;
	int			 dst = 0;

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)))
		return 0;
	nd = NLMSG_DATA(nh);
	if ((nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6) ||
	    !(nd->ndm_state & NEIGH_USABLE))
		return 0;
	memset(e, 0, sizeof(*e));
	rlen = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));
	rta = (const struct rtattr *)((const uint8_t *)nd +
	    NLMSG_ALIGN(sizeof(*nd)));
	for (; RTA_OK(rta, rlen); rta = RTA_NEXT(rta, rlen)) {
		alen = RTA_PAYLOAD(rta);
		if (rta->rta_type == NDA_DST) {
			if (nd->ndm_family == AF_INET && alen == 4)
				memcpy(&e->addr.u.v4, RTA_DATA(rta), 4);
			else if (nd->ndm_family == AF_INET6 && alen == 16)
				memcpy(&e->addr.u.v6, RTA_DATA(rta), 16);
			else
				return 0;
			e->addr.af = nd->ndm_family;
			dst = 1;
		} else if (rta->rta_type == NDA_LLADDR && alen > 0 &&
		    alen <= sizeof(e->hwaddr)) {
			memcpy(e->hwaddr, RTA_DATA(rta), alen);
			e->hwlen = alen;
		}
	}
	return dst && e->hwlen > 0;
}
