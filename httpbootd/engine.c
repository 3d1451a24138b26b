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
 * own, only its struct conn.  Here: the sockets, accepting, the limits
 * on connections and descriptors, the timeout tick and the wakeups for
 * work that no socket announces.  A connection's life is conn.c's.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "conn.h"
#include "daemon.h"
#include "engine.h"
#include "etag.h"
#include "ev.h"
#include "fcache.h"
#include "log.h"

#define ACCEPT_BATCH	64	/* accepts per listener event */
#define TICK_USEC	250000	/* timeouts are checked this often */
#define MAX_REFUSED	1024	/* lingering 503s, at most */
#define FD_RESERVE	64	/* the engine's own descriptors */
#define EP_WAKE		UINT64_MAX	/* epoll data of wakefd */

struct engine {
	struct engine_env	*env;
	struct conns		*conns;
	struct etag		*etag;
	int			 epfd;		/* all our sockets */
	struct ev_timer		*tick;
	int			 tick_armed;
	int			 wakefd;	/* see wake_add() */
	int			 woken;
	uint32_t		 conn_cap;	/* see fd_limit_raise() */
	uint32_t		 refuse_cap;
	int			 paused;	/* not accepting */
	uint32_t		 paused_at;	/* connections then */
	int			 starved;	/* accept lacked something */
};

static void	 fd_limit_raise(struct engine *, uint32_t *);
static const char *serve_refusal(const struct engine *);
static void	 listeners_add(struct engine *);
static void	 wake_add(struct engine *);
static void	 wake_update(struct engine *);
static void	 listeners_pause(struct engine *, int);
static void	 engine_batch(const struct epoll_event *, int, void *);
static void	 engine_accept(struct engine *, size_t);
static void	 engine_settle(struct engine *);
static void	 engine_tick(void *);
static void	 tick_arm(struct engine *);
static void	 engine_wakeup(struct engine *);
static uint32_t	 engine_load(const struct engine *);

void
httpbootd_engine_start(struct engine_env *env)
{
	const struct httpbootd_conf	*h = &env->dc->httpbootd;
	struct engine			*e;
	uint32_t			 budget;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("%s", __func__);
	e->env = env;
	env->engine = e;
	fd_limit_raise(e, &budget);
	if ((e->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	if ((e->etag = etag_new()) == NULL ||
	    (e->conns = conns_new(env, e->epfd, e->etag, budget,
	    e->refuse_cap)) == NULL)
		fatal("%s", __func__);
	listeners_add(e);
	wake_add(e);
	ev_batch(e->epfd, engine_batch, e);
	if ((e->tick = ev_timer_new(engine_tick, e)) == NULL)
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
/* The responses under way, for netbootctl. */
void
httpbootd_sessions(struct engine_env *env)
{
	struct engine	*e = env->engine;

	conns_sessions(e->conns);
}

void
httpbootd_engine_reload(struct engine_env *env, struct netboot_conf *conf)
{
	const struct daemon_conf	*dc = &conf->daemon[NB_HTTPBOOTD];
	struct engine			*e = env->engine;

	log_info("new configuration: %zu rules, %zu menus, %zu scripts; "
	    "%u connections kept", conf->nrules, conf->nmenus, dc->nscripts,
	    conns_served(e->conns));
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
fd_limit_raise(struct engine *e, uint32_t *budgetp)
{
	const struct httpbootd_conf	*h = &e->env->dc->httpbootd;
	struct rlimit			 rl;
	rlim_t				 budget, files;

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
	*budgetp = budget;
	e->refuse_cap = budget / 8 < MAX_REFUSED ? budget / 8 : MAX_REFUSED;
	files = budget / 4 > FCACHE_SIZE ? budget / 4 : FCACHE_SIZE;
	if (files > budget - e->refuse_cap)
		files = budget - e->refuse_cap;
	e->conn_cap = budget - e->refuse_cap - files;
	if (e->conn_cap < h->max_connections)
		log_warnx("descriptor limit %llu allows %u connections, not "
		    "max connections %u", (unsigned long long)rl.rlim_cur,
		    e->conn_cap, h->max_connections);
}

/* Why a new connection cannot be served now, or NULL. */
static const char *
serve_refusal(const struct engine *e)
{
	uint32_t	 n = conns_served(e->conns);

	if (n >= e->env->dc->httpbootd.max_connections)
		return "too many connections";
	if (n >= e->conn_cap || !conns_fd_room(e->conns))
		return "descriptor limit";
	return NULL;
}

/* epoll data: a listener's index, or a struct conn pointer. */
static void
listeners_add(struct engine *e)
{
	struct engine_env	*env = e->env;
	struct epoll_event	 ev;
	char			 buf[NB_ADDRSTRLEN + 8];
	size_t			 i;

	for (i = 0; i < env->nlisteners; i++) {
		if (fcntl(env->listeners[i].fd, F_SETFL, O_NONBLOCK) == -1)
			fatal("fcntl");
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u64 = i;
		if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, env->listeners[i].fd,
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
wake_add(struct engine *e)
{
	struct epoll_event	 ev;

	if ((e->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		fatal("eventfd");
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = EP_WAKE;
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->wakefd, &ev) == -1)
		fatal("epoll_ctl");
}

static void
wake_update(struct engine *e)
{
	uint64_t	 n = 1;
	int		 want;

	want = conns_busy(e->conns) || etag_busy(e->etag);
	if (want == e->woken)
		return;
	if (want && write(e->wakefd, &n, sizeof(n)) != sizeof(n))
		fatal("%s", __func__);
	if (!want && read(e->wakefd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		fatal("%s", __func__);
	e->woken = want;
}

/*
 * Stop taking connections while descriptors run out or too many 503s
 * linger: clients then wait in the listen backlog.  Any closed
 * connection and every tick try again.
 */
static void
listeners_pause(struct engine *e, int pause)
{
	struct engine_env	*env = e->env;
	struct epoll_event	 ev;
	size_t			 i;

	if (e->paused == pause)
		return;
	for (i = 0; i < env->nlisteners; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.events = pause ? 0 : EPOLLIN;
		ev.data.u64 = i;
		if (epoll_ctl(e->epfd, EPOLL_CTL_MOD, env->listeners[i].fd,
		    &ev) == -1)
			fatal("epoll_ctl");
	}
	e->paused = pause;
	e->paused_at = engine_load(e);
	if (pause && !e->starved)
		log_warnx("not accepting connections for now: %u served, "
		    "%u refused", conns_served(e->conns),
		    conns_refused(e->conns));
}

static uint32_t
engine_load(const struct engine *e)
{
	return conns_served(e->conns) + conns_refused(e->conns);
}

/*
 * An event touches only its own connection, so none of the batch can
 * refer to a connection freed before its turn.  The wakeup's work runs
 * other connections, which may close them: it comes after the batch.
 */
static void
engine_batch(const struct epoll_event *ev, int n, void *arg)
{
	struct engine	*e = arg;
	int		 i, woken = 0;

	for (i = 0; i < n; i++) {
		if (ev[i].data.u64 == EP_WAKE)
			woken = 1;
		else if (ev[i].data.u64 < e->env->nlisteners)
			engine_accept(e, ev[i].data.u64);
		else
			conn_event(e->conns, ev[i].data.ptr, ev[i].events);
	}
	if (woken)
		engine_wakeup(e);
	engine_settle(e);
}

static void
engine_accept(struct engine *e, size_t li)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd, i;

	for (i = 0; i < ACCEPT_BATCH && !e->paused; i++) {
		len = sizeof(ss);
		if ((fd = accept4(e->env->listeners[li].fd,
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
				if (!e->starved)
					log_warn("accept");
				e->starved = 1;
				listeners_pause(e, 1);
				return;
			default:
				log_warn("accept");
				return;
			}
		}
		e->starved = 0;
		conn_accept(e->conns, fd, &ss, li, serve_refusal(e));
		/* Everyone is refused: let the backlog hold the rest. */
		if (conns_refused(e->conns) >= e->refuse_cap &&
		    serve_refusal(e) != NULL)
			listeners_pause(e, 1);
	}
}

/* After each batch: accept again once a connection has gone. */
static void
engine_settle(struct engine *e)
{
	if (e->paused && engine_load(e) < e->paused_at)
		listeners_pause(e, 0);
	wake_update(e);
	tick_arm(e);
}

static void
engine_tick(void *arg)
{
	struct engine	*e = arg;
	uint64_t	 now = ev_now();

	e->tick_armed = 0;
	conns_tick(e->conns, now);
	listeners_pause(e, 0);
	fcache_expire(now);
	engine_settle(e);
}

static void
tick_arm(struct engine *e)
{
	if (e->tick_armed || (engine_load(e) == 0 && fcache_nopen() == 0))
		return;
	ev_timer_arm(e->tick, TICK_USEC);
	e->tick_armed = 1;
}

/*
 * One turn of the posted connections and one slice of hashing; if work
 * remains, engine_settle() keeps the eventfd readable.
 */
static void
engine_wakeup(struct engine *e)
{
	conns_run_posted(e->conns);
	etag_run(e->etag);
}
