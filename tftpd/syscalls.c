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
 * tftpd's engine calls, beyond those every engine makes (common/
 * sysfilter.c): a file beneath the root, read by the window; a UDP socket
 * of its own per transfer, bound to the request's address, with GSO;
 * the receiving interface's name and MTU.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "engine.h"
#include "sysfilter.h"

#define DGRAM_MASK	0xf	/* SOCK_DGRAM without the SOCK_* flags */

const struct sc_rule tftpd_syscalls[] = {
	SC_ALLOW(openat2),
	SC_ALLOW(pread64),
	SC_ALLOW(preadv),
	SC_ALLOW(recvfrom),
	SC_ALLOW(sendmmsg),
	/* Blocks of 32 KiB and more: file to pipe to socket, no copy. */
	SC_ALLOW(pipe2),
	SC_ALLOW(splice),
	SC_ALLOW_ARG_MASK(socket, 0, AF_INET, 1, DGRAM_MASK, SOCK_DGRAM),
	SC_ALLOW_ARG_MASK(socket, 0, AF_INET6, 1, DGRAM_MASK, SOCK_DGRAM),
	SC_ALLOW(bind),
	SC_ALLOW_ARG(setsockopt, 1, IPPROTO_UDP),
	SC_ALLOW_ARG(ioctl, 1, SIOCGIFNAME),
	SC_ALLOW_ARG(ioctl, 1, SIOCGIFMTU),
	SC_END
};
