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
 * dhcpd-proxy's engine calls, beyond those every engine makes (common/
 * sysfilter.c): it reads no file, and opens no socket but the routing
 * netlink one getifaddrs(3) asks the interfaces' addresses with.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "engine.h"
#include "sysfilter.h"

const struct sc_rule proxy_syscalls[] = {
	SC_ALLOW_ARG2(socket, 0, AF_NETLINK, 2, NETLINK_ROUTE),
	SC_ALLOW(bind),
	SC_ALLOW(getsockname),
	SC_ALLOW(recvfrom),
	SC_END
};
