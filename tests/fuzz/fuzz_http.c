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
 * An HTTP request as httpbootd reads it into a connection's buffer of
 * HTTP_HDRMAX bytes: http_parse_request() over the whole buffer and over
 * the prefix a slow client would have sent, then what respond.c does
 * with a parsed request: the path decoded and canonicalised, the query's
 * parameters, the preconditions, the Range against a file, the dates,
 * and the response header for it.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "httpbootd/http.h"
#include "tests/fuzz/fuzz.h"

#define SPAN_IN(s, n)	((size_t)(s).off + (s).len <= (n))

static void
spans_within(const struct http_request *req, size_t n)
{
	FUZZ_CHECK(SPAN_IN(req->mname, n) && SPAN_IN(req->target, n) &&
	    SPAN_IN(req->path, n) && SPAN_IN(req->query, n) &&
	    SPAN_IN(req->host, n) && SPAN_IN(req->range, n) &&
	    SPAN_IN(req->if_range, n) && SPAN_IN(req->if_match, n) &&
	    SPAN_IN(req->if_none_match, n) &&
	    SPAN_IN(req->if_modified_since, n) &&
	    SPAN_IN(req->if_unmodified_since, n) &&
	    SPAN_IN(req->user_agent, n));
}

static void
path(const uint8_t *buf, const struct http_request *req)
{
	char	 dec[HTTP_TARGETMAX + 1];
	int	 n;

	n = http_path_decode(buf + req->path.off, req->path.len, dec,
	    sizeof(dec));
	if (n == -1)
		return;
	FUZZ_CHECK(n >= 0 && (size_t)n < sizeof(dec) && dec[n] == '\0' &&
	    strlen(dec) == (size_t)n);
	fuzz_path(dec, n);
}

static void
range(const uint8_t *buf, const struct http_request *req, uint64_t size)
{
	uint64_t	 start = 0, len = 0;

	switch (http_range_parse(buf + req->range.off, req->range.len, size,
	    &start, &len)) {
	case HTTP_RANGE_OK:
		/* Inside the file, never wrapping. */
		FUZZ_CHECK(len > 0 && start < size && len <= size - start);
		break;
	case HTTP_RANGE_UNSAT:
	case HTTP_RANGE_NONE:
		break;
	default:
		abort();
	}
}

static void
response(const struct http_request *req, uint64_t size)
{
	struct http_response	 r;
	char			 hdr[1024];
	int			 n;

	memset(&r, 0, sizeof(r));
	r.status = req->status ? req->status : 200;
	r.keepalive = req->keepalive;
	r.head = req->method == HTTP_HEAD;
	r.date = 1700000000;
	r.content_type = "application/octet-stream";
	r.length = size;
	r.size = size;
	r.has_mtime = 1;
	r.mtime = 1600000000;
	r.etag = "\"5f5e1000-400\"";
	n = r.status >= 400 ? http_error_response(&r, hdr, sizeof(hdr)) :
	    http_response_header(&r, hdr, sizeof(hdr));
	if (n != -1)
		FUZZ_CHECK((size_t)n < sizeof(hdr) && hdr[n] == '\0' &&
		    strlen(hdr) == (size_t)n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct http_request	 req, pre;
	uint8_t			 buf[HTTP_HDRMAX];
	char			 v[256];
	time_t			 t;
	uint64_t		 size;
	int			 rv, rvp;

	/* What a connection holds at most; the rest waits for later. */
	if (len > sizeof(buf))
		len = sizeof(buf);
	memcpy(buf, data, len);
	rv = http_parse_request(buf, len, &req);
	FUZZ_CHECK(rv == HTTP_PARSE_MORE || rv == HTTP_PARSE_DONE ||
	    rv == HTTP_PARSE_ERROR);
	/* A full buffer is never "more". */
	FUZZ_CHECK(len < sizeof(buf) || rv != HTTP_PARSE_MORE);
	if (rv == HTTP_PARSE_ERROR)
		FUZZ_CHECK(req.status >= 400 && req.status <= 599);
	if (rv != HTTP_PARSE_DONE)
		return 0;
	FUZZ_CHECK(req.hdrlen > 0 && req.hdrlen <= len);
	FUZZ_CHECK(req.method == HTTP_GET || req.method == HTTP_HEAD);
	spans_within(&req, req.hdrlen);

	/* The header block alone parses the same. */
	rvp = http_parse_request(buf, req.hdrlen, &pre);
	FUZZ_CHECK(rvp == HTTP_PARSE_DONE && pre.hdrlen == req.hdrlen &&
	    pre.path.off == req.path.off && pre.path.len == req.path.len &&
	    pre.range.off == req.range.off);
	/* A client that has not sent its last byte yet gets no answer. */
	rvp = http_parse_request(buf, req.hdrlen - 1, &pre);
	FUZZ_CHECK(rvp != HTTP_PARSE_DONE);

	path(buf, &req);
	(void)http_query_get(buf + req.query.off, req.query.len, "mac", v,
	    sizeof(v));
	(void)http_query_get(buf + req.query.off, req.query.len, "arch", v,
	    sizeof(v));
	size = len > 0 ? (uint64_t)buf[len - 1] << (buf[0] % 64) : 0;
	if (HTTP_SPAN_SET(req.range))
		range(buf, &req, size);
	if (HTTP_SPAN_SET(req.if_modified_since))
		(void)http_date_parse(buf + req.if_modified_since.off,
		    req.if_modified_since.len, &t);
	if (HTTP_SPAN_SET(req.if_none_match))
		(void)http_etag_match(buf + req.if_none_match.off,
		    req.if_none_match.len, "\"5f5e1000-400\"", 1);
	(void)http_preconditions(&req, buf, "\"5f5e1000-400\"", 1600000000);
	(void)http_range_applies(&req, buf, "\"5f5e1000-400\"", 1600000000);
	response(&req, size);
	return 0;
}
