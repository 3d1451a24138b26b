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
 * The engine's connections.  A connection between requests is a struct
 * conn of 48 bytes, and its share of a struct client, and nothing else:
 * the request buffer, the response and the open file live in a struct
 * xfer that exists only while a request is read or answered.
 *
 * Timeouts are kept without a timer per connection: each kind of wait
 * has one list, in the order the waits began, and all waits of a list
 * last equally long, so a periodic tick only looks at the heads of the
 * lists.
 */

#ifndef HTTPBOOTD_CONN_H
#define HTTPBOOTD_CONN_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stdint.h>

#include "addr.h"
#include "conf.h"
#include "http.h"

struct engine_env;
struct etag_job;
struct fc_entry;

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

#define C_READABLE	0x01	/* an edge said so; cleared on EAGAIN */
#define C_WRITABLE	0x02

struct client;

struct conn {
	TAILQ_ENTRY(conn)	 link;		/* srv.timers[tlist] */
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

#define XFER_HDRLEN	1024	/* a response header, or an error */
#define ETAG_STRLEN	35	/* a quoted 128-bit hash in hex, NUL */

/* One request and its response. */
struct xfer {
	struct conn		*conn;
	TAILQ_ENTRY(xfer)	 link;		/* pool, posted, waiters */
	struct http_request	 req;
	int			 parsed;	/* req describes in[] */
	int			 status;	/* 0: no response yet */
	int			 keepalive;
	int			 logged;
	int			 posted;	/* in srv.posted */
	uint64_t		 start;		/* us, for the log */
	size_t			 inlen;		/* bytes in in[] */
	size_t			 scanned;	/* inlen when parsed */
	size_t			 reqlen;	/* in[] of this request */
	uint64_t		 drain;		/* body bytes to discard */

	/* The response: hdr, then body or the file. */
	size_t			 hdrlen;
	size_t			 hdroff;
	char			*body;		/* a rendered script */
	size_t			 bodylen;
	size_t			 bodyoff;
	struct fc_entry		*fe;		/* the file, or NULL */
	off_t			 foff;
	uint64_t		 fleft;
	uint64_t		 sent;		/* body and file bytes */

	/* A file waiting for its ETag: what answering it needs. */
	struct etag_job		*job;
	uint64_t		 size;
	time_t			 mtime;
	char			 ctype[NB_MIMELEN];
	char			 etag[ETAG_STRLEN];

	char			 hdr[XFER_HDRLEN];
	uint8_t			 in[HTTP_HDRMAX];
};
TAILQ_HEAD(xfer_list, xfer);

/* The engine: one per process. */
struct server {
	struct engine_env	*env;
	int			 epfd;		/* all our sockets */
	struct ev_timer		*tick;
	int			 tick_armed;
	int			 wakefd;	/* see engine_wake() */
	int			 woken;
	struct conn_list	 timers[T_NLISTS];
	struct xfer_list	 posted;	/* to be run again */
	struct xfer_list	 pool;		/* spare xfers */
	size_t			 npool;
	struct client_tree	 clients;
	uint32_t		 nconns;	/* being served */
	uint32_t		 nrefused;	/* lingering after a 503 */
	uint32_t		 fd_budget;	/* see fd_limit_raise() */
	uint32_t		 conn_cap;
	uint32_t		 refuse_cap;
	int			 paused;	/* not accepting */
	int			 starved;	/* accept lacked something */
	int			 fcached;	/* open files are cached */
	int			 fileless;	/* a file found no descriptor */
};

extern struct server	 srv;

#define LINGER_SECS	2	/* for a client to read our last bytes */
#define RETRY_AFTER	5	/* seconds, in a 503 */
/*
 * Bytes a connection sends from its file before others get their turn.
 * One sendfile() each: on loopback, 256 KiB calls cost less CPU per
 * byte than 1 MiB ones and feed a single client faster.
 */
#define SEND_TURN	(256 * 1024)

/* engine.c */
uint64_t	 engine_timeout(enum conn_timer);
int		 engine_fd_room(void);
void		 conn_timer_set(struct conn *, enum conn_timer);
void		 engine_wake(void);
void		 conn_post(struct conn *);
void		 conn_unpost(struct xfer *);
void		 conn_free(struct conn *);
struct xfer	*xfer_get(struct conn *);
void		 xfer_put(struct xfer *);

/* conn.c */
void		 conn_event(struct conn *, uint32_t);
void		 conn_run(struct conn *);
void		 conn_timeout(struct conn *);
void		 conn_close(struct conn *);
void		 conn_send_start(struct conn *);
const char	*conn_client(const struct conn *, char *, size_t);

/* respond.c */
void		 respond_request(struct conn *);
void		 respond_error(struct conn *, int);
void		 respond_file_ready(struct xfer *, const char *);

#endif /* HTTPBOOTD_CONN_H */
