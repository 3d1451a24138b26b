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
 * httpbootd: the parent.  Everything a parent does is shared by the three
 * daemons (common/parent.c); what is httpbootd's own is said here.
 */

#include <sys/socket.h>

#include "daemon.h"
#include "engine.h"

static const struct daemon_def httpbootd_def = {
	.name = "httpbootd",
	.kind = NB_HTTPBOOTD,
	.port = 80,
	.socktype = SOCK_STREAM,
	.engine_start = httpbootd_engine_start,
	.engine_reload = httpbootd_engine_reload,
	.engine_sessions = httpbootd_sessions,
	.syscalls = httpbootd_syscalls,
};

int
main(int argc, char *argv[])
{
	return daemon_main(argc, argv, &httpbootd_def);
}
