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
 * What a control client (netbootctl, or anyone in the control group)
 * sends to the root parent's control socket: one datagram through a
 * SOCK_SEQPACKET pair into ipc_recv() with the control protocol's types,
 * then ctl_query_check() as ctlsock.c calls it, for an ordinary member
 * of the group and for root.  The input is the datagram, header
 * included.
 */

#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ipc.h"
#include "tests/fuzz/fuzz.h"

static struct ipc	 ipc;
static struct ipc_msg	 msg;

static void
check(const struct ipc_msg *m, uid_t uid)
{
	struct ctl_query	 q;
	const char		*why = NULL;
	int			 t;

	t = ctl_query_check(m, uid, &q, &why);
	if (t == -1) {
		FUZZ_CHECK(why != NULL);
		return;
	}
	/* Only a well-formed query of this version, reload for root. */
	FUZZ_CHECK(t == (int)m->type && m->len == sizeof(q) &&
	    q.version == CTL_VERSION);
	if (t == CTL_QUERY)
		FUZZ_CHECK(q.what != 0 && (q.what & ~CTL_Q_ALL) == 0);
	else
		FUZZ_CHECK(t == CTL_RELOAD && uid == 0 && q.what == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	ssize_t	 w;
	int	 fd, r;

	fd = fuzz_channel(&ipc, CTL_NTYPES);
	if (len == 0 || (w = send(fd, data, len, 0)) == -1)
		return 0;
	FUZZ_CHECK((size_t)w == len);
	memset(&msg, 0, sizeof(msg));
	if ((r = ipc_recv(&ipc, &msg)) == -1) {
		FUZZ_CHECK(errno == EBADMSG);
		return 0;
	}
	FUZZ_CHECK(r == 1 && msg.type > CTL_NONE && msg.type < CTL_NTYPES &&
	    msg.len <= IPC_MAXDATA);
	check(&msg, 1000);
	check(&msg, 0);
	return 0;
}
