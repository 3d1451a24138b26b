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
 * DHCPv4 and BOOTP as dhcpd-proxy receives them: dhcp_parse() over the
 * UDP payload (options, 43 sub-options, 82 sub-options, overload), then
 * what the engine computes from a message that parsed: the client kind,
 * the reply kind on either port, the destination, the facts the policy
 * matches, and a reply built for it, which our own parser must read back.
 */

#include <sys/types.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpd-proxy/dhcp.h"
#include "dhcpd-proxy/facts.h"
#include "policy.h"
#include "tests/fuzz/fuzz.h"


static const struct dhcp_menu menu = {
	.prompt = "Boot menu",
	.timeout = 5,
	.nitems = 3,
	.item = {
		{ "Install", 0 },
		{ "Rescue", 0 },
		{ "Local disk", 1 },
	},
};

static void
reply(const struct dhcp_msg *m, uint16_t port, int direct, int withmenu)
{
	struct dhcp_reply_conf	 rc;
	struct dhcp_msg		 back;
	uint8_t			 out[DHCP_MAX_REPLY + 64];
	const char		*why;
	ssize_t			 n;
	size_t			 limit;

	memset(&rc, 0, sizeof(rc));
	rc.kind = dhcp_reply_kind(m, port, &why);
	if (rc.kind == DHCP_REPLY_NONE)
		return;
	(void)dhcp_reply_dest(m, port);
	rc.direct = direct;
	rc.server_id.s_addr = htonl(0xc0000201);
	rc.boot_server.s_addr = direct ? htonl(0xc0000202) : 0;
	rc.bootfile = dhcp_client_kind(m) == DHCP_CLIENT_HTTP ?
	    "http://192.0.2.1/boot/grubx64.efi" : "boot/pxelinux.0";
	rc.menu = withmenu ? &menu : NULL;
	if (rc.kind == DHCP_REPLY_BOOTSRV)
		(void)dhcp_menu_item(&menu, m->boot_type);
	limit = dhcp_reply_limit(m, sizeof(out));
	FUZZ_CHECK(limit <= DHCP_MAX_REPLY);
	n = dhcp_build_reply(m, &rc, out, sizeof(out), &why);
	if (n == -1) {
		FUZZ_CHECK(why != NULL);
		return;
	}
	/* Within what the client takes, and readable by us. */
	FUZZ_CHECK((size_t)n <= limit && n >= DHCP_MIN_REPLY);
	FUZZ_CHECK(out[0] == BOOTREPLY);
	FUZZ_CHECK(memcmp(out + 28, m->chaddr, DHCP_CHADDR_LEN) == 0);
	FUZZ_CHECK(dhcp_parse(out, n, &back, &why) == 0);
	FUZZ_CHECK(back.xid == m->xid);
}

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct dhcp_msg		 m;
	struct client_facts	 f;
	struct nb_addr		 subnet;
	struct in_addr		 ifaddr;
	const char		*why;

	if (dhcp_parse(buf, len, &m, &why) == -1) {
		FUZZ_CHECK(why != NULL);
		return 0;
	}
	FUZZ_CHECK(why == NULL && len >= DHCP_HDR_LEN);
	FUZZ_CHECK(m.hlen <= DHCP_CHADDR_LEN);
	FUZZ_CHECK(m.narch <= DHCP_MAXARCH);
	FUZZ_CHECK(m.vendor_class.len < len && m.user_class.len < len &&
	    m.params.len < len && m.vendor_opts.len < len &&
	    m.relay_info.len < len);
	FUZZ_CHECK(m.max_size == 0 || m.max_size >= DHCP_MIN_MSGSIZE);

	ifaddr.s_addr = htonl(0xc0000201);
	dhcp_client_facts(&m, ifaddr, &f);
	FUZZ_CHECK(memchr(f.vendor_class, '\0', sizeof(f.vendor_class)) &&
	    memchr(f.user_class, '\0', sizeof(f.user_class)));
	FUZZ_CHECK(f.hwlen <= sizeof(f.hwaddr));
	dhcp_subnet_addr(&m, ifaddr, &subnet);
	(void)dhcp_client_kind(&m);

	reply(&m, DHCP_SERVER_PORT, 0, 0);
	reply(&m, DHCP_SERVER_PORT, 1, 1);
	reply(&m, DHCP_PXE_PORT, 0, len & 1);
	return 0;
}
