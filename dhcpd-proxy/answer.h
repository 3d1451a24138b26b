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
 * What dhcpd-proxy answers to one datagram: the policy's decision for
 * the client turned into a reply, with where to send it, from which
 * address and after what delay.  No sockets here: the engine reads and
 * sends, and holds an answer until its delay is over.
 */

#ifndef PROXY_ANSWER_H
#define PROXY_ANSWER_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "ctl.h"
#include "dhcp.h"
#include "facts.h"
#include "policy.h"
#include "ratelimit.h"
#include "udp.h"

#define ANSWER_LOGLEN	1024
#define ANSWER_URLLEN	(NB_URLLEN + NB_PATHLEN + 2)

struct answer {
	uint8_t			 buf[DHCP_MAX_REPLY];
	size_t			 len;
	struct sockaddr_storage	 to;
	socklen_t		 tolen;
	struct nb_addr		 from;		/* AF_UNSPEC: any */
	int			 ifindex;
	uint32_t		 delay_ms;	/* before sending */
	uint32_t		 again_ms;	/* then once more, or 0 */
	char			 log[ANSWER_LOGLEN];	/* for log_info */
	struct ctl_session	 rec;		/* for netbootctl */
};

/* What the engine knows of the datagram. */
struct answer_in {
	const struct netboot_conf	*conf;
	const struct daemon_conf	*dc;
	const uint8_t			*buf;
	size_t				 len;
	const struct udp_meta		*meta;
	uint16_t			 port;		/* 67, 547 or 4011 */
	uint64_t			 now;		/* us, rate limit */
	struct ratelimit		*bymac;		/* per client */
	struct ratelimit		*byaddr;	/* per address sent to */
};

/*
 * 0 with the answer, -1 when the datagram gets none.  What is not for a
 * proxy is logged at debug level with a decode of the datagram; what is
 * refused as abuse (a relay or address nobody may be sent to, a relay
 * outside the list, hops, the per-address limit) at info level, a line
 * a second for each reason.
 */
int	 answer_dhcp4(const struct answer_in *, struct answer *);
int	 answer_dhcp6(const struct answer_in *, struct answer *);

/* answer.c: what both families share. */
const char *answer_http_url(char *, size_t, const struct boot_settings *);
const char *answer_arch(int, char *, size_t);
void	 answer_vis(char *, size_t, const void *, size_t);
void	 answer_session(struct ctl_session *, const struct answer_in *,
	    const uint8_t *, size_t, int, int, const void *, const char *,
	    const char *, const char *);
void	 answer_refused(uint64_t, const char *, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));

#endif /* PROXY_ANSWER_H */
