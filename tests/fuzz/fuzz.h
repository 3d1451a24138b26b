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
 * What the harnesses share: an invariant check that aborts, so that
 * libFuzzer keeps the input, and the invariants of a cleaned path.
 */

#ifndef NB_FUZZ_H
#define NB_FUZZ_H

#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "path.h"

#define FUZZ_CHECK(c)	do { if (!(c)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * path_clean() over in: on success the result stays beneath the root
 * (relative, no "." or ".." component, no empty one, no backslash, no
 * control byte) and is no longer than what came in.
 */
static inline void
fuzz_path(const char *in, size_t inlen)
{
	char		 out[4097];
	const char	*why = NULL, *c;
	size_t		 n, i;
	int		 rc;

	rc = path_clean(in, inlen, out, sizeof(out), &why);
	if (rc != 0) {
		FUZZ_CHECK((rc == PATH_REFUSED || rc == PATH_EMPTY) &&
		    why != NULL && out[0] == '\0');
		return;
	}
	n = strlen(out);
	FUZZ_CHECK(n > 0 && n <= inlen && out[0] != '/' && out[n - 1] != '/');
	for (i = 0; i < n; i++)
		FUZZ_CHECK(out[i] != '\\' && (unsigned char)out[i] >= 0x20 &&
		    out[i] != 0x7f);
	FUZZ_CHECK(strstr(out, "//") == NULL);
	for (c = out; c != NULL; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		FUZZ_CHECK(strcmp(c, ".") != 0 && strncmp(c, "./", 2) != 0 &&
		    strcmp(c, "..") != 0 && strncmp(c, "../", 3) != 0);
	}
}

/*
 * The receiving end of a SOCK_SEQPACKET pair as ipc, made once; returns
 * the end that sends to it.  Non-blocking, as the parent's: a datagram
 * that did not arrive fails the harness instead of hanging it.
 */
static inline int
fuzz_channel(struct ipc *ipc, uint32_t ntypes)
{
	static int	 sp[2] = { -1, -1 };

	if (sp[0] == -1) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0, sp) == -1)
			abort();
		ipc_init(ipc, sp[0]);
		ipc_set_ntypes(ipc, ntypes);
	}
	return sp[1];
}

#endif /* NB_FUZZ_H */
