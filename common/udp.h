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

#ifndef NB_UDP_H
#define NB_UDP_H

#include <sys/socket.h>
#include <sys/types.h>

#include <stdint.h>

#include "addr.h"

/* Where a datagram came from, and where to: the address and interface. */
struct udp_meta {
	struct sockaddr_storage	 peer;
	socklen_t		 peerlen;
	struct nb_addr		 local;		/* AF_UNSPEC: unknown */
	int			 ifindex;	/* 0: unknown */
};

/*
 * One datagram, with its local address and interface from IP_PKTINFO or
 * IPV6_PKTINFO.  Returns its length, or -1 with errno (EAGAIN when there
 * is none, EMSGSIZE when it did not fit and was dropped).
 */
ssize_t	 udp_recv(int, void *, size_t, struct udp_meta *);

typedef void	(*udp_datagram_cb)(void *, const uint8_t *, size_t,
		    const struct udp_meta *);

/*
 * Hands the datagrams waiting on a socket to cb one by one, read into
 * buf, at most burst of them so that one busy socket does not starve
 * the rest of the event loop (it is level-triggered: the rest comes on
 * the next turn).
 */
void	 udp_drain(int, uint8_t *, size_t, int, udp_datagram_cb, void *);

/*
 * Sends from the given local address and interface (either may be unset),
 * so that a reply leaves from the address its request came to.
 */
ssize_t	 udp_send(int, const void *, size_t, const struct sockaddr *,
	    socklen_t, const struct nb_addr *, int);

#endif /* NB_UDP_H */
