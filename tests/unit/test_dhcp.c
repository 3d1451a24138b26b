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
 * dhcp.c: the client packets of OVMF, iPXE, SeaBIOS+iPXE and UEFI HTTP
 * boot, every malformed variant we drop, and replies decoded back.
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "tests/unit/check.h"
#include "dhcpd-proxy/dhcp.h"
#include "dhcpd-proxy/facts.h"
#include "tests/data/dhcp/captures4.h"

#define PKTMAX	1500

struct pkt {
	uint8_t		 b[PKTMAX];
	size_t		 len;
};

#define OPT(p, code, ...) pkt_opt((p), (code),				\
	(const uint8_t []){ __VA_ARGS__ },				\
	sizeof((const uint8_t []){ __VA_ARGS__ }))
#define OPTS(p, code, s) pkt_opt((p), (code), (const uint8_t *)(s),	\
	strlen(s))

static const uint8_t mac_ovmf[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac_ipxe[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
/*
 * The machine of the captures, qemu -uuid 8a3c1e55-0f4b-4e6a-..., as
 * dmidecode prints it and a rule says it; on the wire the first three
 * fields are little endian.
 */
static const uint8_t uuid_rfc4122[16] = {
	0x8a, 0x3c, 0x1e, 0x55, 0x0f, 0x4b, 0x4e, 0x6a,
	0x9d, 0x2e, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66
};

struct capture {
	const char	*name;
	const uint8_t	*b;
	size_t		 len;
	uint16_t	 port;
	enum dhcp_reply_kind kind;
	int		 arch;
	const char	*vendor_class;
	const char	*user_class;
};

#define CAP(a)	#a, cap_##a, sizeof(cap_##a)
static const struct capture captures[] = {
	{ CAP(ovmf_pxe_discover), 67, DHCP_REPLY_OFFER, 7,
	    "PXEClient:Arch:00007:UNDI:003001", "" },
	{ CAP(ovmf_http_discover), 67, DHCP_REPLY_OFFER, 16,
	    "HTTPClient:Arch:00016:UNDI:003001", "" },
	{ CAP(ovmf_ipxe_efi_discover), 67, DHCP_REPLY_OFFER, 7,
	    "PXEClient:Arch:00007:UNDI:003010", "iPXE" },
	{ CAP(seabios_ipxe_discover), 67, DHCP_REPLY_OFFER, 0,
	    "PXEClient:Arch:00000:UNDI:002001", "iPXE" },
	{ CAP(ovmf_pxe_request_4011), 4011, DHCP_REPLY_ACK, 7,
	    "PXEClient:Arch:00007:UNDI:003001", "" },
	{ CAP(ovmf_ipxe_efi_request_4011), 4011, DHCP_REPLY_ACK, 7,
	    "PXEClient:Arch:00007:UNDI:003010", "iPXE" },
	{ CAP(seabios_ipxe_request_4011), 4011, DHCP_REPLY_ACK, 0,
	    "PXEClient:Arch:00000:UNDI:002001", "iPXE" },
	{ CAP(seabios_ipxe_bootitem), 4011, DHCP_REPLY_BOOTSRV, 0,
	    "PXEClient", "iPXE" },
};
#define NCAPTURES	(sizeof(captures) / sizeof(captures[0]))

/* uuid_rfc4122 as a client sends it in option 97. */
static const uint8_t uuid1[16] = {
	0x55, 0x1e, 0x3c, 0x8a, 0x4b, 0x0f, 0x6a, 0x4e,
	0x9d, 0x2e, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66
};

static void	 pkt_head(struct pkt *, uint8_t, uint32_t, const uint8_t *,
		    uint16_t, const char *, const char *);
static void	 pkt_opt(struct pkt *, uint8_t, const uint8_t *, size_t);
static void	 pkt_uuid(struct pkt *);
static void	 pkt_end(struct pkt *, size_t);
static void	 mk_ovmf(struct pkt *);
static void	 mk_ovmf_request(struct pkt *);
static void	 mk_ipxe(struct pkt *);
static void	 mk_seabios(struct pkt *);
static void	 mk_http(struct pkt *);
static void	 mk_ipxe_bootitem(struct pkt *);
static void	 mk_relayed(struct pkt *);
static void	 mk_plain(struct pkt *);
static const uint8_t *find_opt(const uint8_t *, size_t, uint8_t, size_t *);
static int	 last_opt(const uint8_t *, size_t);
static int	 parse(const struct pkt *, struct dhcp_msg *, const char **);
static const char *parse_reason(const struct pkt *);
static struct in_addr ip(const char *);
static void	 test_ovmf(void);
static void	 test_ipxe(void);
static void	 test_seabios(void);
static void	 test_http(void);
static void	 test_bootitem(void);
static void	 test_relayed(void);
static void	 test_plain(void);
static void	 test_reply_kind(void);
static void	 test_dest(void);
static void	 test_captures(void);
static void	 test_capture_replies(void);
static void	 test_truncations(void);
static void	 test_malformed(void);
static void	 test_mutations(void);
static void	 test_build_redirect(void);
static void	 test_build_direct(void);
static void	 test_build_ack(void);
static void	 test_build_menu(void);
static void	 test_build_one_entry(void);
static void	 test_build_bootsrv(void);
static void	 test_build_http(void);
static void	 test_build_relayed(void);
static void	 test_build_limits(void);
static void	 test_build_file_length(void);
static void	 check_reply_common(const uint8_t *, size_t,
		    const struct pkt *, uint8_t);

/* Header of a BOOTREQUEST; ciaddr and giaddr as dotted quads or NULL. */
static void
pkt_head(struct pkt *p, uint8_t hops, uint32_t xid, const uint8_t *mac,
    uint16_t flags, const char *ciaddr, const char *giaddr)
{
	struct in_addr	 a;

	memset(p, 0, sizeof(*p));
	p->b[0] = BOOTREQUEST;
	p->b[1] = DHCP_HTYPE_ETHER;
	p->b[2] = 6;
	p->b[3] = hops;
	p->b[4] = xid >> 24;
	p->b[5] = xid >> 16;
	p->b[6] = xid >> 8;
	p->b[7] = xid;
	p->b[9] = 4;			/* secs */
	p->b[10] = flags >> 8;
	p->b[11] = flags;
	if (ciaddr != NULL) {
		a = ip(ciaddr);
		memcpy(p->b + 12, &a, 4);
	}
	if (giaddr != NULL) {
		a = ip(giaddr);
		memcpy(p->b + 24, &a, 4);
	}
	memcpy(p->b + 28, mac, 6);
	p->b[236] = 0x63;
	p->b[237] = 0x82;
	p->b[238] = 0x53;
	p->b[239] = 0x63;
	p->len = DHCP_HDR_LEN;
}

static void
pkt_opt(struct pkt *p, uint8_t code, const uint8_t *d, size_t len)
{
	p->b[p->len++] = code;
	p->b[p->len++] = len;
	if (len > 0)
		memcpy(p->b + p->len, d, len);
	p->len += len;
}

static void
pkt_uuid(struct pkt *p)
{
	uint8_t	 v[17];

	v[0] = 0;
	memcpy(v + 1, uuid1, 16);
	pkt_opt(p, DHO_CLIENT_UUID, v, sizeof(v));
}

/* END, then zero padding up to pad bytes as many clients send. */
static void
pkt_end(struct pkt *p, size_t pad)
{
	p->b[p->len++] = DHO_END;
	if (p->len < pad)
		p->len = pad;
}

/* EDK2/OVMF x64: what PxeBcDhcp4 sends in its first DISCOVER. */
static void
mk_ovmf(struct pkt *p)
{
	pkt_head(p, 0, 0x2a5e1b07, mac_ovmf, DHCP_FLAG_BROADCAST, NULL,
	    NULL);
	OPT(p, DHO_MSG_TYPE, DHCPDISCOVER);
	OPT(p, DHO_MAX_MSG_SIZE, 0x05, 0xc0);
	OPT(p, DHO_PARAM_LIST, 1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23,
	    28, 40, 41, 42, 43, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
	    66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135);
	pkt_uuid(p);
	OPT(p, DHO_CLIENT_NDI, 1, 3, 16);
	OPT(p, DHO_CLIENT_ARCH, 0, 7);
	OPTS(p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003016");
	pkt_end(p, 0);
}

/* OVMF's follow-up to a redirecting offer, unicast to us on 4011. */
static void
mk_ovmf_request(struct pkt *p)
{
	pkt_head(p, 0, 0x2a5e1b08, mac_ovmf, 0, "192.168.1.50", NULL);
	OPT(p, DHO_MSG_TYPE, DHCPREQUEST);
	OPT(p, DHO_MAX_MSG_SIZE, 0x05, 0xc0);
	OPT(p, DHO_PARAM_LIST, 1, 3, 43, 60, 66, 67, 97);
	pkt_uuid(p);
	OPT(p, DHO_CLIENT_NDI, 1, 3, 16);
	OPT(p, DHO_CLIENT_ARCH, 0, 7);
	OPTS(p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003016");
	pkt_end(p, 0);
}

/* iPXE (BIOS): 77 is the bare string, 175 carries its features. */
static void
mk_ipxe(struct pkt *p)
{
	pkt_head(p, 0, 0x1d0e4a33, mac_ipxe, 0, NULL, NULL);
	OPT(p, DHO_MSG_TYPE, DHCPDISCOVER);
	OPT(p, DHO_MAX_MSG_SIZE, 0x05, 0xdc);
	OPT(p, DHO_IPXE_ENCAP, 0xb1, 0x05, 0x01, 0x10, 0xec, 0x81, 0x39,
	    0xeb, 0x03, 0x01, 0x00, 0x00, 0x17, 0x01, 0x01, 0x15, 0x01, 0x01);
	OPT(p, DHO_CLIENT_ID, 0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef);
	OPT(p, DHO_CLIENT_ARCH, 0, 0);
	OPT(p, DHO_CLIENT_NDI, 1, 2, 1);
	OPTS(p, DHO_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	OPTS(p, DHO_USER_CLASS, "iPXE");
	OPT(p, DHO_PARAM_LIST, 1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67,
	    119, 128, 129, 130, 131, 132, 133, 134, 135, 175, 203);
	pkt_end(p, 0);
}

/* The iPXE ROM of SeaBIOS before iPXE names itself: plain BIOS PXE. */
static void
mk_seabios(struct pkt *p)
{
	pkt_head(p, 0, 0x00c0ffee, mac_ipxe, 0, NULL, NULL);
	OPT(p, DHO_MSG_TYPE, DHCPDISCOVER);
	OPT(p, DHO_MAX_MSG_SIZE, 0x05, 0xdc);
	OPT(p, DHO_CLIENT_ARCH, 0, 0);
	OPT(p, DHO_CLIENT_NDI, 1, 2, 1);
	pkt_uuid(p);
	OPTS(p, DHO_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	OPT(p, DHO_PARAM_LIST, 1, 3, 43, 60, 66, 67);
	pkt_end(p, 300);
}

/* EDK2 HTTP boot, x64. */
static void
mk_http(struct pkt *p)
{
	pkt_head(p, 0, 0x5e11f00d, mac_ovmf, DHCP_FLAG_BROADCAST, NULL,
	    NULL);
	OPT(p, DHO_MSG_TYPE, DHCPDISCOVER);
	OPT(p, DHO_MAX_MSG_SIZE, 0x05, 0xc0);
	OPT(p, DHO_PARAM_LIST, 1, 3, 6, 12, 15, 43, 60, 66, 67, 97);
	pkt_uuid(p);
	OPT(p, DHO_CLIENT_NDI, 1, 3, 1);
	OPT(p, DHO_CLIENT_ARCH, 0, 16);
	OPTS(p, DHO_VENDOR_CLASS, "HTTPClient:Arch:00016:UNDI:003001");
	pkt_end(p, 0);
}

/* The iPXE ROM's boot server request: port 68, xid 0, item 0x8000. */
static void
mk_ipxe_bootitem(struct pkt *p)
{
	pkt_head(p, 0, 0, mac_ipxe, 0, "192.168.1.60", NULL);
	OPT(p, DHO_MSG_TYPE, DHCPREQUEST);
	OPT(p, DHO_MAX_MSG_SIZE, 0x05, 0xdc);
	OPT(p, DHO_CLIENT_ARCH, 0, 0);
	OPT(p, DHO_CLIENT_NDI, 1, 2, 1);
	OPTS(p, DHO_VENDOR_CLASS, "PXEClient");
	OPT(p, DHO_VENDOR_OPTS, PXE_BOOT_ITEM, 4, 0x80, 0x00, 0x00, 0x00,
	    PXE_END);
	pkt_end(p, 0);
}

/* OVMF behind a relay that adds circuit, remote id and link selection. */
static void
mk_relayed(struct pkt *p)
{
	pkt_head(p, 1, 0x7e57ab1e, mac_ovmf, 0, NULL, "10.1.2.1");
	OPT(p, DHO_MSG_TYPE, DHCPDISCOVER);
	OPT(p, DHO_MAX_MSG_SIZE, 0x05, 0xc0);
	OPT(p, DHO_PARAM_LIST, 1, 3, 43, 60, 66, 67, 97);
	pkt_uuid(p);
	OPT(p, DHO_CLIENT_ARCH, 0, 7);
	OPTS(p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003016");
	OPT(p, DHO_RELAY_INFO,
	    RAI_CIRCUIT_ID, 4, 'v', 'l', '1', '2',
	    RAI_REMOTE_ID, 6, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
	    RAI_LINK_SELECT, 4, 10, 1, 7, 0);
	pkt_end(p, 0);
}

/* A laptop asking for an address: not ours to answer. */
static void
mk_plain(struct pkt *p)
{
	pkt_head(p, 0, 0x12345678, mac_ipxe, 0, NULL, NULL);
	OPT(p, DHO_MSG_TYPE, DHCPDISCOVER);
	OPT(p, DHO_CLIENT_ID, 0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef);
	OPTS(p, 12, "laptop");
	OPT(p, DHO_PARAM_LIST, 1, 3, 6, 15, 28, 51, 58, 59, 119);
	pkt_end(p, 300);
}

/* An independent walk over a reply's options; NULL when absent. */
static const uint8_t *
find_opt(const uint8_t *b, size_t len, uint8_t code, size_t *olen)
{
	size_t	 i = DHCP_HDR_LEN;

	while (i < len && b[i] != DHO_END) {
		if (b[i] == DHO_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return NULL;
		if (b[i] == code) {
			*olen = b[i + 1];
			return b + i + 2;
		}
		i += 2 + b[i + 1];
	}
	return NULL;
}

/* The code of the option just before END, or -1. */
static int
last_opt(const uint8_t *b, size_t len)
{
	size_t	 i = DHCP_HDR_LEN;
	int	 last = -1;

	while (i < len && b[i] != DHO_END) {
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return -1;
		last = b[i];
		i += 2 + b[i + 1];
	}
	return i < len ? last : -1;
}

/* Parse from a heap copy of exactly the packet's size, for ASan. */
static int
parse(const struct pkt *p, struct dhcp_msg *m, const char **reason)
{
	uint8_t	*copy;
	int	 rv;

	if ((copy = malloc(p->len ? p->len : 1)) == NULL)
		abort();
	memcpy(copy, p->b, p->len);
	rv = dhcp_parse(copy, p->len, m, reason);
	free(copy);
	return rv;
}

static const char *
parse_reason(const struct pkt *p)
{
	struct dhcp_msg	 m;
	const char	*reason;

	if (parse(p, &m, &reason) == 0)
		return "(accepted)";
	return reason;
}

static struct in_addr
ip(const char *s)
{
	struct in_addr	 a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a;
}

static void
test_ovmf(void)
{
	struct pkt		 p;
	struct dhcp_msg		 m;
	struct client_facts	 f;
	const char		*reason = "unset";

	mk_ovmf(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK(reason == NULL);
	CHECK_INT(m.op, BOOTREQUEST);
	CHECK_INT(m.xid, 0x2a5e1b07);
	CHECK_INT(m.flags, DHCP_FLAG_BROADCAST);
	CHECK_INT(m.secs, 4);
	CHECK_INT(m.type, DHCPDISCOVER);
	CHECK_INT(m.max_size, 1472);
	CHECK_INT(m.narch, 1);
	CHECK_INT(m.arch[0], 7);
	CHECK(memcmp(m.ndi, "\x01\x03\x10", 3) == 0);
	CHECK(dhcp_has_option(&m, DHO_CLIENT_UUID));
	CHECK(memcmp(m.uuid, uuid1, 16) == 0);
	CHECK_INT(m.params.len, 40);
	CHECK_INT(m.params.data[39], 135);
	CHECK(!dhcp_has_option(&m, DHO_USER_CLASS));
	CHECK(!dhcp_has_option(&m, DHO_RELAY_INFO));
	CHECK_INT(dhcp_client_kind(&m), DHCP_CLIENT_PXE);
	CHECK_INT(m.has_boot_item, 0);

	memset(&f, 0xa5, sizeof(f));
	f.ifname[0] = '\0';
	dhcp_client_facts(&m, ip("192.168.1.2"), &f);
	CHECK_INT(f.hwlen, 6);
	CHECK(memcmp(f.hwaddr, mac_ovmf, 6) == 0);
	CHECK_INT(f.hwaddr[6], 0);
	CHECK_INT(f.arch, 7);
	CHECK_STR(f.vendor_class, "PXEClient:Arch:00007:UNDI:003016");
	CHECK_STR(f.user_class, "");
	CHECK_INT(f.has_uuid, 1);
	CHECK(memcmp(f.uuid, uuid_rfc4122, 16) == 0);
	CHECK_INT(f.af, AF_INET);
	CHECK_INT(f.subnet_addr.af, AF_INET);
	CHECK_INT(f.subnet_addr.u.v4.s_addr, ip("192.168.1.2").s_addr);
}

static void
test_ipxe(void)
{
	struct pkt		 p;
	struct dhcp_msg		 m;
	struct client_facts	 f;
	const char		*reason;

	mk_ipxe(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.type, DHCPDISCOVER);
	CHECK_INT(m.flags, 0);
	CHECK_INT(m.max_size, 1500);
	CHECK(dhcp_has_option(&m, DHO_IPXE_ENCAP));
	CHECK_INT(m.user_class.len, 4);
	CHECK(memcmp(m.user_class.data, "iPXE", 4) == 0);
	CHECK_INT(m.arch[0], 0);
	CHECK(!dhcp_has_option(&m, DHO_CLIENT_UUID));
	CHECK_INT(dhcp_client_kind(&m), DHCP_CLIENT_PXE);

	dhcp_client_facts(&m, ip("192.168.1.2"), &f);
	CHECK_STR(f.user_class, "iPXE");
	CHECK_INT(f.arch, 0);
	CHECK_INT(f.has_uuid, 0);
	CHECK(memcmp(f.hwaddr, mac_ipxe, 6) == 0);

	/* The same class in RFC 3004 form: one instance of 4 bytes. */
	mk_ipxe(&p);
	p.len = DHCP_HDR_LEN;
	OPT(&p, DHO_MSG_TYPE, DHCPDISCOVER);
	OPTS(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	OPT(&p, DHO_USER_CLASS, 4, 'i', 'P', 'X', 'E', 3, 'f', 'o', 'o');
	pkt_end(&p, 0);
	CHECK_INT(parse(&p, &m, &reason), 0);
	dhcp_client_facts(&m, ip("192.168.1.2"), &f);
	CHECK_STR(f.user_class, "iPXE");
}

static void
test_seabios(void)
{
	struct pkt		 p;
	struct dhcp_msg		 m;
	const char		*reason;

	mk_seabios(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.xid, 0x00c0ffee);
	CHECK_INT(m.narch, 1);
	CHECK_INT(m.arch[0], ARCH_BIOS);
	CHECK(!dhcp_has_option(&m, DHO_USER_CLASS));
	CHECK_INT(dhcp_client_kind(&m), DHCP_CLIENT_PXE);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_OFFER);
}

static void
test_http(void)
{
	struct pkt		 p;
	struct dhcp_msg		 m;
	struct client_facts	 f;
	const char		*reason;

	mk_http(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.arch[0], 16);
	CHECK_INT(dhcp_client_kind(&m), DHCP_CLIENT_HTTP);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_OFFER);
	dhcp_client_facts(&m, ip("192.168.1.2"), &f);
	CHECK_INT(f.arch, 16);
	CHECK_STR(f.vendor_class, "HTTPClient:Arch:00016:UNDI:003001");
}

static void
test_bootitem(void)
{
	struct pkt		 p;
	struct dhcp_msg		 m;
	struct client_facts	 f;
	const char		*reason;

	mk_ipxe_bootitem(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.xid, 0);
	CHECK_INT(m.type, DHCPREQUEST);
	CHECK_INT(m.has_boot_item, 1);
	CHECK_INT(m.boot_type, 0x8000);
	CHECK_INT(m.boot_layer, 0);
	CHECK_INT(m.ciaddr.s_addr, ip("192.168.1.60").s_addr);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_PXE_PORT, &reason),
	    DHCP_REPLY_BOOTSRV);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_BOOTSRV);
	/* A 4011 request: the source address places it. */
	dhcp_client_facts(&m, ip("192.168.1.60"), &f);
	CHECK_INT(f.subnet_addr.u.v4.s_addr, ip("192.168.1.60").s_addr);
	CHECK_STR(f.vendor_class, "PXEClient");

	/* Option 43 of another vendor is not read as PXE sub-options. */
	pkt_head(&p, 0, 1, mac_ipxe, 0, NULL, NULL);
	OPT(&p, DHO_MSG_TYPE, DHCPREQUEST);
	OPTS(&p, DHO_VENDOR_CLASS, "MSFT 5.0");
	OPT(&p, DHO_VENDOR_OPTS, PXE_BOOT_ITEM, 9, 1);
	pkt_end(&p, 0);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.has_boot_item, 0);
	CHECK_INT(m.vendor_opts.len, 3);
}

static void
test_relayed(void)
{
	struct pkt		 p;
	struct dhcp_msg		 m;
	struct client_facts	 f;
	struct nb_addr		 a;
	const char		*reason;

	mk_relayed(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.hops, 1);
	CHECK_INT(m.giaddr.s_addr, ip("10.1.2.1").s_addr);
	CHECK(dhcp_has_option(&m, DHO_RELAY_INFO));
	CHECK_INT(m.relay_info.len, 20);
	CHECK_INT(m.relay_info.data[0], RAI_CIRCUIT_ID);
	CHECK_INT(m.has_link_select, 1);
	CHECK_INT(m.link_select.s_addr, ip("10.1.7.0").s_addr);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_OFFER);

	/* Link selection wins over giaddr, 118 over both. */
	dhcp_client_facts(&m, ip("192.168.1.2"), &f);
	CHECK_INT(f.subnet_addr.u.v4.s_addr, ip("10.1.7.0").s_addr);
	m.has_link_select = 0;
	dhcp_subnet_addr(&m, ip("192.168.1.2"), &a);
	CHECK_INT(a.af, AF_INET);
	CHECK_INT(a.u.v4.s_addr, ip("10.1.2.1").s_addr);

	mk_relayed(&p);
	p.len--;			/* before END */
	OPT(&p, DHO_SUBNET_SELECT, 10, 9, 0, 0);
	pkt_end(&p, 0);
	CHECK_INT(parse(&p, &m, &reason), 0);
	dhcp_subnet_addr(&m, ip("192.168.1.2"), &a);
	CHECK_INT(a.u.v4.s_addr, ip("10.9.0.0").s_addr);
}

static void
test_plain(void)
{
	struct pkt		 p;
	struct dhcp_msg		 m;
	const char		*reason;

	mk_plain(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp_client_kind(&m), DHCP_CLIENT_OTHER);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_NONE);
	CHECK_STR(reason, "not a PXE or HTTP boot client");

	/* Plain BOOTP: no option 53. */
	pkt_head(&p, 0, 9, mac_ipxe, 0, NULL, NULL);
	OPTS(&p, DHO_VENDOR_CLASS, "PXEClient");
	pkt_end(&p, 300);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.type, DHCP_BOOTP);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_NONE);
	CHECK_STR(reason, "plain BOOTP request");
}

static void
test_reply_kind(void)
{
	struct pkt	 p;
	struct dhcp_msg	 m;
	const char	*reason;

	mk_ovmf(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_OFFER);
	CHECK(reason == NULL);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_PXE_PORT, &reason),
	    DHCP_REPLY_NONE);
	CHECK_STR(reason, "DISCOVER not on port 67");

	mk_ovmf_request(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_PXE_PORT, &reason),
	    DHCP_REPLY_ACK);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_NONE);
	CHECK_STR(reason, "REQUEST for the address server");

	m.type = DHCPINFORM;
	CHECK_INT(dhcp_reply_kind(&m, DHCP_PXE_PORT, &reason),
	    DHCP_REPLY_NONE);
	m.type = DHCPRELEASE;
	CHECK_INT(dhcp_reply_kind(&m, DHCP_PXE_PORT, &reason),
	    DHCP_REPLY_NONE);
	m.type = DHCPDECLINE;
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_NONE);
	CHECK_STR(reason, "message type not answered by a proxy");

	/* A BOOTREPLY parses but is never answered. */
	mk_ovmf(&p);
	p.b[0] = BOOTREPLY;
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp_reply_kind(&m, DHCP_SERVER_PORT, &reason),
	    DHCP_REPLY_NONE);
	CHECK_STR(reason, "not a BOOTREQUEST");
}

static void
test_dest(void)
{
	struct pkt	 p;
	struct dhcp_msg	 m;
	const char	*reason;

	mk_ovmf(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp_reply_dest(&m, DHCP_SERVER_PORT), DHCP_DEST_BROADCAST);
	mk_relayed(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp_reply_dest(&m, DHCP_SERVER_PORT), DHCP_DEST_RELAY);
	mk_ipxe_bootitem(&p);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(dhcp_reply_dest(&m, DHCP_PXE_PORT), DHCP_DEST_SOURCE);
	CHECK_INT(dhcp_reply_dest(&m, DHCP_SERVER_PORT), DHCP_DEST_CIADDR);
}

/* What real firmware sent (tests/data/dhcp/README). */
static void
test_captures(void)
{
	const struct capture	*c;
	struct pkt		 p;
	struct dhcp_msg		 m;
	struct client_facts	 f;
	const char		*reason;
	size_t			 i;

	for (i = 0; i < NCAPTURES; i++) {
		c = &captures[i];
		memcpy(p.b, c->b, c->len);
		p.len = c->len;
		if (parse(&p, &m, &reason) != 0) {
			fprintf(stderr, "%s: %s\n", c->name, reason);
			CHECK(0);
			continue;
		}
		CHECK_INT(m.op, BOOTREQUEST);
		CHECK(memcmp(m.chaddr, mac_ovmf, 6) == 0);
		CHECK_INT(dhcp_reply_kind(&m, c->port, &reason), c->kind);
		CHECK_INT(dhcp_reply_dest(&m, c->port), c->port == 67 ?
		    DHCP_DEST_BROADCAST : DHCP_DEST_SOURCE);
		dhcp_client_facts(&m, ip("192.168.77.1"), &f);
		CHECK_INT(f.arch, c->arch);
		CHECK_STR(f.vendor_class, c->vendor_class);
		CHECK_STR(f.user_class, c->user_class);
		CHECK_INT(f.has_uuid, 1);
		CHECK(memcmp(f.uuid, uuid_rfc4122, 16) == 0);
		CHECK_INT(f.subnet_addr.u.v4.s_addr, ip("192.168.77.1").s_addr);
		CHECK_INT(dhcp_has_option(&m, DHO_IPXE_ENCAP),
		    c->user_class[0] != '\0');
		if (c->port == 4011)
			CHECK_INT(m.ciaddr.s_addr, ip("192.168.77.100").s_addr);
		if (c->kind == DHCP_REPLY_BOOTSRV)
			CHECK(m.has_boot_item && m.boot_type == 0x8000 &&
			    m.boot_layer == 0);
	}
}

/* Every capture gets its reply, which decodes as it should. */
static void
test_capture_replies(void)
{
	const struct capture	*c;
	struct pkt		 p;
	struct dhcp_msg		 req, m;
	struct dhcp_reply_conf	 rc;
	uint8_t			 b[DHCP_MAX_REPLY];
	const char		*reason;
	size_t			 i, olen;
	ssize_t			 n;

	for (i = 0; i < NCAPTURES; i++) {
		c = &captures[i];
		memcpy(p.b, c->b, c->len);
		p.len = c->len;
		CHECK_INT(parse(&p, &req, &reason), 0);
		memset(&rc, 0, sizeof(rc));
		rc.kind = c->kind;
		rc.server_id = ip("192.168.77.2");
		rc.bootfile = c->arch == 16 ? "http://192.168.77.2/boot.efi" :
		    "boot.efi";
		n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
		CHECK(n >= DHCP_MIN_REPLY);
		check_reply_common(b, n, &p, c->kind == DHCP_REPLY_OFFER ?
		    DHCPOFFER : DHCPACK);
		CHECK_INT(dhcp_parse(b, n, &m, &reason), 0);
		CHECK_INT(m.xid, req.xid);
		CHECK_INT(dhcp_client_kind(&m), dhcp_client_kind(&req));
		CHECK((find_opt(b, n, DHO_VENDOR_OPTS, &olen) != NULL) ==
		    (c->kind != DHCP_REPLY_OFFER && c->arch != 16));
	}
}

/*
 * Every cut of every good packet short of its END is refused, and a cut
 * within the padding after END is accepted; ASan sees each cut as its
 * own allocation.
 */
static void
test_truncations(void)
{
	void		(*mk[])(struct pkt *) = { mk_ovmf, mk_ovmf_request,
			    mk_ipxe, mk_seabios, mk_http, mk_ipxe_bootitem,
			    mk_relayed, mk_plain };
	struct pkt	 p;
	struct dhcp_msg	 m;
	const char	*reason;
	size_t		 i, full, end, bad, good;
	size_t		 nmk = sizeof(mk) / sizeof(mk[0]);

	for (i = 0; i < nmk + NCAPTURES; i++) {
		if (i < nmk)
			mk[i](&p);
		else {
			memcpy(p.b, captures[i - nmk].b,
			    captures[i - nmk].len);
			p.len = captures[i - nmk].len;
		}
		full = p.len;
		for (end = full; p.b[end - 1] != DHO_END; end--)
			;
		bad = good = 0;
		for (p.len = 0; p.len <= full; p.len++) {
			if (parse(&p, &m, &reason) == 0)
				good++;
			else if (p.len < end)
				bad++;
		}
		CHECK_INT(bad, end);
		CHECK_INT(good, full - end + 1);
	}
	mk_ovmf(&p);
	p.len = 100;
	CHECK_STR(parse_reason(&p), "truncated BOOTP header");
	p.len = DHCP_FIXED_LEN + 2;
	CHECK_STR(parse_reason(&p), "no magic cookie");
	p.len = DHCP_HDR_LEN;
	CHECK_STR(parse_reason(&p), "no END option");
	p.len = DHCP_HDR_LEN + 4;	/* 53 whole, 57 cut after its code */
	CHECK_STR(parse_reason(&p), "option length past the end");
	p.len = DHCP_HDR_LEN + 6;	/* 57 cut in its value */
	CHECK_STR(parse_reason(&p), "option length past the end");
}

static void
test_malformed(void)
{
	struct pkt	 p;
	struct dhcp_msg	 m;
	const char	*reason;
	uint8_t		 big[255];

	mk_ovmf(&p);
	p.b[236] = 0x64;
	CHECK_STR(parse_reason(&p), "wrong magic cookie");

	mk_ovmf(&p);
	p.b[2] = 17;
	CHECK_STR(parse_reason(&p), "hardware address length over 16");
	p.b[2] = 16;
	CHECK_STR(parse_reason(&p), "Ethernet address length is not 6");
	mk_ovmf(&p);
	p.b[1] = 6;
	CHECK_STR(parse_reason(&p), "hardware type is not Ethernet");
	mk_ovmf(&p);
	p.b[0] = 3;
	CHECK_STR(parse_reason(&p), "bad op");

	/* Option 53 missing its value, then one option past the end. */
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_MSG_TYPE, DHCPDISCOVER);
	p.b[p.len++] = DHO_VENDOR_CLASS;
	p.b[p.len++] = 20;
	memcpy(p.b + p.len, "PXEClient", 9);
	p.len += 9;
	CHECK_STR(parse_reason(&p), "option length past the end");
	CHECK(parse(&p, &m, &reason) == -1 && m.bad_option == 60);

	/* Zero-length options that need a value. */
#define EMPTY(code, why) do {						\
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);			\
	OPT(&p, DHO_MSG_TYPE, DHCPDISCOVER);				\
	pkt_opt(&p, (code), NULL, 0);					\
	pkt_end(&p, 0);							\
	CHECK_STR(parse_reason(&p), (why));				\
} while (0)
	EMPTY(DHO_VENDOR_CLASS, "empty vendor class (60)");
	EMPTY(DHO_CLIENT_ARCH, "bad client architecture (93)");
	EMPTY(DHO_CLIENT_UUID, "bad client machine identifier (97)");
	EMPTY(DHO_PARAM_LIST, "empty parameter request list (55)");
	EMPTY(DHO_USER_CLASS, "empty user class (77)");
	EMPTY(DHO_RELAY_INFO, "short relay agent information (82)");
	EMPTY(DHO_MAX_MSG_SIZE, "bad maximum message size (57)");
	EMPTY(DHO_SERVER_ID, "bad server identifier (54)");
	EMPTY(DHO_CLIENT_NDI, "bad network interface identifier (94)");
	EMPTY(DHO_SUBNET_SELECT, "bad subnet selection (118)");
	EMPTY(DHO_VENDOR_OPTS, "empty vendor options (43)");
	EMPTY(DHO_OVERLOAD, "option overload (52) is not supported");
#undef EMPTY
	/* Empty options we do not read are fine; so is an empty 175. */
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_MSG_TYPE, DHCPDISCOVER);
	pkt_opt(&p, 12, NULL, 0);
	pkt_opt(&p, DHO_IPXE_ENCAP, NULL, 0);
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "(accepted)");

	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_MSG_TYPE, 0);
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "bad message type (53)");

	/* Duplicates of what we read; 12 twice is no matter. */
	mk_ovmf(&p);
	p.len--;
	OPT(&p, DHO_MSG_TYPE, DHCPREQUEST);
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "duplicate option");
	CHECK(parse(&p, &m, &reason) == -1 && m.bad_option == 53);
	mk_ovmf(&p);
	p.len--;
	OPTS(&p, DHO_VENDOR_CLASS, "HTTPClient");
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "duplicate option");
	mk_ovmf(&p);
	p.len--;
	OPTS(&p, 12, "a");
	OPTS(&p, 12, "b");
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "(accepted)");

	/* A huge option 55: 255 bytes is legal, two of them are not. */
	memset(big, 1, sizeof(big));
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_MSG_TYPE, DHCPDISCOVER);
	pkt_opt(&p, DHO_PARAM_LIST, big, sizeof(big));
	pkt_end(&p, 0);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.params.len, 255);
	p.len--;
	pkt_opt(&p, DHO_PARAM_LIST, big, sizeof(big));
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "duplicate option");

	/* Bad lengths and bad contents. */
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_CLIENT_ARCH, 0, 7, 0);
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "bad client architecture (93)");
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_CLIENT_UUID, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	    14, 15, 16, 17);
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "bad client machine identifier (97)");
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, "10.0.0.1");
	OPT(&p, DHO_RELAY_INFO, 1, 4, 'a', 'b');
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "malformed relay agent information (82)");
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, "10.0.0.1");
	OPT(&p, DHO_RELAY_INFO, 5, 3, 10, 0, 0);
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "bad link selection (82.5)");
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPTS(&p, DHO_VENDOR_CLASS, "PXEClient");
	OPT(&p, DHO_VENDOR_OPTS, PXE_BOOT_ITEM, 2, 0x80, 0);
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "bad PXE boot item (43.71)");
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_VENDOR_OPTS, PXE_BOOT_ITEM, 9, 0x80, 0);
	OPTS(&p, DHO_VENDOR_CLASS, "PXEClient");
	pkt_end(&p, 0);
	CHECK_STR(parse_reason(&p), "malformed PXE options (43)");

	/* A 57 below 576 counts as 576. */
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_MAX_MSG_SIZE, 0x01, 0x00);
	pkt_end(&p, 0);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.max_size, 576);

	/* Four architectures: the first counts, all are kept. */
	pkt_head(&p, 0, 1, mac_ovmf, 0, NULL, NULL);
	OPT(&p, DHO_CLIENT_ARCH, 0, 9, 0, 7, 0, 16, 0, 0);
	pkt_end(&p, 0);
	CHECK_INT(parse(&p, &m, &reason), 0);
	CHECK_INT(m.narch, 4);
	CHECK_INT(m.arch[0], 9);
	CHECK_INT(m.arch[3], 0);
}

/* Random damage to good packets: never a crash, never a bad read. */
static void
test_mutations(void)
{
	void		(*mk[])(struct pkt *) = { mk_ovmf, mk_ipxe,
			    mk_http, mk_ipxe_bootitem, mk_relayed };
	struct pkt	 p;
	struct dhcp_msg	 m;
	const char	*reason;
	uint8_t		 out[DHCP_MAX_REPLY];
	struct dhcp_reply_conf rc;
	unsigned int	 seed = 4011, i, j, ok = 0;

	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_OFFER;
	rc.server_id = ip("192.168.1.2");
	rc.bootfile = "http://192.168.1.2/boot.efi";
	for (i = 0; i < 20000; i++) {
		mk[i % 5](&p);
		for (j = 0; j < 1 + i % 4; j++)
			p.b[DHCP_HDR_LEN + rand_r(&seed) %
			    (p.len - DHCP_HDR_LEN)] = rand_r(&seed);
		if (parse(&p, &m, &reason) == 0) {
			ok++;
			dhcp_build_reply(&m, &rc, out, sizeof(out), &reason);
		} else
			CHECK(reason != NULL);
	}
	CHECK(ok > 0);
}

/* What every reply shares, checked with our walker and our parser. */
static void
check_reply_common(const uint8_t *b, size_t len, const struct pkt *req,
    uint8_t type)
{
	struct dhcp_msg	 m;
	const char	*reason;
	const uint8_t	*o;
	size_t		 olen;

	CHECK(len >= DHCP_MIN_REPLY);
	CHECK_INT(b[0], BOOTREPLY);
	CHECK_INT(b[1], 1);
	CHECK_INT(b[2], 6);
	CHECK(memcmp(b + 4, req->b + 4, 4) == 0);		/* xid */
	CHECK(memcmp(b + 16, "\0\0\0\0", 4) == 0);		/* yiaddr */
	CHECK(memcmp(b + 24, req->b + 24, 4) == 0);		/* giaddr */
	CHECK(memcmp(b + 28, req->b + 28, 16) == 0);		/* chaddr */
	CHECK_INT(b[44 + 63], 0);				/* sname */
	CHECK_INT(b[108 + 127], 0);				/* file */
	CHECK(find_opt(b, len, DHO_SUBNET_MASK, &olen) == NULL);
	CHECK(find_opt(b, len, DHO_ROUTERS, &olen) == NULL);
	CHECK(find_opt(b, len, DHO_DNS_SERVERS, &olen) == NULL);
	CHECK(find_opt(b, len, DHO_LEASE_TIME, &olen) == NULL);
	CHECK(find_opt(b, len, DHO_OVERLOAD, &olen) == NULL);
	CHECK((o = find_opt(b, len, DHO_MSG_TYPE, &olen)) != NULL &&
	    olen == 1 && o[0] == type);
	CHECK(last_opt(b, len) != -1);
	CHECK_INT(dhcp_parse(b, len, &m, &reason), 0);
	CHECK_INT(m.op, BOOTREPLY);
	CHECK_INT(m.type, type);
	CHECK_INT(m.yiaddr.s_addr, 0);
}

static void
test_build_redirect(void)
{
	struct pkt		 p;
	struct dhcp_msg		 req, m;
	struct dhcp_reply_conf	 rc;
	uint8_t			 b[DHCP_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_ovmf(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_OFFER;
	rc.direct = 0;
	rc.server_id = ip("192.168.1.2");
	rc.boot_server = ip("192.168.1.9");
	rc.bootfile = "efi/shimx64.efi";
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	CHECK(reason == NULL);
	check_reply_common(b, n, &p, DHCPOFFER);
	CHECK_INT(n, DHCP_MIN_REPLY);
	CHECK_INT(b[10], 0x80);				/* flags kept */
	CHECK(memcmp(b + 20, &rc.server_id, 4) == 0);	/* siaddr: us */
	CHECK_INT(b[108], 0);				/* no file */
	CHECK(find_opt(b, n, DHO_VENDOR_OPTS, &olen) == NULL);
	CHECK(find_opt(b, n, DHO_BOOTFILE, &olen) == NULL);
	CHECK((o = find_opt(b, n, DHO_SERVER_ID, &olen)) != NULL &&
	    olen == 4 && memcmp(o, &rc.server_id, 4) == 0);
	CHECK((o = find_opt(b, n, DHO_VENDOR_CLASS, &olen)) != NULL &&
	    olen == 9 && memcmp(o, "PXEClient", 9) == 0);
	CHECK((o = find_opt(b, n, DHO_CLIENT_UUID, &olen)) != NULL &&
	    olen == 17 && o[0] == 0 && memcmp(o + 1, uuid1, 16) == 0);
	CHECK_INT(dhcp_parse(b, n, &m, &reason), 0);
	CHECK_INT(m.server_id.s_addr, rc.server_id.s_addr);
	CHECK_INT(dhcp_client_kind(&m), DHCP_CLIENT_PXE);
	CHECK_INT(m.ciaddr.s_addr, 0);
}

static void
test_build_direct(void)
{
	static const uint8_t	 want43[] = { 6, 1, 8, 8, 7, 0x80, 0x00, 1,
				    192, 168, 1, 9, 255 };
	struct pkt		 p;
	struct dhcp_msg		 req;
	struct dhcp_reply_conf	 rc;
	uint8_t			 b[DHCP_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_ovmf(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_OFFER;
	rc.direct = 1;
	rc.server_id = ip("192.168.1.2");
	rc.boot_server = ip("192.168.1.9");
	rc.bootfile = "efi/shimx64.efi";
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	check_reply_common(b, n, &p, DHCPOFFER);
	CHECK(memcmp(b + 20, &rc.boot_server, 4) == 0);
	CHECK_STR((char *)b + 108, "efi/shimx64.efi");
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == sizeof(want43) && memcmp(o, want43, olen) == 0);
	CHECK((o = find_opt(b, n, DHO_BOOTFILE, &olen)) != NULL &&
	    olen == 15 && memcmp(o, "efi/shimx64.efi", 15) == 0);
	CHECK((o = find_opt(b, n, DHO_TFTP_SERVER, &olen)) != NULL &&
	    olen == 11 && memcmp(o, "192.168.1.9", 11) == 0);

	/* No TFTP server given: the proxy is it. */
	rc.boot_server.s_addr = INADDR_ANY;
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	CHECK(memcmp(b + 20, &rc.server_id, 4) == 0);
	CHECK((o = find_opt(b, n, DHO_TFTP_SERVER, &olen)) != NULL &&
	    olen == 11 && memcmp(o, "192.168.1.2", 11) == 0);
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == 13 && memcmp(o + 8, "\xc0\xa8\x01\x02", 4) == 0);

	rc.bootfile = NULL;
	CHECK_INT(dhcp_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "no boot file");
}

static void
test_build_ack(void)
{
	struct pkt		 p;
	struct dhcp_msg		 req;
	struct dhcp_reply_conf	 rc;
	uint8_t			 b[DHCP_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_ovmf_request(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_ACK;
	rc.direct = 0;	/* redirects only the offer */
	rc.server_id = ip("192.168.1.2");
	rc.boot_server = ip("192.168.1.9");
	rc.bootfile = "efi/shimx64.efi";
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	check_reply_common(b, n, &p, DHCPACK);
	CHECK(memcmp(b + 12, &req.ciaddr, 4) == 0);	/* ciaddr echoed */
	CHECK(memcmp(b + 20, &rc.boot_server, 4) == 0);
	CHECK_STR((char *)b + 108, "efi/shimx64.efi");
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == 13 && o[2] == PXE_DISC_USE_BOOTFILE);
	CHECK(find_opt(b, n, DHO_BOOTFILE, &olen) != NULL);
}

/* The byte-exact option 43 of a two-entry menu. */
static void
test_build_menu(void)
{
	static const uint8_t	 want43[] = {
		6, 1, 7,
		8, 7, 0x80, 0x00, 1, 192, 168, 1, 2,
		9, 21, 0x80, 0x00, 5, 'L', 'i', 'n', 'u', 'x',
		    0x00, 0x00, 10, 'L', 'o', 'c', 'a', 'l', ' ', 'd', 'i',
		    's', 'k',
		10, 9, 5, 'P', 'r', 'e', 's', 's', ' ', 'F', '8',
		255
	};
	struct pkt		 p;
	struct dhcp_msg		 req;
	struct dhcp_reply_conf	 rc;
	struct dhcp_menu	 menu;
	char			 prompt[301];
	uint8_t			 b[DHCP_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	memset(&menu, 0, sizeof(menu));
	menu.prompt = "Press F8";
	menu.timeout = 5;
	menu.nitems = 2;
	menu.item[0].label = "Linux";
	menu.item[1].label = "Local disk";
	menu.item[1].local = 1;

	CHECK_INT(dhcp_menu_type(&menu, 0), 0x8000);
	CHECK_INT(dhcp_menu_type(&menu, 1), PXE_TYPE_LOCAL);
	CHECK_INT(dhcp_menu_item(&menu, 0x8000), 0);
	CHECK_INT(dhcp_menu_item(&menu, 0x8001), -1);
	CHECK_INT(dhcp_menu_item(&menu, PXE_TYPE_LOCAL), -1);

	mk_seabios(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_OFFER;
	rc.direct = 0;
	rc.server_id = ip("192.168.1.2");
	rc.boot_server = ip("192.168.1.9");
	rc.menu = &menu;
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	check_reply_common(b, n, &p, DHCPOFFER);
	CHECK(memcmp(b + 20, &rc.server_id, 4) == 0);
	CHECK_INT(b[108], 0);
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == sizeof(want43) && memcmp(o, want43, olen) == 0);
	CHECK(find_opt(b, n, DHO_BOOTFILE, &olen) == NULL);

	/* No prompt: no 43.10, the client shows the menu at once. */
	menu.prompt = "";
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == sizeof(want43) - 11 && o[olen - 1] == 255 &&
	    memcmp(o, want43, olen - 1) == 0);
	/* Timeout 0 is "wait": 255. */
	menu.prompt = "Press F8";
	menu.timeout = 0;
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == sizeof(want43) && o[37] == 255);

	/* A prompt longer than 43 holds is refused, not cut. */
	memset(prompt, 'x', 300);
	prompt[300] = '\0';
	menu.prompt = prompt;
	CHECK_INT(dhcp_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "PXE options do not fit option 43");
}

static void
test_build_one_entry(void)
{
	struct pkt		 p;
	struct dhcp_msg		 req;
	struct dhcp_reply_conf	 rc;
	struct dhcp_menu	 menu;
	uint8_t			 b[DHCP_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	memset(&menu, 0, sizeof(menu));
	menu.nitems = 1;
	menu.prompt = "Press F8";
	menu.item[0].label = "Linux";
	mk_seabios(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_OFFER;
	rc.direct = 1;
	rc.server_id = ip("192.168.1.2");
	rc.bootfile = "undionly.kpxe";
	rc.menu = &menu;
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == 13 && o[0] == 6 && o[2] == 8);
	CHECK_STR((char *)b + 108, "undionly.kpxe");
}

static void
test_build_bootsrv(void)
{
	static const uint8_t	 want43[] = { 71, 4, 0x80, 0x00, 0, 0, 255 };
	struct pkt		 p;
	struct dhcp_msg		 req, m;
	struct dhcp_reply_conf	 rc;
	uint8_t			 b[DHCP_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_ipxe_bootitem(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_BOOTSRV;
	rc.server_id = ip("192.168.1.2");
	rc.boot_server = ip("192.168.1.9");
	rc.bootfile = "pxelinux.0";
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	check_reply_common(b, n, &p, DHCPACK);
	CHECK(memcmp(b + 4, "\0\0\0\0", 4) == 0);	/* xid 0 kept */
	CHECK(memcmp(b + 12, &req.ciaddr, 4) == 0);
	CHECK(memcmp(b + 20, &rc.boot_server, 4) == 0);
	CHECK_STR((char *)b + 108, "pxelinux.0");
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == sizeof(want43) && memcmp(o, want43, olen) == 0);
	CHECK(find_opt(b, n, DHO_CLIENT_UUID, &olen) == NULL);
	CHECK_INT(dhcp_parse(b, n, &m, &reason), 0);
	CHECK_INT(m.has_boot_item, 1);
	CHECK_INT(m.boot_type, 0x8000);

	/* The credentials bit of the layer is not echoed. */
	req.boot_layer = 0x8001;
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK((o = find_opt(b, n, DHO_VENDOR_OPTS, &olen)) != NULL &&
	    olen == 7 && o[4] == 0x00 && o[5] == 0x01);
}

static void
test_build_http(void)
{
	static const char	*url = "http://192.168.1.2/efi/grubx64.efi";
	struct pkt		 p;
	struct dhcp_msg		 req;
	struct dhcp_reply_conf	 rc;
	uint8_t			 b[DHCP_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_http(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_OFFER;
	rc.direct = 0;	/* no matter to HTTP */
	rc.server_id = ip("192.168.1.2");
	rc.bootfile = url;
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	check_reply_common(b, n, &p, DHCPOFFER);
	CHECK((o = find_opt(b, n, DHO_VENDOR_CLASS, &olen)) != NULL &&
	    olen == 10 && memcmp(o, "HTTPClient", 10) == 0);
	CHECK((o = find_opt(b, n, DHO_BOOTFILE, &olen)) != NULL &&
	    olen == strlen(url) && memcmp(o, url, olen) == 0);
	CHECK_STR((char *)b + 108, url);
	CHECK(find_opt(b, n, DHO_VENDOR_OPTS, &olen) == NULL);
	CHECK(find_opt(b, n, DHO_TFTP_SERVER, &olen) == NULL);
	CHECK(memcmp(b + 20, "\0\0\0\0", 4) == 0);

	rc.bootfile = "efi/grubx64.efi";
	CHECK_INT(dhcp_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "an HTTP boot client needs an http:// URL");
	rc.kind = DHCP_REPLY_NONE;
	rc.bootfile = url;
	CHECK_INT(dhcp_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	mk_plain(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	rc.kind = DHCP_REPLY_OFFER;
	CHECK_INT(dhcp_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "nothing to answer");
}

static void
test_build_relayed(void)
{
	struct pkt		 p;
	struct dhcp_msg		 req;
	struct dhcp_reply_conf	 rc;
	uint8_t			 b[DHCP_MAX_REPLY];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_relayed(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_OFFER;
	rc.direct = 1;
	rc.server_id = ip("192.168.1.2");
	rc.boot_server = ip("192.168.1.9");
	rc.bootfile = "efi/shimx64.efi";
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	check_reply_common(b, n, &p, DHCPOFFER);
	CHECK_INT(b[3], 1);					/* hops */
	CHECK_INT(b[10] & 0x80, 0x80);				/* broadcast */
	CHECK_INT(last_opt(b, n), DHO_RELAY_INFO);
	CHECK((o = find_opt(b, n, DHO_RELAY_INFO, &olen)) != NULL &&
	    olen == req.relay_info.len &&
	    memcmp(o, p.b + p.len - 1 - olen, olen) == 0);
}

/* Option 57 and the buffer bound the reply; overflow is refused. */
static void
test_build_limits(void)
{
	struct pkt		 p;
	struct dhcp_msg		 req;
	struct dhcp_reply_conf	 rc;
	struct dhcp_menu	 menu;
	char			 label[3][61];
	uint8_t			 b[DHCP_MAX_REPLY + 100], big[255];
	const char		*reason;
	size_t			 i;
	ssize_t			 n;

	memset(big, 0, sizeof(big));
	for (i = 0; i < sizeof(big); i++)
		big[i] = i + 1;
	pkt_head(&p, 1, 77, mac_ovmf, 0, NULL, "10.1.2.1");
	OPT(&p, DHO_MSG_TYPE, DHCPDISCOVER);
	OPT(&p, DHO_MAX_MSG_SIZE, 0x02, 0x40);		/* 576 */
	pkt_opt(&p, DHO_PARAM_LIST, big, sizeof(big));
	pkt_uuid(&p);
	OPTS(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	big[0] = 1;
	big[1] = 198;
	pkt_opt(&p, DHO_RELAY_INFO, big, 200);
	pkt_end(&p, 0);
	CHECK_INT(parse(&p, &req, &reason), 0);
	CHECK_INT(dhcp_reply_limit(&req, sizeof(b)), 548);
	CHECK_INT(dhcp_reply_limit(&req, 400), 400);

	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_OFFER;
	rc.direct = 1;
	rc.server_id = ip("192.168.1.2");
	rc.bootfile = "pxelinux.0";
	memset(b, 0xee, sizeof(b));
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0 && n <= 548);
	CHECK_INT(b[548], 0xee);			/* nothing beyond */
	CHECK_INT(last_opt(b, n), DHO_RELAY_INFO);

	/* A three-entry menu on top no longer fits in 548 bytes. */
	memset(&menu, 0, sizeof(menu));
	menu.nitems = 3;
	for (i = 0; i < 3; i++) {
		memset(label[i], 'a' + i, 60);
		label[i][60] = '\0';
		menu.item[i].label = label[i];
	}
	rc.menu = &menu;
	memset(b, 0xee, sizeof(b));
	CHECK_INT(dhcp_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "reply larger than the client accepts");
	CHECK_INT(b[548], 0xee);

	/* Without option 57 a frame is the bound; a small buffer too. */
	mk_ovmf(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	req.seen[DHO_MAX_MSG_SIZE / 8] &= ~(1 << (DHO_MAX_MSG_SIZE % 8));
	CHECK_INT(dhcp_reply_limit(&req, sizeof(b)), DHCP_MAX_REPLY);
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n >= 480 && n <= DHCP_MAX_REPLY);
	CHECK_INT(dhcp_build_reply(&req, &rc, b, 299, &reason), -1);
	CHECK_STR(reason, "reply buffer too small");
}

static void
test_build_file_length(void)
{
	struct pkt		 p;
	struct dhcp_msg		 req;
	struct dhcp_reply_conf	 rc;
	uint8_t			 b[DHCP_MAX_REPLY];
	char			 file[300];
	const uint8_t		*o;
	const char		*reason;
	size_t			 olen;
	ssize_t			 n;

	mk_ovmf_request(&p);
	CHECK_INT(parse(&p, &req, &reason), 0);
	memset(&rc, 0, sizeof(rc));
	rc.kind = DHCP_REPLY_ACK;
	rc.server_id = ip("192.168.1.2");
	rc.bootfile = file;

	/* 127 bytes and its NUL fill the file field exactly. */
	memset(file, 'f', 127);
	file[127] = '\0';
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	CHECK_INT(strnlen((char *)b + 108, 128), 127);
	/* 128 go in option 67 alone. */
	file[127] = 'f';
	file[128] = '\0';
	n = dhcp_build_reply(&req, &rc, b, sizeof(b), &reason);
	CHECK(n > 0);
	CHECK_INT(b[108], 0);
	CHECK((o = find_opt(b, n, DHO_BOOTFILE, &olen)) != NULL &&
	    olen == 128);
	memset(file, 'f', 256);
	file[256] = '\0';
	CHECK_INT(dhcp_build_reply(&req, &rc, b, sizeof(b), &reason), -1);
	CHECK_STR(reason, "boot file name longer than 255 bytes");
}

int
main(void)
{
	test_ovmf();
	test_ipxe();
	test_seabios();
	test_http();
	test_bootitem();
	test_relayed();
	test_plain();
	test_reply_kind();
	test_dest();
	test_captures();
	test_capture_replies();
	test_truncations();
	test_malformed();
	test_mutations();
	test_build_redirect();
	test_build_direct();
	test_build_ack();
	test_build_menu();
	test_build_one_entry();
	test_build_bootsrv();
	test_build_http();
	test_build_relayed();
	test_build_limits();
	test_build_file_length();
	return check_exit();
}
