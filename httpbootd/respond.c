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
 * What a parsed request is answered with: a file beneath the root, a
 * boot script rendered for the client, or an error.  The response's
 * header is built here into the xfer; conn.c sends it.  Nothing here
 * keeps a pointer into the configuration past the call: a reload may
 * free it while a request waits for its file's ETag.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vis.h>

#include "arch.h"
#include "conn.h"
#include "daemon.h"
#include "etag.h"
#include "ev.h"
#include "fcache.h"
#include "log.h"
#include "path.h"
#include "policy.h"
#include "render.h"

#define SCRIPT_MAX	65536	/* a rendered boot script */
#define PARAM_MAX	64	/* a query parameter's value */

static void	 request_body(struct xfer *);
static void	 refuse(struct conn *, int, const char *, const char *);
static int	 file_open(struct conn *, const char *);
static struct fc_entry *file_get(const char *);
static int	 open_status(struct conn *, const char *, int);
static void	 file_respond(struct xfer *, const char *);
static void	 file_close(struct xfer *);
static void	 script_respond(struct conn *, const struct script_conf *,
		    const char *);
static void	 script_facts(struct conn *, struct client_facts *);
static int	 same_path(const char *, const char *);

void
respond_request(struct conn *c)
{
	struct xfer			*x = c->x;
	const struct script_conf	*sc;
	const char			*why;
	char				 dec[HTTP_TARGETMAX + 1];
	char				 path[HTTP_TARGETMAX + 1];
	int				 r;

	x->keepalive = x->req.keepalive;
	request_body(x);
	if (http_path_decode(x->in + x->req.path.off, x->req.path.len, dec,
	    sizeof(dec)) == -1) {
		/* The path as sent, then: the target is at most that long. */
		memcpy(dec, x->in + x->req.path.off, x->req.path.len);
		dec[x->req.path.len] = '\0';
		refuse(c, 400, dec, "bad escape, backslash, encoded slash "
		    "or control character");
		return;
	}
	if ((r = path_clean(dec, strlen(dec), path, sizeof(path),
	    &why)) == PATH_REFUSED) {
		refuse(c, 400, dec, why);
		return;
	}
	sc = script_lookup(srv.env->dc, path);
	if (sc != NULL && !sc->files_first) {
		script_respond(c, sc, path);
		return;
	}
	if (r == PATH_EMPTY)
		r = 404;	/* no index, no listing */
	else if ((r = file_open(c, path)) == 0)
		return;
	if (r == 404 && sc != NULL)
		script_respond(c, sc, path);
	else
		respond_error(c, r);
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

/* A path we will not look up: logged, then answered. */
static void
refuse(struct conn *c, int status, const char *path, const char *why)
{
	char	 ab[NB_ADDRSTRLEN], *vis = NULL;

	if (stravis(&vis, path, VIS_SAFE | VIS_OCTAL | VIS_DQ) == -1)
		vis = NULL;
	log_info("refused client=%s path=\"%s\" status=%d reason=\"%s\"",
	    conn_client(c, ab, sizeof(ab)), vis != NULL ? vis : "-", status,
	    why);
	free(vis);
	respond_error(c, status);
}

/*
 * Opens the file and gets its ETag.  Returns 0 once the response is
 * under way (or waits for the tag), else the status to answer.
 */
static int
file_open(struct conn *c, const char *path)
{
	const struct httpbootd_conf	*h = &srv.env->dc->httpbootd;
	struct xfer			*x = c->x;
	struct fc_entry			*fe;

	if ((fe = file_get(path)) == NULL)
		return open_status(c, path, errno);
	srv.fcached = 1;
	srv.fileless = 0;
	x->fe = fe;
	x->size = fe->st.st_size;
	x->mtime = fe->st.st_mtim.tv_sec;
	strlcpy(x->ctype, http_content_type(path, h->types, h->ntypes),
	    sizeof(x->ctype));
	switch (etag_get(fe, x->etag, x)) {
	case ETAG_READY:
		file_respond(x, x->etag);
		break;
	case ETAG_PENDING:
		c->state = CS_WAIT;
		conn_timer_set(c, T_NONE);
		break;
	default:
		file_respond(x, NULL);
		break;
	}
	return 0;
}

/*
 * Short of descriptors only files already open are served; those that
 * nobody sends are closed then, to make room for others.
 */
static struct fc_entry *
file_get(const char *path)
{
	struct fc_entry	*fe;
	int		 room = engine_fd_room();

	fe = fcache_get(srv.env->rootfd, path, ev_now(), room);
	if (fe != NULL || room || errno != EMFILE)
		return fe;
	fcache_shed();
	if (!engine_fd_room()) {
		errno = EMFILE;
		return NULL;
	}
	return fcache_get(srv.env->rootfd, path, ev_now(), 1);
}

static int
open_status(struct conn *c, const char *path, int err)
{
	char	 ab[NB_ADDRSTRLEN];

	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
	case ENXIO:
		return 404;
	case EACCES:
	case EPERM:
		return 403;
	case EXDEV:
	case ELOOP:
		refuse(c, 404, path, "leaves the root");
		return 0;
	case EMFILE:
	case ENFILE:
		if (!srv.fileless)
			log_warnx("no descriptor left for a file: answering "
			    "503 until connections end");
		srv.fileless = 1;
		return 503;
	case ENOMEM:
	case EAGAIN:
		log_warnx("open client=%s: %s", conn_client(c, ab, sizeof(ab)),
		    strerror(err));
		return 503;
	default:
		log_warnx("open client=%s: %s", conn_client(c, ab, sizeof(ab)),
		    strerror(err));
		return 500;
	}
}

/* The etag job is done: answer the waiting request and run it. */
void
respond_file_ready(struct xfer *x, const char *tag)
{
	struct conn	*c = x->conn;

	file_respond(x, tag);
	conn_run(c);
}

/* RFC 9110 section 13.2.2: preconditions, then the range. */
static void
file_respond(struct xfer *x, const char *tag)
{
	const struct httpbootd_conf	*h = &srv.env->dc->httpbootd;
	struct http_response		 r;
	const struct http_request	*req = &x->req;
	uint64_t			 start = 0, len = x->size;
	int				 n, status = 200;

	if (tag != NULL && tag != x->etag)
		strlcpy(x->etag, tag, sizeof(x->etag));
	if (tag != NULL)
		tag = x->etag;
	switch (http_preconditions(req, x->in, tag, x->mtime)) {
	case 412:
		file_close(x);
		respond_error(x->conn, 412);
		return;
	case 304:
		status = 304;
		len = 0;
		break;
	default:
		if (!http_range_applies(req, x->in, tag, x->mtime))
			break;
		switch (http_range_parse(x->in + req->range.off,
		    req->range.len, x->size, &start, &len)) {
		case HTTP_RANGE_UNSAT:
			file_close(x);
			respond_error(x->conn, 416);
			return;
		case HTTP_RANGE_OK:
			status = 206;
			break;
		default:
			start = 0;
			len = x->size;
			break;
		}
	}
	memset(&r, 0, sizeof(r));
	r.status = status;
	r.keepalive = x->keepalive;
	r.head = req->method == HTTP_HEAD;
	r.date = time(NULL);
	r.content_type = x->ctype;
	r.length = len;
	r.offset = start;
	r.size = x->size;
	r.has_mtime = 1;
	r.mtime = x->mtime;
	r.etag = tag;
	r.cache_control = h->cache_control[0] != '\0' ? h->cache_control :
	    NULL;
	if ((n = http_response_header(&r, x->hdr, sizeof(x->hdr))) == -1) {
		log_warnx("no response header for a file of %llu bytes",
		    (unsigned long long)x->size);
		file_close(x);
		respond_error(x->conn, 500);
		return;
	}
	x->status = status;
	x->hdrlen = n;
	x->foff = start;
	x->fleft = r.head ? 0 : len;
	if (x->fleft == 0)
		file_close(x);
	conn_send_start(x->conn);
}

static void
file_close(struct xfer *x)
{
	if (x->fe != NULL) {
		fcache_put(x->fe);
		x->fe = NULL;
	}
}

/*
 * Errors close the connection when the request could not be framed, or
 * when the server is short of something; a well-formed request that
 * failed keeps the connection.
 */
void
respond_error(struct conn *c, int status)
{
	struct xfer		*x = c->x;
	struct http_response	 r;
	int			 n;

	if (!x->parsed || x->req.hdrlen == 0 || status == 408 ||
	    status >= 500)
		x->keepalive = 0;
	memset(&r, 0, sizeof(r));
	r.status = status;
	r.keepalive = x->keepalive;
	r.head = x->req.method == HTTP_HEAD;
	r.date = time(NULL);
	r.size = x->size;
	r.retry_after = status == 503 ? RETRY_AFTER : 0;
	if ((n = http_error_response(&r, x->hdr, sizeof(x->hdr))) == -1)
		fatalx("%s: no room for a %d", __func__, status);
	x->status = status;
	x->hdrlen = n;
	x->bodylen = 0;
	conn_send_start(c);
}

/*
 * A boot script for this client: the policy decides as it would for
 * its DHCP request, from what the URL and the User-Agent tell.
 */
static void
script_respond(struct conn *c, const struct script_conf *sc,
    const char *path)
{
	static char			 buf[SCRIPT_MAX];
	const struct daemon_conf	*dc = srv.env->dc;
	struct xfer			*x = c->x;
	struct client_facts		 f;
	struct boot_settings		 d;
	struct http_response		 r;
	const char			*type;
	ssize_t				 len;
	int				 n;

	script_facts(c, &f);
	policy_decide(srv.env->conf, &dc->defaults, &f, &d);
	/* A script that chains to itself would loop for ever. */
	if ((d.set & SET_BOOTFILE) && same_path(d.bootfile, path)) {
		d.set &= ~SET_BOOTFILE;
		d.bootfile[0] = '\0';
	}
	if ((len = render_script(sc->format, srv.env->conf, &d, &f, buf,
	    sizeof(buf))) == -1) {
		log_warn("rendering the script %s", path);
		respond_error(c, 500);
		return;
	}
	type = http_content_type(path, dc->httpbootd.types,
	    dc->httpbootd.ntypes);
	if (strcmp(type, "application/octet-stream") == 0)
		type = "text/plain";
	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.keepalive = x->keepalive;
	r.head = x->req.method == HTTP_HEAD;
	r.date = time(NULL);
	r.content_type = type;
	r.length = len;
	r.cache_control = "no-store";	/* it differs per client */
	if ((n = http_response_header(&r, x->hdr, sizeof(x->hdr))) == -1 ||
	    (!r.head && len > 0 && (x->body = malloc(len)) == NULL)) {
		log_warn("script response");
		respond_error(c, 500);
		return;
	}
	if (x->body != NULL) {
		memcpy(x->body, buf, len);
		x->bodylen = len;
	}
	x->status = 200;
	x->hdrlen = n;
	conn_send_start(c);
}

static void
script_facts(struct conn *c, struct client_facts *f)
{
	const struct http_request	*req = &c->x->req;
	const uint8_t			*q = c->x->in + req->query.off;
	char				 v[PARAM_MAX];
	uint16_t			 codes[NB_MAXARCH];

	client_facts_init(f);
	f->subnet_addr = c->client->addr;
	f->af = c->client->addr.af;
	strlcpy(f->ifname, srv.env->listeners[c->lidx].info.ifname,
	    sizeof(f->ifname));
	/* iPXE: /boot.ipxe?mac=${net0/mac}&arch=${buildarch} */
	if (http_query_get(q, req->query.len, "mac", v, sizeof(v)) > 0 &&
	    hwaddr_parse(v, f->hwaddr, sizeof(f->hwaddr), &f->hwlen) == -1)
		f->hwlen = 0;
	if (http_query_get(q, req->query.len, "arch", v, sizeof(v)) > 0 &&
	    arch_lookup(v, codes, NB_MAXARCH) > 0)
		f->arch = codes[0];
	if (HTTP_SPAN_SET(req->user_agent) && memmem(c->x->in +
	    req->user_agent.off, req->user_agent.len, "iPXE", 4) != NULL)
		strlcpy(f->user_class, "iPXE", sizeof(f->user_class));
}

static int
same_path(const char *a, const char *b)
{
	while (*a == '/')
		a++;
	while (*b == '/')
		b++;
	return strcmp(a, b) == 0;
}
