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
 * DHCPv6 for a proxy boot server (RFC 8415, RFC 5970): the parser of a
 * client's Solicit or Request, relayed or not, and the builder of an
 * Advertise or Reply that carries no address, only the boot file URL.
 * No I/O, no globals, no allocation.
 */

#ifndef NB_DHCP6_H
#define NB_DHCP6_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp.h"

#define DHCP6_CLIENT_PORT	546
#define DHCP6_SERVER_PORT	547
#define DHCP6_PXE_PORT		4011

#define DHCP6_MAX_REPLY		1232	/* IPv6 minimum MTU less headers */
#define DHCP6_DUID_MAX		130	/* type and 128 bytes, RFC 8415 11.1 */
#define DHCP6_IFID_MAX		128
#define DHCP6_LLADDR_MAX	16	/* as BOOTP's chaddr */
#define DHCP6_CLASS_MAX		255
#define DHCP6_MAXRELAY		8	/* HOP_COUNT_LIMIT, RFC 8415 7.6 */
#define DHCP6_MAXARCH		8
#define DHCP6_MAXORO		64
#define DHCP6_ENTERPRISE_PXE	343	/* Intel: "PXEClient", "HTTPClient" */

enum dhcp6_type {
	DHCP6_SOLICIT = 1,
	DHCP6_ADVERTISE,
	DHCP6_REQUEST,
	DHCP6_CONFIRM,
	DHCP6_RENEW,
	DHCP6_REBIND,
	DHCP6_REPLY,
	DHCP6_RELEASE,
	DHCP6_DECLINE,
	DHCP6_RECONFIGURE,
	DHCP6_INFORMATION_REQUEST,
	DHCP6_RELAY_FORW,
	DHCP6_RELAY_REPL
};

#define D6O_CLIENTID		1
#define D6O_SERVERID		2
#define D6O_IA_NA		3
#define D6O_IA_TA		4
#define D6O_ORO			6
#define D6O_RELAY_MSG		9
#define D6O_STATUS_CODE		13
#define D6O_RAPID_COMMIT	14
#define D6O_USER_CLASS		15
#define D6O_VENDOR_CLASS	16
#define D6O_INTERFACE_ID	18
#define D6O_IA_PD		25
#define D6O_BOOTFILE_URL	59
#define D6O_BOOTFILE_PARAM	60
#define D6O_CLIENT_ARCH		61
#define D6O_NII			62
#define D6O_CLIENT_LINKLAYER	79

#define DUID_LLT		1
#define DUID_EN			2
#define DUID_LL			3
#define DUID_UUID		4
#define HWTYPE_ETHER		1

enum dhcp6_reply_kind {
	DHCP6_REPLY_NONE,
	DHCP6_REPLY_ADVERTISE,		/* to a Solicit on 547 */
	DHCP6_REPLY_REPLY		/* to a Request for us, or on 4011 */
};

/* One Relay-forward around the client's message. */
struct dhcp6_relay {
	uint8_t		 hops;
	struct in6_addr	 link;
	struct in6_addr	 peer;
	int		 has_ifid;
	size_t		 ifid_len;
	uint8_t		 ifid[DHCP6_IFID_MAX];		/* 18, echoed */
	uint16_t	 lltype;			/* 79, RFC 6939 */
	size_t		 lladdr_len;
	uint8_t		 lladdr[DHCP6_LLADDR_MAX];
};

/*
 * A parsed client message.  relay[0] is the outermost Relay-forward and
 * relay[nrelay - 1] the one next to the client.  Strings are not
 * NUL-terminated: the lengths count.
 */
struct dhcp6_msg {
	struct dhcp6_relay relay[DHCP6_MAXRELAY];
	size_t		 nrelay;
	uint8_t		 type;
	uint32_t	 xid;				/* 24 bits */
	size_t		 clientid_len;			/* 0: none */
	uint8_t		 clientid[DHCP6_DUID_MAX];
	size_t		 serverid_len;
	uint8_t		 serverid[DHCP6_DUID_MAX];
	uint16_t	 oro[DHCP6_MAXORO];		/* 6, the first ones */
	size_t		 noro;
	int		 has_vendor_class;	/* 16, enterprise 343 */
	size_t		 vendor_class_len;
	uint8_t		 vendor_class[DHCP6_CLASS_MAX];
	int		 has_user_class;		/* 15, first class */
	size_t		 user_class_len;
	uint8_t		 user_class[DHCP6_CLASS_MAX];
	uint16_t	 arch[DHCP6_MAXARCH];		/* 61, first counts */
	size_t		 narch;
	int		 has_nii;
	uint8_t		 nii[3];			/* 62 */
	int		 has_ia;			/* 3, 4 or 25 came */
	int		 rapid_commit;
	uint16_t	 bad_option;			/* on error, or 0 */
};

/*
 * What to answer: the server's DUID-LL is made from mac; bootfile_url is
 * tftp://[addr]/path or, for an HTTP boot client, http://[addr]/path;
 * bootfile_param, if not NULL, goes in option 60 as one parameter.
 */
struct dhcp6_reply_conf {
	enum dhcp6_reply_kind	 kind;
	const uint8_t		*mac;
	size_t			 maclen;
	const char		*bootfile_url;
	const char		*bootfile_param;
};

int			 dhcp6_parse(const uint8_t *, size_t,
			    struct dhcp6_msg *, const char **);
enum dhcp6_reply_kind	 dhcp6_reply_kind(const struct dhcp6_msg *, uint16_t,
			    const uint8_t *, size_t, const char **);
enum dhcp_client_kind	 dhcp6_client_kind(const struct dhcp6_msg *);
size_t			 dhcp6_duid_ll(const uint8_t *, size_t, uint8_t *,
			    size_t);
int			 dhcp6_url(char *, size_t, const char *,
			    const struct in6_addr *, const char *);
ssize_t			 dhcp6_build_reply(const struct dhcp6_msg *,
			    const struct dhcp6_reply_conf *, uint8_t *, size_t,
			    const char **);

#endif /* NB_DHCP6_H */
