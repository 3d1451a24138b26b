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
#include <string.h>

#include "arch.h"
#include "check.h"

static void	 test_names(void);
static void	 test_lookup(void);
static void	 test_http(void);

/* The IANA registry as of this writing, code by code. */
static const char *const want_names[] = {
	"bios", "pc98", "ia64", "alpha", "arc-x86", "lean-client",
	"ia32-uefi", "x64-uefi", "xscale-uefi", "x64-uefi", "arm32-uefi",
	"arm64-uefi", "ppc-openfirmware", "ppc-epapr", "ppc-opal",
	"ia32-uefi-http", "x64-uefi-http", "ebc-uefi-http",
	"arm32-uefi-http", "arm64-uefi-http", "bios-http", "arm32-uboot",
	"arm64-uboot", "arm32-uboot-http", "arm64-uboot-http",
	"riscv32-uefi", "riscv32-uefi-http", "riscv64-uefi",
	"riscv64-uefi-http", "riscv128-uefi", "riscv128-uefi-http",
	"s390-basic", "s390-extended", "mips32-uefi", "mips64-uefi",
	"sunway32-uefi", "sunway64-uefi", "loongarch32-uefi",
	"loongarch32-uefi-http", "loongarch64-uefi",
	"loongarch64-uefi-http", "arm-rpiboot"
};

#define NWANT	(sizeof(want_names) / sizeof(want_names[0]))

static void
test_names(void)
{
	uint16_t	 code;

	CHECK_INT(NWANT, 42);
	for (code = 0; code < NWANT; code++)
		CHECK_STR(arch_name(code), want_names[code]);
	CHECK(arch_name(42) == NULL);
	CHECK(arch_name(0xffff) == NULL);
	CHECK_INT(ARCH_BIOS, 0);
}

static void
test_lookup(void)
{
	uint16_t	 c[4];
	size_t		 i;

	/* Every name finds its own code. */
	for (i = 0; i < NWANT; i++) {
		memset(c, 0xff, sizeof(c));
		CHECK(arch_lookup(want_names[i], c, 4) >= 1);
		CHECK(c[0] == i || (i == 9 && c[0] == 7));
	}

	CHECK_INT(arch_lookup("bios", c, 4), 1);
	CHECK_INT(c[0], 0);
	CHECK_INT(arch_lookup("BIOS", c, 4), 1);
	CHECK_INT(c[0], 0);
	CHECK_INT(arch_lookup("arm64-uefi", c, 4), 1);
	CHECK_INT(c[0], 11);
	CHECK_INT(arch_lookup("riscv64-uefi-http", c, 4), 1);
	CHECK_INT(c[0], 0x1c);
	CHECK_INT(arch_lookup("loongarch64-uefi", c, 4), 1);
	CHECK_INT(c[0], 0x27);

	/* x64-uefi stands for 7 and 9, and so do the numbers. */
	memset(c, 0, sizeof(c));
	CHECK_INT(arch_lookup("x64-uefi", c, 4), 2);
	CHECK_INT(c[0], 7);
	CHECK_INT(c[1], 9);
	memset(c, 0, sizeof(c));
	CHECK_INT(arch_lookup("9", c, 4), 2);
	CHECK_INT(c[0], 7);
	CHECK_INT(c[1], 9);
	memset(c, 0, sizeof(c));
	CHECK_INT(arch_lookup("0x07", c, 4), 2);
	CHECK_INT(c[0], 7);
	CHECK_INT(c[1], 9);
	/* No more than max codes are written. */
	c[1] = 1234;
	CHECK_INT(arch_lookup("x64-uefi", c, 1), 1);
	CHECK_INT(c[0], 7);
	CHECK_INT(c[1], 1234);
	CHECK_INT(arch_lookup("bios", c, 0), 0);

	/* Numbers, decimal and hexadecimal. */
	CHECK_INT(arch_lookup("16", c, 4), 1);
	CHECK_INT(c[0], 16);
	CHECK_INT(arch_lookup("0x10", c, 4), 1);
	CHECK_INT(c[0], 16);
	CHECK_INT(arch_lookup("0X1B", c, 4), 1);
	CHECK_INT(c[0], 27);
	CHECK_INT(arch_lookup("0", c, 4), 1);
	CHECK_INT(c[0], 0);
	CHECK_INT(arch_lookup("65535", c, 4), 1);
	CHECK_INT(c[0], 65535);
	CHECK_INT(arch_lookup("0xffff", c, 4), 1);
	CHECK_INT(c[0], 65535);
	CHECK_INT(arch_lookup("1000", c, 4), 1);
	CHECK_INT(c[0], 1000);

	/* Bad names and numbers. */
	CHECK_INT(arch_lookup("65536", c, 4), -1);
	CHECK_INT(arch_lookup("0x10000", c, 4), -1);
	CHECK_INT(arch_lookup("99999999999999999999", c, 4), -1);
	CHECK_INT(arch_lookup("-1", c, 4), -1);
	CHECK_INT(arch_lookup("+7", c, 4), -1);
	CHECK_INT(arch_lookup(" 7", c, 4), -1);
	CHECK_INT(arch_lookup("7 ", c, 4), -1);
	CHECK_INT(arch_lookup("0x", c, 4), -1);
	CHECK_INT(arch_lookup("0xg", c, 4), -1);
	CHECK_INT(arch_lookup("12a", c, 4), -1);
	CHECK_INT(arch_lookup("", c, 4), -1);
	CHECK_INT(arch_lookup("x64", c, 4), -1);
	CHECK_INT(arch_lookup("x64-uefi-", c, 4), -1);
	CHECK_INT(arch_lookup("ebc", c, 4), -1);
}

static void
test_http(void)
{
	static const uint16_t	 http[] = {
		15, 16, 17, 18, 19, 20, 23, 24, 26, 28, 30, 38, 40
	};
	unsigned int		 code, i, want;

	for (code = 0; code < 64; code++) {
		want = 0;
		for (i = 0; i < sizeof(http) / sizeof(http[0]); i++)
			if (http[i] == code)
				want = 1;
		if (arch_is_http(code) != (int)want)
			fprintf(stderr, "arch_is_http(%u) wrong\n", code);
		CHECK_INT(arch_is_http(code), want);
	}
	CHECK_INT(arch_is_http(0xffff), 0);
}

int
main(void)
{
	test_names();
	test_lookup();
	test_http();
	return check_exit();
}
