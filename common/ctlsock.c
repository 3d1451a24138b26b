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
 * The control socket lives in the parent, which never reads the network
 * and runs as root: it binds <directory>/<daemon>.sock, root's or also a
 * group's, and answers each query from a report of its engine asked for
 * after the query came.  One report is asked for at a time, and every
 * query that came meanwhile is answered by the next one, so that clients
 * asking in a loop cost the engine one report at a time however many.
 *
 * A client may send one query at a time and must take the answer within
 * CLIENT_TIMEOUT of asking, or of connecting; at most MAXCLIENTS are
 * served at once.  Anything else it sends is refused with CTL_ERROR, a
 * log line, and the end of the connection.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <sha2.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#include "config.h"
#include "ctl.h"
#include "ctlsock.h"
#include "ev.h"
#include "ipc.h"
#include "log.h"
#include "neigh.h"

#define MAXCLIENTS	16
#define CLIENT_TIMEOUT	(10 * 1000000ULL)	/* usec */
#define ENGINE_TIMEOUT	(5 * 1000000ULL)
#define PER_MSG(t)	(IPC_MAXDATA / sizeof(t))
#define MAXSESSIONS	(CTL_MAXACTIVE + NB_HISTORY_MAX)

enum client_state {
	C_IDLE,			/* may ask */
	C_REPORT,		/* waits for the report being made */
	C_NEXT,			/* waits for the one after */
	C_RELOAD,		/* waits for the engine to take a config */
	C_CLOSING		/* closes once its answer is out */
};

struct client {
	TAILQ_ENTRY(client)	 entry;
	struct ipc		 ipc;
	struct ev_io		*ev;
	struct ev_timer		*timer;
	uid_t			 uid;
	pid_t			 pid;
	uint32_t		 what;
	enum client_state	 state;
};
TAILQ_HEAD(client_list, client);

static int		 dir_ready(const char *);
static int		 sock_in_use(const struct sockaddr_un *);
static int		 sock_bind(int, const struct sockaddr_un *, gid_t);
static gid_t		 group_gid(const char *);
static void		 ctl_unlink(void);
static void		 ctl_accept(int, uint32_t, void *);
static void		 client_new(int);
static void		 client_free(struct client *);
static void		 client_event(int, uint32_t, void *);
static int		 client_msg(struct client *, struct ipc_msg *);
static int		 client_flush(struct client *);
static void		 client_timeout(void *);
static void		 client_text(struct client *, uint32_t, const char *);
static int		 refuse(struct client *, const char *);
static int		 query(struct client *, const struct ctl_query *);
static int		 reload(struct client *);
static void		 ask_engine(void);
static void		 engine_late(void *);
static const char	*take_counters(const struct ipc_msg *);
static const char	*take_sessions(const struct ipc_msg *);
static const char	*take_end(const struct ipc_msg *);
static void		 session_mac(struct ctl_session *);
static void		 next_report(void);
static int		 answer(struct client *);
static void		 answer_sessions(struct client *);
static void		 answer_all(enum client_state, uint32_t, const char *);
static uint64_t		 wall_now(void);
static uint64_t		 to_wall(uint64_t, uint64_t, uint64_t);

static struct {
	const struct ctl_ops	*ops;
	enum nb_daemon		 kind;
	int			 fd;		/* -1: no control socket */
	struct ev_io		*ev;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char			 dir[NB_PATHLEN];
	char			 group[NB_NAMELEN];
	dev_t			 dev;		/* of our socket file */
	ino_t			 ino;
	struct client_list	 clients;
	size_t			 nclients;
	struct ctl_status	 st;

	/* The report being received. */
	int			 asking;
	struct ev_timer		*late;
	int			 late_armed;
	struct ctl_counter	 counters[CTL_MAXCOUNTERS];
	size_t			 ncounters;
	struct ctl_session	*sessions;
	size_t			 nsessions;
	size_t			 sessions_cap;
	struct ctl_end		 end;
} ctl = { .fd = -1 };

static struct ipc_msg	 cmsg;

/*
 * A socket that cannot be made is fatal as root, where the operator
 * asked for it, and only logged otherwise; one that another daemon of
 * ours answers on is left to it.
 */
void
ctl_open(const char *daemon, enum nb_daemon kind,
    const struct netboot_conf *conf, const char *conffile)
{
	struct sockaddr_un	 sun;
	struct stat		 sb;
	gid_t			 gid;
	int			 root = geteuid() == 0;

	TAILQ_INIT(&ctl.clients);
	ctl.kind = kind;
	strlcpy(ctl.st.daemon, daemon, sizeof(ctl.st.daemon));
	strlcpy(ctl.st.version_str, NB_VERSION, sizeof(ctl.st.version_str));
	strlcpy(ctl.dir, conf->control.directory, sizeof(ctl.dir));
	ctl.st.started = wall_now();
	ctl_loaded(conf, conffile, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (ctl_socket_path(ctl.dir, daemon, sun.sun_path,
	    sizeof(sun.sun_path)) == NULL)
		errx(1, "%s: control directory too long", ctl.dir);
	if (dir_ready(ctl.dir) == -1) {
		if (root)
			exit(1);
		return;
	}
	gid = group_gid(conf->control.group);
	if (sock_in_use(&sun))
		return;
	if ((ctl.fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (sock_bind(ctl.fd, &sun, gid) == -1 ||
	    listen(ctl.fd, MAXCLIENTS) == -1 || stat(sun.sun_path, &sb) == -1) {
		if (root)
			err(1, "control socket %s", sun.sun_path);
		log_warn("control socket %s", sun.sun_path);
		close(ctl.fd);
		ctl.fd = -1;
		return;
	}
	strlcpy(ctl.path, sun.sun_path, sizeof(ctl.path));
	ctl.dev = sb.st_dev;
	ctl.ino = sb.st_ino;
	atexit(ctl_unlink);
	if (gid != (gid_t)-1) {
		strlcpy(ctl.group, conf->control.group, sizeof(ctl.group));
		if (chmod(ctl.path, 0660) == -1)
			fatal("chmod %s", ctl.path);
	}
}

/*
 * The group's socket is made with that group as our own: the file takes
 * it without a chown, so that the parent needs no CAP_CHOWN.
 */
static int
sock_bind(int s, const struct sockaddr_un *sun, gid_t gid)
{
	gid_t	 egid = getegid();
	mode_t	 old;
	int	 r, saved;

	if (gid != (gid_t)-1 && setegid(gid) == -1)
		return -1;
	old = umask(0177);
	r = bind(s, (const struct sockaddr *)sun, sizeof(*sun));
	saved = errno;
	umask(old);
	if (gid != (gid_t)-1 && setegid(egid) == -1)
		fatal("setegid %u", (unsigned int)egid);
	errno = saved;
	return r;
}

/* The control group's gid, or -1 for root's alone. */
static gid_t
group_gid(const char *group)
{
	struct group	*gr;

	if (group[0] == '\0')
		return -1;
	if ((gr = getgrnam(group)) == NULL)
		errx(1, "control group \"%s\" does not exist: create it "
		    "(groupadd --system %s) or change the control block",
		    group, group);
	if (geteuid() != 0) {
		log_warnx("not started as root: the control socket is not "
		    "the group %s's", group);
		return -1;
	}
	return gr->gr_gid;
}

/* The directory: made when missing, ours, and writable by us alone. */
static int
dir_ready(const char *dir)
{
	struct stat	 sb;

	/* Made searchable by a control group whatever our umask. */
	if (mkdir(dir, 0755) == 0)
		(void)chmod(dir, 0755);
	else if (errno != EEXIST) {
		log_warn("control directory %s", dir);
		return -1;
	}
	if (stat(dir, &sb) == -1) {
		log_warn("control directory %s", dir);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH))) {
		log_warnx("control directory %s: not a directory of uid %u "
		    "that only it may write", dir, (unsigned int)geteuid());
		return -1;
	}
	return 0;
}

/* A socket that answers is another daemon's; a dead one is removed. */
static int
sock_in_use(const struct sockaddr_un *sun)
{
	struct stat	 sb;
	int		 s, r;

	if (lstat(sun->sun_path, &sb) == -1)
		return 0;
	if (!S_ISSOCK(sb.st_mode)) {
		log_warnx("control socket %s: not a socket; no control "
		    "socket", sun->sun_path);
		return 1;
	}
	if ((s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	r = connect(s, (const struct sockaddr *)sun, sizeof(*sun));
	close(s);
	if (r == 0) {
		log_warnx("control socket %s is in use by another daemon; "
		    "this one runs without a control socket", sun->sun_path);
		return 1;
	}
	if (unlink(sun->sun_path) == -1 && errno != ENOENT)
		log_warn("unlink %s", sun->sun_path);
	return 0;
}

/* Only our own file: another daemon may have taken the path since. */
static void
ctl_unlink(void)
{
	struct stat	 sb;

	if (ctl.path[0] == '\0')
		return;
	if (lstat(ctl.path, &sb) == 0 && sb.st_dev == ctl.dev &&
	    sb.st_ino == ctl.ino)
		unlink(ctl.path);
	ctl.path[0] = '\0';
}

void
ctl_close(void)
{
	ctl_unlink();
}

void
ctl_start(const struct ctl_ops *ops)
{
	ctl.ops = ops;
	ctl.st.pid = getpid();
	if ((ctl.late = ev_timer_new(engine_late, NULL)) == NULL)
		fatal("ev_timer_new");
	if (ctl.fd == -1)
		return;
	if ((ctl.ev = ev_io_add(ctl.fd, EV_READ, ctl_accept, NULL)) == NULL)
		fatal("ev_io_add");
	log_info("control socket %s", ctl.path);
}

void
ctl_loaded(const struct netboot_conf *conf, const char *conffile,
    int reloaded)
{
	char	 digest[SHA256_DIGEST_STRING_LENGTH], path[PATH_MAX];

	/* The file's full name, made printable for the client's check. */
	if (realpath(conffile, path) == NULL)
		strlcpy(path, conffile, sizeof(path));
	strnvis(ctl.st.conffile, path, sizeof(ctl.st.conffile),
	    VIS_OCTAL | VIS_TAB | VIS_NL);
	if (SHA256File(conffile, digest) == NULL)
		ctl.st.digest[0] = '\0';
	else
		strlcpy(ctl.st.digest, digest, sizeof(ctl.st.digest));
	ctl.st.loaded = wall_now();
	ctl.st.history = conf->daemon[ctl.kind].history;
	if (!reloaded)
		return;
	ctl.st.reloads++;
	if (strcmp(ctl.dir, conf->control.directory) != 0)
		log_warnx("control directory changed: restart to apply");
	if (strcmp(ctl.group, conf->control.group) == 0 || ctl.fd == -1)
		return;
	if (conf->control.group[0] != '\0') {
		log_warnx("control group changed: restart to apply");
		return;
	}
	if (chmod(ctl.path, 0600) == -1)
		log_warn("chmod %s", ctl.path);
	ctl.group[0] = '\0';
}

static void
ctl_accept(int fd, uint32_t events, void *arg)
{
	int	 s;

	for (;;) {
		if ((s = accept4(fd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("control: accept");
			return;
		}
		if (ctl.nclients >= MAXCLIENTS) {
			log_warnx("control: %d clients already: refusing "
			    "another", MAXCLIENTS);
			close(s);
			continue;
		}
		client_new(s);
	}
}

static void
client_new(int s)
{
	struct client	*c;
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("control client");
		close(s);
		return;
	}
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("control: SO_PEERCRED");
		close(s);
		free(c);
		return;
	}
	c->uid = cred.uid;
	c->pid = cred.pid;
	ipc_init(&c->ipc, s);
	ipc_set_ntypes(&c->ipc, CTL_NTYPES);
	if ((c->ev = ev_io_add(s, EV_READ, client_event, c)) == NULL ||
	    (c->timer = ev_timer_new(client_timeout, c)) == NULL)
		fatal("control client");
	ev_timer_arm(c->timer, CLIENT_TIMEOUT);
	TAILQ_INSERT_TAIL(&ctl.clients, c, entry);
	ctl.nclients++;
}

static void
client_free(struct client *c)
{
	TAILQ_REMOVE(&ctl.clients, c, entry);
	ctl.nclients--;
	ev_io_del(c->ev);
	ev_timer_del(c->timer);
	ipc_clear(&c->ipc);
	close(c->ipc.fd);
	free(c);
}

static void
client_event(int fd, uint32_t events, void *arg)
{
	struct client	*c = arg;
	int		 r;

	if (events & EV_WRITE) {
		client_flush(c);
		return;		/* freed, perhaps; a read waits its turn */
	}
	while (c->state != C_CLOSING) {
		if ((r = ipc_recv(&c->ipc, &cmsg)) == -1) {
			if (errno == EAGAIN)
				return;
			if (errno == EBADMSG) {
				refuse(c, "malformed or oversized message");
				return;
			}
			client_free(c);
			return;
		}
		if (r == 0) {
			client_free(c);
			return;
		}
		if (client_msg(c, &cmsg) == -1)
			return;
	}
}

/* -1 when the client is gone, here and in what it calls. */
static int
client_msg(struct client *c, struct ipc_msg *msg)
{
	struct ctl_query	 q;
	const char		*why;

	if (msg->fd != -1) {
		close(msg->fd);
		return refuse(c, "message with a descriptor");
	}
	if (c->state != C_IDLE)
		return refuse(c, "a query before the last one was answered");
	switch (ctl_query_check(msg, c->uid, &q, &why)) {
	case CTL_QUERY:
		return query(c, &q);
	case CTL_RELOAD:
		return reload(c);
	default:
		return refuse(c, why);
	}
}

static int
client_flush(struct client *c)
{
	if (ipc_flush(&c->ipc) == -1 ||
	    (!ipc_pending(&c->ipc) && c->state == C_CLOSING)) {
		client_free(c);
		return -1;
	}
	if (ev_io_set(c->ev, ipc_pending(&c->ipc) ? EV_WRITE : EV_READ) == -1)
		fatal("ev_io_set");
	return 0;
}

static void
client_timeout(void *arg)
{
	struct client	*c = arg;

	log_warnx("control: client uid %u pid %d took too long: closed",
	    (unsigned int)c->uid, (int)c->pid);
	client_free(c);
}

static void
client_text(struct client *c, uint32_t type, const char *msg)
{
	struct ctl_text	 t;

	memset(&t, 0, sizeof(t));
	strlcpy(t.msg, msg, sizeof(t.msg));
	if (ipc_compose(&c->ipc, type, -1, &t, sizeof(t)) == -1)
		fatal("ipc_compose");
}

static int
refuse(struct client *c, const char *why)
{
	log_warnx("control: refused client uid %u pid %d: %s",
	    (unsigned int)c->uid, (int)c->pid, why);
	client_text(c, CTL_ERROR, why);
	c->state = C_CLOSING;
	return client_flush(c);
}

static int
query(struct client *c, const struct ctl_query *q)
{
	c->what = q->what;
	c->state = ctl.asking ? C_NEXT : C_REPORT;
	ev_timer_arm(c->timer, CLIENT_TIMEOUT);
	ask_engine();
	return 0;
}

static int
reload(struct client *c)
{
	log_info("reload asked by uid %u pid %d", (unsigned int)c->uid,
	    (int)c->pid);
	ev_timer_arm(c->timer, CLIENT_TIMEOUT);
	switch (ctl.ops->reload(ctl.ops->arg)) {
	case -1:
		client_text(c, CTL_ERROR, "not reloaded: the running "
		    "configuration stays (the log says why)");
		return client_flush(c);
	case 1:
		client_text(c, CTL_OK, "reloaded");
		return client_flush(c);
	}
	c->state = C_RELOAD;
	return 0;
}

/* One report at a time; a wedged engine costs each waiting client. */
static void
ask_engine(void)
{
	if (!ctl.late_armed) {
		ev_timer_arm(ctl.late, ENGINE_TIMEOUT);
		ctl.late_armed = 1;
	}
	if (ctl.asking)
		return;
	ctl.asking = 1;
	ctl.ncounters = 0;
	ctl.nsessions = 0;
	ctl.ops->ask(ctl.ops->arg);
}

static void
engine_late(void *arg)
{
	ctl.late_armed = 0;
	log_warnx("control: the engine did not report in time");
	answer_all(C_REPORT, CTL_ERROR, "the engine did not answer in time");
	answer_all(C_NEXT, CTL_ERROR, "the engine did not answer in time");
}

/*
 * The engine is hostile to us: every record and count is checked, and
 * what is wrong returned, for the parent to deal with the engine.
 */
const char *
ctl_engine_msg(const struct ipc_msg *msg)
{
	if (!ctl.asking)
		return "a report unasked";
	switch (msg->type) {
	case IPC_CTL_COUNTERS:
		return take_counters(msg);
	case IPC_CTL_SESSIONS:
		return take_sessions(msg);
	case IPC_CTL_END:
		return take_end(msg);
	default:
		return "not a report";
	}
}

static const char *
take_counters(const struct ipc_msg *msg)
{
	const char	*e;
	size_t		 n, good;

	if (!ctl_records(msg->len, sizeof(struct ctl_counter), &n) ||
	    n > CTL_MAXCOUNTERS - ctl.ncounters)
		return "a malformed or oversized counter report";
	e = ctl_take_counters(msg->data, n, &ctl.counters[ctl.ncounters],
	    &good);
	ctl.ncounters += good;
	return e;
}

static const char *
take_sessions(const struct ipc_msg *msg)
{
	struct ctl_session	*s;
	const char		*e;
	size_t			 i, n, cap, good;
	uint64_t		 mono = ev_clock(), wall = wall_now();

	if (!ctl_records(msg->len, sizeof(*s), &n) ||
	    n > MAXSESSIONS - ctl.nsessions)
		return "a malformed or oversized session report";
	if (ctl.nsessions + n > ctl.sessions_cap) {
		cap = ctl.sessions_cap ? ctl.sessions_cap * 2 : 256;
		while (cap < ctl.nsessions + n)
			cap *= 2;
		if ((s = reallocarray(ctl.sessions, cap, sizeof(*s))) == NULL)
			fatal("%s", __func__);
		ctl.sessions = s;
		ctl.sessions_cap = cap;
	}
	if ((e = ctl_take_sessions(msg->data, n,
	    &ctl.sessions[ctl.nsessions], &good)) != NULL)
		return e;
	for (i = 0; i < n; i++) {
		s = &ctl.sessions[ctl.nsessions];
		if (s->hwlen == 0 && s->kind != CTL_K_PROXY)
			session_mac(s);
		s->start = to_wall(s->start, mono, wall);
		s->last = to_wall(s->last, mono, wall);
		if (s->end != 0)
			s->end = to_wall(s->end, mono, wall);
		ctl.nsessions++;
	}
	return NULL;
}

/* A client on our links has its MAC in the kernel's neighbour table. */
static void
session_mac(struct ctl_session *s)
{
	struct nb_addr	 a;

	memset(&a, 0, sizeof(a));
	if (s->af == AF_INET)
		memcpy(&a.u.v4, s->addr, 4);
	else if (s->af == AF_INET6)
		memcpy(&a.u.v6, s->addr, 16);
	else
		return;
	a.af = s->af;
	neigh_lookup(&a, s->hwaddr, &s->hwlen);
}

static const char *
take_end(const struct ipc_msg *msg)
{
	if (ipc_get(msg, &ctl.end, sizeof(ctl.end)) == -1)
		return "a malformed report end";
	ctl.asking = 0;
	if (ctl.late_armed) {
		ev_timer_disarm(ctl.late);
		ctl.late_armed = 0;
	}
	answer_all(C_REPORT, 0, NULL);
	next_report();
	return NULL;
}

/* The queries that came while a report was made want the next one. */
static void
next_report(void)
{
	struct client	*c;
	int		 any = 0;

	TAILQ_FOREACH(c, &ctl.clients, entry)
		if (c->state == C_NEXT) {
			c->state = C_REPORT;
			any = 1;
		}
	if (any)
		ask_engine();
}

/* type 0: the report; otherwise that text. */
static void
answer_all(enum client_state state, uint32_t type, const char *msg)
{
	struct client	*c, *next;

	TAILQ_FOREACH_SAFE(c, &ctl.clients, entry, next) {
		if (c->state != state)
			continue;
		if (type == 0) {
			answer(c);
			continue;
		}
		c->state = C_IDLE;
		client_text(c, type, msg);
		client_flush(c);
	}
}

static int
answer(struct client *c)
{
	struct ctl_status	 st = ctl.st;
	struct ctl_end		 end;
	size_t			 i, n;

	st.version = CTL_VERSION;
	st.now = wall_now();
	st.engine_pid = ctl.ops->engine_pid(ctl.ops->arg);
	if (ipc_compose(&c->ipc, CTL_STATUS, -1, &st, sizeof(st)) == -1)
		fatal("ipc_compose");
	for (i = 0; (c->what & CTL_Q_COUNTERS) && i < ctl.ncounters; i += n) {
		n = ctl.ncounters - i;
		if (n > PER_MSG(struct ctl_counter))
			n = PER_MSG(struct ctl_counter);
		if (ipc_compose(&c->ipc, CTL_COUNTERS, -1, &ctl.counters[i],
		    n * sizeof(ctl.counters[0])) == -1)
			fatal("ipc_compose");
	}
	answer_sessions(c);
	memset(&end, 0, sizeof(end));
	end.nactive = ctl.end.nactive;
	end.now = st.now;
	if (ipc_compose(&c->ipc, CTL_END, -1, &end, sizeof(end)) == -1)
		fatal("ipc_compose");
	c->state = C_IDLE;
	return client_flush(c);
}

static void
answer_sessions(struct client *c)
{
	struct ctl_session	 buf[PER_MSG(struct ctl_session)];
	const struct ctl_session *s;
	size_t			 i, n = 0;
	uint32_t		 want;

	for (i = 0; i < ctl.nsessions; i++) {
		s = &ctl.sessions[i];
		want = s->state == CTL_S_ACTIVE ? CTL_Q_ACTIVE : CTL_Q_HISTORY;
		if (c->what & want)
			buf[n++] = *s;
		if (n == PER_MSG(struct ctl_session) ||
		    (n > 0 && i + 1 == ctl.nsessions)) {
			if (ipc_compose(&c->ipc, CTL_SESSIONS, -1, buf,
			    n * sizeof(buf[0])) == -1)
				fatal("ipc_compose");
			n = 0;
		}
	}
}

void
ctl_reload_done(int ok)
{
	answer_all(C_RELOAD, ok ? CTL_OK : CTL_ERROR, ok ? "reloaded" :
	    "the engine did not take the configuration");
}

void
ctl_engine_gone(void)
{
	ctl.asking = 0;
	if (ctl.late_armed) {
		ev_timer_disarm(ctl.late);
		ctl.late_armed = 0;
	}
	answer_all(C_REPORT, CTL_ERROR, "the engine is gone");
	answer_all(C_NEXT, CTL_ERROR, "the engine is gone");
	answer_all(C_RELOAD, CTL_ERROR, "the engine is gone");
}

static uint64_t
wall_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A time of the monotonic clock, seen from mono and wall now. */
static uint64_t
to_wall(uint64_t t, uint64_t mono, uint64_t wall)
{
	if (t > mono)
		t = mono;
	if (mono - t > wall)
		return 0;
	return wall - (mono - t);
}
