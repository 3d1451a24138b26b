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
 * The engine's messages as the root parent sees them, from an engine
 * taken over by an attacker.  The input is a sequence of datagrams,
 * each a 16-bit word (little-endian) and that many bytes, header
 * included, so that the framing is attacked too: the low 15 bits are the
 * length, the top bit sends descriptors with the datagram (one, or two
 * for an odd length), which the parent must close, never keep.  Each goes through a
 * SOCK_SEQPACKET pair, as between parent and engine, into ipc_recv(),
 * then to the checks parent_handle_engine() applies by type: log
 * records (log_records(), which also re-emits them), report records
 * (ctl_records(), ctl_take_counters(), ctl_take_sessions()), the end of
 * a report and a system call report (ipc_get(), sysfilter_name()).
 */

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ipc.h"
#include "log.h"
#include "sysfilter.h"
#include "tests/fuzz/fuzz.h"

#define MAXSESSIONS	64

static struct ipc	 ipc;
static struct ipc_msg	 msg;
static int		 nullfd = -1;
static struct ctl_counter counters[CTL_MAXCOUNTERS];
static struct ctl_session sessions[MAXSESSIONS];

static void
engine_msg(struct ipc_msg *m)
{
	struct ipc_syscall	 sc;
	struct ctl_end		 end;
	const char		*e = NULL;
	char			 name[64];
	size_t			 n, good, room;

	switch (m->type) {
	case IPC_LOG:
		if (log_records(m->data, m->len, 1, &e) == -1)
			FUZZ_CHECK(e != NULL && errno == EBADMSG);
		break;
	case IPC_CTL_COUNTERS:
	case IPC_CTL_SESSIONS:
		if (m->type == IPC_CTL_COUNTERS) {
			room = CTL_MAXCOUNTERS;
			if (!ctl_records(m->len, sizeof(counters[0]), &n))
				break;
		} else {
			room = MAXSESSIONS;
			if (!ctl_records(m->len, sizeof(sessions[0]), &n))
				break;
		}
		FUZZ_CHECK(n > 0 && n <= IPC_MAXDATA);
		if (n > room)
			break;
		if (m->type == IPC_CTL_COUNTERS)
			e = ctl_take_counters(m->data, n, counters, &good);
		else
			e = ctl_take_sessions(m->data, n, sessions, &good);
		FUZZ_CHECK(good <= n && (e == NULL) == (good == n));
		break;
	case IPC_CTL_END:
		(void)ipc_get(m, &end, sizeof(end));
		break;
	case IPC_ENGINE_SYSCALL:
		if (ipc_get(m, &sc, sizeof(sc)) == 0)
			FUZZ_CHECK(memchr(sysfilter_name(sc.nr, sc.arch, name,
			    sizeof(name)), '\0', sizeof(name)) != NULL);
		break;
	default:
		/* Another type kills the engine. */
		break;
	}
}

/* A datagram with nfds copies of /dev/null attached. */
static ssize_t
send_fds(int fd, const uint8_t *data, size_t n, int nfds)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(2 * sizeof(int))];
	}		 cbuf;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	int		 fds[2] = { nullfd, nullfd };

	memset(&mh, 0, sizeof(mh));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)data;
	iov.iov_len = n;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	return sendmsg(fd, &mh, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	size_t	 n;
	ssize_t	 w;
	int	 fd, r, nfds, lowest;

	fd = fuzz_channel(&ipc, IPC_NTYPES);
	if (nullfd == -1 &&
	    (nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		abort();
	/* The lowest free descriptor: the same at the end, or one leaked. */
	if ((lowest = fcntl(nullfd, F_DUPFD_CLOEXEC, 0)) == -1)
		abort();
	close(lowest);
	while (len >= 2) {
		n = (data[0] | data[1] << 8) & 0x7fff;
		nfds = data[1] & 0x80 ? 1 + (n & 1) : 0;
		data += 2;
		len -= 2;
		if (n > len)
			n = len;
		/* An empty datagram reads as the end of the channel. */
		if (n == 0)
			continue;
		w = nfds ? send_fds(fd, data, n, nfds) : send(fd, data, n, 0);
		data += n;
		len -= n;
		if (w == -1) {
			FUZZ_CHECK(errno == EMSGSIZE || errno == ENOBUFS);
			continue;
		}
		FUZZ_CHECK((size_t)w == n);
		memset(&msg, 0, sizeof(msg));
		r = ipc_recv(&ipc, &msg);
		FUZZ_CHECK(r != 0);
		if (r == -1) {
			FUZZ_CHECK(errno == EBADMSG);
			continue;
		}
		FUZZ_CHECK(r == 1 && msg.len == n - sizeof(struct ipc_hdr) &&
		    msg.len <= IPC_MAXDATA);
		FUZZ_CHECK(msg.type > IPC_NONE && msg.type < IPC_NTYPES);
		/* Only one descriptor comes through; the parent closes it. */
		FUZZ_CHECK(nfds == 1 || msg.fd == -1);
		if (msg.fd != -1) {
			close(msg.fd);
			continue;
		}
		engine_msg(&msg);
	}
	FUZZ_CHECK(fcntl(nullfd, F_DUPFD_CLOEXEC, 0) == lowest);
	close(lowest);
	return 0;
}
