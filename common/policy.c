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

#include <sys/types.h>

#include <string.h>

#include "addr.h"
#include "conf.h"
#include "policy.h"

#define SET_ALL	(SET_BOOTFILE | SET_TFTPSERVER | SET_HTTPSERVER | SET_MENU | \
	    SET_PXEMODE | SET_DELAY)

static int	 match_arch(const struct rule *, int);
static int	 match_string(const char *, const char *, size_t);
static void	 settings_take(struct boot_settings *,
		    const struct boot_settings *, uint32_t);

void
client_facts_init(struct client_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->arch = -1;
	f->af = AF_UNSPEC;
}

/*
 * Every criterion the rule names must hold; a rule that names none
 * matches every client.  The strings are bounded by their arrays so that
 * a structure without its NUL cannot make us read past it.
 */
int
rule_matches(const struct rule *r, const struct client_facts *f)
{
	size_t	 len;

	if (r->match & MATCH_MAC) {
		if (r->hwlen == 0 || r->hwlen != f->hwlen ||
		    r->hwlen > NB_HWADDRLEN ||
		    memcmp(r->hwaddr, f->hwaddr, r->hwlen) != 0)
			return 0;
	}
	if ((r->match & MATCH_ARCH) && !match_arch(r, f->arch))
		return 0;
	if ((r->match & MATCH_USERCLASS) &&
	    !match_string(r->user_class, f->user_class, NB_CLASSLEN))
		return 0;
	if (r->match & MATCH_VENDORCLASS) {
		len = strnlen(r->vendor_class, NB_CLASSLEN);
		if (strncmp(r->vendor_class, f->vendor_class, len) != 0)
			return 0;
	}
	if ((r->match & MATCH_SUBNET) &&
	    !prefix_match(&r->subnet, &f->subnet_addr))
		return 0;
	if ((r->match & MATCH_INTERFACE) &&
	    (f->ifname[0] == '\0' ||
	    !match_string(r->ifname, f->ifname, IF_NAMESIZE)))
		return 0;
	if ((r->match & MATCH_UUID) &&
	    (!f->has_uuid || memcmp(r->uuid, f->uuid, 16) != 0))
		return 0;
	return 1;
}

/*
 * For each setting, the first matching rule that sets it wins, and the
 * daemon block's defaults fill what no rule set.  This runs for every
 * DHCP packet: one pass, no allocation, and rules that could not decide
 * anything still open are not even matched.
 */
void
policy_decide(const struct netboot_conf *conf,
    const struct boot_settings *defaults, const struct client_facts *f,
    struct boot_settings *out)
{
	const struct rule	*r;
	uint32_t		 open = SET_ALL, take;
	size_t			 i;

	memset(out, 0, sizeof(*out));
	out->menu = -1;
	out->pxe_mode = PXE_REDIRECT;

	for (i = 0; i < conf->nrules && open != 0; i++) {
		r = &conf->rules[i];
		if ((take = r->set.set & open) == 0 || !rule_matches(r, f))
			continue;
		settings_take(out, &r->set, take);
		open &= ~take;
	}
	if (defaults != NULL && (take = defaults->set & open) != 0)
		settings_take(out, defaults, take);
}

static int
match_arch(const struct rule *r, int arch)
{
	size_t	 i, n;

	if (arch < 0)
		return 0;
	n = r->narch < NB_MAXARCH ? r->narch : NB_MAXARCH;
	for (i = 0; i < n; i++)
		if (r->arch[i] == arch)
			return 1;
	return 0;
}

static int
match_string(const char *want, const char *got, size_t size)
{
	return strncmp(want, got, size) == 0;
}

/* Copies the settings named in take; fixed-size copies keep it bounded. */
static void
settings_take(struct boot_settings *out, const struct boot_settings *in,
    uint32_t take)
{
	if (take & SET_BOOTFILE) {
		memcpy(out->bootfile, in->bootfile, sizeof(out->bootfile));
		out->bootfile[sizeof(out->bootfile) - 1] = '\0';
	}
	if (take & SET_TFTPSERVER)
		out->tftp_server = in->tftp_server;
	if (take & SET_HTTPSERVER) {
		memcpy(out->http_server, in->http_server,
		    sizeof(out->http_server));
		out->http_server[sizeof(out->http_server) - 1] = '\0';
	}
	if (take & SET_MENU)
		out->menu = in->menu;
	if (take & SET_PXEMODE)
		out->pxe_mode = in->pxe_mode;
	if (take & SET_DELAY)
		out->delay_ms = in->delay_ms;
	out->set |= take;
}

/*
 * The decided menu and its entries, checked against the tables they index
 * (a config from another process is only as good as its checks), or NULL
 * when the decision has none that can be shown.
 */
const struct menu *
policy_menu(const struct netboot_conf *conf, const struct boot_settings *d,
    const struct menu_entry **entries)
{
	const struct menu	*m;

	*entries = NULL;
	if (!(d->set & SET_MENU) || d->menu < 0 ||
	    (size_t)d->menu >= conf->nmenus)
		return NULL;
	m = &conf->menus[d->menu];
	if (m->nentries == 0 || m->first_entry > conf->nentries ||
	    m->nentries > conf->nentries - m->first_entry)
		return NULL;
	*entries = &conf->entries[m->first_entry];
	return m;
}
