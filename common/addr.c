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

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

static const uint8_t	*addr_bytes(const struct nb_addr *);
static int		 bits_match(const uint8_t *, const uint8_t *,
			    unsigned int);

int
addr_parse(const char *s, struct nb_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->af = AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -1;
}

/* "10.1.0.0/16", "2001:db8::/32"; the host bits must be clear. */
int
prefix_parse(const char *s, struct nb_prefix *p)
{
	char		 buf[NB_ADDRSTRLEN + 5], *slash;
	const char	*errstr;
	const uint8_t	*b;
	long long	 plen;
	size_t		 i, n;

	memset(p, 0, sizeof(*p));
	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf))
		return -1;
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash++ = '\0';
	if (addr_parse(buf, &p->addr) == -1)
		return -1;
	plen = strtonum(slash, 0, p->addr.af == AF_INET ? 32 : 128, &errstr);
	if (errstr != NULL)
		return -1;
	p->plen = plen;

	/* A prefix with host bits set is a typo, not a network. */
	b = addr_bytes(&p->addr);
	n = p->addr.af == AF_INET ? 32 : 128;
	for (i = plen; i < n; i++)
		if (b[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return 0;
}

static const uint8_t *
addr_bytes(const struct nb_addr *a)
{
	if (a->af == AF_INET)
		return (const uint8_t *)&a->u.v4;
	return a->u.v6.s6_addr;
}

static int
bits_match(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int	 bytes = plen / 8, bits = plen % 8;
	uint8_t		 mask;

	if (memcmp(a, b, bytes) != 0)
		return 0;
	if (bits == 0)
		return 1;
	mask = 0xff << (8 - bits);
	return (a[bytes] & mask) == (b[bytes] & mask);
}

int
prefix_match(const struct nb_prefix *p, const struct nb_addr *a)
{
	if (p->addr.af != a->af || a->af == AF_UNSPEC)
		return 0;
	return bits_match(addr_bytes(&p->addr), addr_bytes(a), p->plen);
}

int
addr_eq(const struct nb_addr *a, const struct nb_addr *b)
{
	if (a->af != b->af)
		return 0;
	if (a->af == AF_UNSPEC)
		return 1;
	return memcmp(addr_bytes(a), addr_bytes(b),
	    a->af == AF_INET ? 4 : 16) == 0;
}

int
addr_is_any(const struct nb_addr *a)
{
	if (a->af == AF_INET)
		return a->u.v4.s_addr == INADDR_ANY;
	if (a->af == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&a->u.v6);
	return 1;
}

const char *
addr_ntop(const struct nb_addr *a, char *buf, size_t len)
{
	if (a->af == AF_UNSPEC ||
	    inet_ntop(a->af, addr_bytes(a), buf, len) == NULL)
		strlcpy(buf, "-", len);
	return buf;
}

/* An IPv4-mapped IPv6 address is taken as the IPv4 address it maps. */
void
addr_from_sa(const struct sockaddr *sa, struct nb_addr *a)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;

	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		a->af = AF_INET;
		a->u.v4 = sin->sin_addr;
	} else if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		a->af = AF_INET;
		memcpy(&a->u.v4, &sin6->sin6_addr.s6_addr[12], 4);
	} else if (sa->sa_family == AF_INET6) {
		a->af = AF_INET6;
		a->u.v6 = sin6->sin6_addr;
	}
}

socklen_t
addr_to_sa(const struct nb_addr *a, uint16_t port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a->u.v6;
		return sizeof(*sin6);
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (a->af == AF_INET)
		sin->sin_addr = a->u.v4;
	return sizeof(*sin);
}

uint16_t
sa_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

/* "192.0.2.1:69" or "[2001:db8::1]:69" */
const char *
sa_ntop(const struct sockaddr *sa, char *buf, size_t len)
{
	struct nb_addr	 a;
	char		 host[NB_ADDRSTRLEN];

	addr_from_sa(sa, &a);
	addr_ntop(&a, host, sizeof(host));
	if (a.af == AF_INET6)
		snprintf(buf, len, "[%s]:%u", host, sa_port(sa));
	else
		snprintf(buf, len, "%s:%u", host, sa_port(sa));
	return buf;
}

/* "52:54:00:12:34:56" (also '-' as separator); 1 to max bytes. */
int
hwaddr_parse(const char *s, uint8_t *hw, size_t max, uint8_t *lenp)
{
	size_t		 n = 0;
	unsigned int	 hi, lo;

	for (;;) {
		if (n == max)
			return -1;
		if (sscanf(s, "%1x%1x", &hi, &lo) != 2)
			return -1;
		hw[n++] = hi << 4 | lo;
		s += 2;
		if (*s == '\0')
			break;
		if (*s != ':' && *s != '-')
			return -1;
		s++;
	}
	*lenp = n;
	return 0;
}

const char *
hwaddr_ntop(const uint8_t *hw, size_t len, char *buf, size_t size)
{
	size_t	 i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < len && off + 3 <= size; i++)
		off += snprintf(buf + off, size - off, i ? ":%02x" : "%02x",
		    hw[i]);
	return buf;
}

/*
 * An address a datagram may be sent to as to one host: not this host's
 * 0/8 or loopback, not multicast, not the reserved 240/4 and broadcast.
 * A subnet's own broadcast address takes knowing the subnet.
 */
int
addr4_is_unicast(struct in_addr a)
{
	uint32_t	 h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) < 14;
}
