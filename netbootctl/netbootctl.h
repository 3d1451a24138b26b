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

#ifndef NETBOOTCTL_H
#define NETBOOTCTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctl.h"

#define NDAEMONS	3

/* One daemon's answer to a query, or why there is none. */
struct reply {
	const char		*daemon;
	int			 up;		/* it answered */
	int			 down;		/* nothing listens */
	char			 why[CTL_TEXTLEN + 64];	/* when it did not */
	struct ctl_status	 st;
	struct ctl_counter	*counters;
	size_t			 ncounters;
	struct ctl_session	*sessions;
	size_t			 nsessions;
	struct ctl_end		 end;
};

/* The sessions of one machine, across the daemons. */
#define CLIENT_MAXADDR	4

enum client_state {
	CS_ANSWERED,		/* the proxy answered, no file yet */
	CS_BOOTING,		/* a file is on its way */
	CS_STALLED,		/* a file is on its way, but not moving */
	CS_DONE,		/* every file it asked for came */
	CS_FAILED		/* its last file did not come */
};

struct jsession {
	const struct ctl_session *s;
	const char		*daemon;
};

struct client {
	uint8_t			 hwaddr[16];
	uint8_t			 hwlen;		/* 0: known by address */
	uint8_t			 af[CLIENT_MAXADDR];
	uint8_t			 addr[CLIENT_MAXADDR][16];
	size_t			 naddr;
	uint16_t		 arch;
	enum client_state	 state;
	uint64_t		 first;
	uint64_t		 last;
	struct jsession		*sessions;	/* by start time */
	size_t			 nsessions;
};

#define STALL_USEC	(10 * 1000000ULL)	/* no progress: stalled */

extern const char *const daemon_names[NDAEMONS];

/* ask.c */
int		 ask_query(const char *, const char *, uint32_t,
		    struct reply *);
int		 ask_reload(const char *, const char *, char *, size_t);
void		 reply_free(struct reply *);

/* join.c */
int		 join_clients(const struct reply *, size_t, uint64_t,
		    struct client **, size_t *);
void		 clients_free(struct client *, size_t);
const char	*client_state_name(enum client_state);
const char	*session_addr(const struct ctl_session *, char *, size_t);
const char	*session_mac(const struct ctl_session *, char *, size_t);

/* show.c: text for people */
void		 show_status(FILE *, const struct reply *, size_t);
void		 show_clients(FILE *, const struct client *, size_t);
void		 show_transfers(FILE *, const struct reply *, size_t, int);
void		 show_down(FILE *, const struct reply *, size_t);

/* json.c */
void		 json_status(FILE *, const struct reply *, size_t);
void		 json_clients(FILE *, const struct client *, size_t,
		    const struct reply *, size_t);
void		 json_transfers(FILE *, const struct reply *, size_t);
void		 json_watch(FILE *, const struct reply *, size_t,
		    const struct client *, size_t, uint64_t);
void		 json_metrics(FILE *, const struct reply *, size_t);
void		 json_result(FILE *, const char *, int, const char *);

/* metrics.c: the Prometheus text format */
void		 metrics_print(FILE *, const struct reply *, size_t);

#endif /* NETBOOTCTL_H */
