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
 * netboot.conf as the parent reads it at start and on every reload:
 * conf_parse_file() over the bytes through fmemopen().  A file that
 * parses must come out consistent: counts within their arrays, menus
 * naming entries that exist, rules naming menus that exist, strings
 * terminated.  Errors and leaks on the error paths count too.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "tests/fuzz/fuzz.h"

#define TERMINATED(s)	(memchr((s), '\0', sizeof(s)) != NULL)

static void
check_settings(const struct netboot_conf *c, const struct boot_settings *b)
{
	FUZZ_CHECK(TERMINATED(b->bootfile) && TERMINATED(b->http_server));
	FUZZ_CHECK(b->menu >= -1 && (b->menu == -1 ||
	    (size_t)b->menu < c->nmenus));
}

static void
check(const struct netboot_conf *c)
{
	const struct daemon_conf	*d;
	size_t				 i;

	for (i = 0; i < NB_NDAEMONS; i++) {
		d = &c->daemon[i];
		FUZZ_CHECK(d->nlisten <= NB_MAXLISTEN &&
		    d->nscripts <= NB_MAXSCRIPTS);
		FUZZ_CHECK(TERMINATED(d->root) && TERMINATED(d->user) &&
		    TERMINATED(d->chroot));
		check_settings(c, &d->defaults);
	}
	FUZZ_CHECK(c->daemon[NB_HTTPBOOTD].httpbootd.ntypes <= NB_MAXTYPES);
	FUZZ_CHECK(c->daemon[NB_DHCPD_PROXY].proxy.nrelays <= NB_MAXRELAYS);
	for (i = 0; i < c->nmenus; i++) {
		FUZZ_CHECK(c->menus[i].first_entry <= c->nentries &&
		    c->menus[i].nentries <= c->nentries -
		    c->menus[i].first_entry);
		FUZZ_CHECK(TERMINATED(c->menus[i].name) &&
		    TERMINATED(c->menus[i].prompt));
	}
	for (i = 0; i < c->nentries; i++)
		FUZZ_CHECK(TERMINATED(c->entries[i].label) &&
		    TERMINATED(c->entries[i].kernel) &&
		    TERMINATED(c->entries[i].append));
	for (i = 0; i < c->nrules; i++) {
		FUZZ_CHECK(c->rules[i].narch <= NB_MAXARCH &&
		    c->rules[i].hwlen <= NB_HWADDRLEN);
		check_settings(c, &c->rules[i].set);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct netboot_conf	*c;
	FILE			*fp;

	/* fmemopen() of nothing fails; an empty file is a valid one. */
	if ((fp = fmemopen(len > 0 ? (void *)data : "", len, "r")) == NULL)
		return 0;
	c = conf_parse_file(fp, "fuzz.conf");
	fclose(fp);
	if (c == NULL)
		return 0;
	check(c);
	conf_free(c);
	return 0;
}
