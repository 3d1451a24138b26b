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
 * The boot policy's view of a DHCP client (facts.c): what its request
 * says about it, and where it is.
 */

#ifndef NB_FACTS_H
#define NB_FACTS_H

#include <netinet/in.h>

#include "dhcp.h"
#include "dhcp6.h"
#include "policy.h"

void	 dhcp_subnet_addr(const struct dhcp_msg *, struct in_addr,
	    struct nb_addr *);
void	 dhcp_client_facts(const struct dhcp_msg *, struct in_addr,
	    struct client_facts *);
void	 dhcp6_subnet_addr(const struct dhcp6_msg *, const struct in6_addr *,
	    struct nb_addr *);
void	 dhcp6_client_facts(const struct dhcp6_msg *, const struct in6_addr *,
	    const struct in6_addr *, struct client_facts *);

#endif /* NB_FACTS_H */
