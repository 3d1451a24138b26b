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

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conf.h"

static int	 grow(void **, size_t, size_t);

struct netboot_conf *
conf_new(void)
{
	struct netboot_conf	*conf;
	int			 d;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return NULL;
	for (d = 0; d < NB_NDAEMONS; d++)
		conf_defaults(&conf->daemon[d], d);
	strlcpy(conf->control.directory, NB_CTLDIR,
	    sizeof(conf->control.directory));
	return conf;
}

void
conf_free(struct netboot_conf *conf)
{
	if (conf == NULL)
		return;
	free(conf->menus);
	free(conf->entries);
	free(conf->rules);
	free(conf);
}

/* What a daemon does when its block is absent or leaves a knob out. */
void
conf_defaults(struct daemon_conf *dc, enum nb_daemon d)
{
	memset(dc, 0, sizeof(*dc));
	boot_settings_init(&dc->defaults);
	dc->history = NB_HISTORY;
	switch (d) {
	case NB_TFTPD:
		strlcpy(dc->root, "/srv/netboot", sizeof(dc->root));
		strlcpy(dc->user, "_tftpd", sizeof(dc->user));
		dc->tftpd.blksize_max = 65464;
		dc->tftpd.windowsize_max = 64;
		dc->tftpd.burst_max = TFTPD_BURST_DEFAULT;
		dc->tftpd.max_sessions = 10000;
		dc->tftpd.timeout = 1;
		dc->tftpd.retries = 5;
		dc->tftpd.max_per_client = 64;
		dc->tftpd.ratelimit = 100;
		dc->tftpd.lifetime = 3600;
		break;
	case NB_HTTPBOOTD:
		strlcpy(dc->root, "/srv/netboot", sizeof(dc->root));
		strlcpy(dc->user, "_httpbootd", sizeof(dc->user));
		dc->httpbootd.max_connections = 4096;
		dc->httpbootd.max_per_client = 64;
		dc->httpbootd.timeout_header = 10;
		dc->httpbootd.timeout_idle = 60;
		dc->httpbootd.timeout_send = 30;
		strlcpy(dc->httpbootd.cache_control,
		    "public, max-age=60, must-revalidate",
		    sizeof(dc->httpbootd.cache_control));
		break;
	case NB_DHCPD_PROXY:
		strlcpy(dc->user, "_dhcpd-proxy", sizeof(dc->user));
		strlcpy(dc->chroot, "/run/dhcpd-proxy", sizeof(dc->chroot));
		dc->proxy.ratelimit = 5;
		dc->proxy.ratelimit_addr = 100;
		break;
	default:
		break;
	}
}

void
boot_settings_init(struct boot_settings *bs)
{
	memset(bs, 0, sizeof(*bs));
	bs->menu = -1;
	bs->pxe_mode = PXE_REDIRECT;
}

int
conf_menu_find(const struct netboot_conf *conf, const char *name)
{
	size_t	 i;

	for (i = 0; i < conf->nmenus; i++)
		if (strcmp(conf->menus[i].name, name) == 0)
			return i;
	return -1;
}

const char *
daemon_name(enum nb_daemon d)
{
	switch (d) {
	case NB_TFTPD:
		return "tftpd";
	case NB_HTTPBOOTD:
		return "httpbootd";
	case NB_DHCPD_PROXY:
		return "dhcpd-proxy";
	default:
		return "unknown";
	}
}

/*
 * Makes room for one more element of size sz in *arrayp, which holds n.
 * One element at a time: whoever built the array (the parser, or an
 * engine receiving it from its parent) need not agree on a capacity.
 */
static int
grow(void **arrayp, size_t n, size_t sz)
{
	void	*p;

	if (n == SIZE_MAX) {
		errno = ENOMEM;
		return -1;
	}
	if ((p = reallocarray(*arrayp, n + 1, sz)) == NULL)
		return -1;
	*arrayp = p;
	return 0;
}

int
conf_add_menu(struct netboot_conf *conf, const struct menu *m)
{
	if (grow((void **)&conf->menus, conf->nmenus, sizeof(*m)) == -1)
		return -1;
	conf->menus[conf->nmenus++] = *m;
	return 0;
}

int
conf_add_entry(struct netboot_conf *conf, const struct menu_entry *e)
{
	if (grow((void **)&conf->entries, conf->nentries, sizeof(*e)) == -1)
		return -1;
	conf->entries[conf->nentries++] = *e;
	return 0;
}

int
conf_add_rule(struct netboot_conf *conf, const struct rule *r)
{
	if (grow((void **)&conf->rules, conf->nrules, sizeof(*r)) == -1)
		return -1;
	conf->rules[conf->nrules++] = *r;
	return 0;
}
