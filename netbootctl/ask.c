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
 * Asking one daemon: a connection to its control socket, one query or
 * reload, its answer.  An answer is checked as the parent checks its
 * engine's report: a daemon of another build, or a broken one, gets a
 * line saying so rather than a garbled table.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ipc.h"
#include "netbootctl.h"

#define TIMEOUT_SEC	10
#define MAXSESSIONS	(CTL_MAXACTIVE + NB_HISTORY_MAX)

static int	 ask_connect(const char *, const char *, struct reply *);
static int	 ask_send(int, uint32_t, uint32_t, struct reply *);
static int	 ask_recv(struct ipc *, struct reply *);
static int	 take(struct reply *, const struct ipc_msg *, int *);
static int	 take_counters(struct reply *, const struct ipc_msg *);
static int	 take_sessions(struct reply *, const struct ipc_msg *);
static int	 bad(struct reply *, const char *);

const char *const daemon_names[NDAEMONS] = {
	"tftpd", "httpbootd", "dhcpd-proxy"
};

static struct ipc_msg	 msg;

/* 0 with the answer, -1 with why it is missing in r->why. */
int
ask_query(const char *dir, const char *daemon, uint32_t what,
    struct reply *r)
{
	struct ipc	 ipc;
	int		 s, rv;

	memset(r, 0, sizeof(*r));
	r->daemon = daemon;
	if ((s = ask_connect(dir, daemon, r)) == -1)
		return -1;
	if (ask_send(s, CTL_QUERY, what, r) == -1) {
		close(s);
		return -1;
	}
	ipc_init(&ipc, s);
	ipc_set_ntypes(&ipc, CTL_NTYPES);
	rv = ask_recv(&ipc, r);
	close(s);
	if (rv == -1) {
		free(r->counters);
		free(r->sessions);
		r->counters = NULL;
		r->sessions = NULL;
		r->ncounters = r->nsessions = 0;
		return -1;
	}
	r->up = 1;
	return 0;
}

/*
 * 0 when reloaded, -2 when the daemon is not running, -1 when it did
 * not take the config; the daemon's word, or ours, in msgbuf.
 */
int
ask_reload(const char *dir, const char *daemon, char *msgbuf, size_t len)
{
	struct reply	 r;
	struct ipc	 ipc;
	struct ctl_text	 t;
	int		 s, rv = -1;

	memset(&r, 0, sizeof(r));
	if ((s = ask_connect(dir, daemon, &r)) == -1) {
		rv = r.down ? -2 : -1;
		goto done;
	}
	if (ask_send(s, CTL_RELOAD, 0, &r) == -1)
		goto done;
	ipc_init(&ipc, s);
	ipc_set_ntypes(&ipc, CTL_NTYPES);
	if (ipc_recv(&ipc, &msg) != 1) {
		bad(&r, errno == EAGAIN ? "no answer in time" :
		    "no answer");
		goto done;
	}
	if ((msg.type != CTL_OK && msg.type != CTL_ERROR) || msg.fd != -1 ||
	    ipc_get(&msg, &t, sizeof(t)) == -1 ||
	    !ctl_text_ok(t.msg, sizeof(t.msg))) {
		bad(&r, "a malformed answer");
		goto done;
	}
	strlcpy(r.why, t.msg, sizeof(r.why));
	rv = msg.type == CTL_OK ? 0 : -1;
 done:
	if (s != -1)
		close(s);
	strlcpy(msgbuf, r.why, len);
	return rv;
}

static int
ask_connect(const char *dir, const char *daemon, struct reply *r)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { TIMEOUT_SEC, 0 };
	int			 s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (ctl_socket_path(dir, daemon, sun.sun_path,
	    sizeof(sun.sun_path)) == NULL)
		return bad(r, "socket path too long");
	if ((s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1)
		return bad(r, strerror(errno));
	if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		switch (errno) {
		case ENOENT:
		case ECONNREFUSED:
			r->down = 1;
			snprintf(r->why, sizeof(r->why), "not running (no "
			    "daemon on %s)", sun.sun_path);
			break;
		case EACCES:
		case EPERM:
			snprintf(r->why, sizeof(r->why), "%s: permission "
			    "denied (root or the control group only)",
			    sun.sun_path);
			break;
		default:
			snprintf(r->why, sizeof(r->why), "%s: %s",
			    sun.sun_path, strerror(errno));
			break;
		}
		close(s);
		return -1;
	}
	return s;
}

static int
ask_send(int s, uint32_t type, uint32_t what, struct reply *r)
{
	struct ipc		 ipc;
	struct ctl_query	 q;

	memset(&q, 0, sizeof(q));
	q.version = CTL_VERSION;
	q.what = what;
	ipc_init(&ipc, s);
	ipc_set_ntypes(&ipc, CTL_NTYPES);
	if (ipc_compose(&ipc, type, -1, &q, sizeof(q)) == -1 ||
	    ipc_flush(&ipc) == -1 || ipc_pending(&ipc)) {
		ipc_clear(&ipc);
		return bad(r, "cannot send the query");
	}
	return 0;
}

/* STATUS, then COUNTERS and SESSIONS, then END; or one ERROR. */
static int
ask_recv(struct ipc *ipc, struct reply *r)
{
	int	 seen_status = 0, rv;

	for (;;) {
		if ((rv = ipc_recv(ipc, &msg)) != 1)
			return bad(r, rv == 0 ? "closed before the end of "
			    "its answer" : errno == EAGAIN ? "no answer in "
			    "time" : "a malformed answer");
		if (msg.fd != -1) {
			close(msg.fd);
			return bad(r, "a descriptor in its answer");
		}
		if ((rv = take(r, &msg, &seen_status)) != 0)
			return rv == 1 ? 0 : -1;
	}
}

/* 0: more to come, 1: the end, -1: bad. */
static int
take(struct reply *r, const struct ipc_msg *m, int *seen_status)
{
	struct ctl_text	 t;
	const char	*e;

	if (m->type == CTL_ERROR && !*seen_status) {
		if (ipc_get(m, &t, sizeof(t)) == -1 ||
		    !ctl_text_ok(t.msg, sizeof(t.msg)))
			return bad(r, "a malformed error");
		snprintf(r->why, sizeof(r->why), "refused: %s", t.msg);
		return -1;
	}
	if (m->type == CTL_STATUS && !*seen_status) {
		if (ipc_get(m, &r->st, sizeof(r->st)) == -1)
			return bad(r, "a status of another size (another "
			    "version?)");
		if ((e = ctl_check_status(&r->st)) != NULL)
			return bad(r, e);
		*seen_status = 1;
		return 0;
	}
	if (!*seen_status)
		return bad(r, "an answer without a status");
	switch (m->type) {
	case CTL_COUNTERS:
		return take_counters(r, m);
	case CTL_SESSIONS:
		return take_sessions(r, m);
	case CTL_END:
		if (ipc_get(m, &r->end, sizeof(r->end)) == -1)
			return bad(r, "a malformed end");
		return 1;
	default:
		return bad(r, "an unexpected message");
	}
}

static int
take_counters(struct reply *r, const struct ipc_msg *m)
{
	struct ctl_counter	*c;
	const char		*e;
	size_t			 n, good;

	if (!ctl_records(m->len, sizeof(*c), &n) ||
	    n > CTL_MAXCOUNTERS - r->ncounters)
		return bad(r, "too many or malformed counters");
	if ((c = reallocarray(r->counters, r->ncounters + n,
	    sizeof(*c))) == NULL)
		return bad(r, strerror(errno));
	r->counters = c;
	e = ctl_take_counters(m->data, n, &r->counters[r->ncounters], &good);
	r->ncounters += good;
	return e != NULL ? bad(r, e) : 0;
}

static int
take_sessions(struct reply *r, const struct ipc_msg *m)
{
	struct ctl_session	*s;
	const char		*e;
	size_t			 n, good;

	if (!ctl_records(m->len, sizeof(*s), &n) ||
	    n > MAXSESSIONS - r->nsessions)
		return bad(r, "too many or malformed sessions");
	if ((s = reallocarray(r->sessions, r->nsessions + n,
	    sizeof(*s))) == NULL)
		return bad(r, strerror(errno));
	r->sessions = s;
	e = ctl_take_sessions(m->data, n, &r->sessions[r->nsessions], &good);
	r->nsessions += good;
	return e != NULL ? bad(r, e) : 0;
}

static int
bad(struct reply *r, const char *why)
{
	if (r->why[0] == '\0')
		snprintf(r->why, sizeof(r->why), "%s", why);
	return -1;
}

void
reply_free(struct reply *r)
{
	free(r->counters);
	free(r->sessions);
	memset(r, 0, sizeof(*r));
}
