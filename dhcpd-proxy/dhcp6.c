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
 * DHCPv6 messages of a proxy boot server.
 *
 * EDK2 takes an Advertise without IA_NA as a proxy offer when it carries
 * the boot file URL (59) and the vendor class (16, enterprise 343) that
 * names the client kind; for PXE it then sends a Request to port 4011
 * built from its Solicit without IAs and without a Server Identifier,
 * and boots the URL of our Reply.  No Status Code goes in: an Advertise
 * with NoAddrsAvail makes clients drop it, and we never offer addresses.
 *
 * The same strict rules as dhcp.c: every option we read may come once
 * (option 16 once for enterprise 343), lengths must tile their option
 * exactly, and a Relay-forward must carry exactly one Relay Message.
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "dhcp6.h"

#define RELAY_HDR_LEN	34		/* type, hops, link, peer */

struct opt6 {
	const uint8_t	*p;		/* the options left */
	size_t		 len;
	uint16_t	 code;
	uint16_t	 olen;
	const uint8_t	*data;
};

struct wbuf6 {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	int		 over;
};

static uint16_t		 get16(const uint8_t *);
static int		 opt6_next(struct opt6 *, const char **);
static const char	*parse_relay(const uint8_t **, size_t *,
			    struct dhcp6_relay *, struct dhcp6_msg *);
static const char	*relay_option(struct opt6 *, struct dhcp6_relay *,
			    const uint8_t **, size_t *);
static const char	*parse_client(const uint8_t *, size_t,
			    struct dhcp6_msg *);
static const char	*client_option(const struct opt6 *,
			    struct dhcp6_msg *, uint32_t *);
static const char	*opt_duid(const struct opt6 *, uint8_t *, size_t *);
static const char	*opt_oro(const struct opt6 *, struct dhcp6_msg *);
static const char	*opt_user_class(const struct opt6 *,
			    struct dhcp6_msg *);
static const char	*opt_vendor_class(const struct opt6 *,
			    struct dhcp6_msg *);
static const char	*opt_arch(const struct opt6 *, struct dhcp6_msg *);
static int		 first_instance(const uint8_t *, size_t,
			    const uint8_t **, size_t *);
static int		 class_is(const struct dhcp6_msg *, const char *);
static const char	*check_conf(enum dhcp_client_kind,
			    const struct dhcp6_reply_conf *);
static size_t		 relay_overhead(const struct dhcp6_msg *);
static void		 build_inner(const struct dhcp6_msg *,
			    const struct dhcp6_reply_conf *,
			    enum dhcp_client_kind, struct wbuf6 *);
static void		 build_relays(const struct dhcp6_msg *, uint8_t *,
			    size_t);
static void		 w_bytes(struct wbuf6 *, const void *, size_t);
static void		 w_u16(struct wbuf6 *, uint16_t);
static void		 w_opt(struct wbuf6 *, uint16_t, const void *, size_t);

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* 1 with the next option, 0 at the end, -1 when it overruns. */
static int
opt6_next(struct opt6 *o, const char **why)
{
	if (o->len == 0)
		return 0;
	o->code = o->len >= 2 ? get16(o->p) : 0;
	if (o->len < 4 || o->len - 4 < get16(o->p + 2)) {
		*why = "option length past the end";
		return -1;
	}
	o->olen = get16(o->p + 2);
	o->data = o->p + 4;
	o->p += 4 + o->olen;
	o->len -= 4 + o->olen;
	return 1;
}

/*
 * On success *reason is NULL; on failure it says why and bad_option
 * names the option at fault, if one is.
 */
int
dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m,
    const char **reason)
{
	memset(m, 0, sizeof(*m));
	*reason = NULL;
	while (len > 0 && buf[0] == DHCP6_RELAY_FORW) {
		if (m->nrelay == DHCP6_MAXRELAY) {
			*reason = "too many relay levels";
			return -1;
		}
		*reason = parse_relay(&buf, &len, &m->relay[m->nrelay], m);
		if (*reason != NULL)
			return -1;
		m->nrelay++;
	}
	if ((*reason = parse_client(buf, len, m)) != NULL)
		return -1;
	return 0;
}

/* Moves *buf and *len to the message the relay carries. */
static const char *
parse_relay(const uint8_t **buf, size_t *len, struct dhcp6_relay *r,
    struct dhcp6_msg *m)
{
	struct opt6	 o = { 0 };
	const uint8_t	*inner = NULL;
	const char	*why = NULL;
	size_t		 inner_len = 0;

	if (*len < RELAY_HDR_LEN)
		return "truncated Relay-forward";
	r->hops = (*buf)[1];
	memcpy(&r->link, *buf + 2, 16);
	memcpy(&r->peer, *buf + 18, 16);
	o.p = *buf + RELAY_HDR_LEN;
	o.len = *len - RELAY_HDR_LEN;
	while (opt6_next(&o, &why) == 1)
		if ((why = relay_option(&o, r, &inner, &inner_len)) != NULL)
			break;
	if (why != NULL) {
		m->bad_option = o.code;
		return why;
	}
	if (inner == NULL)
		return "Relay-forward without a relayed message";
	*buf = inner;
	*len = inner_len;
	return NULL;
}

static const char *
relay_option(struct opt6 *o, struct dhcp6_relay *r, const uint8_t **inner,
    size_t *inner_len)
{
	switch (o->code) {
	case D6O_RELAY_MSG:
		if (*inner != NULL)
			return "duplicate option";
		*inner = o->data;
		*inner_len = o->olen;
		break;
	case D6O_INTERFACE_ID:
		if (r->has_ifid)
			return "duplicate option";
		if (o->olen == 0 || o->olen > DHCP6_IFID_MAX)
			return "bad interface-id (18)";
		memcpy(r->ifid, o->data, o->olen);
		r->ifid_len = o->olen;
		r->has_ifid = 1;
		break;
	case D6O_CLIENT_LINKLAYER:
		if (r->lladdr_len != 0)
			return "duplicate option";
		if (o->olen < 3 || o->olen - 2 > DHCP6_LLADDR_MAX)
			return "bad client link-layer address (79)";
		r->lltype = get16(o->data);
		r->lladdr_len = o->olen - 2;
		memcpy(r->lladdr, o->data + 2, r->lladdr_len);
		break;
	}
	return NULL;
}

static const char *
parse_client(const uint8_t *buf, size_t len, struct dhcp6_msg *m)
{
	struct opt6	 o = { 0 };
	const char	*why = NULL;
	uint32_t	 seen = 0;

	if (len < 4)
		return "truncated message header";
	m->type = buf[0];
	m->xid = (uint32_t)buf[1] << 16 | buf[2] << 8 | buf[3];
	o.p = buf + 4;
	o.len = len - 4;
	while (opt6_next(&o, &why) == 1)
		if ((why = client_option(&o, m, &seen)) != NULL)
			break;
	if (why != NULL)
		m->bad_option = o.code;
	return why;
}

/* seen holds a bit for each option below 32 that we have read. */
static const char *
client_option(const struct opt6 *o, struct dhcp6_msg *m, uint32_t *seen)
{
	static const uint8_t	 once[] = { D6O_CLIENTID, D6O_SERVERID,
				    D6O_ORO, D6O_USER_CLASS };
	size_t			 i;

	for (i = 0; i < sizeof(once); i++) {
		if (o->code != once[i])
			continue;
		if (*seen & (1U << o->code))
			return "duplicate option";
		*seen |= 1U << o->code;
	}
	switch (o->code) {
	case D6O_CLIENTID:
		return opt_duid(o, m->clientid, &m->clientid_len);
	case D6O_SERVERID:
		return opt_duid(o, m->serverid, &m->serverid_len);
	case D6O_ORO:
		return opt_oro(o, m);
	case D6O_USER_CLASS:
		return opt_user_class(o, m);
	case D6O_VENDOR_CLASS:
		return opt_vendor_class(o, m);
	case D6O_CLIENT_ARCH:
		return opt_arch(o, m);
	case D6O_NII:
		if (m->has_nii)
			return "duplicate option";
		if (o->olen != 3)
			return "bad network interface identifier (62)";
		memcpy(m->nii, o->data, 3);
		m->has_nii = 1;
		break;
	case D6O_IA_NA:
	case D6O_IA_TA:
	case D6O_IA_PD:
		m->has_ia = 1;
		break;
	case D6O_RAPID_COMMIT:
		m->rapid_commit = 1;
		break;
	}
	return NULL;
}

/* A DUID: a 2-byte type and at least one byte, 130 bytes at most. */
static const char *
opt_duid(const struct opt6 *o, uint8_t *duid, size_t *len)
{
	if (o->olen < 3 || o->olen > DHCP6_DUID_MAX)
		return "bad DUID";
	memcpy(duid, o->data, o->olen);
	*len = o->olen;
	return NULL;
}

/* A long list keeps its first codes: the rest changes nothing for us. */
static const char *
opt_oro(const struct opt6 *o, struct dhcp6_msg *m)
{
	size_t	 i;

	if (o->olen % 2 != 0)
		return "bad option request (6)";
	for (i = 0; i < o->olen / 2 && i < DHCP6_MAXORO; i++)
		m->oro[i] = get16(o->data + 2 * i);
	m->noro = i;
	return NULL;
}

/* A list of length-prefixed opaque strings; 1 and the first if it tiles. */
static int
first_instance(const uint8_t *p, size_t len, const uint8_t **first,
    size_t *flen)
{
	size_t	 i = 0, n;

	if (len < 2)
		return 0;
	while (i < len) {
		if (len - i < 2 || len - i - 2 < (n = get16(p + i)))
			return 0;
		i += 2 + n;
	}
	*first = p + 2;
	*flen = get16(p);
	return 1;
}

static const char *
opt_user_class(const struct opt6 *o, struct dhcp6_msg *m)
{
	const uint8_t	*first;
	size_t		 len;

	if (!first_instance(o->data, o->olen, &first, &len) ||
	    len > DHCP6_CLASS_MAX)
		return "bad user class (15)";
	memcpy(m->user_class, first, len);
	m->user_class_len = len;
	m->has_user_class = 1;
	return NULL;
}

/* Only enterprise 343 speaks of PXE; other vendors' classes are theirs. */
static const char *
opt_vendor_class(const struct opt6 *o, struct dhcp6_msg *m)
{
	const uint8_t	*first;
	size_t		 len;

	if (o->olen < 4)
		return "bad vendor class (16)";
	if (((uint32_t)get16(o->data) << 16 | get16(o->data + 2)) !=
	    DHCP6_ENTERPRISE_PXE)
		return NULL;
	if (m->has_vendor_class)
		return "duplicate option";
	if (!first_instance(o->data + 4, o->olen - 4, &first, &len) ||
	    len > DHCP6_CLASS_MAX)
		return "bad vendor class (16)";
	memcpy(m->vendor_class, first, len);
	m->vendor_class_len = len;
	m->has_vendor_class = 1;
	return NULL;
}

static const char *
opt_arch(const struct opt6 *o, struct dhcp6_msg *m)
{
	size_t	 i;

	if (m->narch != 0)
		return "duplicate option";
	if (o->olen < 2 || o->olen % 2 != 0)
		return "bad client architecture (61)";
	for (i = 0; i < o->olen / 2 && i < DHCP6_MAXARCH; i++)
		m->arch[i] = get16(o->data + 2 * i);
	m->narch = i;
	return NULL;
}

static int
class_is(const struct dhcp6_msg *m, const char *prefix)
{
	size_t	 n = strlen(prefix);

	return m->has_vendor_class && m->vendor_class_len >= n &&
	    memcmp(m->vendor_class, prefix, n) == 0;
}

enum dhcp_client_kind
dhcp6_client_kind(const struct dhcp6_msg *m)
{
	if (class_is(m, "PXEClient"))
		return DHCP_CLIENT_PXE;
	if (class_is(m, "HTTPClient"))
		return DHCP_CLIENT_HTTP;
	return DHCP_CLIENT_OTHER;
}

/*
 * A Solicit on 547 gets an Advertise; a Request a Reply when it names
 * us (duid), or on 4011 when it names no server (EDK2 strips it); an
 * Information-request on 4011 a Reply too.
 */
enum dhcp6_reply_kind
dhcp6_reply_kind(const struct dhcp6_msg *m, uint16_t port,
    const uint8_t *duid, size_t duidlen, const char **reason)
{
	int	 ours, none;

	ours = m->serverid_len == duidlen &&
	    memcmp(m->serverid, duid, duidlen) == 0;
	none = m->serverid_len == 0;
	*reason = NULL;
	if (dhcp6_client_kind(m) == DHCP_CLIENT_OTHER)
		*reason = "not a PXE or HTTP boot client";
	else if (m->type == DHCP6_SOLICIT && port != DHCP6_SERVER_PORT)
		*reason = "Solicit not on port 547";
	else if (m->type == DHCP6_SOLICIT && (m->clientid_len == 0 || !none))
		*reason = "Solicit without a client or with a server id";
	else if (m->type == DHCP6_SOLICIT)
		return DHCP6_REPLY_ADVERTISE;
	else if (m->type == DHCP6_REQUEST && m->clientid_len == 0)
		*reason = "Request without a client id";
	else if (m->type == DHCP6_REQUEST &&
	    (ours || (none && port == DHCP6_PXE_PORT)))
		return DHCP6_REPLY_REPLY;
	else if (m->type == DHCP6_REQUEST)
		*reason = "Request for another server";
	else if (m->type == DHCP6_INFORMATION_REQUEST &&
	    port == DHCP6_PXE_PORT && (ours || none))
		return DHCP6_REPLY_REPLY;
	else
		*reason = "message type not answered by a proxy";
	return DHCP6_REPLY_NONE;
}

/* Our DUID-LL (RFC 8415 11.4); its length, 0 if it does not fit. */
size_t
dhcp6_duid_ll(const uint8_t *mac, size_t maclen, uint8_t *duid,
    size_t size)
{
	if (maclen == 0 || maclen > DHCP6_LLADDR_MAX || size < 4 + maclen)
		return 0;
	duid[0] = 0;
	duid[1] = DUID_LL;
	duid[2] = 0;
	duid[3] = HWTYPE_ETHER;
	memcpy(duid + 4, mac, maclen);
	return 4 + maclen;
}

/* "tftp://[2001:db8::1]/path"; -1 when it does not fit. */
int
dhcp6_url(char *buf, size_t size, const char *scheme,
    const struct in6_addr *addr, const char *path)
{
	char	 host[INET6_ADDRSTRLEN];
	int	 n;

	if (inet_ntop(AF_INET6, addr, host, sizeof(host)) == NULL)
		return -1;
	while (*path == '/')
		path++;
	n = snprintf(buf, size, "%s://[%s]/%s", scheme, host, path);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return 0;
}

/*
 * Returns the reply's length, at most the buffer and DHCP6_MAX_REPLY;
 * -1 with a reason when it cannot be made.  A relayed request is
 * answered through the same relays, each Relay-reply echoing its
 * interface-id.
 */
ssize_t
dhcp6_build_reply(const struct dhcp6_msg *req,
    const struct dhcp6_reply_conf *rc, uint8_t *buf, size_t size,
    const char **reason)
{
	struct wbuf6		 w;
	enum dhcp_client_kind	 kind = dhcp6_client_kind(req);
	size_t			 limit, over;

	limit = size < DHCP6_MAX_REPLY ? size : DHCP6_MAX_REPLY;
	if ((*reason = check_conf(kind, rc)) != NULL)
		return -1;
	over = relay_overhead(req);
	if (over + 4 > limit) {
		*reason = "reply larger than the buffer";
		return -1;
	}
	w.p = buf + over;
	w.len = 0;
	w.cap = limit - over;
	w.over = 0;
	build_inner(req, rc, kind, &w);
	if (w.over) {
		*reason = "reply larger than the buffer";
		return -1;
	}
	build_relays(req, buf, over + w.len);
	return over + w.len;
}

static const char *
check_conf(enum dhcp_client_kind kind, const struct dhcp6_reply_conf *rc)
{
	const char	*url = rc->bootfile_url;

	if (kind == DHCP_CLIENT_OTHER || rc->kind == DHCP6_REPLY_NONE)
		return "nothing to answer";
	if (rc->mac == NULL || rc->maclen == 0 ||
	    rc->maclen > DHCP6_LLADDR_MAX)
		return "no server hardware address";
	if (url == NULL || *url == '\0')
		return "no boot file URL";
	if (kind == DHCP_CLIENT_HTTP && strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0)
		return "an HTTP boot client needs an http:// URL";
	return NULL;
}

static size_t
relay_overhead(const struct dhcp6_msg *m)
{
	size_t	 i, n = 0;

	for (i = 0; i < m->nrelay; i++) {
		n += RELAY_HDR_LEN + 4;
		if (m->relay[i].has_ifid)
			n += 4 + m->relay[i].ifid_len;
	}
	return n;
}

/* Server id, client id, vendor class, URL, parameter: and no IA. */
static void
build_inner(const struct dhcp6_msg *req, const struct dhcp6_reply_conf *rc,
    enum dhcp_client_kind kind, struct wbuf6 *w)
{
	uint8_t		 duid[4 + DHCP6_LLADDR_MAX], hdr[4];
	const char	*class;
	size_t		 len;

	hdr[0] = rc->kind == DHCP6_REPLY_ADVERTISE ? DHCP6_ADVERTISE :
	    DHCP6_REPLY;
	hdr[1] = req->xid >> 16;
	hdr[2] = req->xid >> 8;
	hdr[3] = req->xid;
	w_bytes(w, hdr, 4);
	len = dhcp6_duid_ll(rc->mac, rc->maclen, duid, sizeof(duid));
	w_opt(w, D6O_SERVERID, duid, len);
	if (req->clientid_len > 0)
		w_opt(w, D6O_CLIENTID, req->clientid, req->clientid_len);

	class = kind == DHCP_CLIENT_HTTP ? "HTTPClient" : "PXEClient";
	w_u16(w, D6O_VENDOR_CLASS);
	w_u16(w, 4 + 2 + strlen(class));
	w_u16(w, DHCP6_ENTERPRISE_PXE >> 16);
	w_u16(w, DHCP6_ENTERPRISE_PXE & 0xffff);
	w_u16(w, strlen(class));
	w_bytes(w, class, strlen(class));

	w_opt(w, D6O_BOOTFILE_URL, rc->bootfile_url,
	    strlen(rc->bootfile_url));
	if (rc->bootfile_param != NULL && *rc->bootfile_param != '\0') {
		len = strlen(rc->bootfile_param);
		if (len > w->cap) {
			w->over = 1;
			return;
		}
		w_u16(w, D6O_BOOTFILE_PARAM);
		w_u16(w, 2 + len);
		w_u16(w, len);
		w_bytes(w, rc->bootfile_param, len);
	}
}

/* Relay-reply headers in front of the reply, outermost first. */
static void
build_relays(const struct dhcp6_msg *req, uint8_t *buf, size_t total)
{
	const struct dhcp6_relay	*r;
	struct wbuf6			 w = { buf, 0, total, 0 };
	size_t				 i;

	for (i = 0; i < req->nrelay; i++) {
		r = &req->relay[i];
		buf[w.len++] = DHCP6_RELAY_REPL;
		buf[w.len++] = r->hops;
		w_bytes(&w, &r->link, 16);
		w_bytes(&w, &r->peer, 16);
		if (r->has_ifid)
			w_opt(&w, D6O_INTERFACE_ID, r->ifid, r->ifid_len);
		w_u16(&w, D6O_RELAY_MSG);
		w_u16(&w, total - w.len - 2);
	}
}

static void
w_bytes(struct wbuf6 *w, const void *p, size_t len)
{
	if (w->over || len > w->cap - w->len) {
		w->over = 1;
		return;
	}
	memcpy(w->p + w->len, p, len);
	w->len += len;
}

static void
w_u16(struct wbuf6 *w, uint16_t v)
{
	uint8_t	 b[2] = { v >> 8, v & 0xff };

	w_bytes(w, b, 2);
}

static void
w_opt(struct wbuf6 *w, uint16_t code, const void *p, size_t len)
{
	if (len > 0xffff) {
		w->over = 1;
		return;
	}
	w_u16(w, code);
	w_u16(w, len);
	w_bytes(w, p, len);
}
