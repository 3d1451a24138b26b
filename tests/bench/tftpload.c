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
 * tftpload: a TFTP load generator for the benchmark and the loss tests.
 *
 * It runs N read requests at once from one epoll loop, each from its own
 * socket (its TID), negotiates blksize, windowsize and tsize, checks
 * every download byte by byte against a local copy (or its SHA-256 and
 * size), and prints one line of key=value pairs.  It retransmits on
 * timeout so that it finishes under packet loss, and it can hold each
 * packet it sends for a while to add a round trip where there is no
 * netem.  It is written to be independent of tftpd/tftp.c on purpose: a
 * shared bug would not show.
 *
 *	tftpload [-Ptv] [-b blksize] [-w windowsize] [-n count]
 *	    [-d delay_ms] [-T timeout_ms] [-r retries] [-D dally_ms]
 *	    [-R ramp_us] [-B rcvbuf] [-l localfile | -s sha256 -S size]
 *	    [-p port] host file
 *
 * -b, -w, -t ask for blksize, windowsize and tsize (not asked if not
 * given); -P starts each transfer as EDK2 (OVMF) does, with a size
 * probe: the request with tsize added, ERROR 8 in answer to the OACK,
 * then the download from a new port; -n runs count transfers at once,
 * started ramp_us apart; -d
 * holds every packet we send for delay_ms; -T and -r are the retransmit
 * timeout and the tries without progress before a transfer fails; -D
 * keeps answering a resent last block for dally_ms after the end; -B
 * overrides the receive buffer size.  The output is one line:
 *
 *	transfers= ok= failed= bytes= seconds= mbps= slowest= blksize=
 *	windowsize= timeouts= reacks= dups= gaps= acks= rcvbuf= overruns=
 *
 * mbps is 10^6 bytes a second over all transfers, from the first
 * request to the last block; blksize and windowsize are what the server
 * granted; overruns counts datagrams the kernel dropped because a
 * socket's receive buffer was full.  Exit status 0 when every transfer
 * came through intact, 1 when one did not, 2 on bad usage.
 */

#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define OP_RRQ		1
#define OP_DATA		3
#define OP_ACK		4
#define OP_ERROR	5
#define OP_OACK		6

#define EBADID		5
#define EOPTNEG		8

#define HDRLEN		4
#define MAXDGRAM	65536
#define BATCH		64		/* datagrams per recvmmsg() */
#define MAXEVENTS	256
#define MAXDRAIN	4		/* recvmmsg() calls per wakeup */

#define Q_NONE		0		/* struct xfer's onq */
#define Q_RETRANSMIT	1
#define Q_DALLY		2

#define NSEC		1000000000ULL
#define MSEC		1000000ULL

enum xstate {
	X_IDLE,				/* not started yet */
	X_RRQ,				/* request sent, no answer */
	X_DATA,				/* receiving */
	X_DONE,
	X_FAILED
};

struct xfer {
	TAILQ_ENTRY(xfer)	 tq;		/* retransmit or dally queue */
	int			 onq;		/* Q_NONE, Q_RETRANSMIT... */
	int			 id;
	int			 fd;
	enum xstate		 state;
	uint64_t		 deadline;
	unsigned int		 tries;
	uint32_t		 blksize;
	uint32_t		 windowsize;
	uint32_t		 inwin;		/* blocks since the last ACK */
	int			 reacked;	/* no re-ACK until progress */
	int			 probing;	/* -P: the size probe is out */
	int			 got_oack;
	uint64_t		 blocks;	/* in-order blocks received */
	uint64_t		 bytes;
	int64_t			 tsize;		/* from the OACK, or -1 */
	uint32_t		 drops;		/* SO_RXQ_OVFL counter */
	uint64_t		 start;
	uint64_t		 end;
	SHA2_CTX		 sha;
	char			 why[128];
};

struct held {
	STAILQ_ENTRY(held)	 entry;
	uint64_t		 due;
	struct xfer		*x;
	int			 torrq;		/* to the server's port */
	size_t			 len;
	uint8_t			 pkt[];
};

TAILQ_HEAD(xferq, xfer);
STAILQ_HEAD(heldq, held);

struct stats {
	uint64_t		 timeouts;
	uint64_t		 reacks;
	uint64_t		 dups;
	uint64_t		 gaps;
	uint64_t		 acks;
};

static struct {
	const char		*file;
	uint32_t		 blksize;	/* 0: do not ask */
	uint32_t		 windowsize;	/* 0: do not ask */
	int			 tsize;
	int			 probe;
	unsigned int		 count;
	uint64_t		 delay;		/* ns to hold each packet */
	uint64_t		 timeout;	/* ns */
	unsigned int		 retries;
	uint64_t		 dally;		/* ns */
	uint64_t		 ramp;		/* ns between starts */
	int			 rcvbuf;	/* 0: size it for a window */
	int			 verbose;
	struct sockaddr_storage	 server;
	socklen_t		 serverlen;
	const uint8_t		*local;		/* the expected bytes */
	int64_t			 size;		/* expected size, or -1 */
	uint8_t			 sha256[SHA256_DIGEST_LENGTH];
	int			 havesha;
} opt;

static struct xfer	*xfers;
static struct xferq	 rtq = TAILQ_HEAD_INITIALIZER(rtq);
static struct xferq	 dtq = TAILQ_HEAD_INITIALIZER(dtq);
static struct heldq	 heldq = STAILQ_HEAD_INITIALIZER(heldq);
static struct stats	 st;
static int		 epfd;
static unsigned int	 nstarted, nfinished;
static int		 rcvbuf_got;
static uint8_t		*rxbuf;

static void	 usage(void) __attribute__((__noreturn__));
static uint64_t	 now_ns(void);
static uint64_t	 number(const char *, uint64_t, uint64_t, const char *);
static void	 parse_sha(const char *);
static void	 resolve(const char *, const char *);
static void	 map_local(const char *);
static void	 raise_nofile(unsigned int);
static int	 sock_open(void);
static void	 sock_rcvbuf(int, uint32_t, uint32_t);
static void	 rrq_add(uint8_t *, size_t, size_t *, const char *);
static size_t	 rrq_build(uint8_t *, size_t, int);
static void	 xfer_start(struct xfer *, uint64_t);
static void	 xfer_request(struct xfer *, uint64_t);
static void	 probe_done(struct xfer *, uint64_t);
static void	 xfer_send(struct xfer *, const uint8_t *, size_t, int,
		    uint64_t);
static void	 raw_send(struct xfer *, const uint8_t *, size_t, int);
static void	 send_ack(struct xfer *, uint64_t);
static void	 send_error(struct xfer *, uint16_t, const char *);
static void	 timer_arm(struct xfer *, int, uint64_t);
static void	 timer_stop(struct xfer *);
static void	 xfer_fail(struct xfer *, uint64_t, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
static void	 xfer_done(struct xfer *, uint64_t);
static void	 on_timeout(struct xfer *, uint64_t);
static void	 drain(struct xfer *);
static void	 on_packet(struct xfer *, const uint8_t *, size_t,
		    const struct sockaddr_storage *, socklen_t, uint64_t);
static int	 on_first(struct xfer *, const struct sockaddr_storage *,
		    socklen_t, uint64_t);
static void	 on_oack(struct xfer *, const uint8_t *, size_t, uint64_t);
static int	 oack_option(struct xfer *, const char *, const char *);
static void	 on_data(struct xfer *, uint16_t, const uint8_t *, size_t,
		    uint64_t);
static int	 verify(struct xfer *, const uint8_t *, size_t);
static void	 verify_end(struct xfer *, uint64_t);
static void	 on_error(struct xfer *, const uint8_t *, size_t, uint64_t);
static uint64_t	 run_due(uint64_t);
static int	 finished(void);
static void	 loop(void);
static unsigned int report(uint64_t);

static void
usage(void)
{
	fprintf(stderr, "usage: tftpload [-Ptv] [-b blksize] [-w windowsize] "
	    "[-n count] [-d delay_ms]\n"
	    "\t[-T timeout_ms] [-r retries] [-D dally_ms] [-R ramp_us] "
	    "[-B rcvbuf]\n"
	    "\t[-l localfile | -s sha256 -S size] [-p port] host file\n");
	exit(2);
}

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(1, "clock_gettime");
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static uint64_t
number(const char *s, uint64_t min, uint64_t max, const char *what)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL)
		errx(2, "%s %s: %s", what, s, errstr);
	return v;
}

static void
parse_sha(const char *s)
{
	size_t		 i;
	unsigned int	 b;

	if (strlen(s) != 2 * SHA256_DIGEST_LENGTH)
		errx(2, "sha256 must be %d hex digits", 2 *
		    SHA256_DIGEST_LENGTH);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			errx(2, "sha256: not hex: %s", s);
		opt.sha256[i] = b;
	}
	opt.havesha = 1;
}

static void
resolve(const char *host, const char *port)
{
	struct addrinfo	 hints, *res;
	int		 error;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((error = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(2, "%s port %s: %s", host, port, gai_strerror(error));
	memcpy(&opt.server, res->ai_addr, res->ai_addrlen);
	opt.serverlen = res->ai_addrlen;
	freeaddrinfo(res);
}

static void
map_local(const char *path)
{
	struct stat	 sb;
	void		*p;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		err(2, "%s", path);
	if (fstat(fd, &sb) == -1)
		err(2, "%s", path);
	opt.size = sb.st_size;
	if (sb.st_size > 0) {
		p = mmap(NULL, sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			err(2, "mmap %s", path);
		opt.local = p;
	}
	close(fd);
}

/* A thousand sockets do not fit the default soft limit of 1024. */
static void
raise_nofile(unsigned int count)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "getrlimit");
	if (rl.rlim_cur >= count + 64)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (rl.rlim_cur < count + 64) {
		rl.rlim_cur = rl.rlim_max = count + 64;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			err(1, "cannot raise the descriptor limit to %u",
			    count + 64);
		return;
	}
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "setrlimit");
}

static int
sock_open(void)
{
	int	 fd, on = 1;

	fd = socket(opt.server.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		err(1, "socket");
	/* Datagrams the kernel dropped for a full buffer: overruns. */
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) == -1)
		err(1, "SO_RXQ_OVFL");
	return fd;
}

/*
 * A whole window may arrive before we read any of it, so the buffer must
 * hold windowsize datagrams as the kernel counts them (payload plus the
 * skb around it).  SO_RCVBUFFORCE passes rmem_max when we are root.
 */
static void
sock_rcvbuf(int fd, uint32_t blksize, uint32_t windowsize)
{
	socklen_t	 len;
	uint64_t	 want;
	int		 cur, v;

	len = sizeof(cur);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cur, &len) == -1)
		err(1, "SO_RCVBUF");
	if (opt.rcvbuf > 0)
		want = opt.rcvbuf;
	else
		want = (uint64_t)windowsize *
		    (blksize + blksize / 4 + 1024) * 2;
	if (want > INT32_MAX / 2)
		want = INT32_MAX / 2;
	if (opt.rcvbuf > 0 || want > (uint64_t)cur) {
		/* The kernel doubles what it is given. */
		v = (want + 1) / 2;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v,
		    sizeof(v)) == -1 &&
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == -1)
			err(1, "SO_RCVBUF");
		len = sizeof(cur);
		if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cur, &len) == -1)
			err(1, "SO_RCVBUF");
	}
	if (cur > rcvbuf_got)
		rcvbuf_got = cur;
}

/* Appends a NUL-terminated string; a request too long is our error. */
static void
rrq_add(uint8_t *buf, size_t bufsz, size_t *off, const char *s)
{
	size_t	 len = strlen(s) + 1;

	if (len > bufsz - *off)
		errx(2, "request too long");
	memcpy(buf + *off, s, len);
	*off += len;
}

static size_t
rrq_build(uint8_t *buf, size_t bufsz, int probe)
{
	char	 num[16];
	size_t	 off = 2;

	buf[0] = 0;
	buf[1] = OP_RRQ;
	rrq_add(buf, bufsz, &off, opt.file);
	rrq_add(buf, bufsz, &off, "octet");
	if (opt.blksize) {
		snprintf(num, sizeof(num), "%u", opt.blksize);
		rrq_add(buf, bufsz, &off, "blksize");
		rrq_add(buf, bufsz, &off, num);
	}
	if (opt.windowsize) {
		snprintf(num, sizeof(num), "%u", opt.windowsize);
		rrq_add(buf, bufsz, &off, "windowsize");
		rrq_add(buf, bufsz, &off, num);
	}
	if (opt.tsize || probe) {
		rrq_add(buf, bufsz, &off, "tsize");
		rrq_add(buf, bufsz, &off, "0");
	}
	return off;
}

static void
xfer_start(struct xfer *x, uint64_t now)
{
	x->start = now;
	x->probing = opt.probe;
	if (opt.havesha)
		SHA256Init(&x->sha);
	xfer_request(x, now);
	nstarted++;
}

/* A request from a socket of its own: the probe, or the download. */
static void
xfer_request(struct xfer *x, uint64_t now)
{
	struct epoll_event	 ev;
	uint8_t			 pkt[1024];
	size_t			 len;

	x->fd = sock_open();
	x->blksize = 512;
	x->windowsize = 1;
	x->tsize = -1;
	x->tries = 0;
	x->state = X_RRQ;
	/* Size for what we ask: the OACK can only lower it. */
	sock_rcvbuf(x->fd, opt.blksize ? opt.blksize : 512,
	    opt.windowsize ? opt.windowsize : 1);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = x;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, x->fd, &ev) == -1)
		err(1, "epoll_ctl");
	len = rrq_build(pkt, sizeof(pkt), x->probing);
	xfer_send(x, pkt, len, 1, now);
	timer_arm(x, Q_RETRANSMIT, now + opt.delay + opt.timeout);
}

/*
 * EDK2's GetInfo: it has the size (or learnt that the server ignores
 * options), says ERROR 8 and asks for the file from a new port.
 */
static void
probe_done(struct xfer *x, uint64_t now)
{
	send_error(x, EOPTNEG, "User aborted the transfer");
	if (epoll_ctl(epfd, EPOLL_CTL_DEL, x->fd, NULL) == -1)
		err(1, "epoll_ctl");
	close(x->fd);
	x->probing = 0;
	x->got_oack = 0;
	xfer_request(x, now);
}

/* Everything we send goes through here, to be held when asked. */
static void
xfer_send(struct xfer *x, const uint8_t *pkt, size_t len, int torrq,
    uint64_t now)
{
	struct held	*h;

	if (opt.delay == 0) {
		raw_send(x, pkt, len, torrq);
		return;
	}
	if ((h = malloc(sizeof(*h) + len)) == NULL)
		err(1, NULL);
	h->due = now + opt.delay;
	h->x = x;
	h->torrq = torrq;
	h->len = len;
	memcpy(h->pkt, pkt, len);
	STAILQ_INSERT_TAIL(&heldq, h, entry);
}

static void
raw_send(struct xfer *x, const uint8_t *pkt, size_t len, int torrq)
{
	ssize_t	 n;

	if (torrq)
		n = sendto(x->fd, pkt, len, 0, (struct sockaddr *)&opt.server,
		    opt.serverlen);
	else
		n = send(x->fd, pkt, len, 0);
	/* A lost send is a lost packet: the timer deals with it. */
	if (n == -1 && opt.verbose)
		warn("transfer %d: send", x->id);
}

static void
send_ack(struct xfer *x, uint64_t now)
{
	uint8_t	 pkt[HDRLEN];
	uint16_t block = x->blocks & 0xffff;

	pkt[0] = 0;
	pkt[1] = OP_ACK;
	pkt[2] = block >> 8;
	pkt[3] = block & 0xff;
	x->inwin = 0;
	st.acks++;
	xfer_send(x, pkt, sizeof(pkt), 0, now);
}

/* Sent at once: the session is over for us either way. */
static void
send_error(struct xfer *x, uint16_t code, const char *msg)
{
	uint8_t	 pkt[256];
	int	 n;

	pkt[0] = 0;
	pkt[1] = OP_ERROR;
	pkt[2] = code >> 8;
	pkt[3] = code & 0xff;
	n = snprintf((char *)pkt + HDRLEN, sizeof(pkt) - HDRLEN, "%s", msg);
	if (n < 0 || (size_t)n >= sizeof(pkt) - HDRLEN)
		n = 0;
	raw_send(x, pkt, HDRLEN + n + 1, 0);
}

/*
 * Every retransmit timeout has the same length, and so has every dally,
 * so each queue stays sorted when a re-armed transfer goes to its tail.
 */
static void
timer_arm(struct xfer *x, int q, uint64_t deadline)
{
	timer_stop(x);
	x->deadline = deadline;
	x->onq = q;
	TAILQ_INSERT_TAIL(q == Q_RETRANSMIT ? &rtq : &dtq, x, tq);
}

static void
timer_stop(struct xfer *x)
{
	if (x->onq != Q_NONE)
		TAILQ_REMOVE(x->onq == Q_RETRANSMIT ? &rtq : &dtq, x, tq);
	x->onq = Q_NONE;
}

static void
xfer_fail(struct xfer *x, uint64_t now, const char *fmt, ...)
{
	va_list	 ap;

	if (x->state == X_DONE || x->state == X_FAILED)
		return;
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof(x->why), fmt, ap);
	va_end(ap);
	warnx("transfer %d failed after %llu bytes: %s", x->id,
	    (unsigned long long)x->bytes, x->why);
	x->state = X_FAILED;
	x->end = now;
	timer_stop(x);
	nfinished++;
}

static void
xfer_done(struct xfer *x, uint64_t now)
{
	x->state = X_DONE;
	x->end = now;
	nfinished++;
	timer_stop(x);
	if (opt.dally)
		timer_arm(x, Q_DALLY, now + opt.dally);
	if (opt.verbose)
		fprintf(stderr, "transfer %d done bytes=%llu seconds=%.6f "
		    "blksize=%u windowsize=%u tsize=%lld drops=%u\n", x->id,
		    (unsigned long long)x->bytes,
		    (double)(x->end - x->start) / NSEC, x->blksize,
		    x->windowsize, (long long)x->tsize, x->drops);
}

static void
on_timeout(struct xfer *x, uint64_t now)
{
	uint8_t	 pkt[1024];
	size_t	 len;

	if (x->onq == Q_DALLY) {	/* the dally is over */
		timer_stop(x);
		return;
	}
	st.timeouts++;
	if (++x->tries > opt.retries) {
		xfer_fail(x, now, "timeout after %u tries, %s", x->tries,
		    x->state == X_RRQ ? "no answer to the request" :
		    x->blocks == 0 ? "no data after the OACK" :
		    "waiting for data");
		return;
	}
	if (x->state == X_RRQ) {
		len = rrq_build(pkt, sizeof(pkt), x->probing);
		xfer_send(x, pkt, len, 1, now);
	} else {
		/* Ask for the window again from the first missing block. */
		send_ack(x, now);
		x->reacked = 1;
	}
	timer_arm(x, Q_RETRANSMIT, now + opt.delay + opt.timeout);
}

static void
drain(struct xfer *x)
{
	struct mmsghdr		 msgs[BATCH];
	struct iovec		 iov[BATCH];
	struct sockaddr_storage	 from[BATCH];
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(uint32_t))];
	}			 cm[BATCH];
	struct cmsghdr		*c;
	uint64_t		 now;
	int			 i, n, round, fd = x->fd;

	for (round = 0; round < MAXDRAIN; round++) {
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = rxbuf + (size_t)i * MAXDGRAM;
			iov[i].iov_len = MAXDGRAM;
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = cm[i].buf;
			msgs[i].msg_hdr.msg_controllen = sizeof(cm[i].buf);
		}
		n = recvmmsg(x->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			xfer_fail(x, now_ns(), "receive: %s",
			    strerror(errno));
			return;
		}
		now = now_ns();
		for (i = 0; i < n; i++) {
			for (c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != NULL;
			    c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET &&
				    c->cmsg_type == SO_RXQ_OVFL)
					memcpy(&x->drops, CMSG_DATA(c),
					    sizeof(x->drops));
			on_packet(x, iov[i].iov_base, msgs[i].msg_len,
			    &from[i], msgs[i].msg_hdr.msg_namelen, now);
			if (x->fd != fd)
				return;	/* the probe is over */
		}
		if (n < BATCH)
			return;
	}
}

static void
on_packet(struct xfer *x, const uint8_t *p, size_t len,
    const struct sockaddr_storage *from, socklen_t fromlen, uint64_t now)
{
	uint16_t	 op, block;

	if (x->state == X_FAILED || len < HDRLEN)
		return;
	if (x->state == X_RRQ && on_first(x, from, fromlen, now) == -1)
		return;
	op = p[0] << 8 | p[1];
	block = p[2] << 8 | p[3];
	if (x->probing && (op == OP_OACK || op == OP_DATA)) {
		if (op == OP_OACK)
			on_oack(x, p + 2, len - 2, now);
		if (x->state != X_FAILED)
			probe_done(x, now);
		return;
	}
	switch (op) {
	case OP_DATA:
		on_data(x, block, p + HDRLEN, len - HDRLEN, now);
		break;
	case OP_OACK:
		on_oack(x, p + 2, len - 2, now);
		break;
	case OP_ERROR:
		on_error(x, p, len, now);
		break;
	default:
		if (x->state != X_DONE)
			xfer_fail(x, now, "unexpected opcode %u", op);
		break;
	}
}

/*
 * The first answer names the server's TID.  Connecting to it keeps
 * strays away and lets the kernel cache the route.
 */
static int
on_first(struct xfer *x, const struct sockaddr_storage *from,
    socklen_t fromlen, uint64_t now)
{
	if (connect(x->fd, (const struct sockaddr *)from, fromlen) == -1) {
		xfer_fail(x, now, "connect: %s", strerror(errno));
		return -1;
	}
	x->state = X_DATA;
	x->tries = 0;
	return 0;
}

static void
on_oack(struct xfer *x, const uint8_t *p, size_t len, uint64_t now)
{
	const char	*name, *value, *end = (const char *)p + len;
	const char	*s = (const char *)p;

	if (x->state == X_DONE)
		return;
	if (x->blocks > 0 || x->got_oack) {
		/* Our ACK 0 was lost and the server says it again. */
		if (x->blocks == 0 && !x->reacked) {
			send_ack(x, now);
			x->reacked = 1;
			st.reacks++;
		}
		return;
	}
	if (len == 0 || p[len - 1] != '\0') {
		xfer_fail(x, now, "OACK not NUL-terminated");
		send_error(x, EOPTNEG, "malformed OACK");
		return;
	}
	while (s < end) {
		name = s;
		s += strlen(s) + 1;
		if (s >= end) {
			xfer_fail(x, now, "OACK option %s without value",
			    name);
			send_error(x, EOPTNEG, "malformed OACK");
			return;
		}
		value = s;
		s += strlen(s) + 1;
		if (oack_option(x, name, value) == -1) {
			xfer_fail(x, now, "OACK: bad %s %s", name, value);
			send_error(x, EOPTNEG, "bad option in OACK");
			return;
		}
	}
	x->got_oack = 1;
	if (x->probing)
		return;
	sock_rcvbuf(x->fd, x->blksize, x->windowsize);
	send_ack(x, now);
	timer_arm(x, Q_RETRANSMIT, now + opt.delay + opt.timeout);
}

/* Only what we asked for, and never more than we asked. */
static int
oack_option(struct xfer *x, const char *name, const char *value)
{
	const char	*errstr;
	long long	 v;

	if (strcasecmp(name, "blksize") == 0 && opt.blksize) {
		v = strtonum(value, 8, opt.blksize, &errstr);
		if (errstr != NULL)
			return -1;
		x->blksize = v;
	} else if (strcasecmp(name, "windowsize") == 0 && opt.windowsize) {
		v = strtonum(value, 1, opt.windowsize, &errstr);
		if (errstr != NULL)
			return -1;
		x->windowsize = v;
	} else if (strcasecmp(name, "tsize") == 0 &&
	    (opt.tsize || x->probing)) {
		v = strtonum(value, 0, INT64_MAX, &errstr);
		if (errstr != NULL)
			return -1;
		if (opt.size >= 0 && v != opt.size)
			return -1;
		x->tsize = v;
	} else
		return -1;
	return 0;
}

/*
 * RFC 7440: ACK the last block of each window.  A block past a gap or a
 * block we already have means the server's window and ours disagree:
 * ACK the last block we hold once, so that it restarts from the first
 * missing one, and stay quiet until the transfer moves on again, so that
 * a duplicate never doubles the traffic.  Block numbers roll over from
 * 65535 to 0.
 */
static void
on_data(struct xfer *x, uint16_t block, const uint8_t *data, size_t len,
    uint64_t now)
{
	uint16_t	 expect = (x->blocks + 1) & 0xffff;

	if (x->state == X_DONE) {
		/* Our last ACK was lost: say it again while we dally. */
		if (block == (x->blocks & 0xffff))
			send_ack(x, now);
		return;
	}
	if (block != expect) {
		if ((uint16_t)(expect - block) <= x->windowsize)
			st.dups++;
		else
			st.gaps++;
		if (!x->reacked) {
			send_ack(x, now);
			x->reacked = 1;
			st.reacks++;
		}
		return;
	}
	if (len > x->blksize) {
		xfer_fail(x, now, "block %llu has %zu bytes, blksize %u",
		    (unsigned long long)x->blocks + 1, len, x->blksize);
		send_error(x, EOPTNEG, "block larger than blksize");
		return;
	}
	if (verify(x, data, len) == -1)
		return;
	x->blocks++;
	x->bytes += len;
	x->reacked = 0;
	x->tries = 0;
	if (len < x->blksize) {
		send_ack(x, now);
		verify_end(x, now);
		return;
	}
	if (++x->inwin >= x->windowsize)
		send_ack(x, now);
	timer_arm(x, Q_RETRANSMIT, now + opt.delay + opt.timeout);
}

static int
verify(struct xfer *x, const uint8_t *data, size_t len)
{
	if (opt.size >= 0 && x->bytes + len > (uint64_t)opt.size) {
		xfer_fail(x, now_ns(), "more than the %lld bytes expected",
		    (long long)opt.size);
		send_error(x, 0, "file too long");
		return -1;
	}
	if (opt.local != NULL &&
	    memcmp(opt.local + x->bytes, data, len) != 0) {
		xfer_fail(x, now_ns(), "content differs in block %llu",
		    (unsigned long long)x->blocks + 1);
		send_error(x, 0, "content differs");
		return -1;
	}
	if (opt.havesha)
		SHA256Update(&x->sha, data, len);
	return 0;
}

static void
verify_end(struct xfer *x, uint64_t now)
{
	uint8_t	 md[SHA256_DIGEST_LENGTH];

	if (opt.size >= 0 && x->bytes != (uint64_t)opt.size) {
		xfer_fail(x, now, "got %llu bytes, want %lld",
		    (unsigned long long)x->bytes, (long long)opt.size);
		return;
	}
	if (x->tsize >= 0 && x->bytes != (uint64_t)x->tsize) {
		xfer_fail(x, now, "got %llu bytes, tsize said %lld",
		    (unsigned long long)x->bytes, (long long)x->tsize);
		return;
	}
	if (opt.havesha) {
		SHA256Final(md, &x->sha);
		if (memcmp(md, opt.sha256, sizeof(md)) != 0) {
			xfer_fail(x, now, "sha256 differs");
			return;
		}
	}
	xfer_done(x, now);
}

static void
on_error(struct xfer *x, const uint8_t *p, size_t len, uint64_t now)
{
	char	 msg[128];
	size_t	 n;

	if (x->state == X_DONE)
		return;
	n = len - HDRLEN;
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	memcpy(msg, p + HDRLEN, n);
	msg[n] = '\0';
	xfer_fail(x, now, "ERROR %u from server: %.*s", p[2] << 8 | p[3],
	    (int)strnlen(msg, n), msg);
}

/* Sends held packets and fires timers; returns the next deadline. */
static uint64_t
run_due(uint64_t now)
{
	struct held	*h;
	struct xfer	*x;
	uint64_t	 next = UINT64_MAX;

	while ((h = STAILQ_FIRST(&heldq)) != NULL && h->due <= now) {
		STAILQ_REMOVE_HEAD(&heldq, entry);
		raw_send(h->x, h->pkt, h->len, h->torrq);
		free(h);
	}
	while ((x = TAILQ_FIRST(&rtq)) != NULL && x->deadline <= now)
		on_timeout(x, now);
	while ((x = TAILQ_FIRST(&dtq)) != NULL && x->deadline <= now)
		on_timeout(x, now);
	if (nstarted < opt.count)
		next = xfers[0].start + nstarted * opt.ramp;
	if ((h = STAILQ_FIRST(&heldq)) != NULL && h->due < next)
		next = h->due;
	if ((x = TAILQ_FIRST(&rtq)) != NULL && x->deadline < next)
		next = x->deadline;
	if ((x = TAILQ_FIRST(&dtq)) != NULL && x->deadline < next)
		next = x->deadline;
	return next;
}

static int
finished(void)
{
	return nfinished == opt.count && STAILQ_EMPTY(&heldq) &&
	    TAILQ_EMPTY(&dtq);
}

static void
loop(void)
{
	struct epoll_event	 ev[MAXEVENTS];
	struct timespec		 ts;
	uint64_t		 now, next, t0;
	int			 i, n;

	t0 = now_ns();
	xfer_start(&xfers[0], t0);
	while (!finished()) {
		now = now_ns();
		while (nstarted < opt.count &&
		    t0 + nstarted * opt.ramp <= now)
			xfer_start(&xfers[nstarted], now);
		next = run_due(now);
		if (finished())
			break;
		now = now_ns();
		if (next <= now)
			next = now;
		if (next == UINT64_MAX)
			next = now + NSEC;
		ts.tv_sec = (next - now) / NSEC;
		ts.tv_nsec = (next - now) % NSEC;
		n = epoll_pwait2(epfd, ev, MAXEVENTS, &ts, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_pwait2");
		}
		for (i = 0; i < n; i++)
			drain(ev[i].data.ptr);
	}
}

static unsigned int
report(uint64_t t0)
{
	struct xfer	*x, *first = NULL;
	uint64_t	 bytes = 0, last = t0, slowest = 0, drops = 0;
	unsigned int	 i, ok = 0;
	double		 secs;

	for (i = 0; i < opt.count; i++) {
		x = &xfers[i];
		drops += x->drops;
		if (x->state != X_DONE)
			continue;
		ok++;
		bytes += x->bytes;
		if (first == NULL)
			first = x;
		if (x->end > last)
			last = x->end;
		if (x->end - x->start > slowest)
			slowest = x->end - x->start;
	}
	secs = (double)(last - t0) / NSEC;
	printf("transfers=%u ok=%u failed=%u bytes=%llu seconds=%.6f "
	    "mbps=%.2f slowest=%.6f blksize=%u windowsize=%u timeouts=%llu "
	    "reacks=%llu dups=%llu gaps=%llu acks=%llu rcvbuf=%d "
	    "overruns=%llu\n",
	    opt.count, ok, opt.count - ok, (unsigned long long)bytes, secs,
	    secs > 0 ? bytes / secs / 1e6 : 0.0, (double)slowest / NSEC,
	    first ? first->blksize : 0, first ? first->windowsize : 0,
	    (unsigned long long)st.timeouts, (unsigned long long)st.reacks,
	    (unsigned long long)st.dups, (unsigned long long)st.gaps,
	    (unsigned long long)st.acks, rcvbuf_got,
	    (unsigned long long)drops);
	if (drops > 0)
		warnx("the server overran the receive buffer: %llu datagrams "
		    "dropped (rcvbuf %d)", (unsigned long long)drops,
		    rcvbuf_got);
	return ok;
}

int
main(int argc, char *argv[])
{
	const char	*port = "69", *local = NULL, *sha = NULL;
	unsigned int	 i;
	int		 ch;

	opt.count = 1;
	opt.timeout = 1000 * MSEC;
	opt.retries = 10;
	opt.size = -1;
	while ((ch = getopt(argc, argv, "B:b:D:d:l:n:Pp:R:r:S:s:T:tvw:")) !=
	    -1) {
		switch (ch) {
		case 'P':
			opt.probe = 1;
			break;
		case 'B':
			opt.rcvbuf = number(optarg, 1024, INT32_MAX / 2,
			    "rcvbuf");
			break;
		case 'b':
			opt.blksize = number(optarg, 8, 65464, "blksize");
			break;
		case 'D':
			opt.dally = number(optarg, 0, 600000, "dally") * MSEC;
			break;
		case 'd':
			opt.delay = number(optarg, 0, 60000, "delay") * MSEC;
			break;
		case 'l':
			local = optarg;
			break;
		case 'n':
			opt.count = number(optarg, 1, 1000000, "count");
			break;
		case 'p':
			port = optarg;
			break;
		case 'R':
			opt.ramp = number(optarg, 0, 1000000, "ramp") * 1000;
			break;
		case 'r':
			opt.retries = number(optarg, 0, 1000, "retries");
			break;
		case 'S':
			opt.size = number(optarg, 0, INT64_MAX, "size");
			break;
		case 's':
			sha = optarg;
			break;
		case 'T':
			opt.timeout = number(optarg, 1, 600000, "timeout") *
			    MSEC;
			break;
		case 't':
			opt.tsize = 1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'w':
			opt.windowsize = number(optarg, 1, 65535,
			    "windowsize");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || (local != NULL && sha != NULL))
		usage();
	if (local == NULL && sha == NULL && opt.size < 0)
		errx(2, "nothing to check against: give -l, or -s and -S");
	resolve(argv[0], port);
	opt.file = argv[1];
	if (local != NULL)
		map_local(local);
	if (sha != NULL)
		parse_sha(sha);
	raise_nofile(opt.count);
	if ((rxbuf = malloc((size_t)BATCH * MAXDGRAM)) == NULL ||
	    (xfers = calloc(opt.count, sizeof(*xfers))) == NULL)
		err(1, NULL);
	for (i = 0; i < opt.count; i++) {
		xfers[i].id = i;
		xfers[i].fd = -1;
	}
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	loop();
	return report(xfers[0].start) == opt.count ? 0 : 1;
}
