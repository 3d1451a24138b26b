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
 * DHCPv6 as dhcpd-proxy receives it on 547 and 4011: dhcp6_parse() over
 * the UDP payload, through up to eight Relay-forward levels, nested
 * options and the client's options; then the reply kind on either port
 * and the reply itself, wrapped in as many Relay-reply levels.
 */

#include <sys/types.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpd-proxy/dhcp6.h"
#include "dhcpd-proxy/facts.h"
#include "policy.h"
#include "tests/fuzz/fuzz.h"


static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xfe, 0xed, 0x01 };

static void
reply(const struct dhcp6_msg *m, uint16_t port, const uint8_t *duid,
    size_t duidlen)
{
	struct dhcp6_reply_conf	 rc;
	struct in6_addr		 a;
	uint8_t			 out[DHCP6_MAX_REPLY + 64];
	char			 url[256];
	const char		*why;
	ssize_t			 n;

	memset(&rc, 0, sizeof(rc));
	rc.kind = dhcp6_reply_kind(m, port, duid, duidlen, &why);
	if (rc.kind == DHCP6_REPLY_NONE) {
		FUZZ_CHECK(why != NULL);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.s6_addr[0] = 0x20;
	a.s6_addr[1] = 0x01;
	a.s6_addr[15] = 1;
	FUZZ_CHECK(dhcp6_url(url, sizeof(url),
	    dhcp6_client_kind(m) == DHCP_CLIENT_HTTP ? "http" : "tftp", &a,
	    "boot/grubx64.efi") == 0);
	rc.mac = mac;
	rc.maclen = sizeof(mac);
	rc.bootfile_url = url;
	rc.bootfile_param = port == DHCP6_PXE_PORT ? "console=ttyS0" : NULL;
	n = dhcp6_build_reply(m, &rc, out, sizeof(out), &why);
	if (n == -1) {
		FUZZ_CHECK(why != NULL);
		return;
	}
	FUZZ_CHECK(n >= 4 && n <= DHCP6_MAX_REPLY);
	if (m->nrelay > 0)
		FUZZ_CHECK(out[0] == DHCP6_RELAY_REPL);
	else
		FUZZ_CHECK(out[0] == (rc.kind == DHCP6_REPLY_ADVERTISE ?
		    DHCP6_ADVERTISE : DHCP6_REPLY));
}

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct dhcp6_msg	 m;
	struct client_facts	 f;
	struct nb_addr		 subnet;
	struct in6_addr		 src, ifaddr;
	uint8_t			 duid[DHCP6_DUID_MAX];
	const char		*why;
	size_t			 i, duidlen;

	if (dhcp6_parse(buf, len, &m, &why) == -1) {
		FUZZ_CHECK(why != NULL);
		return 0;
	}
	FUZZ_CHECK(m.nrelay <= DHCP6_MAXRELAY);
	FUZZ_CHECK(m.clientid_len <= sizeof(m.clientid) &&
	    m.serverid_len <= sizeof(m.serverid));
	FUZZ_CHECK(m.clientid_len < len && m.serverid_len < len);
	FUZZ_CHECK(m.noro <= DHCP6_MAXORO && m.narch <= DHCP6_MAXARCH);
	FUZZ_CHECK(m.vendor_class_len <= sizeof(m.vendor_class) &&
	    m.user_class_len <= sizeof(m.user_class));
	for (i = 0; i < m.nrelay; i++)
		FUZZ_CHECK(m.relay[i].ifid_len <= DHCP6_IFID_MAX &&
		    m.relay[i].lladdr_len <= DHCP6_LLADDR_MAX);

	memset(&src, 0, sizeof(src));
	src.s6_addr[0] = 0xfe;
	src.s6_addr[1] = 0x80;
	src.s6_addr[15] = 2;
	ifaddr = src;
	ifaddr.s6_addr[15] = 1;
	dhcp6_client_facts(&m, &src, &ifaddr, &f);
	FUZZ_CHECK(f.hwlen <= sizeof(f.hwaddr));
	FUZZ_CHECK(memchr(f.vendor_class, '\0', sizeof(f.vendor_class)) &&
	    memchr(f.user_class, '\0', sizeof(f.user_class)));
	dhcp6_subnet_addr(&m, &ifaddr, &subnet);

	duidlen = dhcp6_duid_ll(mac, sizeof(mac), duid, sizeof(duid));
	FUZZ_CHECK(duidlen == 4 + sizeof(mac));
	reply(&m, DHCP6_SERVER_PORT, duid, duidlen);
	reply(&m, DHCP6_PXE_PORT, duid, duidlen);
	return 0;
}
