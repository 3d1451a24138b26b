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
 * The HTTP/1.1 protocol of httpbootd (RFC 9110, RFC 9112): request
 * parsing, targets, ranges, conditional requests, dates, response
 * headers and content types.  Every function is pure: no I/O, no
 * globals, no allocation.  The engine owns the buffers and the sockets.
 */

#ifndef NB_HTTP_H
#define NB_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct type_conf;

/*
 * Limits.  The header block (leading empty lines, request line, fields
 * and the empty line) must fit in HTTP_HDRMAX bytes, so a connection
 * buffer of HTTP_HDRMAX bytes always suffices: given that many bytes
 * the parser never asks for more.
 */
#define HTTP_HDRMAX	8192
#define HTTP_TARGETMAX	4096	/* request-target, else 414 */
#define HTTP_METHODMAX	32	/* longer tokens are unknown methods */
#define HTTP_MAXFIELDS	100	/* field lines, else 431 */
#define HTTP_BODYMAX	65536	/* largest body drained, else 413 */
#define HTTP_DATELEN	30	/* IMF-fixdate and its NUL */

/* http_parse_request() results */
#define HTTP_PARSE_MORE		0
#define HTTP_PARSE_DONE		1
#define HTTP_PARSE_ERROR	(-1)

enum http_method {
	HTTP_NONE = 0,		/* not parsed, or a method we refuse */
	HTTP_GET,
	HTTP_HEAD
};

/*
 * Part of the request buffer: offsets from the buf given to the parser.
 * No field value starts at offset 0, so a field span with off 0 is
 * an absent field; a present field may be empty (len 0).
 */
struct http_span {
	uint16_t	 off;
	uint16_t	 len;
};

#define HTTP_SPAN_SET(s)	((s).off != 0)

struct http_request {
	size_t		 hdrlen;	/* bytes of the header block */
	uint64_t	 bodylen;	/* Content-Length to discard */
	int		 status;	/* HTTP_PARSE_ERROR: answer this */
	const char	*why;		/* and this for the log, or NULL */
	enum http_method method;
	uint8_t		 minor;		/* HTTP/1.minor: 0 or 1 */
	uint8_t		 keepalive;	/* the connection persists */
	uint8_t		 absolute;	/* the target had a scheme */
	uint16_t	 nfields;
	struct http_span mname;		/* the method token, for logs */
	struct http_span target;
	struct http_span path;		/* encoded; empty means "/" */
	struct http_span query;		/* after '?', encoded */
	struct http_span host;
	struct http_span range;
	struct http_span if_range;
	struct http_span if_match;
	struct http_span if_none_match;
	struct http_span if_modified_since;
	struct http_span if_unmodified_since;
	struct http_span user_agent;
};

/*
 * Parses the request at the start of buf.  Returns HTTP_PARSE_MORE
 * while the header block is incomplete and within the limits,
 * HTTP_PARSE_DONE with req->hdrlen bytes of header block consumed
 * (pipelined bytes follow; req->bodylen bytes of body are to be
 * discarded first), or HTTP_PARSE_ERROR with the status in req->status,
 * after which the engine answers and closes.  On an error the fields
 * parsed before it are set, so that a HEAD still gets no body.
 */
int		 http_parse_request(const uint8_t *, size_t,
		    struct http_request *);

/*
 * Percent-decodes a path span once into out, NUL-terminated; an empty
 * path becomes "/".  Returns the length, or -1 (answer 400) for a bad
 * escape, an encoded NUL, slash or backslash, a raw backslash, a
 * control character, or an out smaller than the result.
 */
int		 http_path_decode(const uint8_t *, size_t, char *, size_t);

/*
 * The decoded value of the first query parameter called name ("+" is a
 * space), NUL-terminated in out.  Returns its length, -1 when absent,
 * -2 for a bad escape, an encoded NUL or an out too small.
 */
int		 http_query_get(const uint8_t *, size_t, const char *,
		    char *, size_t);

/* http_range_parse() results */
#define HTTP_RANGE_NONE		0	/* 200 with the whole file */
#define HTTP_RANGE_OK		1	/* 206 */
#define HTTP_RANGE_UNSAT	2	/* 416 */

/*
 * A Range value against a file of the given size: one byte range sets
 * start and length.  Several ranges, another unit or bad syntax are
 * HTTP_RANGE_NONE; huge numbers saturate and never overflow.
 */
int		 http_range_parse(const uint8_t *, size_t, uint64_t,
		    uint64_t *, uint64_t *);

/*
 * RFC 9110 section 13.2.2 steps 1 to 4 for a file with this strong
 * quoted ETag (or NULL) and mtime: 0 to proceed, 304 or 412.
 */
int		 http_preconditions(const struct http_request *,
		    const uint8_t *, const char *, time_t);
/* Step 5: whether the Range field applies (a GET, If-Range true). */
int		 http_range_applies(const struct http_request *,
		    const uint8_t *, const char *, time_t);
/* Whether a list of entity tags or "*" matches; weak or strong. */
int		 http_etag_match(const uint8_t *, size_t, const char *, int);

/* IMF-fixdate into buf; -1 if buf is short or the year not 1..9999. */
int		 http_date_format(time_t, char *, size_t);
/* IMF-fixdate, RFC 850 or asctime; 0 or -1. */
int		 http_date_parse(const uint8_t *, size_t, time_t *);

struct http_response {
	int		 status;
	int		 keepalive;
	int		 head;		/* a HEAD: header only */
	time_t		 date;
	const char	*content_type;	/* NULL: none */
	uint64_t	 length;	/* Content-Length */
	uint64_t	 offset;	/* 206: the first byte */
	uint64_t	 size;		/* 206, 416: of the whole file */
	int		 has_mtime;
	time_t		 mtime;		/* Last-Modified */
	const char	*etag;		/* NULL: none */
	const char	*cache_control;	/* NULL: none */
	unsigned int	 retry_after;	/* 503: seconds, 0: none */
};

/*
 * The status line and fields for r, with the empty line, into buf,
 * NUL-terminated.  Returns the length without the NUL, or -1 if buf is
 * too small, the status unknown, a date out of range, a 206 range
 * outside the file or a string field holds a control character.
 */
int		 http_response_header(const struct http_response *, char *,
		    size_t);
/*
 * A complete response for a status of 400 and above, with a small HTML
 * body that r->head leaves out; validators and Cache-Control are
 * dropped.  Returns the length as http_response_header() does.
 */
int		 http_error_response(const struct http_response *, char *,
		    size_t);
const char	*http_reason(int);

/* Whether path's last component ends in a dot and suffix, in any case. */
int		 http_suffix_is(const char *, const char *);
/* The built-in media type for a file name, or application/octet-stream. */
const char	*http_builtin_type(const char *);

/*
 * The media type for a file name by its suffix, case-insensitive; the
 * configured types come before the built-in ones.  In mimetype.c, the
 * one place where the configuration meets the protocol.
 */
const char	*http_content_type(const char *, const struct type_conf *,
		    size_t);

#endif /* NB_HTTP_H */
