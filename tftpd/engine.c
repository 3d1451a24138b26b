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
 * tftpd: the engine.  Chrooted, unprivileged, capability-less; the only
 * process that reads the network.  It takes requests on the listening
 * sockets, decides what to send (a file beneath the root, or a boot
 * script rendered for the client) and with which options, then hands
 * over to a transfer (xfer.c) on a socket of its own.
 *
 * Everything that can fail is checked before the first answer: an
 * ERROR after an OACK breaks PXELINUX, so the file is opened and
 * checked before negotiation.
 *
 * A request may come in anyone's name, so before anything is sent to
 * its source the source must be within its rate of answers and its
 * share of the sessions (guard.c), and an ERROR is cut to no more than
 * twice the request's size.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vis.h>

#include "addr.h"
#include "ctlreport.h"
#include "daemon.h"
#include "engine.h"
#include "ev.h"
#include "fsroot.h"
#include "guard.h"
#include "log.h"
#include "path.h"
#include "ratelimit.h"
#include "render.h"
#include "tftp.h"
#include "udp.h"
#include "vscript.h"
#include "xfer.h"

#define REQ_MAX		65536	/* any datagram, so none is truncated */
#define REQ_BURST	64	/* requests per wakeup of a listener */
#define NAME_LOG	200	/* bytes of a client's name in the log */
#define VIS_FLAGS	(VIS_OCTAL | VIS_WHITE | VIS_DQ)
#define FD_RESERVE	64	/* descriptors not for transfers */

struct request {
	struct listener		*l;
	struct udp_meta		 m;
	struct tftp_req		 req;
	char			 client[NB_ADDRSTRLEN + 8];
	char			 name[NAME_LOG * 4 + 4];	/* for the log */
	char			 path[PATH_MAX];
	char			 ifname[IF_NAMESIZE];
	unsigned int		 mtu;
	uint64_t		 reqhash;
	size_t			 reqlen;
};

/* Why a request is refused: the ERROR for the client, the log reason. */
struct refusal {
	uint16_t		 code;
	const char		*msg;
	const char		*reason;
};

static void	 raise_nofile(void);
static void	 request_read(int, uint32_t, void *);
static void	 request_handle(void *, const uint8_t *, size_t,
		    const struct udp_meta *);
static int	 request_check(struct request *, const uint8_t *, size_t,
		    struct refusal *);
static void	 request_serve(struct request *);
static void	 request_limits(const struct request *,
		    struct tftp_limits *);
static void	 request_iface(struct request *);
static int	 source_open(struct request *, struct xfer_src *,
		    struct refusal *);
static int	 source_file(const char *, struct xfer_src *,
		    struct refusal *);
static int	 source_script(struct request *, const struct script_conf *,
		    struct xfer_src *, struct refusal *);
static void	 refuse(struct request *, const struct refusal *);
static void	 refuse_quietly(struct request *, const char *);
static void	 set_refusal(struct refusal *, uint16_t, const char *,
		    const char *);
static void	 request_session(const struct request *,
		    struct ctl_session *);
static void	 request_log(const struct request *, int, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
static void	 log_name(char *, size_t, const char *, size_t);
static uint64_t	 req_hash(const uint8_t *, size_t);

static struct engine_env	*env;
static unsigned int		 fd_sessions;	/* the descriptors' room */
static uint8_t			 reqbuf[REQ_MAX];
static uint64_t			*c_requests;

void
tftpd_engine_start(struct engine_env *e)
{
	char	 buf[NB_ADDRSTRLEN + 8];
	size_t	 i;

	env = e;
	raise_nofile();
	guard_init();
	xfer_init();
	c_requests = report_counter("requests", NULL, NULL);
	for (i = 0; i < env->nlisteners; i++) {
		if (ev_io_add(env->listeners[i].fd, EV_READ, request_read,
		    &env->listeners[i]) == NULL)
			fatal("ev_io_add");
		log_info("listening on %s",
		    sa_ntop((struct sockaddr *)&env->listeners[i].info.ss,
		    buf, sizeof(buf)));
	}
}

/*
 * Requests read env->dc afresh; a transfer copied what it needs when
 * it started and goes on with the old settings.
 */
void
tftpd_engine_reload(struct engine_env *e, struct netboot_conf *conf)
{
	const struct tftpd_conf	*t = &conf->daemon[NB_TFTPD].tftpd;

	log_info("new configuration: %zu rules, %zu menus", conf->nrules,
	    conf->nmenus);
	log_debug("tftpd: blksize max %u, windowsize max %u, max sessions "
	    "%u (%u per client), timeout %u, retries %u, ratelimit %u, "
	    "lifetime %u; %u transfers go on", t->blksize_max,
	    t->windowsize_max, t->max_sessions, t->max_per_client, t->timeout,
	    t->retries, t->ratelimit, t->lifetime, xfer_count());
}

/*
 * Each transfer holds a socket and a file: two descriptors.  Sessions
 * are capped by what the descriptors allow as by max sessions, so that
 * a flood makes room (the oldest unacknowledged session goes) instead
 * of running the engine out of descriptors.
 */
static void
raise_nofile(void)
{
	struct rlimit	 rl;
	rlim_t		 room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit RLIMIT_NOFILE");
	fd_sessions = UINT_MAX;
	if (rl.rlim_cur == RLIM_INFINITY)
		return;
	room = rl.rlim_cur > FD_RESERVE ? (rl.rlim_cur - FD_RESERVE) / 2 : 0;
	if (room < UINT_MAX)
		fd_sessions = room;
	if (fd_sessions < env->dc->tftpd.max_sessions)
		log_warnx("%llu descriptors serve %u sessions, not max "
		    "sessions %u", (unsigned long long)rl.rlim_cur,
		    fd_sessions, env->dc->tftpd.max_sessions);
}

static void
request_read(int fd, uint32_t events, void *arg)
{
	udp_drain(fd, reqbuf, sizeof(reqbuf), REQ_BURST, request_handle, arg);
}

static void
request_handle(void *arg, const uint8_t *buf, size_t len,
    const struct udp_meta *m)
{
	const struct tftpd_conf	*t = &env->dc->tftpd;
	const struct sockaddr	*peer = (const struct sockaddr *)&m->peer;
	struct listener		*l = arg;
	struct request		 r;
	struct refusal		 why;

	memset(&r, 0, sizeof(r));
	r.l = l;
	r.m = *m;
	r.reqlen = len;
	if (sa_port(peer) == 0)
		return;		/* nowhere to answer */
	/* Never answer an ERROR: two servers could bounce it for ever. */
	if (tftp_opcode(buf, len) == TFTP_ERROR)
		return;
	(*c_requests)++;
	sa_ntop(peer, r.client, sizeof(r.client));
	strlcpy(r.name, "-", sizeof(r.name));
	if (!guard_answer(peer, t->ratelimit, ev_now())) {
		refuse_quietly(&r, "over the rate limit");
		return;
	}
	if (request_check(&r, buf, len, &why) == -1) {
		refuse(&r, &why);
		return;
	}
	r.reqhash = req_hash(buf, len);
	if (xfer_peer_busy((struct sockaddr *)&m->peer, r.reqhash)) {
		request_log(&r, LOG_DEBUG, "repeated request client=%s "
		    "file=%s", r.client, r.name);
		return;
	}
	/* Full: the oldest session nobody acknowledged makes room. */
	if ((xfer_count() >= t->max_sessions || xfer_count() >= fd_sessions) &&
	    !xfer_evict_unverified()) {
		set_refusal(&why, TFTP_EUNDEF, "server busy",
		    "max sessions reached");
		refuse(&r, &why);
		return;
	}
	if (guard_sessions(peer) >= t->max_per_client) {
		set_refusal(&why, TFTP_EUNDEF, "server busy",
		    "max sessions per client reached");
		refuse(&r, &why);
		return;
	}
	request_serve(&r);
}

/* Parses and checks a request; the reason is in *why on -1. */
static int
request_check(struct request *r, const uint8_t *buf, size_t len,
    struct refusal *why)
{
	struct tftp_err	 err;
	const char	*reason;
	int		 rc;

	if (tftp_parse_req(buf, len, &r->req, &err) == -1) {
		if (r->req.filename != NULL)
			log_name(r->name, sizeof(r->name), r->req.filename,
			    r->req.filenamelen);
		set_refusal(why, err.code, err.msg, err.msg);
		return -1;
	}
	log_name(r->name, sizeof(r->name), r->req.filename,
	    r->req.filenamelen);
	if (r->req.op == TFTP_WRQ) {
		set_refusal(why, TFTP_EACCESS, "read-only server",
		    "write request");
		return -1;
	}
	rc = path_clean(r->req.filename, r->req.filenamelen, r->path,
	    sizeof(r->path), &reason);
	if (rc == PATH_EMPTY) {
		set_refusal(why, TFTP_ENOTFOUND, "file not found", reason);
		return -1;
	}
	if (rc != 0) {
		set_refusal(why, TFTP_EACCESS, "access violation", reason);
		return -1;
	}
	return 0;
}

/* Opens what was asked for, negotiates and starts the transfer. */
static void
request_serve(struct request *r)
{
	const struct tftpd_conf	*t = &env->dc->tftpd;
	struct xfer_params	 p;
	struct xfer_src		 src = { -1, NULL, 0 };
	struct tftp_limits	 lim;
	struct refusal		 why;
	int64_t			 fsize, nsize = -1;
	char			 file[NAME_LOG * 4 + 4];

	request_iface(r);
	if (source_open(r, &src, &why) == -1) {
		refuse(r, &why);
		return;
	}
	request_limits(r, &lim);
	if (src.fd == -1 && r->req.mode == TFTP_MODE_NETASCII)
		nsize = tftp_netascii_size(src.buf, src.size);

	/* curl refuses "tsize 0": an empty file is sent without one. */
	fsize = src.size > 0 ? (int64_t)src.size : -1;
	if (nsize == 0)
		nsize = -1;
	memset(&p, 0, sizeof(p));
	p.oack = tftp_negotiate(&r->req, &lim, fsize, nsize, &p.opts) > 0;
	memcpy(&p.peer, &r->m.peer, r->m.peerlen);
	p.peerlen = r->m.peerlen;
	p.local = r->m.local;
	p.ifindex = r->m.ifindex;
	p.mode = r->req.mode;
	p.timeout = t->timeout;
	p.retries = t->retries;
	p.lifetime = t->lifetime;
	p.ratelimit = t->ratelimit;
	/* What a session keeps of its name is cut like the log's. */
	log_name(file, sizeof(file), r->path, strlen(r->path));
	p.file = file;
	p.reqhash = r->reqhash;
	if (xfer_start(&p, &src) == -1) {
		set_refusal(&why, TFTP_EUNDEF, "server busy",
		    "cannot start a transfer");
		refuse(r, &why);
	}
}

static void
request_limits(const struct request *r, struct tftp_limits *lim)
{
	const struct tftpd_conf	*t = &env->dc->tftpd;

	memset(lim, 0, sizeof(*lim));
	lim->blksize_max = t->blksize_max;
	lim->blksize_mtu = tftp_blksize_for_mtu(r->mtu, r->m.peer.ss_family);
	lim->windowsize_max = t->windowsize_max;
	lim->window_bytes_max = t->burst_max;
	/*
	 * The default cap protects clients that keep the kernel's default
	 * receive buffer, which holds 4 datagrams of any size: so many are
	 * granted also of large blocks.  A cap set by hand is kept as set.
	 */
	if (t->burst_max == TFTPD_BURST_DEFAULT)
		lim->window_floor = TFTPD_BURST_BLOCKS;
	lim->timeout_ok = 1;
}

/* The receiving interface's name and MTU, when the kernel says. */
static void
request_iface(struct request *r)
{
	struct ifreq	 ifr;

	if (r->m.ifindex <= 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = r->m.ifindex;
	if (ioctl(r->l->fd, SIOCGIFNAME, &ifr) == -1)
		return;
	strlcpy(r->ifname, ifr.ifr_name, sizeof(r->ifname));
	if (ioctl(r->l->fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		r->mtu = ifr.ifr_mtu;
}

/*
 * A configured script path is virtual: rendered for the client, unless
 * the script says files-first and a real file is there.
 */
static int
source_open(struct request *r, struct xfer_src *src, struct refusal *why)
{
	const struct script_conf	*sc;

	sc = script_lookup(env->dc, r->path);
	if (sc == NULL)
		return source_file(r->path, src, why);
	if (sc->files_first && source_file(r->path, src, why) == 0)
		return 0;
	return source_script(r, sc, src, why);
}

static int
source_file(const char *path, struct xfer_src *src, struct refusal *why)
{
	struct stat	 st;
	int		 fd;

	if ((fd = fsroot_open(env->rootfd, path, O_RDONLY | O_NONBLOCK))
	    == -1) {
		switch (errno) {
		case ENOENT:
		case ENOTDIR:
		case ENAMETOOLONG:
			set_refusal(why, TFTP_ENOTFOUND, "file not found",
			    "no such file");
			break;
		case EXDEV:
		case ELOOP:
			set_refusal(why, TFTP_EACCESS, "access violation",
			    "path leaves the root");
			break;
		case EMFILE:
		case ENFILE:
			set_refusal(why, TFTP_EUNDEF, "server busy",
			    "out of descriptors");
			break;
		default:
			set_refusal(why, TFTP_EACCESS, "access violation",
			    strerror(errno));
			break;
		}
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		set_refusal(why, TFTP_EACCESS, "access violation",
		    "not a regular file");
		return -1;
	}
	src->fd = fd;
	src->buf = NULL;
	src->size = st.st_size;
	return 0;
}

static int
source_script(struct request *r, const struct script_conf *sc,
    struct xfer_src *src, struct refusal *why)
{
	size_t	 len;

	if (vscript_render(env->conf, env->dc, sc, r->path,
	    (struct sockaddr *)&r->m.peer, r->ifname, &src->buf, &len)
	    == -1) {
		request_log(r, LOG_ERR, "script %s for %s: %s", r->path,
		    r->client, strerror(errno));
		set_refusal(why, TFTP_EUNDEF, "cannot render boot script",
		    "script failed");
		return -1;
	}
	src->fd = -1;
	src->size = len;
	request_log(r, LOG_DEBUG, "script client=%s file=%s bytes=%zu",
	    r->client, r->name,
	    len);
	return 0;
}

/*
 * The ERROR leaves from the address the request came to.  A refusal is
 * a session that ended at once, for netbootctl as for the log.
 */
static void
refuse(struct request *r, const struct refusal *why)
{
	struct ctl_session	 s;
	uint8_t			 pkt[TFTP_HDRLEN + TFTP_ERRMSG_MAX];
	size_t			 len;

	/* No larger than twice the request: the message goes if it fits. */
	len = guard_error(pkt, sizeof(pkt), why->code, why->msg, r->reqlen);
	if (len > 0 && udp_send(r->l->fd, pkt, len,
	    (struct sockaddr *)&r->m.peer, r->m.peerlen, &r->m.local,
	    r->m.ifindex) == -1)
		request_log(r, LOG_DEBUG, "send to %s: %s", r->client,
		    strerror(errno));
	request_session(r, &s);
	s.state = CTL_S_FAILED;
	s.end = s.start;
	s.status = why->code;
	strlcpy(s.detail, why->reason, sizeof(s.detail));
	report_log(LOG_INFO, &s, "refused client=%s file=%s code=%u "
	    "reason=\"%s\"", r->client, r->name, why->code, why->reason);
	report_finish(&s);
	report_count("refused", "reason", why->reason, 1);
}

/* Nothing is sent; a flood of these logs a line a second. */
static void
refuse_quietly(struct request *r, const char *reason)
{
	static struct loglimit	 ll;
	unsigned long		 missed;

	report_count("refused", "reason", reason, 1);
	if (!loglimit_pass(&ll, ev_now(), &missed))
		return;
	if (missed > 0)
		request_log(r, LOG_INFO, "refused client=%s file=- code=- "
		    "reason=\"%s\" (and %lu more in the last second)",
		    r->client, reason, missed);
	else
		request_log(r, LOG_INFO, "refused client=%s file=- code=- "
		    "reason=\"%s\"", r->client, reason);
}

/* A request as a session: its client and the file it named. */
static void
request_session(const struct request *r, struct ctl_session *s)
{
	report_session_init(s, CTL_K_TFTP, (const struct sockaddr *)&r->m.peer);
	strlcpy(s->file, r->name, sizeof(s->file));
}

static void
request_log(const struct request *r, int pri, const char *fmt, ...)
{
	struct ctl_session	 s;
	va_list			 ap;

	if (LOG_PRI(pri) == LOG_DEBUG && log_getverbose() < 1)
		return;
	request_session(r, &s);
	va_start(ap, fmt);
	report_vlog(pri, &s, fmt, ap);
	va_end(ap);
}

static void
set_refusal(struct refusal *why, uint16_t code, const char *msg,
    const char *reason)
{
	why->code = code;
	why->msg = msg;
	why->reason = reason;
}

/* A client's name, escaped and cut for the log. */
static void
log_name(char *out, size_t outlen, const char *name, size_t len)
{
	size_t	 n = len < NAME_LOG ? len : NAME_LOG;

	if (outlen < 4 * n + 4)
		fatalx("%s: buffer too small", __func__);
	strvisx(out, name, n, VIS_FLAGS);
	if (n < len)
		strlcat(out, "...", outlen);
}

/* FNV-1a: tells a repeated request from a new one, no more. */
static uint64_t
req_hash(const uint8_t *buf, size_t len)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= buf[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
