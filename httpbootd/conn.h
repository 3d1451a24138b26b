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
 * The engine's connections, from the accepted socket to its close:
 * their state machine, timeouts and buffers.  engine.c accepts sockets
 * and hands each here with the events epoll reports for it.
 */

#ifndef HTTPBOOTD_CONN_H
#define HTTPBOOTD_CONN_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "daemon.h"

struct conn;
struct conns;
struct etag;

/*
 * The set of connections.  Of fd_budget descriptors, refuse_cap are
 * kept for refused connections, which linger after their 503.
 */
struct conns	*conns_new(const struct engine_env *, int, struct etag *,
		    uint32_t, uint32_t);
/*
 * An accepted socket from listener lidx: served, or refused with a 503
 * when refusal (a reason for the log) is set or the client has too
 * many connections already.
 */
void		 conn_accept(struct conns *, int,
		    const struct sockaddr_storage *, size_t, const char *);
/* What epoll reported for a connection's socket (its epoll data). */
void		 conn_event(struct conns *, struct conn *, uint32_t);
/* Ends the waits that have lasted their timeout by now. */
void		 conns_tick(struct conns *, uint64_t);
/*
 * One more turn for each connection that used its turn while it could
 * still send (those that use it up again wait for the next call).
 */
void		 conns_run_posted(struct conns *);
/* Whether conns_run_posted() has work. */
int		 conns_busy(const struct conns *);
uint32_t	 conns_served(const struct conns *);
uint32_t	 conns_refused(const struct conns *);
/*
 * Whether a served connection may take one more descriptor, for its
 * socket or a file: refused connections always keep their share.
 */
int		 conns_fd_room(const struct conns *);
/* Gives each response under way to report_active(). */
void		 conns_sessions(const struct conns *);

#endif /* HTTPBOOTD_CONN_H */
