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

#ifndef NB_ADDR_H
#define NB_ADDR_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <stdint.h>

/* An IPv4 or IPv6 address without a port; AF_UNSPEC when not set. */
struct nb_addr {
	sa_family_t	 af;
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} u;
};

struct nb_prefix {
	struct nb_addr	 addr;
	uint8_t		 plen;
};

#define NB_ADDRSTRLEN	INET6_ADDRSTRLEN
#define NB_MACSTRLEN	(16 * 3)

int		 addr_parse(const char *, struct nb_addr *);
int		 prefix_parse(const char *, struct nb_prefix *);
int		 prefix_match(const struct nb_prefix *, const struct nb_addr *);
int		 addr_eq(const struct nb_addr *, const struct nb_addr *);
int		 addr_is_any(const struct nb_addr *);
int		 addr4_is_unicast(struct in_addr);
const char	*addr_ntop(const struct nb_addr *, char *, size_t);
void		 addr_from_sa(const struct sockaddr *, struct nb_addr *);
socklen_t	 addr_to_sa(const struct nb_addr *, uint16_t,
		    struct sockaddr_storage *);
uint16_t	 sa_port(const struct sockaddr *);
const char	*sa_ntop(const struct sockaddr *, char *, size_t);
int		 hwaddr_parse(const char *, uint8_t *, size_t, uint8_t *);
const char	*hwaddr_ntop(const uint8_t *, size_t, char *, size_t);

#endif /* NB_ADDR_H */
