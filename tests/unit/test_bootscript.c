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
 * The choice of a client's boot script that tftpd and httpbootd share:
 * the MAC in a PXELINUX or GRUB name, and a boot file that names the
 * script itself however it is spelled.
 */

#include <stdio.h>
#include <string.h>

#include "bootscript.h"
#include "check.h"
#include "conf.h"
#include "policy.h"
#include "render.h"

static const char config[] =
	"tftpd {\n"
	"	script \"boot/menu.ipxe\" format ipxe\n"
	"	script \"pxelinux.cfg/*\" format pxelinux\n"
	"}\n"
	"menu \"special\" {\n"
	"	entry \"Rescue\" { kernel \"rescue/vmlinuz\" }\n"
	"}\n"
	"match mac 52:54:00:12:34:56 { menu \"special\" }\n"
	"match arch x64-uefi { bootfile \"/boot//./menu.ipxe\" }\n"
	"match arch bios { bootfile \"other.ipxe\" }\n";

static void
test_mac(void)
{
	uint8_t	 hw[6];

	CHECK_INT(bootscript_mac("pxelinux.cfg/01-52-54-00-12-34-56", hw), 1);
	CHECK(memcmp(hw, "\x52\x54\x00\x12\x34\x56", 6) == 0);
	CHECK_INT(bootscript_mac("grub.cfg-01-AA-bb-cc-dd-ee-ff", hw), 1);
	CHECK(hw[0] == 0xaa && hw[5] == 0xff);
	CHECK_INT(bootscript_mac("01-52-54-00-12-34-56", hw), 1);
	CHECK_INT(bootscript_mac("x01-52-54-00-12-34-56", hw), 0);
	CHECK_INT(bootscript_mac("pxelinux.cfg/02-52-54-00-12-34-56", hw), 0);
	CHECK_INT(bootscript_mac("pxelinux.cfg/01-52:54-00-12-34-56", hw), 0);
	CHECK_INT(bootscript_mac("pxelinux.cfg/01-52-54-00-12-34-5g", hw), 0);
	CHECK_INT(bootscript_mac("pxelinux.cfg/default", hw), 0);
}

static ssize_t
render(const struct netboot_conf *conf, const char *path, int arch,
    const char *mac, char *buf, size_t len)
{
	const struct daemon_conf	*dc = &conf->daemon[NB_TFTPD];
	const struct script_conf	*sc;
	struct client_facts		 f;

	if ((sc = script_lookup(dc, path)) == NULL)
		return -2;
	client_facts_init(&f);
	f.arch = arch;
	if (mac != NULL && hwaddr_parse(mac, f.hwaddr, sizeof(f.hwaddr),
	    &f.hwlen) == -1)
		return -2;
	return bootscript_render(conf, dc, sc, path, &f, buf, len);
}

static void
test_render(const struct netboot_conf *conf)
{
	char	 buf[BOOTSCRIPT_MAX];

	/* The policy's "/boot//./menu.ipxe" is the script asked for. */
	CHECK(render(conf, "boot/menu.ipxe", 7, NULL, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "menu.ipxe") == NULL);
	/* Another boot file is chained to. */
	CHECK(render(conf, "boot/menu.ipxe", 0, NULL, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "other.ipxe") != NULL);
	/* The MAC in the name picks the menu... */
	CHECK(render(conf, "pxelinux.cfg/01-52-54-00-12-34-56", 0, NULL, buf,
	    sizeof(buf)) > 0);
	CHECK(strstr(buf, "rescue/vmlinuz") != NULL);
	/* ...unless the daemon knows the client's MAC already. */
	CHECK(render(conf, "pxelinux.cfg/01-52-54-00-12-34-56", 0,
	    "52:54:00:aa:bb:cc", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "rescue/vmlinuz") == NULL);
	CHECK(render(conf, "pxelinux.cfg/01-52-54-00-aa-bb-cc", 0, NULL, buf,
	    sizeof(buf)) > 0);
	CHECK(strstr(buf, "rescue/vmlinuz") == NULL);
}

int
main(void)
{
	struct netboot_conf	*conf;
	FILE			*fp;

	test_mac();
	if ((fp = fmemopen((void *)config, sizeof(config) - 1, "r")) == NULL)
		return 1;
	conf = conf_parse_file(fp, "test.conf");
	fclose(fp);
	CHECK(conf != NULL);
	if (conf != NULL)
		test_render(conf);
	return check_exit();
}
