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
 * DHCPv4 messages of a proxyDHCP responder: the parser of client requests
 * and the builder of proxy replies.
 *
 * Decisions on what RFC 2131/2132 leave open, all of them strict because
 * a proxy that drops a packet costs nothing (the client retries or
 * another server answers) while one that answers a misread packet sends
 * a client to the wrong boot file:
 * - The options must end with END.  A buffer cut at an option boundary
 *   would otherwise pass for a whole packet that lacks, say, option 60.
 * - An option we interpret may appear only once: RFC 3396 concatenation
 *   is not done (no boot client splits its request's options), so a
 *   second instance is a malformed packet, not an extension.  Repeated
 *   options we do not interpret are skipped.
 * - Option 52 (overload) is refused: sname and file are never options.
 * - Only Ethernet (htype 1, hlen 6) is served: the policy matches MACs.
 * - A BOOTREPLY (op 2) and a message without option 53 (plain BOOTP)
 *   parse, so that replies can be decoded too; dhcp_reply_kind() then
 *   leaves them unanswered with the reason.
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "dhcp.h"

struct wbuf {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	int		 over;
};

/* What a reply carries besides 53, 54, 60, 97 and 82. */
enum layout {
	LAYOUT_REDIRECT,	/* nothing: the client asks again on 4011 */
	LAYOUT_DIRECT,		/* 43.6 = 8, 43.8, siaddr, file, 66, 67 */
	LAYOUT_MENU,		/* 43.6, 43.8, 43.9, 43.10 */
	LAYOUT_BOOTITEM,	/* 43.71 echoed, siaddr, file, 66, 67 */
	LAYOUT_HTTP		/* the URL in file and 67 */
};

struct opt_handler {
	uint8_t		 code;
	const char	*(*fn)(const uint8_t *, uint8_t, struct dhcp_msg *);
};

static uint16_t		 get16(const uint8_t *);
static uint32_t		 get32(const uint8_t *);
static const char	*parse_header(const uint8_t *, size_t,
			    struct dhcp_msg *);
static const char	*parse_options(const uint8_t *, size_t,
			    struct dhcp_msg *);
static const char	*parse_option(uint8_t, const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*parse_pxe(struct dhcp_msg *);
static void		 opt_copy(struct dhcp_opt *, const uint8_t *, uint8_t);
static const char	*opt_msg_type(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_server_id(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_params(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_max_size(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_vendor_class(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_user_class(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_relay_info(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_arch(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_ndi(const uint8_t *, uint8_t, struct dhcp_msg *);
static const char	*opt_uuid(const uint8_t *, uint8_t, struct dhcp_msg *);
static const char	*opt_subnet_select(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static const char	*opt_vendor_opts(const uint8_t *, uint8_t,
			    struct dhcp_msg *);
static int		 rfc3004_first(const uint8_t *, uint8_t, size_t *,
			    size_t *);
static int		 class_is(const struct dhcp_opt *, const char *);
static enum layout	 reply_layout(enum dhcp_client_kind,
			    const struct dhcp_reply_conf *);
static const char	*check_conf(enum dhcp_client_kind, enum layout,
			    const struct dhcp_reply_conf *);
static struct in_addr	 boot_server(const struct dhcp_reply_conf *);
static void		 build_header(const struct dhcp_msg *,
			    const struct dhcp_reply_conf *, enum layout,
			    uint8_t *);
static const char	*build_options(const struct dhcp_msg *,
			    const struct dhcp_reply_conf *,
			    enum dhcp_client_kind, enum layout, struct wbuf *);
static void		 build_bootfile(const struct dhcp_reply_conf *,
			    enum layout, struct wbuf *);
static const char	*build_pxe(const struct dhcp_msg *,
			    const struct dhcp_reply_conf *, enum layout,
			    struct wbuf *);
static void		 pxe_direct(const struct dhcp_reply_conf *,
			    struct wbuf *);
static void		 pxe_menu(const struct dhcp_reply_conf *,
			    struct wbuf *);
static void		 w_bytes(struct wbuf *, const void *, size_t);
static void		 w_u8(struct wbuf *, uint8_t);
static void		 w_u16(struct wbuf *, uint16_t);
static void		 w_opt(struct wbuf *, uint8_t, const void *, size_t);
static size_t		 w_sub_begin(struct wbuf *, uint8_t);
static void		 w_sub_end(struct wbuf *, size_t);

static const struct opt_handler opt_handlers[] = {
	{ DHO_VENDOR_OPTS,	opt_vendor_opts },
	{ DHO_MSG_TYPE,		opt_msg_type },
	{ DHO_SERVER_ID,	opt_server_id },
	{ DHO_PARAM_LIST,	opt_params },
	{ DHO_MAX_MSG_SIZE,	opt_max_size },
	{ DHO_VENDOR_CLASS,	opt_vendor_class },
	{ DHO_USER_CLASS,	opt_user_class },
	{ DHO_RELAY_INFO,	opt_relay_info },
	{ DHO_CLIENT_ARCH,	opt_arch },
	{ DHO_CLIENT_NDI,	opt_ndi },
	{ DHO_CLIENT_UUID,	opt_uuid },
	{ DHO_SUBNET_SELECT,	opt_subnet_select },
	{ DHO_IPXE_ENCAP,	NULL },		/* its presence is enough */
};

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * On success *reason is NULL.  On failure it says why, and bad_option
 * names the option at fault (0 when none is).
 */
int
dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *m,
    const char **reason)
{
	memset(m, 0, sizeof(*m));
	if ((*reason = parse_header(buf, len, m)) != NULL)
		return -1;
	*reason = parse_options(buf + DHCP_HDR_LEN, len - DHCP_HDR_LEN, m);
	if (*reason != NULL)
		return -1;
	if ((*reason = parse_pxe(m)) != NULL)
		return -1;
	return 0;
}

static const char *
parse_header(const uint8_t *buf, size_t len, struct dhcp_msg *m)
{
	if (len < DHCP_FIXED_LEN)
		return "truncated BOOTP header";
	m->op = buf[0];
	m->htype = buf[1];
	m->hlen = buf[2];
	m->hops = buf[3];
	if (m->op != BOOTREQUEST && m->op != BOOTREPLY)
		return "bad op";
	if (m->hlen > DHCP_CHADDR_LEN)
		return "hardware address length over 16";
	if (m->htype != DHCP_HTYPE_ETHER)
		return "hardware type is not Ethernet";
	if (m->hlen != DHCP_HLEN_ETHER)
		return "Ethernet address length is not 6";
	m->xid = get32(buf + 4);
	m->secs = get16(buf + 8);
	m->flags = get16(buf + 10);
	memcpy(&m->ciaddr, buf + 12, 4);
	memcpy(&m->yiaddr, buf + 16, 4);
	memcpy(&m->siaddr, buf + 20, 4);
	memcpy(&m->giaddr, buf + 24, 4);
	memcpy(m->chaddr, buf + 28, DHCP_CHADDR_LEN);
	if (len < DHCP_HDR_LEN)
		return "no magic cookie";
	if (get32(buf + DHCP_FIXED_LEN) != DHCP_COOKIE)
		return "wrong magic cookie";
	return NULL;
}

static const char *
parse_options(const uint8_t *p, size_t len, struct dhcp_msg *m)
{
	const char	*why;
	size_t		 i = 0;
	uint8_t		 code;

	while (i < len) {
		code = p[i];
		if (code == DHO_PAD) {
			i++;
			continue;
		}
		if (code == DHO_END)
			return NULL;
		if (len - i < 2 || len - i - 2 < p[i + 1]) {
			m->bad_option = code;
			return "option length past the end";
		}
		if ((why = parse_option(code, p + i + 2, p[i + 1], m)) !=
		    NULL) {
			m->bad_option = code;
			return why;
		}
		i += 2 + p[i + 1];
	}
	return "no END option";
}

static const char *
parse_option(uint8_t code, const uint8_t *d, uint8_t len,
    struct dhcp_msg *m)
{
	size_t	 i;
	int	 dup;

	if (code == DHO_OVERLOAD)
		return "option overload (52) is not supported";
	dup = dhcp_has_option(m, code);
	m->seen[code / 8] |= 1 << (code % 8);
	for (i = 0; i < sizeof(opt_handlers) / sizeof(opt_handlers[0]); i++) {
		if (opt_handlers[i].code != code)
			continue;
		if (dup)
			return "duplicate option";
		if (opt_handlers[i].fn == NULL)
			return NULL;
		return opt_handlers[i].fn(d, len, m);
	}
	return NULL;
}

int
dhcp_has_option(const struct dhcp_msg *m, uint8_t code)
{
	return (m->seen[code / 8] & (1 << (code % 8))) != 0;
}

static void
opt_copy(struct dhcp_opt *o, const uint8_t *d, uint8_t len)
{
	o->len = len;
	memcpy(o->data, d, len);
}

static const char *
opt_msg_type(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len != 1 || d[0] == 0)
		return "bad message type (53)";
	m->type = d[0];
	return NULL;
}

static const char *
opt_server_id(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len != 4)
		return "bad server identifier (54)";
	memcpy(&m->server_id, d, 4);
	return NULL;
}

static const char *
opt_params(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len == 0)
		return "empty parameter request list (55)";
	opt_copy(&m->params, d, len);
	return NULL;
}

/* Below 576 is a client's mistake (RFC 2132 9.10), not a reason to drop. */
static const char *
opt_max_size(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len != 2)
		return "bad maximum message size (57)";
	m->max_size = get16(d);
	if (m->max_size < DHCP_MIN_MSGSIZE)
		m->max_size = DHCP_MIN_MSGSIZE;
	return NULL;
}

static const char *
opt_vendor_class(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len == 0)
		return "empty vendor class (60)";
	opt_copy(&m->vendor_class, d, len);
	return NULL;
}

/*
 * RFC 3004 wants length-prefixed classes; iPXE sends the bare string
 * "iPXE".  A value that reads as a complete RFC 3004 list is taken as one
 * (its first class counts); anything else is a bare string.  A bare
 * string starting with a control character could be misread, but classes
 * are names.
 */
static const char *
opt_user_class(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	size_t	 off, n;

	if (len == 0)
		return "empty user class (77)";
	if (rfc3004_first(d, len, &off, &n))
		opt_copy(&m->user_class, d + off, n);
	else
		opt_copy(&m->user_class, d, len);
	return NULL;
}

static int
rfc3004_first(const uint8_t *d, uint8_t len, size_t *off, size_t *n)
{
	size_t	 i = 0;

	while (i < len) {
		if (d[i] == 0 || d[i] > len - i - 1)
			return 0;
		i += 1 + d[i];
	}
	*off = 1;
	*n = d[0];
	return 1;
}

/* Sub-options must tile the option exactly; 5 must be an address. */
static const char *
opt_relay_info(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	size_t	 i = 0;

	if (len < 2)
		return "short relay agent information (82)";
	while (i < len) {
		if (len - i < 2 || len - i - 2 < d[i + 1])
			return "malformed relay agent information (82)";
		if (d[i] == RAI_LINK_SELECT && !m->has_link_select) {
			if (d[i + 1] != 4)
				return "bad link selection (82.5)";
			memcpy(&m->link_select, d + i + 2, 4);
			m->has_link_select = 1;
		}
		i += 2 + d[i + 1];
	}
	opt_copy(&m->relay_info, d, len);
	return NULL;
}

/* RFC 4578 allows a list; the first is the one the client boots as. */
static const char *
opt_arch(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	size_t	 i;

	if (len < 2 || len % 2 != 0)
		return "bad client architecture (93)";
	for (i = 0; i < len / 2 && i < DHCP_MAXARCH; i++)
		m->arch[i] = get16(d + 2 * i);
	m->narch = i;
	return NULL;
}

static const char *
opt_ndi(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len != 3)
		return "bad network interface identifier (94)";
	memcpy(m->ndi, d, 3);
	return NULL;
}

static const char *
opt_uuid(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len != 17 || d[0] != 0)
		return "bad client machine identifier (97)";
	memcpy(m->uuid, d + 1, 16);
	return NULL;
}

static const char *
opt_subnet_select(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len != 4)
		return "bad subnet selection (118)";
	memcpy(&m->subnet_select, d, 4);
	return NULL;
}

/* Kept raw: what the sub-options mean depends on option 60. */
static const char *
opt_vendor_opts(const uint8_t *d, uint8_t len, struct dhcp_msg *m)
{
	if (len == 0)
		return "empty vendor options (43)";
	opt_copy(&m->vendor_opts, d, len);
	return NULL;
}

/* The PXE sub-options of a PXEClient's option 43: only 71 matters. */
static const char *
parse_pxe(struct dhcp_msg *m)
{
	const uint8_t	*d = m->vendor_opts.data;
	size_t		 i = 0, len = m->vendor_opts.len;

	if (!dhcp_has_option(m, DHO_VENDOR_OPTS) ||
	    dhcp_client_kind(m) != DHCP_CLIENT_PXE)
		return NULL;
	while (i < len && d[i] != PXE_END) {
		if (d[i] == 0) {
			i++;
			continue;
		}
		if (len - i < 2 || len - i - 2 < d[i + 1]) {
			m->bad_option = DHO_VENDOR_OPTS;
			return "malformed PXE options (43)";
		}
		if (d[i] == PXE_BOOT_ITEM) {
			if (d[i + 1] != 4 || m->has_boot_item) {
				m->bad_option = DHO_VENDOR_OPTS;
				return "bad PXE boot item (43.71)";
			}
			m->boot_type = get16(d + i + 2);
			m->boot_layer = get16(d + i + 4);
			m->has_boot_item = 1;
		}
		i += 2 + d[i + 1];
	}
	return NULL;
}

static int
class_is(const struct dhcp_opt *o, const char *prefix)
{
	size_t	 n = strlen(prefix);

	return o->len >= n && memcmp(o->data, prefix, n) == 0;
}

enum dhcp_client_kind
dhcp_client_kind(const struct dhcp_msg *m)
{
	if (class_is(&m->vendor_class, "PXEClient"))
		return DHCP_CLIENT_PXE;
	if (class_is(&m->vendor_class, "HTTPClient"))
		return DHCP_CLIENT_HTTP;
	return DHCP_CLIENT_OTHER;
}

/*
 * The reply rules of a proxy: DISCOVER on 67 gets an OFFER, REQUEST on
 * 4011 an ACK, and a REQUEST or INFORM naming a boot item (43.71) on
 * either port a boot server ACK.  Everything else belongs to the address
 * server or to nobody.
 */
enum dhcp_reply_kind
dhcp_reply_kind(const struct dhcp_msg *m, uint16_t port, const char **reason)
{
	enum dhcp_client_kind	 kind = dhcp_client_kind(m);

	*reason = NULL;
	if (m->op != BOOTREQUEST)
		*reason = "not a BOOTREQUEST";
	else if (m->type == DHCP_BOOTP)
		*reason = "plain BOOTP request";
	else if (kind == DHCP_CLIENT_OTHER)
		*reason = "not a PXE or HTTP boot client";
	else if (m->type == DHCPDISCOVER && port == DHCP_SERVER_PORT)
		return DHCP_REPLY_OFFER;
	else if (m->type == DHCPDISCOVER)
		*reason = "DISCOVER not on port 67";
	else if ((m->type == DHCPREQUEST || m->type == DHCPINFORM) &&
	    m->has_boot_item)
		return DHCP_REPLY_BOOTSRV;
	else if (m->type == DHCPREQUEST && port == DHCP_PXE_PORT)
		return DHCP_REPLY_ACK;
	else if (m->type == DHCPREQUEST)
		*reason = "REQUEST for the address server";
	else
		*reason = "message type not answered by a proxy";
	return DHCP_REPLY_NONE;
}

/*
 * A 4011 request goes back where it came from (iPXE sends it from 68 and
 * EDK2 from 4011); a relayed one to the relay; a client with an address
 * to that address; anyone else by broadcast, since we give no address.
 */
enum dhcp_dest
dhcp_reply_dest(const struct dhcp_msg *m, uint16_t port)
{
	if (port == DHCP_PXE_PORT)
		return DHCP_DEST_SOURCE;
	if (m->giaddr.s_addr != INADDR_ANY)
		return DHCP_DEST_RELAY;
	if (m->ciaddr.s_addr != INADDR_ANY)
		return DHCP_DEST_CIADDR;
	return DHCP_DEST_BROADCAST;
}

/*
 * The largest reply for this client: the buffer, an Ethernet frame and
 * the client's option 57 less the IP and UDP headers, whichever is least.
 */
size_t
dhcp_reply_limit(const struct dhcp_msg *m, size_t size)
{
	size_t	 limit = size;

	if (limit > DHCP_MAX_REPLY)
		limit = DHCP_MAX_REPLY;
	if (dhcp_has_option(m, DHO_MAX_MSG_SIZE) &&
	    limit > (size_t)m->max_size - DHCP_IPUDP_LEN)
		limit = m->max_size - DHCP_IPUDP_LEN;
	return limit;
}

/* The boot server type of menu item i; a local item boots the disk. */
uint16_t
dhcp_menu_type(const struct dhcp_menu *menu, size_t i)
{
	if (menu->item[i].local)
		return PXE_TYPE_LOCAL;
	return PXE_TYPE_FIRST + i;
}

/* The item a boot item type (43.71) names, or -1. */
int
dhcp_menu_item(const struct dhcp_menu *menu, uint16_t type)
{
	size_t	 i;

	if (type == PXE_TYPE_LOCAL)
		return -1;
	for (i = 0; i < menu->nitems; i++)
		if (dhcp_menu_type(menu, i) == type)
			return i;
	return -1;
}

/*
 * Returns the reply's length, at least 300 bytes (padded) and at most
 * dhcp_reply_limit(); -1 with a reason when the reply cannot be made.
 */
ssize_t
dhcp_build_reply(const struct dhcp_msg *req, const struct dhcp_reply_conf *rc,
    uint8_t *buf, size_t size, const char **reason)
{
	struct wbuf		 w;
	enum dhcp_client_kind	 kind = dhcp_client_kind(req);
	enum layout		 layout;
	size_t			 limit = dhcp_reply_limit(req, size);

	*reason = NULL;
	if (limit < DHCP_MIN_REPLY) {
		*reason = "reply buffer too small";
		return -1;
	}
	if (kind == DHCP_CLIENT_OTHER || rc->kind == DHCP_REPLY_NONE) {
		*reason = "nothing to answer";
		return -1;
	}
	layout = reply_layout(kind, rc);
	if ((*reason = check_conf(kind, layout, rc)) != NULL)
		return -1;

	memset(buf, 0, limit);
	build_header(req, rc, layout, buf);
	w.p = buf;
	w.len = DHCP_HDR_LEN;
	w.cap = limit - 1;		/* room for END */
	w.over = 0;
	if ((*reason = build_options(req, rc, kind, layout, &w)) != NULL)
		return -1;
	if (w.over) {
		*reason = "reply larger than the client accepts";
		return -1;
	}
	buf[w.len++] = DHO_END;
	if (w.len < DHCP_MIN_REPLY)
		w.len = DHCP_MIN_REPLY;	/* zeros are PAD */
	return w.len;
}

/*
 * A menu of one entry is no menu: the engine boots that entry as the
 * rule's file.  A redirecting offer says nothing but that we are a PXE
 * server, so that the client asks us again on 4011; the answer there is
 * the direct layout.
 */
static enum layout
reply_layout(enum dhcp_client_kind kind, const struct dhcp_reply_conf *rc)
{
	if (kind == DHCP_CLIENT_HTTP)
		return LAYOUT_HTTP;
	if (rc->kind == DHCP_REPLY_BOOTSRV)
		return LAYOUT_BOOTITEM;
	if (rc->menu != NULL && rc->menu->nitems > 1)
		return LAYOUT_MENU;
	if (rc->kind == DHCP_REPLY_OFFER && !rc->direct)
		return LAYOUT_REDIRECT;
	return LAYOUT_DIRECT;
}

static const char *
check_conf(enum dhcp_client_kind kind, enum layout layout,
    const struct dhcp_reply_conf *rc)
{
	size_t	 len;

	if (layout == LAYOUT_REDIRECT || layout == LAYOUT_MENU)
		return NULL;
	if (rc->bootfile == NULL || (len = strlen(rc->bootfile)) == 0)
		return "no boot file";
	if (len > DHCP_OPTLEN)
		return "boot file name longer than 255 bytes";
	if (kind == DHCP_CLIENT_HTTP &&
	    strncmp(rc->bootfile, "http://", 7) != 0 &&
	    strncmp(rc->bootfile, "https://", 8) != 0)
		return "an HTTP boot client needs an http:// URL";
	return NULL;
}

static struct in_addr
boot_server(const struct dhcp_reply_conf *rc)
{
	if (rc->boot_server.s_addr == INADDR_ANY)
		return rc->server_id;
	return rc->boot_server;
}

/*
 * RFC 2131 table 3, less the address: yiaddr stays 0, ciaddr is echoed
 * in an ACK only.  A relay cannot unicast to a client without an
 * address, hence the broadcast flag on relayed replies.
 */
static void
build_header(const struct dhcp_msg *req, const struct dhcp_reply_conf *rc,
    enum layout layout, uint8_t *buf)
{
	struct in_addr	 siaddr;
	uint32_t	 xid = htonl(req->xid), cookie = htonl(DHCP_COOKIE);
	uint16_t	 flags = req->flags;
	size_t		 len;

	if (req->giaddr.s_addr != INADDR_ANY)
		flags |= DHCP_FLAG_BROADCAST;
	flags = htons(flags);
	buf[0] = BOOTREPLY;
	buf[1] = req->htype;
	buf[2] = req->hlen;
	buf[3] = req->hops;
	memcpy(buf + 4, &xid, 4);
	memcpy(buf + 10, &flags, 2);
	if (rc->kind != DHCP_REPLY_OFFER)
		memcpy(buf + 12, &req->ciaddr, 4);
	switch (layout) {
	case LAYOUT_HTTP:
		siaddr.s_addr = INADDR_ANY;
		break;
	case LAYOUT_REDIRECT:
	case LAYOUT_MENU:
		siaddr = rc->server_id;
		break;
	default:
		siaddr = boot_server(rc);
		break;
	}
	memcpy(buf + 20, &siaddr, 4);
	memcpy(buf + 24, &req->giaddr, 4);
	memcpy(buf + 28, req->chaddr, DHCP_CHADDR_LEN);
	/* A file name that does not fit with its NUL goes in 67 alone. */
	if (layout != LAYOUT_REDIRECT && layout != LAYOUT_MENU &&
	    (len = strlen(rc->bootfile)) < DHCP_FILE_LEN)
		memcpy(buf + 108, rc->bootfile, len);
	memcpy(buf + DHCP_FIXED_LEN, &cookie, 4);
}

/* Option 82 comes last, as the relay expects to find and strip it. */
static const char *
build_options(const struct dhcp_msg *req, const struct dhcp_reply_conf *rc,
    enum dhcp_client_kind kind, enum layout layout, struct wbuf *w)
{
	const char	*class, *why;
	uint8_t		 type, uuid[17];

	type = rc->kind == DHCP_REPLY_OFFER ? DHCPOFFER : DHCPACK;
	w_opt(w, DHO_MSG_TYPE, &type, 1);
	w_opt(w, DHO_SERVER_ID, &rc->server_id, 4);
	class = kind == DHCP_CLIENT_HTTP ? "HTTPClient" : "PXEClient";
	w_opt(w, DHO_VENDOR_CLASS, class, strlen(class));
	if (dhcp_has_option(req, DHO_CLIENT_UUID)) {
		uuid[0] = 0;
		memcpy(uuid + 1, req->uuid, 16);
		w_opt(w, DHO_CLIENT_UUID, uuid, sizeof(uuid));
	}
	build_bootfile(rc, layout, w);
	if ((why = build_pxe(req, rc, layout, w)) != NULL)
		return why;
	if (dhcp_has_option(req, DHO_RELAY_INFO))
		w_opt(w, DHO_RELAY_INFO, req->relay_info.data,
		    req->relay_info.len);
	return NULL;
}

/* 66 for the firmware that reads it; EDK2 reads siaddr or 43.8. */
static void
build_bootfile(const struct dhcp_reply_conf *rc, enum layout layout,
    struct wbuf *w)
{
	char	 server[INET_ADDRSTRLEN];

	if (layout == LAYOUT_REDIRECT || layout == LAYOUT_MENU)
		return;
	if (layout != LAYOUT_HTTP) {
		inet_ntop(AF_INET, &rc->boot_server, server, sizeof(server));
		if (rc->boot_server.s_addr == INADDR_ANY)
			inet_ntop(AF_INET, &rc->server_id, server,
			    sizeof(server));
		w_opt(w, DHO_TFTP_SERVER, server, strlen(server));
	}
	w_opt(w, DHO_BOOTFILE, rc->bootfile, strlen(rc->bootfile));
}

/* Option 43 for PXE clients; boot firmware knows no RFC 3396 here. */
static const char *
build_pxe(const struct dhcp_msg *req, const struct dhcp_reply_conf *rc,
    enum layout layout, struct wbuf *w)
{
	uint8_t		 v[DHCP_OPTLEN];
	struct wbuf	 sub = { v, 0, sizeof(v) - 1, 0 };

	switch (layout) {
	case LAYOUT_DIRECT:
		pxe_direct(rc, &sub);
		break;
	case LAYOUT_MENU:
		pxe_menu(rc, &sub);
		break;
	case LAYOUT_BOOTITEM:
		w_u8(&sub, PXE_BOOT_ITEM);
		w_u8(&sub, 4);
		w_u16(&sub, req->boot_type);
		w_u16(&sub, req->boot_layer & PXE_LAYER_MASK);
		break;
	default:
		return NULL;
	}
	if (sub.over)
		return "PXE options do not fit option 43";
	v[sub.len++] = PXE_END;
	w_opt(w, DHO_VENDOR_OPTS, v, sub.len);
	return NULL;
}

/* Boot the offer's file from the one boot server, no discovery. */
static void
pxe_direct(const struct dhcp_reply_conf *rc, struct wbuf *w)
{
	struct in_addr	 server = boot_server(rc);

	w_u8(w, PXE_DISCOVERY_CONTROL);
	w_u8(w, 1);
	w_u8(w, PXE_DISC_USE_BOOTFILE);
	w_u8(w, PXE_BOOT_SERVERS);
	w_u8(w, 7);
	w_u16(w, PXE_TYPE_FIRST);
	w_u8(w, 1);
	w_bytes(w, &server, 4);
}

/*
 * Every network entry's boot server is this proxy, by unicast only: the
 * client sends its boot item request (43.71) to server_id, through any
 * relay.  Without a prompt the client shows the menu at once; a timeout
 * of 0 in the configuration means no timeout, which is 255 to PXE.
 */
static void
pxe_menu(const struct dhcp_reply_conf *rc, struct wbuf *w)
{
	const struct dhcp_menu	*menu = rc->menu;
	size_t			 i, len, start;

	w_u8(w, PXE_DISCOVERY_CONTROL);
	w_u8(w, 1);
	w_u8(w, PXE_DISC_NO_BROADCAST | PXE_DISC_NO_MULTICAST |
	    PXE_DISC_LIST_ONLY);

	start = w_sub_begin(w, PXE_BOOT_SERVERS);
	for (i = 0; i < menu->nitems; i++) {
		if (menu->item[i].local)
			continue;
		w_u16(w, dhcp_menu_type(menu, i));
		w_u8(w, 1);
		w_bytes(w, &rc->server_id, 4);
	}
	w_sub_end(w, start);

	start = w_sub_begin(w, PXE_BOOT_MENU);
	for (i = 0; i < menu->nitems; i++) {
		len = strnlen(menu->item[i].label, DHCP_OPTLEN);
		w_u16(w, dhcp_menu_type(menu, i));
		w_u8(w, len);
		w_bytes(w, menu->item[i].label, len);
	}
	w_sub_end(w, start);

	if (menu->prompt != NULL &&
	    (len = strnlen(menu->prompt, DHCP_OPTLEN)) > 0) {
		start = w_sub_begin(w, PXE_MENU_PROMPT);
		w_u8(w, menu->timeout == 0 ? 255 :
		    menu->timeout > 254 ? 254 : menu->timeout);
		w_bytes(w, menu->prompt, len);
		w_sub_end(w, start);
	}
}

/* A sub-option whose length is known once written; empty ones vanish. */
static size_t
w_sub_begin(struct wbuf *w, uint8_t code)
{
	w_u8(w, code);
	w_u8(w, 0);
	return w->len;
}

static void
w_sub_end(struct wbuf *w, size_t start)
{
	if (w->over)
		return;
	if (w->len - start > DHCP_OPTLEN)
		w->over = 1;
	else if (w->len == start)
		w->len -= 2;
	else
		w->p[start - 1] = w->len - start;
}

static void
w_bytes(struct wbuf *w, const void *p, size_t len)
{
	if (w->over || len > w->cap - w->len) {
		w->over = 1;
		return;
	}
	memcpy(w->p + w->len, p, len);
	w->len += len;
}

static void
w_u8(struct wbuf *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void
w_u16(struct wbuf *w, uint16_t v)
{
	uint8_t	 b[2] = { v >> 8, v & 0xff };

	w_bytes(w, b, 2);
}

static void
w_opt(struct wbuf *w, uint8_t code, const void *p, size_t len)
{
	if (len > DHCP_OPTLEN) {
		w->over = 1;
		return;
	}
	w_u8(w, code);
	w_u8(w, len);
	w_bytes(w, p, len);
}
