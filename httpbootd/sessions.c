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
 * httpbootd's part of netbootctl: a request and its response as a
 * session, and the record and counters of each response once it is
 * logged.  conn.c fills in what only it knows (conn_session()); the
 * rest is here, apart from the connection code.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "addr.h"
#include "ctlreport.h"
#include "ev.h"
#include "http.h"
#include "sessions.h"

#define PARAM_MAX	64

#define NSTATUS		16	/* statuses whose counter is kept at hand */

static uint64_t	*status_counter(unsigned int);

static uint64_t	*c_requests, *c_bytes;
static struct {
	unsigned int	 status;
	uint64_t	*n;
} statuses[NSTATUS];
static size_t	 nstatuses;

void
sessions_init(void)
{
	c_requests = report_counter("requests", NULL, NULL);
	c_bytes = report_counter("bytes", NULL, NULL);
}

/* A session about the client at a, now. */
void
session_client(struct ctl_session *s, const struct nb_addr *a)
{
	report_session_addr(s, CTL_K_HTTP, a, 0);
}

/*
 * What the request says: its target as the file, its method, and the
 * MAC iPXE may put in it (/boot.ipxe?mac=${net0/mac}).
 */
void
session_request(struct ctl_session *s, const struct http_request *req,
    const uint8_t *in)
{
	struct http_span	 t = req->target;
	char			 target[HTTP_TARGETMAX + 1], v[PARAM_MAX];
	char			*vis;
	size_t			 i;

	/* Most targets are printable already: copied as they are. */
	for (i = 0; HTTP_SPAN_SET(t) && i < t.len; i++)
		if (in[t.off + i] < 0x20 || in[t.off + i] > 0x7e)
			break;
	if (HTTP_SPAN_SET(t) && i == t.len)
		memcpy(s->file, in + t.off, t.len < sizeof(s->file) ?
		    t.len : sizeof(s->file) - 1);
	else if (HTTP_SPAN_SET(t) && t.len < sizeof(target)) {
		memcpy(target, in + t.off, t.len);
		target[t.len] = '\0';
		if (stravis(&vis, target, VIS_OCTAL | VIS_TAB | VIS_NL) !=
		    -1) {
			strlcpy(s->file, vis, sizeof(s->file));
			free(vis);
		}
	}
	if (req->mname.len > 0 && req->mname.len < sizeof(s->detail))
		memcpy(s->detail, in + req->mname.off, req->mname.len);
	if (http_query_get(in + req->query.off, req->query.len, "mac", v,
	    sizeof(v)) > 0 && hwaddr_parse(v, s->hwaddr, sizeof(s->hwaddr),
	    &s->hwlen) == -1)
		s->hwlen = 0;
}

/* A response is logged: sent in full or not, it is a finished session. */
void
session_end(struct ctl_session *s, int head)
{
	s->end = ev_now();
	if (s->end < s->last)
		s->end = s->last;
	if (s->status >= 400)
		s->state = CTL_S_FAILED;
	else if (s->bytes < s->size && !head) {
		s->state = CTL_S_FAILED;
		strlcpy(s->detail, "closed before the end",
		    sizeof(s->detail));
	} else
		s->state = CTL_S_DONE;
	report_finish(s);
	(*c_requests)++;
	*c_bytes += s->bytes;
	(*status_counter(s->status))++;
}

/* A response is counted by its status, found without a text lookup. */
static uint64_t *
status_counter(unsigned int status)
{
	char		 text[8];
	uint64_t	*n;
	size_t		 i;

	for (i = 0; i < nstatuses; i++)
		if (statuses[i].status == status)
			return statuses[i].n;
	snprintf(text, sizeof(text), "%u", status);
	n = report_counter("responses", "status", text);
	if (nstatuses < NSTATUS) {
		statuses[nstatuses].status = status;
		statuses[nstatuses++].n = n;
	}
	return n;
}
