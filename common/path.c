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
 * Spelling of a requested path, shared by tftpd and httpbootd.  Only
 * the text is normalised here; confinement against symlinks is the
 * job of openat2(RESOLVE_BENEATH) when the file is opened.
 */

#include <string.h>

#include "path.h"

static int	 refuse(int, const char *, const char **, char *, size_t);
static int	 check_bytes(const char *, size_t, const char **);
static int	 add_component(const char *, size_t, char *, size_t,
		    size_t *, const char **);

static int
refuse(int rv, const char *why, const char **reason, char *out,
    size_t outlen)
{
	if (reason != NULL)
		*reason = why;
	if (outlen > 0)
		out[0] = '\0';
	return rv;
}

/* Names are bytes, UTF-8 included, but no NUL and no control codes. */
static int
check_bytes(const char *in, size_t len, const char **why)
{
	unsigned char	 c;
	size_t		 i;

	for (i = 0; i < len; i++) {
		c = in[i];
		if (c == '\0') {
			*why = "NUL in path";
			return -1;
		}
		if (c < 0x20 || c == 0x7f) {
			*why = "control character in path";
			return -1;
		}
	}
	return 0;
}

static int
add_component(const char *c, size_t n, char *out, size_t outlen,
    size_t *o, const char **why)
{
	size_t	 sep = *o > 0;

	if (n == 0 || (n == 1 && c[0] == '.'))
		return 0;
	/* Never resolved: "a/../b" is as suspect as "../b". */
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		*why = "'..' in path";
		return -1;
	}
	if (sep + n + 1 > outlen - *o) {
		*why = "path too long";
		return -1;
	}
	if (sep)
		out[(*o)++] = '/';
	memcpy(out + *o, c, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

/*
 * Turn a client's path into one relative to the serving root: '\' is
 * a separator (Windows boot files ask for \Boot\x64\...), leading and
 * repeated separators and "." components go, ".." anywhere is refused,
 * as are NUL and control bytes.  Nothing is decoded: httpbootd undoes
 * %-escapes before calling this.  Returns 0 with a NUL-terminated
 * result in out, PATH_REFUSED, or PATH_EMPTY when nothing names a file
 * ("/", "./"); *reason then says why, for the log.
 */
int
path_clean(const char *in, size_t inlen, char *out, size_t outlen,
    const char **reason)
{
	const char	*why;
	size_t		 i = 0, end, o = 0;

	if (outlen > 0)
		out[0] = '\0';
	if (check_bytes(in, inlen, &why) == -1)
		return refuse(PATH_REFUSED, why, reason, out, outlen);
	while (i < inlen) {
		for (end = i; end < inlen; end++)
			if (in[end] == '/' || in[end] == '\\')
				break;
		if (add_component(in + i, end - i, out, outlen, &o,
		    &why) == -1)
			return refuse(PATH_REFUSED, why, reason, out, outlen);
		i = end + 1;
	}
	if (o == 0)
		return refuse(PATH_EMPTY, "empty path", reason, out, outlen);
	return 0;
}
