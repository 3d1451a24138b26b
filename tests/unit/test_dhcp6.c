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
 * dhcp6.c: EDK2's PXE and HTTP boot Solicits, its 4011 Request, relayed
 * ones, every cut and random damage, and replies decoded back.
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "dhcpd-proxy/dhcp6.h"
#include "dhcpd-proxy/facts.h"
#include "tests/data/dhcp/captures6.h"

#define PKTMAX	1500

struct pkt {
	uint8_t		 b[PKTMAX];
	size_t		 len;
};

#define OPT(p, code, ...) pkt_opt((p), (code),				\
	(const uint8_t []){ __VA_ARGS__ },				\
	sizeof((const uint8_t []){ __VA_ARGS__ }))

static const uint8_t duid_uuid[18] = {
	0x00, 0x04, 0x8a, 0x3c, 0x1e, 0x55, 0x0f, 0x4b, 0x4e, 0x6a,
	0x9d, 0x2e, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66
};
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void	 pkt_head(struct pkt *, uint8_t, uint32_t);
static void	 pkt_opt(struct pkt *, uint16_t, const uint8_t *, size_t);
static void	 pkt_class(struct pkt *, uint16_t, uint32_t, const char *);
static void	 pkt_relay(struct pkt *, const struct pkt *, uint8_t,
		    const char *, const char *, const char *, int);
static void	 mk_solicit(struct pkt *);
static void	 mk_http(struct pkt *);
static void	 mk_request4011(struct pkt *);
static void	 mk_relayed(struct pkt *);
static void	 mk_relayed2(struct pkt *);
static void	 mk_other(struct pkt *);
static int	 parse(const struct pkt *, struct dhcp6_msg *, const char **);
static const char *parse_reason(const struct pkt *);
static int	 boundary(const uint8_t *, size_t, size_t);
static const uint8_t *find_opt(const uint8_t *, size_t, uint16_t, size_t *);
static struct in6_addr ip6(const char *);
static void	 test_solicit(void);
static void	 test_http(void);
static void	 test_request(void);
static void	 test_relayed(void);
static void	 test_facts(void);
static void	 test_reply_kind(void);
static void	 test_captures(void);
static void	 test_truncations(void);
static void	 test_malformed(void);
static void	 test_mutations(void);
static void	 test_url(void);
static void	 test_build_advertise(void);
static void	 test_build_http(void);
static void	 test_build_relayed(void);
static void	 test_build_errors(void);

static void
pkt_head(struct pkt *p, uint8_t type, uint32_t xid)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = type;
	p->b[1] = xid >> 16;
	p->b[2] = xid >> 8;
	p->b[3] = xid;
	p->len = 4;
}

static void
pkt_opt(struct pkt *p, uint16_t code, const uint8_t *d, size_t len)
{
	p->b[p->len++] = code >> 8;
	p->b[p->len++] = code;
	p->b[p->len++] = len >> 8;
	p->b[p->len++] = len;
	if (len > 0)
		memcpy(p->b + p->len, d, len);
	p->len += len;
}

/* Option 15 (enterprise 0: none) or 16 with one class. */
static void
pkt_class(struct pkt *p, uint16_t code, uint32_t enterprise, const char *s)
{
	uint8_t	 v[300];
	size_t	 n = 0, len = strlen(s);

	if (code == D6O_VENDOR_CLASS) {
		v[n++] = enterprise >> 24;
		v[n++] = enterprise >> 16;
		v[n++] = enterprise >> 8;
		v[n++] = enterprise;
	}
	v[n++] = len >> 8;
	v[n++] = len;
	memcpy(v + n, s, len);
	pkt_opt(p, code, v, n + len);
}

/* Wrap inner in a Relay-forward, with 18 and 79 when asked. */
static void
pkt_relay(struct pkt *p, const struct pkt *inner, uint8_t hops,
    const char *link, const char *peer, const char *ifid, int lladdr)
{
	struct in6_addr	 a;
	uint8_t		 ll[8] = { 0, 1 };

	memset(p, 0, sizeof(*p));
	p->b[0] = DHCP6_RELAY_FORW;
	p->b[1] = hops;
	a = ip6(link);
	memcpy(p->b + 2, &a, 16);
	a = ip6(peer);
	memcpy(p->b + 18, &a, 16);
	p->len = 34;
	if (ifid != NULL)
		pkt_opt(p, D6O_INTERFACE_ID, (const uint8_t *)ifid,
		    strlen(ifid));
	if (lladdr) {
		memcpy(ll + 2, client_mac, 6);
		pkt_opt(p, D6O_CLIENT_LINKLAYER, ll, sizeof(ll));
	}
	pkt_opt(p, D6O_RELAY_MSG, inner->b, inner->len);
}

/* EDK2 PXE x64: PxeBcDhcp6Sarr's Solicit. */
static void
mk_solicit(struct pkt *p)
{
	pkt_head(p, DHCP6_SOLICIT, 0x3a4b5c);
	pkt_opt(p, D6O_CLIENTID, duid_uuid, sizeof(duid_uuid));
	OPT(p, D6O_IA_NA, 0x00, 0x12, 0x34, 0x56, 0, 0, 0, 0, 0, 0, 0, 0);
	OPT(p, 8, 0x00, 0x00);			/* elapsed time */
	OPT(p, D6O_ORO, 0, 59, 0, 60, 0, 23, 0, 24);
	pkt_class(p, D6O_VENDOR_CLASS, DHCP6_ENTERPRISE_PXE,
	    "PXEClient:Arch:00007:UNDI:003016");
	OPT(p, D6O_CLIENT_ARCH, 0, 7);
	OPT(p, D6O_NII, 1, 3, 16);
}

static void
mk_http(struct pkt *p)
{
	pkt_head(p, DHCP6_SOLICIT, 0x0badf0);
	pkt_opt(p, D6O_CLIENTID, duid_uuid, sizeof(duid_uuid));
	OPT(p, D6O_IA_NA, 0x00, 0x12, 0x34, 0x56, 0, 0, 0, 0, 0, 0, 0, 0);
	OPT(p, D6O_ORO, 0, 59, 0, 60, 0, 23, 0, 24, 0, 16);
	pkt_class(p, D6O_VENDOR_CLASS, DHCP6_ENTERPRISE_PXE,
	    "HTTPClient:Arch:00016:UNDI:003001");
	OPT(p, D6O_CLIENT_ARCH, 0, 16);
	OPT(p, D6O_NII, 1, 3, 1);
}

/* The follow-up on 4011: the Solicit's options without IA or server. */
static void
mk_request4011(struct pkt *p)
{
	pkt_head(p, DHCP6_REQUEST, 0x3a4b5d);
	pkt_opt(p, D6O_CLIENTID, duid_uuid, sizeof(duid_uuid));
	OPT(p, 8, 0x00, 0x00);
	OPT(p, D6O_ORO, 0, 59, 0, 60, 0, 23, 0, 24);
	pkt_class(p, D6O_VENDOR_CLASS, DHCP6_ENTERPRISE_PXE,
	    "PXEClient:Arch:00007:UNDI:003016");
	OPT(p, D6O_CLIENT_ARCH, 0, 7);
	OPT(p, D6O_NII, 1, 3, 16);
}

static void
mk_relayed(struct pkt *p)
{
	struct pkt	 inner;

	mk_solicit(&inner);
	pkt_relay(p, &inner, 0, "2001:db8:1::1", "fe80::1234:5678:9abc:def0",
	    "eth1", 1);
}

/* Two relays; the outer one has no interface-id. */
static void
mk_relayed2(struct pkt *p)
{
	struct pkt	 inner;

	mk_relayed(&inner);
	pkt_relay(p, &inner, 1, "2001:db8:ff::1", "2001:db8:1::1", NULL, 0);
}

/* A workstation: vendor class of another enterprise, user class. */
static void
mk_other(struct pkt *p)
{
	pkt_head(p, DHCP6_SOLICIT, 0x000001);
	OPT(p, D6O_CLIENTID, 0, 1, 0, 1, 0x2b, 0x1c, 0x0d, 0x3e,
	    0x52, 0x54, 0x00, 0xab, 0xcd, 0xef);
	OPT(p, D6O_IA_NA, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
	pkt_class(p, D6O_VENDOR_CLASS, 311, "MSFT 5.0");
	pkt_class(p, D6O_USER_CLASS, 0, "lab");
}

static int
parse(const struct pkt *p, struct dhcp6_msg *m, const char **reason)
{
	uint8_t	*copy;
	int	 rv;

	if ((copy = malloc(p->len ? p->len : 1)) == NULL)
		abort();
	memcpy(copy, p->b, p->len);
	rv = dhcp6_parse(copy, p->len, m, reason);
	free(copy);
	return rv;
}

static const char *
parse_reason(const struct pkt *p)
{
	struct dhcp6_msg	 m;
	const char		*reason;

	if (parse(p, &m, &reason) == 0)
		return "(accepted)";
	return reason;
}

/* Does a message cut at len end at an option boundary? */
static int
boundary(const uint8_t *b, size_t full, size_t len)
{
	size_t	 i = b[0] == DHCP6_RELAY_FORW ? 34 : 4;

	if (len < i)
		return 0;
	while (i < len)
		i += 4 + (b[i + 2] << 8 | b[i + 3]);
	return i == len && len <= full;
}

static const uint8_t *
find_opt(const uint8_t *b, size_t len, uint16_t code, size_t *olen)
{
	size_t	 i = b[0] == DHCP6_RELAY_FORW || b[0] == DHCP6_RELAY_REPL ?
		    34 : 4;
	size_t	 n;

	while (i + 4 <= len) {
		n = b[i + 2] << 8 | b[i + 3];
		if (i + 4 + n > len)
			return NULL;
		if ((b[i] << 8 | b[i + 1]) == code) {
			*olen = n;
			return b + i + 4;
		}
		i += 4 + n;
	}
	return NULL;
}

static struct in6_addr
ip6(const char *s)
{
	struct in6_addr	 a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		abort();
	return a;
}

/* What OVMF sent (tests/data/dhcp/README), answered by proxy_mac. */
static void
test_captures(void)
{
	static const struct {
		const char	*name;
		const uint8_t	*b;
		size_t		 len;
		uint16_t	 port;
		uint8_t		 type;
		enum dhcp6_reply_kind kind;
		int		 arch;
		const char	*class;
	} caps[] = {
#define CAP(a)	#a, cap_##a, sizeof(cap_##a)
		{ CAP(ovmf_pxe6_solicit), 547, DHCP6_SOLICIT,
		    DHCP6_REPLY_ADVERTISE, 7,
		    "PXEClient:Arch:00007:UNDI:003001" },
		{ CAP(ovmf_http6_solicit), 547, DHCP6_SOLICIT,
		    DHCP6_REPLY_ADVERTISE, 16,
		    "HTTPClient:Arch:00016:UNDI:003001" },
		{ CAP(ovmf_pxe6_request_4011), 4011, DHCP6_REQUEST,
		    DHCP6_REPLY_REPLY, 7,
		    "PXEClient:Arch:00007:UNDI:003000" },
#undef CAP
	};
	static const uint8_t	 proxy_mac[6] = { 2, 0, 0, 0, 0, 2 };
	struct pkt		 p;
	struct dhcp6_msg	 m, r;
	struct dhcp6_reply_conf	 rc;
	struct client_facts	 f;
	struct in6_addr		 src = ip6("fe80::5054:ff:fe12:3456");
	struct in6_addr		 local = ip6("2001:db8:77::1");
	uint8_t			 duid[16], b[DHCP6_MAX_REPLY];
	const char		*reason;
	size_t			 i, dlen, full, wrong;
	ssize_t			 n;

	dlen = dhcp6_duid_ll(proxy_mac, 6, duid, sizeof(duid));
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		memcpy(p.b, caps[i].b, caps[i].len);
		p.len = full = caps[i].len;
		if (parse(&p, &m, &reason) != 0) {
			fprintf(stderr, "%s: %s\n", caps[i].name, reason);
			CHECK(0);
			continue;
		}
		CHECK_INT(m.type, caps[i].type);
		CHECK_INT(m.clientid_len, 18);
		CHECK(memcmp(m.clientid, duid_uuid, 2) == 0);
		CHECK_INT(dhcp6_reply_kind(&m, caps[i].port, duid, dlen,
		    &reason), caps[i].kind);
		dhcp6_client_facts(&m, &src, &local, &f);
		CHECK_INT(f.arch, caps[i].arch);
		CHECK_STR(f.vendor_class, caps[i].class);
		CHECK_INT(f.has_uuid, 1);
		CHECK(memcmp(f.uuid, "\x55\x1e\x3c\x8a\x4b\x0f\x6a\x4e", 8)
		    == 0);
		CHECK_INT(f.hwlen, 6);
		CHECK(memcmp(f.hwaddr, client_mac, 6) == 0);

		memset(&rc, 0, sizeof(rc));
		rc.kind = caps[i].kind;
		rc.mac = proxy_mac;
		rc.maclen = 6;
		rc.bootfile_url = caps[i].arch == 16 ?
		    "http://[2001:db8:77::2]/boot.efi" :
		    "tftp://[2001:db8:77::2]/boot.efi";
		n = dhcp6_build_reply(&m, &rc, b, sizeof(b), &reason);
		CHECK(n > 0);
		CHECK_INT(dhcp6_parse(b, n, &r, &reason), 0);
		CHECK_INT(r.xid, m.xid);
		CHECK_INT(r.has_ia, 0);
		CHECK_INT(dhcp6_client_kind(&r), dhcp6_client_kind(&m));

		for (wrong = 0, p.len = 0; p.len <= full; p.len++)
			if ((parse(&p, &m, &reason) == 0) !=
			    boundary(p.b, full, p.len))
				wrong++;
		CHECK_INT(wrong, 0);
	}
}

static void
test_solicit(void)
{
	struct pkt		 p;
	struct dhcp6_msg	 m;
	const char		*reason = "unset";

	mk_solicit(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK(reason == NULL);
	CHECK_INT(m.type, DHCP6_SOLICIT);
	CHECK_INT(m.xid, 0x3a4b5c);
	CHECK_INT(m.nrelay, 0);
	CHECK_INT(m.clientid_len, 18);
	CHECK(memcmp(m.clientid, duid_uuid, 18) == 0);
	CHECK_INT(m.serverid_len, 0);
	CHECK_INT(m.noro, 4);
	CHECK_INT(m.oro[0], D6O_BOOTFILE_URL);
	CHECK_INT(m.oro[1], D6O_BOOTFILE_PARAM);
	CHECK_INT(m.has_vendor_class, 1);
	CHECK_INT(m.vendor_class_len, 32);
	CHECK(memcmp(m.vendor_class, "PXEClient:Arch:00007", 20) == 0);
	CHECK_INT(m.narch, 1);
	CHECK_INT(m.arch[0], 7);
	CHECK_INT(m.has_nii, 1);
	CHECK(memcmp(m.nii, "\x01\x03\x10", 3) == 0);
	CHECK_INT(m.has_ia, 1);
	CHECK_INT(m.has_user_class, 0);
	CHECK_INT(dhcp6_client_kind(&m), DHCP_CLIENT_PXE);
}

static void
test_http(void)
{
	struct pkt		 p;
	struct dhcp6_msg	 m;
	const char		*reason;

	mk_http(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.arch[0], 16);
	CHECK_INT(m.noro, 5);
	CHECK_INT(dhcp6_client_kind(&m), DHCP_CLIENT_HTTP);

	mk_other(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.has_vendor_class, 0);
	CHECK_INT(m.has_user_class, 1);
	CHECK_INT(m.user_class_len, 3);
	CHECK(memcmp(m.user_class, "lab", 3) == 0);
	CHECK_INT(dhcp6_client_kind(&m), DHCP_CLIENT_OTHER);
}

static void
test_request(void)
{
	struct pkt		 p;
	struct dhcp6_msg	 m;
	const char		*reason;

	mk_request4011(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.type, DHCP6_REQUEST);
	CHECK_INT(m.xid, 0x3a4b5d);
	CHECK_INT(m.has_ia, 0);
	CHECK_INT(m.serverid_len, 0);
}

static void
test_relayed(void)
{
	struct pkt		 p;
	struct dhcp6_msg	 m;
	struct in6_addr		 a;
	const char		*reason;

	mk_relayed(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.nrelay, 1);
	CHECK_INT(m.relay[0].hops, 0);
	a = ip6("2001:db8:1::1");
	CHECK(memcmp(&m.relay[0].link, &a, 16) == 0);
	a = ip6("fe80::1234:5678:9abc:def0");
	CHECK(memcmp(&m.relay[0].peer, &a, 16) == 0);
	CHECK_INT(m.relay[0].has_ifid, 1);
	CHECK_INT(m.relay[0].ifid_len, 4);
	CHECK(memcmp(m.relay[0].ifid, "eth1", 4) == 0);
	CHECK_INT(m.relay[0].lltype, 1);
	CHECK_INT(m.relay[0].lladdr_len, 6);
	CHECK(memcmp(m.relay[0].lladdr, client_mac, 6) == 0);
	CHECK_INT(m.type, DHCP6_SOLICIT);
	CHECK_INT(m.xid, 0x3a4b5c);
	CHECK_INT(dhcp6_client_kind(&m), DHCP_CLIENT_PXE);

	mk_relayed2(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.nrelay, 2);
	CHECK_INT(m.relay[0].hops, 1);
	CHECK_INT(m.relay[0].has_ifid, 0);
	CHECK_INT(m.relay[1].has_ifid, 1);
	CHECK_INT(m.type, DHCP6_SOLICIT);
}

static void
test_facts(void)
{
	struct pkt		 p;
	struct dhcp6_msg	 m;
	struct client_facts	 f;
	struct in6_addr		 src, local, a;
	const char		*reason;

	/* No relay, DUID-UUID: the MAC comes from the EUI-64 source. */
	src = ip6("fe80::5054:ff:fe12:3456");
	local = ip6("2001:db8:5::1");
	mk_solicit(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	memset(&f, 0xa5, sizeof(f));
	dhcp6_client_facts(&m, &src, &local, &f);
	CHECK_INT(f.af, AF_INET6);
	CHECK_INT(f.hwlen, 6);
	CHECK(memcmp(f.hwaddr, client_mac, 6) == 0);
	CHECK_INT(f.hwaddr[6], 0);
	CHECK_INT(f.arch, 7);
	CHECK_STR(f.vendor_class, "PXEClient:Arch:00007:UNDI:003016");
	CHECK_STR(f.user_class, "");
	CHECK_INT(f.has_uuid, 1);
	CHECK(memcmp(f.uuid, duid_uuid + 2, 16) == 0);
	CHECK_INT(f.subnet_addr.af, AF_INET6);
	CHECK(memcmp(&f.subnet_addr.u.v6, &local, 16) == 0);

	/* A privacy address tells nothing. */
	src = ip6("fe80::1234:5678:9abc:def0");
	dhcp6_client_facts(&m, &src, &local, &f);
	CHECK_INT(f.hwlen, 0);

	/* DUID-LLT of Ethernet gives the MAC. */
	mk_other(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	dhcp6_client_facts(&m, &src, &local, &f);
	CHECK_INT(f.hwlen, 6);
	CHECK(memcmp(f.hwaddr, "\x52\x54\x00\xab\xcd\xef", 6) == 0);
	CHECK_INT(f.has_uuid, 0);
	CHECK_INT(f.arch, -1);
	CHECK_STR(f.user_class, "lab");
	CHECK_STR(f.vendor_class, "");

	/* Relayed: option 79 and the first relay's link address. */
	mk_relayed2(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	dhcp6_client_facts(&m, &src, &local, &f);
	CHECK_INT(f.hwlen, 6);
	CHECK(memcmp(f.hwaddr, client_mac, 6) == 0);
	a = ip6("2001:db8:1::1");
	CHECK(memcmp(&f.subnet_addr.u.v6, &a, 16) == 0);
	/* A relay without an address on the link leaves it to the caller. */
	memset(&m.relay[1].link, 0, 16);
	dhcp6_client_facts(&m, &src, &local, &f);
	CHECK(memcmp(&f.subnet_addr.u.v6, &local, 16) == 0);
}

static void
test_reply_kind(void)
{
	struct pkt		 p;
	struct dhcp6_msg	 m;
	uint8_t			 duid[32], other[10];
	size_t			 dlen;
	const char		*reason;

	dlen = dhcp6_duid_ll(server_mac, 6, duid, sizeof(duid));
	CHECK_INT(dlen, 10);
	CHECK(memcmp(duid, "\x00\x03\x00\x01\x02\x00\x00\x00\x00\x01", 10)
	    == 0);
	CHECK_INT(dhcp6_duid_ll(server_mac, 6, duid, 9), 0);
	memcpy(other, duid, 10);
	other[9] = 2;

	mk_solicit(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp6_reply_kind(&m, 547, duid, dlen, &reason),
	    DHCP6_REPLY_ADVERTISE);
	CHECK(reason == NULL);
	CHECK_INT(dhcp6_reply_kind(&m, 4011, duid, dlen, &reason),
	    DHCP6_REPLY_NONE);
	CHECK_STR(reason, "Solicit not on port 547");
	m.clientid_len = 0;
	CHECK_INT(dhcp6_reply_kind(&m, 547, duid, dlen, &reason),
	    DHCP6_REPLY_NONE);

	mk_request4011(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp6_reply_kind(&m, 4011, duid, dlen, &reason),
	    DHCP6_REPLY_REPLY);
	CHECK_INT(dhcp6_reply_kind(&m, 547, duid, dlen, &reason),
	    DHCP6_REPLY_NONE);
	CHECK_STR(reason, "Request for another server");
	memcpy(m.serverid, duid, dlen);
	m.serverid_len = dlen;
	CHECK_INT(dhcp6_reply_kind(&m, 547, duid, dlen, &reason),
	    DHCP6_REPLY_REPLY);
	memcpy(m.serverid, other, dlen);
	CHECK_INT(dhcp6_reply_kind(&m, 547, duid, dlen, &reason),
	    DHCP6_REPLY_NONE);
	CHECK_INT(dhcp6_reply_kind(&m, 4011, duid, dlen, &reason),
	    DHCP6_REPLY_NONE);

	m.type = DHCP6_INFORMATION_REQUEST;
	m.serverid_len = 0;
	CHECK_INT(dhcp6_reply_kind(&m, 4011, duid, dlen, &reason),
	    DHCP6_REPLY_REPLY);
	CHECK_INT(dhcp6_reply_kind(&m, 547, duid, dlen, &reason),
	    DHCP6_REPLY_NONE);
	m.type = DHCP6_RENEW;
	CHECK_INT(dhcp6_reply_kind(&m, 547, duid, dlen, &reason),
	    DHCP6_REPLY_NONE);
	CHECK_STR(reason, "message type not answered by a proxy");

	mk_other(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp6_reply_kind(&m, 547, duid, dlen, &reason),
	    DHCP6_REPLY_NONE);
	CHECK_STR(reason, "not a PXE or HTTP boot client");
}

/* A cut parses exactly when it falls between two whole options. */
static void
test_truncations(void)
{
	void			(*mk[])(struct pkt *) = { mk_solicit, mk_http,
				    mk_request4011, mk_relayed, mk_relayed2,
				    mk_other };
	struct pkt		 p;
	struct dhcp6_msg	 m;
	const char		*reason;
	size_t			 i, full, wrong, ok;
	int			 want;

	for (i = 0; i < sizeof(mk) / sizeof(mk[0]); i++) {
		mk[i](&p);
		full = p.len;
		wrong = ok = 0;
		for (p.len = 0; p.len <= full; p.len++) {
			want = boundary(p.b, full, p.len);
			/* A relay needs its whole Relay Message. */
			if (p.b[0] == DHCP6_RELAY_FORW && p.len < full)
				want = 0;
			if ((parse(&p, &m, &reason) == 0) != want)
				wrong++;
			ok += want;
		}
		CHECK_INT(wrong, 0);
		CHECK(ok >= 1);
	}
	mk_solicit(&p);
	p.len = 3;
	CHECK_STR(parse_reason(&p), "truncated message header");
	p.len = 7;
	CHECK_STR(parse_reason(&p), "option length past the end");
	mk_relayed(&p);
	p.len = 33;
	CHECK_STR(parse_reason(&p), "truncated Relay-forward");
	p.len = 34;
	CHECK_STR(parse_reason(&p), "Relay-forward without a relayed message");
	p.len = 40;
	CHECK_STR(parse_reason(&p), "option length past the end");
}

static void
test_malformed(void)
{
	struct pkt		 p, inner;
	struct dhcp6_msg	 m;
	const char		*reason;
	uint8_t			 big[200];
	size_t			 i;

	/* Duplicates. */
	mk_solicit(&p);
	pkt_opt(&p, D6O_CLIENTID, duid_uuid, sizeof(duid_uuid));
	CHECK_STR(parse_reason(&p), "duplicate option");
	CHECK(parse(&p, &m, &reason) == -1 && m.bad_option == D6O_CLIENTID);
	mk_solicit(&p);
	pkt_class(&p, D6O_VENDOR_CLASS, DHCP6_ENTERPRISE_PXE, "HTTPClient");
	CHECK_STR(parse_reason(&p), "duplicate option");
	mk_solicit(&p);
	OPT(&p, D6O_CLIENT_ARCH, 0, 16);
	CHECK_STR(parse_reason(&p), "duplicate option");
	mk_solicit(&p);
	OPT(&p, D6O_NII, 1, 3, 16);
	CHECK_STR(parse_reason(&p), "duplicate option");
	mk_solicit(&p);
	OPT(&p, D6O_ORO, 0, 59);
	CHECK_STR(parse_reason(&p), "duplicate option");
	/* Another vendor's class, twice, and two IAs are fine. */
	mk_solicit(&p);
	pkt_class(&p, D6O_VENDOR_CLASS, 311, "MSFT 5.0");
	pkt_class(&p, D6O_VENDOR_CLASS, 311, "MSFT 5.0");
	OPT(&p, D6O_IA_NA, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK_STR(parse_reason(&p), "(accepted)");

	/* Bad lengths. */
#define BAD(why, code, ...) do {					\
	pkt_head(&p, DHCP6_SOLICIT, 1);					\
	OPT(&p, (code), __VA_ARGS__);					\
	CHECK_STR(parse_reason(&p), (why));				\
} while (0)
	BAD("bad DUID", D6O_CLIENTID, 0, 4);
	BAD("bad DUID", D6O_SERVERID, 0);
	BAD("bad option request (6)", D6O_ORO, 0, 59, 0);
	BAD("bad client architecture (61)", D6O_CLIENT_ARCH, 0);
	BAD("bad client architecture (61)", D6O_CLIENT_ARCH, 0, 7, 0);
	BAD("bad network interface identifier (62)", D6O_NII, 1, 3);
	BAD("bad user class (15)", D6O_USER_CLASS, 0, 5, 'a');
	BAD("bad user class (15)", D6O_USER_CLASS, 0);
	BAD("bad vendor class (16)", D6O_VENDOR_CLASS, 0, 0, 1);
	BAD("bad vendor class (16)", D6O_VENDOR_CLASS, 0, 0, 1, 0x57);
	BAD("bad vendor class (16)", D6O_VENDOR_CLASS, 0, 0, 1, 0x57,
	    0, 9, 'P', 'X', 'E');
#undef BAD
	pkt_head(&p, DHCP6_SOLICIT, 1);
	pkt_opt(&p, D6O_CLIENT_ARCH, NULL, 0);
	CHECK_STR(parse_reason(&p), "bad client architecture (61)");
	CHECK(parse(&p, &m, &reason) == -1 && m.bad_option == 61);
	pkt_head(&p, DHCP6_SOLICIT, 1);
	memset(big, 0, sizeof(big));
	big[1] = 4;
	pkt_opt(&p, D6O_CLIENTID, big, 131);
	CHECK_STR(parse_reason(&p), "bad DUID");

	/* Relays: no message, two messages, bad 18 and 79, too deep. */
	mk_solicit(&inner);
	pkt_relay(&p, &inner, 0, "::", "fe80::1", "x", 0);
	p.len -= 4 + inner.len;
	CHECK_STR(parse_reason(&p), "Relay-forward without a relayed message");
	pkt_opt(&p, D6O_RELAY_MSG, inner.b, inner.len);
	pkt_opt(&p, D6O_RELAY_MSG, inner.b, inner.len);
	CHECK_STR(parse_reason(&p), "duplicate option");
	pkt_relay(&p, &inner, 0, "::", "fe80::1", "", 0);
	CHECK_STR(parse_reason(&p), "bad interface-id (18)");
	pkt_relay(&p, &inner, 0, "::", "fe80::1", NULL, 0);
	OPT(&p, D6O_CLIENT_LINKLAYER, 0, 1);
	CHECK_STR(parse_reason(&p), "bad client link-layer address (79)");
	p = inner;
	for (i = 0; i < DHCP6_MAXRELAY; i++) {
		inner = p;
		pkt_relay(&p, &inner, i, "::", "fe80::1", NULL, 0);
	}
	CHECK_STR(parse_reason(&p), "(accepted)");
	inner = p;
	pkt_relay(&p, &inner, i, "::", "fe80::1", NULL, 0);
	CHECK_STR(parse_reason(&p), "too many relay levels");
	/* The inner message's own errors come through. */
	mk_solicit(&inner);
	inner.len = 2;
	pkt_relay(&p, &inner, 0, "::", "fe80::1", NULL, 0);
	CHECK_STR(parse_reason(&p), "truncated message header");
}

static void
test_mutations(void)
{
	void			(*mk[])(struct pkt *) = { mk_solicit, mk_http,
				    mk_request4011, mk_relayed, mk_relayed2 };
	struct pkt		 p;
	struct dhcp6_msg	 m;
	struct dhcp6_reply_conf	 rc;
	uint8_t			 out[DHCP6_MAX_REPLY];
	const char		*reason;
	unsigned int		 seed = 547, i, j, ok = 0;

	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP6_REPLY_ADVERTISE;
	rc.mac = server_mac;
	rc.maclen = 6;
	rc.bootfile_url = "http://[2001:db8::1]/boot.efi";
	for (i = 0; i < 20000; i++) {
		mk[i % 5](&p);
		for (j = 0; j < 1 + i % 4; j++)
			p.b[rand_r(&seed) % p.len] = rand_r(&seed);
		if (i % 7 == 0)
			p.len -= rand_r(&seed) % p.len;
		if (parse(&p, &m, &reason) == 0) {
			ok++;
			dhcp6_build_reply(&m, &rc, out, sizeof(out), &reason);
		} else
			CHECK(reason != NULL);
	}
	CHECK(ok > 0);
}

static void
test_url(void)
{
	struct in6_addr	 a = ip6("2001:db8::1");
	char		 buf[64];

	CHECK_INT(dhcp6_url(buf, sizeof(buf), "tftp", &a, "/efi/shimx64.efi"),
	    0);
	CHECK_STR(buf, "tftp://[2001:db8::1]/efi/shimx64.efi");
	CHECK_INT(dhcp6_url(buf, sizeof(buf), "http", &a, "boot.efi"), 0);
	CHECK_STR(buf, "http://[2001:db8::1]/boot.efi");
	CHECK_INT(dhcp6_url(buf, 20, "http", &a, "boot.efi"), -1);
}

static void
test_build_advertise(void)
{
	static const char	*url = "tftp://[2001:db8::1]/efi/shimx64.efi";
	struct pkt		 p;
	struct dhcp6_msg	 req, m;
	struct dhcp6_reply_conf	 rc;
	uint8_t			 b[DHCP6_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_solicit(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP6_REPLY_ADVERTISE;
	rc.mac = server_mac;
	rc.maclen = 6;
	rc.bootfile_url = url;
	n = dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	CHECK(reason == NULL);
	CHECK_INT(b[0], DHCP6_ADVERTISE);
	CHECK(memcmp(b + 1, "\x3a\x4b\x5c", 3) == 0);
	CHECK((o = find_opt(b, n, D6O_SERVERID, &olen)) != NULL &&
	    olen == 10 && memcmp(o, "\x00\x03\x00\x01", 4) == 0 &&
	    memcmp(o + 4, server_mac, 6) == 0);
	CHECK((o = find_opt(b, n, D6O_CLIENTID, &olen)) != NULL &&
	    olen == 18 && memcmp(o, duid_uuid, 18) == 0);
	CHECK((o = find_opt(b, n, D6O_VENDOR_CLASS, &olen)) != NULL &&
	    olen == 15 && memcmp(o, "\x00\x00\x01\x57\x00\x09PXEClient",
	    15) == 0);
	CHECK((o = find_opt(b, n, D6O_BOOTFILE_URL, &olen)) != NULL &&
	    olen == strlen(url) && memcmp(o, url, olen) == 0);
	CHECK(find_opt(b, n, D6O_IA_NA, &olen) == NULL);
	CHECK(find_opt(b, n, D6O_IA_TA, &olen) == NULL);
	CHECK(find_opt(b, n, D6O_STATUS_CODE, &olen) == NULL);
	CHECK(find_opt(b, n, D6O_BOOTFILE_PARAM, &olen) == NULL);
	CHECK_INT(n, 4 + 14 + 22 + 19 + 4 + strlen(url));

	/* Our own parser reads it back. */
	CHECK_INT(dhcp6_parse(b, n, &m, &reason), 0);
	CHECK_INT(m.type, DHCP6_ADVERTISE);
	CHECK_INT(m.xid, req.xid);
	CHECK_INT(m.serverid_len, 10);
	CHECK_INT(m.clientid_len, 18);
	CHECK_INT(m.has_ia, 0);
	CHECK_INT(dhcp6_client_kind(&m), DHCP_CLIENT_PXE);

	/* A Reply with a parameter. */
	mk_request4011(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	rc.kind = DHCP6_REPLY_REPLY;
	rc.bootfile_param = "console=ttyS0";
	n = dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	CHECK_INT(b[0], DHCP6_REPLY);
	CHECK(memcmp(b + 1, "\x3a\x4b\x5d", 3) == 0);
	CHECK((o = find_opt(b, n, D6O_BOOTFILE_PARAM, &olen)) != NULL &&
	    olen == 15 && o[0] == 0 && o[1] == 13 &&
	    memcmp(o + 2, "console=ttyS0", 13) == 0);
}

static void
test_build_http(void)
{
	static const char	*url = "http://[2001:db8::1]/efi/grubx64.efi";
	struct pkt		 p;
	struct dhcp6_msg	 req;
	struct dhcp6_reply_conf	 rc;
	uint8_t			 b[DHCP6_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_http(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP6_REPLY_ADVERTISE;
	rc.mac = server_mac;
	rc.maclen = 6;
	rc.bootfile_url = url;
	n = dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	CHECK((o = find_opt(b, n, D6O_VENDOR_CLASS, &olen)) != NULL &&
	    olen == 16 && memcmp(o + 6, "HTTPClient", 10) == 0);
	CHECK((o = find_opt(b, n, D6O_BOOTFILE_URL, &olen)) != NULL &&
	    olen == strlen(url) && memcmp(o, url, olen) == 0);

	rc.bootfile_url = "tftp://[2001:db8::1]/efi/grubx64.efi";
	CHECK_INT(dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "an HTTP boot client needs an http:// URL");
}

/* Through two relays: each Relay-reply mirrors its Relay-forward. */
static void
test_build_relayed(void)
{
	struct pkt		 p;
	struct dhcp6_msg	 req, m;
	struct dhcp6_reply_conf	 rc;
	uint8_t			 b[DHCP6_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen, inner;
	ssize_t			 n, n0;

	mk_solicit(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP6_REPLY_ADVERTISE;
	rc.mac = server_mac;
	rc.maclen = 6;
	rc.bootfile_url = "tftp://[2001:db8::1]/efi/shimx64.efi";
	n0 = dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason);

	mk_relayed2(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	n = dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK_INT(n, n0 + 38 + 38 + 8);
	CHECK_INT(b[0], DHCP6_RELAY_REPL);
	CHECK_INT(b[1], 1);
	CHECK(memcmp(b + 2, p.b + 2, 32) == 0);
	CHECK(find_opt(b, n, D6O_INTERFACE_ID, &olen) == NULL);
	CHECK((o = find_opt(b, n, D6O_RELAY_MSG, &olen)) != NULL &&
	    olen == (size_t)n - 38);
	inner = o - b;
	CHECK_INT(b[inner], DHCP6_RELAY_REPL);
	CHECK_INT(b[inner + 1], 0);
	CHECK((o = find_opt(b + inner, n - inner, D6O_INTERFACE_ID,
	    &olen)) != NULL && olen == 4 && memcmp(o, "eth1", 4) == 0);
	CHECK((o = find_opt(b + inner, n - inner, D6O_RELAY_MSG, &olen)) !=
	    NULL && olen == (size_t)n0);
	CHECK_INT(o[0], DHCP6_ADVERTISE);

	/* As Relay-forwards, our parser finds the same relays again. */
	b[0] = b[inner] = DHCP6_RELAY_FORW;
	CHECK_INT(dhcp6_parse(b, n, &m, &reason), 0);
	CHECK_INT(m.nrelay, 2);
	CHECK(memcmp(&m.relay[0].link, &req.relay[0].link, 16) == 0);
	CHECK(memcmp(&m.relay[1].peer, &req.relay[1].peer, 16) == 0);
	CHECK_INT(m.relay[1].ifid_len, 4);
	CHECK_INT(m.type, DHCP6_ADVERTISE);
	CHECK_INT(m.xid, 0x3a4b5c);

	/* Too small a buffer is refused without a write past it. */
	memset(b, 0xee, sizeof(b));
	CHECK_INT(dhcp6_build_reply(&req, &rc, b, n - 1, &reason), -1);
	CHECK_STR(reason, "reply larger than the buffer");
	CHECK_INT(b[n - 1], 0xee);
	CHECK_INT(dhcp6_build_reply(&req, &rc, b, 50, &reason), -1);
}

static void
test_build_errors(void)
{
	struct pkt		 p;
	struct dhcp6_msg	 req;
	struct dhcp6_reply_conf	 rc;
	uint8_t			 b[DHCP6_MAX_REPLY];
	const char		*reason;

	mk_solicit(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP6_REPLY_ADVERTISE;
	rc.mac = server_mac;
	rc.maclen = 6;
	CHECK_INT(dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "no boot file URL");
	rc.bootfile_url = "tftp://[2001:db8::1]/x";
	rc.maclen = 0;
	CHECK_INT(dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "no server hardware address");
	rc.maclen = 6;
	rc.kind = DHCP6_REPLY_NONE;
	CHECK_INT(dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "nothing to answer");
	mk_other(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	rc.kind = DHCP6_REPLY_ADVERTISE;
	CHECK_INT(dhcp6_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
}

int
main(void)
{
	test_solicit();
	test_http();
	test_request();
	test_relayed();
	test_facts();
	test_reply_kind();
	test_captures();
	test_truncations();
	test_malformed();
	test_mutations();
	test_url();
	test_build_advertise();
	test_build_http();
	test_build_relayed();
	test_build_errors();
	return check_exit();
}
