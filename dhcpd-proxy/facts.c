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
 * What a DHCPv4 or DHCPv6 request says about its client, in the terms
 * of the boot policy (client_facts).  dhcp.c and dhcp6.c parse and build
 * packets without knowing the configuration; this is where the two meet.
 */

#include <sys/types.h>
#include <netinet/in.h>

#include <string.h>

#include "facts.h"

static uint16_t	 get16(const uint8_t *);
static void	 class_copy(char *, size_t, const uint8_t *, size_t);
static void	 guid_to_uuid(const uint8_t *, uint8_t *);
static int	 duid_hwaddr(const uint8_t *, size_t, uint8_t *, uint8_t *);
static int	 eui64_hwaddr(const struct in6_addr *, uint8_t *, uint8_t *);
static void	 client_hwaddr(const struct dhcp6_msg *,
		    const struct in6_addr *, struct client_facts *);

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Strings end at the first NUL: some firmware terminates its classes. */
static void
class_copy(char *dst, size_t size, const uint8_t *src, size_t len)
{
	size_t	 n;

	n = strnlen((const char *)src, len);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The address that places the client in a subnet: option 118 (the
 * client's or a proxy's explicit choice), then the relay's link
 * selection 82.5, then giaddr, then what the caller knows: the receiving
 * interface's address for a local broadcast, the source address for a
 * unicast 4011 request.
 */
void
dhcp_subnet_addr(const struct dhcp_msg *m, struct in_addr local,
    struct nb_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->af = AF_INET;
	if (dhcp_has_option(m, DHO_SUBNET_SELECT))
		a->u.v4 = m->subnet_select;
	else if (m->has_link_select)
		a->u.v4 = m->link_select;
	else if (m->giaddr.s_addr != INADDR_ANY)
		a->u.v4 = m->giaddr;
	else
		a->u.v4 = local;
}

/* Fills every field but ifname, which only the engine knows. */
void
dhcp_client_facts(const struct dhcp_msg *m, struct in_addr local,
    struct client_facts *f)
{
	memset(f->hwaddr, 0, sizeof(f->hwaddr));
	memcpy(f->hwaddr, m->chaddr, m->hlen);
	f->hwlen = m->hlen;
	f->arch = m->narch > 0 ? m->arch[0] : -1;
	class_copy(f->vendor_class, sizeof(f->vendor_class),
	    m->vendor_class.data, m->vendor_class.len);
	class_copy(f->user_class, sizeof(f->user_class),
	    m->user_class.data, m->user_class.len);
	f->has_uuid = dhcp_has_option(m, DHO_CLIENT_UUID);
	guid_to_uuid(m->uuid, f->uuid);
	dhcp_subnet_addr(m, local, &f->subnet_addr);
	f->af = AF_INET;
}

/*
 * PXE clients send the SMBIOS GUID with its first three fields little
 * endian; operators write it as dmidecode and qemu -uuid print it, which
 * is RFC 4122 order.  The policy compares the latter.
 */
static void
guid_to_uuid(const uint8_t *g, uint8_t *u)
{
	static const uint8_t	 order[16] = {
		3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15
	};
	size_t			 i;

	for (i = 0; i < 16; i++)
		u[i] = g[order[i]];
}

/*
 * The link-address of the relay next to the client places it; without
 * a relay, or when that relay has no address on the client's link, the
 * caller's address does: the receiving interface's for a multicast, the
 * source for a unicast to 4011.
 */
void
dhcp6_subnet_addr(const struct dhcp6_msg *m, const struct in6_addr *local,
    struct nb_addr *a)
{
	const struct dhcp6_relay	*r;

	memset(a, 0, sizeof(*a));
	a->af = AF_INET6;
	a->u.v6 = *local;
	if (m->nrelay == 0)
		return;
	r = &m->relay[m->nrelay - 1];
	if (!IN6_IS_ADDR_UNSPECIFIED(&r->link))
		a->u.v6 = r->link;
}

/* DUID-LLT or DUID-LL of an Ethernet card hold its MAC. */
static int
duid_hwaddr(const uint8_t *duid, size_t len, uint8_t *hw, uint8_t *hwlen)
{
	size_t	 off;

	if (len < 4 || get16(duid + 2) != HWTYPE_ETHER)
		return 0;
	if (get16(duid) == DUID_LLT)
		off = 8;
	else if (get16(duid) == DUID_LL)
		off = 4;
	else
		return 0;
	if (len != off + 6)
		return 0;
	memcpy(hw, duid + off, 6);
	*hwlen = 6;
	return 1;
}

/* A link-local address made from a MAC (RFC 4291 appendix A). */
static int
eui64_hwaddr(const struct in6_addr *a, uint8_t *hw, uint8_t *hwlen)
{
	const uint8_t	*b = a->s6_addr;

	if (!IN6_IS_ADDR_LINKLOCAL(a) || b[11] != 0xff || b[12] != 0xfe)
		return 0;
	hw[0] = b[8] ^ 0x02;
	hw[1] = b[9];
	hw[2] = b[10];
	hw[3] = b[13];
	hw[4] = b[14];
	hw[5] = b[15];
	*hwlen = 6;
	return 1;
}

/*
 * The client's MAC, best source first: the first relay's link-layer
 * option, the client's DUID, its link-local address.  EDK2 identifies
 * itself by DUID-UUID, so without a relay the address is often all
 * there is.
 */
static void
client_hwaddr(const struct dhcp6_msg *m, const struct in6_addr *src,
    struct client_facts *f)
{
	const struct dhcp6_relay	*r = NULL;

	memset(f->hwaddr, 0, sizeof(f->hwaddr));
	f->hwlen = 0;
	if (m->nrelay > 0) {
		r = &m->relay[m->nrelay - 1];
		src = &r->peer;
	}
	if (r != NULL && r->lladdr_len != 0 && r->lltype == HWTYPE_ETHER) {
		memcpy(f->hwaddr, r->lladdr, r->lladdr_len);
		f->hwlen = r->lladdr_len;
	} else if (!duid_hwaddr(m->clientid, m->clientid_len, f->hwaddr,
	    &f->hwlen))
		eui64_hwaddr(src, f->hwaddr, &f->hwlen);
}

/*
 * Fills every field but ifname.  src is the packet's source address,
 * local as for dhcp6_subnet_addr().
 */
void
dhcp6_client_facts(const struct dhcp6_msg *m, const struct in6_addr *src,
    const struct in6_addr *local, struct client_facts *f)
{
	client_hwaddr(m, src, f);
	f->arch = m->narch > 0 ? m->arch[0] : -1;
	class_copy(f->vendor_class, sizeof(f->vendor_class),
	    m->vendor_class, m->vendor_class_len);
	class_copy(f->user_class, sizeof(f->user_class), m->user_class,
	    m->user_class_len);
	f->has_uuid = m->clientid_len == 18 &&
	    get16(m->clientid) == DUID_UUID;
	memset(f->uuid, 0, sizeof(f->uuid));
	if (f->has_uuid)
		memcpy(f->uuid, m->clientid + 2, 16);
	dhcp6_subnet_addr(m, local, &f->subnet_addr);
	f->af = AF_INET6;
}
