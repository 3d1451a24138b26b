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
 * httpbootd: the engine.  Chrooted, unprivileged, capability-less; the only
 * process that reads the network.
 *
 * Listeners and connections share one epoll instance of our own, in
 * which the event loop blocks (ev_batch): one epoll_wait() then serves
 * every ready connection, and a connection costs no event source of its
 * own, only its struct conn.  Connections are registered edge-triggered
 * once, for reading and writing, and never modified: conn.c keeps what
 * the edges said.  Here: accepting, the connection limits, the
 * timeout tick and the pool of request buffers.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "conn.h"
#include "daemon.h"
#include "engine.h"
#include "etag.h"
#include "ev.h"
#include "fcache.h"
#include "log.h"

#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif

#define ACCEPT_BATCH	64	/* accepts per listener event */
#define TICK_USEC	250000	/* timeouts are checked this often */
#define POOL_MAX	64	/* spare xfers kept */
#define NOTSENT_LOWAT	(256 * 1024)
#define MAX_REFUSED	1024	/* lingering 503s, at most */
#define FD_RESERVE	64	/* the engine's own descriptors */
#define XFER_MAPLEN	((sizeof(struct xfer) + 4095) & ~(size_t)4095)
#define EP_WAKE		UINT64_MAX	/* epoll data of wakefd */

struct server	 srv;

static void	 fd_limit_raise(const struct httpbootd_conf *);
static int	 serve_room(void);
static void	 listeners_add(void);
static void	 wake_add(void);
static void	 listeners_pause(int);
static void	 engine_batch(const struct epoll_event *, int, void *);
static void	 engine_accept(size_t);
static void	 engine_admit(int, const struct sockaddr_storage *, size_t);
static void	 engine_refuse(int, const struct nb_addr *, size_t,
		    const char *);
static struct conn *conn_new(int, struct client *, size_t, uint32_t);
static void	 engine_tick(void *);
static void	 tick_arm(void);
static void	 engine_wakeup(void);
static int	 client_cmp(struct client *, struct client *);
static struct client *client_get(const struct nb_addr *);
static void	 client_put(struct client *);

RB_GENERATE_STATIC(client_tree, client, entry, client_cmp)

void
httpbootd_engine_start(struct engine_env *env)
{
	const struct httpbootd_conf	*h = &env->dc->httpbootd;
	int				 i;

	srv.env = env;
	for (i = 0; i < T_NLISTS; i++)
		TAILQ_INIT(&srv.timers[i]);
	TAILQ_INIT(&srv.posted);
	TAILQ_INIT(&srv.pool);
	RB_INIT(&srv.clients);
	fd_limit_raise(h);
	if ((srv.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	listeners_add();
	wake_add();
	ev_batch(srv.epfd, engine_batch, NULL);
	if ((srv.tick = ev_timer_new(engine_tick, NULL)) == NULL)
		fatal("ev_timer_new");
	log_info("serving: max connections %u, per client %u, timeouts "
	    "header %us idle %us send %us", h->max_connections,
	    h->max_per_client, h->timeout_header, h->timeout_idle,
	    h->timeout_send);
}

/*
 * Nothing of the old configuration is kept anywhere: connections look
 * up env->dc when they need a setting, and the timeouts apply to every
 * waiting connection from the next tick.
 */
void
httpbootd_engine_reload(struct engine_env *env, struct netboot_conf *conf)
{
	const struct daemon_conf	*dc = &conf->daemon[NB_HTTPBOOTD];

	log_info("new configuration: %zu rules, %zu menus, %zu scripts; "
	    "%u connections kept", conf->nrules, conf->nmenus, dc->nscripts,
	    srv.nconns);
}

/*
 * A connection takes a socket and, while it sends, a file: raise the
 * soft limit to the hard one, which needs no privilege.  Past our own
 * FD_RESERVE the descriptors are shared out: an eighth (MAX_REFUSED at
 * most) for refused connections, which linger after their 503; a
 * quarter, and at least the file cache, for files alone; connections
 * take the rest, and files what connections leave of it.  Clients
 * mostly fetch the same few files, which the cache shares, so that a
 * connection costs about one descriptor, idle or not.
 */
static void
fd_limit_raise(const struct httpbootd_conf *h)
{
	struct rlimit	 rl;
	rlim_t		 budget, files;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
			log_warn("setrlimit");
			getrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	budget = rl.rlim_cur > FD_RESERVE ? rl.rlim_cur - FD_RESERVE : 0;
	if (budget > UINT32_MAX)
		budget = UINT32_MAX;
	srv.fd_budget = budget;
	srv.refuse_cap = budget / 8 < MAX_REFUSED ? budget / 8 : MAX_REFUSED;
	files = budget / 4 > FCACHE_SIZE ? budget / 4 : FCACHE_SIZE;
	if (files > budget - srv.refuse_cap)
		files = budget - srv.refuse_cap;
	srv.conn_cap = budget - srv.refuse_cap - files;
	if (srv.conn_cap < h->max_connections)
		log_warnx("descriptor limit %llu allows %u connections, not "
		    "max connections %u", (unsigned long long)rl.rlim_cur,
		    srv.conn_cap, h->max_connections);
}

/*
 * Whether a served connection may take one more descriptor, for its
 * socket or a file: refused connections always keep their share.
 */
int
engine_fd_room(void)
{
	return srv.nconns + fcache_nopen() + srv.refuse_cap < srv.fd_budget;
}

static int
serve_room(void)
{
	return srv.nconns < srv.env->dc->httpbootd.max_connections &&
	    srv.nconns < srv.conn_cap && engine_fd_room();
}

/* epoll data: a listener's index, or a struct conn pointer. */
static void
listeners_add(void)
{
	struct engine_env	*env = srv.env;
	struct epoll_event	 ev;
	char			 buf[NB_ADDRSTRLEN + 8];
	size_t			 i;

	for (i = 0; i < env->nlisteners; i++) {
		if (fcntl(env->listeners[i].fd, F_SETFL, O_NONBLOCK) == -1)
			fatal("fcntl");
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u64 = i;
		if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, env->listeners[i].fd,
		    &ev) == -1)
			fatal("epoll_ctl");
		log_info("listening on %s", sa_ntop((struct sockaddr *)
		    &env->listeners[i].info.ss, buf, sizeof(buf)));
	}
}

/*
 * Work that no socket event will announce (a connection that used its
 * turn while it could still send, a file being hashed) is done when
 * this eventfd is readable: it stays so while such work remains, which
 * keeps the loop turning without a timer.
 */
static void
wake_add(void)
{
	struct epoll_event	 ev;

	if ((srv.wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		fatal("eventfd");
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = EP_WAKE;
	if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, srv.wakefd, &ev) == -1)
		fatal("epoll_ctl");
}

void
engine_wake(void)
{
	uint64_t	 one = 1;

	if (srv.woken)
		return;
	if (write(srv.wakefd, &one, sizeof(one)) != sizeof(one))
		fatal("%s", __func__);
	srv.woken = 1;
}

/*
 * Stop taking connections while descriptors run out or too many 503s
 * linger: clients then wait in the listen backlog.  Any closed
 * connection and every tick try again.
 */
static void
listeners_pause(int pause)
{
	struct engine_env	*env = srv.env;
	struct epoll_event	 ev;
	size_t			 i;

	if (srv.paused == pause)
		return;
	for (i = 0; i < env->nlisteners; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.events = pause ? 0 : EPOLLIN;
		ev.data.u64 = i;
		if (epoll_ctl(srv.epfd, EPOLL_CTL_MOD, env->listeners[i].fd,
		    &ev) == -1)
			fatal("epoll_ctl");
	}
	srv.paused = pause;
	if (pause && !srv.starved)
		log_warnx("not accepting connections for now: %u served, "
		    "%u refused", srv.nconns, srv.nrefused);
}

/*
 * An event touches only its own connection, so none of the batch can
 * refer to a connection freed before its turn.  The wakeup's work runs
 * other connections, which may close them: it comes after the batch.
 */
static void
engine_batch(const struct epoll_event *ev, int n, void *arg)
{
	int	 i, woken = 0;

	for (i = 0; i < n; i++) {
		if (ev[i].data.u64 == EP_WAKE)
			woken = 1;
		else if (ev[i].data.u64 < srv.env->nlisteners)
			engine_accept(ev[i].data.u64);
		else
			conn_event(ev[i].data.ptr, ev[i].events);
	}
	if (woken)
		engine_wakeup();
	tick_arm();
}

static void
engine_accept(size_t li)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd, i;

	for (i = 0; i < ACCEPT_BATCH && !srv.paused; i++) {
		len = sizeof(ss);
		if ((fd = accept4(srv.env->listeners[li].fd,
		    (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			switch (errno) {
			case EINTR:
			case ECONNABORTED:
				continue;
			case EAGAIN:
				return;
			case EMFILE:
			case ENFILE:
			case ENOBUFS:
			case ENOMEM:
				/* Once, not every tick that tries again. */
				if (!srv.starved)
					log_warn("accept");
				srv.starved = 1;
				listeners_pause(1);
				return;
			default:
				log_warn("accept");
				return;
			}
		}
		srv.starved = 0;
		engine_admit(fd, &ss, li);
	}
}

static void
engine_admit(int fd, const struct sockaddr_storage *ss, size_t li)
{
	const struct httpbootd_conf	*h = &srv.env->dc->httpbootd;
	struct nb_addr			 a;
	struct client			*cl;
	int				 on = 1, lowat = NOTSENT_LOWAT;

	addr_from_sa((const struct sockaddr *)ss, &a);
	if (!serve_room()) {
		engine_refuse(fd, &a, li, srv.nconns >= h->max_connections ?
		    "too many connections" : "descriptor limit");
		return;
	}
	if ((cl = client_get(&a)) == NULL) {
		close(fd);
		return;
	}
	if (cl->nconns >= h->max_per_client) {
		client_put(cl);
		engine_refuse(fd, &a, li, "too many connections from client");
		return;
	}
	/* Pipelined responses must not wait for the previous ACK. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	/*
	 * Little unsent data in the socket: we then see a slow reader's
	 * progress (for timeout send) and hold less kernel memory for it.
	 */
	setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof(lowat));
	if (conn_new(fd, cl, li, EPOLLIN | EPOLLOUT | EPOLLRDHUP |
	    EPOLLET) == NULL) {
		client_put(cl);
		close(fd);
		return;
	}
	cl->nconns++;
	srv.nconns++;
}

/*
 * Past a limit the client is told to come back (iPXE honours
 * Retry-After) instead of being dropped.  The 503 is written at once
 * into the empty socket buffer; the connection then lingers until the
 * client closes, so that its unread request does not turn our close
 * into a reset that would destroy the answer.
 */
static void
engine_refuse(int fd, const struct nb_addr *a, size_t li, const char *why)
{
	struct http_response	 r;
	struct conn		*c;
	char			 buf[XFER_HDRLEN], ab[NB_ADDRSTRLEN];
	int			 n;

	log_info("refused client=%s status=503 reason=\"%s\"",
	    addr_ntop(a, ab, sizeof(ab)), why);
	memset(&r, 0, sizeof(r));
	r.status = 503;
	r.date = time(NULL);
	r.retry_after = RETRY_AFTER;
	if ((n = http_error_response(&r, buf, sizeof(buf))) == -1)
		fatalx("%s: no room for a 503", __func__);
	/* Past MAX_REFUSED (a flood from few clients) without lingering. */
	if (send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) != n ||
	    shutdown(fd, SHUT_WR) == -1 || srv.nrefused >= srv.refuse_cap ||
	    (c = conn_new(fd, NULL, li, EPOLLIN | EPOLLRDHUP |
	    EPOLLET)) == NULL) {
		close(fd);
		goto done;
	}
	c->state = CS_LINGER;
	conn_timer_set(c, T_LINGER);
	srv.nrefused++;
 done:
	/* Everyone is refused: let the backlog hold the rest meanwhile. */
	if (srv.nrefused >= srv.refuse_cap && !serve_room())
		listeners_pause(1);
}

static struct conn *
conn_new(int fd, struct client *cl, size_t li, uint32_t events)
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
	if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("%s: epoll_ctl", __func__);
		free(c);
		return NULL;
	}
	conn_timer_set(c, T_HEADER);
	return c;
}

/* Closes the socket and frees c; its xfer must be gone. */
void
conn_free(struct conn *c)
{
	conn_timer_set(c, T_NONE);
	close(c->fd);
	if (c->client != NULL) {
		c->client->nconns--;
		client_put(c->client);
		srv.nconns--;
	} else
		srv.nrefused--;
	free(c);
	if (srv.paused)
		listeners_pause(0);
}

uint64_t
engine_timeout(enum conn_timer t)
{
	const struct httpbootd_conf	*h = &srv.env->dc->httpbootd;
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

/* Moves c to the tail of list t (its wait begins now), or off lists. */
void
conn_timer_set(struct conn *c, enum conn_timer t)
{
	if (c->tlist != T_NONE)
		TAILQ_REMOVE(&srv.timers[c->tlist], c, link);
	c->tlist = t;
	if (t == T_NONE)
		return;
	c->since = ev_now();
	TAILQ_INSERT_TAIL(&srv.timers[t], c, link);
}

static void
engine_tick(void *arg)
{
	struct conn	*c;
	uint64_t	 now = ev_now(), limit;
	int		 t;

	srv.tick_armed = 0;
	for (t = 0; t < T_NLISTS; t++) {
		limit = engine_timeout(t);
		while ((c = TAILQ_FIRST(&srv.timers[t])) != NULL &&
		    now - c->since >= limit) {
			conn_timeout(c);
			/* conn_timeout() moved or freed it; never spin. */
			if (TAILQ_FIRST(&srv.timers[t]) == c &&
			    now - c->since >= limit)
				fatalx("%s: connection kept its timeout",
				    __func__);
		}
	}
	if (srv.paused)
		listeners_pause(0);
	srv.fcached = fcache_expire(now) > 0;
	tick_arm();
}

static void
tick_arm(void)
{
	if (srv.tick_armed || (srv.nconns + srv.nrefused == 0 &&
	    !srv.fcached))
		return;
	ev_timer_arm(srv.tick, TICK_USEC);
	srv.tick_armed = 1;
}

/* c used its turn while it could still send: it goes on after others. */
void
conn_post(struct conn *c)
{
	if (c->x == NULL || c->x->posted)
		return;
	c->x->posted = 1;
	TAILQ_INSERT_TAIL(&srv.posted, c->x, link);
	engine_wake();
}

void
conn_unpost(struct xfer *x)
{
	if (!x->posted)
		return;
	TAILQ_REMOVE(&srv.posted, x, link);
	x->posted = 0;
}

/*
 * One turn of the posted connections (those posted meanwhile wait for
 * the next) and one slice of hashing.
 */
static void
engine_wakeup(void)
{
	struct xfer	*x, *last;
	uint64_t	 n;

	if ((last = TAILQ_LAST(&srv.posted, xfer_list)) != NULL) {
		do {
			x = TAILQ_FIRST(&srv.posted);
			conn_unpost(x);
			conn_run(x->conn);
		} while (x != last && !TAILQ_EMPTY(&srv.posted));
	}
	if (etag_run() == 0 && TAILQ_EMPTY(&srv.posted)) {
		if (read(srv.wakefd, &n, sizeof(n)) == -1 && errno != EAGAIN)
			fatal("%s", __func__);
		srv.woken = 0;
	}
}

/*
 * xfers come from whole pages of their own, so that memory of a burst
 * goes back to the system when the burst is over; a few are kept.
 */
struct xfer *
xfer_get(struct conn *c)
{
	struct xfer	*x;

	if ((x = TAILQ_FIRST(&srv.pool)) != NULL) {
		TAILQ_REMOVE(&srv.pool, x, link);
		srv.npool--;
	} else if ((x = mmap(NULL, XFER_MAPLEN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED) {
		log_warn("%s", __func__);
		return NULL;
	}
	memset(x, 0, offsetof(struct xfer, hdr));
	x->conn = c;
	return x;
}

void
xfer_put(struct xfer *x)
{
	if (srv.npool < POOL_MAX) {
		TAILQ_INSERT_HEAD(&srv.pool, x, link);
		srv.npool++;
	} else
		munmap(x, XFER_MAPLEN);
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
client_get(const struct nb_addr *a)
{
	struct client	 key, *cl;

	memset(&key, 0, sizeof(key));
	key.addr = *a;
	if ((cl = RB_FIND(client_tree, &srv.clients, &key)) != NULL)
		return cl;
	if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		log_warn("%s", __func__);
		return NULL;
	}
	cl->addr = *a;
	RB_INSERT(client_tree, &srv.clients, cl);
	return cl;
}

static void
client_put(struct client *cl)
{
	if (cl->nconns > 0)
		return;
	RB_REMOVE(client_tree, &srv.clients, cl);
	free(cl);
}
