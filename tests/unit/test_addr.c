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

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "check.h"

static void
test_prefix(void)
{
	struct nb_prefix	 p;
	struct nb_addr		 a;

	CHECK_INT(prefix_parse("10.1.0.0/16", &p), 0);
	CHECK_INT(p.plen, 16);
	CHECK_INT(addr_parse("10.1.200.7", &a), 0);
	CHECK(prefix_match(&p, &a));
	CHECK_INT(addr_parse("10.2.0.1", &a), 0);
	CHECK(!prefix_match(&p, &a));
	CHECK_INT(addr_parse("2001:db8::1", &a), 0);
	CHECK(!prefix_match(&p, &a));	/* other family */

	CHECK_INT(prefix_parse("10.1.0.1/16", &p), -1);	/* host bits */
	CHECK_INT(prefix_parse("10.1.0.0/33", &p), -1);
	CHECK_INT(prefix_parse("10.1.0.0", &p), -1);
	CHECK_INT(prefix_parse("10.1.0.0/", &p), -1);
	CHECK_INT(prefix_parse("10.1.0.0/1x", &p), -1);
	CHECK_INT(prefix_parse("0.0.0.0/0", &p), 0);
	CHECK(prefix_match(&p, &a) == 0);
	CHECK_INT(addr_parse("192.0.2.1", &a), 0);
	CHECK(prefix_match(&p, &a));

	CHECK_INT(prefix_parse("2001:db8:10::/44", &p), 0);
	CHECK_INT(addr_parse("2001:db8:1f::5", &a), 0);
	CHECK(prefix_match(&p, &a));
	CHECK_INT(addr_parse("2001:db8:20::5", &a), 0);
	CHECK(!prefix_match(&p, &a));
	CHECK_INT(prefix_parse("2001:db8:10::1/64", &p), -1);
	CHECK_INT(prefix_parse("10.1.3.0/23", &p), -1);
	CHECK_INT(prefix_parse("10.1.2.0/23", &p), 0);
	CHECK_INT(prefix_parse("10.1.2.0/24", &p), 0);
}

static void
test_addr(void)
{
	struct sockaddr_storage	 ss;
	struct nb_addr		 a, b;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	char			 buf[64];

	CHECK_INT(addr_parse("192.0.2.300", &a), -1);
	CHECK_INT(addr_parse("", &a), -1);
	CHECK_INT(addr_parse("::", &a), 0);
	CHECK(addr_is_any(&a));
	CHECK_INT(addr_parse("192.0.2.10", &a), 0);
	CHECK(!addr_is_any(&a));
	CHECK_STR(addr_ntop(&a, buf, sizeof(buf)), "192.0.2.10");
	addr_to_sa(&a, 69, &ss);
	CHECK_STR(sa_ntop((struct sockaddr *)&ss, buf, sizeof(buf)),
	    "192.0.2.10:69");
	CHECK_INT(sa_port((struct sockaddr *)&ss), 69);
	addr_from_sa((struct sockaddr *)&ss, &b);
	CHECK(addr_eq(&a, &b));

	/* An IPv4-mapped peer of a dual-stack socket is an IPv4 client. */
	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	CHECK_INT(inet_pton(AF_INET6, "::ffff:192.0.2.10",
	    &sin6->sin6_addr), 1);
	addr_from_sa((struct sockaddr *)&ss, &b);
	CHECK_INT(b.af, AF_INET);
	CHECK(addr_eq(&a, &b));

	CHECK_INT(addr_parse("2001:db8::1", &a), 0);
	addr_to_sa(&a, 4011, &ss);
	CHECK_STR(sa_ntop((struct sockaddr *)&ss, buf, sizeof(buf)),
	    "[2001:db8::1]:4011");
}

static void
test_hwaddr(void)
{
	uint8_t	 hw[16], len;
	char	 buf[NB_MACSTRLEN];

	CHECK_INT(hwaddr_parse("52:54:00:12:34:56", hw, sizeof(hw), &len), 0);
	CHECK_INT(len, 6);
	CHECK_STR(hwaddr_ntop(hw, len, buf, sizeof(buf)), "52:54:00:12:34:56");
	CHECK_INT(hwaddr_parse("52-54-00-AB-cd-EF", hw, sizeof(hw), &len), 0);
	CHECK_STR(hwaddr_ntop(hw, len, buf, sizeof(buf)), "52:54:00:ab:cd:ef");
	CHECK_INT(hwaddr_parse("52:54:00:12:34", hw, sizeof(hw), &len), 0);
	CHECK_INT(len, 5);
	CHECK_INT(hwaddr_parse("52:54:00:12:34:5", hw, sizeof(hw), &len), -1);
	CHECK_INT(hwaddr_parse("52:54:00:12:34:567", hw, sizeof(hw), &len),
	    -1);
	CHECK_INT(hwaddr_parse("52:54:zz:12:34:56", hw, sizeof(hw), &len),
	    -1);
	CHECK_INT(hwaddr_parse("", hw, sizeof(hw), &len), -1);
	CHECK_INT(hwaddr_parse("52:54:00:12:34:56:", hw, sizeof(hw), &len),
	    -1);
	CHECK_INT(hwaddr_parse("01:02:03:04:05:06:07", hw, 6, &len), -1);
}

int
main(void)
{
	test_prefix();
	test_addr();
	test_hwaddr();
	return check_exit();
}
