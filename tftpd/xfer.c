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
 * The sending side of a read transfer, driven by the tftp_window state
 * machine of tftp.c.
 *
 * Speed comes from doing per window what others do per block: the
 * blocks the window allows are read with one preadv() into a scratch
 * buffer shared by all transfers and leave with one sendmmsg() (each
 * message a UDP GSO train when the blocks are small), 64 KiB at a
 * time, so that the client works on the first batch while the next is
 * read instead of waiting for a whole window to be read; the one timer of
 * a transfer is moved only when it would fire late; and one
 * epoll_wait() serves the acknowledgements of many transfers.  The
 * kernel copies a datagram when it is sent, so nothing of a window
 * needs to outlive the call: a resend reads the blocks again from the
 * page cache.  Blocks too large for a train are spliced from the page
 * cache instead, without the copy.  A client that answers within
 * microseconds is polled for, not slept on (xfer_expect()).  Memory per
 * transfer is this structure, plus one packet in netascii mode, plus
 * the script for a virtual file.
 *
 * The socket is not connected to the client: a connected socket would
 * never see packets from another port, and RFC 1350 wants those
 * answered with ERROR 5 while the transfer goes on.
 *
 * Until its client has acknowledged something, a transfer may be
 * talking to an address that never asked (a request's source is
 * whatever the sender wrote): its first packet goes once, and once more
 * only when the same request comes again; no timer resends it, and the
 * transfer ends when no acknowledgement comes within the leash
 * (tftp_window_wait()).  Every transfer ends after its lifetime,
 * whatever its client asked for.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vis.h>

#include "ctlreport.h"
#include "ev.h"
#include "guard.h"
#include "log.h"
#include "xfer.h"

#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

#define XFER_BATCH	256		/* datagrams per sendmmsg() */
#define XFER_SCRATCH	65536		/* one batch: a GSO train's worth */
#define XFER_GSO_SEGS	64		/* the kernel's UDP_MAX_SEGMENTS */
#define XFER_GSO_BYTES	65000		/* payload of one UDP datagram */
#define XFER_RXBUF	(TFTP_HDRLEN + TFTP_ERRMSG_MAX)
#define XFER_POLL_MAX	100		/* us to poll for an ACK, at most */
#define XFER_SPLICE_MIN	32768		/* blksize spliced from the file */
#define XFER_PIPE	(256 * 1024)	/* any block and its page ends */
#define XFER_FRESH_MAX	(16 * 1024 * 1024)	/* script bytes, unverified */

struct xfer {
	RB_ENTRY(xfer)		 entry;		/* by client address */
	TAILQ_ENTRY(xfer)	 fresh;		/* unverified, oldest first */
	int			 sock;
	struct ev_timer		*timer;
	struct sockaddr_storage	 peer;
	socklen_t		 peerlen;
	struct xfer_src		 src;
	int			 mode;
	uint64_t		 reqhash;	/* tells a repeated request */
	struct tftp_opts	 opts;
	struct tftp_window	 win;
	unsigned int		 gso;		/* blocks per GSO train */
	int			 splice;	/* blocks go by splice() */
	struct tftp_netascii	 na;
	uint64_t		 na_in;		/* source bytes converted */
	uint8_t			*pkt;		/* netascii: block in flight */
	size_t			 pktlen;
	uint64_t		 pktblock;
	uint64_t		 nabytes;	/* netascii bytes produced */
	uint64_t		 start;
	uint64_t		 moved;		/* the last acknowledgement */
	uint64_t		 deadline;	/* resend when no progress */
	uint64_t		 fire;		/* the timer's time, if armed */
	int			 armed;
	unsigned int		 retransmits;
	unsigned int		 strangers;	/* packets from other ports */
	int			 reanswered;	/* first packet went twice */
	uint64_t		 lifetime;	/* us */
	uint32_t		 ratelimit;	/* ERRORs to strangers */
	int			 blocked;	/* waits for the socket */
	int			 listed;	/* in the tree */
	char			 client[NB_ADDRSTRLEN + 8];
	char			*file;
};

RB_HEAD(xfer_tree, xfer);

static int	 sa_cmp(const struct sockaddr_storage *,
		    const struct sockaddr_storage *);
static int	 xfer_cmp(const struct xfer *, const struct xfer *);
RB_PROTOTYPE_STATIC(xfer_tree, xfer, entry, xfer_cmp);

static int	 xfer_socket(const struct xfer_params *);
static void	 xfer_gso(struct xfer *);
static void	 xfer_gso_off(struct xfer *);
static void	 xfer_free(struct xfer *);
static int	 xfer_send(struct xfer *);
static void	 xfer_expect(const struct xfer *);
static int	 xfer_send_pkt(struct xfer *, const void *, size_t);
static int	 xfer_send_oack(struct xfer *);
static int	 xfer_send_batch(struct xfer *, uint64_t);
static int	 xfer_send_splice(struct xfer *);
static int	 xfer_splice_in(struct xfer *, off_t, size_t);
static void	 xfer_pipe_drain(void);
static size_t	 xfer_layout(struct xfer *, unsigned int);
static unsigned int xfer_msgs(struct xfer *, unsigned int);
static int	 xfer_read(struct xfer *, unsigned int, size_t);
static int	 xfer_send_netascii(struct xfer *);
static int	 netascii_fill(struct xfer *);
static ssize_t	 src_pread(struct xfer *, uint8_t *, size_t, uint64_t);
static void	 xfer_batch(const struct epoll_event *, int, void *);
static int	 xfer_poll(struct xfer *, uint32_t);
static void	 xfer_io(struct xfer *, uint32_t);
static int	 xfer_recv(struct xfer *);
static void	 xfer_client_error(struct xfer *, const struct tftp_reply *);
static int	 xfer_ack(struct xfer *, uint16_t);
static void	 xfer_stranger(struct xfer *, const struct sockaddr_storage *,
		    socklen_t, size_t);
static void	 xfer_reanswer(struct xfer *);
static void	 xfer_evict(struct xfer *);
static void	 xfer_fresh_add(struct xfer *);
static void	 xfer_fresh_del(struct xfer *);
static int	 xfer_unverified(struct xfer *);
static int	 xfer_expired(struct xfer *);
static uint64_t	 xfer_wait(const struct xfer *, uint64_t);
static void	 xfer_fail(struct xfer *, const char *, int);
static void	 xfer_error(struct xfer *, uint16_t, const char *);
static void	 xfer_timeout(void *);
static void	 xfer_arm(struct xfer *);
static uint64_t	 xfer_bytes(const struct xfer *);
static int	 xfer_had_all(const struct xfer *);
static uint64_t	 xfer_ms(const struct xfer *);
static void	 xfer_session(const struct xfer *, struct ctl_session *);
static void	 xfer_end(struct xfer *, int, enum ctl_state, const char *,
		    const char *, ...)
		    __attribute__((__format__ (printf, 5, 6)));
static void	 xfer_log(struct xfer *, int, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));

static struct xfer_tree	 xfers = RB_INITIALIZER(&xfers);
static TAILQ_HEAD(, xfer) fresh = TAILQ_HEAD_INITIALIZER(fresh);
static uint64_t		 fresh_bytes;	/* their rendered scripts */
static int		 xfer_epfd = -1;
static unsigned int	 nxfers;
static uint8_t		*scratch;
static uint64_t		 poll_max = XFER_POLL_MAX;
static int		 spipe[2] = { -1, -1 };	/* file to socket */
static struct mmsghdr	 mmsg[XFER_BATCH];
static struct iovec	 miov[XFER_BATCH];	/* one per message */
static struct iovec	 riov[XFER_BATCH];	/* one per block read */

/* Counters for netbootctl, added to at the end of a transfer only. */
static uint64_t		*c_done, *c_failed, *c_bytes, *c_retransmits;

RB_GENERATE_STATIC(xfer_tree, xfer, entry, xfer_cmp);

/*
 * The transfers' sockets sit in an epoll set of their own, and the event
 * loop blocks there (ev_batch): a lockstep transfer costs one
 * epoll_wait() a block, and under load one serves many transfers.
 */
void
xfer_init(void)
{
	const char	*e, *errstr;
	long long	 v;

	if ((scratch = malloc(XFER_SCRATCH)) == NULL)
		fatal("%s", __func__);
	/*
	 * For run-tftp-bench only, which measures the poll against none
	 * (BENCHMARKS.md); no configuration knob, as no site should need
	 * one.
	 */
	if ((e = getenv("NETBOOT_BENCH_POLL_US")) != NULL) {
		v = strtonum(e, 0, 1000, &errstr);
		if (errstr == NULL)
			poll_max = v;
	}
	if (pipe2(spipe, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    fcntl(spipe[1], F_SETPIPE_SZ, XFER_PIPE) < XFER_PIPE) {
		log_warn("splice pipe: large blocks are copied");
		if (spipe[0] != -1) {
			close(spipe[0]);
			close(spipe[1]);
		}
		spipe[0] = spipe[1] = -1;
	}
	if ((xfer_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	ev_batch(xfer_epfd, xfer_batch, NULL);
	c_done = report_counter("transfers", "outcome", "done");
	c_failed = report_counter("transfers", "outcome", "failed");
	c_bytes = report_counter("bytes", NULL, NULL);
	c_retransmits = report_counter("retransmits", NULL, NULL);
}

static void
xfer_batch(const struct epoll_event *ev, int n, void *arg)
{
	int	 i;

	/* A transfer ends only in its own turn: the others stay valid. */
	for (i = 0; i < n; i++)
		xfer_io(ev[i].data.ptr, ev[i].events);
}

static int
xfer_poll(struct xfer *x, uint32_t events)
{
	struct epoll_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = x;
	return epoll_ctl(xfer_epfd, EPOLL_CTL_MOD, x->sock, &ev);
}

unsigned int
xfer_count(void)
{
	return nxfers;
}

static int
sa_cmp(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss_family != b->ss_family)
		return a->ss_family < b->ss_family ? -1 : 1;
	if (a->ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		if (a4->sin_port != b4->sin_port)
			return a4->sin_port < b4->sin_port ? -1 : 1;
		return memcmp(&a4->sin_addr, &b4->sin_addr,
		    sizeof(a4->sin_addr));
	}
	a6 = (const struct sockaddr_in6 *)a;
	b6 = (const struct sockaddr_in6 *)b;
	if (a6->sin6_port != b6->sin6_port)
		return a6->sin6_port < b6->sin6_port ? -1 : 1;
	if (a6->sin6_scope_id != b6->sin6_scope_id)
		return a6->sin6_scope_id < b6->sin6_scope_id ? -1 : 1;
	return memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
}

static int
xfer_cmp(const struct xfer *a, const struct xfer *b)
{
	return sa_cmp(&a->peer, &b->peer);
}

/*
 * A request from a client that already has a transfer.  The same
 * request again before the client's first acknowledgement was sent
 * because our first answer is slow or lost: the transfer resends on
 * its own timer, so the request is ignored (1).  Anything else means
 * the client has given up on the old transfer (a size probe, then the
 * download, from one port): the old one ends and the request is
 * served (0).
 */
int
xfer_peer_busy(const struct sockaddr *peer, uint64_t reqhash)
{
	struct xfer	 key, *x;

	memset(&key.peer, 0, sizeof(key.peer));
	if (peer->sa_family == AF_INET)
		memcpy(&key.peer, peer, sizeof(struct sockaddr_in));
	else if (peer->sa_family == AF_INET6)
		memcpy(&key.peer, peer, sizeof(struct sockaddr_in6));
	else
		return 0;
	if ((x = RB_FIND(xfer_tree, &xfers, &key)) == NULL)
		return 0;
	if (!x->win.verified && x->reqhash == reqhash) {
		xfer_reanswer(x);
		return 1;
	}
	if (x->win.first <= 1 && x->reqhash == reqhash)
		return 1;
	if (x->win.first <= 1)
		xfer_log(x, LOG_DEBUG, "transfer abandoned client=%s file=%s "
		    "reason=\"new request\"", x->client, x->file);
	else
		xfer_end(x, LOG_INFO, CTL_S_FAILED, "new request",
		    "transfer abandoned client=%s file=%s "
		    "reason=\"new request\" bytes=%llu ms=%llu", x->client,
		    x->file, (unsigned long long)xfer_bytes(x),
		    (unsigned long long)xfer_ms(x));
	xfer_free(x);
	return 0;
}

/*
 * With every session taken, a new request takes the place of the oldest
 * one that nobody acknowledged, as a SYN cache does: a flood of requests
 * in other hosts' names cannot lock real clients out, who acknowledge
 * within a round trip.  0 when every session is acknowledged.
 */
int
xfer_evict_unverified(void)
{
	struct xfer	*x;

	if ((x = TAILQ_FIRST(&fresh)) == NULL)
		return 0;
	xfer_evict(x);
	return 1;
}

static void
xfer_evict(struct xfer *x)
{
	xfer_log(x, LOG_DEBUG, "transfer abandoned client=%s file=%s "
	    "reason=\"made room for a new request\"", x->client, x->file);
	xfer_free(x);
}

/*
 * The sessions nobody acknowledged yet, oldest first, and the memory of
 * their rendered scripts, which is held within XFER_FRESH_MAX: past it
 * the oldest go, as when the sessions are full.  The one just added
 * stays, whatever its size (a script is bounded by the config).
 */
static void
xfer_fresh_add(struct xfer *x)
{
	struct xfer	*old;

	TAILQ_INSERT_TAIL(&fresh, x, fresh);
	if (x->src.fd == -1)
		fresh_bytes += x->src.size;
	while (fresh_bytes > XFER_FRESH_MAX &&
	    (old = TAILQ_FIRST(&fresh)) != x)
		xfer_evict(old);
}

static void
xfer_fresh_del(struct xfer *x)
{
	TAILQ_REMOVE(&fresh, x, fresh);
	if (x->src.fd == -1)
		fresh_bytes -= x->src.size;
}

/*
 * Starts sending.  The transfer owns src from here on, also when it
 * cannot start (-1): the caller then answers the client itself.
 */
int
xfer_start(const struct xfer_params *p, struct xfer_src *src)
{
	struct epoll_event	 ev;
	struct xfer		*x;
	unsigned int		 secs;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		goto fail;
	x->sock = -1;
	x->src = *src;
	src->fd = -1;
	src->buf = NULL;
	memcpy(&x->peer, &p->peer, p->peerlen);
	x->peerlen = p->peerlen;
	x->mode = p->mode;
	x->reqhash = p->reqhash;
	x->opts = p->opts;
	x->lifetime = (uint64_t)p->lifetime * 1000000;
	x->ratelimit = p->ratelimit;
	x->start = x->moved = ev_now();
	sa_ntop((struct sockaddr *)&x->peer, x->client, sizeof(x->client));
	if ((x->file = strdup(p->file)) == NULL)
		goto fail;
	if ((x->sock = xfer_socket(p)) == -1)
		goto fail;
	if ((x->timer = ev_timer_new(xfer_timeout, x)) == NULL)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = x;
	if (epoll_ctl(xfer_epfd, EPOLL_CTL_ADD, x->sock, &ev) == -1)
		goto fail;
	tftp_window_init(&x->win, x->opts.windowsize, p->oack);
	secs = p->opts.timeout ? p->opts.timeout : p->timeout;
	tftp_window_timer(&x->win, (uint64_t)(secs ? secs : 1) * 1000000,
	    p->retries);
	if (x->mode == TFTP_MODE_OCTET)
		tftp_window_set_last(&x->win,
		    tftp_last_block(x->src.size, x->opts.blksize));
	xfer_gso(x);
	x->splice = x->mode == TFTP_MODE_OCTET && x->src.fd != -1 &&
	    spipe[0] != -1 && x->gso == 0 &&
	    x->opts.blksize >= XFER_SPLICE_MIN;
	if (RB_INSERT(xfer_tree, &xfers, x) != NULL)
		fatalx("%s: two transfers for %s", __func__, x->client);
	x->listed = 1;
	nxfers++;
	guard_session_add((struct sockaddr *)&x->peer);
	xfer_fresh_add(x);
	if (xfer_send(x) == -1) {
		xfer_free(x);
		return 0;	/* logged; the client hears nothing more */
	}
	xfer_arm(x);
	return 0;
 fail:
	log_warn("transfer for %s", p->file);
	if (x != NULL) {
		xfer_free(x);
		return -1;
	}
	if (src->fd != -1)
		close(src->fd);
	free(src->buf);
	return -1;
}

/* The transfer's TID, on the address the request came to. */
static int
xfer_socket(const struct xfer_params *p)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in6	*sin6;
	socklen_t		 len;
	int			 s, af = p->peer.ss_family;

	if ((s = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	if (p->local.af != af)
		return s;	/* the kernel picks the address */
	len = addr_to_sa(&p->local, 0, &ss);
	if (af == AF_INET6) {
		sin6 = (struct sockaddr_in6 *)&ss;
		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			sin6->sin6_scope_id = p->ifindex;
	}
	/* A request to a broadcast address gets its answer from any. */
	if (bind(s, (struct sockaddr *)&ss, len) == -1)
		log_debug("transfer socket: bind: %s", strerror(errno));
	return s;
}

/*
 * Full-size blocks of a window can leave as one GSO train per message:
 * the kernel cuts it into datagrams of blksize + 4 bytes.  Only where a
 * train holds several blocks, and only when the socket accepts it.
 */
static void
xfer_gso(struct xfer *x)
{
	unsigned int	 slot = x->opts.blksize + TFTP_HDRLEN, n;
	int		 seg = slot;

	if (x->mode != TFTP_MODE_OCTET || x->opts.windowsize < 2)
		return;
	n = XFER_GSO_BYTES / slot;
	if (n > XFER_GSO_SEGS)
		n = XFER_GSO_SEGS;
	if (n < 2)
		return;
	if (setsockopt(x->sock, IPPROTO_UDP, UDP_SEGMENT, &seg,
	    sizeof(seg)) == -1)
		return;
	x->gso = n;
}

static void
xfer_gso_off(struct xfer *x)
{
	int	 off = 0;

	(void)setsockopt(x->sock, IPPROTO_UDP, UDP_SEGMENT, &off,
	    sizeof(off));
	x->gso = 0;
}

static void
xfer_free(struct xfer *x)
{
	if (x->listed) {
		RB_REMOVE(xfer_tree, &xfers, x);
		nxfers--;
		guard_session_del((struct sockaddr *)&x->peer);
		if (!x->win.verified)
			xfer_fresh_del(x);
	}
	ev_timer_del(x->timer);
	if (x->sock != -1) {
		(void)epoll_ctl(xfer_epfd, EPOLL_CTL_DEL, x->sock, NULL);
		close(x->sock);
	}
	if (x->src.fd != -1)
		close(x->src.fd);
	free(x->src.buf);
	free(x->pkt);
	free(x->file);
	free(x);
}

/* Sends what the window allows now; -1 when the transfer must end. */
static int
xfer_send(struct xfer *x)
{
	uint64_t	 room;
	int		 n;

	while (!x->blocked && (room = tftp_window_room(&x->win)) > 0) {
		if (x->win.next == 0)
			n = xfer_send_oack(x);
		else if (x->mode == TFTP_MODE_NETASCII)
			n = xfer_send_netascii(x);
		else if (x->splice)
			n = xfer_send_splice(x);
		else
			n = xfer_send_batch(x, room);
		if (n == -1)
			return -1;
		if (n == 0) {
			/* The send buffer is full: go on when it drains. */
			x->blocked = 1;
			if (xfer_poll(x, EPOLLIN | EPOLLOUT) == -1)
				fatal("epoll_ctl");
			break;
		}
		/*
		 * Round trips are timed from when a batch has left, not from
		 * the loop's wakeup before it: counting the time a window takes
		 * to send would make the window wait too long before it
		 * believes an ACK that shows a gap.
		 */
		tftp_window_sent(&x->win, n, ev_clock());
		xfer_expect(x);
	}
	return 0;
}

/*
 * A client that answered within XFER_POLL_MAX so far will likely answer
 * this burst as soon: the loop polls for it that long, twice the
 * smoothed round trip at most, before it sleeps.  Lockstep on a fast
 * link is one round trip a block, and on the machines measured
 * (BENCHMARKS.md) a sleep and a wakeup cost the server more than the
 * wait.  A slow client, or one far away, is waited for asleep.
 */
static void
xfer_expect(const struct xfer *x)
{
	uint64_t	 srtt = x->win.srtt;

	if (srtt == TFTP_NONE || srtt > poll_max)
		return;
	ev_batch_poll(2 * srtt < poll_max ? 2 * srtt : poll_max);
}

/*
 * 1 when sent, 0 when the socket is full, -1 on error (logged).  A
 * packet the device queue had no room for (ENOBUFS) counts as sent and
 * lost: the timer resends it, where waiting for the socket would spin.
 */
static int
xfer_send_pkt(struct xfer *x, const void *pkt, size_t len)
{
	if (sendto(x->sock, pkt, len, 0, (struct sockaddr *)&x->peer,
	    x->peerlen) != -1 || errno == ENOBUFS)
		return 1;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	xfer_fail(x, "send", errno);
	return -1;
}

static int
xfer_send_oack(struct xfer *x)
{
	uint8_t	 pkt[TFTP_OACK_MAX];
	size_t	 len;

	if ((len = tftp_build_oack(pkt, sizeof(pkt), &x->opts)) == 0)
		fatalx("%s: OACK does not fit", __func__);
	return xfer_send_pkt(x, pkt, len);
}

/*
 * Sends up to room blocks from win.next on: one preadv() and one
 * sendmmsg().  Returns the blocks sent, 0 when the socket is full, -1
 * on error.
 */
static int
xfer_send_batch(struct xfer *x, uint64_t room)
{
	size_t		 slot = x->opts.blksize + TFTP_HDRLEN, total;
	unsigned int	 n = XFER_BATCH, nmsg, blocks, i;
	int		 sent;

	if (n > room)
		n = room;
	if (n > XFER_SCRATCH / slot)
		n = XFER_SCRATCH / slot;
	total = xfer_layout(x, n);
	if (xfer_read(x, n, total) == -1)
		return -1;
	for (;;) {
		nmsg = xfer_msgs(x, n);
		if ((sent = sendmmsg(x->sock, mmsg, nmsg, 0)) != -1)
			break;
		if (errno == ENOBUFS)
			return n;	/* lost, see xfer_send_pkt() */
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		/* A device without checksum offload takes no GSO. */
		if (x->gso != 0 && (errno == EIO || errno == EINVAL)) {
			xfer_gso_off(x);
			continue;
		}
		xfer_fail(x, "send", errno);
		return -1;
	}
	for (blocks = 0, i = 0; i < (unsigned int)sent; i++)
		blocks += (miov[i].iov_len + slot - 1) / slot;
	return blocks < n ? blocks : n;
}

/*
 * A large block, which no GSO train can hold, goes without a copy in
 * user space: the file's pages are spliced into a pipe (all of the
 * block, or the file was cut short: ERROR 0), its header is corked with
 * MSG_MORE and the pages spliced on into the datagram.  That is one copy
 * of 64 KiB fewer than a read into the scratch buffer, most of the work
 * at this size.  The kernel discards a corked datagram when appending
 * to it fails (a full socket: EAGAIN), so no half block is ever left on
 * the socket: the block goes again whole when the socket drains.
 * Returns as xfer_send_batch() does.
 */
static int
xfer_send_splice(struct xfer *x)
{
	uint8_t		 hdr[TFTP_HDRLEN];
	uint64_t	 off = (x->win.next - 1) * x->opts.blksize;
	size_t		 len = 0, done;
	ssize_t		 n;

	if (off < x->src.size)
		len = x->src.size - off < x->opts.blksize ?
		    x->src.size - off : x->opts.blksize;
	tftp_build_data(hdr, sizeof(hdr), tftp_block_wire(x->win.next));
	if (len == 0)
		return xfer_send_pkt(x, hdr, sizeof(hdr));
	if (xfer_splice_in(x, off, len) == -1)
		return -1;
	if (sendto(x->sock, hdr, sizeof(hdr), MSG_MORE,
	    (struct sockaddr *)&x->peer, x->peerlen) == -1) {
		xfer_pipe_drain();
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		xfer_fail(x, "send", errno);
		return -1;
	}
	for (done = 0; done < len; done += n)
		if ((n = splice(spipe[0], NULL, x->sock, NULL, len - done,
		    0)) <= 0)
			break;
	if (done == len)
		return 1;
	xfer_pipe_drain();
	if (n == -1 && errno == ENOBUFS)
		return 1;	/* lost, see xfer_send_pkt() */
	if (n == 0 || errno == EAGAIN || errno == EINTR)
		return 0;
	xfer_fail(x, "send", errno);
	return -1;
}

/* The block's len bytes from off into the pipe; -1 (logged) if not. */
static int
xfer_splice_in(struct xfer *x, off_t off, size_t len)
{
	size_t	 done;
	ssize_t	 n = 0;

	for (done = 0; done < len; done += n)
		if ((n = splice(x->src.fd, &off, spipe[1], NULL, len - done,
		    0)) <= 0)
			break;
	if (done == len)
		return 0;
	xfer_pipe_drain();
	if (n == -1)
		xfer_fail(x, "read", errno);
	else
		xfer_fail(x, "file shrank", 0);
	xfer_error(x, TFTP_EUNDEF, "read error");
	return -1;
}

/* Whatever a failed block left in the pipe. */
static void
xfer_pipe_drain(void)
{
	int	 saved = errno;

	while (read(spipe[0], scratch, XFER_SCRATCH) > 0)
		;
	errno = saved;
}

/*
 * Lays out n blocks from win.next on in the scratch buffer, each behind
 * its DATA header, with riov[] where the file's bytes go.  Returns the
 * number of bytes to read.
 */
static size_t
xfer_layout(struct xfer *x, unsigned int n)
{
	size_t		 bs = x->opts.blksize, slot = bs + TFTP_HDRLEN, len;
	size_t		 total = 0;
	uint64_t	 abs = x->win.next, off = (abs - 1) * bs;
	unsigned int	 i;
	uint8_t		*p;

	for (i = 0; i < n; i++, off += bs) {
		p = scratch + i * slot;
		tftp_build_data(p, slot, tftp_block_wire(abs + i));
		len = off >= x->src.size ? 0 : x->src.size - off;
		if (len > bs)
			len = bs;
		riov[i].iov_base = p + TFTP_HDRLEN;
		riov[i].iov_len = len;
		total += len;
	}
	return total;
}

/*
 * The messages for the n blocks in the scratch buffer.  With GSO a
 * message is a train of consecutive full blocks, the last of which may
 * be short.  Returns the number of messages.
 */
static unsigned int
xfer_msgs(struct xfer *x, unsigned int n)
{
	size_t		 slot = x->opts.blksize + TFTP_HDRLEN, len;
	unsigned int	 i, nmsg = 0, intrain = 0;

	for (i = 0; i < n; i++) {
		len = TFTP_HDRLEN + riov[i].iov_len;
		if (intrain > 0 && intrain < x->gso &&
		    miov[nmsg - 1].iov_len % slot == 0) {
			miov[nmsg - 1].iov_len += len;
			intrain++;
			continue;
		}
		miov[nmsg].iov_base = scratch + i * slot;
		miov[nmsg].iov_len = len;
		memset(&mmsg[nmsg], 0, sizeof(mmsg[nmsg]));
		mmsg[nmsg].msg_hdr.msg_name = &x->peer;
		mmsg[nmsg].msg_hdr.msg_namelen = x->peerlen;
		mmsg[nmsg].msg_hdr.msg_iov = &miov[nmsg];
		mmsg[nmsg].msg_hdr.msg_iovlen = 1;
		nmsg++;
		intrain = 1;
	}
	return nmsg;
}

/* Reads the blocks' bytes; a file that shrank ends the transfer. */
static int
xfer_read(struct xfer *x, unsigned int n, size_t total)
{
	uint64_t	 off = (x->win.next - 1) * x->opts.blksize;
	ssize_t		 r;
	unsigned int	 i;

	if (x->src.fd == -1) {
		for (i = 0; i < n; i++) {
			memcpy(riov[i].iov_base, x->src.buf + off,
			    riov[i].iov_len);
			off += riov[i].iov_len;
		}
		return 0;
	}
	if (total == 0)
		return 0;
	if ((r = preadv(x->src.fd, riov, n, off)) == (ssize_t)total)
		return 0;
	if (r == -1)
		xfer_fail(x, "read", errno);
	else
		xfer_fail(x, "file shrank", 0);
	xfer_error(x, TFTP_EUNDEF, "read error");
	return -1;
}

/*
 * netascii goes block by block (the window is 1): a new block is
 * converted when the previous one is acknowledged, and kept for resends.
 */
static int
xfer_send_netascii(struct xfer *x)
{
	/* Made for the first block: after the OACK, once acknowledged. */
	if (x->pkt == NULL && (x->pkt = malloc(x->opts.blksize +
	    TFTP_HDRLEN)) == NULL) {
		xfer_fail(x, "netascii buffer", errno);
		return -1;
	}
	if (x->win.next != x->pktblock) {
		if (netascii_fill(x) == -1)
			return -1;
		x->pktblock = x->win.next;
	}
	return xfer_send_pkt(x, x->pkt, x->pktlen);
}

static int
netascii_fill(struct xfer *x)
{
	uint8_t		 in[1024], *out = x->pkt + TFTP_HDRLEN;
	size_t		 bs = x->opts.blksize, o = 0, w, used, want;
	ssize_t		 n;

	tftp_build_data(x->pkt, bs + TFTP_HDRLEN,
	    tftp_block_wire(x->win.next));
	while (o < bs) {
		want = bs - o < sizeof(in) ? bs - o : sizeof(in);
		if ((n = src_pread(x, in, want, x->na_in)) == -1)
			return -1;
		if (n == 0 && !x->na.pending)
			break;
		w = tftp_netascii_encode(&x->na, in, n, &used, out + o,
		    bs - o);
		x->na_in += used;
		o += w;
	}
	x->pktlen = TFTP_HDRLEN + o;
	x->nabytes += o;
	if (o < bs)
		tftp_window_set_last(&x->win, x->win.next);
	return 0;
}

static ssize_t
src_pread(struct xfer *x, uint8_t *buf, size_t len, uint64_t off)
{
	ssize_t	 n;

	if (off >= x->src.size)
		return 0;
	if (len > x->src.size - off)
		len = x->src.size - off;
	if (x->src.fd == -1) {
		memcpy(buf, x->src.buf + off, len);
		return len;
	}
	if ((n = pread(x->src.fd, buf, len, off)) == -1) {
		xfer_fail(x, "read", errno);
		xfer_error(x, TFTP_EUNDEF, "read error");
	}
	return n;
}

static void
xfer_io(struct xfer *x, uint32_t events)
{
	if ((events & EPOLLOUT) && x->blocked) {
		x->blocked = 0;
		if (xfer_poll(x, EPOLLIN) == -1)
			fatal("epoll_ctl");
		if (xfer_send(x) == -1)
			goto end;
	}
	/* One datagram per wakeup: epoll is level-triggered. */
	if ((events & (EPOLLIN | EPOLLERR)) && xfer_recv(x) == -1)
		goto end;
	return;
 end:
	xfer_free(x);
}

/* Returns -1 when the transfer is over. */
static int
xfer_recv(struct xfer *x)
{
	struct sockaddr_storage	 from;
	struct tftp_reply	 r;
	struct tftp_err		 err;
	socklen_t		 fromlen = sizeof(from);
	uint8_t			 buf[XFER_RXBUF];
	ssize_t			 n;

	memset(&from, 0, sizeof(from));
	if ((n = recvfrom(x->sock, buf, sizeof(buf), MSG_TRUNC,
	    (struct sockaddr *)&from, &fromlen)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			xfer_log(x, LOG_DEBUG, "transfer %s: recv: %s",
			    x->client, strerror(errno));
		return 0;
	}
	if (n > (ssize_t)sizeof(buf))
		n = sizeof(buf);	/* a long ERROR message, cut */
	if (sa_cmp(&from, &x->peer) != 0) {
		xfer_stranger(x, &from, fromlen, n);
		return 0;
	}
	if (tftp_parse_reply(buf, n, &r, &err) == -1) {
		xfer_end(x, LOG_INFO, CTL_S_FAILED, err.msg,
		    "transfer failed client=%s file=%s reason=\"%s\" "
		    "bytes=%llu ms=%llu", x->client, x->file, err.msg,
		    (unsigned long long)xfer_bytes(x),
		    (unsigned long long)xfer_ms(x));
		xfer_error(x, err.code, err.msg);
		return -1;
	}
	if (r.op == TFTP_ACK)
		return xfer_ack(x, r.block);
	xfer_client_error(x, &r);
	return -1;
}

/*
 * The client ends the transfer.  Before any data it is the normal end
 * of a size probe (ERROR 8 after the OACK): worth a debug line only.
 * After it acknowledged every byte of a file whose size is a multiple of
 * the block size it is a client that knew the size (tsize) and closed
 * without waiting for the empty block that ends such a file, as GRUB
 * does: the file was delivered whole.
 */
static void
xfer_client_error(struct xfer *x, const struct tftp_reply *r)
{
	char	 msg[TFTP_ERRMSG_MAX * 4];

	strvis(msg, r->msg, VIS_OCTAL | VIS_TAB | VIS_NL | VIS_DQ);
	if (xfer_had_all(x))
		xfer_end(x, LOG_INFO, CTL_S_DONE, "",
		    "transfer done client=%s file=%s bytes=%llu ms=%llu "
		    "blksize=%u windowsize=%u retransmits=%u "
		    "closed=\"before the empty last block: code=%u "
		    "message=%s\"", x->client, x->file,
		    (unsigned long long)xfer_bytes(x),
		    (unsigned long long)xfer_ms(x), x->opts.blksize,
		    x->opts.windowsize, x->retransmits, r->code, msg);
	else if (x->win.first == 0)
		xfer_log(x, LOG_DEBUG, "transfer abandoned client=%s file=%s "
		    "code=%u message=\"%s\"", x->client, x->file, r->code,
		    msg);
	else
		xfer_end(x, LOG_INFO, CTL_S_FAILED, "aborted by the client",
		    "transfer aborted client=%s file=%s code=%u "
		    "message=\"%s\" bytes=%llu ms=%llu", x->client, x->file,
		    r->code, msg, (unsigned long long)xfer_bytes(x),
		    (unsigned long long)xfer_ms(x));
}

/*
 * An acknowledgement moves the window; stale and future ones do not.
 * One that shows a gap sends the rest of the window again right away.
 */
static int
xfer_ack(struct xfer *x, uint16_t block)
{
	uint64_t	 sent = x->win.next;
	int		 was = x->win.verified;

	switch (tftp_window_ack(&x->win, block, ev_clock())) {
	case TFTP_ACK_NEW:
		break;
	case TFTP_ACK_RESEND:
		x->retransmits += sent - x->win.first;
		break;
	default:
		return 0;
	}
	x->moved = ev_now();
	if (!was)
		xfer_fresh_del(x);	/* acknowledged: it stays */
	if (tftp_window_done(&x->win)) {
		xfer_end(x, LOG_INFO, CTL_S_DONE, "",
		    "transfer done client=%s file=%s bytes=%llu ms=%llu "
		    "blksize=%u windowsize=%u retransmits=%u", x->client,
		    x->file, (unsigned long long)xfer_bytes(x),
		    (unsigned long long)xfer_ms(x), x->opts.blksize,
		    x->opts.windowsize, x->retransmits);
		return -1;
	}
	if (xfer_expired(x) || xfer_send(x) == -1)
		return -1;
	xfer_arm(x);
	return 0;
}

/*
 * RFC 1350: a packet from another port is answered, the transfer lives.
 * Its source may be anyone's: the ERROR is rate limited and no larger
 * than twice the packet.
 */
static void
xfer_stranger(struct xfer *x, const struct sockaddr_storage *from,
    socklen_t fromlen, size_t n)
{
	struct ctl_session	 s;
	uint8_t			 pkt[64];
	size_t			 len;
	char			 who[NB_ADDRSTRLEN + 8];

	if (from->ss_family != x->peer.ss_family)
		return;
	if (guard_answer((const struct sockaddr *)from, x->ratelimit,
	    ev_now()) && (len = guard_error(pkt, sizeof(pkt), TFTP_EBADID,
	    "unknown transfer ID", n)) > 0)
		(void)sendto(x->sock, pkt, len, 0,
		    (const struct sockaddr *)from, fromlen);
	sa_ntop((const struct sockaddr *)from, who, sizeof(who));
	/* The stranger is the client of this line. */
	report_session_init(&s, CTL_K_TFTP, (const struct sockaddr *)from);
	strlcpy(s.file, x->file, sizeof(s.file));
	/* One line per transfer: a flood must not flood the log. */
	report_log(x->strangers++ == 0 ? LOG_INFO : LOG_DEBUG, &s,
	    "wrong transfer ID client=%s transfer=%s file=%s", who, x->client,
	    x->file);
}

/* A failure on our side: the system's error, when there is one. */
static void
xfer_fail(struct xfer *x, const char *what, int err)
{
	xfer_end(x, LOG_ERR, CTL_S_FAILED, what,
	    "transfer failed client=%s file=%s reason=\"%s%s%s\" "
	    "bytes=%llu ms=%llu", x->client, x->file, what, err ? ": " : "",
	    err ? strerror(err) : "", (unsigned long long)xfer_bytes(x),
	    (unsigned long long)xfer_ms(x));
}

static void
xfer_error(struct xfer *x, uint16_t code, const char *msg)
{
	uint8_t	 pkt[TFTP_HDRLEN + TFTP_ERRMSG_MAX];
	size_t	 len;

	len = tftp_build_error(pkt, sizeof(pkt), code, msg);
	(void)sendto(x->sock, pkt, len, 0, (struct sockaddr *)&x->peer,
	    x->peerlen);
}

/*
 * No progress for tftp_window_wait(): resend from the first block not
 * acknowledged (or the OACK), or give up.
 */
static void
xfer_timeout(void *arg)
{
	struct xfer	*x = arg;
	uint64_t	 now = ev_now(), inflight;

	x->armed = 0;
	if (now < x->deadline) {
		/* Progress since the timer was set: wait on. */
		ev_timer_arm(x->timer, x->deadline - now);
		x->fire = x->deadline;
		x->armed = 1;
		return;
	}
	if (xfer_unverified(x) || xfer_expired(x)) {
		xfer_free(x);
		return;
	}
	inflight = x->win.next - x->win.first;
	if (tftp_window_timeout(&x->win) == -1) {
		if (x->win.first == 0)
			/* EDK2 asks for tsize this way and walks off. */
			xfer_log(x, LOG_DEBUG, "transfer abandoned client=%s "
			    "file=%s reason=\"OACK not acknowledged\"",
			    x->client, x->file);
		else
			xfer_end(x, LOG_INFO, CTL_S_FAILED, "timed out",
			    "transfer failed client=%s file=%s "
			    "reason=\"timed out\" bytes=%llu ms=%llu "
			    "block=%llu retransmits=%u", x->client, x->file,
			    (unsigned long long)xfer_bytes(x),
			    (unsigned long long)xfer_ms(x),
			    (unsigned long long)x->win.first, x->retransmits);
		xfer_free(x);
		return;
	}
	x->retransmits += inflight > 0 ? inflight : 1;
	if (xfer_send(x) == -1) {
		xfer_free(x);
		return;
	}
	xfer_arm(x);
}

/*
 * The deadline moves with every acknowledgement, the timer only when it
 * would fire late: re-arming it per window would cost more than the
 * rare early wakeup.
 */
static void
xfer_arm(struct xfer *x)
{
	uint64_t	 wait = xfer_wait(x, tftp_window_wait(&x->win));

	x->deadline = ev_now() + wait;
	if (!x->armed || x->fire > x->deadline) {
		ev_timer_arm(x->timer, wait);
		x->fire = x->deadline;
		x->armed = 1;
	}
}

/* No wait goes past the transfer's lifetime. */
static uint64_t
xfer_wait(const struct xfer *x, uint64_t wait)
{
	uint64_t	 left, used = ev_now() - x->start;

	left = used < x->lifetime ? x->lifetime - used : 0;
	return wait < left ? wait : left;
}

/*
 * The same request again before any acknowledgement: the first packet
 * was lost, or never reached a client that did not ask.  It goes once
 * more, at most, and only on such a request.
 */
static void
xfer_reanswer(struct xfer *x)
{
	if (x->reanswered) {
		xfer_log(x, LOG_DEBUG, "repeated request client=%s file=%s: "
		    "answered once more already", x->client, x->file);
		return;
	}
	x->reanswered = 1;
	x->retransmits++;
	tftp_window_again(&x->win);
	if (xfer_send(x) == -1)
		xfer_free(x);
}

/* The leash is up: a client that never acknowledged is let go. */
static int
xfer_unverified(struct xfer *x)
{
	if (x->win.verified)
		return 0;
	/* EDK2 asks for tsize this way and walks off. */
	xfer_log(x, LOG_DEBUG, "transfer abandoned client=%s file=%s "
	    "reason=\"%s not acknowledged\"", x->client, x->file,
	    x->win.first == 0 ? "OACK" : "first block");
	return 1;
}

static int
xfer_expired(struct xfer *x)
{
	if (ev_now() - x->start < x->lifetime)
		return 0;
	xfer_end(x, LOG_INFO, CTL_S_FAILED, "lifetime over",
	    "transfer failed client=%s file=%s reason=\"lifetime over\" "
	    "bytes=%llu ms=%llu", x->client, x->file,
	    (unsigned long long)xfer_bytes(x), (unsigned long long)xfer_ms(x));
	xfer_error(x, TFTP_EUNDEF, "transfer took too long");
	return 1;
}

/* Data bytes the client has acknowledged. */
static uint64_t
xfer_bytes(const struct xfer *x)
{
	uint64_t	 b;

	if (x->win.first <= 1)
		return 0;
	if (x->mode == TFTP_MODE_NETASCII)
		return x->nabytes;
	b = (x->win.first - 1) * x->opts.blksize;
	return b < x->src.size ? b : x->src.size;
}

/* Every byte of an octet transfer acknowledged, the end not yet. */
static int
xfer_had_all(const struct xfer *x)
{
	return x->mode != TFTP_MODE_NETASCII && x->win.first > 1 &&
	    xfer_bytes(x) == x->src.size;
}

static uint64_t
xfer_ms(const struct xfer *x)
{
	return (ev_now() - x->start) / 1000;
}


/* What netbootctl shows of a transfer. */
static void
xfer_session(const struct xfer *x, struct ctl_session *s)
{
	report_session_init(s, CTL_K_TFTP, (const struct sockaddr *)&x->peer);
	s->start = x->start;
	s->last = x->moved;
	s->bytes = xfer_bytes(x);
	if (x->mode == TFTP_MODE_OCTET)
		s->size = x->src.size;
	s->retransmits = x->retransmits;
	strlcpy(s->file, x->file, sizeof(s->file));
	snprintf(s->detail, sizeof(s->detail), "blksize %u windowsize %u",
	    x->opts.blksize, x->opts.windowsize);
}

void
xfer_sessions(struct engine_env *env)
{
	struct ctl_session	 s;
	struct xfer		*x;

	RB_FOREACH(x, xfer_tree, &xfers) {
		xfer_session(x, &s);
		report_active(&s);
	}
}

/* A line about a transfer that goes on, or ends unrecorded. */
static void
xfer_log(struct xfer *x, int pri, const char *fmt, ...)
{
	struct ctl_session	 s;
	va_list			 ap;

	if (LOG_PRI(pri) == LOG_DEBUG && log_getverbose() < 1)
		return;
	xfer_session(x, &s);
	va_start(ap, fmt);
	report_vlog(pri, &s, fmt, ap);
	va_end(ap);
}

/* The end of a transfer: its line in the log, its counters, its record. */
static void
xfer_end(struct xfer *x, int pri, enum ctl_state state, const char *why,
    const char *fmt, ...)
{
	struct ctl_session	 s;
	va_list			 ap;

	xfer_session(x, &s);
	s.state = state;
	s.end = ev_now();
	if (why[0] != '\0')
		strlcpy(s.detail, why, sizeof(s.detail));
	va_start(ap, fmt);
	report_vlog(pri, &s, fmt, ap);
	va_end(ap);
	report_finish(&s);
	if (state == CTL_S_DONE)
		(*c_done)++;
	else {
		(*c_failed)++;
		report_count("failures", "reason", why, 1);
	}
	*c_bytes += s.bytes;
	*c_retransmits += s.retransmits;
}
