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
 * Rate limiting by key: a token bucket per key (a MAC address, the end
 * of a DHCPv6 client's DUID, an IP address) in a fixed-size,
 * set-associative table.  A full set gives up the entry used longest
 * ago, so memory stays fixed whatever a flood of new keys does, and a
 * key that keeps asking keeps its bucket.  Each kind of key has a table
 * of its own.
 */

#ifndef NB_RATELIMIT_H
#define NB_RATELIMIT_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#define RL_KEYLEN	16
#define RL_SETS		1024
#define RL_WAYS		4

struct ratelimit;

/* A table with a hash key of its own; fatal when out of memory. */
struct ratelimit *ratelimit_new(void);
/*
 * 1 when the key may have one more answer now (and takes it), 0 when it
 * is over rate answers a second.  now is in microseconds; rate 0 turns
 * the limit off.
 */
int	 ratelimit_take(struct ratelimit *, const uint8_t *, size_t, uint32_t,
	    uint64_t);
/* The same, keyed by the IPv4 or IPv6 address of a socket address. */
int	 ratelimit_take_addr(struct ratelimit *, const struct sockaddr *,
	    uint32_t, uint64_t);

/*
 * A log line that a flood could repeat: the first of a kind in a second
 * is logged, the others only counted, and the count is said in the next
 * one logged.  1 with *missed set when this one is to be logged.
 */
struct loglimit {
	uint64_t	 next;		/* us: when the next may be logged */
	unsigned long	 missed;
};

int	 loglimit_pass(struct loglimit *, uint64_t, unsigned long *);

#endif /* NB_RATELIMIT_H */
