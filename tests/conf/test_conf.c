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
 * What conf_parse() compiles: the example of netboot.conf(5) and the case
 * that gives every statement, field by field, and the helpers of conf.c.
 * The messages of refused files are checked by run.sh, case by case.
 *
 * usage: test_conf DIR, DIR holding valid/ (tests/conf in the sources).
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "check.h"
#include "conf.h"

static struct netboot_conf	*parse_case(const char *, const char *);
static struct netboot_conf	*parse_text(const char *);
static int	 addr_is(const struct nb_addr *, const char *);
static int	 prefix_is(const struct nb_prefix *, const char *, int);
static void	 test_defaults(void);
static void	 test_example(const char *);
static void	 test_all_keywords(const char *);
static void	 test_macros(const char *);
static void	 test_refused(void);
static void	 test_add(void);

static struct netboot_conf *
parse_case(const char *dir, const char *name)
{
	char	 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/valid/%s", dir, name);
	return conf_parse(path);
}

static struct netboot_conf *
parse_text(const char *text)
{
	struct netboot_conf	*conf;
	char			 path[] = "/tmp/test_conf.XXXXXX";
	FILE			*fp;
	int			 fd;

	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		perror("mkstemp");
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
	conf = conf_parse(path);
	unlink(path);
	return conf;
}

static int
addr_is(const struct nb_addr *a, const char *s)
{
	struct nb_addr	 b;

	return addr_parse(s, &b) == 0 && addr_eq(a, &b);
}

static int
prefix_is(const struct nb_prefix *p, const char *s, int plen)
{
	return addr_is(&p->addr, s) && p->plen == plen;
}

static void
test_defaults(void)
{
	struct netboot_conf	*conf;
	const struct daemon_conf *t, *h, *p;

	CHECK((conf = conf_new()) != NULL);
	t = &conf->daemon[NB_TFTPD];
	h = &conf->daemon[NB_HTTPBOOTD];
	p = &conf->daemon[NB_DHCPD_PROXY];
	CHECK_INT(t->present, 0);
	CHECK_STR(t->root, "/srv/netboot");
	CHECK_STR(t->user, "_tftpd");
	CHECK_INT(t->tftpd.blksize_max, 65464);
	CHECK_INT(t->tftpd.windowsize_max, 64);
	CHECK_INT(t->tftpd.burst_max, 131072);
	CHECK_INT(t->tftpd.max_sessions, 10000);
	CHECK_INT(t->tftpd.timeout, 1);
	CHECK_INT(t->tftpd.retries, 5);
	CHECK_INT(t->tftpd.max_per_client, 64);
	CHECK_INT(t->tftpd.ratelimit, 100);
	CHECK_INT(t->tftpd.lifetime, 3600);
	CHECK_STR(h->root, "/srv/netboot");
	CHECK_STR(h->user, "_httpbootd");
	CHECK_INT(h->httpbootd.max_connections, 4096);
	CHECK_INT(h->httpbootd.max_per_client, 64);
	CHECK_INT(h->httpbootd.timeout_header, 10);
	CHECK_INT(h->httpbootd.timeout_idle, 60);
	CHECK_INT(h->httpbootd.timeout_send, 30);
	CHECK_STR(h->httpbootd.cache_control,
	    "public, max-age=60, must-revalidate");
	CHECK_STR(p->user, "_dhcpd-proxy");
	CHECK_STR(p->chroot, "/run/dhcpd-proxy");
	CHECK_INT(p->proxy.ratelimit, 5);
	CHECK_INT(p->proxy.ratelimit_addr, 100);
	CHECK_INT(p->proxy.nrelays, 0);
	CHECK_INT(t->defaults.menu, -1);
	CHECK_INT(h->defaults.menu, -1);
	CHECK_INT(p->defaults.menu, -1);
	CHECK_INT(p->defaults.set, 0);
	CHECK_INT(t->history, 256);
	CHECK_INT(h->history, 256);
	CHECK_INT(p->history, 256);
	CHECK_INT(conf->control.line, 0);
	CHECK_STR(conf->control.directory, "/run/netboot");
	CHECK_STR(conf->control.group, "");
	CHECK_INT(conf->nmenus + conf->nentries + conf->nrules, 0);
	CHECK_INT(conf_menu_find(conf, "main"), -1);
	CHECK_STR(daemon_name(NB_TFTPD), "tftpd");
	CHECK_STR(daemon_name(NB_HTTPBOOTD), "httpbootd");
	CHECK_STR(daemon_name(NB_DHCPD_PROXY), "dhcpd-proxy");
	conf_free(conf);
}

static void
test_example(const char *dir)
{
	struct netboot_conf	*conf;
	const struct daemon_conf *p;
	const struct rule	*r;
	static const uint8_t	 mac[] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	if ((conf = parse_case(dir, "issue-example.conf")) == NULL) {
		CHECK(!"issue-example.conf refused");
		return;
	}
	CHECK_INT(conf->daemon[NB_TFTPD].present, 1);
	CHECK_INT(conf->daemon[NB_TFTPD].line, 4);
	CHECK_INT(conf->daemon[NB_TFTPD].nlisten, 1);
	CHECK(addr_is(&conf->daemon[NB_TFTPD].listen[0].addr, "0.0.0.0"));
	CHECK_INT(conf->daemon[NB_TFTPD].listen[0].port, 69);
	CHECK_INT(conf->daemon[NB_HTTPBOOTD].listen[0].port, 80);
	CHECK_INT(conf->daemon[NB_HTTPBOOTD].line, 10);

	p = &conf->daemon[NB_DHCPD_PROXY];
	CHECK_INT(p->line, 16);
	CHECK_INT(p->nlisten, 1);
	CHECK_STR(p->listen[0].ifname, "eth0");
	CHECK_INT(p->listen[0].addr.af, AF_UNSPEC);
	CHECK_INT(p->listen[0].port, 0);
	CHECK_INT(p->defaults.set, SET_TFTPSERVER | SET_HTTPSERVER);
	CHECK(addr_is(&p->defaults.tftp_server, "192.0.2.10"));
	CHECK_STR(p->defaults.http_server, "http://192.0.2.10/");
	CHECK_STR(p->user, "_dhcpd-proxy");
	CHECK_STR(p->chroot, "/run/dhcpd-proxy");
	CHECK_INT(p->defaults.menu, -1);

	CHECK_INT(conf->nmenus, 1);
	CHECK_STR(conf->menus[0].name, "main");
	CHECK_STR(conf->menus[0].prompt, "Press F8 for the boot menu");
	CHECK_INT(conf->menus[0].timeout, 5);
	CHECK_INT(conf->menus[0].first_entry, 0);
	CHECK_INT(conf->menus[0].nentries, 2);
	CHECK_INT(conf->menus[0].line, 23);
	CHECK_INT(conf->nentries, 2);
	CHECK_STR(conf->entries[0].label, "Debian installer");
	CHECK_INT(conf->entries[0].local, 0);
	CHECK_STR(conf->entries[0].kernel, "debian/linux");
	CHECK_STR(conf->entries[0].initrd, "debian/initrd.gz");
	CHECK_STR(conf->entries[0].append, "priority=low");
	CHECK_STR(conf->entries[1].label, "Boot from local disk");
	CHECK_INT(conf->entries[1].local, 1);
	CHECK_STR(conf->entries[1].kernel, "");

	CHECK_INT(conf->nrules, 7);
	if (conf->nrules != 7)
		goto done;
	r = conf->rules;
	CHECK_INT(r[0].line, 34);
	CHECK_INT(r[0].match, MATCH_MAC);
	CHECK_INT(r[0].hwlen, 6);
	CHECK(memcmp(r[0].hwaddr, mac, sizeof(mac)) == 0);
	CHECK_INT(r[0].set.set, SET_BOOTFILE);
	CHECK_STR(r[0].set.bootfile, "special/ipxe.efi");
	CHECK_INT(r[1].match, MATCH_USERCLASS);
	CHECK_STR(r[1].user_class, "iPXE");
	CHECK_STR(r[1].set.bootfile, "menu.ipxe");
	CHECK_INT(r[2].match, MATCH_SUBNET);
	CHECK(addr_is(&r[2].subnet.addr, "10.1.0.0"));
	CHECK_INT(r[2].subnet.plen, 16);
	CHECK_INT(r[2].set.set, SET_TFTPSERVER);
	CHECK(addr_is(&r[2].set.tftp_server, "10.1.0.5"));
	CHECK_INT(r[3].match, MATCH_ARCH);
	CHECK_INT(r[3].narch, 1);
	CHECK_INT(r[3].arch[0], 0);
	CHECK_INT(r[3].set.set, SET_BOOTFILE | SET_MENU);
	CHECK_INT(r[3].set.menu, 0);
	CHECK_STR(r[3].set.bootfile, "undionly.kpxe");
	/* x64-uefi is 7 and 9 (RFC 4578 errata). */
	CHECK_INT(r[4].narch, 2);
	CHECK_INT(r[4].arch[0], 7);
	CHECK_INT(r[4].arch[1], 9);
	CHECK_INT(r[4].set.menu, -1);
	CHECK_INT(r[5].narch, 1);
	CHECK_INT(r[5].arch[0], 16);
	CHECK_INT(r[6].arch[0], 11);
	CHECK_STR(r[6].set.bootfile, "arm64/ipxe.efi");
	CHECK_INT(r[6].line, 40);
 done:
	conf_free(conf);
}

static void
test_all_keywords(const char *dir)
{
	struct netboot_conf	*conf;
	const struct daemon_conf *t, *h, *p;
	const struct rule	*r;
	static const uint8_t	 uuid[16] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef
	};

	if ((conf = parse_case(dir, "all-keywords.conf")) == NULL) {
		CHECK(!"all-keywords.conf refused");
		return;
	}
	t = &conf->daemon[NB_TFTPD];
	h = &conf->daemon[NB_HTTPBOOTD];
	p = &conf->daemon[NB_DHCPD_PROXY];

	CHECK_INT(t->nlisten, 4);
	CHECK(addr_is(&t->listen[1].addr, "::"));
	CHECK_INT(t->listen[1].port, 1);
	CHECK_STR(t->listen[2].ifname, "eth0");
	CHECK_INT(t->listen[2].port, 65535);
	CHECK_INT(t->listen[3].addr.af, AF_UNSPEC);
	CHECK_STR(t->listen[3].ifname, "");
	CHECK_INT(t->listen[3].port, 0);
	CHECK_INT(t->defaults.set, SET_BOOTFILE | SET_TFTPSERVER |
	    SET_HTTPSERVER | SET_MENU | SET_PXEMODE | SET_DELAY);
	CHECK_INT(t->defaults.pxe_mode, PXE_DIRECT);
	CHECK_INT(t->defaults.delay_ms, 0);
	CHECK_INT(t->defaults.menu, 0);
	CHECK_INT(t->nscripts, 3);
	CHECK_STR(t->scripts[1].path, "grub/grub.cfg*");
	CHECK_INT(t->scripts[0].format, SCRIPT_IPXE);
	CHECK_INT(t->scripts[1].format, SCRIPT_GRUB);
	CHECK_INT(t->scripts[2].format, SCRIPT_PXELINUX);
	CHECK_INT(t->scripts[0].files_first, 0);
	CHECK_INT(t->scripts[1].files_first, 1);
	CHECK_INT(t->tftpd.blksize_max, 8);
	CHECK_INT(t->tftpd.windowsize_max, 65535);
	CHECK_INT(t->tftpd.burst_max, 67108864);
	CHECK_INT(t->tftpd.max_sessions, 100000);
	CHECK_INT(t->tftpd.timeout, 255);
	CHECK_INT(t->tftpd.retries, 100);
	CHECK_INT(t->tftpd.max_per_client, 100000);
	CHECK_INT(t->tftpd.ratelimit, 100000);
	CHECK_INT(t->tftpd.lifetime, 86400);
	CHECK_INT(t->history, 0);

	CHECK(addr_is(&h->listen[0].addr, "2001:db8::1"));
	CHECK_INT(h->listen[0].port, 8080);
	CHECK(addr_is(&h->defaults.tftp_server, "2001:db8::10"));
	CHECK_INT(h->defaults.pxe_mode, PXE_REDIRECT);
	CHECK_INT(h->defaults.delay_ms, 10000);
	CHECK_INT(h->httpbootd.max_connections, 1000000);
	CHECK_INT(h->httpbootd.max_per_client, 100000);
	CHECK_INT(h->httpbootd.timeout_header, 1);
	CHECK_INT(h->httpbootd.timeout_idle, 3600);
	CHECK_INT(h->httpbootd.timeout_send, 30);
	CHECK_STR(h->httpbootd.cache_control, "no-cache");
	CHECK_INT(h->httpbootd.ntypes, 3);
	CHECK_STR(h->httpbootd.types[2].suffix, "ipxe");
	CHECK_STR(h->httpbootd.types[2].mime, "text/plain");
	CHECK_INT(h->history, 16384);

	CHECK_INT(p->nlisten, 2);
	CHECK_STR(p->listen[0].ifname, "eth1");
	CHECK_INT(p->listen[1].addr.af, AF_UNSPEC);
	CHECK_STR(p->listen[1].ifname, "");
	CHECK_INT(p->proxy.ratelimit, 0);
	CHECK_INT(p->proxy.ratelimit_addr, 100000);
	CHECK_INT(p->proxy.nrelays, 2);
	CHECK(prefix_is(&p->proxy.relays[0].giaddr, "10.1.0.0", 16));
	CHECK(prefix_is(&p->proxy.relays[0].from, "192.0.2.1", 32));
	CHECK(prefix_is(&p->proxy.relays[1].giaddr, "10.2.0.1", 32));
	CHECK_INT(p->proxy.relays[1].from.addr.af, AF_UNSPEC);
	CHECK_INT(p->defaults.delay_ms, 200);
	CHECK_INT(p->defaults.menu, 0);
	CHECK_INT(p->history, 1000);

	CHECK(conf->control.line > 0);
	CHECK_STR(conf->control.directory, "/run/netboot-test");
	CHECK_STR(conf->control.group, "netboot");

	CHECK_INT(conf->nmenus, 2);
	CHECK_INT(conf_menu_find(conf, "short"), 1);
	CHECK_INT(conf->menus[0].nentries, 3);
	CHECK_INT(conf->menus[1].first_entry, 3);
	CHECK_INT(conf->menus[1].nentries, 1);
	CHECK_INT(conf->nentries, 4);
	CHECK_STR(conf->entries[0].append,
	    "priority=low console=ttyS0,115200");
	CHECK_STR(conf->entries[1].kernel, "rescue/vmlinuz");
	CHECK_INT(conf->entries[3].local, 1);

	CHECK_INT(conf->nrules, 10);
	if (conf->nrules != 10)
		goto done;
	r = conf->rules;
	CHECK_INT(r[1].narch, 2);		/* 7 is x64-uefi: 7 and 9 */
	CHECK_INT(r[2].arch[0], 16);		/* 0x0010 */
	CHECK_INT(r[3].narch, 1);
	CHECK_INT(r[3].arch[0], 65535);
	CHECK_STR(r[5].vendor_class, "HTTPClient");
	CHECK_INT(r[6].subnet.plen, 32);
	CHECK_INT(r[6].subnet.addr.af, AF_INET6);
	CHECK_STR(r[7].ifname, "eth1");
	CHECK_INT(r[7].set.pxe_mode, PXE_DIRECT);
	CHECK_INT(r[8].match, MATCH_UUID);
	CHECK(memcmp(r[8].uuid, uuid, sizeof(uuid)) == 0);
	CHECK_INT(r[9].match, MATCH_ARCH | MATCH_SUBNET | MATCH_INTERFACE);
	CHECK_INT(r[9].set.set, SET_BOOTFILE | SET_TFTPSERVER |
	    SET_HTTPSERVER | SET_MENU | SET_PXEMODE | SET_DELAY);
	CHECK_INT(r[9].set.menu, 1);
	CHECK_INT(r[9].set.delay_ms, 10000);
 done:
	conf_free(conf);
}

static void
test_macros(const char *dir)
{
	struct netboot_conf	*conf;
	const struct daemon_conf *t;

	if ((conf = parse_case(dir, "macros.conf")) == NULL) {
		CHECK(!"macros.conf refused");
		return;
	}
	t = &conf->daemon[NB_TFTPD];
	CHECK(addr_is(&t->listen[0].addr, "192.0.2.10"));
	CHECK_INT(t->listen[0].port, 6969);
	CHECK_STR(t->listen[1].ifname, "eth0");
	CHECK_STR(t->user, "_tftpd");
	CHECK_INT(conf->daemon[NB_DHCPD_PROXY].defaults.menu, 0);
	CHECK_INT(conf->nrules, 4);
	if (conf->nrules == 4) {
		CHECK_STR(conf->rules[0].set.bootfile, "undionly.kpxe");
		/* The later definition wins. */
		CHECK_STR(conf->rules[1].set.bootfile, "ipxe.efi");
		CHECK_INT(conf->rules[1].subnet.plen, 16);
		CHECK_INT(conf->rules[2].hwlen, 6);
		/* Not expanded inside quotes. */
		CHECK_STR(conf->rules[3].user_class, "$server");
		CHECK_STR(conf->rules[3].set.bootfile, "$file");
	}
	conf_free(conf);
}

static void
test_refused(void)
{
	struct netboot_conf	*conf;

	/* Its message goes to stderr; run.sh checks the messages. */
	CHECK((conf = parse_text("tftpd { blksize max 7 }\n")) == NULL);
	conf_free(conf);
	CHECK(conf_parse("/nonexistent/netboot.conf") == NULL);

	/* A file read twice compiles alike: no state is left behind. */
	CHECK((conf = parse_text("x = \"1\"\nmenu \"m\" { entry \"d\" local }"
	    "\nmatch arch $x { menu \"m\" }\n")) != NULL);
	if (conf != NULL) {
		CHECK_INT(conf->nrules, 1);
		CHECK_INT(conf->rules[0].set.menu, 0);
		CHECK_INT(conf->rules[0].arch[0], 1);
		conf_free(conf);
	}
	CHECK((conf = parse_text("match arch $x { bootfile \"a\" }\n")) ==
	    NULL);
	conf_free(conf);
}

static void
test_add(void)
{
	struct netboot_conf	*conf;
	struct rule		 r;
	struct menu		 m;
	struct menu_entry	 e;
	size_t			 i;

	if ((conf = conf_new()) == NULL) {
		CHECK(!"conf_new");
		return;
	}
	memset(&r, 0, sizeof(r));
	memset(&m, 0, sizeof(m));
	memset(&e, 0, sizeof(e));
	for (i = 0; i < 1000; i++) {
		r.line = i;
		snprintf(m.name, sizeof(m.name), "m%zu", i);
		snprintf(e.label, sizeof(e.label), "e%zu", i);
		CHECK_INT(conf_add_rule(conf, &r), 0);
		CHECK_INT(conf_add_menu(conf, &m), 0);
		CHECK_INT(conf_add_entry(conf, &e), 0);
	}
	CHECK_INT(conf->nrules, 1000);
	CHECK_INT(conf->rules[999].line, 999);
	CHECK_INT(conf->rules[500].line, 500);
	CHECK_INT(conf_menu_find(conf, "m777"), 777);
	CHECK_INT(conf_menu_find(conf, "m1000"), -1);
	CHECK_STR(conf->entries[999].label, "e999");
	conf_free(conf);
	conf_free(NULL);
}

int
main(int argc, char **argv)
{
	const char	*dir = argc > 1 ? argv[1] : ".";

	test_defaults();
	test_example(dir);
	test_all_keywords(dir);
	test_macros(dir);
	test_refused();
	test_add();
	return check_exit();
}
