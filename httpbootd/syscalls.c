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
 * httpbootd's engine calls, beyond those every engine makes (common/
 * sysfilter.c): connections accepted on the parent's listeners, files
 * beneath the root sent with sendfile or from memory, the send-ahead
 * buffers it maps.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "engine.h"
#include "sysfilter.h"

const struct sc_rule httpbootd_syscalls[] = {
	SC_ALLOW(openat2),
	SC_ALLOW(pread64),
	SC_ALLOW(fadvise64),
	SC_ALLOW(accept4),
	SC_ALLOW(recvfrom),
	SC_ALLOW(sendfile),
	SC_ALLOW(shutdown),
	SC_ALLOW_ARG(setsockopt, 1, IPPROTO_TCP),
	SC_ALLOW(getsockopt),
	SC_END
};
