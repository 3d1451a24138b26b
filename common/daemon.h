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
 * What the shared parent and engine code needs to know of a daemon.  Each
 * daemon's main() fills a struct daemon_def and calls daemon_main(); the
 * parent (common/parent.c) and the engine's start (common/engine.c) are
 * the same for all three.
 */

#ifndef NB_DAEMON_H
#define NB_DAEMON_H

#include "conf.h"
#include "ipc.h"

struct sc_rule;

#define ENGINE_IPC_FD	3		/* the socketpair, in the engine */

struct listener {
	int			 fd;
	struct ipc_listener	 info;
};

struct engine_env {
	const struct daemon_def	*def;
	struct netboot_conf	*conf;
	const struct daemon_conf *dc;		/* conf->daemon[def->kind] */
	int			 rootfd;	/* for fsroot_open() */
	struct listener		*listeners;
	size_t			 nlisteners;
	struct ipc		*ipc;		/* to the parent */
	void			*engine;	/* the daemon's own state */
};

struct daemon_def {
	const char	*name;
	enum nb_daemon	 kind;
	uint16_t	 port;			/* default port */
	int		 socktype;		/* SOCK_DGRAM, SOCK_STREAM */
	int		 chroot_empty;		/* chroot dir, not root */
	int		 broadcast;		/* IPv4 datagrams may broadcast */

	/* Parent: binds the sockets; NULL for listen_open(). */
	int		(*open_listeners)(const struct daemon_def *,
			    const struct daemon_conf *, struct listener **,
			    size_t *);
	/* Engine: starts serving once confined. */
	void		(*engine_start)(struct engine_env *);
	/* Engine: swaps in a new config; the old one is freed after. */
	void		(*engine_reload)(struct engine_env *,
			    struct netboot_conf *);
	/* Engine: the calls it makes beyond the shared list (sysfilter.h). */
	const struct sc_rule *syscalls;
	/* Engine: gives each session in flight to report_active(). */
	void		(*engine_sessions)(struct engine_env *);
};

int	 daemon_main(int, char **, const struct daemon_def *);

/* parent.c */
int	 parent_main(const struct daemon_def *, const char *, int, int);

/* engine.c */
__attribute__((__noreturn__))
void	 engine_main(const struct daemon_def *, int, int);

/* listen.c */
int	 listen_open(const struct daemon_def *, const struct daemon_conf *,
	    struct listener **, size_t *);
int	 listen_activated(const struct daemon_def *, struct listener **,
	    size_t *);
int	 listen_socket(const struct daemon_def *, int, const char *,
	    const struct sockaddr_storage *, socklen_t, struct listener *);
void	 listeners_free(struct listener *, size_t);

#endif /* NB_DAEMON_H */
