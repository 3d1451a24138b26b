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
 * The boot policy as a table: the rules of netboot.conf(5)'s example and
 * a few more, built directly into a struct netboot_conf, and for each
 * client the decision it must get.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "arch.h"
#include "check.h"
#include "conf.h"
#include "policy.h"

#define UUID_A	"\x8a\x3b\x00\x11\x22\x33\x44\x55" \
		"\x66\x77\x88\x99\xaa\xbb\xcc\xdd"

struct pcase {
	const char	*name;
	/* the client */
	const char	*mac;
	int		 arch;
	const char	*user_class;
	const char	*vendor_class;
	const char	*addr;		/* subnet_addr */
	const char	*ifname;
	const char	*uuid;		/* 16 bytes */
	/* its decision */
	uint32_t	 set;
	const char	*bootfile;
	const char	*tftp;
	const char	*http;
	int		 menu;
	enum pxe_mode	 pxe_mode;
	uint32_t	 delay;
};

#define F_BOOT	SET_BOOTFILE
#define F_TFTP	SET_TFTPSERVER
#define F_HTTP	SET_HTTPSERVER
#define F_MENU	SET_MENU
#define F_PXE	SET_PXEMODE
#define F_DELAY	SET_DELAY

static const struct pcase cases[] = {
	{ "bios client on 10.1/16: its file from the subnet's server",
	    "52:54:00:aa:bb:01", 0, NULL, "PXEClient:Arch:00000:UNDI:002001",
	    "10.1.2.3", "eth0", NULL,
	    F_BOOT | F_TFTP | F_MENU | F_PXE, "undionly.kpxe", "10.1.0.5",
	    NULL, 0, PXE_DIRECT, 0 },
	{ "bios client elsewhere: default server",
	    "52:54:00:aa:bb:02", 0, NULL, NULL, "192.168.7.9", "eth0", NULL,
	    F_BOOT | F_TFTP | F_MENU, "undionly.kpxe", "192.0.2.10", NULL, 0,
	    PXE_REDIRECT, 0 },
	{ "the special MAC on an x64 client",
	    "52:54:00:12:34:56", 7, NULL, "PXEClient:Arch:00007:UNDI:003016",
	    "192.0.2.77", "eth0", NULL,
	    F_BOOT | F_TFTP, "special/ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "the special MAC on a bios client still gets the bios menu",
	    "52:54:00:12:34:56", 0, NULL, NULL, "10.1.0.200", "eth0", NULL,
	    F_BOOT | F_TFTP | F_MENU, "special/ipxe.efi", "10.1.0.5", NULL, 0,
	    PXE_REDIRECT, 0 },
	{ "iPXE user class wins over arch",
	    "52:54:00:aa:bb:03", 7, "iPXE", "PXEClient:Arch:00007:UNDI:003010",
	    "192.0.2.50", "eth0", NULL,
	    F_BOOT | F_TFTP, "menu.ipxe", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "iPXE on bios in 10.1/16: script, menu and subnet server",
	    "52:54:00:aa:bb:04", 0, "iPXE", NULL, "10.1.9.9", "eth0", NULL,
	    F_BOOT | F_TFTP | F_MENU, "menu.ipxe", "10.1.0.5", NULL, 0,
	    PXE_REDIRECT, 0 },
	{ "user class is exact: ipxe is not iPXE",
	    "52:54:00:aa:bb:05", 7, "ipxe", NULL, "192.0.2.50", "eth0", NULL,
	    F_BOOT | F_TFTP, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "arch 7 is x64",
	    "52:54:00:aa:bb:06", 7, NULL, NULL, "192.0.2.51", "eth0", NULL,
	    F_BOOT | F_TFTP, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "arch 9 is x64 too",
	    "52:54:00:aa:bb:07", 9, NULL, NULL, "192.0.2.52", "eth0", NULL,
	    F_BOOT | F_TFTP, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "x64 HTTP boot client",
	    "52:54:00:aa:bb:08", 16, NULL, "HTTPClient:Arch:00016:UNDI:003001",
	    "192.0.2.53", "eth0", NULL,
	    F_BOOT | F_TFTP | F_HTTP, "ipxe.efi", "192.0.2.10",
	    "http://192.0.2.20/", -1, PXE_REDIRECT, 0 },
	{ "arm64 UEFI",
	    "52:54:00:aa:bb:09", 11, NULL, NULL, "192.0.2.54", "eth0", NULL,
	    F_BOOT | F_TFTP, "arm64/ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "unknown arch gets only the defaults",
	    "52:54:00:aa:bb:0a", 1000, NULL, NULL, "192.0.2.55", "eth0", NULL,
	    F_TFTP, NULL, "192.0.2.10", NULL, -1, PXE_REDIRECT, 0 },
	{ "no arch at all gets only the defaults",
	    "52:54:00:aa:bb:0b", -1, NULL, NULL, "192.0.2.56", "eth0", NULL,
	    F_TFTP, NULL, "192.0.2.10", NULL, -1, PXE_REDIRECT, 0 },
	{ "arch 6 has no rule of its own",
	    "52:54:00:aa:bb:0c", 6, NULL, NULL, "192.0.2.57", "eth0", NULL,
	    F_TFTP, NULL, "192.0.2.10", NULL, -1, PXE_REDIRECT, 0 },
	{ "arch and subnet together: both hold",
	    "52:54:00:aa:bb:0d", 9, NULL, NULL, "10.2.3.4", "eth0", NULL,
	    F_BOOT | F_TFTP | F_HTTP, "ipxe.efi", "192.0.2.10",
	    "http://10.2.0.1/", -1, PXE_REDIRECT, 0 },
	{ "arch and subnet together: right subnet, wrong arch",
	    "52:54:00:aa:bb:0e", 11, NULL, NULL, "10.2.3.4", "eth0", NULL,
	    F_BOOT | F_TFTP, "arm64/ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "arch and subnet together: right arch, wrong subnet",
	    "52:54:00:aa:bb:0f", 7, NULL, NULL, "10.3.3.4", "eth0", NULL,
	    F_BOOT | F_TFTP, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "IPv6 client in 2001:db8:1::/48",
	    "52:54:00:aa:bb:10", 16, NULL, NULL, "2001:db8:1:2::42", "eth0",
	    NULL, F_BOOT | F_TFTP, "ipxe.efi", "2001:db8::5", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "IPv6 client outside the prefix",
	    "52:54:00:aa:bb:11", 16, NULL, NULL, "2001:db8:2::42", "eth0",
	    NULL, F_BOOT | F_TFTP, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "IPv4-mapped bits do not match an IPv6 prefix, nor v4 a v6",
	    "52:54:00:aa:bb:12", 7, NULL, NULL, "::ffff:10.1.0.1", "eth0",
	    NULL, F_BOOT | F_TFTP, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "receiving interface eth1 adds a delay",
	    "52:54:00:aa:bb:13", 7, NULL, NULL, "192.0.2.60", "eth1", NULL,
	    F_BOOT | F_TFTP | F_DELAY, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 500 },
	{ "interface is exact: eth10 is not eth1",
	    "52:54:00:aa:bb:14", 7, NULL, NULL, "192.0.2.61", "eth10", NULL,
	    F_BOOT | F_TFTP, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "the UUID rule",
	    "52:54:00:aa:bb:15", 7, NULL, NULL, "192.0.2.62", "eth0", UUID_A,
	    F_BOOT | F_TFTP | F_PXE, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_DIRECT, 0 },
	{ "vendor class prefix: a longer class matches",
	    "52:54:00:aa:bb:16", -1, NULL, "PXEClient:Arch:00000:UNDI:002001",
	    "192.0.2.63", "eth0", NULL, F_TFTP | F_PXE, NULL, "192.0.2.10",
	    NULL, -1, PXE_DIRECT, 0 },
	{ "vendor class prefix: a shorter class does not",
	    "52:54:00:aa:bb:17", -1, NULL, "PXEClient", "192.0.2.64", "eth0",
	    NULL, F_TFTP, NULL, "192.0.2.10", NULL, -1, PXE_REDIRECT, 0 },
	{ "MAC of another length does not match",
	    "52:54:00:12:34:56:00:00", 7, NULL, NULL, "192.0.2.65", "eth0",
	    NULL, F_BOOT | F_TFTP, "ipxe.efi", "192.0.2.10", NULL, -1,
	    PXE_REDIRECT, 0 },
	{ "a client with nothing known",
	    NULL, -1, NULL, NULL, NULL, NULL, NULL,
	    F_TFTP, NULL, "192.0.2.10", NULL, -1, PXE_REDIRECT, 0 },
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static struct rule	 rules[32];
static struct menu	 menus[1];
static struct menu_entry entries[2];

static struct rule	*rule_add(struct netboot_conf *);
static void		 set_bootfile(struct rule *, const char *);
static void		 set_arch(struct rule *, const char *);
static void		 set_subnet(struct rule *, const char *);
static void		 build(struct netboot_conf *, struct boot_settings *);
static void		 facts_of(const struct pcase *, struct client_facts *);
static void		 check_case(const struct netboot_conf *,
			    const struct boot_settings *,
			    const struct pcase *);
static void		 test_table(void);
static void		 test_rule_matches(void);
static void		 test_edges(void);

static struct rule *
rule_add(struct netboot_conf *conf)
{
	struct rule	*r;

	if (conf->nrules == sizeof(rules) / sizeof(rules[0]))
		abort();
	r = &conf->rules[conf->nrules++];
	memset(r, 0, sizeof(*r));
	r->set.menu = -1;
	r->line = conf->nrules;
	return r;
}

static void
set_bootfile(struct rule *r, const char *path)
{
	strlcpy(r->set.bootfile, path, sizeof(r->set.bootfile));
	r->set.set |= SET_BOOTFILE;
}

static void
set_arch(struct rule *r, const char *name)
{
	int	 n;

	n = arch_lookup(name, r->arch, NB_MAXARCH);
	if (n <= 0)
		abort();
	r->narch = n;
	r->match |= MATCH_ARCH;
}

static void
set_subnet(struct rule *r, const char *prefix)
{
	if (prefix_parse(prefix, &r->subnet) == -1)
		abort();
	r->match |= MATCH_SUBNET;
}

/* netboot.conf(5)'s example, then rules for the other criteria. */
static void
build(struct netboot_conf *conf, struct boot_settings *defaults)
{
	struct rule	*r;

	memset(conf, 0, sizeof(*conf));
	conf->rules = rules;
	conf->menus = menus;
	conf->entries = entries;

	strlcpy(menus[0].name, "main", sizeof(menus[0].name));
	menus[0].first_entry = 0;
	menus[0].nentries = 2;
	conf->nmenus = 1;
	conf->nentries = 2;

	memset(defaults, 0, sizeof(*defaults));
	defaults->menu = -1;
	defaults->set = SET_TFTPSERVER;
	if (addr_parse("192.0.2.10", &defaults->tftp_server) == -1)
		abort();

	r = rule_add(conf);		/* match mac 52:54:00:12:34:56 */
	if (hwaddr_parse("52:54:00:12:34:56", r->hwaddr, NB_HWADDRLEN,
	    &r->hwlen) == -1)
		abort();
	r->match = MATCH_MAC;
	set_bootfile(r, "special/ipxe.efi");

	r = rule_add(conf);		/* match user-class "iPXE" */
	strlcpy(r->user_class, "iPXE", sizeof(r->user_class));
	r->match = MATCH_USERCLASS;
	set_bootfile(r, "menu.ipxe");

	r = rule_add(conf);		/* match subnet 10.1.0.0/16 */
	set_subnet(r, "10.1.0.0/16");
	addr_parse("10.1.0.5", &r->set.tftp_server);
	r->set.set = SET_TFTPSERVER;

	r = rule_add(conf);		/* match arch bios */
	set_arch(r, "bios");
	set_bootfile(r, "undionly.kpxe");
	r->set.menu = 0;
	r->set.set |= SET_MENU;

	r = rule_add(conf);		/* match arch x64-uefi */
	set_arch(r, "x64-uefi");
	set_bootfile(r, "ipxe.efi");

	r = rule_add(conf);		/* match arch x64-uefi-http */
	set_arch(r, "x64-uefi-http");
	set_bootfile(r, "ipxe.efi");

	r = rule_add(conf);		/* match arch arm64-uefi */
	set_arch(r, "arm64-uefi");
	set_bootfile(r, "arm64/ipxe.efi");

	/* match arch x64-uefi subnet 10.2.0.0/16 { bootfile, http-server } */
	r = rule_add(conf);
	set_arch(r, "x64-uefi");
	set_subnet(r, "10.2.0.0/16");
	set_bootfile(r, "never-reached.efi");
	strlcpy(r->set.http_server, "http://10.2.0.1/",
	    sizeof(r->set.http_server));
	r->set.set |= SET_HTTPSERVER;

	r = rule_add(conf);		/* match subnet 2001:db8:1::/48 */
	set_subnet(r, "2001:db8:1::/48");
	addr_parse("2001:db8::5", &r->set.tftp_server);
	r->set.set = SET_TFTPSERVER;

	r = rule_add(conf);		/* match interface "eth1" */
	strlcpy(r->ifname, "eth1", sizeof(r->ifname));
	r->match = MATCH_INTERFACE;
	r->set.delay_ms = 500;
	r->set.set = SET_DELAY;

	r = rule_add(conf);		/* match uuid ... { pxe direct } */
	memcpy(r->uuid, UUID_A, 16);
	r->match = MATCH_UUID;
	r->set.pxe_mode = PXE_DIRECT;
	r->set.set = SET_PXEMODE;

	r = rule_add(conf);		/* match vendor-class "HTTPClient" */
	strlcpy(r->vendor_class, "HTTPClient", sizeof(r->vendor_class));
	r->match = MATCH_VENDORCLASS;
	strlcpy(r->set.http_server, "http://192.0.2.20/",
	    sizeof(r->set.http_server));
	r->set.set = SET_HTTPSERVER;

	/* match vendor-class "PXEClient:Arch:00000" { pxe direct } */
	r = rule_add(conf);
	strlcpy(r->vendor_class, "PXEClient:Arch:00000",
	    sizeof(r->vendor_class));
	r->match = MATCH_VENDORCLASS;
	r->set.pxe_mode = PXE_DIRECT;
	r->set.set = SET_PXEMODE;
}

static void
facts_of(const struct pcase *c, struct client_facts *f)
{
	client_facts_init(f);
	if (c->mac != NULL && hwaddr_parse(c->mac, f->hwaddr, NB_HWADDRLEN,
	    &f->hwlen) == -1)
		abort();
	f->arch = c->arch;
	if (c->user_class != NULL)
		strlcpy(f->user_class, c->user_class, sizeof(f->user_class));
	if (c->vendor_class != NULL)
		strlcpy(f->vendor_class, c->vendor_class,
		    sizeof(f->vendor_class));
	if (c->addr != NULL) {
		if (addr_parse(c->addr, &f->subnet_addr) == -1)
			abort();
		f->af = f->subnet_addr.af;
	}
	if (c->ifname != NULL)
		strlcpy(f->ifname, c->ifname, sizeof(f->ifname));
	if (c->uuid != NULL) {
		memcpy(f->uuid, c->uuid, 16);
		f->has_uuid = 1;
	}
}

static void
check_case(const struct netboot_conf *conf,
    const struct boot_settings *defaults, const struct pcase *c)
{
	struct client_facts	 f;
	struct boot_settings	 d;
	char			 tftp[NB_ADDRSTRLEN];
	int			 before = check_failures;

	facts_of(c, &f);
	memset(&d, 0xa5, sizeof(d));	/* every field must be written */
	policy_decide(conf, defaults, &f, &d);

	CHECK_INT(d.set, c->set);
	CHECK_STR(d.bootfile, c->bootfile != NULL ? c->bootfile : "");
	CHECK_STR(addr_ntop(&d.tftp_server, tftp, sizeof(tftp)),
	    c->tftp != NULL ? c->tftp : "-");
	CHECK_STR(d.http_server, c->http != NULL ? c->http : "");
	CHECK_INT(d.menu, c->menu);
	CHECK_INT(d.pxe_mode, c->pxe_mode);
	CHECK_INT(d.delay_ms, c->delay);
	if (check_failures != before)
		fprintf(stderr, "\tin case \"%s\"\n", c->name);
}

static void
test_table(void)
{
	struct netboot_conf	 conf;
	struct boot_settings	 defaults;
	size_t			 i;

	build(&conf, &defaults);
	CHECK(NCASES >= 15);
	for (i = 0; i < NCASES; i++)
		check_case(&conf, &defaults, &cases[i]);
}

static void
test_rule_matches(void)
{
	struct rule		 r;
	struct client_facts	 f;

	client_facts_init(&f);
	CHECK_INT(f.arch, -1);
	CHECK_INT(f.hwlen, 0);
	CHECK_INT(f.has_uuid, 0);
	CHECK_INT(f.subnet_addr.af, AF_UNSPEC);

	/* A rule without criteria matches everyone. */
	memset(&r, 0, sizeof(r));
	CHECK_INT(rule_matches(&r, &f), 1);

	/* "PXEClient" is a prefix of what EDK2 sends. */
	r.match = MATCH_VENDORCLASS;
	strlcpy(r.vendor_class, "PXEClient", sizeof(r.vendor_class));
	strlcpy(f.vendor_class, "PXEClient:Arch:00007:UNDI:003016",
	    sizeof(f.vendor_class));
	CHECK_INT(rule_matches(&r, &f), 1);
	strlcpy(f.vendor_class, "HTTPClient:Arch:00016",
	    sizeof(f.vendor_class));
	CHECK_INT(rule_matches(&r, &f), 0);
	f.vendor_class[0] = '\0';
	CHECK_INT(rule_matches(&r, &f), 0);

	/* Every criterion must hold, not any. */
	memset(&r, 0, sizeof(r));
	r.match = MATCH_ARCH | MATCH_UUID;
	r.arch[0] = 11;
	r.narch = 1;
	memcpy(r.uuid, UUID_A, 16);
	client_facts_init(&f);
	f.arch = 11;
	CHECK_INT(rule_matches(&r, &f), 0);
	memcpy(f.uuid, UUID_A, 16);
	CHECK_INT(rule_matches(&r, &f), 0);	/* has_uuid not set */
	f.has_uuid = 1;
	CHECK_INT(rule_matches(&r, &f), 1);
	f.uuid[15] ^= 1;
	CHECK_INT(rule_matches(&r, &f), 0);

	/* A subnet rule never matches a client of unknown address. */
	memset(&r, 0, sizeof(r));
	r.match = MATCH_SUBNET;
	prefix_parse("0.0.0.0/0", &r.subnet);
	client_facts_init(&f);
	CHECK_INT(rule_matches(&r, &f), 0);
	addr_parse("198.51.100.1", &f.subnet_addr);
	CHECK_INT(rule_matches(&r, &f), 1);

	/* An interface rule never matches an unknown interface. */
	memset(&r, 0, sizeof(r));
	r.match = MATCH_INTERFACE;
	strlcpy(r.ifname, "eth0", sizeof(r.ifname));
	client_facts_init(&f);
	CHECK_INT(rule_matches(&r, &f), 0);
	strlcpy(f.ifname, "eth0", sizeof(f.ifname));
	CHECK_INT(rule_matches(&r, &f), 1);
}

/* No defaults, a catch-all rule, and a rule list that stops early. */
static void
test_edges(void)
{
	struct netboot_conf	 conf;
	struct client_facts	 f;
	struct boot_settings	 d;
	struct rule		*r;

	memset(&conf, 0, sizeof(conf));
	conf.rules = rules;
	client_facts_init(&f);

	policy_decide(&conf, NULL, &f, &d);
	CHECK_INT(d.set, 0);
	CHECK_INT(d.menu, -1);
	CHECK_STR(d.bootfile, "");

	r = rule_add(&conf);
	set_bootfile(r, "first.efi");
	r->set.menu = 0;
	r->set.set |= SET_MENU | SET_TFTPSERVER | SET_HTTPSERVER |
	    SET_PXEMODE | SET_DELAY;
	r->set.delay_ms = 2000;
	r = rule_add(&conf);
	set_bootfile(r, "second.efi");
	policy_decide(&conf, NULL, &f, &d);
	CHECK_INT(d.set, SET_BOOTFILE | SET_MENU | SET_TFTPSERVER |
	    SET_HTTPSERVER | SET_PXEMODE | SET_DELAY);
	CHECK_STR(d.bootfile, "first.efi");
	CHECK_INT(d.delay_ms, 2000);
}

int
main(void)
{
	test_table();
	test_rule_matches();
	test_edges();
	return check_exit();
}
