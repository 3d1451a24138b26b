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
 * The control protocol: what a daemon's parent answers netbootctl(8) on
 * its control socket, and what the engine reports to its parent over
 * the socketpair so that the parent can.  Every record is a fixed-size
 * structure without pointers; a message carries one structure, or for
 * counters and sessions as many whole ones as fit.
 *
 * The socket speaks ipc.c's framing (one SOCK_SEQPACKET datagram a
 * message) with the types below, which are numbered apart from the
 * engine's: a client of another build says so by its version.
 * The client sends CTL_QUERY or CTL_RELOAD; an answer to a query is
 * CTL_STATUS, any CTL_COUNTERS and CTL_SESSIONS, then CTL_END, and an
 * answer to a reload or anything refused is one CTL_OK or CTL_ERROR.
 */

#ifndef NB_CTL_H
#define NB_CTL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct ipc_msg;

#define CTL_VERSION	1

#define CTL_NAMELEN	32		/* a counter's or label's name */
#define CTL_LABELLEN	64		/* a label's value */
#define CTL_FILELEN	256		/* a file, path or boot URL */
#define CTL_DETAILLEN	64
#define CTL_TEXTLEN	256
#define CTL_DAEMONLEN	16
#define CTL_DIGESTLEN	65		/* SHA-256 in hex, NUL */

#define CTL_MAXCOUNTERS	128		/* per daemon */
#define CTL_MAXACTIVE	1024		/* sessions in flight a report lists */
#define CTL_ARCH_NONE	0xffff
#define CTL_SIZE_NONE	UINT64_MAX	/* the total is not known */

enum ctl_type {
	CTL_NONE,
	CTL_QUERY,		/* C→D struct ctl_query */
	CTL_RELOAD,		/* C→D struct ctl_query, what = 0 */
	CTL_STATUS,		/* D→C struct ctl_status, opens an answer */
	CTL_COUNTERS,		/* D→C k × struct ctl_counter */
	CTL_SESSIONS,		/* D→C k × struct ctl_session */
	CTL_END,		/* D→C struct ctl_end, closes an answer */
	CTL_OK,			/* D→C struct ctl_text */
	CTL_ERROR,		/* D→C struct ctl_text */
	CTL_NTYPES
};

/* What a query asks for. */
#define CTL_Q_COUNTERS	0x1
#define CTL_Q_ACTIVE	0x2		/* sessions in flight */
#define CTL_Q_HISTORY	0x4		/* finished sessions kept */
#define CTL_Q_ALL	(CTL_Q_COUNTERS | CTL_Q_ACTIVE | CTL_Q_HISTORY)

struct ctl_query {
	uint32_t	 version;
	uint32_t	 what;
};

/* Times on the socket are microseconds since the Epoch. */
struct ctl_status {
	uint32_t	 version;
	uint32_t	 pid;			/* the parent's */
	uint32_t	 engine_pid;		/* 0: no engine */
	uint32_t	 reloads;
	uint32_t	 history;		/* finished sessions kept at most */
	uint32_t	 pad;
	uint64_t	 now;
	uint64_t	 started;
	uint64_t	 loaded;		/* the config in force */
	char		 daemon[CTL_DAEMONLEN];
	char		 version_str[CTL_DAEMONLEN];
	char		 conffile[NB_PATHLEN];
	char		 digest[CTL_DIGESTLEN];	/* of the file, "" unknown */
};

/* A counter, with one label or none (key ""). */
struct ctl_counter {
	char		 name[CTL_NAMELEN];	/* [a-z][a-z0-9_]* */
	char		 key[CTL_NAMELEN];	/* "" or [a-z][a-z0-9_]* */
	char		 value[CTL_LABELLEN];	/* printable, no " or \ */
	uint64_t	 n;
};

enum ctl_kind {
	CTL_K_NONE,
	CTL_K_TFTP,		/* a transfer */
	CTL_K_HTTP,		/* a request and its response */
	CTL_K_PROXY,		/* an answer of dhcpd-proxy */
	CTL_K_MAX = CTL_K_PROXY
};

enum ctl_state {
	CTL_S_ACTIVE,		/* in flight */
	CTL_S_DONE,		/* finished well */
	CTL_S_FAILED,		/* timed out, refused, broken off */
	CTL_S_MAX = CTL_S_FAILED
};

/*
 * One session: in flight or finished.  The engine gives its times on
 * the monotonic clock; the parent turns them into wall-clock time.
 */
struct ctl_session {
	uint8_t		 kind;			/* enum ctl_kind */
	uint8_t		 state;			/* enum ctl_state */
	uint8_t		 af;			/* AF_INET, AF_INET6, 0 */
	uint8_t		 hwlen;			/* 0: MAC not known */
	uint16_t	 port;			/* the client's, or 0 */
	uint16_t	 arch;			/* or CTL_ARCH_NONE */
	uint8_t		 addr[16];
	uint8_t		 hwaddr[16];
	uint64_t	 start;
	uint64_t	 last;			/* last progress */
	uint64_t	 end;			/* 0 while in flight */
	uint64_t	 bytes;
	uint64_t	 size;			/* or CTL_SIZE_NONE */
	uint32_t	 retransmits;
	uint32_t	 status;		/* HTTP status, TFTP code */
	char		 file[CTL_FILELEN];
	char		 detail[CTL_DETAILLEN];	/* why, or the answer */
};

struct ctl_end {
	uint32_t	 nactive;		/* in flight, listed or not */
	uint32_t	 pad;
	uint64_t	 now;			/* engine: its clock at the end */
};

struct ctl_text {
	char		 msg[CTL_TEXTLEN];
};

/* ctl.c: checks of what crosses a process boundary. */
const char	*ctl_check_counter(const struct ctl_counter *);
const char	*ctl_check_session(const struct ctl_session *);
const char	*ctl_check_status(const struct ctl_status *);
int		 ctl_records(size_t, size_t, size_t *);
const char	*ctl_take_counters(const uint8_t *, size_t,
		    struct ctl_counter *, size_t *);
const char	*ctl_take_sessions(const uint8_t *, size_t,
		    struct ctl_session *, size_t *);
int		 ctl_query_check(const struct ipc_msg *, uid_t,
		    struct ctl_query *, const char **);
int		 ctl_name_ok(const char *, size_t);
int		 ctl_label_ok(const char *, size_t);
int		 ctl_text_ok(const char *, size_t);
const char	*ctl_kind_name(unsigned int);
const char	*ctl_state_name(unsigned int);
const char	*ctl_socket_path(const char *, const char *, char *, size_t);

#endif /* NB_CTL_H */
