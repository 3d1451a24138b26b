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
 * A connection's life: accepted, read a request, answer it, then the
 * next one, until it closes or times out.  Requests of one connection
 * are read one at a time and answered in order; bytes of pipelined
 * requests wait in the buffer until the response before them is sent,
 * so responses can never overtake each other and a client that sends
 * faster than it reads is held back by TCP.  respond.c says what the
 * answer is; this file reads, sends, times and logs.
 *
 * A connection between requests is a struct conn of 48 bytes, and its
 * share of a struct client, and nothing else: the request buffer, the
 * response and the open file live in a struct xfer that exists only
 * while a request is read or answered.
 *
 * The socket is registered edge-triggered once, for reading and
 * writing, and never modified: C_READABLE and C_WRITABLE remember what
 * the edges said until a call comes back short or with EAGAIN.  A
 * short read or write on a stream socket means the buffer was emptied
 * or filled, so the next edge will come.
 *
 * Timeouts are kept without a timer per connection: each kind of wait
 * has one list, in the order the waits began, and all waits of a list
 * last equally long, so a periodic tick only looks at the heads of the
 * lists.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#include "addr.h"
#include "conn.h"
#include "ctlreport.h"
#include "etag.h"
#include "ev.h"
#include "fcache.h"
#include "http.h"
#include "log.h"
#include "respond.h"
#include "sessions.h"

#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif

#define LINGER_SECS	2	/* for a client to read our last bytes */
#define POOL_MAX	64	/* spare xfers kept */
/*
 * Bytes a connection sends from its file before others get their turn,
 * and the unsent bytes a socket may hold.  Measured with 1000 clients
 * downloading at once (BENCHMARKS.md): 2 MiB turns cost 0.64 times the
 * CPU per byte of 256 KiB ones, which made a sendfile() call and a
 * wakeup per 256 KiB.
 */
#ifndef NOTSENT_LOWAT
#define NOTSENT_LOWAT	(2 * 1024 * 1024)
#endif
#ifndef SEND_TURN
#define SEND_TURN	(2 * 1024 * 1024)
#endif

/* Connection states; see conn_run(). */
enum conn_state {
	CS_NEW,		/* accepted, nothing read yet */
	CS_IDLE,	/* persistent, between requests */
	CS_READ,	/* reading a request's header block */
	CS_WAIT,	/* waiting for a file's content hash */
	CS_SEND,	/* sending a response */
	CS_LINGER	/* done sending; reading until the client closes */
};

/* The timer lists. */
enum conn_timer {
	T_HEADER,	/* CS_NEW, CS_READ: timeout header */
	T_IDLE,		/* CS_IDLE: timeout idle */
	T_SEND,		/* CS_SEND: timeout send, from the last progress */
	T_LINGER,	/* CS_LINGER: LINGER_SECS */
	T_NLISTS,
	T_NONE = T_NLISTS
};

/* What a state's step asks of conn_run(). */
#define RUN_NEXT	0	/* the state changed: go on */
#define RUN_WAIT	1	/* wait for an event */
#define RUN_GONE	2	/* the connection is closed */

#define C_READABLE	0x01	/* an edge said so; cleared on EAGAIN */
#define C_WRITABLE	0x02

struct conn {
	TAILQ_ENTRY(conn)	 link;		/* cs->timers[tlist] */
	uint64_t		 since;		/* the wait began, us */
	struct client		*client;	/* NULL: refused, 503 */
	struct xfer		*x;		/* NULL when idle */
	int			 fd;
	uint8_t			 state;
	uint8_t			 tlist;
	uint8_t			 flags;
	uint8_t			 lidx;		/* its listener */
};
TAILQ_HEAD(conn_list, conn);

/* Connections of one client address, for max connections per-client. */
struct client {
	RB_ENTRY(client)	 entry;
	struct nb_addr		 addr;
	uint32_t		 nconns;
};
RB_HEAD(client_tree, client);

/* One request and its response. */
struct xfer {
	struct conns		*cs;
	struct conn		*conn;
	TAILQ_ENTRY(xfer)	 link;		/* pool, posted */
	struct etag_wait	 wait;		/* CS_WAIT */
	struct http_request	 req;
	int			 parsed;	/* req describes in[] */
	int			 logged;
	int			 posted;	/* in cs->posted */
	uint64_t		 start;		/* us, for the log */
	size_t			 inlen;		/* bytes in in[] */
	size_t			 scanned;	/* inlen when parsed */
	size_t			 reqlen;	/* in[] of this request */
	uint64_t		 drain;		/* body bytes to discard */
	size_t			 hdroff;	/* sent of resp.hdr */
	size_t			 bodyoff;	/* sent of resp.body */
	uint64_t		 sent;		/* body and file bytes */
	struct response		 resp;		/* status 0: none yet */
	uint8_t			 in[HTTP_HDRMAX];
};
TAILQ_HEAD(xfer_list, xfer);

#define XFER_MAPLEN	((sizeof(struct xfer) + 4095) & ~(size_t)4095)

struct conns {
	const struct engine_env	*env;
	int			 epfd;
	struct respond_env	 re;
	struct conn_list	 timers[T_NLISTS];
	struct xfer_list	 posted;	/* to be run again */
	struct xfer_list	 pool;		/* spare xfers */
	size_t			 npool;
	struct client_tree	 clients;
	uint32_t		 nconns;	/* being served */
	uint32_t		 nrefused;	/* lingering after a 503 */
	uint32_t		 fd_budget;
	uint32_t		 refuse_cap;
};

static void	 conn_admit(struct conns *, int, const struct nb_addr *,
		    size_t);
static void	 conn_refuse(struct conns *, int, const struct nb_addr *,
		    size_t, const char *);
static struct conn *conn_new(struct conns *, int, struct client *, size_t,
		    uint32_t);
static void	 conn_free(struct conns *, struct conn *);
static int	 conn_run(struct conns *, struct conn *);
static int	 conn_begin(struct conns *, struct conn *);
static int	 conn_read(struct conns *, struct conn *);
static void	 conn_drain(struct xfer *);
static void	 conn_respond(struct conns *, struct conn *, int);
static void	 conn_tagged(struct etag_wait *, const char *);
static void	 request_body(struct xfer *);
static void	 respond_req_of(struct conns *, struct conn *,
		    struct respond_req *);
static void	 conn_send_start(struct conns *, struct conn *);
static int	 conn_send(struct conns *, struct conn *);
static int	 send_buffers(struct conns *, struct conn *, struct xfer *);
static int	 send_file(struct conns *, struct conn *, struct xfer *,
		    size_t *);
static int	 conn_done(struct conns *, struct conn *);
static int	 conn_end(struct conns *, struct conn *);
static int	 conn_linger(struct conns *, struct conn *);
static int	 conn_timeout(struct conns *, struct conn *);
static void	 conn_close(struct conns *, struct conn *);
static void	 conn_post(struct conns *, struct conn *);
static void	 conn_unpost(struct conns *, struct xfer *);
static void	 timer_set(struct conns *, struct conn *, enum conn_timer);
static uint64_t	 timer_limit(const struct conns *, enum conn_timer);
static struct xfer *xfer_get(struct conns *, struct conn *);
static void	 xfer_put(struct conns *, struct xfer *);
static void	 xfer_release(struct conns *, struct xfer *);
static const char *conn_client(const struct conn *, char *, size_t);
static void	 conn_log(struct conn *);
static void	 conn_session(const struct conn *, struct ctl_session *);
static int	 log_plain(const uint8_t *, size_t);
static int	 client_cmp(struct client *, struct client *);
static struct client *client_get(struct conns *, const struct nb_addr *);
static void	 client_put(struct conns *, struct client *);

RB_GENERATE_STATIC(client_tree, client, entry, client_cmp)

struct conns *
conns_new(const struct engine_env *env, int epfd, struct etag *et,
    uint32_t fd_budget, uint32_t refuse_cap)
{
	struct conns	*cs;
	int		 i;

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	cs->env = env;
	cs->epfd = epfd;
	cs->re.env = env;
	cs->re.et = et;
	for (i = 0; i < T_NLISTS; i++)
		TAILQ_INIT(&cs->timers[i]);
	TAILQ_INIT(&cs->posted);
	TAILQ_INIT(&cs->pool);
	RB_INIT(&cs->clients);
	cs->fd_budget = fd_budget;
	cs->refuse_cap = refuse_cap;
	sessions_init();
	return cs;
}

uint32_t
conns_served(const struct conns *cs)
{
	return cs->nconns;
}

uint32_t
conns_refused(const struct conns *cs)
{
	return cs->nrefused;
}

int
conns_fd_room(const struct conns *cs)
{
	return cs->nconns + fcache_nopen() + cs->refuse_cap < cs->fd_budget;
}

int
conns_busy(const struct conns *cs)
{
	return !TAILQ_EMPTY(&cs->posted);
}

void
conn_accept(struct conns *cs, int fd, const struct sockaddr_storage *ss,
    size_t li, const char *refusal)
{
	struct nb_addr	 a;

	addr_from_sa((const struct sockaddr *)ss, &a);
	if (refusal != NULL)
		conn_refuse(cs, fd, &a, li, refusal);
	else
		conn_admit(cs, fd, &a, li);
}

static void
conn_admit(struct conns *cs, int fd, const struct nb_addr *a, size_t li)
{
	const struct httpbootd_conf	*h = &cs->env->dc->httpbootd;
	struct client			*cl;
	int				 on = 1, lowat = NOTSENT_LOWAT;

	if ((cl = client_get(cs, a)) == NULL) {
		close(fd);
		return;
	}
	if (cl->nconns >= h->max_per_client) {
		client_put(cs, cl);
		conn_refuse(cs, fd, a, li, "too many connections from client");
		return;
	}
	/* Pipelined responses must not wait for the previous ACK. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	/*
	 * Unsent data in the socket is bounded, so that a slow reader
	 * that takes a little lets us write a little (timeout send sees
	 * its progress) and holds less kernel memory.
	 */
	if (lowat > 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat,
		    sizeof(lowat));
	if (conn_new(cs, fd, cl, li, EPOLLIN | EPOLLOUT | EPOLLRDHUP |
	    EPOLLET) == NULL) {
		client_put(cs, cl);
		close(fd);
		return;
	}
	cl->nconns++;
	cs->nconns++;
}

/*
 * Past a limit the client is told to come back (iPXE honours
 * Retry-After) instead of being dropped.  The 503 is written at once
 * into the empty socket buffer; the connection then lingers until the
 * client closes, so that its unread request does not turn our close
 * into a reset that would destroy the answer.
 */
static void
conn_refuse(struct conns *cs, int fd, const struct nb_addr *a, size_t li,
    const char *why)
{
	struct http_response	 r;
	struct ctl_session	 s;
	struct conn		*c;
	char			 buf[RESPONSE_HDRMAX], ab[NB_ADDRSTRLEN];
	int			 n;

	session_client(&s, a);
	report_count("refused", "reason", why, 1);
	report_log(LOG_INFO, &s, "refused client=%s status=503 "
	    "reason=\"%s\"", addr_ntop(a, ab, sizeof(ab)), why);
	memset(&r, 0, sizeof(r));
	r.status = 503;
	r.date = time(NULL);
	r.retry_after = RETRY_AFTER;
	if ((n = http_error_response(&r, buf, sizeof(buf))) == -1)
		fatalx("%s: no room for a 503", __func__);
	/* Past the cap (a flood from few clients) without lingering. */
	if (send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) != n ||
	    shutdown(fd, SHUT_WR) == -1 || cs->nrefused >= cs->refuse_cap ||
	    (c = conn_new(cs, fd, NULL, li, EPOLLIN | EPOLLRDHUP |
	    EPOLLET)) == NULL) {
		close(fd);
		return;
	}
	c->state = CS_LINGER;
	timer_set(cs, c, T_LINGER);
	cs->nrefused++;
}

/* epoll data: the struct conn. */
static struct conn *
conn_new(struct conns *cs, int fd, struct client *cl, size_t li,
    uint32_t events)
{
	struct epoll_event	 ev;
	struct conn		*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s", __func__);
		return NULL;
	}
	c->fd = fd;
	c->client = cl;
	c->lidx = li;
	c->state = CS_NEW;
	c->tlist = T_NONE;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(cs->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("%s: epoll_ctl", __func__);
		free(c);
		return NULL;
	}
	timer_set(cs, c, T_HEADER);
	return c;
}

/* Closes the socket and frees c; its xfer must be gone. */
static void
conn_free(struct conns *cs, struct conn *c)
{
	timer_set(cs, c, T_NONE);
	close(c->fd);
	if (c->client != NULL) {
		c->client->nconns--;
		client_put(cs, c->client);
		cs->nconns--;
	} else
		cs->nrefused--;
	free(c);
}

void
conn_event(struct conns *cs, struct conn *c, uint32_t ev)
{
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->flags |= C_READABLE;
	if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		c->flags |= C_WRITABLE;
	conn_run(cs, c);
}

/*
 * Runs c until it waits for an event or is closed; 0 when it was closed
 * (and freed).
 */
static int
conn_run(struct conns *cs, struct conn *c)
{
	int	 r;

	do {
		switch (c->state) {
		case CS_NEW:
		case CS_IDLE:
			r = conn_begin(cs, c);
			break;
		case CS_READ:
			r = conn_read(cs, c);
			break;
		case CS_SEND:
			r = conn_send(cs, c);
			break;
		case CS_LINGER:
			r = conn_linger(cs, c);
			break;
		default:
			r = RUN_WAIT;
			break;
		}
	} while (r == RUN_NEXT);
	return r != RUN_GONE;
}

/* The buffer is taken only once bytes are there to read. */
static int
conn_begin(struct conns *cs, struct conn *c)
{
	if (!(c->flags & C_READABLE))
		return RUN_WAIT;
	if ((c->x = xfer_get(cs, c)) == NULL) {
		conn_close(cs, c);
		return RUN_GONE;
	}
	c->x->start = ev_now();
	/* A new connection's header timeout runs from the accept. */
	if (c->state == CS_IDLE)
		timer_set(cs, c, T_HEADER);
	c->state = CS_READ;
	return RUN_NEXT;
}

static int
conn_read(struct conns *cs, struct conn *c)
{
	struct xfer	*x = c->x;
	size_t		 space;
	ssize_t		 n;
	int		 rv;

	for (;;) {
		conn_drain(x);
		if (x->drain == 0 && x->inlen > x->scanned) {
			x->scanned = x->inlen;
			rv = http_parse_request(x->in, x->inlen, &x->req);
			if (rv != HTTP_PARSE_MORE) {
				x->parsed = 1;
				conn_respond(cs, c, rv == HTTP_PARSE_DONE ?
				    0 : x->req.status);
				return RUN_NEXT;
			}
		}
		if (!(c->flags & C_READABLE))
			return RUN_WAIT;
		space = sizeof(x->in) - x->inlen;
		if ((n = read(c->fd, x->in + x->inlen, space)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				c->flags &= ~C_READABLE;
				return RUN_WAIT;
			}
			log_debug("read: %s", strerror(errno));
			conn_close(cs, c);
			return RUN_GONE;
		}
		if (n == 0) {
			conn_close(cs, c);
			return RUN_GONE;
		}
		if ((size_t)n < space)
			c->flags &= ~C_READABLE;
		x->inlen += n;
	}
}

/* Discards the rest of a body we do not read (a GET may carry one). */
static void
conn_drain(struct xfer *x)
{
	size_t	 n;

	if (x->drain == 0 || x->inlen == 0)
		return;
	n = x->drain < x->inlen ? x->drain : x->inlen;
	memmove(x->in, x->in + n, x->inlen - n);
	x->inlen -= n;
	x->drain -= n;
	x->scanned = 0;
}

/*
 * The request is read (error 0) or cannot be (an error status): ask
 * respond.c for the answer.  A file whose tag takes a while to compute
 * waits for it in CS_WAIT, off the timer lists.
 */
static void
conn_respond(struct conns *cs, struct conn *c, int error)
{
	struct xfer		*x = c->x;
	struct respond_req	 rq;

	respond_req_of(cs, c, &rq);
	if (error != 0) {
		respond_error(&rq, error, &x->resp);
		conn_send_start(cs, c);
		return;
	}
	request_body(x);
	if (respond_request(&cs->re, &rq, &x->resp) == RESPOND_READY) {
		conn_send_start(cs, c);
		return;
	}
	x->wait.done = conn_tagged;
	if (etag_wait(cs->re.et, x->resp.fe, &x->wait) == -1) {
		respond_file(&cs->re, &rq, NULL, &x->resp);
		conn_send_start(cs, c);
		return;
	}
	c->state = CS_WAIT;
	timer_set(cs, c, T_NONE);
}

/* etag.c: the tag of the file a request waits for is known. */
static void
conn_tagged(struct etag_wait *w, const char *tag)
{
	struct xfer		*x = (struct xfer *)((char *)w -
				    offsetof(struct xfer, wait));
	struct conns		*cs = x->cs;
	struct conn		*c = x->conn;
	struct respond_req	 rq;

	respond_req_of(cs, c, &rq);
	respond_file(&cs->re, &rq, tag, &x->resp);
	conn_send_start(cs, c);
	conn_run(cs, c);
}

/*
 * The part of a body already read belongs to this request; the rest
 * is discarded as it comes, before the next request is parsed.
 */
static void
request_body(struct xfer *x)
{
	uint64_t	 have = x->inlen - x->req.hdrlen;

	if (have > x->req.bodylen)
		have = x->req.bodylen;
	x->reqlen = x->req.hdrlen + have;
	x->drain = x->req.bodylen - have;
}

static void
respond_req_of(struct conns *cs, struct conn *c, struct respond_req *rq)
{
	uint32_t	 used = cs->nconns + cs->refuse_cap;

	memset(rq, 0, sizeof(*rq));
	rq->req = &c->x->req;
	rq->in = c->x->in;
	rq->parsed = c->x->parsed;
	rq->client = c->client != NULL ? &c->client->addr : NULL;
	rq->ifname = cs->env->listeners[c->lidx].info.ifname;
	rq->files_max = cs->fd_budget > used ? cs->fd_budget - used : 0;
}

static void
conn_send_start(struct conns *cs, struct conn *c)
{
	c->state = CS_SEND;
	timer_set(cs, c, T_SEND);
}

static int
conn_send(struct conns *cs, struct conn *c)
{
	struct xfer	*x = c->x;
	struct response	*r = &x->resp;
	size_t		 turn = 0;
	int		 rv;

	for (;;) {
		if (!(c->flags & C_WRITABLE))
			return RUN_WAIT;
		if (x->hdroff < r->hdrlen || x->bodyoff < r->bodylen ||
		    (r->flen > 0 && r->fe->data != NULL))
			rv = send_buffers(cs, c, x);
		else if (r->flen > 0) {
			if (turn >= SEND_TURN) {
				conn_post(cs, c);
				return RUN_WAIT;
			}
			rv = send_file(cs, c, x, &turn);
		} else
			return conn_done(cs, c);
		if (rv == -1) {
			conn_close(cs, c);
			return RUN_GONE;
		}
	}
}

/*
 * The header with a rendered body or a file held in memory, in one
 * write; MSG_MORE joins the header to a file sent from its descriptor.
 */
static int
send_buffers(struct conns *cs, struct conn *c, struct xfer *x)
{
	struct response	*r = &x->resp;
	struct iovec	 iov[3];
	struct msghdr	 msg;
	size_t		 h, b, want;
	ssize_t		 n;
	int		 held = r->flen > 0 && r->fe->data != NULL;

	iov[0].iov_base = r->hdr + x->hdroff;
	iov[0].iov_len = r->hdrlen - x->hdroff;
	/* No body is a NULL one: NULL + 0 is undefined (UBSan). */
	iov[1].iov_base = r->body != NULL ? r->body + x->bodyoff : NULL;
	iov[1].iov_len = r->bodylen - x->bodyoff;
	iov[2].iov_base = held ? (char *)r->fe->data + r->foff : NULL;
	iov[2].iov_len = held ? r->flen : 0;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 3;
	want = iov[0].iov_len + iov[1].iov_len + iov[2].iov_len;
	if ((n = sendmsg(c->fd, &msg, MSG_NOSIGNAL |
	    (r->flen > 0 && !held ? MSG_MORE : 0))) == -1) {
		if (errno == EINTR)
			return 0;
		if (errno == EAGAIN) {
			c->flags &= ~C_WRITABLE;
			return 0;
		}
		log_debug("send: %s", strerror(errno));
		return -1;
	}
	if ((size_t)n < want)
		c->flags &= ~C_WRITABLE;
	h = (size_t)n < iov[0].iov_len ? (size_t)n : iov[0].iov_len;
	n -= h;
	b = (size_t)n < iov[1].iov_len ? (size_t)n : iov[1].iov_len;
	n -= b;
	x->hdroff += h;
	x->bodyoff += b;
	r->foff += n;
	r->flen -= n;
	x->sent += b + n;
	timer_set(cs, c, T_SEND);
	return 0;
}

/*
 * sendfile the rest of the turn, until the socket is full: a short
 * count is no proof of that here, since a file cut short by someone
 * also returns less.
 */
static int
send_file(struct conns *cs, struct conn *c, struct xfer *x, size_t *turn)
{
	struct response	*r = &x->resp;
	size_t		 want = SEND_TURN - *turn;
	ssize_t		 n;

	if (want > r->flen)
		want = r->flen;
	if ((n = sendfile(c->fd, r->fe->fd, &r->foff, want)) == -1) {
		if (errno == EINTR)
			return 0;
		if (errno == EAGAIN) {
			c->flags &= ~C_WRITABLE;
			return 0;
		}
		log_debug("sendfile: %s", strerror(errno));
		return -1;
	}
	if (n == 0) {
		log_warnx("file shrank while it was sent");
		return -1;
	}
	r->flen -= n;
	x->sent += n;
	*turn += n;
	timer_set(cs, c, T_SEND);
	return 0;
}

/* The response is sent: on to the next request, or the end. */
static int
conn_done(struct conns *cs, struct conn *c)
{
	struct xfer	*x = c->x;

	conn_log(c);
	xfer_release(cs, x);
	if (!x->resp.keepalive)
		return conn_end(cs, c);
	memmove(x->in, x->in + x->reqlen, x->inlen - x->reqlen);
	x->inlen -= x->reqlen;
	x->reqlen = x->scanned = 0;
	x->parsed = x->logged = 0;
	x->hdroff = x->bodyoff = 0;
	x->sent = 0;
	memset(&x->resp, 0, offsetof(struct response, hdr));
	if (x->inlen == 0 && x->drain == 0) {
		xfer_put(cs, x);
		c->x = NULL;
		c->state = CS_IDLE;
		timer_set(cs, c, T_IDLE);
		return RUN_NEXT;
	}
	x->start = ev_now();
	c->state = CS_READ;
	timer_set(cs, c, T_HEADER);
	return RUN_NEXT;
}

/*
 * The last response is out.  A client that may still be sending (an
 * error, or bytes we never read) gets a lingering close, so that its
 * data does not make our close a reset that loses the response.
 */
static int
conn_end(struct conns *cs, struct conn *c)
{
	struct xfer	*x = c->x;
	int		 linger;

	linger = x->inlen > x->reqlen || x->drain > 0 ||
	    x->resp.status >= 400;
	c->x = NULL;
	xfer_put(cs, x);
	if (!linger || shutdown(c->fd, SHUT_WR) == -1) {
		conn_free(cs, c);
		return RUN_GONE;
	}
	c->state = CS_LINGER;
	timer_set(cs, c, T_LINGER);
	return RUN_NEXT;
}

static int
conn_linger(struct conns *cs, struct conn *c)
{
	char	 buf[4096];
	ssize_t	 n;

	while (c->flags & C_READABLE) {
		if ((n = read(c->fd, buf, sizeof(buf))) > 0) {
			if ((size_t)n < sizeof(buf))
				c->flags &= ~C_READABLE;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			c->flags &= ~C_READABLE;
			break;
		}
		conn_close(cs, c);
		return RUN_GONE;
	}
	return RUN_WAIT;
}

void
conns_tick(struct conns *cs, uint64_t now)
{
	struct conn	*c;
	uint64_t	 limit;
	int		 t;

	for (t = 0; t < T_NLISTS; t++) {
		limit = timer_limit(cs, t);
		while ((c = TAILQ_FIRST(&cs->timers[t])) != NULL &&
		    now - c->since >= limit) {
			/* conn_timeout() moved or freed it; never spin. */
			if (conn_timeout(cs, c) &&
			    TAILQ_FIRST(&cs->timers[t]) == c &&
			    now - c->since >= limit)
				fatalx("%s: connection kept its timeout",
				    __func__);
		}
	}
}

/*
 * A timed-out wait.  A client that began a request learns so from a
 * 408; any other wait just ends.  0 when c was closed (and freed).
 */
static int
conn_timeout(struct conns *cs, struct conn *c)
{
	struct respond_req	 rq;
	struct ctl_session	 s;
	char			 ab[NB_ADDRSTRLEN];

	conn_session(c, &s);
	switch (c->state) {
	case CS_READ:
		if (c->x->inlen > 0 && c->x->drain == 0) {
			report_count("timeouts", "wait", "header", 1);
			report_log(LOG_INFO, &s, "timeout client=%s "
			    "wait=header", conn_client(c, ab, sizeof(ab)));
			c->x->resp.keepalive = 0;
			respond_req_of(cs, c, &rq);
			respond_error(&rq, 408, &c->x->resp);
			conn_send_start(cs, c);
			return conn_run(cs, c);
		}
		break;
	case CS_SEND:
		report_count("timeouts", "wait", "send", 1);
		report_log(LOG_INFO, &s, "timeout client=%s wait=send",
		    conn_client(c, ab, sizeof(ab)));
		break;
	default:
		break;
	}
	conn_close(cs, c);
	return 0;
}

static void
conn_close(struct conns *cs, struct conn *c)
{
	struct xfer	*x = c->x;

	if (x != NULL) {
		if (x->resp.status != 0 && !x->logged)
			conn_log(c);
		etag_cancel(&x->wait);
		xfer_release(cs, x);
		xfer_put(cs, x);
		c->x = NULL;
	}
	conn_free(cs, c);
}

/* c used its turn while it could still send: it goes on after others. */
static void
conn_post(struct conns *cs, struct conn *c)
{
	if (c->x == NULL || c->x->posted)
		return;
	c->x->posted = 1;
	TAILQ_INSERT_TAIL(&cs->posted, c->x, link);
}

static void
conn_unpost(struct conns *cs, struct xfer *x)
{
	if (!x->posted)
		return;
	TAILQ_REMOVE(&cs->posted, x, link);
	x->posted = 0;
}

void
conns_run_posted(struct conns *cs)
{
	struct xfer	*x, *last;

	if ((last = TAILQ_LAST(&cs->posted, xfer_list)) == NULL)
		return;
	do {
		x = TAILQ_FIRST(&cs->posted);
		conn_unpost(cs, x);
		conn_run(cs, x->conn);
	} while (x != last && !TAILQ_EMPTY(&cs->posted));
}

/* Moves c to the tail of list t (its wait begins now), or off lists. */
static void
timer_set(struct conns *cs, struct conn *c, enum conn_timer t)
{
	if (c->tlist != T_NONE)
		TAILQ_REMOVE(&cs->timers[c->tlist], c, link);
	c->tlist = t;
	if (t == T_NONE)
		return;
	c->since = ev_now();
	TAILQ_INSERT_TAIL(&cs->timers[t], c, link);
}

static uint64_t
timer_limit(const struct conns *cs, enum conn_timer t)
{
	const struct httpbootd_conf	*h = &cs->env->dc->httpbootd;
	uint64_t			 s;

	switch (t) {
	case T_HEADER:
		s = h->timeout_header;
		break;
	case T_IDLE:
		s = h->timeout_idle;
		break;
	case T_SEND:
		s = h->timeout_send;
		break;
	default:
		s = LINGER_SECS;
		break;
	}
	return s * 1000000;
}

/*
 * xfers come from whole pages of their own, so that memory of a burst
 * goes back to the system when the burst is over; a few are kept.
 */
static struct xfer *
xfer_get(struct conns *cs, struct conn *c)
{
	struct xfer	*x;

	if ((x = TAILQ_FIRST(&cs->pool)) != NULL) {
		TAILQ_REMOVE(&cs->pool, x, link);
		cs->npool--;
	} else if ((x = mmap(NULL, XFER_MAPLEN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED) {
		log_warn("%s", __func__);
		return NULL;
	}
	memset(x, 0, offsetof(struct xfer, resp.hdr));
	x->cs = cs;
	x->conn = c;
	return x;
}

static void
xfer_put(struct conns *cs, struct xfer *x)
{
	if (cs->npool < POOL_MAX) {
		TAILQ_INSERT_HEAD(&cs->pool, x, link);
		cs->npool++;
	} else
		munmap(x, XFER_MAPLEN);
}

/* Lets go of the response's file and body. */
static void
xfer_release(struct conns *cs, struct xfer *x)
{
	conn_unpost(cs, x);
	response_release(&x->resp);
}

static const char *
conn_client(const struct conn *c, char *buf, size_t len)
{
	if (c->client == NULL)
		return "-";
	return addr_ntop(&c->client->addr, buf, len);
}

/*
 * The access log: one line per response, sent in full or not.  A
 * target that stravis() would leave as it is goes in without a copy.
 */
static void
conn_log(struct conn *c)
{
	struct ctl_session sess;
	struct xfer	*x = c->x;
	struct http_span s = x->req.target;
	char		 ab[NB_ADDRSTRLEN], target[HTTP_TARGETMAX + 1];
	char		*vis = NULL;
	const char	*method = "-", *path = "-";
	int		 mlen = 1, plen = 1;

	x->logged = 1;
	if (x->req.mname.len > 0) {	/* it may start at offset 0 */
		method = (const char *)x->in + x->req.mname.off;
		mlen = x->req.mname.len;
	}
	if (HTTP_SPAN_SET(s) && log_plain(x->in + s.off, s.len)) {
		path = (const char *)x->in + s.off;
		plen = s.len;
	} else if (HTTP_SPAN_SET(s) && s.len < sizeof(target)) {
		memcpy(target, x->in + s.off, s.len);
		target[s.len] = '\0';
		if (stravis(&vis, target, VIS_SAFE | VIS_OCTAL | VIS_DQ) != -1) {
			path = vis;
			plen = strlen(vis);
		}
	}
	conn_session(c, &sess);
	session_end(&sess, x->req.method == HTTP_HEAD);
	report_log(LOG_INFO, &sess, "request client=%s method=%.*s "
	    "path=\"%.*s\" status=%d "
	    "bytes=%llu ms=%llu%s%s%s", conn_client(c, ab, sizeof(ab)), mlen,
	    method, plen, path, x->resp.status, (unsigned long long)x->sent,
	    (unsigned long long)(ev_now() - x->start) / 1000,
	    x->req.why != NULL ? " reason=\"" : "",
	    x->req.why != NULL ? x->req.why : "",
	    x->req.why != NULL ? "\"" : "");
	free(vis);
}

/* A request and its response as netbootctl shows them. */
static void
conn_session(const struct conn *c, struct ctl_session *s)
{
	const struct xfer	*x = c->x;

	session_client(s, c->client != NULL ? &c->client->addr : NULL);
	if (x == NULL)
		return;
	s->start = x->start;
	s->last = c->since > x->start ? c->since : x->start;
	s->bytes = x->sent;
	s->size = x->sent + x->resp.flen + (x->resp.bodylen - x->bodyoff);
	s->status = x->resp.status;
	if (x->parsed)
		session_request(s, &x->req, x->in);
}

/* The responses under way, for netbootctl. */
void
conns_sessions(const struct conns *cs)
{
	struct ctl_session	 s;
	const struct conn	*c;

	TAILQ_FOREACH(c, &cs->timers[T_SEND], link) {
		if (c->x == NULL || c->state != CS_SEND)
			continue;
		conn_session(c, &s);
		report_active(&s);
	}
}

/* Printable ASCII but for the quote and backslash that vis escapes. */
static int
log_plain(const uint8_t *p, size_t len)
{
	size_t	 i;

	if (len > HTTP_TARGETMAX)
		return 0;
	for (i = 0; i < len; i++)
		if (p[i] < 0x21 || p[i] > 0x7e || p[i] == '"' || p[i] == '\\')
			return 0;
	return 1;
}

static int
client_cmp(struct client *a, struct client *b)
{
	size_t	 len;

	if (a->addr.af != b->addr.af)
		return a->addr.af < b->addr.af ? -1 : 1;
	len = a->addr.af == AF_INET6 ? sizeof(a->addr.u.v6) :
	    sizeof(a->addr.u.v4);
	return memcmp(&a->addr.u, &b->addr.u, len);
}

static struct client *
client_get(struct conns *cs, const struct nb_addr *a)
{
	struct client	 key, *cl;

	memset(&key, 0, sizeof(key));
	key.addr = *a;
	if ((cl = RB_FIND(client_tree, &cs->clients, &key)) != NULL)
		return cl;
	if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		log_warn("%s", __func__);
		return NULL;
	}
	cl->addr = *a;
	RB_INSERT(client_tree, &cs->clients, cl);
	return cl;
}

static void
client_put(struct conns *cs, struct client *cl)
{
	if (cl->nconns > 0)
		return;
	RB_REMOVE(client_tree, &cs->clients, cl);
	free(cl);
}
