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
#include <sys/wait.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "conf.h"
#include "policy.h"
#include "render.h"

static struct menu	 menus[1];
static struct menu_entry entries[2];
static struct netboot_conf conf;

enum kind { K_MENU, K_BOOTFILE, K_NOTHING };

struct rcase {
	enum script_format	 fmt;
	enum kind		 kind;
	const char		*want;
};

static const struct rcase rcases[] = {
	{ SCRIPT_IPXE, K_MENU,
	    "#!ipxe\n"
	    "menu Press F8 for the boot menu\n"
	    "item e1 Debian installer\n"
	    "item e2 Boot from local disk\n"
	    "choose --timeout 5000 --default e1 selected && "
	    "goto ${selected}\n"
	    "exit\n"
	    ":e1\n"
	    "kernel debian/linux priority=low\n"
	    "initrd debian/initrd.gz\n"
	    "boot\n"
	    ":e2\n"
	    "exit\n" },
	{ SCRIPT_IPXE, K_BOOTFILE,
	    "#!ipxe\n"
	    "chain ipxe.efi\n" },
	{ SCRIPT_IPXE, K_NOTHING,
	    "#!ipxe\n"
	    "echo No boot configuration for this client\n"
	    "exit\n" },
	{ SCRIPT_GRUB, K_MENU,
	    "set default=0\n"
	    "set timeout=5\n"
	    "menuentry \"Debian installer\" {\n"
	    "\tlinux /debian/linux priority=low\n"
	    "\tinitrd /debian/initrd.gz\n"
	    "}\n"
	    "menuentry \"Boot from local disk\" {\n"
	    "\texit\n"
	    "}\n" },
	{ SCRIPT_GRUB, K_BOOTFILE,
	    "chainloader /ipxe.efi\n"
	    "boot\n" },
	{ SCRIPT_GRUB, K_NOTHING,
	    "echo \"No boot configuration for this client\"\n"
	    "exit\n" },
	{ SCRIPT_PXELINUX, K_MENU,
	    "SAY Press F8 for the boot menu\n"
	    "SAY 1: Debian installer\n"
	    "SAY 2: Boot from local disk\n"
	    "DEFAULT 1\n"
	    "PROMPT 1\n"
	    "TIMEOUT 50\n"
	    "LABEL 1\n"
	    "\tKERNEL debian/linux\n"
	    "\tAPPEND initrd=debian/initrd.gz priority=low\n"
	    "LABEL 2\n"
	    "\tLOCALBOOT 0\n" },
	{ SCRIPT_PXELINUX, K_BOOTFILE,
	    "DEFAULT chain\n"
	    "LABEL chain\n"
	    "\tKERNEL ipxe.efi\n" },
	{ SCRIPT_PXELINUX, K_NOTHING,
	    "SAY No boot configuration for this client\n"
	    "DEFAULT local\n"
	    "LABEL local\n"
	    "\tLOCALBOOT 0\n" },
};

#define NRCASES	(sizeof(rcases) / sizeof(rcases[0]))

static void	 setup(void);
static void	 setup_hostile(void);
static void	 decision(enum kind, struct boot_settings *);
static ssize_t	 render(enum script_format, const struct boot_settings *,
		    char *, size_t);
static void	 test_formats(void);
static void	 test_small(void);
static void	 test_escapes(void);
static void	 test_refused(void);
static void	 test_variants(void);
static void	 test_lookup(void);
static void	 check_refused(enum script_format, const char *);
static int	 grub_check(const char *, const char *);
static void	 grub_parses(const char *, const struct boot_settings *,
		    const char *);
static void	 random_text(char *, size_t, uint32_t *);
static void	 test_grub_parser(const char *);

/* menu "main" of netboot.conf(5)'s example. */
static void
setup(void)
{
	memset(&conf, 0, sizeof(conf));
	memset(menus, 0, sizeof(menus));
	memset(entries, 0, sizeof(entries));
	conf.menus = menus;
	conf.nmenus = 1;
	conf.entries = entries;
	conf.nentries = 2;
	strlcpy(menus[0].name, "main", sizeof(menus[0].name));
	strlcpy(menus[0].prompt, "Press F8 for the boot menu",
	    sizeof(menus[0].prompt));
	menus[0].timeout = 5;
	menus[0].first_entry = 0;
	menus[0].nentries = 2;
	strlcpy(entries[0].label, "Debian installer", NB_NAMELEN);
	strlcpy(entries[0].kernel, "debian/linux", NB_PATHLEN);
	strlcpy(entries[0].initrd, "debian/initrd.gz", NB_PATHLEN);
	strlcpy(entries[0].append, "priority=low", NB_TEXTLEN);
	strlcpy(entries[1].label, "Boot from local disk", NB_NAMELEN);
	entries[1].local = 1;
}

/* One entry whose every field holds what GRUB would misread unescaped. */
static void
setup_hostile(void)
{
	setup();
	strlcpy(entries[0].label, "Say \"hi\" $x \\ {ok}", NB_NAMELEN);
	strlcpy(entries[0].kernel, "my dir/linux", NB_PATHLEN);
	strlcpy(entries[0].initrd, "(tftp)/initrd;x", NB_PATHLEN);
	strlcpy(entries[0].append, "console=ttyS0 x=\"a b\" $y;z #c",
	    NB_TEXTLEN);
	menus[0].nentries = 1;
}

static void
decision(enum kind k, struct boot_settings *d)
{
	memset(d, 0, sizeof(*d));
	d->menu = -1;
	switch (k) {
	case K_MENU:
		/* A menu wins over the boot file that came with it. */
		d->set = SET_MENU | SET_BOOTFILE;
		d->menu = 0;
		strlcpy(d->bootfile, "undionly.kpxe", sizeof(d->bootfile));
		break;
	case K_BOOTFILE:
		d->set = SET_BOOTFILE;
		strlcpy(d->bootfile, "ipxe.efi", sizeof(d->bootfile));
		break;
	case K_NOTHING:
		break;
	}
}

static ssize_t
render(enum script_format fmt, const struct boot_settings *d, char *buf,
    size_t len)
{
	struct client_facts	 f;

	client_facts_init(&f);
	return render_script(fmt, &conf, d, &f, buf, len);
}

static void
test_formats(void)
{
	struct boot_settings	 d;
	char			 buf[4096];
	size_t			 i;

	setup();
	for (i = 0; i < NRCASES; i++) {
		decision(rcases[i].kind, &d);
		memset(buf, 'X', sizeof(buf));
		CHECK_INT(render(rcases[i].fmt, &d, buf, sizeof(buf)),
		    strlen(rcases[i].want));
		CHECK_STR(buf, rcases[i].want);
	}
}

/* Exactly the size needed works; every byte less is -1, never a cut. */
static void
test_small(void)
{
	struct boot_settings	 d;
	char			*buf;
	size_t			 i, len, n;
	int			 bad;

	setup();
	for (i = 0; i < NRCASES; i++) {
		decision(rcases[i].kind, &d);
		n = strlen(rcases[i].want);
		bad = 0;
		for (len = 0; len <= n; len++) {
			/* A heap buffer of exactly len: ASan sees overruns. */
			if ((buf = malloc(len > 0 ? len : 1)) == NULL)
				abort();
			errno = 0;
			if (render(rcases[i].fmt, &d, buf, len) != -1 ||
			    errno != ENOSPC || (len > 0 && buf[0] != '\0'))
				bad++;
			free(buf);
		}
		CHECK_INT(bad, 0);
		if ((buf = malloc(n + 1)) == NULL)
			abort();
		CHECK_INT(render(rcases[i].fmt, &d, buf, n + 1), n);
		CHECK_STR(buf, rcases[i].want);
		free(buf);
	}
}

static void
test_escapes(void)
{
	struct boot_settings	 d;
	char			 buf[4096];

	/* GRUB: quotes, backslashes and $ escaped; words kept apart. */
	setup_hostile();
	decision(K_MENU, &d);
	CHECK(render(SCRIPT_GRUB, &d, buf, sizeof(buf)) > 0);
	CHECK_STR(buf,
	    "set default=0\n"
	    "set timeout=5\n"
	    "menuentry \"Say \\\"hi\\\" \\$x \\\\ {ok}\" {\n"
	    "\tlinux /my\\ dir/linux console=ttyS0 x=\\\"a b\\\" \\$y\\;z "
	    "\\#c\n"
	    "\tinitrd (tftp)/initrd\\;x\n"
	    "}\n");

	/* iPXE and PXELINUX take quotes in a label as they are. */
	setup();
	strlcpy(entries[0].label, "Say \"hi\" C# 'x'", NB_NAMELEN);
	menus[0].nentries = 1;
	CHECK(render(SCRIPT_IPXE, &d, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "\nitem e1 Say \"hi\" C# 'x'\n") != NULL);
	CHECK(render(SCRIPT_PXELINUX, &d, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "\nSAY 1: Say \"hi\" C# 'x'\n") != NULL);
}

static void
check_refused(enum script_format fmt, const char *what)
{
	struct boot_settings	 d;
	char			 buf[4096];
	ssize_t			 n;

	decision(K_MENU, &d);
	errno = 0;
	memset(buf, 'X', sizeof(buf));
	n = render(fmt, &d, buf, sizeof(buf));
	if (n != -1)
		fprintf(stderr, "not refused: %s (format %d)\n", what, fmt);
	CHECK_INT(n, -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(buf[0], '\0');
}

static void
test_refused(void)
{
	enum script_format	 fmt;

	for (fmt = SCRIPT_IPXE; fmt <= SCRIPT_PXELINUX; fmt++) {
		setup();
		strlcpy(entries[0].label, "two\nlines", NB_NAMELEN);
		check_refused(fmt, "newline in a label");
		setup();
		strlcpy(entries[1].label, "tab\there", NB_NAMELEN);
		check_refused(fmt, "tab in a label");
		setup();
		strlcpy(menus[0].prompt, "boot\r", NB_TEXTLEN);
		if (fmt != SCRIPT_GRUB)	/* GRUB shows no prompt */
			check_refused(fmt, "CR in the prompt");
		setup();
		strlcpy(entries[0].append, "a\nboot", NB_TEXTLEN);
		check_refused(fmt, "newline in append");
		setup();
		memset(entries[0].label, 'A', NB_NAMELEN);
		check_refused(fmt, "label without its NUL");
		setup();
		entries[0].kernel[0] = '\0';
		check_refused(fmt, "entry with neither kernel nor local");
	}

	/* iPXE has no quoting: words it would misread are refused. */
	setup();
	strlcpy(entries[0].label, "A && B", NB_NAMELEN);
	check_refused(SCRIPT_IPXE, "&& in an iPXE label");
	setup();
	strlcpy(entries[0].label, "# x", NB_NAMELEN);
	check_refused(SCRIPT_IPXE, "comment in an iPXE label");
	setup();
	strlcpy(entries[0].append, "quiet ; reboot", NB_TEXTLEN);
	check_refused(SCRIPT_IPXE, "; in iPXE append");
	setup();
	strlcpy(entries[0].append, "quiet || x", NB_TEXTLEN);
	check_refused(SCRIPT_IPXE, "|| in iPXE append");
	setup();
	strlcpy(entries[0].kernel, "my linux", NB_PATHLEN);
	check_refused(SCRIPT_IPXE, "blank in an iPXE path");
	setup();
	strlcpy(entries[0].kernel, "--help", NB_PATHLEN);
	check_refused(SCRIPT_IPXE, "iPXE path read as an option");
	setup();
	strlcpy(menus[0].prompt, "--name x", NB_TEXTLEN);
	check_refused(SCRIPT_IPXE, "iPXE menu title read as an option");

	/* PXELINUX has no quoting either: a path is one word. */
	setup();
	strlcpy(entries[0].initrd, "debian/initrd gz", NB_PATHLEN);
	check_refused(SCRIPT_PXELINUX, "blank in a PXELINUX path");

	/* An unknown format. */
	setup();
	check_refused((enum script_format)7, "unknown format");
}

static void
test_variants(void)
{
	struct boot_settings	 d;
	char			 buf[4096];

	/* No timeout: every loader waits for the user. */
	setup();
	menus[0].timeout = 0;
	decision(K_MENU, &d);
	CHECK(render(SCRIPT_IPXE, &d, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "\nchoose --default e1 selected && "
	    "goto ${selected}\n") != NULL);
	CHECK(render(SCRIPT_GRUB, &d, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "\nset timeout=-1\n") != NULL);
	CHECK(render(SCRIPT_PXELINUX, &d, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "\nTIMEOUT 0\n") != NULL);

	/* No prompt, no initrd, no append. */
	setup();
	menus[0].prompt[0] = '\0';
	entries[0].initrd[0] = '\0';
	entries[0].append[0] = '\0';
	menus[0].nentries = 1;
	CHECK(render(SCRIPT_IPXE, &d, buf, sizeof(buf)) > 0);
	CHECK_STR(buf,
	    "#!ipxe\n"
	    "menu\n"
	    "item e1 Debian installer\n"
	    "choose --timeout 5000 --default e1 selected && "
	    "goto ${selected}\n"
	    "exit\n"
	    ":e1\n"
	    "kernel debian/linux\n"
	    "boot\n");
	CHECK(render(SCRIPT_PXELINUX, &d, buf, sizeof(buf)) > 0);
	CHECK_STR(buf,
	    "SAY 1: Debian installer\n"
	    "DEFAULT 1\n"
	    "PROMPT 1\n"
	    "TIMEOUT 50\n"
	    "LABEL 1\n"
	    "\tKERNEL debian/linux\n");
	strlcpy(entries[0].append, "quiet", NB_TEXTLEN);
	CHECK(render(SCRIPT_PXELINUX, &d, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "\tKERNEL debian/linux\n\tAPPEND quiet\n") != NULL);

	/* A menu index out of range falls back to the boot file. */
	setup();
	decision(K_MENU, &d);
	d.menu = 1;
	CHECK(render(SCRIPT_IPXE, &d, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "#!ipxe\nchain undionly.kpxe\n");
	/* So do entries out of range, and a menu not in set. */
	decision(K_MENU, &d);
	menus[0].first_entry = 1;
	CHECK(render(SCRIPT_IPXE, &d, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "#!ipxe\nchain undionly.kpxe\n");
	setup();
	decision(K_MENU, &d);
	d.set = 0;
	CHECK(render(SCRIPT_GRUB, &d, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "echo \"No boot configuration for this client\"\n"
	    "exit\n");

	/* The second entry alone: the menu starts at first_entry. */
	setup();
	decision(K_MENU, &d);
	menus[0].first_entry = 1;
	menus[0].nentries = 1;
	CHECK(render(SCRIPT_PXELINUX, &d, buf, sizeof(buf)) > 0);
	CHECK_STR(buf,
	    "SAY Press F8 for the boot menu\n"
	    "SAY 1: Boot from local disk\n"
	    "DEFAULT 1\n"
	    "PROMPT 1\n"
	    "TIMEOUT 50\n"
	    "LABEL 1\n"
	    "\tLOCALBOOT 0\n");
}

static void
test_lookup(void)
{
	struct daemon_conf		 dc;
	const struct script_conf	*sc;
	static const struct {
		const char		*path;
		enum script_format	 fmt;
	} scripts[] = {
		{ "menu.ipxe",				SCRIPT_IPXE },
		{ "/boot.ipxe",				SCRIPT_IPXE },
		{ "grub/grub.cfg-*",			SCRIPT_GRUB },
		{ "grub/grub.cfg-01-52-54-00-12-34-56",	SCRIPT_PXELINUX },
		{ "pxelinux.cfg/*",			SCRIPT_PXELINUX },
		{ "pxelinux.cfg/01-*",			SCRIPT_IPXE },
	};
	size_t				 i;

	memset(&dc, 0, sizeof(dc));
	CHECK(script_lookup(&dc, "menu.ipxe") == NULL);
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		strlcpy(dc.scripts[i].path, scripts[i].path, NB_PATHLEN);
		dc.scripts[i].format = scripts[i].fmt;
	}
	dc.nscripts = i;

	CHECK(script_lookup(&dc, "menu.ipxe") == &dc.scripts[0]);
	CHECK(script_lookup(&dc, "/menu.ipxe") == &dc.scripts[0]);
	CHECK(script_lookup(&dc, "boot.ipxe") == &dc.scripts[1]);
	CHECK(script_lookup(&dc, "/boot.ipxe") == &dc.scripts[1]);
	CHECK(script_lookup(&dc, "menu.ipxe2") == NULL);
	CHECK(script_lookup(&dc, "menu.ipx") == NULL);
	CHECK(script_lookup(&dc, "") == NULL);
	CHECK(script_lookup(&dc, "ipxe.efi") == NULL);

	/* Patterns; an exact path wins over one listed before it. */
	CHECK(script_lookup(&dc, "grub/grub.cfg-01-52-54-00-12-34-56") ==
	    &dc.scripts[3]);
	CHECK(script_lookup(&dc, "grub/grub.cfg-0A010203") ==
	    &dc.scripts[2]);
	CHECK(script_lookup(&dc, "grub/grub.cfg") == NULL);
	CHECK(script_lookup(&dc, "pxelinux.cfg/C0A80001") == &dc.scripts[4]);
	CHECK(script_lookup(&dc, "pxelinux.cfg/default") == &dc.scripts[4]);
	CHECK(script_lookup(&dc, "pxelinux.cfg") == NULL);
	CHECK(script_lookup(&dc, "pxelinux.cfgX") == NULL);
	/* The longest pattern wins, wherever it is listed. */
	CHECK(script_lookup(&dc, "pxelinux.cfg/01-52-54-00-12-34-56") ==
	    &dc.scripts[5]);

	/* A lone '*' takes what nothing else does; counts are bounded. */
	strlcpy(dc.scripts[6].path, "*", NB_PATHLEN);
	dc.nscripts = 7;
	CHECK(script_lookup(&dc, "ipxe.efi") == &dc.scripts[6]);
	CHECK(script_lookup(&dc, "menu.ipxe") == &dc.scripts[0]);
	dc.nscripts = 1000;
	CHECK(script_lookup(&dc, "ipxe.efi") == &dc.scripts[6]);

	/* A path filling its whole array, without a NUL. */
	memset(&dc, 0, sizeof(dc));
	memset(dc.scripts[0].path, 'a', NB_PATHLEN);
	dc.nscripts = 1;
	CHECK(script_lookup(&dc, "aaaa") == NULL);
	sc = script_lookup(&dc, "a");
	CHECK(sc == NULL);
}

/*
 * GRUB's own parser, grub-script-check (grub-common), on a script: its
 * exit status, or 127 when it cannot be run, 126 when we cannot write.
 */
static int
grub_check(const char *prog, const char *script)
{
	char	 path[] = "/tmp/nbrender.XXXXXX";
	size_t	 len = strlen(script);
	pid_t	 pid;
	int	 fd, status;

	if ((fd = mkstemp(path)) == -1)
		return 126;
	if (write(fd, script, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return 126;
	}
	close(fd);
	fflush(stderr);
	switch (pid = fork()) {
	case -1:
		unlink(path);
		return 126;
	case 0:
		execlp(prog, prog, path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			abort();
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void
grub_parses(const char *prog, const struct boot_settings *d,
    const char *what)
{
	char	 buf[8192];
	int	 rc;

	if (render(SCRIPT_GRUB, d, buf, sizeof(buf)) <= 0) {
		fprintf(stderr, "not rendered: %s\n", what);
		CHECK(0);
		return;
	}
	if ((rc = grub_check(prog, buf)) != 0)
		fprintf(stderr, "grub-script-check exits %d on %s:\n%s", rc,
		    what, buf);
	CHECK_INT(rc, 0);
}

/* Printable ASCII, the whole of what a quoted string in netboot.conf may
 * hold, from a fixed-seed generator: a failure repeats. */
static void
random_text(char *buf, size_t size, uint32_t *seed)
{
	size_t	 i, n;

	n = 1 + (*seed >> 8) % (size - 1 < 40 ? size - 1 : 40);
	for (i = 0; i < n; i++) {
		*seed = *seed * 1103515245 + 12345;
		buf[i] = ' ' + (*seed >> 16) % 95;
	}
	buf[n] = '\0';
}

/*
 * The golden strings above are ours; this asks GRUB.  Every GRUB script
 * the cases above render, and 300 menus of random printable text in every
 * field, must pass grub-script-check; a broken script must not, or the
 * checker is not checking.
 */
static void
test_grub_parser(const char *prog)
{
	struct boot_settings	 d;
	char			 what[64];
	uint32_t		 seed = 16;
	size_t			 i;
	int			 rc;

	rc = grub_check(prog, "menuentry \"x\" {\n\tlinux /x\n");
	if (rc == 127) {
		printf("SKIP: %s cannot be run: grub-script-check is not "
		    "installed (Debian package grub-common, which scripts/test "
		    "installs)\n", prog);
		exit(77);
	}
	CHECK(rc != 0);		/* an unclosed menuentry */
	CHECK(grub_check(prog, "linux /a\"b\n") != 0);

	setup();
	for (i = 0; i < NRCASES; i++) {
		if (rcases[i].fmt != SCRIPT_GRUB)
			continue;
		decision(rcases[i].kind, &d);
		snprintf(what, sizeof(what), "case %zu", i);
		grub_parses(prog, &d, what);
	}
	setup_hostile();
	decision(K_MENU, &d);
	grub_parses(prog, &d, "the escapes case");
	menus[0].timeout = 0;
	grub_parses(prog, &d, "no timeout");

	for (i = 0; i < 300; i++) {
		setup();
		random_text(entries[0].label, NB_NAMELEN, &seed);
		random_text(entries[0].kernel, NB_PATHLEN, &seed);
		random_text(entries[0].initrd, NB_PATHLEN, &seed);
		random_text(entries[0].append, NB_TEXTLEN, &seed);
		random_text(entries[1].label, NB_NAMELEN, &seed);
		random_text(menus[0].prompt, NB_TEXTLEN, &seed);
		decision(K_MENU, &d);
		snprintf(what, sizeof(what), "random menu %zu", i);
		grub_parses(prog, &d, what);
	}
}

/*
 * With --grub-script-check PROG only the rendered GRUB scripts are fed to
 * GRUB's parser (a test of its own, which skips when PROG is missing).
 */
int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "--grub-script-check") == 0) {
		test_grub_parser(argv[2]);
		return check_exit();
	}
	test_formats();
	test_small();
	test_escapes();
	test_refused();
	test_variants();
	test_lookup();
	return check_exit();
}
