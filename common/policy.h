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
 * The boot policy: which client gets which boot file, server and menu.
 * A pure function of the compiled configuration and the client's facts,
 * shared by the three daemons so that they answer a client alike.
 */

#ifndef NB_POLICY_H
#define NB_POLICY_H

#include "conf.h"

struct client_facts {
	uint8_t		 hwaddr[NB_HWADDRLEN];
	uint8_t		 hwlen;			/* 0: unknown */
	int		 arch;			/* -1: unknown */
	char		 vendor_class[NB_CLASSLEN];
	char		 user_class[NB_CLASSLEN];
	uint8_t		 uuid[16];
	int		 has_uuid;
	/*
	 * The address that places the client in a subnet: the relay's
	 * giaddr (or link selection) for a relayed packet, the client's own
	 * address for a unicast request, the receiving interface's address
	 * for a local broadcast.
	 */
	struct nb_addr	 subnet_addr;
	char		 ifname[IF_NAMESIZE];	/* receiving interface */
	sa_family_t	 af;
};

void	 client_facts_init(struct client_facts *);
int	 rule_matches(const struct rule *, const struct client_facts *);
void	 policy_decide(const struct netboot_conf *,
	    const struct boot_settings *, const struct client_facts *,
	    struct boot_settings *);
const struct menu *policy_menu(const struct netboot_conf *,
	    const struct boot_settings *, const struct menu_entry **);

#endif /* NB_POLICY_H */
