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
 * The start of every engine: take the privsep settings, the sockets and
 * the first config from the parent, confine ourselves, then hand over to
 * the daemon's own engine.  Later configs are swapped in on the fly.
 */

#include <sys/types.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confipc.h"
#include "ctlreport.h"
#include "daemon.h"
#include "ev.h"
#include "ipc.h"
#include "landlock.h"
#include "log.h"
#include "privdrop.h"
#include "sanitize.h"
#include "sysfilter.h"
#include "testtrap.h"

struct engine {
	const struct daemon_def	*def;
	struct ipc		 ipc;
	struct ev_io		*ipc_ev;
	struct conf_rx		 rx;
	struct ipc_privsep	 privsep;
	int			 have_privsep;
	int			 started;
	struct engine_env	 env;
};

static void	 engine_dispatch_parent(int, uint32_t, void *);
static void	 engine_handle(struct engine *, struct ipc_msg *);
static void	 engine_add_listener(struct engine *, struct ipc_msg *);
static void	 engine_config_done(struct engine *);
static void	 engine_confine_early(struct engine *);
static void	 engine_confine(struct engine *);
static void	 engine_flush(struct engine *);
static void	 engine_sig(int, void *);
static void	 engine_sessions(void *);
static void	 engine_log_sink(const void *, size_t);

/* Messages of log lines that may wait for the parent, at most. */
#define LOG_QUEUE_MAX	256

_Static_assert(LOG_CHUNK <= IPC_MAXDATA, "log records must fit a message");

static struct engine	 engine;

void
engine_main(const struct daemon_def *def, int debug, int verbose)
{
	struct engine	*e = &engine;

	log_init(debug, LOG_DAEMON);
	log_setverbose(verbose);
	log_procinit("engine");
	setproctitle("engine");

	e->def = def;
	e->env.def = def;
	e->env.rootfd = -1;
	e->env.ipc = &e->ipc;
	conf_rx_init(&e->rx, def->kind);

	ev_init();
	ev_signal_add(SIGTERM, engine_sig, e);
	ev_signal_add(SIGINT, engine_sig, e);
	signal(SIGHUP, SIG_IGN);	/* the parent reloads, not us */
	signal(SIGPIPE, SIG_IGN);

	if (fcntl(ENGINE_IPC_FD, F_SETFL, O_NONBLOCK) == -1)
		fatal("engine started without its channel to the parent");
	ipc_init(&e->ipc, ENGINE_IPC_FD);
	if ((e->ipc_ev = ev_io_add(ENGINE_IPC_FD, EV_READ,
	    engine_dispatch_parent, e)) == NULL)
		fatal("ev_io_add");
	if (!debug)
		log_to_parent(engine_log_sink);
	log_hold();
	ev_run();
	exit(0);
}

static void
engine_sig(int sig, void *arg)
{
	log_debug("stopping on signal %d", sig);
	ev_exit(0);
}

static void
engine_dispatch_parent(int fd, uint32_t events, void *arg)
{
	struct engine	*e = arg;
	struct ipc_msg	 msg;
	int		 r;

	if (events & EV_WRITE)
		engine_flush(e);
	if (!(events & (EV_READ | EPOLLHUP | EPOLLERR)))
		return;
	for (;;) {
		if ((r = ipc_recv(&e->ipc, &msg)) == -1) {
			if (errno == EAGAIN)
				return;
			fatal("message from parent");
		}
		if (r == 0)
			fatalx("parent closed the channel");
		engine_handle(e, &msg);
	}
}

static void
engine_handle(struct engine *e, struct ipc_msg *msg)
{
	const char	*errstr;

	switch (msg->type) {
	case IPC_PRIVSEP:
		if (e->have_privsep || e->started)
			fatalx("privsep settings out of turn");
		if (ipc_get(msg, &e->privsep, sizeof(e->privsep)) == -1 ||
		    memchr(e->privsep.root, '\0', sizeof(e->privsep.root))
		    == NULL)
			fatalx("malformed privsep settings");
		e->have_privsep = 1;
		break;
	case IPC_LISTENER:
		engine_add_listener(e, msg);
		break;
	case IPC_RECONF_DAEMON:
	case IPC_RECONF_MENU:
	case IPC_RECONF_ENTRY:
	case IPC_RECONF_RULE:
	case IPC_RECONF_END:
		switch (conf_rx_add(&e->rx, msg, &errstr)) {
		case -1:
			fatalx("config from parent: %s", errstr);
		case 1:
			engine_config_done(e);
			break;
		}
		break;
	case IPC_CTL_QUERY:
		if (msg->len != 0)
			fatalx("malformed control query from parent");
		report_send(&e->ipc, e->started &&
		    e->def->engine_sessions != NULL ? engine_sessions : NULL,
		    e);
		engine_flush(e);
		break;
	default:
		fatalx("unexpected message type %u from parent", msg->type);
	}
	if (msg->fd != -1 && msg->type != IPC_LISTENER)
		fatalx("unexpected descriptor from parent");
}

static void
engine_add_listener(struct engine *e, struct ipc_msg *msg)
{
	struct listener	*l;
	size_t		 n = e->env.nlisteners;

	if (e->started || msg->fd == -1)
		fatalx("listener out of turn");
	if ((l = reallocarray(e->env.listeners, n + 1, sizeof(*l))) == NULL)
		fatal("%s", __func__);
	e->env.listeners = l;
	if (ipc_get(msg, &l[n].info, sizeof(l[n].info)) == -1 ||
	    memchr(l[n].info.ifname, '\0', sizeof(l[n].info.ifname)) == NULL)
		fatalx("malformed listener");
	l[n].fd = msg->fd;
	e->env.nlisteners++;
}

/* The first config confines us and starts the daemon; later ones swap. */
static void
engine_config_done(struct engine *e)
{
	struct netboot_conf	*conf = conf_rx_take(&e->rx);
	struct netboot_conf	*old;

	if (!e->started) {
		if (!e->have_privsep || e->env.nlisteners == 0)
			fatalx("config before privsep settings and sockets");
		sanitize_engine_confine();
		e->env.rootfd = privdrop(e->privsep.root, e->privsep.uid,
		    e->privsep.gid, e->privsep.chroot);
		engine_confine_early(e);
		e->env.conf = conf;
		e->env.dc = &conf->daemon[e->def->kind];
		e->started = 1;
		report_history(e->env.dc->history);
		e->def->engine_start(&e->env);
		engine_confine(e);
	} else {
		old = e->env.conf;
		e->def->engine_reload(&e->env, conf);
		e->env.conf = conf;
		e->env.dc = &conf->daemon[e->def->kind];
		conf_free(old);
		report_history(e->env.dc->history);
	}
	if (ipc_compose(&e->ipc, IPC_ENGINE_READY, -1, NULL, 0) == -1)
		fatal("ipc_compose");
	engine_flush(e);
}

/*
 * Once privileges are dropped: no process of its own ever, no core, and
 * files beneath the root only, for reading.
 */
static void
engine_confine_early(struct engine *e)
{
	struct rlimit	 zero = { 0, 0 };
	int		 abi;

	if (setrlimit(RLIMIT_NPROC, &zero) == -1 ||
	    setrlimit(RLIMIT_CORE, &zero) == -1)
		fatal("setrlimit");
	if ((abi = landlock_confine(e->env.rootfd, !e->def->chroot_empty)) >
	    0)
		log_info("Landlock ABI %d: %s", abi, e->def->chroot_empty ?
		    "no file access" : "reads beneath the root only");
}

/*
 * The last walls, once the daemon has set itself up (and raised its
 * descriptor limit as far as it wants) and before the loop reads a
 * packet: the limits stay where they are, and from here on a call
 * outside the allow-list kills.
 */
static void
engine_confine(struct engine *e)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("setrlimit RLIMIT_NOFILE");
	testtrap_arm();
	if (sysfilter_load(e->def->syscalls) == 0)
		log_info("seccomp filter loaded");
}

static void
engine_sessions(void *arg)
{
	struct engine	*e = arg;

	e->def->engine_sessions(&e->env);
}

/*
 * Our lines go to the parent, which writes them where a chrooted engine
 * cannot reach.  A parent that does not take them costs lines, counted,
 * not memory: never a call to fatal() here, which would log again.
 */
static void
engine_log_sink(const void *buf, size_t len)
{
	struct engine	*e = &engine;

	if (e->ipc.queued >= LOG_QUEUE_MAX) {
		report_count("log_messages_dropped", NULL, NULL, 1);
		return;
	}
	if (ipc_compose(&e->ipc, IPC_LOG, -1, buf, len) == -1 ||
	    ipc_flush(&e->ipc) == -1)
		return;
	if (ipc_pending(&e->ipc))
		(void)ev_io_set(e->ipc_ev, EV_READ | EV_WRITE);
}

static void
engine_flush(struct engine *e)
{
	if (ipc_flush(&e->ipc) == -1)
		fatal("send to parent");
	if (ev_io_set(e->ipc_ev, EV_READ |
	    (ipc_pending(&e->ipc) ? EV_WRITE : 0)) == -1)
		fatal("ev_io_set");
}
