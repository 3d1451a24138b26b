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
 * Virtual files: boot scripts rendered per client from the policy.
 */

#ifndef TFTPD_VSCRIPT_H
#define TFTPD_VSCRIPT_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

int	 vscript_render(const struct netboot_conf *, const struct daemon_conf *,
	    const struct script_conf *, const char *, const struct sockaddr *,
	    const char *, uint8_t **, size_t *);

#endif /* TFTPD_VSCRIPT_H */
