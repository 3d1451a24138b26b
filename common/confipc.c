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
 * The parent is trusted more than the engine, but a config still goes
 * through every check an engine relies on later: terminated strings,
 * counts within their arrays, indexes within the config.  The engine then
 * never has to ask again, and a broken parent costs a clean fatal error
 * instead of a read out of bounds in a chrooted process.
 */

#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "confipc.h"
#include "ipc.h"

#define SET_ALL		(SET_BOOTFILE | SET_TFTPSERVER | \
			    SET_HTTPSERVER | SET_MENU | SET_PXEMODE | SET_DELAY)
#define MATCH_ALL	(MATCH_MAC | MATCH_ARCH | MATCH_USERCLASS | \
			    MATCH_VENDORCLASS | MATCH_SUBNET | \
			    MATCH_INTERFACE | MATCH_UUID)
#define TERMINATED(s)	(memchr((s), '\0', sizeof(s)) != NULL)

_Static_assert(sizeof(struct daemon_conf) <= IPC_MAXDATA,
    "a daemon_conf must fit one message");
_Static_assert(sizeof(struct menu) <= IPC_MAXDATA, "menu too large");
_Static_assert(sizeof(struct menu_entry) <= IPC_MAXDATA, "entry too large");
_Static_assert(sizeof(struct rule) <= IPC_MAXDATA, "rule too large");

static const char	*rx_phase(struct conf_rx *, enum conf_rx_state);
static const char	*rx_daemon(struct conf_rx *, const struct ipc_msg *);
static const char	*rx_menu(struct conf_rx *, const struct ipc_msg *);
static const char	*rx_entry(struct conf_rx *, const struct ipc_msg *);
static const char	*rx_rule(struct conf_rx *, const struct ipc_msg *);
static const char	*rx_end(struct conf_rx *, const struct ipc_msg *);
static const char	*check_daemon(const struct daemon_conf *,
			    enum nb_daemon);
static const char	*check_httpbootd(const struct httpbootd_conf *);
static const char	*check_proxy(const struct proxy_conf *);
static const char	*check_settings(const struct boot_settings *);
static int		 menu_index_ok(int, size_t);
static size_t		 entries_claimed(const struct netboot_conf *);
static const char	*check_menu(const struct menu *);
static const char	*check_entry(const struct menu_entry *);
static const char	*check_rule(const struct rule *, size_t);
static int		 addr_ok(const struct nb_addr *);
static int		 prefix_ok(const struct nb_prefix *);

int
conf_send(struct ipc *ipc, const struct netboot_conf *conf,
    enum nb_daemon which)
{
	size_t	 i;

	if ((unsigned int)which >= NB_NDAEMONS) {
		errno = EINVAL;
		return -1;
	}
	if (ipc_compose(ipc, IPC_RECONF_DAEMON, -1, &conf->daemon[which],
	    sizeof(conf->daemon[which])) == -1)
		return -1;
	for (i = 0; i < conf->nmenus; i++)
		if (ipc_compose(ipc, IPC_RECONF_MENU, -1, &conf->menus[i],
		    sizeof(conf->menus[i])) == -1)
			return -1;
	for (i = 0; i < conf->nentries; i++)
		if (ipc_compose(ipc, IPC_RECONF_ENTRY, -1, &conf->entries[i],
		    sizeof(conf->entries[i])) == -1)
			return -1;
	for (i = 0; i < conf->nrules; i++)
		if (ipc_compose(ipc, IPC_RECONF_RULE, -1, &conf->rules[i],
		    sizeof(conf->rules[i])) == -1)
			return -1;
	return ipc_compose(ipc, IPC_RECONF_END, -1, NULL, 0);
}

void
conf_rx_init(struct conf_rx *rx, enum nb_daemon which)
{
	rx->which = which;
	rx->state = CONF_RX_IDLE;
	rx->conf = NULL;
}

/*
 * Returns 0 when the message was taken, 1 when it completed a config
 * (take it with conf_rx_take()), -1 with *errstr set when it was bad; the
 * partial config is then thrown away, and the engine should treat it as a
 * broken channel.
 */
int
conf_rx_add(struct conf_rx *rx, const struct ipc_msg *msg,
    const char **errstr)
{
	const char	*e;

	*errstr = NULL;
	if (msg->fd != -1)
		e = "config message with a descriptor";
	else {
		switch (msg->type) {
		case IPC_RECONF_DAEMON:
			e = rx_daemon(rx, msg);
			break;
		case IPC_RECONF_MENU:
			e = rx_menu(rx, msg);
			break;
		case IPC_RECONF_ENTRY:
			e = rx_entry(rx, msg);
			break;
		case IPC_RECONF_RULE:
			e = rx_rule(rx, msg);
			break;
		case IPC_RECONF_END:
			e = rx_end(rx, msg);
			break;
		default:
			e = "not a config message";
			break;
		}
	}
	if (e != NULL) {
		*errstr = e;
		conf_rx_reset(rx);
		return -1;
	}
	return rx->state == CONF_RX_DONE;
}

struct netboot_conf *
conf_rx_take(struct conf_rx *rx)
{
	struct netboot_conf	*conf;

	if (rx->state != CONF_RX_DONE)
		return NULL;
	conf = rx->conf;
	rx->conf = NULL;
	rx->state = CONF_RX_IDLE;
	return conf;
}

void
conf_rx_reset(struct conf_rx *rx)
{
	if (rx->conf != NULL)
		conf_free(rx->conf);
	rx->conf = NULL;
	rx->state = CONF_RX_IDLE;
}

/* Menus, entries and rules come in that order, each after the daemon. */
static const char *
rx_phase(struct conf_rx *rx, enum conf_rx_state phase)
{
	if (rx->state == CONF_RX_IDLE)
		return "config message before the daemon message";
	if (rx->state == CONF_RX_DONE)
		return "config message after the end of the config";
	if (rx->state > phase)
		return "config message out of order";
	rx->state = phase;
	return NULL;
}

static const char *
rx_daemon(struct conf_rx *rx, const struct ipc_msg *msg)
{
	struct daemon_conf	*dc;

	if (rx->state != CONF_RX_IDLE)
		return "daemon message inside a config";
	if ((unsigned int)rx->which >= NB_NDAEMONS)
		return "config for an unknown daemon";
	if (msg->len != sizeof(*dc))
		return "daemon message of the wrong size";
	if ((rx->conf = conf_new()) == NULL)
		return "out of memory";
	/* Copied first: the payload has no alignment to speak of. */
	dc = &rx->conf->daemon[rx->which];
	if (ipc_get(msg, dc, sizeof(*dc)) == -1)
		return "daemon message of the wrong size";
	rx->state = CONF_RX_MENUS;
	return check_daemon(dc, rx->which);
}

static const char *
rx_menu(struct conf_rx *rx, const struct ipc_msg *msg)
{
	struct menu	 m;
	const char	*e;

	if ((e = rx_phase(rx, CONF_RX_MENUS)) != NULL)
		return e;
	if (ipc_get(msg, &m, sizeof(m)) == -1)
		return "menu message of the wrong size";
	if ((e = check_menu(&m)) != NULL)
		return e;
	if (rx->conf->nmenus >= CONF_RX_MAXMENUS)
		return "too many menus";
	if (m.first_entry != entries_claimed(rx->conf))
		return "menu: entries not contiguous";
	if (m.nentries > CONF_RX_MAXENTRIES - m.first_entry)
		return "menu: too many entries";
	if (conf_add_menu(rx->conf, &m) == -1)
		return "out of memory";
	return NULL;
}

static const char *
rx_entry(struct conf_rx *rx, const struct ipc_msg *msg)
{
	struct menu_entry	 me;
	const char		*e;

	if ((e = rx_phase(rx, CONF_RX_ENTRIES)) != NULL)
		return e;
	if (ipc_get(msg, &me, sizeof(me)) == -1)
		return "entry message of the wrong size";
	if ((e = check_entry(&me)) != NULL)
		return e;
	if (rx->conf->nentries >= CONF_RX_MAXENTRIES)
		return "too many menu entries";
	if (conf_add_entry(rx->conf, &me) == -1)
		return "out of memory";
	return NULL;
}

/* Every menu is known by now, so a rule's menu index is checked at once. */
static const char *
rx_rule(struct conf_rx *rx, const struct ipc_msg *msg)
{
	struct rule	 r;
	const char	*e;

	if ((e = rx_phase(rx, CONF_RX_RULES)) != NULL)
		return e;
	if (ipc_get(msg, &r, sizeof(r)) == -1)
		return "rule message of the wrong size";
	if ((e = check_rule(&r, rx->conf->nmenus)) != NULL)
		return e;
	if (rx->conf->nrules >= CONF_RX_MAXRULES)
		return "too many rules";
	if (conf_add_rule(rx->conf, &r) == -1)
		return "out of memory";
	return NULL;
}

/*
 * What refers forward is checked at the end: the daemon's menu, and the
 * menus' entries, which must be exactly the entries sent.
 */
static const char *
rx_end(struct conf_rx *rx, const struct ipc_msg *msg)
{
	const struct netboot_conf	*conf = rx->conf;
	const char			*e;

	if ((e = rx_phase(rx, CONF_RX_RULES)) != NULL)
		return e;
	if (msg->len != 0)
		return "end message with a payload";
	if (!menu_index_ok(conf->daemon[rx->which].defaults.menu,
	    conf->nmenus))
		return "daemon: menu index out of range";
	if (entries_claimed(conf) != conf->nentries)
		return "menus do not claim exactly the entries sent";
	rx->state = CONF_RX_DONE;
	return NULL;
}

static const char *
check_daemon(const struct daemon_conf *dc, enum nb_daemon which)
{
	const char	*e;
	size_t		 i;

	if (dc->nlisten > NB_MAXLISTEN)
		return "daemon: too many listen statements";
	for (i = 0; i < dc->nlisten; i++) {
		if (!addr_ok(&dc->listen[i].addr))
			return "listen: bad address family";
		if (!TERMINATED(dc->listen[i].ifname))
			return "listen: interface name not terminated";
	}
	if (!TERMINATED(dc->root) || !TERMINATED(dc->user) ||
	    !TERMINATED(dc->chroot))
		return "daemon: string not terminated";
	if ((e = check_settings(&dc->defaults)) != NULL)
		return e;
	if (dc->nscripts > NB_MAXSCRIPTS)
		return "daemon: too many scripts";
	if (dc->history > NB_HISTORY_MAX)
		return "daemon: history too long";
	for (i = 0; i < dc->nscripts; i++) {
		if (!TERMINATED(dc->scripts[i].path))
			return "script: path not terminated";
		if ((unsigned int)dc->scripts[i].format > SCRIPT_PXELINUX)
			return "script: unknown format";
	}
	if (which == NB_HTTPBOOTD)
		return check_httpbootd(&dc->httpbootd);
	if (which == NB_DHCPD_PROXY)
		return check_proxy(&dc->proxy);
	return NULL;
}

static const char *
check_proxy(const struct proxy_conf *pc)
{
	size_t	 i;

	if (pc->nrelays > NB_MAXRELAYS)
		return "dhcpd-proxy: too many relays";
	for (i = 0; i < pc->nrelays; i++)
		if (pc->relays[i].giaddr.addr.af != AF_INET ||
		    !prefix_ok(&pc->relays[i].giaddr) ||
		    !prefix_ok(&pc->relays[i].from))
			return "dhcpd-proxy: bad relay";
	return NULL;
}

static const char *
check_httpbootd(const struct httpbootd_conf *hc)
{
	size_t	 i;

	if (!TERMINATED(hc->cache_control))
		return "httpbootd: cache-control not terminated";
	if (hc->ntypes > NB_MAXTYPES)
		return "httpbootd: too many types";
	for (i = 0; i < hc->ntypes; i++)
		if (!TERMINATED(hc->types[i].suffix) ||
		    !TERMINATED(hc->types[i].mime))
			return "httpbootd: type not terminated";
	return NULL;
}

/* The menu index waits for the menus: see menu_index_ok(). */
static const char *
check_settings(const struct boot_settings *bs)
{
	if (bs->set & ~SET_ALL)
		return "settings: unknown fields set";
	if (!TERMINATED(bs->bootfile) || !TERMINATED(bs->http_server))
		return "settings: string not terminated";
	if (!addr_ok(&bs->tftp_server))
		return "settings: bad tftp-server address family";
	if ((unsigned int)bs->pxe_mode > PXE_DIRECT)
		return "settings: unknown pxe mode";
	if (bs->menu < -1)
		return "settings: menu index out of range";
	return NULL;
}

static int
menu_index_ok(int menu, size_t nmenus)
{
	return menu == -1 || (menu >= 0 && (size_t)menu < nmenus);
}

/*
 * Menus share out the entries in order, as the parser adds them: each
 * menu starts where the one before it ends.  rx_menu() keeps the sum
 * within CONF_RX_MAXENTRIES, so it cannot overflow.
 */
static size_t
entries_claimed(const struct netboot_conf *conf)
{
	const struct menu	*last;

	if (conf->nmenus == 0)
		return 0;
	last = &conf->menus[conf->nmenus - 1];
	return last->first_entry + last->nentries;
}

static const char *
check_menu(const struct menu *m)
{
	if (!TERMINATED(m->name) || !TERMINATED(m->prompt))
		return "menu: string not terminated";
	return NULL;
}

static const char *
check_entry(const struct menu_entry *me)
{
	if (!TERMINATED(me->label) || !TERMINATED(me->kernel) ||
	    !TERMINATED(me->initrd) || !TERMINATED(me->append))
		return "entry: string not terminated";
	return NULL;
}

static const char *
check_rule(const struct rule *r, size_t nmenus)
{
	const char	*e;

	if (r->match & ~MATCH_ALL)
		return "rule: unknown match";
	if (r->hwlen > NB_HWADDRLEN)
		return "rule: hardware address too long";
	if (r->narch > NB_MAXARCH)
		return "rule: too many architectures";
	if (!TERMINATED(r->user_class) || !TERMINATED(r->vendor_class) ||
	    !TERMINATED(r->ifname))
		return "rule: string not terminated";
	if (!prefix_ok(&r->subnet))
		return "rule: bad subnet";
	if ((r->match & MATCH_SUBNET) && r->subnet.addr.af == AF_UNSPEC)
		return "rule: subnet match without a subnet";
	if ((e = check_settings(&r->set)) != NULL)
		return e;
	if (!menu_index_ok(r->set.menu, nmenus))
		return "rule: menu index out of range";
	return NULL;
}

static int
addr_ok(const struct nb_addr *a)
{
	return a->af == AF_UNSPEC || a->af == AF_INET || a->af == AF_INET6;
}

static int
prefix_ok(const struct nb_prefix *p)
{
	switch (p->addr.af) {
	case AF_UNSPEC:
		return p->plen == 0;
	case AF_INET:
		return p->plen <= 32;
	case AF_INET6:
		return p->plen <= 128;
	default:
		return 0;
	}
}
