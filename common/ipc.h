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
 * Messages between a parent and its engine over a SOCK_SEQPACKET
 * socketpair: one datagram a message, a fixed header, at most one
 * descriptor.  Every message type and its payload is listed here.
 */

#ifndef NB_IPC_H
#define NB_IPC_H

#include <sys/queue.h>
#include <sys/types.h>

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define IPC_MAXDATA	16384

enum ipc_type {
	IPC_NONE,
	IPC_PRIVSEP,		/* P→E struct ipc_privsep, once, first */
	IPC_LISTENER,		/* P→E struct ipc_listener + descriptor */
	IPC_RECONF_DAEMON,	/* P→E struct daemon_conf, starts a config */
	IPC_RECONF_MENU,	/* P→E struct menu */
	IPC_RECONF_ENTRY,	/* P→E struct menu_entry */
	IPC_RECONF_RULE,	/* P→E struct rule */
	IPC_RECONF_END,		/* P→E empty: the config is complete */
	IPC_ENGINE_READY,	/* E→P empty: serving with the last config */
	IPC_ENGINE_SYSCALL,	/* E→P struct ipc_syscall: dies by seccomp */
	IPC_CTL_QUERY,		/* P→E empty: report counters and sessions */
	IPC_CTL_COUNTERS,	/* E→P k × struct ctl_counter */
	IPC_CTL_SESSIONS,	/* E→P k × struct ctl_session */
	IPC_CTL_END,		/* E→P struct ctl_end: the report is whole */
	IPC_LOG,		/* E→P log records, see log.c */
	IPC_NTYPES
};

struct ipc_privsep {
	char		 root[NB_PATHLEN];	/* chroot or beneath-root */
	uid_t		 uid;
	gid_t		 gid;
	int		 chroot;		/* 0: not started as root */
};

struct ipc_listener {
	struct sockaddr_storage ss;
	char		 ifname[IF_NAMESIZE];
	int		 socktype;		/* SOCK_DGRAM, SOCK_STREAM */
	int		 port_role;		/* daemon-defined, e.g. 67/4011 */
};

struct ipc_hdr {
	uint32_t	 type;
	uint32_t	 len;			/* of the payload */
};

struct ipc_out {
	STAILQ_ENTRY(ipc_out) entry;
	int		 fd;
	size_t		 len;
	uint8_t		 buf[];		/* header, then payload */
};

struct ipc {
	int		 fd;			/* non-blocking */
	STAILQ_HEAD(, ipc_out) queue;
	size_t		 queued;		/* messages in queue */
	uint32_t	 ntypes;		/* types are 1 .. ntypes - 1 */
};

struct ipc_msg {
	uint32_t	 type;
	size_t		 len;
	int		 fd;			/* -1 without one */
	uint8_t		 data[IPC_MAXDATA];
};

/*
 * ipc_compose() takes the descriptor (or -1) even when it fails; the queue
 * closes it once sent.  ipc_flush() returns 0 when the socket is full too:
 * ipc_pending() then says to wait for EV_WRITE.  ipc_recv() returns 1, 0
 * when the peer closed, or -1 with EAGAIN or EBADMSG; a bad message's
 * descriptor is closed.  ipc_get() wants the payload to be exactly size.
 * A channel takes the types of this file unless ipc_set_ntypes() gives
 * it a numbering of its own, as the control socket's (ctl.h).
 */
void	 ipc_init(struct ipc *, int);
void	 ipc_set_ntypes(struct ipc *, uint32_t);
int	 ipc_compose(struct ipc *, uint32_t, int, const void *, size_t);
int	 ipc_flush(struct ipc *);
int	 ipc_pending(const struct ipc *);
int	 ipc_recv(struct ipc *, struct ipc_msg *);
int	 ipc_get(const struct ipc_msg *, void *, size_t);
void	 ipc_clear(struct ipc *);

#endif /* NB_IPC_H */
