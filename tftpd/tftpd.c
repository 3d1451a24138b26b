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
 * tftpd: the parent.  Everything a parent does is shared by the three
 * daemons (common/parent.c); what is tftpd's own is said here.
 */

#include <sys/socket.h>

#include "daemon.h"
#include "engine.h"
#include "xfer.h"

static const struct daemon_def tftpd_def = {
	.name = "tftpd",
	.kind = NB_TFTPD,
	.port = 69,
	.socktype = SOCK_DGRAM,
	.engine_start = tftpd_engine_start,
	.engine_reload = tftpd_engine_reload,
	.syscalls = tftpd_syscalls,
	.engine_sessions = xfer_sessions,
};

int
main(int argc, char *argv[])
{
	return daemon_main(argc, argv, &tftpd_def);
}
