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
 * The root-owned parent shared by the three daemons: it reads
 * netboot.conf, binds the sockets, starts the engine by fork and re-exec,
 * hands it the sockets and the compiled config, and hands it a new config
 * on SIGHUP.  It never reads network input.
 *
 * An engine that dies after it has started is started again, with the
 * same sockets (the parent keeps them) and the running config, after a
 * delay that doubles with each death that comes soon after a start;
 * RESTART_MAX such deaths in a row end the daemon.  An engine that dies
 * before it has started ends the daemon at once: a new one would die the
 * same way.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confipc.h"
#include "ctlsock.h"
#include "daemon.h"
#include "ev.h"
#include "ipc.h"
#include "log.h"
#include "neigh.h"
#include "privdrop.h"
#include "sanitize.h"
#include "sysfilter.h"

#define ENGINE_STOP_GRACE	(5 * 1000000ULL)	/* usec */
#define RESTART_DELAY		(500 * 1000ULL)		/* usec, then doubled */
#define RESTART_MAX		5	/* quick deaths in a row: give up */
#define RESTART_HEALTHY		(60 * 1000000ULL)	/* usec: not quick */

struct parent {
	const struct daemon_def	*def;
	const char		*conffile;
	struct netboot_conf	*conf;
	struct listener		*listeners;
	size_t			 nlisteners;
	struct ipc_privsep	 privsep;
	char			 exe[PATH_MAX];
	int			 debug;
	int			 verbose;
	pid_t			 engine_pid;
	struct ipc		 ipc;
	struct ev_io		*ipc_ev;
	struct ev_timer		*kill_timer;
	struct ev_timer		*restart_timer;
	uint64_t		 engine_since;	/* ev_now() at its start */
	unsigned int		 deaths;	/* quick ones in a row */
	struct ipc_syscall	 syscall;	/* the engine's last word */
	int			 have_syscall;
	int			 started;
	int			 restarting;	/* until the new one is READY */
	int			 reloading;
	int			 stopping;
};

static void	 parent_check_host(struct parent *);
static void	 parent_check_user(struct parent *, const struct daemon_conf *);
static void	 parent_check_dirs(struct parent *, const struct daemon_conf *);
static void	 parent_open_listeners(struct parent *);
static void	 parent_spawn_engine(struct parent *);
__dead static void engine_exec(struct parent *, int);
static void	 parent_send_start(struct parent *);
static void	 parent_flush(struct parent *);
static void	 parent_dispatch_engine(int, uint32_t, void *);
static void	 parent_read_engine(struct parent *);
static int	 parent_handle_engine(struct parent *, struct ipc_msg *);
static void	 parent_engine_ready(struct parent *);
static void	 parent_engine_bad(struct parent *, const char *);
static void	 parent_sig(int, void *);
static int	 parent_reload(struct parent *);
static void	 parent_warn_restart(const struct daemon_conf *,
		    const struct daemon_conf *);
static void	 parent_stop(struct parent *);
static void	 parent_reap(struct parent *);
static void	 parent_engine_died(struct parent *, int);
static void	 parent_log_death(struct parent *, int);
static void	 parent_close_engine(struct parent *);
static void	 parent_restart(void *);
static void	 parent_kill_engine(void *);
static void	 ctl_ask(void *);
static int	 ctl_reload(void *);
static pid_t	 ctl_engine_pid(void *);
static int	 parent_mac(const char *, char *, size_t);

static struct parent	 parent;
static const struct ctl_ops parent_ctl_ops = {
	ctl_ask, ctl_reload, ctl_engine_pid, &parent
};

int
parent_main(const struct daemon_def *def, const char *conffile, int debug,
    int verbose)
{
	struct parent	*p = &parent;
	ssize_t		 n;

	p->def = def;
	p->conffile = conffile;
	p->debug = debug;
	p->verbose = verbose;

	/* The engine is this very binary, started afresh. */
	if ((n = readlink("/proc/self/exe", p->exe, sizeof(p->exe) - 1)) == -1)
		err(1, "readlink /proc/self/exe");
	p->exe[n] = '\0';

	if ((p->conf = conf_parse(conffile)) == NULL)
		exit(1);
	log_init(debug, LOG_DAEMON);
	log_setverbose(verbose);
	log_mac_lookup(parent_mac);
	parent_check_host(p);
	parent_open_listeners(p);
	ctl_open(def->name, def->kind, p->conf, conffile);

	if (!debug && getenv("NOTIFY_SOCKET") == NULL &&
	    getenv("INVOCATION_ID") == NULL && daemon(0, 0) == -1)
		fatal("daemon");
	log_procinit("parent");
	setproctitle("parent");

	ev_init();
	ev_signal_add(SIGTERM, parent_sig, p);
	ev_signal_add(SIGINT, parent_sig, p);
	ev_signal_add(SIGHUP, parent_sig, p);
	ev_signal_add(SIGCHLD, parent_sig, p);
	signal(SIGPIPE, SIG_IGN);
	if ((p->kill_timer = ev_timer_new(parent_kill_engine, p)) == NULL ||
	    (p->restart_timer = ev_timer_new(parent_restart, p)) == NULL)
		fatal("ev_timer_new");
	ctl_start(&parent_ctl_ops);

	parent_spawn_engine(p);
	parent_send_start(p);
	ev_run();
	return 0;
}

/* What the config cannot know: users, directories, interfaces. */
static void
parent_check_host(struct parent *p)
{
	const struct daemon_conf	*dc = &p->conf->daemon[p->def->kind];
	size_t				 i;

	parent_check_user(p, dc);
	parent_check_dirs(p, dc);
	for (i = 0; i < dc->nlisten; i++)
		if (dc->listen[i].ifname[0] != '\0' &&
		    if_nametoindex(dc->listen[i].ifname) == 0)
			errx(1, "%s:%d: interface %s does not exist",
			    p->conffile, dc->listen[i].line,
			    dc->listen[i].ifname);
}

static void
parent_check_user(struct parent *p, const struct daemon_conf *dc)
{
	struct passwd	*pw;

	if (geteuid() != 0) {
		p->privsep.uid = geteuid();
		p->privsep.gid = getegid();
		p->privsep.chroot = 0;
		return;
	}
	if ((pw = getpwnam(dc->user)) == NULL)
		errx(1, "user \"%s\" does not exist: create it (useradd "
		    "--system --no-create-home %s) or set user in %s",
		    dc->user, dc->user, p->conffile);
	if (pw->pw_uid == 0)
		errx(1, "user \"%s\" is root: the engine must not run as root",
		    dc->user);
	p->privsep.uid = pw->pw_uid;
	p->privsep.gid = pw->pw_gid;
	p->privsep.chroot = 1;
}

static void
parent_check_dirs(struct parent *p, const struct daemon_conf *dc)
{
	const char	*dir, *why;

	dir = p->def->chroot_empty ? dc->chroot : dc->root;
	if (strlcpy(p->privsep.root, dir, sizeof(p->privsep.root)) >=
	    sizeof(p->privsep.root))
		errx(1, "%s: path too long", dir);
	if (p->def->chroot_empty && p->privsep.chroot &&
	    mkdir(dir, 0755) == -1 && errno != EEXIST)
		err(1, "mkdir %s", dir);
	if (!p->privsep.chroot) {
		if (access(dir, R_OK | X_OK) == -1)
			err(1, "%s directory %s", p->def->chroot_empty ?
			    "chroot" : "root", dir);
		log_warnx("not started as root: the engine keeps uid %u, is not "
		    "chrooted and opens files beneath %s only through "
		    "RESOLVE_BENEATH", (unsigned int)geteuid(), dir);
		return;
	}
	if (privdrop_check_root(dir, &why) == -1)
		errx(1, "%s directory %s: %s", p->def->chroot_empty ?
		    "chroot" : "root", dir, why);
}

static void
parent_open_listeners(struct parent *p)
{
	const struct daemon_conf	*dc = &p->conf->daemon[p->def->kind];
	int				 n;

	if ((n = listen_activated(p->def, &p->listeners, &p->nlisteners)) > 0) {
		log_info("using %d sockets from socket activation", n);
		return;
	}
	if (n == -1)
		fatal("sd_listen_fds");
	if (p->def->open_listeners != NULL)
		n = p->def->open_listeners(p->def, dc, &p->listeners,
		    &p->nlisteners);
	else
		n = listen_open(p->def, dc, &p->listeners, &p->nlisteners);
	if (n == -1)
		exit(1);
	if (p->nlisteners == 0)
		errx(1, "no socket to listen on");
}

static void
parent_spawn_engine(struct parent *p)
{
	int	 sp[2];
	pid_t	 pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("socketpair");
	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		close(sp[0]);
		engine_exec(p, sp[1]);
	}
	close(sp[1]);
	if (fcntl(sp[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	p->engine_pid = pid;
	p->engine_since = ev_now();
	p->have_syscall = 0;
	ipc_init(&p->ipc, sp[0]);
	if ((p->ipc_ev = ev_io_add(sp[0], EV_READ, parent_dispatch_engine,
	    p)) == NULL)
		fatal("ev_io_add");
}

/*
 * A fresh exec gives every engine its own address-space layout; the
 * socketpair is the only descriptor it inherits besides stdio.  The
 * environment goes with it (NETBOOT_TEST_TRAP is for the engine).
 */
__dead static void
engine_exec(struct parent *p, int fd)
{
	char		*argv[8];
	sigset_t	 none;
	int		 argc = 0;

	if (fd == ENGINE_IPC_FD) {
		if (fcntl(fd, F_SETFD, 0) == -1)
			_exit(127);
	} else if (dup2(fd, ENGINE_IPC_FD) == -1)
		_exit(127);
	closefrom(ENGINE_IPC_FD + 1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	argv[argc++] = (char *)p->def->name;
	argv[argc++] = "-E";
	if (p->debug)
		argv[argc++] = "-d";
	if (p->verbose > 0)
		argv[argc++] = p->verbose > 1 ? "-vv" : "-v";
	argv[argc] = NULL;
	sanitize_engine_exec();
	execv(p->exe, argv);
	fprintf(stderr, "%s: exec %s: %s\n", p->def->name, p->exe,
	    strerror(errno));
	_exit(127);
}

/* The engine gets copies of the sockets: a new engine needs them too. */
static void
parent_send_start(struct parent *p)
{
	size_t	 i;
	int	 fd;

	if (ipc_compose(&p->ipc, IPC_PRIVSEP, -1, &p->privsep,
	    sizeof(p->privsep)) == -1)
		fatal("ipc_compose");
	for (i = 0; i < p->nlisteners; i++) {
		if ((fd = fcntl(p->listeners[i].fd, F_DUPFD_CLOEXEC, 0)) == -1)
			fatal("dup listener");
		if (ipc_compose(&p->ipc, IPC_LISTENER, fd,
		    &p->listeners[i].info, sizeof(p->listeners[i].info)) == -1)
			fatal("ipc_compose");
	}
	if (conf_send(&p->ipc, p->conf, p->def->kind) == -1)
		fatal("conf_send");
	parent_flush(p);
}

static void
parent_flush(struct parent *p)
{
	if (ipc_flush(&p->ipc) == -1)
		fatal("send to engine");
	if (ev_io_set(p->ipc_ev, EV_READ |
	    (ipc_pending(&p->ipc) ? EV_WRITE : 0)) == -1)
		fatal("ev_io_set");
}

/* Messages from the engine are hostile: exact type, size and state. */
static void
parent_dispatch_engine(int fd, uint32_t events, void *arg)
{
	struct parent	*p = arg;

	if (events & EV_WRITE)
		parent_flush(p);
	if (events & (EV_READ | EPOLLHUP | EPOLLERR))
		parent_read_engine(p);
}

static void
parent_read_engine(struct parent *p)
{
	struct ipc_msg	 msg;
	int		 r;

	while (p->ipc_ev != NULL) {
		if ((r = ipc_recv(&p->ipc, &msg)) == -1) {
			if (errno == EAGAIN)
				return;
			parent_engine_bad(p, errno == EBADMSG ?
			    "a malformed message" : strerror(errno));
			return;
		}
		if (r == 0) {
			/* The engine is gone; SIGCHLD tells us why. */
			ev_io_del(p->ipc_ev);
			p->ipc_ev = NULL;
			ctl_engine_gone();
			return;
		}
		if (parent_handle_engine(p, &msg) == -1)
			return;
	}
}

static int
parent_handle_engine(struct parent *p, struct ipc_msg *msg)
{
	const char	*e;

	if (msg->fd != -1) {
		close(msg->fd);
		parent_engine_bad(p, "a descriptor");
		return -1;
	}
	switch (msg->type) {
	case IPC_ENGINE_READY:
		if (msg->len != 0 ||
		    (p->started && !p->restarting && !p->reloading)) {
			parent_engine_bad(p, "READY out of turn");
			return -1;
		}
		parent_engine_ready(p);
		break;
	case IPC_ENGINE_SYSCALL:
		/* Only ever logged: the engine may lie, it cannot harm. */
		if (ipc_get(msg, &p->syscall, sizeof(p->syscall)) == -1) {
			parent_engine_bad(p, "a malformed system call report");
			return -1;
		}
		p->have_syscall = 1;
		break;
	case IPC_CTL_COUNTERS:
	case IPC_CTL_SESSIONS:
	case IPC_CTL_END:
		if ((e = ctl_engine_msg(msg)) != NULL) {
			parent_engine_bad(p, e);
			return -1;
		}
		break;
	case IPC_LOG:
		if (log_records(msg->data, msg->len, p->engine_pid, &e) ==
		    -1) {
			parent_engine_bad(p, e);
			return -1;
		}
		break;
	default:
		parent_engine_bad(p, "an unexpected message");
		return -1;
	}
	return 0;
}

static void
parent_engine_ready(struct parent *p)
{
	if (!p->started) {
		p->started = 1;
		log_info("started, engine pid %d", (int)p->engine_pid);
	} else if (p->restarting) {
		p->restarting = 0;
		log_info("engine restarted, pid %d", (int)p->engine_pid);
		notify_status("serving");
		return;
	} else {
		log_info("configuration reloaded");
		ctl_reload_done(1);
	}
	p->reloading = 0;
	notify_ready();
}

/* An engine that breaks the protocol is taken over: it goes. */
static void
parent_engine_bad(struct parent *p, const char *what)
{
	log_warnx("engine pid %d sent %s: killing it", (int)p->engine_pid,
	    what);
	if (p->ipc_ev != NULL) {
		ev_io_del(p->ipc_ev);
		p->ipc_ev = NULL;
	}
	if (p->engine_pid > 0)
		kill(p->engine_pid, SIGKILL);
}

static void
parent_sig(int sig, void *arg)
{
	struct parent	*p = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		parent_stop(p);
		break;
	case SIGHUP:
		parent_reload(p);
		break;
	case SIGCHLD:
		parent_reap(p);
		break;
	}
}

/*
 * On any error the old config stays in force; it always ends READY.
 * Returns 0 when the new config went to the engine, 1 when it is in
 * force already (no engine runs), -1 when it was not taken.
 */
static int
parent_reload(struct parent *p)
{
	struct netboot_conf	*nconf;
	enum nb_daemon		 k = p->def->kind;

	if (p->stopping)
		return -1;
	notify_reloading();
	log_info("reloading %s", p->conffile);
	if ((nconf = conf_parse(p->conffile)) == NULL) {
		log_warnx("%s has errors: keeping the running configuration",
		    p->conffile);
		notify_ready();
		return -1;
	}
	parent_warn_restart(&p->conf->daemon[k], &nconf->daemon[k]);
	conf_free(p->conf);
	p->conf = nconf;
	ctl_loaded(p->conf, p->conffile, 1);
	if (p->engine_pid == -1) {
		/* Between engines: the next one starts with it. */
		log_info("configuration reloaded");
		notify_ready();
		return 1;
	}
	p->reloading = 1;
	if (conf_send(&p->ipc, p->conf, k) == -1)
		fatal("conf_send");
	parent_flush(p);
	return 0;
}

static void
parent_warn_restart(const struct daemon_conf *o, const struct daemon_conf *n)
{
	if (o->nlisten != n->nlisten || memcmp(o->listen, n->listen,
	    sizeof(o->listen[0]) * o->nlisten) != 0)
		log_warnx("listen changed: restart to apply");
	if (strcmp(o->root, n->root) != 0)
		log_warnx("root changed: restart to apply");
	if (strcmp(o->user, n->user) != 0)
		log_warnx("user changed: restart to apply");
	if (strcmp(o->chroot, n->chroot) != 0)
		log_warnx("chroot changed: restart to apply");
}

static void
parent_stop(struct parent *p)
{
	if (p->stopping)
		return;
	p->stopping = 1;
	notify_stopping();
	log_info("stopping");
	if (p->engine_pid == -1)
		exit(0);
	if (kill(p->engine_pid, SIGTERM) == -1 && errno != ESRCH)
		log_warn("kill engine");
	ev_timer_arm(p->kill_timer, ENGINE_STOP_GRACE);
}

static void
parent_kill_engine(void *arg)
{
	struct parent	*p = arg;

	if (p->engine_pid == -1)
		return;
	log_warnx("engine did not stop in time: killing it");
	kill(p->engine_pid, SIGKILL);
}

static void
parent_reap(struct parent *p)
{
	pid_t	 pid;
	int	 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != p->engine_pid)
			continue;
		if (p->stopping)
			exit(0);
		parent_engine_died(p, status);
	}
}

static void
parent_engine_died(struct parent *p, int status)
{
	uint64_t	 delay;

	parent_read_engine(p);		/* its last word, if any */
	parent_log_death(p, status);
	parent_close_engine(p);
	if (!p->started)
		fatalx("the engine died before it started");
	if (ev_now() - p->engine_since >= RESTART_HEALTHY)
		p->deaths = 0;
	if (++p->deaths >= RESTART_MAX)
		fatalx("the engine died %u times in a row, each less than %llu "
		    "seconds after its start: giving up", p->deaths,
		    RESTART_HEALTHY / 1000000);
	delay = RESTART_DELAY << (p->deaths - 1);
	log_warnx("starting a new engine in %llu ms",
	    (unsigned long long)delay / 1000);
	notify_status("engine died; a new one starts in %llu ms",
	    (unsigned long long)delay / 1000);
	ev_timer_arm(p->restart_timer, delay);
}

/* Which call, when seccomp killed it: the list may need that call. */
static void
parent_log_death(struct parent *p, int status)
{
	char	 name[64];
	int	 sig;

	if (!WIFSIGNALED(status)) {
		log_warnx("engine pid %d exited with status %d",
		    (int)p->engine_pid, WEXITSTATUS(status));
		return;
	}
	sig = WTERMSIG(status);
	if (sig == SIGSYS && p->have_syscall)
		log_warnx("engine pid %d killed by signal %d (%s): forbidden "
		    "system call %s (nr %d, arch 0x%x); if the engine needs "
		    "it, add it to %s/syscalls.c", (int)p->engine_pid, sig,
		    strsignal(sig), sysfilter_name(p->syscall.nr,
		    p->syscall.arch, name, sizeof(name)), p->syscall.nr,
		    p->syscall.arch, p->def->name);
	else if (sig == SIGSYS)
		log_warnx("engine pid %d killed by signal %d (%s): a forbidden "
		    "system call it did not name", (int)p->engine_pid, sig,
		    strsignal(sig));
	else
		log_warnx("engine pid %d killed by signal %d (%s)",
		    (int)p->engine_pid, sig, strsignal(sig));
}

static void
parent_close_engine(struct parent *p)
{
	if (p->ipc_ev != NULL) {
		ev_io_del(p->ipc_ev);
		p->ipc_ev = NULL;
	}
	ipc_clear(&p->ipc);
	close(p->ipc.fd);
	p->ipc.fd = -1;
	p->engine_pid = -1;
	p->have_syscall = 0;
	p->reloading = 0;
	ctl_engine_gone();
}

static void
parent_restart(void *arg)
{
	struct parent	*p = arg;

	if (p->stopping)
		return;
	p->restarting = 1;
	parent_spawn_engine(p);
	parent_send_start(p);
}

/* The control socket's ways into the parent. */
static void
ctl_ask(void *arg)
{
	struct parent	*p = arg;

	if (ipc_compose(&p->ipc, IPC_CTL_QUERY, -1, NULL, 0) == -1)
		fatal("ipc_compose");
	parent_flush(p);
}

static int
ctl_reload(void *arg)
{
	return parent_reload(arg);
}

static pid_t
ctl_engine_pid(void *arg)
{
	struct parent	*p = arg;

	return p->ipc_ev != NULL && p->engine_pid > 0 ? p->engine_pid : 0;
}

/* The MAC of a client on our links, for the journal's CLIENT_MAC. */
static int
parent_mac(const char *ip, char *buf, size_t len)
{
	struct nb_addr	 a;
	uint8_t		 hw[16], hwlen;

	if (addr_parse(ip, &a) == -1 || !neigh_lookup(&a, hw, &hwlen))
		return 0;
	hwaddr_ntop(hw, hwlen, buf, len);
	return 1;
}
