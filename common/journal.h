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
 * The journal's native protocol, for the parent: one datagram a line
 * with its fields, sent by libsystemd to the journal's socket by path.
 * Only the parent calls this, outside any chroot; an engine's lines
 * come to it over the socketpair (log.c).
 */

#ifndef NB_JOURNAL_H
#define NB_JOURNAL_H

#include <sys/types.h>

#include "log.h"

int	 journal_present(void);
int	 journal_send(int, const char *, pid_t, const char *,
	    const struct log_fields *);

#endif /* NB_JOURNAL_H */
