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
 * What a parsed request is answered with.  The response's header is
 * built here into the struct response; conn.c sends it.  Nothing here
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
#include "bootscript.h"
#include "etag.h"
#include "ev.h"
#include "fcache.h"
#include "ctlreport.h"
#include "log.h"
#include "path.h"
#include "policy.h"
#include "render.h"
#include "respond.h"
#include "sessions.h"

#define PARAM_MAX	64	/* a query parameter's value */

static void	 refuse(const struct respond_req *, int, const char *,
		    const char *, struct response *);
static int	 file_open(struct respond_env *, const struct respond_req *,
		    const char *, struct response *);
static struct fc_entry *file_get(const struct respond_env *,
		    const struct respond_req *, const char *);
static int	 open_status(struct respond_env *, const struct respond_req *,
		    int);
static void	 script_respond(const struct respond_env *,
		    const struct respond_req *, const struct script_conf *,
		    const char *, struct response *);
static void	 script_facts(const struct respond_req *,
		    struct client_facts *);
static const char *client_str(const struct respond_req *, char *, size_t);

int
respond_request(struct respond_env *re, const struct respond_req *rq,
    struct response *r)
{
	const struct http_request	*req = rq->req;
	const struct script_conf	*sc;
	const char			*why;
	char				 dec[HTTP_TARGETMAX + 1];
	char				 path[HTTP_TARGETMAX + 1];
	int				 rv;

	r->keepalive = req->keepalive;
	if (http_path_decode(rq->in + req->path.off, req->path.len, dec,
	    sizeof(dec)) == -1) {
		/* The path as sent, then: the target is at most that long. */
		memcpy(dec, rq->in + req->path.off, req->path.len);
		dec[req->path.len] = '\0';
		refuse(rq, 400, dec, "bad escape, backslash, encoded slash "
		    "or control character", r);
		return RESPOND_READY;
	}
	if ((rv = path_clean(dec, strlen(dec), path, sizeof(path),
	    &why)) == PATH_REFUSED) {
		refuse(rq, 400, dec, why, r);
		return RESPOND_READY;
	}
	sc = script_lookup(re->env->dc, path);
	if (sc != NULL && !sc->files_first) {
		script_respond(re, rq, sc, path, r);
		return RESPOND_READY;
	}
	if (rv == PATH_EMPTY)
		rv = 404;	/* no index, no listing */
	else if ((rv = file_open(re, rq, path, r)) <= RESPOND_TAG)
		return rv;
	if (rv == 404 && sc != NULL)
		script_respond(re, rq, sc, path, r);
	else
		respond_error(rq, rv, r);
	return RESPOND_READY;
}

/* A path we will not look up: logged, then answered. */
static void
refuse(const struct respond_req *rq, int status, const char *path,
    const char *why, struct response *r)
{
	struct ctl_session	 s;
	char			 ab[NB_ADDRSTRLEN], *vis = NULL;

	if (stravis(&vis, path, VIS_SAFE | VIS_OCTAL | VIS_DQ) == -1)
		vis = NULL;
	session_client(&s, rq->client);
	report_count("refused", "reason", why, 1);
	report_log(LOG_INFO, &s, "refused client=%s path=\"%s\" status=%d "
	    "reason=\"%s\"",
	    client_str(rq, ab, sizeof(ab)), vis != NULL ? vis : "-", status,
	    why);
	free(vis);
	respond_error(rq, status, r);
}

/*
 * Opens the file and gets its ETag.  Returns RESPOND_READY or
 * RESPOND_TAG once r describes the file, else the status to answer.
 */
static int
file_open(struct respond_env *re, const struct respond_req *rq,
    const char *path, struct response *r)
{
	const struct httpbootd_conf	*h = &re->env->dc->httpbootd;
	struct fc_entry			*fe;

	if ((fe = file_get(re, rq, path)) == NULL) {
		if (errno != EXDEV && errno != ELOOP)
			return open_status(re, rq, errno);
		refuse(rq, 404, path, "leaves the root", r);
		return RESPOND_READY;
	}
	re->fileless = 0;
	r->fe = fe;
	r->size = fe->st.st_size;
	r->mtime = fe->st.st_mtim.tv_sec;
	strlcpy(r->ctype, http_content_type(path, h->types, h->ntypes),
	    sizeof(r->ctype));
	switch (etag_lookup(re->et, fe, r->etag)) {
	case ETAG_READY:
		respond_file(re, rq, r->etag, r);
		return RESPOND_READY;
	case ETAG_PENDING:
		return RESPOND_TAG;
	default:
		respond_file(re, rq, NULL, r);
		return RESPOND_READY;
	}
}

/*
 * Short of descriptors only files already open are served; those that
 * nobody sends are closed then, to make room for others.
 */
static struct fc_entry *
file_get(const struct respond_env *re, const struct respond_req *rq,
    const char *path)
{
	struct fc_entry	*fe;
	int		 room = fcache_nopen() < rq->files_max;

	fe = fcache_get(re->env->rootfd, path, ev_now(), room);
	if (fe != NULL || room || errno != EMFILE)
		return fe;
	fcache_shed();
	if (fcache_nopen() >= rq->files_max) {
		errno = EMFILE;
		return NULL;
	}
	return fcache_get(re->env->rootfd, path, ev_now(), 1);
}

static int
open_status(struct respond_env *re, const struct respond_req *rq, int err)
{
	struct ctl_session	 s;
	char			 ab[NB_ADDRSTRLEN];

	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
	case ENXIO:
		return 404;
	case EACCES:
	case EPERM:
		return 403;
	case EMFILE:
	case ENFILE:
		if (!re->fileless)
			log_warnx("no descriptor left for a file: answering "
			    "503 until connections end");
		re->fileless = 1;
		return 503;
	default:
		session_client(&s, rq->client);
		report_log(LOG_ERR, &s, "open client=%s: %s",
		    client_str(rq, ab, sizeof(ab)), strerror(err));
		return err == ENOMEM || err == EAGAIN ? 503 : 500;
	}
}

/* RFC 9110 section 13.2.2: preconditions, then the range. */
void
respond_file(const struct respond_env *re, const struct respond_req *rq,
    const char *tag, struct response *r)
{
	const struct httpbootd_conf	*h = &re->env->dc->httpbootd;
	const struct http_request	*req = rq->req;
	struct http_response		 hr;
	uint64_t			 start = 0, len = r->size;
	int				 n, status = 200;

	if (tag != NULL && tag != r->etag)
		strlcpy(r->etag, tag, sizeof(r->etag));
	if (tag != NULL)
		tag = r->etag;
	switch (http_preconditions(req, rq->in, tag, r->mtime)) {
	case 412:
		response_release(r);
		respond_error(rq, 412, r);
		return;
	case 304:
		status = 304;
		len = 0;
		break;
	default:
		if (!http_range_applies(req, rq->in, tag, r->mtime))
			break;
		switch (http_range_parse(rq->in + req->range.off,
		    req->range.len, r->size, &start, &len)) {
		case HTTP_RANGE_UNSAT:
			response_release(r);
			respond_error(rq, 416, r);
			return;
		case HTTP_RANGE_OK:
			status = 206;
			break;
		default:
			start = 0;
			len = r->size;
			break;
		}
	}
	memset(&hr, 0, sizeof(hr));
	hr.status = status;
	hr.keepalive = r->keepalive;
	hr.head = req->method == HTTP_HEAD;
	hr.date = time(NULL);
	hr.content_type = r->ctype;
	hr.length = len;
	hr.offset = start;
	hr.size = r->size;
	hr.has_mtime = 1;
	hr.mtime = r->mtime;
	hr.etag = tag;
	hr.cache_control = h->cache_control[0] != '\0' ? h->cache_control :
	    NULL;
	if ((n = http_response_header(&hr, r->hdr, sizeof(r->hdr))) == -1) {
		log_warnx("no response header for a file of %llu bytes",
		    (unsigned long long)r->size);
		response_release(r);
		respond_error(rq, 500, r);
		return;
	}
	r->status = status;
	r->hdrlen = n;
	r->foff = start;
	r->flen = hr.head ? 0 : len;
	if (r->flen == 0)
		response_release(r);
}

/*
 * Errors close the connection when the request could not be framed, or
 * when the server is short of something; a well-formed request that
 * failed keeps the connection.
 */
void
respond_error(const struct respond_req *rq, int status, struct response *r)
{
	struct http_response	 hr;
	int			 n;

	if (!rq->parsed || rq->req->hdrlen == 0 || status == 408 ||
	    status >= 500)
		r->keepalive = 0;
	memset(&hr, 0, sizeof(hr));
	hr.status = status;
	hr.keepalive = r->keepalive;
	hr.head = rq->req->method == HTTP_HEAD;
	hr.date = time(NULL);
	hr.size = r->size;
	hr.retry_after = status == 503 ? RETRY_AFTER : 0;
	if ((n = http_error_response(&hr, r->hdr, sizeof(r->hdr))) == -1)
		fatalx("%s: no room for a %d", __func__, status);
	r->status = status;
	r->hdrlen = n;
	r->bodylen = 0;
}

/*
 * A boot script for this client, chosen as tftpd chooses it
 * (common/bootscript.c), from what the URL and the User-Agent tell.
 */
static void
script_respond(const struct respond_env *re, const struct respond_req *rq,
    const struct script_conf *sc, const char *path, struct response *r)
{
	static char			 buf[BOOTSCRIPT_MAX];
	const struct daemon_conf	*dc = re->env->dc;
	struct client_facts		 f;
	struct http_response		 hr;
	const char			*type;
	ssize_t				 len;
	int				 n;

	script_facts(rq, &f);
	if ((len = bootscript_render(re->env->conf, dc, sc, path, &f, buf,
	    sizeof(buf))) == -1) {
		log_warn("rendering the script %s", path);
		respond_error(rq, 500, r);
		return;
	}
	type = http_content_type(path, dc->httpbootd.types,
	    dc->httpbootd.ntypes);
	if (strcmp(type, "application/octet-stream") == 0)
		type = "text/plain";
	memset(&hr, 0, sizeof(hr));
	hr.status = 200;
	hr.keepalive = r->keepalive;
	hr.head = rq->req->method == HTTP_HEAD;
	hr.date = time(NULL);
	hr.content_type = type;
	hr.length = len;
	hr.cache_control = "no-store";	/* it differs per client */
	if ((n = http_response_header(&hr, r->hdr, sizeof(r->hdr))) == -1 ||
	    (!hr.head && len > 0 && (r->body = malloc(len)) == NULL)) {
		log_warn("script response");
		respond_error(rq, 500, r);
		return;
	}
	if (r->body != NULL) {
		memcpy(r->body, buf, len);
		r->bodylen = len;
	}
	r->status = 200;
	r->hdrlen = n;
}

static void
script_facts(const struct respond_req *rq, struct client_facts *f)
{
	const struct http_request	*req = rq->req;
	const uint8_t			*q = rq->in + req->query.off;
	char				 v[PARAM_MAX];
	uint16_t			 codes[NB_MAXARCH];

	client_facts_init(f);
	if (rq->client != NULL) {
		f->subnet_addr = *rq->client;
		f->af = rq->client->af;
	}
	strlcpy(f->ifname, rq->ifname, sizeof(f->ifname));
	/* iPXE: /boot.ipxe?mac=${net0/mac}&arch=${buildarch} */
	if (http_query_get(q, req->query.len, "mac", v, sizeof(v)) > 0 &&
	    hwaddr_parse(v, f->hwaddr, sizeof(f->hwaddr), &f->hwlen) == -1)
		f->hwlen = 0;
	if (http_query_get(q, req->query.len, "arch", v, sizeof(v)) > 0 &&
	    arch_lookup(v, codes, NB_MAXARCH) > 0)
		f->arch = codes[0];
	if (HTTP_SPAN_SET(req->user_agent) && memmem(rq->in +
	    req->user_agent.off, req->user_agent.len, "iPXE", 4) != NULL)
		strlcpy(f->user_class, "iPXE", sizeof(f->user_class));
}

void
response_release(struct response *r)
{
	if (r->fe != NULL) {
		fcache_put(r->fe);
		r->fe = NULL;
	}
	free(r->body);
	r->body = NULL;
	r->bodylen = 0;
	r->flen = 0;
}

static const char *
client_str(const struct respond_req *rq, char *buf, size_t len)
{
	if (rq->client == NULL)
		return "-";
	return addr_ntop(rq->client, buf, len);
}
