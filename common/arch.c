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

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arch.h"

struct arch_type {
	const char	*name;
	int		 http;		/* boots from an HTTP URL */
};

#define ARCH_MAX	0xffff

static int	 arch_number(const char *, uint16_t *);
static int	 arch_codes(const char *, uint16_t *, size_t);

/*
 * Indexed by code.  RFC 4578 and the IANA registry disagreed on 7 and 9
 * (the errata now follows IANA: 7 x64, 9 EBC), and firmware in the field
 * sends 9 for x64: both codes are x64-uefi here, so "x64-uefi" stands for
 * both and either code is named "x64-uefi".
 */
static const struct arch_type arch_types[] = {
	[0] =	{ "bios",			0 },
	[1] =	{ "pc98",			0 },
	[2] =	{ "ia64",			0 },
	[3] =	{ "alpha",			0 },
	[4] =	{ "arc-x86",			0 },
	[5] =	{ "lean-client",		0 },
	[6] =	{ "ia32-uefi",			0 },
	[7] =	{ "x64-uefi",			0 },
	[8] =	{ "xscale-uefi",		0 },
	[9] =	{ "x64-uefi",			0 },
	[10] =	{ "arm32-uefi",			0 },
	[11] =	{ "arm64-uefi",			0 },
	[12] =	{ "ppc-openfirmware",		0 },
	[13] =	{ "ppc-epapr",			0 },
	[14] =	{ "ppc-opal",			0 },
	[15] =	{ "ia32-uefi-http",		1 },
	[16] =	{ "x64-uefi-http",		1 },
	[17] =	{ "ebc-uefi-http",		1 },
	[18] =	{ "arm32-uefi-http",		1 },
	[19] =	{ "arm64-uefi-http",		1 },
	[20] =	{ "bios-http",			1 },
	[21] =	{ "arm32-uboot",		0 },
	[22] =	{ "arm64-uboot",		0 },
	[23] =	{ "arm32-uboot-http",		1 },
	[24] =	{ "arm64-uboot-http",		1 },
	[25] =	{ "riscv32-uefi",		0 },
	[26] =	{ "riscv32-uefi-http",		1 },
	[27] =	{ "riscv64-uefi",		0 },
	[28] =	{ "riscv64-uefi-http",		1 },
	[29] =	{ "riscv128-uefi",		0 },
	[30] =	{ "riscv128-uefi-http",		1 },
	[31] =	{ "s390-basic",			0 },
	[32] =	{ "s390-extended",		0 },
	[33] =	{ "mips32-uefi",		0 },
	[34] =	{ "mips64-uefi",		0 },
	[35] =	{ "sunway32-uefi",		0 },
	[36] =	{ "sunway64-uefi",		0 },
	[37] =	{ "loongarch32-uefi",		0 },
	[38] =	{ "loongarch32-uefi-http",	1 },
	[39] =	{ "loongarch64-uefi",		0 },
	[40] =	{ "loongarch64-uefi-http",	1 },
	[41] =	{ "arm-rpiboot",		0 }
};

#define NARCH	(sizeof(arch_types) / sizeof(arch_types[0]))

/*
 * A number that has a name stands for every code of that name, so that
 * "9" and "7" alike mean x64-uefi; any other number up to 0xffff stands
 * for itself.
 */
int
arch_lookup(const char *s, uint16_t *codes, size_t max)
{
	const char	*name;
	uint16_t	 code;

	if (arch_number(s, &code) == 0) {
		if ((name = arch_name(code)) != NULL)
			return arch_codes(name, codes, max);
		if (max == 0)
			return 0;
		codes[0] = code;
		return 1;
	}
	return arch_codes(s, codes, max);
}

const char *
arch_name(uint16_t code)
{
	if (code >= NARCH)
		return NULL;
	return arch_types[code].name;
}

int
arch_is_http(uint16_t code)
{
	if (code >= NARCH)
		return 0;
	return arch_types[code].http;
}

/* Decimal or 0x hexadecimal, digits only: no sign, no blanks. */
static int
arch_number(const char *s, uint16_t *code)
{
	unsigned long	 v = 0;
	unsigned int	 base = 10, d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return -1;
		v = v * base + d;
		if (v > ARCH_MAX)
			return -1;
	}
	*code = v;
	return 0;
}

/* Every code named name, case-insensitively; -1 when there is none. */
static int
arch_codes(const char *name, uint16_t *codes, size_t max)
{
	size_t	 i, n = 0;
	int	 found = 0;

	for (i = 0; i < NARCH; i++) {
		if (strcasecmp(arch_types[i].name, name) != 0)
			continue;
		found = 1;
		if (n < max)
			codes[n++] = i;
	}
	return found ? (int)n : -1;
}
