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
 * One machine's boot across the three daemons.  dhcpd-proxy knows a
 * client by its MAC and, once the client has one, by its address; tftpd
 * and httpbootd know addresses, and the MAC of a client on their own
 * link from the kernel's neighbour table.  A session from an address
 * the proxy saw with a MAC joins that MAC; else the MAC its daemon
 * knew; else it stands for a client of its own address.  Pure: replies
 * in, clients out.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ctl.h"
#include "netbootctl.h"

/* Whom a session belongs to. */
struct key {
	uint8_t		 hwlen;		/* 0: by address */
	uint8_t		 af;
	uint8_t		 id[16];	/* the MAC, or the address */
};

struct item {
	struct key		 key;
	struct jsession		 js;
};

/* An address the proxy saw with a MAC. */
struct seen {
	uint8_t		 af;
	uint8_t		 addr[16];
	uint8_t		 hwlen;
	uint8_t		 hwaddr[16];
	uint64_t	 when;
};

static size_t	 addr_len(uint8_t);
static int	 seen_collect(const struct reply *, size_t, struct seen **,
		    size_t *);
static const struct seen *seen_find(const struct seen *, size_t,
		    const struct ctl_session *);
static void	 key_of(struct key *, const struct ctl_session *,
		    const struct seen *, size_t);
static int	 item_cmp(const void *, const void *);
static int	 key_cmp(const struct key *, const struct key *);
static int	 client_build(struct client *, const struct item *, size_t,
		    uint64_t);
static void	 client_addr_add(struct client *, const struct ctl_session *);
static enum client_state client_judge(const struct client *, uint64_t);
static int	 client_cmp(const void *, const void *);

static size_t
addr_len(uint8_t af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

int
join_clients(const struct reply *r, size_t nr, uint64_t now,
    struct client **out, size_t *nout)
{
	struct seen	*seen = NULL;
	struct item	*items = NULL;
	struct client	*cl = NULL;
	size_t		 nseen = 0, nitems = 0, ncl = 0, i, j, k;

	*out = NULL;
	*nout = 0;
	if (seen_collect(r, nr, &seen, &nseen) == -1)
		return -1;
	for (i = 0; i < nr; i++)
		nitems += r[i].nsessions;
	if (nitems == 0) {
		free(seen);
		return 0;
	}
	if ((items = calloc(nitems, sizeof(*items))) == NULL ||
	    (cl = calloc(nitems, sizeof(*cl))) == NULL)
		goto fail;
	for (i = 0, k = 0; i < nr; i++)
		for (j = 0; j < r[i].nsessions; j++, k++) {
			items[k].js.s = &r[i].sessions[j];
			items[k].js.daemon = r[i].daemon;
			key_of(&items[k].key, &r[i].sessions[j], seen, nseen);
		}
	qsort(items, nitems, sizeof(*items), item_cmp);
	for (i = 0; i < nitems; i = j) {
		for (j = i + 1; j < nitems; j++)
			if (key_cmp(&items[i].key, &items[j].key) != 0)
				break;
		if (client_build(&cl[ncl++], &items[i], j - i, now) == -1)
			goto fail;
	}
	qsort(cl, ncl, sizeof(*cl), client_cmp);
	free(items);
	free(seen);
	*out = cl;
	*nout = ncl;
	return 0;
 fail:
	clients_free(cl, ncl);
	free(items);
	free(seen);
	return -1;
}

void
clients_free(struct client *cl, size_t n)
{
	size_t	 i;

	if (cl == NULL)
		return;
	for (i = 0; i < n; i++)
		free(cl[i].sessions);
	free(cl);
}

/* Each address the proxy saw, with the MAC it saw last with it. */
static int
seen_collect(const struct reply *r, size_t nr, struct seen **out,
    size_t *nout)
{
	const struct ctl_session	*s;
	struct seen			*v = NULL, *p;
	size_t				 i, j, n = 0;

	for (i = 0; i < nr; i++)
		for (j = 0; j < r[i].nsessions; j++) {
			s = &r[i].sessions[j];
			if (s->kind != CTL_K_PROXY || s->hwlen == 0 ||
			    addr_len(s->af) == 0)
				continue;
			if ((p = (struct seen *)seen_find(v, n, s)) == NULL) {
				if ((p = reallocarray(v, n + 1,
				    sizeof(*v))) == NULL) {
					free(v);
					return -1;
				}
				v = p;
				p = &v[n++];
				memset(p, 0, sizeof(*p));
				p->af = s->af;
				memcpy(p->addr, s->addr, addr_len(s->af));
			} else if (p->when > s->start)
				continue;
			p->hwlen = s->hwlen;
			memcpy(p->hwaddr, s->hwaddr, sizeof(p->hwaddr));
			p->when = s->start;
		}
	*out = v;
	*nout = n;
	return 0;
}

static const struct seen *
seen_find(const struct seen *v, size_t n, const struct ctl_session *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].af == s->af &&
		    memcmp(v[i].addr, s->addr, addr_len(s->af)) == 0)
			return &v[i];
	return NULL;
}

static void
key_of(struct key *k, const struct ctl_session *s, const struct seen *seen,
    size_t nseen)
{
	const struct seen	*p;

	memset(k, 0, sizeof(*k));
	if (s->kind != CTL_K_PROXY &&
	    (p = seen_find(seen, nseen, s)) != NULL) {
		k->hwlen = p->hwlen;
		memcpy(k->id, p->hwaddr, p->hwlen);
	} else if (s->hwlen > 0) {
		k->hwlen = s->hwlen;
		memcpy(k->id, s->hwaddr, s->hwlen);
	} else {
		k->af = s->af;
		memcpy(k->id, s->addr, addr_len(s->af));
	}
}

static int
key_cmp(const struct key *a, const struct key *b)
{
	if (a->hwlen != b->hwlen)
		return a->hwlen < b->hwlen ? -1 : 1;
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return memcmp(a->id, b->id, sizeof(a->id));
}

static int
item_cmp(const void *va, const void *vb)
{
	const struct item	*a = va, *b = vb;
	int			 c;

	if ((c = key_cmp(&a->key, &b->key)) != 0)
		return c;
	if (a->js.s->start != b->js.s->start)
		return a->js.s->start < b->js.s->start ? -1 : 1;
	return 0;
}

static int
client_build(struct client *c, const struct item *it, size_t n,
    uint64_t now)
{
	const struct ctl_session	*s;
	uint64_t			 last;
	size_t				 i;

	memset(c, 0, sizeof(*c));
	if ((c->sessions = calloc(n, sizeof(*c->sessions))) == NULL)
		return -1;
	c->hwlen = it[0].key.hwlen;
	memcpy(c->hwaddr, it[0].key.id, c->hwlen);
	c->arch = CTL_ARCH_NONE;
	c->first = it[0].js.s->start;
	for (i = 0; i < n; i++) {
		s = it[i].js.s;
		c->sessions[c->nsessions++] = it[i].js;
		client_addr_add(c, s);
		if (s->kind == CTL_K_PROXY && s->arch != CTL_ARCH_NONE)
			c->arch = s->arch;
		last = s->end != 0 ? s->end : s->last;
		if (last > c->last)
			c->last = last;
	}
	c->state = client_judge(c, now);
	return 0;
}

static void
client_addr_add(struct client *c, const struct ctl_session *s)
{
	size_t	 i, len = addr_len(s->af);

	if (len == 0)
		return;
	for (i = 0; i < c->naddr; i++)
		if (c->af[i] == s->af && memcmp(c->addr[i], s->addr, len) == 0)
			return;
	if (c->naddr == CLIENT_MAXADDR)
		return;
	c->af[c->naddr] = s->af;
	memcpy(c->addr[c->naddr], s->addr, len);
	c->naddr++;
}

/*
 * A file on its way makes the client booting, or stalled when nothing
 * has moved for STALL_USEC; otherwise its last file says done or failed.
 */
static enum client_state
client_judge(const struct client *c, uint64_t now)
{
	const struct ctl_session	*s, *lastfile = NULL;
	uint64_t			 moved = 0;
	int				 active = 0;
	size_t				 i;

	for (i = 0; i < c->nsessions; i++) {
		s = c->sessions[i].s;
		if (s->kind == CTL_K_PROXY)
			continue;
		if (s->state == CTL_S_ACTIVE) {
			active = 1;
			if (s->last > moved)
				moved = s->last;
		} else if (lastfile == NULL || s->end >= lastfile->end)
			lastfile = s;
	}
	if (active)
		return now > moved && now - moved > STALL_USEC ? CS_STALLED :
		    CS_BOOTING;
	if (lastfile == NULL)
		return CS_ANSWERED;
	return lastfile->state == CTL_S_DONE ? CS_DONE : CS_FAILED;
}

static int
client_cmp(const void *va, const void *vb)
{
	const struct client	*a = va, *b = vb;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return 0;
}

const char *
client_state_name(enum client_state st)
{
	switch (st) {
	case CS_ANSWERED:
		return "answered";
	case CS_BOOTING:
		return "booting";
	case CS_STALLED:
		return "stalled";
	case CS_DONE:
		return "done";
	case CS_FAILED:
		return "failed";
	}
	return "unknown";
}

const char *
session_addr(const struct ctl_session *s, char *buf, size_t len)
{
	if (addr_len(s->af) == 0 || inet_ntop(s->af, s->addr, buf, len) ==
	    NULL)
		strlcpy(buf, "-", len);
	return buf;
}

const char *
session_mac(const struct ctl_session *s, char *buf, size_t len)
{
	if (s->hwlen == 0)
		strlcpy(buf, "-", len);
	else
		hwaddr_ntop(s->hwaddr, s->hwlen, buf, len);
	return buf;
}
