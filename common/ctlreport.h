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
 * What an engine keeps for its parent's control socket: counters, the
 * last finished sessions, and a report of both with the sessions in
 * flight, sent when the parent asks (IPC_CTL_QUERY).  Nothing is sent
 * unasked, and counting is an addition to a slot the caller holds, so
 * that a daemon's busy paths pay nothing more.
 */

#ifndef NB_CTLREPORT_H
#define NB_CTLREPORT_H

#include <sys/socket.h>

#include <stdarg.h>
#include <stdint.h>

#include "addr.h"
#include "ctl.h"
#include "ipc.h"

/*
 * The slot of a counter, to add to; the same name, key and value give
 * the same slot.  key and value may be NULL for a counter without a
 * label.  A value that is not a good label is made one.
 */
uint64_t	*report_counter(const char *, const char *, const char *);
void		 report_count(const char *, const char *, const char *,
		    uint64_t);

/* Keeps the last n finished sessions; a change of n forgets them. */
void		 report_history(uint32_t);
void		 report_finish(const struct ctl_session *);

/* A session about a client at this address, with its times set to now. */
void		 report_session_init(struct ctl_session *, enum ctl_kind,
		    const struct sockaddr *);
void		 report_session_addr(struct ctl_session *, enum ctl_kind,
		    const struct nb_addr *, uint16_t);

/* A line about the session's client, with the journal's fields. */
void		 report_log(int, const struct ctl_session *, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
void		 report_vlog(int, const struct ctl_session *, const char *,
		    va_list)
		    __attribute__((__format__ (printf, 3, 0)));

/*
 * Sends the report: counters, the sessions in flight that the lister
 * gives one by one to report_active(), the finished ones, and the end.
 * The caller flushes.
 */
void		 report_send(struct ipc *, void (*)(void *), void *);
void		 report_active(const struct ctl_session *);

#endif /* NB_CTLREPORT_H */
