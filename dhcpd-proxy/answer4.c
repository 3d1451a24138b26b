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
 * DHCPv4 answers: which interface and address a request came to, what
 * the policy decides for the client, and the proxy reply that says so.
 *
 * Our address (option 54, and siaddr in a redirecting offer) is the one
 * the client can reach: the address a unicast request came to, else the
 * receiving interface's address on the relay's or client's subnet, else
 * that interface's first address.  A broadcast places the client in the
 * receiving interface's network for the policy; a relay's giaddr (or its
 * link selection) and a unicast client's own address place it where they
 * say.
 *
 * Where the answer goes is written in the request, by whoever sent it:
 * giaddr, ciaddr or the source of a 4011 request.  So before anything
 * else, an address an answer may not go to (not one host's, or one of
 * our subnets' broadcast) refuses the request, a relay outside the
 * configured list too, and every address answered has a rate limit of
 * its own beside the client's: made-up MACs do not multiply the answers
 * a third party gets.  Relays in the list are trusted with any rate.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "answer.h"
#include "arch.h"
#include "ctlreport.h"
#include "dhcp.h"
#include "iface.h"
#include "log.h"
#include "policy.h"
#include "ratelimit.h"

#define HOPS_MAX	16	/* RFC 1542 4.1.1: more is a loop */

/* Why requests are refused; each a line a second at most. */
static const char	 WHY_HOPS[] = "more than 16 hops";
static const char	 WHY_GIADDR[] = "giaddr is not a unicast address";
static const char	 WHY_CIADDR[] = "ciaddr is not a unicast address";
static const char	 WHY_SOURCE[] = "source is not a unicast address";
static const char	 WHY_RELAY[] = "relay not in the relay list";
static const char	 WHY_ADDR[] = "over the rate limit for the address";

struct ctx4 {
	const struct answer_in	*in;
	struct dhcp_msg		 m;
	enum dhcp_reply_kind	 kind;
	const struct iface	*ifp;
	struct in_addr		 server_id;
	struct client_facts	 facts;
	struct boot_settings	 d;
	struct dhcp_menu	 menu;		/* nitems 0: none */
	int			 http;		/* boots from a URL */
	int			 trusted;	/* from a listed relay */
	char			 url[ANSWER_URLLEN];
};

static const char	*screen(struct ctx4 *);
static int		 unicast4(struct in_addr);
static int		 relay_listed(const struct ctx4 *);
static int		 limit_address(const struct ctx4 *,
			    const struct answer *);
static void		 refused(const struct ctx4 *, const char *);
static const char	*locate(struct ctx4 *);
static const char	*decide(struct ctx4 *, struct dhcp_reply_conf *);
static const char	*pxe_menu(struct ctx4 *);
static const char	*check_item(const struct ctx4 *);
static void		 destination(const struct ctx4 *, struct answer *);
static void		 set_sin(struct answer *, struct in_addr, uint16_t);
static void		 log_answer(const struct ctx4 *,
			    const struct dhcp_reply_conf *, struct answer *);
static struct in_addr	 client_in(const struct ctx4 *);
static const char	*client_addr(const struct ctx4 *, char *, size_t);
static void		 ignore(const struct ctx4 *, const char *);
static const char	*kind_name(enum dhcp_reply_kind);

int
answer_dhcp4(const struct answer_in *in, struct answer *a)
{
	struct ctx4		 c;
	struct dhcp_reply_conf	 rc;
	const char		*why;
	ssize_t			 n;

	memset(&c, 0, sizeof(c));
	c.in = in;
	if (dhcp_parse(in->buf, in->len, &c.m, &why) == -1)
		goto ignored;
	if ((c.kind = dhcp_reply_kind(&c.m, in->port, &why)) ==
	    DHCP_REPLY_NONE)
		goto ignored;
	if ((why = screen(&c)) != NULL) {
		refused(&c, why);
		return -1;
	}
	if ((why = locate(&c)) != NULL || (why = decide(&c, &rc)) != NULL)
		goto ignored;
	if (!ratelimit_take(in->bymac, c.m.chaddr, c.m.hlen,
	    in->dc->proxy.ratelimit, in->now)) {
		why = "over the rate limit";
		goto ignored;
	}
	if ((n = dhcp_build_reply(&c.m, &rc, a->buf, sizeof(a->buf),
	    &why)) == -1)
		goto ignored;
	a->len = n;
	destination(&c, a);
	if (!limit_address(&c, a)) {
		refused(&c, WHY_ADDR);
		return -1;
	}
	a->delay_ms = c.kind == DHCP_REPLY_OFFER ? c.d.delay_ms : 0;
	a->again_ms = 0;
	log_answer(&c, &rc, a);
	return 0;
 ignored:
	ignore(&c, why);
	return -1;
}

/*
 * Whether the request may be answered where it says: hops within the
 * limit, a destination that is one host, a relay from the list.
 */
static const char *
screen(struct ctx4 *c)
{
	const struct sockaddr_in	*sin;

	if (c->m.hops > HOPS_MAX)
		return WHY_HOPS;
	switch (dhcp_reply_dest(&c->m, c->in->port)) {
	case DHCP_DEST_RELAY:
		if (!unicast4(c->m.giaddr))
			return WHY_GIADDR;
		break;
	case DHCP_DEST_CIADDR:
		if (!unicast4(c->m.ciaddr))
			return WHY_CIADDR;
		break;
	case DHCP_DEST_SOURCE:
		sin = (const struct sockaddr_in *)&c->in->meta->peer;
		if (sin->sin_family != AF_INET || !unicast4(sin->sin_addr))
			return WHY_SOURCE;
		break;
	case DHCP_DEST_BROADCAST:
		break;
	}
	if (c->m.giaddr.s_addr == INADDR_ANY ||
	    c->in->dc->proxy.nrelays == 0)
		return NULL;
	if (!relay_listed(c))
		return WHY_RELAY;
	c->trusted = 1;
	return NULL;
}

static int
unicast4(struct in_addr a)
{
	return addr4_is_unicast(a) && !iface_is_bcast4(a);
}

/* giaddr in a listed prefix, and the source in its from, if any. */
static int
relay_listed(const struct ctx4 *c)
{
	const struct proxy_conf		*pc = &c->in->dc->proxy;
	const struct relay_conf		*r;
	struct nb_addr			 gi, src;
	size_t				 i;

	memset(&gi, 0, sizeof(gi));
	gi.af = AF_INET;
	gi.u.v4 = c->m.giaddr;
	addr_from_sa((const struct sockaddr *)&c->in->meta->peer, &src);
	for (i = 0; i < pc->nrelays; i++) {
		r = &pc->relays[i];
		if (prefix_match(&r->giaddr, &gi) &&
		    (r->from.addr.af == AF_UNSPEC ||
		    prefix_match(&r->from, &src)))
			return 1;
	}
	return 0;
}

/* Broadcasts stay on the link; a listed relay may have any rate. */
static int
limit_address(const struct ctx4 *c, const struct answer *a)
{
	const struct sockaddr_in	*to;

	to = (const struct sockaddr_in *)&a->to;
	if (c->trusted || to->sin_addr.s_addr == INADDR_BROADCAST)
		return 1;
	return ratelimit_take_addr(c->in->byaddr,
	    (const struct sockaddr *)&a->to, c->in->dc->proxy.ratelimit_addr,
	    c->in->now);
}

static void
refused(const struct ctx4 *c, const char *why)
{
	char	 from[NB_ADDRSTRLEN + 8], mac[NB_MACSTRLEN];
	char	 gi[INET_ADDRSTRLEN], ci[INET_ADDRSTRLEN];
	size_t	 hlen = c->m.hlen;

	if (hlen > DHCP_CHADDR_LEN)
		hlen = DHCP_CHADDR_LEN;
	answer_refused(c->in->now, why, "port=%u from=%s mac=%s xid=0x%08x "
	    "giaddr=%s ciaddr=%s hops=%u", c->in->port,
	    sa_ntop((const struct sockaddr *)&c->in->meta->peer, from,
	    sizeof(from)),
	    hlen ? hwaddr_ntop(c->m.chaddr, hlen, mac, sizeof(mac)) : "-",
	    c->m.xid, inet_ntop(AF_INET, &c->m.giaddr, gi, sizeof(gi)),
	    inet_ntop(AF_INET, &c->m.ciaddr, ci, sizeof(ci)), c->m.hops);
}

/* The interface, our address on it, the client's facts, the decision. */
static const char *
locate(struct ctx4 *c)
{
	const struct udp_meta	*meta = c->in->meta;
	struct in_addr		 hint, base;

	if (meta->ifindex <= 0 ||
	    (c->ifp = iface_get(meta->ifindex)) == NULL)
		return "unknown receiving interface";
	if (meta->local.af == AF_INET &&
	    iface_owner4(meta->local.u.v4) != NULL)
		c->server_id = meta->local.u.v4;
	else {
		hint = c->m.giaddr.s_addr != INADDR_ANY ? c->m.giaddr :
		    c->m.ciaddr;
		c->server_id = iface_addr4(c->ifp, hint);
	}
	if (c->server_id.s_addr == INADDR_ANY)
		return "no IPv4 address on the receiving interface";

	/* A client that has an address is where its address says. */
	base = ((const struct sockaddr_in *)&meta->peer)->sin_addr;
	if (base.s_addr == INADDR_ANY)
		base = c->server_id;
	client_facts_init(&c->facts);
	dhcp_client_facts(&c->m, base, &c->facts);
	strlcpy(c->facts.ifname, c->ifp->name, sizeof(c->facts.ifname));
	policy_decide(c->in->conf, &c->in->dc->defaults, &c->facts, &c->d);
	return NULL;
}

/*
 * What to send: an HTTP boot client a URL; a PXE client the boot file
 * from the TFTP server (ours unless the policy names one), with the BIOS
 * boot menu if it has one.  A client without a boot file gets nothing,
 * not even a redirecting offer that would make it wait for one.
 */
static const char *
decide(struct ctx4 *c, struct dhcp_reply_conf *rc)
{
	const struct boot_settings	*d = &c->d;
	const char			*why;

	memset(rc, 0, sizeof(*rc));
	rc->kind = c->kind;
	rc->direct = d->pxe_mode == PXE_DIRECT;
	rc->server_id = c->server_id;
	if ((d->set & SET_TFTPSERVER) && d->tftp_server.af == AF_INET)
		rc->boot_server = d->tftp_server.u.v4;
	if (dhcp_client_kind(&c->m) == DHCP_CLIENT_HTTP ||
	    (c->facts.arch >= 0 && arch_is_http(c->facts.arch))) {
		c->http = 1;
		if ((why = answer_http_url(c->url, sizeof(c->url), d)) != NULL)
			return why;
		rc->bootfile = c->url;
		return NULL;
	}
	if (!(d->set & SET_BOOTFILE) || d->bootfile[0] == '\0')
		return "no bootfile for this client";
	rc->bootfile = d->bootfile;
	if ((why = pxe_menu(c)) != NULL)
		return why;
	if (c->kind == DHCP_REPLY_BOOTSRV && (why = check_item(c)) != NULL)
		return why;
	if (c->menu.nitems > 0)
		rc->menu = &c->menu;
	return NULL;
}

/*
 * The PXE boot menu is for the BIOS PXE ROM.  Other clients whose rule
 * names a menu get it as a script from tftpd or httpbootd; iPXE (option
 * 175) would otherwise show the ROM's menu again after chain-loading.
 * A menu of one entry is none: that entry is the rule's file.
 */
static const char *
pxe_menu(struct ctx4 *c)
{
	const struct menu	*menu;
	const struct menu_entry	*entries = NULL;
	size_t			 i;

	c->menu.nitems = 0;
	if (c->facts.arch != ARCH_BIOS ||
	    dhcp_has_option(&c->m, DHO_IPXE_ENCAP))
		return NULL;
	if ((menu = policy_menu(c->in->conf, &c->d, &entries)) == NULL ||
	    menu->nentries < 2)
		return NULL;
	if (menu->nentries > DHCP_MENU_MAX)
		return "PXE options do not fit option 43";
	for (i = 0; i < menu->nentries; i++) {
		c->menu.item[i].label = entries[i].label;
		c->menu.item[i].local = entries[i].local;
	}
	c->menu.nitems = menu->nentries;
	c->menu.prompt = menu->prompt;
	c->menu.timeout = menu->timeout;
	return NULL;
}

/*
 * A boot item request names an entry of the menu we sent, or without a
 * menu the one boot server type of a direct offer (43.8).
 */
static const char *
check_item(const struct ctx4 *c)
{
	if (c->menu.nitems > 0) {
		if (dhcp_menu_item(&c->menu, c->m.boot_type) == -1)
			return "boot item is not in the client's menu";
		return NULL;
	}
	if (c->m.boot_type != PXE_TYPE_FIRST)
		return "boot item type is not ours";
	return NULL;
}

static void
set_sin(struct answer *a, struct in_addr addr, uint16_t port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&a->to;

	memset(&a->to, 0, sizeof(a->to));
	sin->sin_family = AF_INET;
	sin->sin_addr = addr;
	sin->sin_port = htons(port);
	a->tolen = sizeof(*sin);
}

/* A broadcast must leave by the interface its request came in on. */
static void
destination(const struct ctx4 *c, struct answer *a)
{
	struct in_addr	 bcast = { INADDR_BROADCAST };

	a->ifindex = 0;
	switch (dhcp_reply_dest(&c->m, c->in->port)) {
	case DHCP_DEST_BROADCAST:
		set_sin(a, bcast, DHCP_CLIENT_PORT);
		a->ifindex = c->in->meta->ifindex;
		break;
	case DHCP_DEST_RELAY:
		set_sin(a, c->m.giaddr, DHCP_SERVER_PORT);
		break;
	case DHCP_DEST_CIADDR:
		set_sin(a, c->m.ciaddr, DHCP_CLIENT_PORT);
		break;
	case DHCP_DEST_SOURCE:
		memcpy(&a->to, &c->in->meta->peer, c->in->meta->peerlen);
		a->tolen = c->in->meta->peerlen;
		break;
	}
	memset(&a->from, 0, sizeof(a->from));
	a->from.af = AF_INET;
	a->from.u.v4 = c->server_id;
}

static const char *
client_addr(const struct ctx4 *c, char *buf, size_t size)
{
	struct in_addr	 a = client_in(c);

	if (a.s_addr == INADDR_ANY)
		strlcpy(buf, "-", size);
	else
		inet_ntop(AF_INET, &a, buf, size);
	return buf;
}

/* The client's own address, when it has one yet; INADDR_ANY if not. */
static struct in_addr
client_in(const struct ctx4 *c)
{
	struct in_addr	 a = c->m.ciaddr;

	if (a.s_addr == INADDR_ANY && c->in->meta->peer.ss_family == AF_INET)
		a = ((const struct sockaddr_in *)&c->in->meta->peer)->sin_addr;
	if (c->m.giaddr.s_addr == a.s_addr)
		a.s_addr = INADDR_ANY;
	return a;
}

static const char *
kind_name(enum dhcp_reply_kind kind)
{
	switch (kind) {
	case DHCP_REPLY_OFFER:
		return "offer";
	case DHCP_REPLY_ACK:
		return "ack";
	case DHCP_REPLY_BOOTSRV:
		return "bootsrv";
	default:
		return "none";
	}
}

static void
log_answer(const struct ctx4 *c, const struct dhcp_reply_conf *rc,
    struct answer *a)
{
	char		 mac[NB_MACSTRLEN], arch[32], client[INET_ADDRSTRLEN];
	char		 relay[INET_ADDRSTRLEN], server[INET_ADDRSTRLEN];
	char		 self[INET_ADDRSTRLEN], file[NB_PATHLEN * 4 + 1];
	char		 to[NB_ADDRSTRLEN + 8];
	struct in_addr	 bs = rc->boot_server;
	const char	*mode;

	if (bs.s_addr == INADDR_ANY)
		bs = rc->server_id;
	if (c->http) {
		mode = "http";
		strlcpy(server, "-", sizeof(server));
	} else {
		mode = c->kind == DHCP_REPLY_BOOTSRV ? "bootitem" :
		    rc->menu != NULL ? "menu" : c->kind == DHCP_REPLY_OFFER &&
		    !rc->direct ? "redirect" : "direct";
		inet_ntop(AF_INET, &bs, server, sizeof(server));
	}
	if (c->m.giaddr.s_addr == INADDR_ANY)
		strlcpy(relay, "-", sizeof(relay));
	else
		inet_ntop(AF_INET, &c->m.giaddr, relay, sizeof(relay));
	answer_vis(file, sizeof(file), rc->bootfile, strlen(rc->bootfile));
	snprintf(a->log, sizeof(a->log), "answer type=%s mac=%s arch=%s "
	    "xid=0x%08x client=%s relay=%s if=%s port=%u proxy=%s mode=%s "
	    "bootfile=%.400s server=%s to=%s delay=%u", kind_name(c->kind),
	    hwaddr_ntop(c->m.chaddr, c->m.hlen, mac, sizeof(mac)),
	    answer_arch(c->facts.arch, arch, sizeof(arch)), c->m.xid,
	    client_addr(c, client, sizeof(client)), relay, c->ifp->name,
	    c->in->port, inet_ntop(AF_INET, &c->server_id, self, sizeof(self)),
	    mode, file, server, sa_ntop((struct sockaddr *)&a->to, to,
	    sizeof(to)), a->delay_ms);
	bs = client_in(c);
	answer_session(&a->rec, c->in, c->facts.hwaddr, c->facts.hwlen,
	    c->facts.arch, bs.s_addr == INADDR_ANY ? AF_UNSPEC : AF_INET, &bs,
	    file, kind_name(c->kind), mode);
}

/* A decode of what was ignored and why, when debugging. */
static void
ignore(const struct ctx4 *c, const char *why)
{
	const struct udp_meta	*meta = c->in->meta;
	char			 from[NB_ADDRSTRLEN + 8], mac[NB_MACSTRLEN];
	char			 class[DHCP_OPTLEN * 4 + 1], arch[32];
	struct ctl_session	 s;
	struct in_addr		 ca;
	size_t			 hlen = c->m.hlen;

	report_count("ignored", "reason", why, 1);
	if (log_getverbose() < 1)
		return;
	if (hlen > DHCP_CHADDR_LEN)
		hlen = DHCP_CHADDR_LEN;
	answer_vis(class, sizeof(class), c->m.vendor_class.data,
	    c->m.vendor_class.len);
	ca = client_in(c);
	answer_session(&s, c->in, c->m.chaddr, hlen,
	    c->m.narch ? c->m.arch[0] : -1, ca.s_addr == INADDR_ANY ?
	    AF_UNSPEC : AF_INET, &ca, "", "ignored", "");
	report_log(LOG_DEBUG, &s, "ignored port=%u from=%s ifindex=%d len=%zu op=%u "
	    "type=%u mac=%s xid=0x%08x class=\"%s\" arch=%s option=%u "
	    "reason=\"%s\"", c->in->port,
	    sa_ntop((const struct sockaddr *)&meta->peer, from, sizeof(from)),
	    meta->ifindex, c->in->len, c->m.op, c->m.type,
	    hlen ? hwaddr_ntop(c->m.chaddr, hlen, mac, sizeof(mac)) : "-",
	    c->m.xid, class,
	    answer_arch(c->m.narch ? c->m.arch[0] : -1, arch, sizeof(arch)),
	    c->m.bad_option, why);
}
