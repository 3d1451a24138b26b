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

/* ipc.c over real socketpairs, with hand-made bad datagrams. */

#include <sys/socket.h>
#include <sys/uio.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "check.h"

struct pair {
	struct ipc	 a;		/* the writer */
	struct ipc	 b;		/* the reader */
	int		 fd[2];
};

static void	 pair_open(struct pair *);
static void	 pair_close(struct pair *);
static int	 count_fds(void);
static void	 send_raw(int, const void *, size_t, const int *, size_t);
static void	 send_hdr(int, uint32_t, uint32_t, size_t);
static void	 test_framing(void);
static void	 test_sizes(void);
static void	 test_fd(void);
static void	 test_clear(void);
static void	 test_malformed(void);
static void	 test_two_fds(void);
static void	 test_bad_with_fd(void);
static void	 test_close(void);
static void	 test_full(void);
static void	 test_get(void);

static struct ipc_msg	 msg;

static void
pair_open(struct pair *p)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, p->fd) == -1)
		err(1, "socketpair");
	ipc_init(&p->a, p->fd[0]);
	ipc_init(&p->b, p->fd[1]);
}

static void
pair_close(struct pair *p)
{
	ipc_clear(&p->a);
	ipc_clear(&p->b);
	if (p->fd[0] != -1)
		close(p->fd[0]);
	if (p->fd[1] != -1)
		close(p->fd[1]);
}

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		err(1, "opendir");
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* A datagram of our own making, with any number of descriptors. */
static void
send_raw(int s, const void *buf, size_t len, const int *fds, size_t nfds)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 4)];
	} cmsgbuf;

	memset(&mh, 0, sizeof(mh));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	if (sendmsg(s, &mh, MSG_NOSIGNAL) != (ssize_t)len)
		err(1, "sendmsg");
}

/* A header claiming type and hlen, followed by plen bytes. */
static void
send_hdr(int s, uint32_t type, uint32_t hlen, size_t plen)
{
	struct ipc_hdr	 hdr;
	uint8_t		*buf;

	if ((buf = calloc(1, sizeof(hdr) + plen)) == NULL)
		err(1, NULL);
	hdr.type = type;
	hdr.len = hlen;
	memcpy(buf, &hdr, sizeof(hdr));
	send_raw(s, buf, sizeof(hdr) + plen, NULL, 0);
	free(buf);
}

static void
test_framing(void)
{
	struct pair	 p;
	struct ipc_privsep ps;
	uint32_t	 v = 0xdeadbeef;

	pair_open(&p);
	memset(&ps, 0, sizeof(ps));
	strlcpy(ps.root, "/var/lib/netboot", sizeof(ps.root));
	ps.uid = 42;
	ps.chroot = 1;

	CHECK_INT(ipc_pending(&p.a), 0);
	CHECK_INT(ipc_compose(&p.a, IPC_PRIVSEP, -1, &ps, sizeof(ps)), 0);
	CHECK_INT(ipc_compose(&p.a, IPC_RECONF_END, -1, NULL, 0), 0);
	CHECK_INT(ipc_compose(&p.a, IPC_ENGINE_READY, -1, &v, sizeof(v)), 0);
	CHECK_INT(ipc_pending(&p.a), 1);
	CHECK_INT(p.a.queued, 3);
	CHECK_INT(ipc_flush(&p.a), 0);
	CHECK_INT(ipc_pending(&p.a), 0);
	CHECK_INT(p.a.queued, 0);

	CHECK_INT(ipc_recv(&p.b, &msg), 1);
	CHECK_INT(msg.type, IPC_PRIVSEP);
	CHECK_INT(msg.len, sizeof(ps));
	CHECK_INT(msg.fd, -1);
	CHECK(memcmp(msg.data, &ps, sizeof(ps)) == 0);

	CHECK_INT(ipc_recv(&p.b, &msg), 1);
	CHECK_INT(msg.type, IPC_RECONF_END);
	CHECK_INT(msg.len, 0);
	CHECK_INT(msg.fd, -1);

	CHECK_INT(ipc_recv(&p.b, &msg), 1);
	CHECK_INT(msg.type, IPC_ENGINE_READY);
	CHECK_INT(msg.len, 4);
	CHECK(memcmp(msg.data, &v, 4) == 0);

	/* Nothing more: EAGAIN, not 0. */
	errno = 0;
	CHECK_INT(ipc_recv(&p.b, &msg), -1);
	CHECK_INT(errno, EAGAIN);
	pair_close(&p);
}

static void
test_sizes(void)
{
	struct pair	 p;
	static uint8_t	 big[IPC_MAXDATA + 1];
	size_t		 i;

	pair_open(&p);
	for (i = 0; i < sizeof(big); i++)
		big[i] = i * 7 + 3;

	CHECK_INT(ipc_compose(&p.a, IPC_RECONF_MENU, -1, big, IPC_MAXDATA),
	    0);
	errno = 0;
	CHECK_INT(ipc_compose(&p.a, IPC_RECONF_MENU, -1, big,
	    IPC_MAXDATA + 1), -1);
	CHECK_INT(errno, EMSGSIZE);
	errno = 0;
	CHECK_INT(ipc_compose(&p.a, IPC_NONE, -1, NULL, 0), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(ipc_compose(&p.a, IPC_NTYPES, -1, NULL, 0), -1);
	CHECK_INT(p.a.queued, 1);

	CHECK_INT(ipc_flush(&p.a), 0);
	CHECK_INT(ipc_recv(&p.b, &msg), 1);
	CHECK_INT(msg.type, IPC_RECONF_MENU);
	CHECK_INT(msg.len, IPC_MAXDATA);
	CHECK(memcmp(msg.data, big, IPC_MAXDATA) == 0);
	CHECK_INT(ipc_recv(&p.b, &msg), -1);
	pair_close(&p);
}

static void
test_fd(void)
{
	struct pair	 p;
	struct ipc_listener l;
	char		 buf[8];
	int		 pfd[2], flags;

	pair_open(&p);
	if (pipe(pfd) == -1)
		err(1, "pipe");
	memset(&l, 0, sizeof(l));
	l.socktype = SOCK_DGRAM;
	l.port_role = 4011;

	CHECK_INT(ipc_compose(&p.a, IPC_LISTENER, pfd[1], &l, sizeof(l)), 0);
	CHECK_INT(ipc_flush(&p.a), 0);
	/* The queue closed its copy once it was sent. */
	CHECK_INT(fcntl(pfd[1], F_GETFD), -1);

	CHECK_INT(ipc_recv(&p.b, &msg), 1);
	CHECK_INT(msg.type, IPC_LISTENER);
	CHECK(msg.fd >= 0);
	flags = fcntl(msg.fd, F_GETFD);
	CHECK(flags != -1 && (flags & FD_CLOEXEC));
	CHECK_INT(write(msg.fd, "hello", 5), 5);
	close(msg.fd);
	memset(buf, 0, sizeof(buf));
	CHECK_INT(read(pfd[0], buf, sizeof(buf)), 5);
	CHECK_STR(buf, "hello");
	/* Every writer is gone: end of file. */
	CHECK_INT(read(pfd[0], buf, sizeof(buf)), 0);
	close(pfd[0]);
	pair_close(&p);
}

static void
test_clear(void)
{
	struct pair	 p;
	int		 pfd[2], before;

	pair_open(&p);
	before = count_fds();
	if (pipe(pfd) == -1)
		err(1, "pipe");
	CHECK_INT(ipc_compose(&p.a, IPC_LISTENER, pfd[0], NULL, 0), 0);
	CHECK_INT(ipc_compose(&p.a, IPC_LISTENER, pfd[1], NULL, 0), 0);
	ipc_clear(&p.a);
	CHECK_INT(ipc_pending(&p.a), 0);
	CHECK_INT(count_fds(), before);

	/* A refused compose does not leak its descriptor either. */
	if (pipe(pfd) == -1)
		err(1, "pipe");
	close(pfd[0]);
	CHECK_INT(ipc_compose(&p.a, IPC_LISTENER, pfd[1], NULL,
	    IPC_MAXDATA + 1), -1);
	CHECK_INT(count_fds(), before);
	pair_close(&p);
}

static void
test_malformed(void)
{
	struct pair	 p;
	uint8_t		 four[4] = { 1, 0, 0, 0 };

	pair_open(&p);

	send_raw(p.fd[0], four, sizeof(four), NULL, 0);
	send_hdr(p.fd[0], IPC_RECONF_END, 100, 10);	/* claims more */
	send_hdr(p.fd[0], IPC_RECONF_END, 4, 10);	/* claims less */
	send_hdr(p.fd[0], IPC_NONE, 0, 0);
	send_hdr(p.fd[0], IPC_NTYPES, 0, 0);
	send_hdr(p.fd[0], 0xffffffff, 0, 0);
	send_hdr(p.fd[0], IPC_RECONF_MENU, IPC_MAXDATA + 1, IPC_MAXDATA + 1);
	/* What is read would match its header: only MSG_TRUNC tells. */
	send_hdr(p.fd[0], IPC_RECONF_MENU, IPC_MAXDATA, IPC_MAXDATA + 1);
	send_hdr(p.fd[0], IPC_ENGINE_READY, 3, 3);	/* a good one */

	for (int i = 0; i < 8; i++) {
		errno = 0;
		CHECK_INT(ipc_recv(&p.b, &msg), -1);
		CHECK_INT(errno, EBADMSG);
	}
	CHECK_INT(ipc_recv(&p.b, &msg), 1);
	CHECK_INT(msg.type, IPC_ENGINE_READY);
	CHECK_INT(msg.len, 3);
	CHECK_INT(ipc_recv(&p.b, &msg), -1);
	CHECK_INT(errno, EAGAIN);
	pair_close(&p);
}

static void
test_two_fds(void)
{
	struct pair	 p;
	struct ipc_hdr	 hdr = { IPC_LISTENER, 0 };
	int		 pfd[2], fds[3], before;

	pair_open(&p);
	if (pipe(pfd) == -1)
		err(1, "pipe");
	before = count_fds();

	fds[0] = pfd[0];
	fds[1] = pfd[1];
	fds[2] = pfd[1];
	send_raw(p.fd[0], &hdr, sizeof(hdr), fds, 2);
	send_raw(p.fd[0], &hdr, sizeof(hdr), fds, 3);
	send_raw(p.fd[0], &hdr, sizeof(hdr), fds, 1);

	errno = 0;
	CHECK_INT(ipc_recv(&p.b, &msg), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(count_fds(), before);
	errno = 0;
	CHECK_INT(ipc_recv(&p.b, &msg), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(count_fds(), before);

	/* One descriptor is fine. */
	CHECK_INT(ipc_recv(&p.b, &msg), 1);
	CHECK(msg.fd >= 0);
	CHECK_INT(count_fds(), before + 1);
	close(msg.fd);
	CHECK_INT(count_fds(), before);

	close(pfd[0]);
	close(pfd[1]);
	pair_close(&p);
}

/* Bad framing with a descriptor, and control data of another kind. */
static void
test_bad_with_fd(void)
{
	struct pair	 p;
	struct ipc_hdr	 hdr = { IPC_LISTENER, 8 };
	int		 pfd[2], before, on = 1;

	pair_open(&p);
	if (pipe(pfd) == -1)
		err(1, "pipe");
	before = count_fds();

	send_raw(p.fd[0], &hdr, sizeof(hdr), &pfd[0], 1);
	errno = 0;
	CHECK_INT(ipc_recv(&p.b, &msg), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(count_fds(), before);

	/* Credentials ride along with every datagram once asked for. */
	if (setsockopt(p.fd[1], SOL_SOCKET, SO_PASSCRED, &on,
	    sizeof(on)) == -1)
		err(1, "SO_PASSCRED");
	hdr.len = 0;
	send_raw(p.fd[0], &hdr, sizeof(hdr), &pfd[0], 1);
	errno = 0;
	CHECK_INT(ipc_recv(&p.b, &msg), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(count_fds(), before);

	close(pfd[0]);
	close(pfd[1]);
	pair_close(&p);
}

static void
test_close(void)
{
	struct pair	 p;

	pair_open(&p);
	CHECK_INT(ipc_compose(&p.a, IPC_ENGINE_READY, -1, NULL, 0), 0);
	CHECK_INT(ipc_flush(&p.a), 0);
	close(p.fd[0]);
	p.fd[0] = -1;

	/* What was sent before the close is still read, then the end. */
	CHECK_INT(ipc_recv(&p.b, &msg), 1);
	CHECK_INT(msg.type, IPC_ENGINE_READY);
	CHECK_INT(ipc_recv(&p.b, &msg), 0);

	/* Writing to a closed peer fails without SIGPIPE. */
	CHECK_INT(ipc_compose(&p.b, IPC_RECONF_END, -1, NULL, 0), 0);
	errno = 0;
	CHECK_INT(ipc_flush(&p.b), -1);
	CHECK_INT(errno, EPIPE);
	CHECK_INT(ipc_pending(&p.b), 1);
	pair_close(&p);
}

static void
test_full(void)
{
	struct pair	 p;
	static uint8_t	 buf[IPC_MAXDATA];
	uint32_t	 i, want = 0, n = 200;
	int		 rounds = 0, bad = 0, sz = 65536;

	pair_open(&p);
	/* Whatever the system default, 200 messages of 16k overflow it. */
	if (setsockopt(p.fd[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) == -1)
		err(1, "SO_SNDBUF");
	for (i = 0; i < n; i++) {
		memcpy(buf, &i, sizeof(i));
		if (ipc_compose(&p.a, IPC_RECONF_RULE, -1, buf,
		    sizeof(buf)) == -1)
			err(1, "ipc_compose");
	}
	CHECK_INT(ipc_flush(&p.a), 0);
	CHECK_INT(ipc_pending(&p.a), 1);
	CHECK(p.a.queued > 0 && p.a.queued < n);

	while (want < n && rounds++ < 1000) {
		while (ipc_recv(&p.b, &msg) == 1) {
			if (msg.len != sizeof(buf) ||
			    memcmp(msg.data, &want, sizeof(want)) != 0)
				bad++;
			want++;
		}
		if (errno != EAGAIN)
			bad++;
		if (ipc_flush(&p.a) == -1)
			bad++;
	}
	CHECK_INT(want, n);
	CHECK_INT(bad, 0);
	CHECK_INT(ipc_pending(&p.a), 0);
	CHECK(rounds > 1);
	pair_close(&p);
}

static void
test_get(void)
{
	struct ipc_privsep ps;
	uint32_t	 v;

	memset(&msg, 0, sizeof(msg));
	msg.type = IPC_ENGINE_READY;
	msg.len = 4;
	memcpy(msg.data, "\1\2\3\4", 4);
	CHECK_INT(ipc_get(&msg, &v, sizeof(v)), 0);
	CHECK(memcmp(&v, "\1\2\3\4", 4) == 0);
	errno = 0;
	CHECK_INT(ipc_get(&msg, &ps, sizeof(ps)), -1);
	CHECK_INT(errno, EBADMSG);
	msg.len = 5;
	CHECK_INT(ipc_get(&msg, &v, sizeof(v)), -1);
	msg.len = 0;
	CHECK_INT(ipc_get(&msg, NULL, 0), 0);
}

int
main(void)
{
	test_framing();
	test_sizes();
	test_fd();
	test_clear();
	test_malformed();
	test_two_fds();
	test_bad_with_fd();
	test_close();
	test_full();
	test_get();
	return check_exit();
}
