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
 * The parent's control socket: netbootctl(8) asks, the parent answers
 * from what its engine reports over the socketpair.  A client is hostile
 * like the network: every query is checked, a bad one is answered with
 * CTL_ERROR, logged, and the connection closed; a client gets a bounded
 * answer and a bounded time to take it, so that none can hold up the
 * daemon.
 */

#ifndef NB_CTLSOCK_H
#define NB_CTLSOCK_H

#include <sys/types.h>

#include "conf.h"
#include "ipc.h"

/* What the control socket needs of the parent. */
struct ctl_ops {
	void		(*ask)(void *);		/* send IPC_CTL_QUERY, flush */
	int		(*reload)(void *);	/* 0: sent, 1: done, -1 */
	pid_t		(*engine_pid)(void *);
	void		*arg;
};

/* Before daemon(3) and the event loop: binds, or says why not. */
void	 ctl_open(const char *, enum nb_daemon, const struct netboot_conf *,
	    const char *);
void	 ctl_start(const struct ctl_ops *);
/* A config is in force: its digest and time, the socket's group. */
void	 ctl_loaded(const struct netboot_conf *, const char *, int);
/* IPC_CTL_* from the engine: NULL, or what is wrong with it. */
const char *ctl_engine_msg(const struct ipc_msg *);
void	 ctl_reload_done(int);
void	 ctl_engine_gone(void);
void	 ctl_close(void);

#endif /* NB_CTLSOCK_H */
