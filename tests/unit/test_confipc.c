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
 * confipc.c: a config through a real socketpair and back, then every
 * check of the receiving side, one bad message at a time.  Run under
 * ASan: the partial configs thrown away must not leak.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "confipc.h"
#include "ipc.h"
#include "check.h"

/* Feeds one hand-made message; -1, 0 or 1 as conf_rx_add(). */
#define FEED(rx, type, p, len)	feed((rx), (type), (p), (len), &errstr)

/* A bad message: refused, with a reason, and the config thrown away. */
#define CHECK_BAD(rx, type, p, len) do {				\
	errstr = NULL;							\
	CHECK_INT(FEED((rx), (type), (p), (len)), -1);			\
	CHECK(errstr != NULL);						\
	CHECK((rx)->conf == NULL && (rx)->state == CONF_RX_IDLE);	\
} while (0)

static int	 feed(struct conf_rx *, uint32_t, const void *, size_t,
		    const char **);
static void	 make_daemon(struct daemon_conf *, enum nb_daemon);
static void	 make_menu(struct menu *, size_t, size_t, size_t);
static void	 make_entry(struct menu_entry *, size_t);
static void	 make_rule(struct rule *, size_t, int);
static struct netboot_conf *make_conf(enum nb_daemon);
static void	 start(struct conf_rx *, enum nb_daemon, int);
static void	 test_roundtrip(enum nb_daemon);
static void	 test_order(void);
static void	 test_sizes(void);
static void	 test_strings(void);
static void	 test_counts(void);
static void	 test_indexes(void);
static void	 test_caps(void);
static void	 test_other(void);
static void	 test_reset(void);

static struct ipc_msg	 msg;
static const char	*errstr;

static int
feed(struct conf_rx *rx, uint32_t type, const void *p, size_t len,
    const char **e)
{
	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	msg.len = len;
	msg.fd = -1;
	if (len > 0)
		memcpy(msg.data, p, len);
	return conf_rx_add(rx, &msg, e);
}

static void
make_daemon(struct daemon_conf *dc, enum nb_daemon which)
{
	memset(dc, 0, sizeof(*dc));
	dc->present = 1;
	dc->line = 12;
	dc->nlisten = 2;
	addr_parse("192.0.2.1", &dc->listen[0].addr);
	dc->listen[0].port = 69;
	strlcpy(dc->listen[1].ifname, "eth0", sizeof(dc->listen[1].ifname));
	strlcpy(dc->root, "/srv/tftp", sizeof(dc->root));
	strlcpy(dc->user, "_netboot", sizeof(dc->user));
	strlcpy(dc->chroot, "/var/empty", sizeof(dc->chroot));
	dc->defaults.set = SET_BOOTFILE | SET_MENU;
	strlcpy(dc->defaults.bootfile, "pxelinux.0",
	    sizeof(dc->defaults.bootfile));
	dc->defaults.menu = 1;
	dc->nscripts = 1;
	strlcpy(dc->scripts[0].path, "boot.ipxe*", sizeof(dc->scripts[0].path));
	dc->scripts[0].format = SCRIPT_GRUB;
	if (which == NB_HTTPBOOTD) {
		dc->httpbootd.max_connections = 64;
		strlcpy(dc->httpbootd.cache_control, "no-cache",
		    sizeof(dc->httpbootd.cache_control));
		dc->httpbootd.ntypes = 2;
		strlcpy(dc->httpbootd.types[0].suffix, "efi",
		    sizeof(dc->httpbootd.types[0].suffix));
		strlcpy(dc->httpbootd.types[0].mime,
		    "application/efi", sizeof(dc->httpbootd.types[0].mime));
		strlcpy(dc->httpbootd.types[1].suffix, "iso",
		    sizeof(dc->httpbootd.types[1].suffix));
		strlcpy(dc->httpbootd.types[1].mime,
		    "application/x-iso9660-image",
		    sizeof(dc->httpbootd.types[1].mime));
	} else if (which == NB_TFTPD) {
		dc->tftpd.blksize_max = 1468;
		dc->tftpd.windowsize_max = 16;
		dc->tftpd.timeout = 3;
	} else
		dc->proxy.ratelimit = 5;
}

static void
make_menu(struct menu *m, size_t i, size_t first, size_t n)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "menu%zu", i);
	snprintf(m->prompt, sizeof(m->prompt), "Choose, %zu", i);
	m->timeout = 10 + i;
	m->first_entry = first;
	m->nentries = n;
	m->line = 30 + i;
}

static void
make_entry(struct menu_entry *me, size_t i)
{
	memset(me, 0, sizeof(*me));
	snprintf(me->label, sizeof(me->label), "entry %zu", i);
	me->local = i == 4;
	snprintf(me->kernel, sizeof(me->kernel), "/k/vmlinuz-%zu", i);
	snprintf(me->initrd, sizeof(me->initrd), "/k/initrd-%zu", i);
	snprintf(me->append, sizeof(me->append), "console=ttyS%zu quiet", i);
}

static void
make_rule(struct rule *r, size_t i, int menu)
{
	memset(r, 0, sizeof(*r));
	r->line = 50 + i;
	boot_settings_init(&r->set);
	switch (i % 5) {
	case 0:
		r->match = MATCH_MAC;
		r->hwlen = 6;
		memcpy(r->hwaddr, "\x52\x54\x00\x12\x34\x00", 6);
		r->hwaddr[5] = i;
		break;
	case 1:
		r->match = MATCH_ARCH | MATCH_USERCLASS;
		r->narch = 2;
		r->arch[0] = 7;
		r->arch[1] = 9;
		strlcpy(r->user_class, "iPXE", sizeof(r->user_class));
		break;
	case 2:
		r->match = MATCH_SUBNET | MATCH_VENDORCLASS;
		prefix_parse("10.1.0.0/16", &r->subnet);
		strlcpy(r->vendor_class, "PXEClient",
		    sizeof(r->vendor_class));
		break;
	case 3:
		r->match = MATCH_SUBNET | MATCH_INTERFACE;
		prefix_parse("2001:db8::/32", &r->subnet);
		strlcpy(r->ifname, "br0", sizeof(r->ifname));
		break;
	default:
		r->match = MATCH_UUID;
		memset(r->uuid, 0xa0 + i, sizeof(r->uuid));
		break;
	}
	r->set.set = SET_BOOTFILE | SET_TFTPSERVER | SET_DELAY;
	snprintf(r->set.bootfile, sizeof(r->set.bootfile), "boot%zu.efi", i);
	addr_parse("192.0.2.9", &r->set.tftp_server);
	r->set.delay_ms = 100 * i;
	r->set.pxe_mode = i % 2 ? PXE_DIRECT : PXE_REDIRECT;
	if (menu != -1) {
		r->set.set |= SET_MENU;
		r->set.menu = menu;
	}
}

/* Three menus of 2, 2 and 1 entries, ten rules. */
static struct netboot_conf *
make_conf(enum nb_daemon which)
{
	struct netboot_conf	*c;
	struct menu		 m;
	struct menu_entry	 me;
	struct rule		 r;
	size_t			 i;

	if ((c = conf_new()) == NULL)
		err(1, "conf_new");
	make_daemon(&c->daemon[which], which);
	for (i = 0; i < 3; i++) {
		make_menu(&m, i, 2 * i, i == 2 ? 1 : 2);
		if (conf_add_menu(c, &m) == -1)
			err(1, NULL);
	}
	for (i = 0; i < 5; i++) {
		make_entry(&me, i);
		if (conf_add_entry(c, &me) == -1)
			err(1, NULL);
	}
	for (i = 0; i < 10; i++) {
		make_rule(&r, i, (int)(i % 4) - 1);
		if (conf_add_rule(c, &r) == -1)
			err(1, NULL);
	}
	return c;
}

/* A valid daemon message, and as many valid menus. */
static void
start(struct conf_rx *rx, enum nb_daemon which, int nmenus)
{
	struct daemon_conf	 dc;
	struct menu		 m;
	int			 i;

	conf_rx_init(rx, which);
	make_daemon(&dc, which);
	dc.defaults.menu = -1;
	CHECK_INT(FEED(rx, IPC_RECONF_DAEMON, &dc, sizeof(dc)), 0);
	for (i = 0; i < nmenus; i++) {
		make_menu(&m, i, 0, 0);
		CHECK_INT(FEED(rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	}
}

static void
test_roundtrip(enum nb_daemon which)
{
	struct netboot_conf	*sent, *got, *fresh;
	struct ipc		 a, b;
	struct ipc_msg		*m;
	struct conf_rx		 rx;
	int			 fd[2], rv = 0, n = 0, d, rounds = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fd) == -1)
		err(1, "socketpair");
	if ((m = malloc(sizeof(*m))) == NULL)
		err(1, NULL);
	ipc_init(&a, fd[0]);
	ipc_init(&b, fd[1]);
	sent = make_conf(which);
	fresh = conf_new();
	conf_rx_init(&rx, which);

	CHECK_INT(conf_send(&a, sent, which), 0);
	CHECK_INT(a.queued, 1 + 3 + 5 + 10 + 1);
	CHECK(conf_rx_take(&rx) == NULL);
	while (rv == 0 && rounds++ < 100) {
		if (ipc_flush(&a) == -1)
			err(1, "ipc_flush");
		while (rv == 0 && ipc_recv(&b, m) == 1) {
			n++;
			rv = conf_rx_add(&rx, m, &errstr);
		}
	}
	CHECK_INT(rv, 1);
	CHECK(errstr == NULL);
	CHECK_INT(n, 20);
	CHECK_INT(ipc_pending(&a), 0);

	got = conf_rx_take(&rx);
	CHECK(got != NULL);
	CHECK(conf_rx_take(&rx) == NULL);
	if (got == NULL)
		goto done;
	CHECK(memcmp(&got->daemon[which], &sent->daemon[which],
	    sizeof(got->daemon[which])) == 0);
	/* The other daemons' blocks stay as a new config has them. */
	for (d = 0; d < NB_NDAEMONS; d++)
		if (d != (int)which)
			CHECK(memcmp(&got->daemon[d], &fresh->daemon[d],
			    sizeof(got->daemon[d])) == 0);
	CHECK_INT(got->nmenus, 3);
	CHECK_INT(got->nentries, 5);
	CHECK_INT(got->nrules, 10);
	CHECK(memcmp(got->menus, sent->menus, 3 * sizeof(*got->menus)) == 0);
	CHECK(memcmp(got->entries, sent->entries,
	    5 * sizeof(*got->entries)) == 0);
	CHECK(memcmp(got->rules, sent->rules, 10 * sizeof(*got->rules)) == 0);
	CHECK_STR(got->menus[2].prompt, "Choose, 2");
	CHECK_STR(got->entries[3].append, "console=ttyS3 quiet");
	CHECK_INT(got->rules[3].subnet.plen, 32);
	CHECK_INT(got->rules[9].set.delay_ms, 900);
	conf_free(got);

	/* The same receiver takes the next config. */
	CHECK_INT(conf_send(&a, sent, which), 0);
	CHECK_INT(ipc_flush(&a), 0);
	rv = 0;
	while (rv == 0 && ipc_recv(&b, m) == 1)
		rv = conf_rx_add(&rx, m, &errstr);
	CHECK_INT(rv, 1);
	conf_free(conf_rx_take(&rx));

 done:
	conf_free(sent);
	conf_free(fresh);
	ipc_clear(&a);
	close(fd[0]);
	close(fd[1]);
	free(m);
}

static void
test_order(void)
{
	struct conf_rx		 rx;
	struct daemon_conf	 dc;
	struct menu		 m;
	struct menu_entry	 me;
	struct rule		 r;

	make_daemon(&dc, NB_TFTPD);
	dc.defaults.menu = -1;
	make_menu(&m, 0, 0, 1);
	make_entry(&me, 0);
	make_rule(&r, 0, -1);

	conf_rx_init(&rx, NB_TFTPD);
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));
	CHECK_BAD(&rx, IPC_RECONF_ENTRY, &me, sizeof(me));
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));
	CHECK_BAD(&rx, IPC_RECONF_END, NULL, 0);

	start(&rx, NB_TFTPD, 0);
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));

	start(&rx, NB_TFTPD, 1);
	CHECK_INT(FEED(&rx, IPC_RECONF_ENTRY, &me, sizeof(me)), 0);
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));

	start(&rx, NB_TFTPD, 1);
	CHECK_INT(FEED(&rx, IPC_RECONF_ENTRY, &me, sizeof(me)), 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_RULE, &r, sizeof(r)), 0);
	CHECK_BAD(&rx, IPC_RECONF_ENTRY, &me, sizeof(me));

	/* Skipping a kind is fine: no menus, no entries, one rule. */
	start(&rx, NB_TFTPD, 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_RULE, &r, sizeof(r)), 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_END, NULL, 0), 1);
	CHECK(errstr == NULL);
	/* Complete but not taken: nothing more goes in. */
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));
	CHECK(conf_rx_take(&rx) == NULL);

	start(&rx, NB_TFTPD, 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_END, NULL, 0), 1);
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
}

static void
test_sizes(void)
{
	struct conf_rx		 rx;
	struct daemon_conf	 dc;
	struct menu		 m;
	uint8_t			 big[sizeof(struct menu_entry) +
				    sizeof(struct rule)];

	make_daemon(&dc, NB_TFTPD);
	make_menu(&m, 0, 0, 0);
	memset(big, 0, sizeof(big));

	conf_rx_init(&rx, NB_TFTPD);
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc) - 1);
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, 0);
	start(&rx, NB_TFTPD, 0);
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m) - 1);
	start(&rx, NB_TFTPD, 0);
	CHECK_BAD(&rx, IPC_RECONF_ENTRY, big, sizeof(struct menu_entry) + 1);
	start(&rx, NB_TFTPD, 0);
	CHECK_BAD(&rx, IPC_RECONF_RULE, big, sizeof(struct rule) + 1);
	start(&rx, NB_TFTPD, 0);
	CHECK_BAD(&rx, IPC_RECONF_RULE, big, sizeof(struct rule) - 8);
	start(&rx, NB_TFTPD, 0);
	CHECK_BAD(&rx, IPC_RECONF_END, big, 1);
}

static void
test_strings(void)
{
	struct conf_rx		 rx;
	struct daemon_conf	 dc;
	struct menu		 m;
	struct menu_entry	 me;
	struct rule		 r;

	conf_rx_init(&rx, NB_HTTPBOOTD);
	make_daemon(&dc, NB_HTTPBOOTD);
	memset(dc.root, 'a', sizeof(dc.root));
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	memset(dc.listen[1].ifname, 'e', sizeof(dc.listen[1].ifname));
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	memset(dc.defaults.http_server, 'h',
	    sizeof(dc.defaults.http_server));
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	memset(dc.scripts[0].path, 's', sizeof(dc.scripts[0].path));
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	memset(dc.httpbootd.types[1].mime, 'm',
	    sizeof(dc.httpbootd.types[1].mime));
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	/* Past ntypes nobody looks, so nobody checks. */
	make_daemon(&dc, NB_HTTPBOOTD);
	memset(dc.httpbootd.types[5].mime, 'm',
	    sizeof(dc.httpbootd.types[5].mime));
	CHECK_INT(FEED(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc)), 0);
	conf_rx_reset(&rx);

	start(&rx, NB_HTTPBOOTD, 0);
	make_menu(&m, 0, 0, 0);
	memset(m.prompt, 'p', sizeof(m.prompt));
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));

	start(&rx, NB_HTTPBOOTD, 0);
	make_entry(&me, 0);
	memset(me.append, 'x', sizeof(me.append));
	CHECK_BAD(&rx, IPC_RECONF_ENTRY, &me, sizeof(me));

	start(&rx, NB_HTTPBOOTD, 0);
	make_rule(&r, 1, -1);
	memset(r.user_class, 'u', sizeof(r.user_class));
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_HTTPBOOTD, 0);
	make_rule(&r, 1, -1);
	memset(r.set.bootfile, 'b', sizeof(r.set.bootfile));
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));
}

static void
test_counts(void)
{
	struct conf_rx		 rx;
	struct daemon_conf	 dc;
	struct rule		 r;

	conf_rx_init(&rx, NB_HTTPBOOTD);
	make_daemon(&dc, NB_HTTPBOOTD);
	dc.nlisten = NB_MAXLISTEN;
	CHECK_INT(FEED(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc)), 0);
	conf_rx_reset(&rx);
	dc.nlisten = NB_MAXLISTEN + 1;
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	dc.nscripts = NB_MAXSCRIPTS + 1;
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	dc.httpbootd.ntypes = NB_MAXTYPES + 1;
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	dc.history = NB_HISTORY_MAX;
	CHECK_INT(FEED(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc)), 0);
	conf_rx_reset(&rx);
	dc.history = NB_HISTORY_MAX + 1;
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	dc.scripts[0].format = SCRIPT_PXELINUX + 1;
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));
	make_daemon(&dc, NB_HTTPBOOTD);
	dc.listen[0].addr.af = AF_UNIX;
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));

	/* The tftpd block has no types: its union is not read as one. */
	conf_rx_init(&rx, NB_TFTPD);
	make_daemon(&dc, NB_TFTPD);
	dc.httpbootd.ntypes = NB_MAXTYPES + 1;
	CHECK_INT(FEED(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc)), 0);
	conf_rx_reset(&rx);

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 0, -1);
	r.hwlen = NB_HWADDRLEN;
	CHECK_INT(FEED(&rx, IPC_RECONF_RULE, &r, sizeof(r)), 0);
	r.hwlen = NB_HWADDRLEN + 1;
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 1, -1);
	r.narch = NB_MAXARCH + 1;
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 2, -1);
	r.subnet.plen = 33;
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 3, -1);
	r.subnet.plen = 128;
	CHECK_INT(FEED(&rx, IPC_RECONF_RULE, &r, sizeof(r)), 0);
	r.subnet.plen = 129;
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 0, -1);
	r.subnet.plen = 1;		/* AF_UNSPEC has no bits */
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 2, -1);
	r.subnet.addr.af = 77;
	r.subnet.plen = 0;
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 2, -1);
	memset(&r.subnet, 0, sizeof(r.subnet));
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 0, -1);
	r.match |= 0x8000;
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 0, -1);
	r.set.pxe_mode = PXE_DIRECT + 1;
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));
}

static void
test_indexes(void)
{
	struct conf_rx		 rx;
	struct daemon_conf	 dc;
	struct menu		 m;
	struct menu_entry	 me;
	struct rule		 r;
	int			 i;

	/* Rules may name menus 0..2, and -1 for none. */
	start(&rx, NB_TFTPD, 3);
	make_rule(&r, 0, 2);
	CHECK_INT(FEED(&rx, IPC_RECONF_RULE, &r, sizeof(r)), 0);
	make_rule(&r, 0, -1);
	CHECK_INT(FEED(&rx, IPC_RECONF_RULE, &r, sizeof(r)), 0);
	make_rule(&r, 0, 3);
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));
	start(&rx, NB_TFTPD, 3);
	make_rule(&r, 0, -2);
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));
	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 0, 0);
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));

	/* The daemon's default menu is known only at the end. */
	conf_rx_init(&rx, NB_TFTPD);
	make_daemon(&dc, NB_TFTPD);
	dc.defaults.menu = 1;
	CHECK_INT(FEED(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc)), 0);
	make_menu(&m, 0, 0, 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	CHECK_BAD(&rx, IPC_RECONF_END, NULL, 0);
	dc.defaults.menu = INT32_MIN;
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));

	/* Menu 1 claims entries 2..4 of only 4. */
	start(&rx, NB_TFTPD, 0);
	make_menu(&m, 0, 0, 2);
	CHECK_INT(FEED(&rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	make_menu(&m, 1, 2, 3);
	CHECK_INT(FEED(&rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	for (i = 0; i < 4; i++) {
		make_entry(&me, i);
		CHECK_INT(FEED(&rx, IPC_RECONF_ENTRY, &me, sizeof(me)), 0);
	}
	CHECK_BAD(&rx, IPC_RECONF_END, NULL, 0);

	/* A gap, an overlap, an index past every entry, a huge count. */
	start(&rx, NB_TFTPD, 0);
	make_menu(&m, 0, 0, 2);
	CHECK_INT(FEED(&rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	make_menu(&m, 1, 3, 1);
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));
	start(&rx, NB_TFTPD, 0);
	make_menu(&m, 0, 0, 2);
	CHECK_INT(FEED(&rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	make_menu(&m, 1, 1, 1);
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));
	start(&rx, NB_TFTPD, 0);
	make_menu(&m, 0, SIZE_MAX, 2);
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));
	start(&rx, NB_TFTPD, 0);
	make_menu(&m, 0, 0, SIZE_MAX);
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));
	start(&rx, NB_TFTPD, 0);
	make_menu(&m, 0, 0, CONF_RX_MAXENTRIES);
	CHECK_INT(FEED(&rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	make_menu(&m, 1, CONF_RX_MAXENTRIES, 1);
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));

	/* An entry that no menu claims. */
	start(&rx, NB_TFTPD, 0);
	make_entry(&me, 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_ENTRY, &me, sizeof(me)), 0);
	CHECK_BAD(&rx, IPC_RECONF_END, NULL, 0);

	/* An empty menu at the very end is in range. */
	start(&rx, NB_TFTPD, 0);
	make_menu(&m, 0, 0, 1);
	CHECK_INT(FEED(&rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	make_menu(&m, 1, 1, 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_MENU, &m, sizeof(m)), 0);
	make_entry(&me, 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_ENTRY, &me, sizeof(me)), 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_END, NULL, 0), 1);
	conf_free(conf_rx_take(&rx));
}

/*
 * Sending 65536 messages for real would only time realloc; the counts
 * are moved to the cap instead, the arrays stay as they are.
 */
static void
test_caps(void)
{
	struct conf_rx		 rx;
	struct menu		 m;
	struct menu_entry	 me;
	struct rule		 r;

	make_menu(&m, 0, 0, 0);
	start(&rx, NB_TFTPD, 1);
	rx.conf->nmenus = CONF_RX_MAXMENUS;
	CHECK_BAD(&rx, IPC_RECONF_MENU, &m, sizeof(m));

	start(&rx, NB_TFTPD, 0);
	make_entry(&me, 0);
	CHECK_INT(FEED(&rx, IPC_RECONF_ENTRY, &me, sizeof(me)), 0);
	rx.conf->nentries = CONF_RX_MAXENTRIES;
	CHECK_BAD(&rx, IPC_RECONF_ENTRY, &me, sizeof(me));

	start(&rx, NB_TFTPD, 0);
	make_rule(&r, 0, -1);
	CHECK_INT(FEED(&rx, IPC_RECONF_RULE, &r, sizeof(r)), 0);
	rx.conf->nrules = CONF_RX_MAXRULES;
	CHECK_BAD(&rx, IPC_RECONF_RULE, &r, sizeof(r));
}

static void
test_other(void)
{
	struct conf_rx		 rx;
	struct daemon_conf	 dc;
	struct ipc		 ipc;
	int			 rv;

	start(&rx, NB_TFTPD, 0);
	CHECK_BAD(&rx, IPC_PRIVSEP, NULL, 0);
	start(&rx, NB_TFTPD, 0);
	CHECK_BAD(&rx, IPC_ENGINE_READY, NULL, 0);

	/* A descriptor has no place in a config message. */
	start(&rx, NB_TFTPD, 0);
	memset(&msg, 0, sizeof(msg));
	msg.type = IPC_RECONF_END;
	msg.fd = 0;
	errstr = NULL;
	CHECK_INT(conf_rx_add(&rx, &msg, &errstr), -1);
	CHECK(errstr != NULL);

	/* A receiver for a daemon that does not exist. */
	make_daemon(&dc, NB_TFTPD);
	conf_rx_init(&rx, NB_NDAEMONS);
	CHECK_BAD(&rx, IPC_RECONF_DAEMON, &dc, sizeof(dc));

	ipc_init(&ipc, -1);
	errno = 0;
	CHECK_INT(conf_send(&ipc, NULL, NB_NDAEMONS), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(ipc_pending(&ipc), 0);

	/* Valid again after a failure. */
	start(&rx, NB_TFTPD, 1);
	rv = FEED(&rx, IPC_RECONF_END, NULL, 0);
	CHECK_INT(rv, 1);
	conf_free(conf_rx_take(&rx));
}

/* ASan's leak check at exit is what makes this test. */
static void
test_reset(void)
{
	struct conf_rx		 rx;
	struct menu_entry	 me;
	struct rule		 r;
	int			 i;

	start(&rx, NB_HTTPBOOTD, 3);
	for (i = 0; i < 5; i++) {
		make_entry(&me, i);
		CHECK_INT(FEED(&rx, IPC_RECONF_ENTRY, &me, sizeof(me)), 0);
	}
	for (i = 0; i < 10; i++) {
		make_rule(&r, i, -1);
		CHECK_INT(FEED(&rx, IPC_RECONF_RULE, &r, sizeof(r)), 0);
	}
	CHECK_INT(rx.conf->nrules, 10);
	conf_rx_reset(&rx);
	CHECK(rx.conf == NULL);
	CHECK_INT(rx.state, CONF_RX_IDLE);
	CHECK(conf_rx_take(&rx) == NULL);
	conf_rx_reset(&rx);

	/* A complete config never taken is freed by reset as well. */
	start(&rx, NB_HTTPBOOTD, 1);
	CHECK_INT(FEED(&rx, IPC_RECONF_END, NULL, 0), 1);
	conf_rx_reset(&rx);
	CHECK(conf_rx_take(&rx) == NULL);
}

int
main(void)
{
	test_roundtrip(NB_TFTPD);
	test_roundtrip(NB_HTTPBOOTD);
	test_roundtrip(NB_DHCPD_PROXY);
	test_order();
	test_sizes();
	test_strings();
	test_counts();
	test_indexes();
	test_caps();
	test_other();
	test_reset();
	return check_exit();
}
