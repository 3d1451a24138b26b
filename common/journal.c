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
 * Each line becomes a journal entry with MESSAGE, PRIORITY,
 * SYSLOG_IDENTIFIER, SYSLOG_PID (the process the line is about: the
 * engine for its lines), DAEMON, and the fields of a line about a
 * client, so that journalctl CLIENT_MAC=... shows one machine's boot
 * across the daemons.  The second place that includes libsystemd,
 * beside ev.c: its negative errno stops here.
 */

#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "journal.h"
#include "log.h"

#define JOURNAL_SOCKET	"/run/systemd/journal/socket"
#define NFIELDS		12

static int	 field(struct iovec *, int *, char *, size_t, const char *,
		    const char *);

int
journal_present(void)
{
	return access(JOURNAL_SOCKET, W_OK) == 0;
}

/* "KEY=value" into buf, as one more iovec; nothing for a NULL value. */
static int
field(struct iovec *iov, int *n, char *buf, size_t len, const char *key,
    const char *value)
{
	int	 r;

	if (value == NULL)
		return 0;
	r = snprintf(buf, len, "%s=%s", key, value);
	if (r < 0 || (size_t)r >= len)
		return -1;
	iov[*n].iov_base = buf;
	iov[*n].iov_len = r;
	(*n)++;
	return 0;
}

/* 0, or -1 with errno when the journal cannot take the line. */
int
journal_send(int pri, const char *ident, pid_t pid, const char *msg,
    const struct log_fields *f)
{
	struct iovec	 iov[NFIELDS];
	char		 b[NFIELDS][1200], num[3][24];
	int		 n = 0, r, bad = 0;

	snprintf(num[0], sizeof(num[0]), "%d", LOG_PRI(pri));
	snprintf(num[1], sizeof(num[1]), "%d", (int)pid);
	bad |= field(iov, &n, b[n], sizeof(b[0]), "MESSAGE", msg);
	bad |= field(iov, &n, b[n], sizeof(b[0]), "PRIORITY", num[0]);
	bad |= field(iov, &n, b[n], sizeof(b[0]), "SYSLOG_FACILITY", "3");
	bad |= field(iov, &n, b[n], sizeof(b[0]), "SYSLOG_IDENTIFIER",
	    ident);
	bad |= field(iov, &n, b[n], sizeof(b[0]), "SYSLOG_PID", num[1]);
	bad |= field(iov, &n, b[n], sizeof(b[0]), "DAEMON", ident);
	if (f != NULL) {
		bad |= field(iov, &n, b[n], sizeof(b[0]), "CLIENT_MAC",
		    f->mac);
		bad |= field(iov, &n, b[n], sizeof(b[0]), "CLIENT_IP", f->ip);
		bad |= field(iov, &n, b[n], sizeof(b[0]), "CLIENT_ARCH",
		    f->arch);
		bad |= field(iov, &n, b[n], sizeof(b[0]), "FILE", f->file);
		if (f->has & LOG_F_BYTES) {
			snprintf(num[2], sizeof(num[2]), "%llu",
			    (unsigned long long)f->bytes);
			bad |= field(iov, &n, b[n], sizeof(b[0]), "BYTES",
			    num[2]);
		}
		if (f->has & LOG_F_MS) {
			snprintf(num[0], sizeof(num[0]), "%llu",
			    (unsigned long long)f->ms);
			bad |= field(iov, &n, b[n], sizeof(b[0]),
			    "DURATION_MS", num[0]);
		}
	}
	if (bad) {
		errno = EMSGSIZE;
		return -1;
	}
	if ((r = sd_journal_sendv(iov, n)) < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
