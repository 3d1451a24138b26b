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
 * DHCPv4 for a proxyDHCP responder (RFC 2131, RFC 2132, RFC 4578, PXE 2.1):
 * a parser of client messages and a builder of proxy replies over byte
 * buffers.  No I/O, no globals, no allocation: the engine owns sockets,
 * timers and the choice of what to boot.
 */

#ifndef NB_DHCP_H
#define NB_DHCP_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP_PXE_PORT		4011

#define DHCP_FIXED_LEN		236	/* BOOTP header before the cookie */
#define DHCP_HDR_LEN		240	/* with the magic cookie */
#define DHCP_SNAME_LEN		64
#define DHCP_FILE_LEN		128
#define DHCP_CHADDR_LEN		16
#define DHCP_COOKIE		0x63825363
#define DHCP_IPUDP_LEN		28	/* IPv4 and UDP headers */
#define DHCP_MIN_MSGSIZE	576	/* smallest option 57, RFC 2132 9.10 */
#define DHCP_MIN_REPLY		300	/* BOOTP's size, RFC 1542 2.1 */
#define DHCP_MAX_REPLY		1472	/* an Ethernet frame */
#define DHCP_OPTLEN		255
#define DHCP_MAXARCH		8
#define DHCP_MENU_MAX		85	/* entries that fit 43.9: 3 bytes each */

#define BOOTREQUEST		1
#define BOOTREPLY		2
#define DHCP_HTYPE_ETHER	1
#define DHCP_HLEN_ETHER		6
#define DHCP_FLAG_BROADCAST	0x8000

/* Option 53; 0 stands for a plain BOOTP request without one. */
enum dhcp_type {
	DHCP_BOOTP = 0,
	DHCPDISCOVER = 1,
	DHCPOFFER,
	DHCPREQUEST,
	DHCPDECLINE,
	DHCPACK,
	DHCPNAK,
	DHCPRELEASE,
	DHCPINFORM
};

#define DHO_PAD			0
#define DHO_SUBNET_MASK		1
#define DHO_ROUTERS		3
#define DHO_DNS_SERVERS		6
#define DHO_VENDOR_OPTS		43
#define DHO_REQUESTED_ADDR	50
#define DHO_LEASE_TIME		51
#define DHO_OVERLOAD		52
#define DHO_MSG_TYPE		53
#define DHO_SERVER_ID		54
#define DHO_PARAM_LIST		55
#define DHO_MAX_MSG_SIZE	57
#define DHO_VENDOR_CLASS	60
#define DHO_CLIENT_ID		61
#define DHO_TFTP_SERVER		66
#define DHO_BOOTFILE		67
#define DHO_USER_CLASS		77
#define DHO_RELAY_INFO		82
#define DHO_CLIENT_ARCH		93
#define DHO_CLIENT_NDI		94
#define DHO_CLIENT_UUID		97
#define DHO_SUBNET_SELECT	118
#define DHO_IPXE_ENCAP		175
#define DHO_END			255

/* Sub-options of option 82 (RFC 3046, RFC 3527). */
#define RAI_CIRCUIT_ID		1
#define RAI_REMOTE_ID		2
#define RAI_LINK_SELECT		5

/* PXE sub-options of option 43 (PXE 2.1, 2.4). */
#define PXE_DISCOVERY_CONTROL	6
#define PXE_BOOT_SERVERS	8
#define PXE_BOOT_MENU		9
#define PXE_MENU_PROMPT		10
#define PXE_BOOT_ITEM		71
#define PXE_END			255

#define PXE_DISC_NO_BROADCAST	0x01
#define PXE_DISC_NO_MULTICAST	0x02
#define PXE_DISC_LIST_ONLY	0x04
#define PXE_DISC_USE_BOOTFILE	0x08	/* boot the offer's file at once */

/*
 * Boot server types: 0 in a menu means "boot from the local disk", and the
 * entries of our menus take types from the vendor range upwards.
 */
#define PXE_TYPE_LOCAL		0x0000
#define PXE_TYPE_FIRST		0x8000
#define PXE_LAYER_MASK		0x7fff	/* bit 15 asks for credentials */

enum dhcp_client_kind {
	DHCP_CLIENT_OTHER,
	DHCP_CLIENT_PXE,		/* option 60 "PXEClient..." */
	DHCP_CLIENT_HTTP		/* option 60 "HTTPClient..." */
};

enum dhcp_reply_kind {
	DHCP_REPLY_NONE,
	DHCP_REPLY_OFFER,		/* proxy OFFER to a DISCOVER on 67 */
	DHCP_REPLY_ACK,			/* proxy ACK to a REQUEST on 4011 */
	DHCP_REPLY_BOOTSRV		/* boot server ACK to a 43.71 request */
};

enum dhcp_dest {
	DHCP_DEST_BROADCAST,		/* 255.255.255.255:68, that interface */
	DHCP_DEST_RELAY,		/* giaddr:67 */
	DHCP_DEST_CIADDR,		/* ciaddr:68 */
	DHCP_DEST_SOURCE		/* the request's address and port */
};

/* An option's value, copied so that a message outlives its buffer. */
struct dhcp_opt {
	uint8_t		 len;
	uint8_t		 data[DHCP_OPTLEN];
};

/*
 * A parsed client message.  Addresses stay in network byte order, the
 * other numbers are in host order.  A field of an absent option is zero;
 * dhcp_has_option() says which options came.
 */
struct dhcp_msg {
	uint8_t		 op;
	uint8_t		 htype;
	uint8_t		 hlen;
	uint8_t		 hops;
	uint32_t	 xid;
	uint16_t	 secs;
	uint16_t	 flags;
	struct in_addr	 ciaddr;
	struct in_addr	 yiaddr;
	struct in_addr	 siaddr;
	struct in_addr	 giaddr;
	uint8_t		 chaddr[DHCP_CHADDR_LEN];

	uint8_t		 seen[32];		/* bit per option code */
	enum dhcp_type	 type;			/* 53 */
	struct in_addr	 server_id;		/* 54 */
	uint16_t	 max_size;		/* 57, raised to 576 */
	uint16_t	 arch[DHCP_MAXARCH];	/* 93, the first counts */
	size_t		 narch;
	uint8_t		 ndi[3];		/* 94: type, major, minor */
	uint8_t		 uuid[16];		/* 97 without its type */
	struct in_addr	 subnet_select;		/* 118 */
	struct in_addr	 link_select;		/* 82.5 */
	int		 has_link_select;
	int		 has_boot_item;		/* 43.71 */
	uint16_t	 boot_type;
	uint16_t	 boot_layer;
	struct dhcp_opt	 vendor_class;		/* 60 */
	struct dhcp_opt	 user_class;		/* 77, first class only */
	struct dhcp_opt	 params;		/* 55 */
	struct dhcp_opt	 vendor_opts;		/* 43, raw */
	struct dhcp_opt	 relay_info;		/* 82, raw for the echo */
	uint8_t		 bad_option;		/* on error, or 0 */
};

/*
 * A BIOS boot menu: the PXE boot menu (43.9) lists every item, the boot
 * servers (43.8) every item but those that boot from the local disk.
 * The strings belong to the caller.
 */
struct dhcp_menu_item {
	const char	*label;
	int		 local;
};

struct dhcp_menu {
	const char		*prompt;	/* "" for none */
	uint32_t		 timeout;	/* seconds, 0 for none */
	size_t			 nitems;
	struct dhcp_menu_item	 item[DHCP_MENU_MAX];
};

/*
 * What to answer, decided by the engine from the policy.  boot_server is
 * the TFTP server (siaddr, 43.8, 66); when 0 the proxy's own server_id
 * stands in.  bootfile is a TFTP path, or an absolute http:// URL for an
 * HTTP boot client.  An offer tells the client to ask again on port 4011
 * for its file, unless direct (PXE_DIRECT) puts it in the offer.  menu,
 * if not NULL, is the BIOS boot menu; it is sent only with more than one
 * item.
 */
struct dhcp_reply_conf {
	enum dhcp_reply_kind	 kind;
	int			 direct;
	struct in_addr		 server_id;
	struct in_addr		 boot_server;
	const char		*bootfile;
	const struct dhcp_menu	*menu;
};

int			 dhcp_parse(const uint8_t *, size_t, struct dhcp_msg *,
			    const char **);
int			 dhcp_has_option(const struct dhcp_msg *, uint8_t);
enum dhcp_client_kind	 dhcp_client_kind(const struct dhcp_msg *);
enum dhcp_reply_kind	 dhcp_reply_kind(const struct dhcp_msg *, uint16_t,
			    const char **);
enum dhcp_dest		 dhcp_reply_dest(const struct dhcp_msg *, uint16_t);
size_t			 dhcp_reply_limit(const struct dhcp_msg *, size_t);
uint16_t		 dhcp_menu_type(const struct dhcp_menu *, size_t);
int			 dhcp_menu_item(const struct dhcp_menu *, uint16_t);
ssize_t			 dhcp_build_reply(const struct dhcp_msg *,
			    const struct dhcp_reply_conf *, uint8_t *, size_t,
			    const char **);

#endif /* NB_DHCP_H */
