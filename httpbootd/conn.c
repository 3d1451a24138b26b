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
 * A connection's state machine: read a request, answer it, then the
 * next one.  Requests of one connection are read one at a time and
 * answered in order; bytes of pipelined requests wait in the buffer
 * until the response before them is sent, so responses can never
 * overtake each other and a client that sends faster than it reads is
 * held back by TCP.
 *
 * The socket is edge-triggered: C_READABLE and C_WRITABLE remember
 * what the edges said until a call comes back short or with EAGAIN.
 * A short read or write on a stream socket means the buffer was
 * emptied or filled, so the next edge will come.
 */

#include <sys/types.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vis.h>

#include "conn.h"
#include "etag.h"
#include "ev.h"
#include "fcache.h"
#include "log.h"

/* What a state's step asks of conn_run(). */
#define RUN_NEXT	0	/* the state changed: go on */
#define RUN_WAIT	1	/* wait for an event */
#define RUN_GONE	2	/* the connection is closed */

static int	 conn_begin(struct conn *);
static int	 conn_read(struct conn *);
static void	 conn_drain(struct xfer *);
static int	 conn_send(struct conn *);
static int	 send_buffers(struct conn *, struct xfer *);
static int	 send_file(struct conn *, struct xfer *, size_t *);
static int	 conn_done(struct conn *);
static int	 conn_end(struct conn *);
static int	 conn_linger(struct conn *);
static void	 xfer_release(struct xfer *);
static void	 conn_log(struct conn *);
static int	 log_plain(const uint8_t *, size_t);

void
conn_event(struct conn *c, uint32_t ev)
{
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->flags |= C_READABLE;
	if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		c->flags |= C_WRITABLE;
	conn_run(c);
}

/* Runs c until it waits for an event or is closed. */
void
conn_run(struct conn *c)
{
	int	 r;

	do {
		switch (c->state) {
		case CS_NEW:
		case CS_IDLE:
			r = conn_begin(c);
			break;
		case CS_READ:
			r = conn_read(c);
			break;
		case CS_SEND:
			r = conn_send(c);
			break;
		case CS_LINGER:
			r = conn_linger(c);
			break;
		default:
			r = RUN_WAIT;
			break;
		}
	} while (r == RUN_NEXT);
}

/* The buffer is taken only once bytes are there to read. */
static int
conn_begin(struct conn *c)
{
	if (!(c->flags & C_READABLE))
		return RUN_WAIT;
	if ((c->x = xfer_get(c)) == NULL) {
		conn_close(c);
		return RUN_GONE;
	}
	c->x->start = ev_now();
	/* A new connection's header timeout runs from the accept. */
	if (c->state == CS_IDLE)
		conn_timer_set(c, T_HEADER);
	c->state = CS_READ;
	return RUN_NEXT;
}

static int
conn_read(struct conn *c)
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
				if (rv == HTTP_PARSE_DONE)
					respond_request(c);
				else
					respond_error(c, x->req.status);
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
			conn_close(c);
			return RUN_GONE;
		}
		if (n == 0) {
			conn_close(c);
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

/* The response is ready to go: respond.c calls this. */
void
conn_send_start(struct conn *c)
{
	c->state = CS_SEND;
	conn_timer_set(c, T_SEND);
}

static int
conn_send(struct conn *c)
{
	struct xfer	*x = c->x;
	size_t		 turn = 0;
	int		 r;

	for (;;) {
		if (!(c->flags & C_WRITABLE))
			return RUN_WAIT;
		if (x->hdroff < x->hdrlen || x->bodyoff < x->bodylen ||
		    (x->fleft > 0 && x->fe->data != NULL))
			r = send_buffers(c, x);
		else if (x->fleft > 0) {
			if (turn >= SEND_TURN) {
				conn_post(c);
				return RUN_WAIT;
			}
			r = send_file(c, x, &turn);
		} else
			return conn_done(c);
		if (r == -1) {
			conn_close(c);
			return RUN_GONE;
		}
	}
}

/*
 * The header with a rendered body or a file held in memory, in one
 * write; MSG_MORE joins the header to a file sent from its descriptor.
 */
static int
send_buffers(struct conn *c, struct xfer *x)
{
	struct iovec	 iov[3];
	struct msghdr	 msg;
	size_t		 h, b, want;
	ssize_t		 n;
	int		 held = x->fleft > 0 && x->fe->data != NULL;

	iov[0].iov_base = x->hdr + x->hdroff;
	iov[0].iov_len = x->hdrlen - x->hdroff;
	iov[1].iov_base = x->body + x->bodyoff;
	iov[1].iov_len = x->bodylen - x->bodyoff;
	iov[2].iov_base = held ? (char *)x->fe->data + x->foff : NULL;
	iov[2].iov_len = held ? x->fleft : 0;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 3;
	want = iov[0].iov_len + iov[1].iov_len + iov[2].iov_len;
	if ((n = sendmsg(c->fd, &msg, MSG_NOSIGNAL |
	    (x->fleft > 0 && !held ? MSG_MORE : 0))) == -1) {
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
	x->foff += n;
	x->fleft -= n;
	x->sent += b + n;
	conn_timer_set(c, T_SEND);
	return 0;
}

/*
 * sendfile the rest of the turn, until the socket is full: a short
 * count is no proof of that here, since a file cut short by someone
 * also returns less.
 */
static int
send_file(struct conn *c, struct xfer *x, size_t *turn)
{
	size_t	 want = SEND_TURN - *turn;
	ssize_t	 n;

	if (want > x->fleft)
		want = x->fleft;
	if ((n = sendfile(c->fd, x->fe->fd, &x->foff, want)) == -1) {
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
	x->fleft -= n;
	x->sent += n;
	*turn += n;
	conn_timer_set(c, T_SEND);
	return 0;
}

/* The response is sent: on to the next request, or the end. */
static int
conn_done(struct conn *c)
{
	struct xfer	*x = c->x;

	conn_log(c);
	xfer_release(x);
	if (!x->keepalive)
		return conn_end(c);
	memmove(x->in, x->in + x->reqlen, x->inlen - x->reqlen);
	x->inlen -= x->reqlen;
	x->reqlen = x->scanned = 0;
	x->parsed = x->status = x->logged = 0;
	x->hdrlen = x->hdroff = 0;
	x->sent = 0;
	if (x->inlen == 0 && x->drain == 0) {
		xfer_put(x);
		c->x = NULL;
		c->state = CS_IDLE;
		conn_timer_set(c, T_IDLE);
		return RUN_NEXT;
	}
	x->start = ev_now();
	c->state = CS_READ;
	conn_timer_set(c, T_HEADER);
	return RUN_NEXT;
}

/*
 * The last response is out.  A client that may still be sending (an
 * error, or bytes we never read) gets a lingering close, so that its
 * data does not make our close a reset that loses the response.
 */
static int
conn_end(struct conn *c)
{
	struct xfer	*x = c->x;
	int		 linger;

	linger = x->inlen > x->reqlen || x->drain > 0 || x->status >= 400;
	c->x = NULL;
	xfer_put(x);
	if (!linger || shutdown(c->fd, SHUT_WR) == -1) {
		conn_free(c);
		return RUN_GONE;
	}
	c->state = CS_LINGER;
	conn_timer_set(c, T_LINGER);
	return RUN_NEXT;
}

static int
conn_linger(struct conn *c)
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
		conn_close(c);
		return RUN_GONE;
	}
	return RUN_WAIT;
}

/*
 * A timed-out wait.  A client that began a request learns so from a
 * 408; any other wait just ends.
 */
void
conn_timeout(struct conn *c)
{
	char	 ab[NB_ADDRSTRLEN];

	switch (c->state) {
	case CS_READ:
		if (c->x->inlen > 0 && c->x->drain == 0) {
			log_info("timeout client=%s wait=header",
			    conn_client(c, ab, sizeof(ab)));
			c->x->keepalive = 0;
			respond_error(c, 408);
			conn_run(c);
			return;
		}
		break;
	case CS_SEND:
		log_info("timeout client=%s wait=send",
		    conn_client(c, ab, sizeof(ab)));
		break;
	default:
		break;
	}
	conn_close(c);
}

void
conn_close(struct conn *c)
{
	struct xfer	*x = c->x;

	if (x != NULL) {
		if (x->status != 0 && !x->logged)
			conn_log(c);
		etag_cancel(x);
		xfer_release(x);
		xfer_put(x);
		c->x = NULL;
	}
	conn_free(c);
}

/* Lets go of the response's file and body. */
static void
xfer_release(struct xfer *x)
{
	conn_unpost(x);
	if (x->fe != NULL) {
		fcache_put(x->fe);
		x->fe = NULL;
	}
	free(x->body);
	x->body = NULL;
	x->bodylen = x->bodyoff = 0;
	x->fleft = 0;
}

const char *
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
	log_info("request client=%s method=%.*s path=\"%.*s\" status=%d "
	    "bytes=%llu ms=%llu", conn_client(c, ab, sizeof(ab)), mlen,
	    method, plen, path, x->status, (unsigned long long)x->sent,
	    (unsigned long long)(ev_now() - x->start) / 1000);
	free(vis);
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
