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
 * Every parser is fed copies of exactly the input's size on the heap, so
 * that AddressSanitizer sees a read one byte past the end.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "httpbootd/http.h"
#include "tests/unit/check.h"

#define T1994	784111777	/* Sun, 06 Nov 1994 08:49:37 GMT */
#define ETAG	"\"abc\""

static uint8_t	*dup_exact(const void *, size_t);
static int	 parse_n(const char *, size_t, struct http_request *);
static int	 parse(const char *, struct http_request *);
static int	 span_is(const char *, struct http_span, const char *);
static char	*span_str(const char *, struct http_span, char *, size_t);
static uint64_t	 rnd(uint64_t *);
static void	 test_simple(void);
static void	 test_persistence(void);
static void	 test_pipelined(void);
static void	 test_split(void);
static void	 test_errors(void);
static void	 test_error_prefixes(void);
static void	 test_limits(void);
static void	 test_body(void);
static void	 test_forms(void);
static void	 test_path_decode(void);
static void	 test_query(void);
static int	 range(const char *, uint64_t, uint64_t *, uint64_t *);
static void	 test_range(void);
static int	 cond(const char *, const char *, time_t);
static int	 applies(const char *, const char *, time_t);
static void	 test_conditions(void);
static void	 test_if_range(void);
static int	 date(const char *, time_t *);
static void	 test_dates(void);
static void	 test_date_oracle(void);
static void	 test_response(void);
static void	 test_error_response(void);
static void	 test_content_type(void);
static void	 check_request(const uint8_t *, size_t, int,
		    const struct http_request *);
static void	 fuzz_one(const uint8_t *, size_t);
static void	 test_fuzz(void);

static uint8_t *
dup_exact(const void *s, size_t n)
{
	uint8_t	*b;

	if ((b = malloc(n > 0 ? n : 1)) == NULL) {
		perror("malloc");
		exit(2);
	}
	memcpy(b, s, n);
	return b;
}

static int
parse_n(const char *s, size_t n, struct http_request *req)
{
	uint8_t	*b = dup_exact(s, n);
	int	 rv;

	rv = http_parse_request(b, n, req);
	free(b);
	return rv;
}

static int
parse(const char *s, struct http_request *req)
{
	return parse_n(s, strlen(s), req);
}

static int
span_is(const char *buf, struct http_span s, const char *want)
{
	return HTTP_SPAN_SET(s) && s.len == strlen(want) &&
	    memcmp(buf + s.off, want, s.len) == 0;
}

static char *
span_str(const char *buf, struct http_span s, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)s.len, buf + s.off);
	return out;
}

/* xorshift64: the same sequence on every libc. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
test_simple(void)
{
	const char		*get = "GET /boot/bootx64.efi HTTP/1.1\r\n"
	    "Host: 10.0.0.1\r\nUser-Agent: UefiHttpBoot/1.0\r\n"
	    "Accept: */*\r\n\r\n";
	const char		*head = "HEAD /ipxe.efi?x=1 HTTP/1.1\r\n"
	    "host:  [fe80::1]:8080 \r\n\r\n";
	const char		*old = "GET / HTTP/1.0\r\n\r\n";
	struct http_request	 r;
	char			 s[64];

	CHECK_INT(parse(get, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.hdrlen, strlen(get));
	CHECK_INT(r.method, HTTP_GET);
	CHECK_INT(r.minor, 1);
	CHECK_INT(r.keepalive, 1);
	CHECK_INT(r.nfields, 3);
	CHECK_INT(r.bodylen, 0);
	CHECK_INT(r.absolute, 0);
	CHECK_STR(span_str(get, r.mname, s, sizeof(s)), "GET");
	CHECK_STR(span_str(get, r.target, s, sizeof(s)),
	    "/boot/bootx64.efi");
	CHECK_STR(span_str(get, r.path, s, sizeof(s)), "/boot/bootx64.efi");
	CHECK(!HTTP_SPAN_SET(r.query));
	CHECK(span_is(get, r.host, "10.0.0.1"));
	CHECK(span_is(get, r.user_agent, "UefiHttpBoot/1.0"));
	CHECK(!HTTP_SPAN_SET(r.range));
	CHECK(!HTTP_SPAN_SET(r.if_none_match));

	CHECK_INT(parse(head, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.method, HTTP_HEAD);
	CHECK(span_is(head, r.path, "/ipxe.efi"));
	CHECK(span_is(head, r.query, "x=1"));
	CHECK(span_is(head, r.host, "[fe80::1]:8080"));

	CHECK_INT(parse(old, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.minor, 0);
	CHECK_INT(r.keepalive, 0);
	CHECK(!HTTP_SPAN_SET(r.host));

	/* Every field we keep, with OWS trimmed. */
	{
		const char *all = "GET /f HTTP/1.1\r\nHost: h\r\n"
		    "Range: bytes=0-1\r\nIf-Range: \"abc\"\r\n"
		    "If-Match: \"m\"\r\nIf-None-Match:\t\"n\"\t\r\n"
		    "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
		    "If-Unmodified-Since: Sat, 05 Nov 1994 08:49:37 GMT\r\n"
		    "User-Agent: iPXE/1.21.1\r\nUser-Agent: second\r\n\r\n";

		CHECK_INT(parse(all, &r), HTTP_PARSE_DONE);
		CHECK(span_is(all, r.range, "bytes=0-1"));
		CHECK(span_is(all, r.if_range, "\"abc\""));
		CHECK(span_is(all, r.if_match, "\"m\""));
		CHECK(span_is(all, r.if_none_match, "\"n\""));
		CHECK(span_is(all, r.if_modified_since,
		    "Sun, 06 Nov 1994 08:49:37 GMT"));
		CHECK(span_is(all, r.if_unmodified_since,
		    "Sat, 05 Nov 1994 08:49:37 GMT"));
		CHECK(span_is(all, r.user_agent, "iPXE/1.21.1"));
		CHECK_INT(r.nfields, 9);
	}
	/* An empty value is present, not absent. */
	CHECK_INT(parse("GET / HTTP/1.1\r\nHost:\r\nIf-None-Match:\r\n\r\n",
	    &r), HTTP_PARSE_DONE);
	CHECK(HTTP_SPAN_SET(r.host));
	CHECK_INT(r.host.len, 0);
	CHECK(HTTP_SPAN_SET(r.if_none_match));
}

static void
test_persistence(void)
{
	static const struct {
		const char	*req;
		int		 keepalive;
	} tests[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: CLOSE\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n"
		    "Connection: Upgrade, close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n"
		    "Connection: keep-alive\r\nConnection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n",
		    1 },
		{ "GET / HTTP/1.0\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\nConnection: Keep-Alive ,TE\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
		    0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alives\r\n\r\n", 0 },
		/* 1.2 is served as 1.1 */
		{ "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 1 },
	};
	struct http_request	 r;
	size_t			 i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		CHECK_INT(parse(tests[i].req, &r), HTTP_PARSE_DONE);
		CHECK_INT(r.keepalive, tests[i].keepalive);
	}
}

static void
test_pipelined(void)
{
	const char		*two = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
	    "HEAD /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGE";
	const char		*crlf = "\r\n\r\nGET /c HTTP/1.1\r\n"
	    "Host: h\r\n\r\n";
	const char		*lf = "GET /d HTTP/1.1\nHost: h\n\nGET";
	struct http_request	 r;
	size_t			 first, len = strlen(two);

	CHECK_INT(parse(two, &r), HTTP_PARSE_DONE);
	first = r.hdrlen;
	CHECK_INT(first, 28);
	CHECK(span_is(two, r.path, "/a"));
	CHECK_INT(r.keepalive, 1);
	CHECK_INT(parse_n(two + first, len - first, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.method, HTTP_HEAD);
	CHECK(span_is(two + first, r.path, "/b"));
	CHECK_INT(r.keepalive, 0);
	CHECK_INT(r.hdrlen, len - first - 2);
	CHECK_INT(parse_n(two + first + r.hdrlen, 2, &r), HTTP_PARSE_MORE);

	/* Empty lines before a request line are skipped and consumed. */
	CHECK_INT(parse(crlf, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.hdrlen, strlen(crlf));
	CHECK(span_is(crlf, r.path, "/c"));
	CHECK_INT(parse("\r\n\r\n", &r), HTTP_PARSE_MORE);
	CHECK_INT(parse("\r", &r), HTTP_PARSE_MORE);

	/* Bare LF ends lines too. */
	CHECK_INT(parse(lf, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.hdrlen, strlen(lf) - 3);
	CHECK(span_is(lf, r.host, "h"));
}

/* Every split point: more until the last byte, then the same result. */
static void
test_split(void)
{
	const char *reqs[] = {
		"GET /boot.ipxe?mac=52:54:00:12:34:56 HTTP/1.1\r\n"
		    "Host: boot.example\r\nUser-Agent: iPXE/1.21.1\r\n"
		    "Range: bytes=100-\r\nConnection: keep-alive\r\n\r\n",
		"\r\nHEAD /x HTTP/1.0\nConnection: keep-alive\n\n",
	};
	struct http_request	 whole, part, next;
	size_t			 i, k, len;
	char			*two;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		len = strlen(reqs[i]);
		CHECK_INT(parse(reqs[i], &whole), HTTP_PARSE_DONE);
		CHECK_INT(whole.hdrlen, len);
		for (k = 0; k < len; k++)
			if (parse_n(reqs[i], k, &part) != HTTP_PARSE_MORE) {
				CHECK_INT(k, len);
				break;
			}
		/* With the next request's bytes behind it: the same. */
		if ((two = malloc(2 * len)) == NULL)
			exit(2);
		memcpy(two, reqs[i], len);
		memcpy(two + len, reqs[i], len);
		for (k = len; k <= 2 * len; k++) {
			CHECK_INT(parse_n(two, k, &part), HTTP_PARSE_DONE);
			CHECK(memcmp(&part, &whole, sizeof(part)) == 0);
		}
		CHECK_INT(parse_n(two + len, len, &next), HTTP_PARSE_DONE);
		CHECK(memcmp(&next, &whole, sizeof(next)) == 0);
		free(two);
	}
}

static const struct {
	const char	*req;
	int		 status;
} error_tests[] = {
	/* request line */
	{ "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ " GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400 },
	{ "GET /\r\n\r\n", 400 },
	{ "GET / http/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET / HTTP/1.1x\r\nHost: a\r\n\r\n", 400 },
	{ "GET / HTTP/11\r\nHost: a\r\n\r\n", 400 },
	{ "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\rHost: a\r\n\r\n", 400 },
	{ "\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "\x16\x03\x01\x02\x00\x01", 400 },
	/* targets */
	{ "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET example.com:80 HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET ftp://h/x HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET http://user@h/x HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	/* fields */
	{ "GET / HTTP/1.1\r\nHost: a\r\n folded: x\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\tz\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX(y): v\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01" "b\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f" "b\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400 },
	/* a malformed Host: port, IPv6 literal, percent escape */
	{ "GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a:-1\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a:80:80\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: ::1\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: [::1]:8o\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: [::g]\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: []\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: [10.0.0.1]\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: [fe80::1%eth0]\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: [v1]\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a]b\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a%4\r\n\r\n", 400 },
	{ "GET http://[::1/x HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET http://a:x/x HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=0-1\r\n"
	    "Range: bytes=2-3\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"a\"\r\n"
	    "If-None-Match: \"b\"\r\n\r\n", 400 },
	/* smuggling: framing is never guessed */
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 5\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	    "Content-Length: 5\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	    "Content-Length: 6\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\n", 400 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
	    501 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n",
	    501 },
	{ "GET / HTTP/1.1\r\nHost: a\r\ntransfer-encoding:\r\n\r\n", 501 },
	{ "GET / HTTP/1.0\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 65537\r\n\r\n", 413 },
	{ "GET / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 99999999999999999999999\r\n\r\n", 413 },
	/* methods */
	{ "POST / HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
	{ "PUT / HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
	{ "DELETE / HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
	{ "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
	{ "PATCH / HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
	{ "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
	{ "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
	{ "get / HTTP/1.1\r\nHost: a\r\n\r\n", 501 },
	{ "PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n", 501 },
	{ "BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 501 },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG", 501 },
	/* versions */
	{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
	{ "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505 },
	{ "GET / HTTP/3.1\r\nHost: a\r\n\r\n", 505 },
};

static void
test_errors(void)
{
	struct http_request	 r;
	size_t			 i;
	int			 rv;

	for (i = 0; i < sizeof(error_tests) / sizeof(error_tests[0]); i++) {
		rv = parse(error_tests[i].req, &r);
		if (rv != HTTP_PARSE_ERROR ||
		    r.status != error_tests[i].status)
			fprintf(stderr, "error test %zu: rv %d status %d\n",
			    i, rv, r.status);
		CHECK_INT(rv, HTTP_PARSE_ERROR);
		CHECK_INT(r.status, error_tests[i].status);
		CHECK_INT(r.keepalive, 0);
	}

	/* Hosts as RFC 9110 and RFC 3986 have them pass. */
	{
		static const char *const good[] = {
			"", "a", "a:", "a:80", "a:065535", "10.0.0.1:8080",
			"[::1]", "[::1]:8080", "[2001:db8::1]:", "a%41b",
			"[fe80::1%25eth0]", "[v1.x:y]", "boot.example.",
		};
		char	 req[128];

		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			snprintf(req, sizeof(req), "GET / HTTP/1.1\r\n"
			    "Host: %s\r\n\r\n", good[i]);
			rv = parse(req, &r);
			if (rv != HTTP_PARSE_DONE)
				fprintf(stderr, "good host \"%s\": rv %d\n",
				    good[i], rv);
			CHECK_INT(rv, HTTP_PARSE_DONE);
		}
	}

	/* A HEAD that fails still says HEAD: its answer has no body. */
	CHECK_INT(parse("HEAD / HTTP/1.1\r\nHost: a\r\nX: \x01\r\n\r\n", &r),
	    HTTP_PARSE_ERROR);
	CHECK_INT(r.method, HTTP_HEAD);
	CHECK_INT(r.status, 400);
	CHECK_INT(parse("POST /upload HTTP/1.1\r\n", &r), HTTP_PARSE_ERROR);
	CHECK_INT(r.status, 405);
	CHECK_INT(r.mname.off, 0);
	CHECK_INT(r.mname.len, 4);
	CHECK_INT(r.method, HTTP_NONE);
}

/* A prefix never gives another verdict than the whole request. */
static void
test_error_prefixes(void)
{
	struct http_request	 r;
	size_t			 i, k, len;
	int			 rv;

	for (i = 0; i < sizeof(error_tests) / sizeof(error_tests[0]); i++) {
		len = strlen(error_tests[i].req);
		for (k = 0; k <= len; k++) {
			rv = parse_n(error_tests[i].req, k, &r);
			if (rv == HTTP_PARSE_MORE)
				continue;
			CHECK_INT(rv, HTTP_PARSE_ERROR);
			CHECK_INT(r.status, error_tests[i].status);
		}
	}
}

static void
test_limits(void)
{
	struct http_request	 r;
	char			*b;
	size_t			 n, i;

	if ((b = malloc(2 * HTTP_HDRMAX)) == NULL)
		exit(2);

	/* A target of HTTP_TARGETMAX passes, one more byte is a 414. */
	n = snprintf(b, 2 * HTTP_HDRMAX,
	    "GET /%0*d HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_TARGETMAX - 1, 0);
	CHECK_INT(parse(b, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.target.len, HTTP_TARGETMAX);
	CHECK_INT(r.hdrlen, n);
	snprintf(b, 2 * HTTP_HDRMAX, "GET /%0*d HTTP/1.1\r\nHost: a\r\n\r\n",
	    HTTP_TARGETMAX, 0);
	CHECK_INT(parse(b, &r), HTTP_PARSE_ERROR);
	CHECK_INT(r.status, 414);
	/* ... known as soon as the target is too long, not at its end */
	CHECK_INT(parse_n(b, 4 + HTTP_TARGETMAX + 1, &r), HTTP_PARSE_ERROR);
	CHECK_INT(r.status, 414);
	CHECK_INT(parse_n(b, 4 + HTTP_TARGETMAX, &r), HTTP_PARSE_MORE);

	/* 100 fields pass, 101 are a 431. */
	n = snprintf(b, 2 * HTTP_HDRMAX, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 1; i < HTTP_MAXFIELDS; i++)
		n += snprintf(b + n, 2 * HTTP_HDRMAX - n, "X-%zu: v\r\n", i);
	memcpy(b + n, "\r\n", 3);
	CHECK_INT(parse(b, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.nfields, HTTP_MAXFIELDS);
	memcpy(b + n, "X: 101\r\n\r\n", 11);
	CHECK_INT(parse(b, &r), HTTP_PARSE_ERROR);
	CHECK_INT(r.status, 431);

	/* A header block of exactly HTTP_HDRMAX passes, one more is 431. */
	n = snprintf(b, 2 * HTTP_HDRMAX, "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(b + n, 'v', HTTP_HDRMAX - n - 4);
	memcpy(b + HTTP_HDRMAX - 4, "\r\n\r\nGET", 8);
	CHECK_INT(parse(b, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.hdrlen, HTTP_HDRMAX);
	memset(b + n, 'v', HTTP_HDRMAX - n - 3);
	memcpy(b + HTTP_HDRMAX - 3, "\r\n\r\n", 5);
	CHECK_INT(parse(b, &r), HTTP_PARSE_ERROR);
	CHECK_INT(r.status, 431);
	/* A full buffer without an end never waits for more. */
	CHECK_INT(parse_n(b, HTTP_HDRMAX - 1, &r), HTTP_PARSE_MORE);
	CHECK_INT(parse_n(b, HTTP_HDRMAX, &r), HTTP_PARSE_ERROR);
	CHECK_INT(r.status, 431);
	/* Nor does a buffer of empty lines. */
	for (i = 0; i < HTTP_HDRMAX; i += 2)
		memcpy(b + i, "\r\n", 2);
	CHECK_INT(parse_n(b, HTTP_HDRMAX, &r), HTTP_PARSE_ERROR);
	CHECK_INT(r.status, 431);
	free(b);
}

static void
test_body(void)
{
	struct http_request	 r;
	const char		*req = "GET /a HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 5\r\n\r\nhelloGET /b";

	CHECK_INT(parse(req, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.bodylen, 5);
	CHECK_INT(r.hdrlen, strlen(req) - 11);
	CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a\r\n"
	    "content-length:  007 \r\n\r\n", &r), HTTP_PARSE_DONE);
	CHECK_INT(r.bodylen, 7);
	CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 65536\r\n\r\n", &r), HTTP_PARSE_DONE);
	CHECK_INT(r.bodylen, HTTP_BODYMAX);
	CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 0\r\n\r\n", &r), HTTP_PARSE_DONE);
	CHECK_INT(r.bodylen, 0);
}

static void
test_forms(void)
{
	struct http_request	 r;
	const char		*abs = "GET http://10.0.0.1:80/boot.ipxe"
	    "?mac=aa HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n";
	const char		*bare = "GET HTTPS://h?q HTTP/1.1\r\n"
	    "Host: h\r\n\r\n";
	char			 out[64];

	CHECK_INT(parse(abs, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.absolute, 1);
	CHECK(span_is(abs, r.path, "/boot.ipxe"));
	CHECK(span_is(abs, r.query, "mac=aa"));
	CHECK_INT(parse(bare, &r), HTTP_PARSE_DONE);
	CHECK_INT(r.absolute, 1);
	CHECK_INT(r.path.len, 0);
	CHECK(span_is(bare, r.query, "q"));
	CHECK_INT(http_path_decode((const uint8_t *)bare + r.path.off,
	    r.path.len, out, sizeof(out)), 1);
	CHECK_STR(out, "/");
	CHECK_INT(parse("GET /?mac=1 HTTP/1.1\r\nHost: h\r\n\r\n", &r),
	    HTTP_PARSE_DONE);
	CHECK_INT(r.path.len, 1);
	CHECK_INT(parse("GET /x? HTTP/1.1\r\nHost: h\r\n\r\n", &r),
	    HTTP_PARSE_DONE);
	CHECK(HTTP_SPAN_SET(r.query));
	CHECK_INT(r.query.len, 0);
}

static void
test_path_decode(void)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: refused */
	} tests[] = {
		{ "/boot/grubx64.efi", "/boot/grubx64.efi" },
		{ "/a%20b", "/a b" },
		{ "/%41%62%7e", "/Ab~" },
		{ "/%2541", "/%41" },		/* once, not twice */
		{ "/%C3%A9", "/\xc3\xa9" },
		{ "/a/../b", "/a/../b" },	/* path_clean()'s business */
		{ "/%2e%2e/etc", "/../etc" },
		{ "", "/" },
		{ "/%00", NULL },
		{ "/a%2fb", NULL },
		{ "/a%2Fb", NULL },
		{ "/a%5cb", NULL },
		{ "/a%5Cb", NULL },
		{ "/a\\b", NULL },
		{ "/%zz", NULL },
		{ "/%g0", NULL },
		{ "/a%", NULL },
		{ "/a%4", NULL },
		{ "/%0a", NULL },
		{ "/%7f", NULL },
		{ "/%%41", NULL },
	};
	char	 out[64];
	size_t	 i;
	uint8_t	*b;
	int	 rv;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		b = dup_exact(tests[i].in, strlen(tests[i].in));
		rv = http_path_decode(b, strlen(tests[i].in), out, sizeof(out));
		free(b);
		if (tests[i].out == NULL) {
			CHECK_INT(rv, -1);
			continue;
		}
		CHECK_INT(rv, strlen(tests[i].out));
		CHECK_STR(out, tests[i].out);
	}
	/* The output and its NUL must fit. */
	CHECK_INT(http_path_decode((const uint8_t *)"/abc", 4, out, 5), 4);
	CHECK_STR(out, "/abc");
	CHECK_INT(http_path_decode((const uint8_t *)"/abc", 4, out, 4), -1);
	CHECK_INT(http_path_decode((const uint8_t *)"/%41", 4, out, 3), 2);
	CHECK_INT(http_path_decode((const uint8_t *)"/", 1, out, 0), -1);
}

static void
test_query(void)
{
	const char	*q = "mac=52:54:00:12:34:56&arch=x86%5F64"
	    "&name=a+b%2Bc&flag&dup=1&dup=2&nul=%00&bad=%zz&half=%4&empty=";
	uint8_t		*b = dup_exact(q, strlen(q));
	size_t		 n = strlen(q);
	char		 out[32];

	CHECK_INT(http_query_get(b, n, "mac", out, sizeof(out)), 17);
	CHECK_STR(out, "52:54:00:12:34:56");
	CHECK_INT(http_query_get(b, n, "arch", out, sizeof(out)), 6);
	CHECK_STR(out, "x86_64");
	CHECK_INT(http_query_get(b, n, "name", out, sizeof(out)), 5);
	CHECK_STR(out, "a b+c");
	CHECK_INT(http_query_get(b, n, "flag", out, sizeof(out)), 0);
	CHECK_STR(out, "");
	CHECK_INT(http_query_get(b, n, "dup", out, sizeof(out)), 1);
	CHECK_STR(out, "1");
	CHECK_INT(http_query_get(b, n, "empty", out, sizeof(out)), 0);
	CHECK_INT(http_query_get(b, n, "nul", out, sizeof(out)), -2);
	CHECK_INT(http_query_get(b, n, "bad", out, sizeof(out)), -2);
	CHECK_INT(http_query_get(b, n, "half", out, sizeof(out)), -2);
	CHECK_INT(http_query_get(b, n, "ma", out, sizeof(out)), -1);
	CHECK_INT(http_query_get(b, n, "MAC", out, sizeof(out)), -1);
	CHECK_INT(http_query_get(b, n, "uuid", out, sizeof(out)), -1);
	CHECK_INT(http_query_get(b, n, "mac", out, 17), -2);
	CHECK_INT(http_query_get(b, n, "mac", out, 18), 17);
	CHECK_INT(http_query_get(b, 0, "mac", out, sizeof(out)), -1);
	free(b);
	b = dup_exact("mac=52%3A54%3a00", 16);
	CHECK_INT(http_query_get(b, 16, "mac", out, sizeof(out)), 8);
	CHECK_STR(out, "52:54:00");
	free(b);
}

static int
range(const char *v, uint64_t size, uint64_t *start, uint64_t *len)
{
	uint8_t	*b = dup_exact(v, strlen(v));
	int	 rv;

	rv = http_range_parse(b, strlen(v), size, start, len);
	free(b);
	return rv;
}

static void
test_range(void)
{
	static const struct {
		const char	*v;
		uint64_t	 size;
		int		 rv;
		uint64_t	 start, len;
	} tests[] = {
		{ "bytes=0-499", 1000, HTTP_RANGE_OK, 0, 500 },
		{ "bytes=500-", 1000, HTTP_RANGE_OK, 500, 500 },
		{ "bytes=-200", 1000, HTTP_RANGE_OK, 800, 200 },
		{ "bytes=-2000", 1000, HTTP_RANGE_OK, 0, 1000 },
		{ "bytes=0-99999", 1000, HTTP_RANGE_OK, 0, 1000 },
		{ "bytes=999-999", 1000, HTTP_RANGE_OK, 999, 1 },
		{ "bytes=999-", 1000, HTTP_RANGE_OK, 999, 1 },
		{ "bytes=0-0", 1, HTTP_RANGE_OK, 0, 1 },
		{ "Bytes=1-2", 1000, HTTP_RANGE_OK, 1, 2 },
		{ "bytes= 1-2 ", 1000, HTTP_RANGE_OK, 1, 2 },
		{ "bytes=1-2, ", 1000, HTTP_RANGE_OK, 1, 2 },
		{ "bytes=,1-2", 1000, HTTP_RANGE_OK, 1, 2 },
		{ "bytes=0-99999999999999999999999", 1000, HTTP_RANGE_OK,
		    0, 1000 },
		{ "bytes=-99999999999999999999999", 1000, HTTP_RANGE_OK,
		    0, 1000 },
		{ "bytes=0-18446744073709551615", 1000, HTTP_RANGE_OK,
		    0, 1000 },
		{ "bytes=18446744073709551614-", UINT64_MAX, HTTP_RANGE_OK,
		    UINT64_MAX - 1, 1 },
		{ "bytes=0-", UINT64_MAX, HTTP_RANGE_OK, 0, UINT64_MAX },
		{ "bytes=1000-", 1000, HTTP_RANGE_UNSAT, 0, 0 },
		{ "bytes=1000-2000", 1000, HTTP_RANGE_UNSAT, 0, 0 },
		{ "bytes=-0", 1000, HTTP_RANGE_UNSAT, 0, 0 },
		{ "bytes=-000", 1000, HTTP_RANGE_UNSAT, 0, 0 },
		{ "bytes=99999999999999999999999-", 1000, HTTP_RANGE_UNSAT,
		    0, 0 },
		{ "bytes=0-", 0, HTTP_RANGE_UNSAT, 0, 0 },
		{ "bytes=-5", 0, HTTP_RANGE_UNSAT, 0, 0 },
		{ "bytes=0-1,5-6", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=0-1, 1000-", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=5-4", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=a-b", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=1-2-3", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=-", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=5", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=+1-2", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=1 -2", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=1- 2", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=--1", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=-1-", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes 0-1", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "items=0-1", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "", 1000, HTTP_RANGE_NONE, 0, 0 },
	};
	uint64_t	 start, len;
	size_t		 i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		CHECK_INT(range(tests[i].v, tests[i].size, &start, &len),
		    tests[i].rv);
		CHECK(start == tests[i].start);
		CHECK(len == tests[i].len);
	}
}

/* Preconditions for the file ETAG/T1994 with one field line added. */
static int
cond(const char *field, const char *etag, time_t mtime)
{
	struct http_request	 r;
	char			 buf[512];
	uint8_t			*b;
	int			 n, rv;

	n = snprintf(buf, sizeof(buf), "GET /f HTTP/1.1\r\nHost: a\r\n%s\r\n",
	    field);
	b = dup_exact(buf, n);
	if (http_parse_request(b, n, &r) != HTTP_PARSE_DONE) {
		fprintf(stderr, "cond: %s does not parse\n", field);
		free(b);
		return -1;
	}
	rv = http_preconditions(&r, b, etag, mtime);
	free(b);
	return rv;
}

static int
applies(const char *fields, const char *etag, time_t mtime)
{
	struct http_request	 r;
	char			 buf[512];
	uint8_t			*b;
	int			 n, rv;

	n = snprintf(buf, sizeof(buf), "%s\r\n", fields);
	b = dup_exact(buf, n);
	if (http_parse_request(b, n, &r) != HTTP_PARSE_DONE) {
		free(b);
		return -1;
	}
	rv = http_range_applies(&r, b, etag, mtime);
	free(b);
	return rv;
}

#define IMS(x)	"If-Modified-Since: " x "\r\n"
#define IUS(x)	"If-Unmodified-Since: " x "\r\n"
#define IM(x)	"If-Match: " x "\r\n"
#define INM(x)	"If-None-Match: " x "\r\n"
#define D_EQ	"Sun, 06 Nov 1994 08:49:37 GMT"
#define D_OLD	"Sun, 06 Nov 1994 08:49:36 GMT"
#define D_NEW	"Sunday, 06-Nov-94 08:49:38 GMT"

static void
test_conditions(void)
{
	CHECK_INT(cond("", ETAG, T1994), 0);

	/* Step 1: If-Match, strong comparison. */
	CHECK_INT(cond(IM("\"abc\""), ETAG, T1994), 0);
	CHECK_INT(cond(IM("\"xyz\""), ETAG, T1994), 412);
	CHECK_INT(cond(IM("*"), ETAG, T1994), 0);
	CHECK_INT(cond(IM("*"), NULL, T1994), 0);
	CHECK_INT(cond(IM("W/\"abc\""), ETAG, T1994), 412);
	CHECK_INT(cond(IM("\"xyz\", \"abc\""), ETAG, T1994), 0);
	CHECK_INT(cond(IM("\"xyz\",\"abc\" ,"), ETAG, T1994), 0);
	CHECK_INT(cond(IM("\"abc\""), NULL, T1994), 412);
	CHECK_INT(cond(IM("abc"), ETAG, T1994), 412);
	CHECK_INT(cond(IM("\"abc"), ETAG, T1994), 412);
	CHECK_INT(cond(IM("\"abc\" \"xyz\""), ETAG, T1994), 412);
	CHECK_INT(cond(IM("*, \"abc\""), ETAG, T1994), 412);
	CHECK_INT(cond(IM("\"ABC\""), ETAG, T1994), 412);

	/* Step 2: If-Unmodified-Since, only without If-Match. */
	CHECK_INT(cond(IUS(D_EQ), ETAG, T1994), 0);
	CHECK_INT(cond(IUS(D_NEW), ETAG, T1994), 0);
	CHECK_INT(cond(IUS(D_OLD), ETAG, T1994), 412);
	CHECK_INT(cond(IUS("yesterday"), ETAG, T1994), 0);
	CHECK_INT(cond(IM("\"abc\"") IUS(D_OLD), ETAG, T1994), 0);
	CHECK_INT(cond(IM("\"xyz\"") IUS(D_NEW), ETAG, T1994), 412);

	/* Step 3: If-None-Match, weak comparison. */
	CHECK_INT(cond(INM("\"abc\""), ETAG, T1994), 304);
	CHECK_INT(cond(INM("W/\"abc\""), ETAG, T1994), 304);
	CHECK_INT(cond(INM("*"), ETAG, T1994), 304);
	CHECK_INT(cond(INM("*"), NULL, T1994), 304);
	CHECK_INT(cond(INM("\"x\", W/\"abc\""), ETAG, T1994), 304);
	CHECK_INT(cond(INM("\"x\""), ETAG, T1994), 0);
	CHECK_INT(cond(INM("\"abc\""), NULL, T1994), 0);
	CHECK_INT(cond(INM("garbage"), ETAG, T1994), 0);
	CHECK_INT(cond(INM(""), ETAG, T1994), 0);
	CHECK_INT(cond(INM("\"abc\""), "W/\"abc\"", T1994), 304);

	/* Step 4: If-Modified-Since, only without If-None-Match. */
	CHECK_INT(cond(IMS(D_EQ), ETAG, T1994), 304);
	CHECK_INT(cond(IMS(D_NEW), ETAG, T1994), 304);
	CHECK_INT(cond(IMS(D_OLD), ETAG, T1994), 0);
	CHECK_INT(cond(IMS("Sun Nov  6 08:49:37 1994"), ETAG, T1994), 304);
	CHECK_INT(cond(IMS("06 Nov 1994"), ETAG, T1994), 0);
	CHECK_INT(cond(INM("\"x\"") IMS(D_EQ), ETAG, T1994), 0);
	CHECK_INT(cond(INM("\"abc\"") IMS(D_OLD), ETAG, T1994), 304);

	/* The order: a failed step 1 or 2 wins over a 304. */
	CHECK_INT(cond(IM("\"xyz\"") INM("\"abc\""), ETAG, T1994), 412);
	CHECK_INT(cond(IUS(D_OLD) INM("\"abc\""), ETAG, T1994), 412);
	CHECK_INT(cond(IUS(D_OLD) IMS(D_EQ), ETAG, T1994), 412);
	CHECK_INT(cond(IM("\"abc\"") INM("\"abc\""), ETAG, T1994), 304);
	CHECK_INT(cond(IM("\"abc\"") IMS(D_EQ), ETAG, T1994), 304);
	CHECK_INT(cond(IUS(D_EQ) IMS(D_EQ), ETAG, T1994), 304);
	CHECK_INT(cond(IM("\"abc\"") IUS(D_EQ) INM("\"x\"") IMS(D_EQ),
	    ETAG, T1994), 0);
}

#define G	"GET /f HTTP/1.1\r\nHost: a\r\n"
#define RANGE	"Range: bytes=0-9\r\n"

static void
test_if_range(void)
{
	CHECK_INT(applies(G RANGE, ETAG, T1994), 1);
	CHECK_INT(applies(G, ETAG, T1994), 0);
	CHECK_INT(applies("HEAD /f HTTP/1.1\r\nHost: a\r\n" RANGE, ETAG,
	    T1994), 0);
	CHECK_INT(applies(G RANGE "If-Range: \"abc\"\r\n", ETAG, T1994), 1);
	CHECK_INT(applies(G RANGE "If-Range: \"abd\"\r\n", ETAG, T1994), 0);
	CHECK_INT(applies(G RANGE "If-Range: W/\"abc\"\r\n", ETAG, T1994), 0);
	CHECK_INT(applies(G RANGE "If-Range: \"abc\"\r\n", NULL, T1994), 0);
	CHECK_INT(applies(G RANGE "If-Range: \"abc\", \"abc\"\r\n", ETAG,
	    T1994), 0);
	CHECK_INT(applies(G RANGE "If-Range: " D_EQ "\r\n", ETAG, T1994), 1);
	CHECK_INT(applies(G RANGE "If-Range: " D_OLD "\r\n", ETAG, T1994), 0);
	CHECK_INT(applies(G RANGE "If-Range: " D_NEW "\r\n", ETAG, T1994), 0);
	/* A date on a Wednesday is not a weak entity tag. */
	CHECK_INT(applies(G RANGE
	    "If-Range: Wed, 01 Mar 2000 00:00:00 GMT\r\n", ETAG, 951868800), 1);
	CHECK_INT(applies(G RANGE "If-Range: garbage\r\n", ETAG, T1994), 0);
	CHECK_INT(applies(G RANGE "If-Range:\r\n", ETAG, T1994), 0);
	/* If-Range without Range means nothing. */
	CHECK_INT(applies(G "If-Range: \"abc\"\r\n", ETAG, T1994), 0);
}

static int
date(const char *s, time_t *t)
{
	uint8_t	*b = dup_exact(s, strlen(s));
	int	 rv;

	*t = 12345;
	rv = http_date_parse(b, strlen(s), t);
	free(b);
	return rv;
}

static void
test_dates(void)
{
	static const struct {
		time_t		 t;
		const char	*s;
	} fmt[] = {
		{ T1994, "Sun, 06 Nov 1994 08:49:37 GMT" },
		{ 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
		{ -1, "Wed, 31 Dec 1969 23:59:59 GMT" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 GMT" },
		{ 951868800, "Wed, 01 Mar 2000 00:00:00 GMT" },
		{ 2147483647, "Tue, 19 Jan 2038 03:14:07 GMT" },
		{ 4107542400LL, "Mon, 01 Mar 2100 00:00:00 GMT" },
		{ 253402300799LL, "Fri, 31 Dec 9999 23:59:59 GMT" },
		{ -62135596800LL, "Mon, 01 Jan 0001 00:00:00 GMT" },
	};
	static const char *const bad[] = {
		"", "Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 08:49:37 gmt",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 94 08:49:37 GMT",
		"sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		" Sun, 06 Nov 1994 08:49:37 GMT",
		"Sun,  06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 8:49:37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 08:60:00 GMT",
		"Sun, 06 Nov 1994 08:49:61 GMT",
		"Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 31 Nov 1994 08:49:37 GMT",
		"Thu, 29 Feb 1900 00:00:00 GMT",
		"Sun, 06 Nov 0000 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37",
		"Sun, 06 Nov 1994",
		"Sunday, 06-Nov-1994 08:49:37 GMT",
		"Sun, 06-Nov-94 08:49:37 GMT",
		"Sunday, 06 Nov 94 08:49:37 GMT",
		"Sun Nov 6 08:49:37 1994",
		"Sun Nov  6 08:49:37 94",
		"Sun Nov  6 08:49:37 1994 GMT",
		"Sun Nov   6 08:49:37 1994",
		"Sun, 06 Nov 1994 08:49:37 GMT\r\n",
		"1994-11-06T08:49:37Z",
	};
	char	 buf[HTTP_DATELEN];
	time_t	 t;
	size_t	 i;

	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		CHECK_INT(http_date_format(fmt[i].t, buf, sizeof(buf)), 29);
		CHECK_STR(buf, fmt[i].s);
		CHECK_INT(date(fmt[i].s, &t), 0);
		CHECK_INT(t, fmt[i].t);
	}
	CHECK_INT(http_date_format(253402300800LL, buf, sizeof(buf)), -1);
	CHECK_INT(http_date_format(-62135596801LL, buf, sizeof(buf)), -1);
	CHECK_INT(http_date_format(0, buf, HTTP_DATELEN - 1), -1);

	/* The three forms of one instant. */
	CHECK_INT(date("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
	CHECK_INT(t, T1994);
	CHECK_INT(date("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
	CHECK_INT(t, T1994);
	CHECK_INT(date("Sun Nov  6 08:49:37 1994", &t), 0);
	CHECK_INT(t, T1994);
	CHECK_INT(date("Sun Nov 06 08:49:37 1994", &t), 0);
	CHECK_INT(t, T1994);
	CHECK_INT(date("Wednesday, 09-Sep-15 01:46:40 GMT", &t), 0);
	CHECK_INT(t, 1441763200);
	CHECK_INT(date("Thursday, 01-Jan-70 00:00:00 GMT", &t), 0);
	CHECK_INT(t, 0);
	CHECK_INT(date("Wednesday, 31-Dec-69 23:59:59 GMT", &t), 0);
	CHECK_INT(t, 3155759999LL);
	CHECK_INT(date("Tue Feb 29 12:00:00 2000", &t), 0);
	CHECK_INT(t, 951825600);
	/* A leap second reads as the next second. */
	CHECK_INT(date("Sat, 31 Dec 2016 23:59:60 GMT", &t), 0);
	CHECK_INT(t, 1483228800);
	/* The weekday is not checked against the date. */
	CHECK_INT(date("Mon, 06 Nov 1994 08:49:37 GMT", &t), 0);
	CHECK_INT(t, T1994);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(date(bad[i], &t), -1);
		CHECK_INT(t, 12345);
	}
	CHECK_INT(http_date_parse((const uint8_t *)
	    "Sun, 06 Nov 1994 08:49:37 GMT\0x", 31, &t), -1);
}

/* Our arithmetic against gmtime_r and strftime in the C locale. */
static void
test_date_oracle(void)
{
	uint64_t	 seed = 0x2545f4914f6cdd1dULL;
	char		 ours[HTTP_DATELEN], libc[64];
	struct tm	 tm;
	time_t		 t, back;
	int		 i, bad = 0;

	for (i = 0; i < 20000; i++) {
		t = (time_t)(rnd(&seed) % 253402300800ULL);
		if (i % 2)
			t = -(t % 62135596800LL);
		if (gmtime_r(&t, &tm) == NULL)
			continue;
		strftime(libc, sizeof(libc), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		if (tm.tm_year + 1900 < 1000)	/* %Y does not pad */
			continue;
		if (http_date_format(t, ours, sizeof(ours)) != 29 ||
		    strcmp(ours, libc) != 0 ||
		    http_date_parse((uint8_t *)ours, 29, &back) != 0 ||
		    back != t) {
			if (bad++ < 5)
				fprintf(stderr, "date %lld: %s, libc %s\n",
				    (long long)t, ours, libc);
		}
	}
	CHECK_INT(bad, 0);
}

static void
test_response(void)
{
	struct http_response	 r;
	char			 buf[1024];
	const char		*want206 =
	    "HTTP/1.1 206 Partial Content\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Server: httpbootd\r\n"
	    "Accept-Ranges: bytes\r\n"
	    "Content-Type: application/efi\r\n"
	    "Content-Length: 500\r\n"
	    "Content-Range: bytes 500-999/1000\r\n"
	    "Last-Modified: Sat, 05 Nov 1994 08:49:37 GMT\r\n"
	    "ETag: \"abc\"\r\n"
	    "Cache-Control: max-age=3600\r\n"
	    "Connection: keep-alive\r\n"
	    "\r\n";
	const char		*want200 =
	    "HTTP/1.1 200 OK\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Server: httpbootd\r\n"
	    "Accept-Ranges: bytes\r\n"
	    "Content-Type: application/vnd.efi-iso\r\n"
	    "Content-Length: 1073741824\r\n"
	    "Connection: close\r\n"
	    "\r\n";
	const char		*want304 =
	    "HTTP/1.1 304 Not Modified\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Server: httpbootd\r\n"
	    "Last-Modified: Sat, 05 Nov 1994 08:49:37 GMT\r\n"
	    "ETag: \"abc\"\r\n"
	    "Cache-Control: max-age=3600\r\n"
	    "Connection: keep-alive\r\n"
	    "\r\n";
	size_t			 n, len;

	memset(&r, 0, sizeof(r));
	r.status = 206;
	r.keepalive = 1;
	r.date = T1994;
	r.content_type = "application/efi";
	r.length = 500;
	r.offset = 500;
	r.size = 1000;
	r.has_mtime = 1;
	r.mtime = T1994 - 86400;
	r.etag = ETAG;
	r.cache_control = "max-age=3600";
	len = strlen(want206);
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), len);
	CHECK_STR(buf, want206);
	/* Too small by any amount: -1; the NUL must fit too. */
	for (n = 0; n <= len; n++)
		CHECK_INT(http_response_header(&r, buf, n), -1);
	CHECK_INT(http_response_header(&r, buf, len + 1), len);

	r.status = 304;
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), strlen(want304));
	CHECK_STR(buf, want304);

	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.date = T1994;
	r.content_type = "application/vnd.efi-iso";
	r.length = 1073741824;
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), strlen(want200));
	CHECK_STR(buf, want200);

	/* Refused: unknown status, header injection, an empty 206. */
	r.status = 299;
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), -1);
	r.status = 200;
	r.content_type = "text/plain\r\nSet-Cookie: x";
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), -1);
	r.content_type = NULL;
	r.etag = "\"a\"\n";
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), -1);
	r.etag = NULL;
	r.status = 206;
	r.size = 10;
	r.offset = 0;
	r.length = 0;
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), -1);
	r.offset = 5;
	r.length = 6;
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), -1);
	r.length = 5;
	CHECK(http_response_header(&r, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "Content-Range: bytes 5-9/10\r\n") != NULL);
	r.offset = UINT64_MAX;
	r.length = 2;
	r.size = UINT64_MAX;
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), -1);
	r.status = 200;
	r.date = 253402300800LL;
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), -1);
	r.date = T1994;
	r.has_mtime = 1;
	r.mtime = 253402300800LL;
	CHECK_INT(http_response_header(&r, buf, sizeof(buf)), -1);
}

static void
test_error_response(void)
{
	static const int	 statuses[] = {
		400, 403, 404, 405, 408, 412, 413, 414, 416, 431, 500, 501,
		503, 505
	};
	struct http_response	 r;
	char			 buf[1024], want[1024];
	const char		*want405 =
	    "HTTP/1.1 405 Method Not Allowed\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Server: httpbootd\r\n"
	    "Content-Type: text/html\r\n"
	    "Content-Length: 108\r\n"
	    "Allow: GET, HEAD\r\n"
	    "Connection: close\r\n"
	    "\r\n"
	    "<html><head><title>405 Method Not Allowed</title></head>"
	    "<body><h1>405 Method Not Allowed</h1></body></html>\n";
	const char		*want416 =
	    "HTTP/1.1 416 Range Not Satisfiable\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Server: httpbootd\r\n"
	    "Content-Type: text/html\r\n"
	    "Content-Length: 114\r\n"
	    "Content-Range: bytes */1000\r\n"
	    "Connection: keep-alive\r\n"
	    "\r\n";
	size_t			 i, n;
	int			 len;

	memset(&r, 0, sizeof(r));
	r.status = 405;
	r.date = T1994;
	r.etag = ETAG;			/* dropped from errors */
	r.cache_control = "max-age=60";
	r.has_mtime = 1;
	CHECK_INT(http_error_response(&r, buf, sizeof(buf)), strlen(want405));
	CHECK_STR(buf, want405);
	n = strlen(want405);
	CHECK_INT(http_error_response(&r, buf, n), -1);
	CHECK_INT(http_error_response(&r, buf, n + 1), n);

	r.status = 416;
	r.size = 1000;
	r.keepalive = 1;
	r.head = 1;
	CHECK_INT(http_error_response(&r, buf, sizeof(buf)), strlen(want416));
	CHECK_STR(buf, want416);

	r.status = 503;
	r.head = 0;
	r.retry_after = 5;
	CHECK(http_error_response(&r, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "\r\nRetry-After: 5\r\n") != NULL);
	r.status = 501;
	CHECK(http_error_response(&r, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "\r\nAllow: GET, HEAD\r\n") != NULL);
	CHECK(strstr(buf, "Retry-After") == NULL);

	/* Each error: its status line, a body of its Content-Length. */
	r.keepalive = 0;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		r.status = statuses[i];
		len = http_error_response(&r, buf, sizeof(buf));
		CHECK(len > 0);
		snprintf(want, sizeof(want), "HTTP/1.1 %d %s\r\n", statuses[i],
		    http_reason(statuses[i]));
		CHECK(strncmp(buf, want, strlen(want)) == 0);
		snprintf(want, sizeof(want), "<h1>%d %s</h1>", statuses[i],
		    http_reason(statuses[i]));
		CHECK(strstr(buf, want) != NULL);
		CHECK(strstr(buf, "ETag") == NULL);
		CHECK(strstr(buf, "Cache-Control") == NULL);
		CHECK(strstr(buf, "Last-Modified") == NULL);
		n = strlen(strstr(buf, "\r\n\r\n") + 4);
		snprintf(want, sizeof(want), "\r\nContent-Length: %zu\r\n", n);
		CHECK(strstr(buf, want) != NULL);
	}
	CHECK(http_reason(418) == NULL);
	r.status = 200;
	CHECK_INT(http_error_response(&r, buf, sizeof(buf)), -1);
	r.status = 304;
	CHECK_INT(http_error_response(&r, buf, sizeof(buf)), -1);
}

static void
test_content_type(void)
{
	struct type_conf	 types[3];

	CHECK_STR(http_content_type("/boot/bootx64.efi", NULL, 0),
	    "application/efi");
	CHECK_STR(http_content_type("/EFI/BOOT/BOOTX64.EFI", NULL, 0),
	    "application/efi");
	CHECK_STR(http_content_type("/debian.iso", NULL, 0),
	    "application/vnd.efi-iso");
	CHECK_STR(http_content_type("/disk.Img", NULL, 0),
	    "application/vnd.efi-img");
	CHECK_STR(http_content_type("/boot.ipxe", NULL, 0), "text/plain");
	CHECK_STR(http_content_type("/index.html", NULL, 0), "text/html");
	CHECK_STR(http_content_type("/readme.txt", NULL, 0), "text/plain");
	CHECK_STR(http_content_type("/grub/grub.cfg", NULL, 0), "text/plain");
	CHECK_STR(http_content_type("/m.json", NULL, 0), "application/json");
	CHECK_STR(http_content_type("/initrd.gz", NULL, 0),
	    "application/gzip");
	CHECK_STR(http_content_type("/root.tar.gz", NULL, 0),
	    "application/gzip");
	CHECK_STR(http_content_type("/root.tar.xz", NULL, 0),
	    "application/x-xz");
	CHECK_STR(http_content_type("/root.tar", NULL, 0),
	    "application/x-tar");
	CHECK_STR(http_content_type("/undionly.kpxe", NULL, 0),
	    "application/octet-stream");
	CHECK_STR(http_content_type("/pxelinux.0", NULL, 0),
	    "application/octet-stream");
	CHECK_STR(http_content_type("/ipxe.lkrn", NULL, 0),
	    "application/octet-stream");
	CHECK_STR(http_content_type("/vmlinuz", NULL, 0),
	    "application/octet-stream");
	CHECK_STR(http_content_type("/efi/vmlinuz", NULL, 0),
	    "application/octet-stream");
	CHECK_STR(http_content_type("/x.efi/vmlinuz", NULL, 0),
	    "application/octet-stream");
	CHECK_STR(http_content_type("/bootx64efi", NULL, 0),
	    "application/octet-stream");
	CHECK_STR(http_content_type("/a.", NULL, 0),
	    "application/octet-stream");
	CHECK_STR(http_content_type("", NULL, 0), "application/octet-stream");

	memset(types, 0, sizeof(types));
	strlcpy(types[0].suffix, "efi", sizeof(types[0].suffix));
	strlcpy(types[0].mime, "application/x-efi", sizeof(types[0].mime));
	strlcpy(types[1].suffix, "tar.gz", sizeof(types[1].suffix));
	strlcpy(types[1].mime, "application/x-compressed-tar",
	    sizeof(types[1].mime));
	strlcpy(types[2].suffix, "IPXE", sizeof(types[2].suffix));
	strlcpy(types[2].mime, "text/x-ipxe", sizeof(types[2].mime));
	CHECK_STR(http_content_type("/bootx64.EFI", types, 3),
	    "application/x-efi");
	CHECK_STR(http_content_type("/root.tar.gz", types, 3),
	    "application/x-compressed-tar");
	CHECK_STR(http_content_type("/initrd.gz", types, 3),
	    "application/gzip");
	CHECK_STR(http_content_type("/boot.ipxe", types, 3), "text/x-ipxe");
	CHECK_STR(http_content_type("/d.iso", types, 3),
	    "application/vnd.efi-iso");
	/* Only the given count is looked at. */
	CHECK_STR(http_content_type("/boot.ipxe", types, 2), "text/plain");
}

/* Whatever came in, the answer is one of the three, and consistent. */
static void
check_request(const uint8_t *b, size_t n, int rv,
    const struct http_request *r)
{
	static const int	 ok[] = {
		400, 405, 413, 414, 431, 501, 505
	};
	const struct http_span	*s[] = {
		&r->target, &r->path, &r->query, &r->host, &r->range,
		&r->if_range, &r->if_match, &r->if_none_match,
		&r->if_modified_since, &r->if_unmodified_since,
		&r->user_agent
	};
	size_t			 i;
	int			 found = 0;

	if (rv == HTTP_PARSE_MORE) {
		CHECK(n < HTTP_HDRMAX);
		return;
	}
	if (rv == HTTP_PARSE_ERROR) {
		for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			found |= r->status == ok[i];
		CHECK(found);
		CHECK_INT(r->keepalive, 0);
		return;
	}
	CHECK_INT(rv, HTTP_PARSE_DONE);
	CHECK(r->hdrlen <= n && r->hdrlen <= HTTP_HDRMAX);
	CHECK(r->method == HTTP_GET || r->method == HTTP_HEAD);
	CHECK(r->bodylen <= HTTP_BODYMAX);
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		CHECK(s[i]->off + s[i]->len <= r->hdrlen);
	CHECK(b[r->hdrlen - 1] == '\n');
}

/* Every parser over one buffer, and over the spans it yields. */
static void
fuzz_one(const uint8_t *b, size_t n)
{
	struct http_request	 r;
	uint64_t		 start, len;
	char			 out[HTTP_TARGETMAX + 2];
	time_t			 t;
	int			 rv;

	rv = http_parse_request(b, n, &r);
	check_request(b, n, rv, &r);
	if (rv == HTTP_PARSE_DONE) {
		http_path_decode(b + r.path.off, r.path.len, out, sizeof(out));
		http_query_get(b + r.query.off, r.query.len, "mac", out,
		    sizeof(out));
		if (http_range_parse(b + r.range.off, r.range.len, 1000,
		    &start, &len) == HTTP_RANGE_OK)
			CHECK(len > 0 && start + len <= 1000);
		rv = http_preconditions(&r, b, ETAG, T1994);
		CHECK(rv == 0 || rv == 304 || rv == 412);
		rv = http_range_applies(&r, b, ETAG, T1994);
		CHECK(rv == 0 || rv == 1);
	}
	http_path_decode(b, n, out, sizeof(out));
	http_query_get(b, n, "a", out, sizeof(out));
	if (http_range_parse(b, n, 77, &start, &len) == HTTP_RANGE_OK)
		CHECK(len > 0 && start + len <= 77);
	http_etag_match(b, n, ETAG, 1);
	http_etag_match(b, n, ETAG, 0);
	if (http_date_parse(b, n, &t) == 0)
		CHECK(http_date_format(t, out, sizeof(out)) == 29);
}

static void
test_fuzz(void)
{
	static const char *const seeds[] = {
		"GET /boot.ipxe?mac=52:54:00:12:34:56&a=%41 HTTP/1.1\r\n"
		    "Host: h\r\nRange: bytes=10-20\r\nIf-Range: \"abc\"\r\n"
		    "If-None-Match: W/\"abc\", \"x\"\r\n"
		    "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
		    "Connection: close\r\nContent-Length: 3\r\n\r\n",
		"HEAD http://h/%2e%2e/x HTTP/1.0\nIf-Match: *\n"
		    "If-Unmodified-Since: Sunday, 06-Nov-94 08:49:37 GMT\n\n",
	};
	static const char	 alphabet[] = "GETHEAD /%?&=:-,.\"W*\r\n\t"
	    "HTTP/1.0bytes0123456789Host";
	uint64_t		 seed = 0x9e3779b97f4a7c15ULL;
	uint8_t			 tmp[HTTP_HDRMAX + 64], *b;
	size_t			 i, j, n, k, sl;
	uint64_t		 x;

	for (i = 0; i < 10000; i++) {
		x = rnd(&seed);
		switch (i % 3) {
		case 0:		/* raw random bytes */
			n = x % 600;
			for (j = 0; j < n; j++)
				tmp[j] = (uint8_t)rnd(&seed);
			break;
		case 1:		/* random bytes of HTTP's own */
			n = x % 600;
			for (j = 0; j < n; j++)
				tmp[j] = alphabet[rnd(&seed) %
				    (sizeof(alphabet) - 1)];
			break;
		default:	/* a valid request, mutated and cut */
			sl = strlen(seeds[x % 2]);
			memcpy(tmp, seeds[x % 2], sl);
			for (k = rnd(&seed) % 6; k > 0; k--)
				tmp[rnd(&seed) % sl] = rnd(&seed) % 4 == 0 ?
				    (uint8_t)rnd(&seed) :
				    (uint8_t)alphabet[rnd(&seed) %
				    (sizeof(alphabet) - 1)];
			n = rnd(&seed) % 4 == 0 ? rnd(&seed) % sl : sl;
			break;
		}
		b = dup_exact(tmp, n);
		fuzz_one(b, n);
		free(b);
	}
	/* Full buffers of garbage and of nearly valid fields. */
	for (i = 0; i < 20; i++) {
		n = HTTP_HDRMAX + i % 3;
		for (j = 0; j < n; j++)
			tmp[j] = i % 2 ? (uint8_t)rnd(&seed) :
			    (uint8_t)alphabet[rnd(&seed) %
			    (sizeof(alphabet) - 1)];
		if (i % 4 == 0)
			memcpy(tmp, "GET / HTTP/1.1\r\n", 16);
		b = dup_exact(tmp, n);
		fuzz_one(b, n);
		free(b);
	}
}

int
main(void)
{
	test_simple();
	test_persistence();
	test_pipelined();
	test_split();
	test_errors();
	test_error_prefixes();
	test_limits();
	test_body();
	test_forms();
	test_path_decode();
	test_query();
	test_range();
	test_conditions();
	test_if_range();
	test_dates();
	test_date_oracle();
	test_response();
	test_error_response();
	test_content_type();
	test_fuzz();
	return check_exit();
}
