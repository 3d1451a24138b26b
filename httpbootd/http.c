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
 * Choices where RFC 9112 leaves one:
 * - A bare LF ends a line as CRLF does (section 2.2 allows it; curl, wget,
 *   nginx and lighttpd agree, and a proxy in front that also accepts it
 *   sees the same message boundaries).  A CR not followed by LF is a 400.
 * - Empty lines before the request line are skipped (section 2.2).
 * - HTTP/1.2 to 1.9 are served as 1.1 (RFC 9110 section 2.5); any other
 *   major version is a 505.
 * - Framing is never guessed: Transfer-Encoding is a 501, with
 *   Content-Length too a 400, two Content-Length fields a 400 even when
 *   equal.  A request has no body we read, so a Content-Length body is
 *   only discarded, up to HTTP_BODYMAX.
 * - Fields we interpret that are single values (Host, Range, If-*) are a
 *   400 when repeated rather than combined.
 * - Errors in the request line are answered as soon as the line is
 *   complete; fields are parsed once the whole block has arrived, so a
 *   client trickling bytes costs a memchr per read, not a parse.
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "http.h"

_Static_assert(HTTP_HDRMAX <= UINT16_MAX, "spans are 16 bits");
_Static_assert(HTTP_TARGETMAX + HTTP_METHODMAX + 16 < HTTP_HDRMAX,
    "a request line fits the header block");

/* What the field lines say besides spans. */
struct fields {
	int		 cl;		/* Content-Length fields */
	int		 te;		/* Transfer-Encoding fields */
	int		 close;
	int		 keepalive;
};

/* A cursor over an HTTP-date. */
struct scan {
	const uint8_t	*s;
	size_t		 n;
	size_t		 p;
	int		 bad;
};

struct civil {
	int64_t		 year;
	int		 mon;		/* 1..12 */
	int		 day;
	int		 hour;
	int		 min;
	int		 sec;
};

struct obuf {
	char		*buf;
	size_t		 len;
	size_t		 off;
	int		 bad;
};

struct mime_type {
	const char	*suffix;
	const char	*mime;
};

static int	 is_tchar(uint8_t);
static int	 is_digit(uint8_t);
static int	 is_ows(uint8_t);
static int	 is_fieldchar(uint8_t);
static int	 is_hostchar(uint8_t);
static int	 lower(int);
static int	 ci_eq(const uint8_t *, size_t, const char *);
static int	 ci_prefix(const uint8_t *, size_t, const char *);
static int	 hex_byte(const uint8_t *, size_t);
static struct http_span span(size_t, size_t);
static int	 fail(struct http_request *, int);
static int	 fail_why(struct http_request *, int, const char *);
static int	 skip_empty_lines(const uint8_t *, size_t, size_t *,
		    struct http_request *);
static int	 parse_request_line(const uint8_t *, size_t, size_t *,
		    struct http_request *);
static int	 scan_method(const uint8_t *, size_t, size_t *,
		    struct http_request *);
static int	 scan_target(const uint8_t *, size_t, size_t *,
		    struct http_request *);
static int	 scan_version(const uint8_t *, size_t, size_t *,
		    struct http_request *, int *);
static int	 set_method(const uint8_t *, struct http_request *);
static int	 set_target(const uint8_t *, struct http_request *);
static size_t	 scheme_len(const uint8_t *, size_t);
static int	 host_ok(const uint8_t *, size_t);
static int	 regname_ok(const uint8_t *, size_t);
static int	 port_ok(const uint8_t *, size_t);
static int	 ipliteral_ok(const uint8_t *, size_t);
static int	 ipvfuture_ok(const uint8_t *, size_t);
static int	 find_end(const uint8_t *, size_t, size_t, size_t *);
static int	 parse_fields(const uint8_t *, size_t, size_t,
		    struct http_request *);
static int	 parse_field(const uint8_t *, size_t, size_t,
		    struct fields *, struct http_request *);
static int	 field_value(const uint8_t *, struct http_span,
		    struct http_span, struct fields *, struct http_request *);
static struct http_span *field_span(struct http_request *, const uint8_t *,
		    size_t);
static int	 content_length(const uint8_t *, size_t, struct fields *,
		    struct http_request *);
static void	 connection(const uint8_t *, size_t, struct fields *);
static int	 finish(const uint8_t *, struct fields *,
		    struct http_request *);
static int	 query_decode(const uint8_t *, size_t, char *, size_t);
static size_t	 scan_u64(const uint8_t *, size_t, uint64_t *);
static int	 range_element(const uint8_t *, size_t, size_t *, size_t *);
static int	 range_spec(const uint8_t *, size_t, uint64_t, uint64_t *,
		    uint64_t *);
static size_t	 scan_etag(const uint8_t *, size_t, int *);
static int	 tag_eq(const uint8_t *, size_t, int, const char *, int);
static int	 date_field(const uint8_t *, struct http_span, time_t *);
static int	 is_leap(int64_t);
static int	 days_in_month(int64_t, int);
static int64_t	 days_before_year(int64_t);
static int64_t	 days_from_civil(int64_t, int, int);
static void	 sc_lit(struct scan *, const char *);
static int	 sc_num(struct scan *, size_t);
static int	 sc_word(struct scan *, const char *const *, int);
static void	 sc_time(struct scan *, struct civil *);
static int	 parse_imf(struct scan *, struct civil *);
static int	 parse_rfc850(struct scan *, struct civil *);
static int	 parse_asctime(struct scan *, struct civil *);
static int	 civil_to_time(const struct civil *, time_t *);
static void	 put_digits(char *, unsigned int, int);
static void	 ob_add(struct obuf *, const char *, size_t);
static void	 ob_cat(struct obuf *, ...) __attribute__((__sentinel__));
static void	 ob_num(struct obuf *, uint64_t);
static int	 field_ok(const char *);
static void	 header_content(struct obuf *, const struct http_response *);
static void	 header_range(struct obuf *, const struct http_response *);
static void	 header_status(struct obuf *, const struct http_response *);
static int	 suffix_match(const char *, size_t, const char *);

static const char *const wkdays[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char *const wkdays_long[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};
static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
	"Oct", "Nov", "Dec"
};

/* Methods we know and refuse with 405; any other token is a 501. */
static const char *const refused_methods[] = {
	"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"
};

static const struct mime_type builtin_types[] = {
	{ "efi",	"application/efi" },
	{ "iso",	"application/vnd.efi-iso" },
	{ "img",	"application/vnd.efi-img" },
	{ "ipxe",	"text/plain" },
	{ "html",	"text/html" },
	{ "htm",	"text/html" },
	{ "txt",	"text/plain" },
	{ "cfg",	"text/plain" },
	{ "conf",	"text/plain" },
	{ "json",	"application/json" },
	{ "gz",		"application/gzip" },
	{ "xz",		"application/x-xz" },
	{ "zst",	"application/zstd" },
	{ "tar",	"application/x-tar" },
	{ "cpio",	"application/x-cpio" },
	{ "kpxe",	"application/octet-stream" },
	{ "pxe",	"application/octet-stream" },
	{ "0",		"application/octet-stream" },
	{ "lkrn",	"application/octet-stream" },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SPANP(b, s)	((b) + (s).off)

/* Character classes: ASCII only, never the locale's. */

static int
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static int
is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* field-vchar, SP and HTAB: every byte but the controls. */
static int
is_fieldchar(uint8_t c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* RFC 3986 unreserved and sub-delims: what a reg-name is made of. */
static int
is_hostchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("-._~!$&'()*+,;=", c) != NULL;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ci_eq(const uint8_t *s, size_t n, const char *lit)
{
	return strlen(lit) == n && ci_prefix(s, n, lit);
}

static int
ci_prefix(const uint8_t *s, size_t n, const char *lit)
{
	size_t	 i;

	for (i = 0; lit[i] != '\0'; i++)
		if (i >= n || lower(s[i]) != lower((uint8_t)lit[i]))
			return 0;
	return 1;
}

/* The byte of the two hex digits at s, or -1. */
static int
hex_byte(const uint8_t *s, size_t n)
{
	int	 v = 0, i, c;

	if (n < 2)
		return -1;
	for (i = 0; i < 2; i++) {
		c = lower(s[i]);
		if (c >= '0' && c <= '9')
			v = v * 16 + c - '0';
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + c - 'a' + 10;
		else
			return -1;
	}
	return v;
}

static struct http_span
span(size_t off, size_t len)
{
	struct http_span	 s;

	s.off = off;
	s.len = len;
	return s;
}

static int
fail(struct http_request *req, int status)
{
	req->status = status;
	req->keepalive = 0;
	return HTTP_PARSE_ERROR;
}

static int
fail_why(struct http_request *req, int status, const char *why)
{
	req->why = why;
	return fail(req, status);
}

int
http_parse_request(const uint8_t *buf, size_t len, struct http_request *req)
{
	size_t	 lim, p = 0;
	int	 rv;

	memset(req, 0, sizeof(*req));
	/* Nothing past the limit is looked at, so spans fit 16 bits. */
	lim = len < HTTP_HDRMAX ? len : HTTP_HDRMAX;
	rv = skip_empty_lines(buf, lim, &p, req);
	if (rv == HTTP_PARSE_DONE)
		rv = parse_request_line(buf, lim, &p, req);
	if (rv == HTTP_PARSE_DONE)
		rv = parse_fields(buf, lim, p, req);
	if (rv == HTTP_PARSE_MORE && len >= HTTP_HDRMAX)
		return fail(req, 431);
	return rv;
}

static int
skip_empty_lines(const uint8_t *buf, size_t len, size_t *pp,
    struct http_request *req)
{
	size_t	 p = *pp;

	while (p < len) {
		if (buf[p] == '\n')
			p++;
		else if (buf[p] != '\r')
			break;
		else if (p + 1 == len)
			return HTTP_PARSE_MORE;
		else if (buf[p + 1] != '\n')
			return fail(req, 400);
		else
			p += 2;
	}
	if (p == len)
		return HTTP_PARSE_MORE;
	*pp = p;
	return HTTP_PARSE_DONE;
}

/*
 * method SP request-target SP HTTP-version CRLF, single spaces only.
 * Syntax errors are found on a partial line already.
 */
static int
parse_request_line(const uint8_t *buf, size_t len, size_t *pp,
    struct http_request *req)
{
	int	 rv, major;

	if ((rv = scan_method(buf, len, pp, req)) != HTTP_PARSE_DONE)
		return rv;
	if ((rv = scan_target(buf, len, pp, req)) != HTTP_PARSE_DONE)
		return rv;
	if ((rv = scan_version(buf, len, pp, req, &major)) != HTTP_PARSE_DONE)
		return rv;
	if (major != 1)
		return fail(req, 505);
	if ((rv = set_method(buf, req)) != HTTP_PARSE_DONE)
		return rv;
	return set_target(buf, req);
}

static int
scan_method(const uint8_t *buf, size_t len, size_t *pp,
    struct http_request *req)
{
	size_t	 p, start = *pp;

	for (p = start; p < len && is_tchar(buf[p]); p++)
		if (p - start == HTTP_METHODMAX)
			return fail(req, 501);
	if (p == len)
		return HTTP_PARSE_MORE;
	if (buf[p] != ' ' || p == start)
		return fail(req, 400);
	req->mname = span(start, p - start);
	*pp = p + 1;
	return HTTP_PARSE_DONE;
}

/* Visible ASCII only: no raw UTF-8, no controls, no HTTP/0.9 line. */
static int
scan_target(const uint8_t *buf, size_t len, size_t *pp,
    struct http_request *req)
{
	size_t	 p, start = *pp;

	for (p = start; p < len && buf[p] > 0x20 && buf[p] < 0x7f; p++)
		if (p - start == HTTP_TARGETMAX)
			return fail(req, 414);
	if (p == len)
		return HTTP_PARSE_MORE;
	if (buf[p] != ' ' || p == start)
		return fail(req, 400);
	req->target = span(start, p - start);
	*pp = p + 1;
	return HTTP_PARSE_DONE;
}

static int
scan_version(const uint8_t *buf, size_t len, size_t *pp,
    struct http_request *req, int *major)
{
	static const char	 proto[] = "HTTP/x.x";
	size_t			 i, p = *pp;

	for (i = 0; i < sizeof(proto) - 1; i++, p++) {
		if (p == len)
			return HTTP_PARSE_MORE;
		if (proto[i] == 'x' ? !is_digit(buf[p]) : buf[p] != proto[i])
			return fail(req, 400);
	}
	*major = buf[p - 3] - '0';
	req->minor = buf[p - 1] == '0' ? 0 : 1;
	if (p < len && buf[p] == '\r')
		p++;
	if (p == len)
		return HTTP_PARSE_MORE;
	if (buf[p] != '\n')
		return fail(req, 400);
	*pp = p + 1;
	return HTTP_PARSE_DONE;
}

static int
set_method(const uint8_t *buf, struct http_request *req)
{
	const uint8_t	*m = SPANP(buf, req->mname);
	size_t		 i, n = req->mname.len;

	if (n == 3 && memcmp(m, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (n == 4 && memcmp(m, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else {
		/* Methods are case-sensitive: "get" is unknown. */
		for (i = 0; i < NITEMS(refused_methods); i++)
			if (strlen(refused_methods[i]) == n &&
			    memcmp(m, refused_methods[i], n) == 0)
				return fail(req, 405);
		return fail(req, 501);
	}
	return HTTP_PARSE_DONE;
}

/*
 * origin-form, or absolute-form whose authority we check and drop (the
 * path is what we serve, RFC 9112 section 3.2.2).  The asterisk and
 * authority forms belong to OPTIONS and CONNECT, refused before.
 */
static int
set_target(const uint8_t *buf, struct http_request *req)
{
	const uint8_t	*t = SPANP(buf, req->target), *q;
	size_t		 p = 0, a, n = req->target.len;

	if (memchr(t, '#', n) != NULL)
		return fail(req, 400);
	if (t[0] != '/') {
		if ((p = scheme_len(t, n)) == 0)
			return fail(req, 400);
		for (a = p; a < n && t[a] != '/' && t[a] != '?'; a++)
			;
		if (a == p || !host_ok(t + p, a - p))
			return fail_why(req, 400,
			    "malformed host in the target");
		p = a;
		req->absolute = 1;
	}
	q = memchr(t + p, '?', n - p);
	a = q != NULL ? (size_t)(q - t) : n;
	req->path = span(req->target.off + p, a - p);
	if (q != NULL)
		req->query = span(req->target.off + a + 1, n - a - 1);
	return HTTP_PARSE_DONE;
}

static size_t
scheme_len(const uint8_t *t, size_t n)
{
	if (ci_prefix(t, n, "http://"))
		return 7;
	if (ci_prefix(t, n, "https://"))
		return 8;
	return 0;
}

/*
 * uri-host [ ":" port ] (RFC 9110 section 7.2, RFC 3986 section 3.2.2):
 * an IP literal in brackets that is an address, or a reg-name, then a
 * port of digits no larger than 65535.  Empty is fine: a request whose
 * target has no authority sends an empty Host.
 */
static int
host_ok(const uint8_t *s, size_t n)
{
	const uint8_t	*end;
	size_t		 h;

	if (n > 0 && s[0] == '[') {
		if ((end = memchr(s, ']', n)) == NULL ||
		    !ipliteral_ok(s + 1, end - s - 1))
			return 0;
		h = end - s + 1;
	} else {
		for (h = 0; h < n && s[h] != ':'; h++)
			;
		if (!regname_ok(s, h))
			return 0;
	}
	if (h == n)
		return 1;
	return s[h] == ':' && port_ok(s + h + 1, n - h - 1);
}

/* Unreserved, sub-delims and %HH. */
static int
regname_ok(const uint8_t *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || !isxdigit(s[i + 1]) ||
			    !isxdigit(s[i + 2]))
				return 0;
			i += 2;
		} else if (!is_hostchar(s[i]))
			return 0;
	}
	return 1;
}

static int
port_ok(const uint8_t *s, size_t n)
{
	uint32_t	 v = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if ((v = v * 10 + (s[i] - '0')) > 65535)
			return 0;
	}
	return 1;
}

/* An IPv6 address, with an RFC 6874 zone ("%25" and a name), or IPvFuture. */
static int
ipliteral_ok(const uint8_t *s, size_t n)
{
	char		 a[INET6_ADDRSTRLEN];
	struct in6_addr	 in6;
	const uint8_t	*zone;
	size_t		 alen = n;

	if (n > 0 && (s[0] == 'v' || s[0] == 'V'))
		return ipvfuture_ok(s + 1, n - 1);
	if ((zone = memchr(s, '%', n)) != NULL) {
		alen = zone - s;
		if (n - alen < 4 || memcmp(zone, "%25", 3) != 0 ||
		    !regname_ok(zone + 3, n - alen - 3))
			return 0;
	}
	if (alen == 0 || alen >= sizeof(a))
		return 0;
	memcpy(a, s, alen);
	a[alen] = '\0';
	return inet_pton(AF_INET6, a, &in6) == 1;
}

/* "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ), the "v" read. */
static int
ipvfuture_ok(const uint8_t *s, size_t n)
{
	size_t	 i = 0;

	while (i < n && isxdigit(s[i]))
		i++;
	if (i == 0 || i == n || s[i] != '.' || ++i == n)
		return 0;
	for (; i < n; i++)
		if (!is_hostchar(s[i]) && s[i] != ':')
			return 0;
	return 1;
}

/* The end of the header block: just past its empty line. */
static int
find_end(const uint8_t *buf, size_t len, size_t p, size_t *endp)
{
	const uint8_t	*nl;
	size_t		 e;

	while (p < len && (nl = memchr(buf + p, '\n', len - p)) != NULL) {
		e = nl - buf;
		if (e == p || (e == p + 1 && buf[p] == '\r')) {
			*endp = e + 1;
			return HTTP_PARSE_DONE;
		}
		p = e + 1;
	}
	return HTTP_PARSE_MORE;
}

static int
parse_fields(const uint8_t *buf, size_t len, size_t p,
    struct http_request *req)
{
	struct fields	 f;
	const uint8_t	*nl;
	size_t		 end, e;
	int		 rv;

	if ((rv = find_end(buf, len, p, &end)) != HTTP_PARSE_DONE)
		return rv;
	memset(&f, 0, sizeof(f));
	for (;;) {
		nl = memchr(buf + p, '\n', end - p);
		e = nl - buf;
		if (e > p && buf[e - 1] == '\r')
			e--;
		if (e == p)
			break;
		if (++req->nfields > HTTP_MAXFIELDS)
			return fail(req, 431);
		if ((rv = parse_field(buf, p, e, &f, req)) != HTTP_PARSE_DONE)
			return rv;
		p = nl - buf + 1;
	}
	req->hdrlen = end;
	return finish(buf, &f, req);
}

/*
 * field-name ":" OWS field-value OWS.  A line starting with whitespace
 * (obs-fold) or with whitespace before the colon is a 400, as RFC 9112
 * section 5 requires of a server.
 */
static int
parse_field(const uint8_t *buf, size_t s, size_t e, struct fields *f,
    struct http_request *req)
{
	size_t	 c, vs, ve;

	for (c = s; c < e && is_tchar(buf[c]); c++)
		;
	if (c == s || c == e || buf[c] != ':')
		return fail(req, 400);
	for (vs = c + 1; vs < e && is_ows(buf[vs]); vs++)
		;
	for (ve = e; ve > vs && is_ows(buf[ve - 1]); ve--)
		;
	for (e = vs; e < ve; e++)
		if (!is_fieldchar(buf[e]))
			return fail(req, 400);
	return field_value(buf, span(s, c - s), span(vs, ve - vs), f, req);
}

static int
field_value(const uint8_t *buf, struct http_span name, struct http_span v,
    struct fields *f, struct http_request *req)
{
	const uint8_t		*n = SPANP(buf, name);
	struct http_span	*sp;

	if (ci_eq(n, name.len, "Content-Length"))
		return content_length(SPANP(buf, v), v.len, f, req);
	if (ci_eq(n, name.len, "Transfer-Encoding"))
		f->te++;
	else if (ci_eq(n, name.len, "Connection"))
		connection(SPANP(buf, v), v.len, f);
	else if (ci_eq(n, name.len, "User-Agent")) {
		if (!HTTP_SPAN_SET(req->user_agent))
			req->user_agent = v;
	} else if ((sp = field_span(req, n, name.len)) != NULL) {
		if (HTTP_SPAN_SET(*sp))
			return fail(req, 400);
		*sp = v;
	}
	return HTTP_PARSE_DONE;
}

static struct http_span *
field_span(struct http_request *req, const uint8_t *n, size_t len)
{
	if (ci_eq(n, len, "Host"))
		return &req->host;
	if (ci_eq(n, len, "Range"))
		return &req->range;
	if (ci_eq(n, len, "If-Range"))
		return &req->if_range;
	if (ci_eq(n, len, "If-Match"))
		return &req->if_match;
	if (ci_eq(n, len, "If-None-Match"))
		return &req->if_none_match;
	if (ci_eq(n, len, "If-Modified-Since"))
		return &req->if_modified_since;
	if (ci_eq(n, len, "If-Unmodified-Since"))
		return &req->if_unmodified_since;
	return NULL;
}

/* 1*DIGIT and nothing else: no sign, no list, no inner space. */
static int
content_length(const uint8_t *v, size_t n, struct fields *f,
    struct http_request *req)
{
	uint64_t	 cl = 0;
	size_t		 i;

	if (f->cl++ > 0 || n == 0)
		return fail(req, 400);
	for (i = 0; i < n; i++) {
		if (!is_digit(v[i]))
			return fail(req, 400);
		/* Past the limit the value only has to stay past it. */
		if (cl <= HTTP_BODYMAX)
			cl = cl * 10 + (v[i] - '0');
	}
	req->bodylen = cl;
	return HTTP_PARSE_DONE;
}

static void
connection(const uint8_t *v, size_t n, struct fields *f)
{
	size_t	 s, e, p = 0;

	while (p < n) {
		for (s = p; s < n && (is_ows(v[s]) || v[s] == ','); s++)
			;
		for (e = s; e < n && v[e] != ',' && !is_ows(v[e]); e++)
			;
		if (ci_eq(v + s, e - s, "close"))
			f->close = 1;
		else if (ci_eq(v + s, e - s, "keep-alive"))
			f->keepalive = 1;
		p = e;
	}
}

static int
finish(const uint8_t *buf, struct fields *f, struct http_request *req)
{
	if (f->te > 0 && f->cl > 0)
		return fail(req, 400);
	if (f->te > 0)
		return fail(req, 501);
	/* RFC 9112 section 3.2: a 1.1 request without Host is a 400. */
	if (req->minor == 1 && !HTTP_SPAN_SET(req->host))
		return fail_why(req, 400, "no Host header");
	if (!host_ok(SPANP(buf, req->host), req->host.len))
		return fail_why(req, 400, "malformed Host header");
	if (req->bodylen > HTTP_BODYMAX)
		return fail(req, 413);
	if (req->minor == 1)
		req->keepalive = !f->close;
	else
		req->keepalive = f->keepalive && !f->close;
	return HTTP_PARSE_DONE;
}

int
http_path_decode(const uint8_t *s, size_t n, char *out, size_t outlen)
{
	size_t	 i, o = 0;
	int	 c;

	if (n == 0) {
		s = (const uint8_t *)"/";
		n = 1;
	}
	if (n > INT_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '\\')
			return -1;
		if (c == '%') {
			if ((c = hex_byte(s + i + 1, n - i - 1)) == -1)
				return -1;
			i += 2;
			if (c == '/' || c == '\\')
				return -1;
		}
		/* NUL ends C strings; the other controls only end logs. */
		if (c < 0x20 || c == 0x7f || o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

int
http_query_get(const uint8_t *q, size_t n, const char *name, char *out,
    size_t outlen)
{
	size_t	 i, e, eq, nlen = strlen(name);

	for (i = 0; i < n; i = e + 1) {
		for (e = i; e < n && q[e] != '&'; e++)
			;
		for (eq = i; eq < e && q[eq] != '='; eq++)
			;
		if (eq - i != nlen || memcmp(q + i, name, nlen) != 0)
			continue;
		if (eq < e)
			eq++;
		return query_decode(q + eq, e - eq, out, outlen);
	}
	return -1;
}

static int
query_decode(const uint8_t *s, size_t n, char *out, size_t outlen)
{
	size_t	 i, o = 0;
	int	 c;

	if (n > INT_MAX)
		return -2;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if ((c = hex_byte(s + i + 1, n - i - 1)) <= 0)
				return -2;
			i += 2;
		}
		if (o + 1 >= outlen)
			return -2;
		out[o++] = (char)c;
	}
	if (outlen == 0)
		return -2;
	out[o] = '\0';
	return o;
}

/* Digits at s, saturating at UINT64_MAX; returns how many. */
static size_t
scan_u64(const uint8_t *s, size_t n, uint64_t *v)
{
	size_t	 i;
	unsigned int d;

	*v = 0;
	for (i = 0; i < n && is_digit(s[i]); i++) {
		d = s[i] - '0';
		if (*v > (UINT64_MAX - d) / 10)
			*v = UINT64_MAX;
		else
			*v = *v * 10 + d;
	}
	return i;
}

/*
 * RFC 9110 section 14.2: one range is served; several, another unit or
 * bad syntax let us ignore the field and send the whole file.
 */
int
http_range_parse(const uint8_t *v, size_t n, uint64_t size, uint64_t *start,
    uint64_t *len)
{
	size_t	 s, e;

	*start = *len = 0;
	if (!ci_prefix(v, n, "bytes="))
		return HTTP_RANGE_NONE;
	if (range_element(v + 6, n - 6, &s, &e) == -1)
		return HTTP_RANGE_NONE;
	return range_spec(v + 6 + s, e - s, size, start, len);
}

/* The one non-empty element of the range-set, or -1. */
static int
range_element(const uint8_t *v, size_t n, size_t *sp, size_t *ep)
{
	size_t	 p = 0, s, e;
	int	 count = 0;

	while (p < n) {
		for (s = p; s < n && is_ows(v[s]); s++)
			;
		for (p = s; p < n && v[p] != ','; p++)
			;
		for (e = p; e > s && is_ows(v[e - 1]); e--)
			;
		if (p < n)
			p++;
		if (e == s)
			continue;
		if (count++ > 0)
			return -1;
		*sp = s;
		*ep = e;
	}
	return count == 1 ? 0 : -1;
}

static int
range_spec(const uint8_t *v, size_t n, uint64_t size, uint64_t *start,
    uint64_t *len)
{
	uint64_t	 a, b;
	size_t		 i, j;

	if (v[0] == '-') {
		if ((i = scan_u64(v + 1, n - 1, &b)) == 0 || i != n - 1)
			return HTTP_RANGE_NONE;
		if (b == 0 || size == 0)
			return HTTP_RANGE_UNSAT;
		*len = b < size ? b : size;
		*start = size - *len;
		return HTTP_RANGE_OK;
	}
	if ((i = scan_u64(v, n, &a)) == 0 || i == n || v[i] != '-')
		return HTTP_RANGE_NONE;
	i++;
	j = scan_u64(v + i, n - i, &b);
	if (i + j != n)
		return HTTP_RANGE_NONE;
	if (j == 0)
		b = UINT64_MAX;
	else if (b < a)
		return HTTP_RANGE_NONE;
	if (a >= size)
		return HTTP_RANGE_UNSAT;
	if (b > size - 1)
		b = size - 1;
	*start = a;
	*len = b - a + 1;
	return HTTP_RANGE_OK;
}

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; its length or 0. */
static size_t
scan_etag(const uint8_t *v, size_t n, int *weak)
{
	size_t	 p = 0;

	*weak = 0;
	if (n >= 2 && v[0] == 'W' && v[1] == '/') {
		*weak = 1;
		p = 2;
	}
	if (p >= n || v[p] != '"')
		return 0;
	for (p++; p < n && v[p] != '"'; p++)
		if (v[p] < 0x21 || v[p] == 0x7f)
			return 0;
	return p < n ? p + 1 : 0;
}

/* RFC 9110 section 8.8.3.2: weak comparison ignores the W/ flags. */
static int
tag_eq(const uint8_t *t, size_t n, int tweak, const char *etag, int weak)
{
	int	 eweak = 0;
	size_t	 elen;

	if (etag == NULL)
		return 0;
	if (etag[0] == 'W' && etag[1] == '/') {
		eweak = 1;
		etag += 2;
	}
	if (!weak && (tweak || eweak))
		return 0;
	if (tweak) {
		t += 2;
		n -= 2;
	}
	elen = strlen(etag);
	return elen == n && memcmp(t, etag, n) == 0;
}

/* "*" or a list of entity tags; a malformed list matches nothing. */
int
http_etag_match(const uint8_t *v, size_t n, const char *etag, int weak)
{
	size_t	 p = 0, len;
	int	 w, match = 0;

	while (n > 0 && is_ows(v[n - 1]))
		n--;
	while (p < n && is_ows(v[p]))
		p++;
	if (p + 1 == n && v[p] == '*')
		return 1;
	while (p < n) {
		while (p < n && (is_ows(v[p]) || v[p] == ','))
			p++;
		if (p == n)
			break;
		if ((len = scan_etag(v + p, n - p, &w)) == 0)
			return 0;
		if (tag_eq(v + p, len, w, etag, weak))
			match = 1;
		for (p += len; p < n && is_ows(v[p]); p++)
			;
		if (p < n && v[p] != ',')
			return 0;
	}
	return match;
}

static int
date_field(const uint8_t *buf, struct http_span s, time_t *t)
{
	if (!HTTP_SPAN_SET(s))
		return -1;
	return http_date_parse(SPANP(buf, s), s.len, t);
}

/* RFC 9110 section 13.2.2, steps 1 to 4; an invalid date is ignored. */
int
http_preconditions(const struct http_request *req, const uint8_t *buf,
    const char *etag, time_t mtime)
{
	time_t	 t;
	int	 safe = req->method == HTTP_GET || req->method == HTTP_HEAD;

	if (HTTP_SPAN_SET(req->if_match)) {
		if (!http_etag_match(SPANP(buf, req->if_match),
		    req->if_match.len, etag, 0))
			return 412;
	} else if (date_field(buf, req->if_unmodified_since, &t) == 0 &&
	    mtime > t)
		return 412;

	if (HTTP_SPAN_SET(req->if_none_match)) {
		if (http_etag_match(SPANP(buf, req->if_none_match),
		    req->if_none_match.len, etag, 1))
			return safe ? 304 : 412;
	} else if (safe && date_field(buf, req->if_modified_since, &t) == 0 &&
	    mtime <= t)
		return 304;
	return 0;
}

/*
 * Step 5.  Range is defined for GET only (RFC 9110 section 14.2), and
 * If-Range holds for a strong match of its one entity tag or a date
 * equal to Last-Modified; otherwise the whole file goes out.
 */
int
http_range_applies(const struct http_request *req, const uint8_t *buf,
    const char *etag, time_t mtime)
{
	const uint8_t	*v = SPANP(buf, req->if_range);
	size_t		 n = req->if_range.len;
	time_t		 t;
	int		 w;

	if (req->method != HTTP_GET || !HTTP_SPAN_SET(req->range))
		return 0;
	if (!HTTP_SPAN_SET(req->if_range))
		return 1;
	/* A weak tag may not be sent here and never matches. */
	if (n > 0 && scan_etag(v, n, &w) == n)
		return !w && tag_eq(v, n, 0, etag, 0);
	if (http_date_parse(v, n, &t) == -1)
		return 0;
	return t == mtime;
}

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in_month(int64_t y, int m)
{
	static const int	 mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return mdays[m - 1] + (m == 2 && is_leap(y));
}

/* Days from 1970-01-01 to January 1st of year y >= 1. */
static int64_t
days_before_year(int64_t y)
{
	int64_t	 l = y - 1;

	return (y - 1970) * 365 + (l / 4 - l / 100 + l / 400) -
	    (1969 / 4 - 1969 / 100 + 1969 / 400);
}

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	 days = days_before_year(y);
	int	 i;

	for (i = 1; i < m; i++)
		days += days_in_month(y, i);
	return days + d - 1;
}

int
http_date_format(time_t t, char *buf, size_t len)
{
	int64_t	 days, secs, y;
	int	 m, wd;

	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	if (len < HTTP_DATELEN || days < days_before_year(1) ||
	    days >= days_before_year(10000))
		return -1;
	wd = ((days % 7) + 11) % 7;	/* 1970-01-01 was a Thursday */
	for (y = 1970 + days / 365; days_before_year(y) > days; y--)
		;
	while (days_before_year(y + 1) <= days)
		y++;
	days -= days_before_year(y);
	for (m = 1; days >= days_in_month(y, m); m++)
		days -= days_in_month(y, m);
	/* "Sun, 06 Nov 1994 08:49:37 GMT", once per response: no printf. */
	memcpy(buf, wkdays[wd], 3);
	memcpy(buf + 3, ", ", 2);
	put_digits(buf + 5, days + 1, 2);
	buf[7] = ' ';
	memcpy(buf + 8, months[m - 1], 3);
	buf[11] = ' ';
	put_digits(buf + 12, y, 4);
	buf[16] = ' ';
	put_digits(buf + 17, secs / 3600, 2);
	buf[19] = ':';
	put_digits(buf + 20, secs / 60 % 60, 2);
	buf[22] = ':';
	put_digits(buf + 23, secs % 60, 2);
	memcpy(buf + 25, " GMT", 5);
	return HTTP_DATELEN - 1;
}

/* v in exactly n decimal digits, zero-padded. */
static void
put_digits(char *p, unsigned int v, int n)
{
	while (n-- > 0) {
		p[n] = '0' + v % 10;
		v /= 10;
	}
}

static void
sc_lit(struct scan *sc, const char *lit)
{
	size_t	 n = strlen(lit);

	if (sc->bad || sc->n - sc->p < n || memcmp(sc->s + sc->p, lit, n) != 0)
		sc->bad = 1;
	else
		sc->p += n;
}

static int
sc_num(struct scan *sc, size_t digits)
{
	int	 v = 0;

	for (; digits > 0 && !sc->bad; digits--, sc->p++) {
		if (sc->p == sc->n || !is_digit(sc->s[sc->p]))
			sc->bad = 1;
		else
			v = v * 10 + sc->s[sc->p] - '0';
	}
	return v;
}

/* Which of the words comes next, case-sensitive as HTTP-date is. */
static int
sc_word(struct scan *sc, const char *const *words, int nwords)
{
	size_t	 n;
	int	 i;

	for (i = 0; i < nwords && !sc->bad; i++) {
		n = strlen(words[i]);
		if (sc->n - sc->p >= n &&
		    memcmp(sc->s + sc->p, words[i], n) == 0) {
			sc->p += n;
			return i;
		}
	}
	sc->bad = 1;
	return 0;
}

static void
sc_time(struct scan *sc, struct civil *c)
{
	c->hour = sc_num(sc, 2);
	sc_lit(sc, ":");
	c->min = sc_num(sc, 2);
	sc_lit(sc, ":");
	c->sec = sc_num(sc, 2);
}

/* Sun, 06 Nov 1994 08:49:37 GMT */
static int
parse_imf(struct scan *sc, struct civil *c)
{
	sc_word(sc, wkdays, NITEMS(wkdays));
	sc_lit(sc, ", ");
	c->day = sc_num(sc, 2);
	sc_lit(sc, " ");
	c->mon = sc_word(sc, months, NITEMS(months)) + 1;
	sc_lit(sc, " ");
	c->year = sc_num(sc, 4);
	sc_lit(sc, " ");
	sc_time(sc, c);
	sc_lit(sc, " GMT");
	return sc->bad || sc->p != sc->n ? -1 : 0;
}

/*
 * Sunday, 06-Nov-94 08:49:37 GMT.  Two-digit years below 70 are taken
 * as 20xx: no clock is at hand for RFC 9110's fifty-year rule.
 */
static int
parse_rfc850(struct scan *sc, struct civil *c)
{
	sc_word(sc, wkdays_long, NITEMS(wkdays_long));
	sc_lit(sc, ", ");
	c->day = sc_num(sc, 2);
	sc_lit(sc, "-");
	c->mon = sc_word(sc, months, NITEMS(months)) + 1;
	sc_lit(sc, "-");
	c->year = sc_num(sc, 2);
	c->year += c->year < 70 ? 2000 : 1900;
	sc_lit(sc, " ");
	sc_time(sc, c);
	sc_lit(sc, " GMT");
	return sc->bad || sc->p != sc->n ? -1 : 0;
}

/* Sun Nov  6 08:49:37 1994 */
static int
parse_asctime(struct scan *sc, struct civil *c)
{
	sc_word(sc, wkdays, NITEMS(wkdays));
	sc_lit(sc, " ");
	c->mon = sc_word(sc, months, NITEMS(months)) + 1;
	sc_lit(sc, " ");
	if (!sc->bad && sc->p < sc->n && sc->s[sc->p] == ' ') {
		sc->p++;
		c->day = sc_num(sc, 1);
	} else
		c->day = sc_num(sc, 2);
	sc_lit(sc, " ");
	sc_time(sc, c);
	sc_lit(sc, " ");
	c->year = sc_num(sc, 4);
	return sc->bad || sc->p != sc->n ? -1 : 0;
}

/* The weekday is not checked against the date: RFC 9110 asks no more. */
static int
civil_to_time(const struct civil *c, time_t *t)
{
	if (c->year < 1 || c->day < 1 ||
	    c->day > days_in_month(c->year, c->mon) || c->hour > 23 ||
	    c->min > 59 || c->sec > 60)
		return -1;
	*t = days_from_civil(c->year, c->mon, c->day) * 86400 +
	    c->hour * 3600 + c->min * 60 + c->sec;
	return 0;
}

int
http_date_parse(const uint8_t *s, size_t n, time_t *t)
{
	int		(*const forms[])(struct scan *, struct civil *) = {
		parse_imf, parse_rfc850, parse_asctime
	};
	struct scan	 sc;
	struct civil	 c;
	size_t		 i;

	for (i = 0; i < NITEMS(forms); i++) {
		memset(&sc, 0, sizeof(sc));
		memset(&c, 0, sizeof(c));
		sc.s = s;
		sc.n = n;
		if (forms[i](&sc, &c) == 0)
			return civil_to_time(&c, t);
	}
	return -1;
}

/*
 * The header is built from strings and numbers without printf, which
 * took a tenth of the engine's time for small files.  The buffer stays
 * NUL-terminated.
 */
static void
ob_add(struct obuf *ob, const char *s, size_t n)
{
	if (ob->bad || n >= ob->len - ob->off) {
		ob->bad = 1;
		return;
	}
	memcpy(ob->buf + ob->off, s, n);
	ob->off += n;
	ob->buf[ob->off] = '\0';
}

/* The strings given, up to a NULL. */
static void
ob_cat(struct obuf *ob, ...)
{
	va_list		 ap;
	const char	*s;

	va_start(ap, ob);
	while ((s = va_arg(ap, const char *)) != NULL)
		ob_add(ob, s, strlen(s));
	va_end(ap);
}

static void
ob_num(struct obuf *ob, uint64_t v)
{
	char	 d[20];
	size_t	 i = sizeof(d);

	do {
		d[--i] = '0' + v % 10;
		v /= 10;
	} while (v > 0);
	ob_add(ob, d + i, sizeof(d) - i);
}

/* Configured strings must not split or end the header. */
static int
field_ok(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!is_fieldchar(*s))
			return 0;
	return 1;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200:	return "OK";
	case 206:	return "Partial Content";
	case 304:	return "Not Modified";
	case 400:	return "Bad Request";
	case 403:	return "Forbidden";
	case 404:	return "Not Found";
	case 405:	return "Method Not Allowed";
	case 408:	return "Request Timeout";
	case 412:	return "Precondition Failed";
	case 413:	return "Content Too Large";
	case 414:	return "URI Too Long";
	case 416:	return "Range Not Satisfiable";
	case 431:	return "Request Header Fields Too Large";
	case 500:	return "Internal Server Error";
	case 501:	return "Not Implemented";
	case 503:	return "Service Unavailable";
	case 505:	return "HTTP Version Not Supported";
	}
	return NULL;
}

/* A 304 carries no content metadata (RFC 9110 section 15.4.5). */
static void
header_content(struct obuf *ob, const struct http_response *r)
{
	char	 date[HTTP_DATELEN];

	if (r->status == 200 || r->status == 206)
		ob_cat(ob, "Accept-Ranges: bytes\r\n", NULL);
	if (r->status != 304 && r->content_type != NULL)
		ob_cat(ob, "Content-Type: ", r->content_type, "\r\n", NULL);
	if (r->status != 304) {
		ob_cat(ob, "Content-Length: ", NULL);
		ob_num(ob, r->length);
		ob_cat(ob, "\r\n", NULL);
	}
	header_range(ob, r);
	if (r->has_mtime) {
		if (http_date_format(r->mtime, date, sizeof(date)) == -1) {
			ob->bad = 1;
			return;
		}
		ob_cat(ob, "Last-Modified: ", date, "\r\n", NULL);
	}
	if (r->etag != NULL)
		ob_cat(ob, "ETag: ", r->etag, "\r\n", NULL);
	if (r->cache_control != NULL)
		ob_cat(ob, "Cache-Control: ", r->cache_control, "\r\n", NULL);
}

static void
header_range(struct obuf *ob, const struct http_response *r)
{
	if (r->status == 416) {
		ob_cat(ob, "Content-Range: bytes */", NULL);
		ob_num(ob, r->size);
		ob_cat(ob, "\r\n", NULL);
	}
	if (r->status != 206)
		return;
	if (r->length == 0 || r->offset > r->size ||
	    r->length > r->size - r->offset) {
		ob->bad = 1;
		return;
	}
	ob_cat(ob, "Content-Range: bytes ", NULL);
	ob_num(ob, r->offset);
	ob_cat(ob, "-", NULL);
	ob_num(ob, r->offset + r->length - 1);
	ob_cat(ob, "/", NULL);
	ob_num(ob, r->size);
	ob_cat(ob, "\r\n", NULL);
}

static void
header_status(struct obuf *ob, const struct http_response *r)
{
	if (r->status == 405 || r->status == 501)
		ob_cat(ob, "Allow: GET, HEAD\r\n", NULL);
	if (r->status == 503 && r->retry_after > 0) {
		ob_cat(ob, "Retry-After: ", NULL);
		ob_num(ob, r->retry_after);
		ob_cat(ob, "\r\n", NULL);
	}
}

int
http_response_header(const struct http_response *r, char *buf, size_t len)
{
	struct obuf	 ob;
	const char	*reason;
	char		 date[HTTP_DATELEN];

	if (len == 0 || (reason = http_reason(r->status)) == NULL ||
	    !field_ok(r->content_type) || !field_ok(r->etag) ||
	    !field_ok(r->cache_control) ||
	    http_date_format(r->date, date, sizeof(date)) == -1)
		return -1;
	memset(&ob, 0, sizeof(ob));
	ob.buf = buf;
	ob.len = len;
	ob_cat(&ob, "HTTP/1.1 ", NULL);
	ob_num(&ob, r->status);
	ob_cat(&ob, " ", reason, "\r\nDate: ", date,
	    "\r\nServer: httpbootd\r\n", NULL);
	header_content(&ob, r);
	header_status(&ob, r);
	ob_cat(&ob, "Connection: ", r->keepalive ? "keep-alive" : "close",
	    "\r\n\r\n", NULL);
	if (ob.bad || ob.off > INT_MAX)
		return -1;
	return ob.off;
}

int
http_error_response(const struct http_response *r, char *buf, size_t len)
{
	struct http_response	 e = *r;
	const char		*reason;
	char			 body[192];
	int			 blen, hlen;

	if (r->status < 400 || (reason = http_reason(r->status)) == NULL)
		return -1;
	blen = snprintf(body, sizeof(body), "<html><head><title>%d %s"
	    "</title></head><body><h1>%d %s</h1></body></html>\n",
	    r->status, reason, r->status, reason);
	if (blen < 0 || (size_t)blen >= sizeof(body))
		return -1;
	/* An error is nothing a cache should keep or validate. */
	e.content_type = "text/html";
	e.length = blen;
	e.has_mtime = 0;
	e.etag = NULL;
	e.cache_control = NULL;
	if ((hlen = http_response_header(&e, buf, len)) == -1)
		return -1;
	if (r->head)
		return hlen;
	if ((size_t)blen >= len - hlen)
		return -1;
	memcpy(buf + hlen, body, blen + 1);
	return hlen + blen;
}

static int
suffix_match(const char *name, size_t n, const char *suffix)
{
	size_t	 sl = strlen(suffix);

	if (sl == 0 || sl >= n || name[n - sl - 1] != '.')
		return 0;
	return ci_eq((const uint8_t *)name + n - sl, sl, suffix);
}

/* Whether path's last component ends in a dot and suffix, in any case. */
int
http_suffix_is(const char *path, const char *suffix)
{
	const char	*base;

	if ((base = strrchr(path, '/')) != NULL)
		base++;
	else
		base = path;
	return suffix_match(base, strlen(base), suffix);
}

const char *
http_builtin_type(const char *path)
{
	size_t	 i;

	for (i = 0; i < NITEMS(builtin_types); i++)
		if (http_suffix_is(path, builtin_types[i].suffix))
			return builtin_types[i].mime;
	return "application/octet-stream";
}
