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
 * The engine's view of the host's interfaces: index, name, hardware
 * address and IP addresses, read with getifaddrs(3).  That goes over a
 * netlink socket, which an unprivileged process may open inside an
 * empty chroot, so the engine reads them itself rather than asking the
 * parent.
 */

#ifndef PROXY_IFACE_H
#define PROXY_IFACE_H

#include <sys/types.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "conf.h"

#define IFACE_MAX	64		/* interfaces kept */
#define IFACE_MAXADDR	8		/* addresses per family kept */

struct iface {
	unsigned int	 index;
	char		 name[IF_NAMESIZE];
	uint8_t		 hwaddr[NB_HWADDRLEN];
	uint8_t		 hwlen;
	struct in_addr	 addr4[IFACE_MAXADDR];
	struct in_addr	 mask4[IFACE_MAXADDR];
	size_t		 naddr4;
	struct in6_addr	 addr6[IFACE_MAXADDR];
	size_t		 naddr6;
};

/* Reads the table again; -1 (and the old table kept) on failure. */
int			 iface_refresh(void);
/*
 * The interface of this index.  An unknown index, or a table older than
 * IFACE_STALE_MS, makes it read the table again, at most once a second.
 */
const struct iface	*iface_get(unsigned int);
/* One of our addresses: the interface that has it, or NULL. */
const struct iface	*iface_owner4(struct in_addr);
const struct iface	*iface_owner6(const struct in6_addr *);
/* Whether a is the broadcast address of a subnet of ours. */
int			 iface_is_bcast4(struct in_addr);
/*
 * Our IPv4 address on ifp facing hint (its subnet contains hint), else
 * its first; INADDR_ANY when it has none.
 */
struct in_addr		 iface_addr4(const struct iface *, struct in_addr);
/* Its first global IPv6 address, or NULL. */
const struct in6_addr	*iface_addr6(const struct iface *);
/*
 * A MAC address for our DUID: the same whichever interface a request
 * came in on, so that a client's Request names the server it saw, and
 * not the address of any interface (see iface.c).
 */
const uint8_t		*iface_duid_mac(size_t *);

#endif /* PROXY_IFACE_H */
