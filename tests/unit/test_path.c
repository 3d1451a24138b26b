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

#include <string.h>

#include "check.h"
#include "path.h"

static const char	*clean(const char *, char *, size_t);
static int		 refused(const char *, size_t, const char *);
static void		 test_accepted(void);
static void		 test_traversal(void);
static void		 test_empty(void);
static void		 test_bytes(void);
static void		 test_length(void);

static char	 outbuf[256];

/* The cleaned path, or NULL if path_clean() did not return 0. */
static const char *
clean(const char *in, char *out, size_t outlen)
{
	const char	*why = NULL;

	if (path_clean(in, strlen(in), out, outlen, &why) != 0)
		return NULL;
	return why == NULL ? out : "(reason set on success)";
}

/* 1 if the path is refused with the given reason and out is cleared. */
static int
refused(const char *in, size_t len, const char *reason)
{
	const char	*why = NULL;
	int		 rv;

	memset(outbuf, 'x', sizeof(outbuf));
	rv = path_clean(in, len, outbuf, sizeof(outbuf), &why);
	if (rv != PATH_REFUSED || why == NULL || outbuf[0] != '\0') {
		fprintf(stderr, "\"%.*s\": rv %d, why %s\n", (int)len, in,
		    rv, why ? why : "(null)");
		return 0;
	}
	return strcmp(why, reason) == 0;
}

static void
test_accepted(void)
{
	char	 b[256];

	CHECK_STR(clean("pxelinux.0", b, sizeof(b)), "pxelinux.0");
	CHECK_STR(clean("/pxelinux.0", b, sizeof(b)), "pxelinux.0");
	CHECK_STR(clean("///boot//grub/./grub.cfg", b, sizeof(b)),
	    "boot/grub/grub.cfg");
	CHECK_STR(clean("\\Boot\\x64\\wdsmgfw.efi", b, sizeof(b)),
	    "Boot/x64/wdsmgfw.efi");
	CHECK_STR(clean("\\\\Boot/\\BCD", b, sizeof(b)), "Boot/BCD");
	CHECK_STR(clean("./a/./b/", b, sizeof(b)), "a/b");
	CHECK_STR(clean("pxelinux.cfg/01-52-54-00-12-34-56", b, sizeof(b)),
	    "pxelinux.cfg/01-52-54-00-12-34-56");
	/* Dots that are not exactly ".." are ordinary names. */
	CHECK_STR(clean("....//x", b, sizeof(b)), "..../x");
	CHECK_STR(clean("...", b, sizeof(b)), "...");
	CHECK_STR(clean(".hidden/a..b/..c/d..", b, sizeof(b)),
	    ".hidden/a..b/..c/d..");
	/* Nothing is %-decoded here: httpbootd does that first. */
	CHECK_STR(clean("..%2f..%2fetc%2fpasswd", b, sizeof(b)),
	    "..%2f..%2fetc%2fpasswd");
	CHECK_STR(clean("caf\xc3\xa9 menu.ipxe", b, sizeof(b)),
	    "caf\xc3\xa9 menu.ipxe");
	/* A NULL reason pointer is allowed. */
	CHECK_INT(path_clean("a", 1, b, sizeof(b), NULL), 0);
}

static void
test_traversal(void)
{
	static const char *const bad[] = {
		"..", "../etc/passwd", "..\\windows\\win.ini", "/../etc",
		"/..", "\\..", "a/../../b", "a/b/..", "a/..", "a\\..\\b",
		"./../x", "a//..//b", "..//", "a/./../b", "/a/b/c/../../..",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(refused(bad[i], strlen(bad[i]), "'..' in path"));
	CHECK_INT(path_clean("..", 2, outbuf, sizeof(outbuf), NULL),
	    PATH_REFUSED);
}

static void
test_empty(void)
{
	static const char *const empty[] = {
		"", "/", "//", "\\", ".", "./", "/./.", "\\.\\",
	};
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		why = NULL;
		CHECK_INT(path_clean(empty[i], strlen(empty[i]), outbuf,
		    sizeof(outbuf), &why), PATH_EMPTY);
		CHECK_STR(why, "empty path");
		CHECK_STR(outbuf, "");
	}
}

static void
test_bytes(void)
{
	CHECK(refused("a\0b", 3, "NUL in path"));
	CHECK(refused("pxelinux.0\0../x", 15, "NUL in path"));
	CHECK(refused("\0", 1, "NUL in path"));
	CHECK(refused("a\nb", 3, "control character in path"));
	CHECK(refused("a\rb", 3, "control character in path"));
	CHECK(refused("\x1b[31mred", 8, "control character in path"));
	CHECK(refused("del\x7f", 4, "control character in path"));
	CHECK(refused("tab\there", 8, "control character in path"));
	/* The first problem is reported. */
	CHECK(refused("\x01/..", 4, "control character in path"));
	CHECK(refused("../\x01", 4, "control character in path"));
}

static void
test_length(void)
{
	char	 b[8], longname[sizeof(outbuf)];

	CHECK_STR(clean("abcdefg", b, sizeof(b)), "abcdefg");
	CHECK(clean("abcdefgh", b, sizeof(b)) == NULL);
	CHECK_STR(b, "");
	/* Length counts after cleaning. */
	CHECK_STR(clean("//a/./b//c/d/", b, sizeof(b)), "a/b/c/d");
	CHECK(clean("a/b/c/de", b, sizeof(b)) == NULL);
	CHECK_INT(path_clean("a", 1, b, 0, NULL), PATH_REFUSED);
	CHECK_INT(path_clean("a", 1, b, 1, NULL), PATH_REFUSED);
	CHECK_INT(path_clean("a", 1, b, 2, NULL), 0);
	CHECK_STR(b, "a");
	/* out must hold the NUL too. */
	memset(longname, 'a', sizeof(longname));
	CHECK(refused(longname, sizeof(longname), "path too long"));
	CHECK_INT(path_clean(longname, sizeof(longname) - 1, outbuf,
	    sizeof(outbuf), NULL), 0);
}

int
main(void)
{
	test_accepted();
	test_traversal();
	test_empty();
	test_bytes();
	test_length();
	return check_exit();
}
