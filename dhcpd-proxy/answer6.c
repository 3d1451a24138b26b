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
 * DHCPv6 answers: a proxy Advertise to a UEFI client's Solicit, and a
 * Reply to its Request on port 4011, both without addresses and with
 * the boot file URL (option 59).
 *
 * EDK2 sends its 4011 Request to the host named in the Advertise's URL,
 * so the Advertise of a PXE client always names us; the Reply names the
 * TFTP server the policy chose.  Our address is a global one of the
 * receiving interface (a link-local address in a URL has no zone), or
 * the one a unicast request came to.  Our DUID is a DUID-LL made from
 * one Ethernet address of the host, the same on every interface, with
 * its local bit inverted so that it is not the DUID of an address server
 * on the same host: answering a Request meant for that server would give
 * the client a Reply without its address.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "answer.h"
#include "ctlreport.h"
#include "arch.h"
#include "dhcp6.h"
#include "iface.h"
#include "log.h"
#include "policy.h"
#include "ratelimit.h"

#define REPLY4011_DELAY_MS	100
#define REPLY4011_AGAIN_MS	1000
#define DUID_UUID		4	/* RFC 6355 */

static const char	 WHY_SOURCE[] = "source is not a unicast address";
static const char	 WHY_ADDR[] = "over the rate limit for the address";

struct ctx6 {
	const struct answer_in	*in;
	struct dhcp6_msg	 m;
	enum dhcp6_reply_kind	 kind;
	const struct iface	*ifp;
	const uint8_t		*mac;
	size_t			 maclen;
	struct in6_addr		 src;
	struct in6_addr		 self;
	struct client_facts	 facts;
	struct boot_settings	 d;
	int			 http;
	char			 url[ANSWER_URLLEN];
};

static const char	*identify(struct ctx6 *);
static const char	*locate(struct ctx6 *);
static const char	*decide(struct ctx6 *);
static int		 take_rate(const struct ctx6 *);
static int		 edk2(const struct ctx6 *);
static void		 refused(const struct ctx6 *, const char *);
static void		 destination(const struct ctx6 *, struct answer *);
static void		 timing(const struct ctx6 *, struct answer *);
static void		 log_answer(const struct ctx6 *, struct answer *);
static void		 ignore(const struct ctx6 *, const char *);

int
answer_dhcp6(const struct answer_in *in, struct answer *a)
{
	struct ctx6		 c;
	struct dhcp6_reply_conf	 rc;
	const char		*why;
	ssize_t			 n;

	memset(&c, 0, sizeof(c));
	c.in = in;
	if (in->meta->peer.ss_family != AF_INET6) {
		why = "not from an IPv6 address";
		goto ignored;
	}
	c.src = ((const struct sockaddr_in6 *)&in->meta->peer)->sin6_addr;
	if (dhcp6_parse(in->buf, in->len, &c.m, &why) == -1)
		goto ignored;
	if ((why = identify(&c)) != NULL)
		goto ignored;
	if (IN6_IS_ADDR_MULTICAST(&c.src) || IN6_IS_ADDR_UNSPECIFIED(&c.src) ||
	    IN6_IS_ADDR_LOOPBACK(&c.src)) {
		refused(&c, WHY_SOURCE);
		return -1;
	}
	if ((why = locate(&c)) != NULL || (why = decide(&c)) != NULL)
		goto ignored;
	if (!take_rate(&c)) {
		why = "over the rate limit";
		goto ignored;
	}
	/* Every answer goes to the source: it has a limit of its own. */
	if (!ratelimit_take_addr(in->byaddr,
	    (const struct sockaddr *)&in->meta->peer,
	    in->dc->proxy.ratelimit_addr, in->now)) {
		refused(&c, WHY_ADDR);
		return -1;
	}
	memset(&rc, 0, sizeof(rc));
	rc.kind = c.kind;
	rc.mac = c.mac;
	rc.maclen = c.maclen;
	rc.bootfile_url = c.url;
	if ((n = dhcp6_build_reply(&c.m, &rc, a->buf, sizeof(a->buf),
	    &why)) == -1)
		goto ignored;
	a->len = n;
	destination(&c, a);
	timing(&c, a);
	log_answer(&c, a);
	return 0;
 ignored:
	ignore(&c, why);
	return -1;
}

/* Our DUID, and whether the message is one for us to answer. */
static const char *
identify(struct ctx6 *c)
{
	uint8_t		 duid[4 + NB_HWADDRLEN];
	size_t		 len;
	const char	*why;

	if (c->in->meta->ifindex <= 0 ||
	    (c->ifp = iface_get(c->in->meta->ifindex)) == NULL)
		return "unknown receiving interface";
	if ((c->mac = iface_duid_mac(&c->maclen)) == NULL ||
	    (len = dhcp6_duid_ll(c->mac, c->maclen, duid, sizeof(duid))) == 0)
		return "no Ethernet address to make a DUID of";
	c->kind = dhcp6_reply_kind(&c->m, c->in->port, duid, len, &why);
	if (c->kind == DHCP6_REPLY_NONE)
		return why;
	return NULL;
}

/*
 * Our address, then the client's facts: a unicast request from a client
 * with a global address places it there, anything else on the relay's
 * link or the receiving interface's.
 */
static const char *
locate(struct ctx6 *c)
{
	const struct nb_addr	*local = &c->in->meta->local;
	const struct in6_addr	*a;
	struct in6_addr		 base;

	if (local->af == AF_INET6 && !IN6_IS_ADDR_MULTICAST(&local->u.v6) &&
	    !IN6_IS_ADDR_LINKLOCAL(&local->u.v6) &&
	    iface_owner6(&local->u.v6) != NULL)
		c->self = local->u.v6;
	else if ((a = iface_addr6(c->ifp)) != NULL)
		c->self = *a;
	else
		return "no global IPv6 address on the receiving interface";
	base = c->self;
	if (c->in->port == DHCP6_PXE_PORT && c->m.nrelay == 0 &&
	    !IN6_IS_ADDR_LINKLOCAL(&c->src))
		base = c->src;
	client_facts_init(&c->facts);
	dhcp6_client_facts(&c->m, &c->src, &base, &c->facts);
	strlcpy(c->facts.ifname, c->ifp->name, sizeof(c->facts.ifname));
	policy_decide(c->in->conf, &c->in->dc->defaults, &c->facts, &c->d);
	return NULL;
}

/* The URL: HTTP from http-server, TFTP from us or the chosen server. */
static const char *
decide(struct ctx6 *c)
{
	const struct boot_settings	*d = &c->d;
	const struct in6_addr		*host = &c->self;

	if (dhcp6_client_kind(&c->m) == DHCP_CLIENT_HTTP ||
	    (c->facts.arch >= 0 && arch_is_http(c->facts.arch))) {
		c->http = 1;
		return answer_http_url(c->url, sizeof(c->url), d);
	}
	if (!(d->set & SET_BOOTFILE) || d->bootfile[0] == '\0')
		return "no bootfile for this client";
	if (c->kind == DHCP6_REPLY_REPLY && (d->set & SET_TFTPSERVER) &&
	    d->tftp_server.af == AF_INET6)
		host = &d->tftp_server.u.v6;
	if (dhcp6_url(c->url, sizeof(c->url), "tftp", host, d->bootfile) ==
	    -1)
		return "boot URL too long";
	return NULL;
}

/* EDK2 names itself by DUID-UUID: without a MAC, the DUID's end. */
static int
take_rate(const struct ctx6 *c)
{
	const uint8_t	*key = c->facts.hwaddr;
	size_t		 len = c->facts.hwlen;

	if (len == 0) {
		len = c->m.clientid_len;
		key = c->m.clientid;
		if (len > RL_KEYLEN) {
			key += len - RL_KEYLEN;
			len = RL_KEYLEN;
		}
	}
	return ratelimit_take(c->in->bymac, key, len,
	    c->in->dc->proxy.ratelimit, c->in->now);
}

/*
 * EDK2's PXE over IPv6 (OVMF and the firmware built on it) names itself
 * by a DUID-UUID and sends the PXE vendor class of enterprise 343.
 */
static int
edk2(const struct ctx6 *c)
{
	return c->m.clientid_len >= 2 && c->m.clientid[0] == 0 &&
	    c->m.clientid[1] == DUID_UUID && dhcp6_client_kind(&c->m) ==
	    DHCP_CLIENT_PXE;
}

static void
refused(const struct ctx6 *c, const char *why)
{
	char	 from[NB_ADDRSTRLEN + 8];

	answer_refused(c->in->now, why, "port=%u from=%s xid=0x%06x "
	    "relays=%zu", c->in->port,
	    sa_ntop((const struct sockaddr *)&c->in->meta->peer, from,
	    sizeof(from)), c->m.xid, c->m.nrelay);
}

/*
 * Back to where the request came from: the client, at its link-local
 * address and scope, or the relay.  A link-local destination gets a
 * link-local source, which the kernel picks.
 */
static void
destination(const struct ctx6 *c, struct answer *a)
{
	memcpy(&a->to, &c->in->meta->peer, c->in->meta->peerlen);
	a->tolen = c->in->meta->peerlen;
	memset(&a->from, 0, sizeof(a->from));
	a->ifindex = 0;
	if (!IN6_IS_ADDR_LINKLOCAL(&c->src)) {
		a->from.af = AF_INET6;
		a->from.u.v6 = c->self;
	}
}

/*
 * EDK2 sends its Request to 4011 and only then opens the socket that
 * reads the Reply, and never asks again (PxeBcDhcp6Discover(): one
 * UdpWrite, one UdpRead): a Reply that comes at once can come too soon.
 * So the Reply to 4011 waits a little, and is sent to EDK2 once more a
 * while later, for firmware slower than that; a Reply too many finds a
 * closed port.  Every other client asks again when it hears nothing, and
 * gets one Reply a Request: no more than it sent toward an address that
 * may not be its own.
 */
static void
timing(const struct ctx6 *c, struct answer *a)
{
	a->delay_ms = 0;
	a->again_ms = 0;
	if (c->kind == DHCP6_REPLY_ADVERTISE)
		a->delay_ms = c->d.delay_ms;
	else if (c->in->port == DHCP6_PXE_PORT) {
		a->delay_ms = REPLY4011_DELAY_MS;
		if (edk2(c))
			a->again_ms = REPLY4011_AGAIN_MS;
	}
}

static void
log_answer(const struct ctx6 *c, struct answer *a)
{
	char	 mac[NB_MACSTRLEN], arch[32], client[INET6_ADDRSTRLEN];
	char	 relay[INET6_ADDRSTRLEN], self[INET6_ADDRSTRLEN];
	char	 url[ANSWER_URLLEN * 4 + 1];

	if (c->m.nrelay > 0)
		inet_ntop(AF_INET6, &c->m.relay[c->m.nrelay - 1].peer, client,
		    sizeof(client));
	else
		inet_ntop(AF_INET6, &c->src, client, sizeof(client));
	if (c->m.nrelay > 0)
		inet_ntop(AF_INET6, &c->src, relay, sizeof(relay));
	else
		strlcpy(relay, "-", sizeof(relay));
	answer_vis(url, sizeof(url), c->url, strlen(c->url));
	snprintf(a->log, sizeof(a->log), "answer type=%s mac=%s arch=%s "
	    "xid=0x%06x client=%s relay=%s if=%s port=%u proxy=%s mode=%s "
	    "bootfile=%.400s delay=%u",
	    c->kind == DHCP6_REPLY_ADVERTISE ? "advertise" : "reply",
	    c->facts.hwlen ? hwaddr_ntop(c->facts.hwaddr, c->facts.hwlen,
	    mac, sizeof(mac)) : "-",
	    answer_arch(c->facts.arch, arch, sizeof(arch)), c->m.xid, client,
	    relay, c->ifp->name, c->in->port, inet_ntop(AF_INET6, &c->self,
	    self, sizeof(self)), c->http ? "http" : "tftp", url, a->delay_ms);
	answer_session(&a->rec, c->in, c->facts.hwaddr, c->facts.hwlen,
	    c->facts.arch, AF_INET6, c->m.nrelay > 0 ?
	    &c->m.relay[c->m.nrelay - 1].peer : &c->src, url,
	    c->kind == DHCP6_REPLY_ADVERTISE ? "advertise" : "reply",
	    c->http ? "http" : "tftp");
}

static void
ignore(const struct ctx6 *c, const char *why)
{
	char			 from[NB_ADDRSTRLEN + 8];
	char			 class[DHCP6_CLASS_MAX * 4 + 1], arch[32];
	struct ctl_session	 s;

	report_count("ignored", "reason", why, 1);
	if (log_getverbose() < 1)
		return;
	answer_vis(class, sizeof(class), c->m.vendor_class,
	    c->m.vendor_class_len);
	answer_session(&s, c->in, c->mac, c->mac != NULL ? c->maclen : 0,
	    c->m.narch ? c->m.arch[0] : -1, AF_INET6, &c->src, "", "ignored",
	    "");
	report_log(LOG_DEBUG, &s, "ignored port=%u from=%s ifindex=%d len=%zu type=%u "
	    "xid=0x%06x relays=%zu class=\"%s\" arch=%s option=%u "
	    "reason=\"%s\"", c->in->port,
	    sa_ntop((const struct sockaddr *)&c->in->meta->peer, from,
	    sizeof(from)), c->in->meta->ifindex, c->in->len, c->m.type,
	    c->m.xid, c->m.nrelay, class,
	    answer_arch(c->m.narch ? c->m.arch[0] : -1, arch, sizeof(arch)),
	    c->m.bad_option, why);
}
