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
 * The compiled netboot.conf(5).  Every structure here is free of pointers
 * so that the parent can send it to an engine as it is, one structure per
 * message; menus, entries and rules live in arrays and refer to each other
 * by index.
 */

#ifndef NB_CONF_H
#define NB_CONF_H

#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

#define NB_NAMELEN	64	/* menu names, entry labels, user names */
#define NB_PATHLEN	256	/* boot files, kernels, directories */
#define NB_URLLEN	256	/* http-server */
#define NB_TEXTLEN	512	/* prompts, kernel command lines */
#define NB_CLASSLEN	64	/* vendor and user classes */
#define NB_HWADDRLEN	16	/* chaddr of BOOTP */
#define NB_MAXLISTEN	16	/* listen statements per daemon block */
#define NB_MAXARCH	4	/* codes one architecture name stands for */
#define NB_MAXSCRIPTS	16	/* script statements per daemon block */
#define NB_MAXTYPES	32	/* type statements in the httpbootd block */
#define NB_MIMELEN	64
#define NB_HISTORY	256	/* finished sessions a daemon keeps */
#define NB_HISTORY_MAX	16384
#define NB_MAXRELAYS	32	/* relay statements in the dhcpd-proxy block */

enum nb_daemon {
	NB_TFTPD,
	NB_HTTPBOOTD,
	NB_DHCPD_PROXY,
	NB_NDAEMONS
};

/* One listen statement.  Port 0 means the daemon's default port. */
struct listen_conf {
	struct nb_addr	 addr;		/* AF_UNSPEC with ifname set */
	uint16_t	 port;
	char		 ifname[IF_NAMESIZE];
	int		 line;
};

/* What a rule or a daemon block may decide; set says which fields are. */
#define SET_BOOTFILE	0x0001
#define SET_TFTPSERVER	0x0002
#define SET_HTTPSERVER	0x0004
#define SET_MENU	0x0008
#define SET_PXEMODE	0x0010
#define SET_DELAY	0x0020

enum pxe_mode {
	PXE_REDIRECT,		/* no option 43 on port 67, answer on 4011 */
	PXE_DIRECT		/* boot server and file in the first offer */
};

struct boot_settings {
	uint32_t	 set;
	char		 bootfile[NB_PATHLEN];
	struct nb_addr	 tftp_server;
	char		 http_server[NB_URLLEN];
	int		 menu;		/* index into menus, -1 for none */
	enum pxe_mode	 pxe_mode;
	uint32_t	 delay_ms;
};

/* script PATH format FORMAT [files-first] */
enum script_format {
	SCRIPT_IPXE,
	SCRIPT_GRUB,
	SCRIPT_PXELINUX
};

struct script_conf {
	char		 path[NB_PATHLEN];	/* a trailing '*' matches */
	enum script_format format;
	int		 files_first;		/* a real file wins */
	int		 line;
};

struct type_conf {
	char		 suffix[16];		/* without the dot */
	char		 mime[NB_MIMELEN];
};

/*
 * tftpd's default burst max, and the window granted within it whatever
 * the block size (tftpd(8), BENCHMARKS.md: a Linux client's default
 * receive buffer of 208 KiB takes 4 datagrams of any size).
 */
#define TFTPD_BURST_DEFAULT	(128 * 1024)
#define TFTPD_BURST_BLOCKS	4

struct tftpd_conf {
	uint32_t	 blksize_max;		/* 8..65464 */
	uint32_t	 windowsize_max;	/* 1..65535 */
	uint32_t	 burst_max;		/* bytes of DATA a window */
	uint32_t	 max_sessions;
	uint32_t	 timeout;		/* seconds, 1..255 */
	uint32_t	 retries;
	uint32_t	 max_per_client;	/* sessions of one address */
	uint32_t	 ratelimit;		/* answers per address a second */
	uint32_t	 lifetime;		/* seconds a session may last */
};

struct httpbootd_conf {
	uint32_t	 max_connections;
	uint32_t	 max_per_client;
	uint32_t	 timeout_header;	/* seconds */
	uint32_t	 timeout_idle;
	uint32_t	 timeout_send;
	char		 cache_control[NB_TEXTLEN];
	struct type_conf types[NB_MAXTYPES];
	size_t		 ntypes;
};

/* relay PREFIX [from PREFIX]: a relay we answer, by giaddr and source. */
struct relay_conf {
	struct nb_prefix giaddr;
	struct nb_prefix from;			/* AF_UNSPEC: any source */
	int		 line;
};

struct proxy_conf {
	uint32_t	 ratelimit;		/* answers per MAC a second */
	uint32_t	 ratelimit_addr;	/* per address answered */
	struct relay_conf relays[NB_MAXRELAYS];	/* none: any relay */
	size_t		 nrelays;
};

struct daemon_conf {
	int		 present;		/* the block was given */
	int		 line;
	struct listen_conf listen[NB_MAXLISTEN];
	size_t		 nlisten;
	char		 root[NB_PATHLEN];
	char		 user[NB_NAMELEN];
	char		 chroot[NB_PATHLEN];
	struct boot_settings defaults;
	struct script_conf scripts[NB_MAXSCRIPTS];
	size_t		 nscripts;
	uint32_t	 history;		/* finished sessions kept */
	union {
		struct tftpd_conf	tftpd;
		struct httpbootd_conf	httpbootd;
		struct proxy_conf	proxy;
	};
};

struct menu {
	char		 name[NB_NAMELEN];
	char		 prompt[NB_TEXTLEN];
	uint32_t	 timeout;		/* seconds, 0 for none */
	size_t		 first_entry;		/* index into entries */
	size_t		 nentries;
	int		 line;
};

struct menu_entry {
	char		 label[NB_NAMELEN];
	int		 local;			/* boot from local disk */
	char		 kernel[NB_PATHLEN];
	char		 initrd[NB_PATHLEN];
	char		 append[NB_TEXTLEN];
};

#define MATCH_MAC		0x0001
#define MATCH_ARCH		0x0002
#define MATCH_USERCLASS		0x0004
#define MATCH_VENDORCLASS	0x0008
#define MATCH_SUBNET		0x0010
#define MATCH_INTERFACE		0x0020
#define MATCH_UUID		0x0040

struct rule {
	uint32_t	 match;
	uint8_t		 hwaddr[NB_HWADDRLEN];
	uint8_t		 hwlen;
	uint16_t	 arch[NB_MAXARCH];
	size_t		 narch;
	char		 user_class[NB_CLASSLEN];	/* exact */
	char		 vendor_class[NB_CLASSLEN];	/* prefix */
	struct nb_prefix subnet;
	char		 ifname[IF_NAMESIZE];
	uint8_t		 uuid[16];
	struct boot_settings set;
	int		 line;
};

/*
 * The control sockets, <directory>/<daemon>.sock: root's, or also a
 * group's.  The parent alone reads this; it never reaches an engine.
 */
struct control_conf {
	int		 line;			/* 0: no control block */
	char		 directory[NB_PATHLEN];
	char		 group[NB_NAMELEN];	/* "": root only */
};

struct netboot_conf {
	struct daemon_conf daemon[NB_NDAEMONS];
	struct control_conf control;
	struct menu	*menus;
	size_t		 nmenus;
	struct menu_entry *entries;
	size_t		 nentries;
	struct rule	*rules;
	size_t		 nrules;
};

/* parse.y */
struct netboot_conf	*conf_parse(const char *);
struct netboot_conf	*conf_parse_file(FILE *, const char *);

/* conf.c */
struct netboot_conf	*conf_new(void);
void			 conf_free(struct netboot_conf *);
void			 conf_defaults(struct daemon_conf *, enum nb_daemon);
void			 boot_settings_init(struct boot_settings *);
int			 conf_menu_find(const struct netboot_conf *,
			    const char *);
const char		*daemon_name(enum nb_daemon);
int			 conf_add_menu(struct netboot_conf *,
			    const struct menu *);
int			 conf_add_entry(struct netboot_conf *,
			    const struct menu_entry *);
int			 conf_add_rule(struct netboot_conf *,
			    const struct rule *);

#endif /* NB_CONF_H */
