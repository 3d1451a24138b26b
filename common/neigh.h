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
 * The kernel's neighbour table, for the parent: the MAC of a client on
 * one of our links, by its address.  tftpd and httpbootd see addresses
 * only; this is how their lines and sessions learn the MAC that
 * dhcpd-proxy saw.  A routed client is not in the table, so a relay's
 * MAC is never taken for a client's.  The table is read whole (one
 * netlink dump) at most once a NEIGH_MAXAGE, when a lookup misses.
 */

#ifndef NB_NEIGH_H
#define NB_NEIGH_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define NEIGH_MAXAGE	(1000000ULL)	/* usec */

struct neigh {
	struct nb_addr	 addr;
	uint8_t		 hwaddr[16];
	uint8_t		 hwlen;
};

/* 1 with the MAC filled, 0 when the address is not a neighbour. */
int	 neigh_lookup(const struct nb_addr *, uint8_t *, uint8_t *);

/*
 * One netlink reply of a neighbour dump: each usable entry is given to
 * fn.  Returns 1 at the end of the dump (NLMSG_DONE), 0 for more, -1 on
 * a malformed or failed reply.  Pure, for the unit test.
 */
int	 neigh_parse(const uint8_t *, size_t,
	    void (*)(const struct neigh *, void *), void *);

#endif /* NB_NEIGH_H */
