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
 * What a parsed request is answered with, as a description that
 * conn.c sends: a file beneath the root, a boot script rendered for
 * the client, or an error.  Nothing here does I/O on a connection or
 * calls back into one: each function fills in a struct response and
 * returns.
 */

#ifndef HTTPBOOTD_RESPOND_H
#define HTTPBOOTD_RESPOND_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"
#include "conf.h"
#include "daemon.h"
#include "http.h"

#define RESPONSE_HDRMAX	1024	/* a response header, or an error */
#define ETAG_STRLEN	35	/* a quoted 128-bit hash in hex, NUL */
#define RETRY_AFTER	5	/* seconds, in a 503 */

struct etag;
struct fc_entry;

/* What respond.c needs of the engine, kept from call to call. */
struct respond_env {
	const struct engine_env	*env;
	struct etag		*et;
	int			 fileless;	/* warned: no descriptor */
};

/* A request, and what is known of the client that sent it. */
struct respond_req {
	const struct http_request *req;
	const uint8_t		*in;		/* what req's spans index */
	int			 parsed;	/* req was framed */
	const struct nb_addr	*client;	/* NULL: unknown */
	const char		*ifname;	/* receiving interface */
	size_t			 files_max;	/* descriptors files may hold */
};

/* The response: hdr, then body or len bytes of fe from off. */
struct response {
	int			 status;
	int			 keepalive;
	size_t			 hdrlen;
	char			*body;		/* a rendered script, malloc'd */
	size_t			 bodylen;
	struct fc_entry		*fe;		/* held, or NULL */
	off_t			 foff;
	uint64_t		 flen;
	/* A file waiting for its ETag: what answering it needs. */
	uint64_t		 size;
	time_t			 mtime;
	char			 ctype[NB_MIMELEN];
	char			 etag[ETAG_STRLEN];
	char			 hdr[RESPONSE_HDRMAX];
};

/* respond_request() results */
#define RESPOND_READY	0	/* send it */
#define RESPOND_TAG	1	/* r->fe needs its ETag: respond_file() */

int	 respond_request(struct respond_env *, const struct respond_req *,
	    struct response *);
/* The file of a RESPOND_TAG response once its tag (or NULL) is known. */
void	 respond_file(const struct respond_env *, const struct respond_req *,
	    const char *, struct response *);
void	 respond_error(const struct respond_req *, int, struct response *);
/* Lets go of the file and body. */
void	 response_release(struct response *);

#endif /* HTTPBOOTD_RESPOND_H */
