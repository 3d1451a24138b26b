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
 * netbootctl's join (join.c): sessions of three daemons become
 * machines, by the MAC the proxy saw with an address, else the MAC the
 * daemon knew, else the address; and each machine's state.
 */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "netbootctl.h"
#include "check.h"

#define SEC	1000000ULL
#define NOW	(1000 * SEC)

static const uint8_t	 mac1[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
static const uint8_t	 mac2[6] = { 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc };
static const uint8_t	 mac3[6] = { 0x02, 0, 0, 0, 0, 0x03 };

static struct ctl_session *
add(struct reply *r, int kind, int state, const char *ip,
    const uint8_t *mac, uint64_t start, const char *file)
{
	struct ctl_session	*s;

	r->sessions = reallocarray(r->sessions, r->nsessions + 1,
	    sizeof(*s));
	s = &r->sessions[r->nsessions++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->state = state;
	s->arch = CTL_ARCH_NONE;
	s->start = start;
	s->last = start;
	s->end = state == CTL_S_ACTIVE ? 0 : start + SEC;
	if (ip != NULL) {
		s->af = AF_INET;
		inet_pton(AF_INET, ip, s->addr);
	}
	if (mac != NULL) {
		s->hwlen = 6;
		memcpy(s->hwaddr, mac, 6);
	}
	strlcpy(s->file, file, sizeof(s->file));
	return s;
}

static const struct client *
find_mac(const struct client *c, size_t n, const uint8_t *mac)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (c[i].hwlen == 6 && memcmp(c[i].hwaddr, mac, 6) == 0)
			return &c[i];
	return NULL;
}

static const struct client *
find_ip(const struct client *c, size_t n, const char *ip)
{
	uint8_t	 a[4];
	size_t	 i;

	inet_pton(AF_INET, ip, a);
	for (i = 0; i < n; i++)
		if (c[i].hwlen == 0 && c[i].naddr == 1 &&
		    memcmp(c[i].addr[0], a, 4) == 0)
			return &c[i];
	return NULL;
}

static size_t
count_kind(const struct client *c, int kind)
{
	size_t	 i, n = 0;

	for (i = 0; i < c->nsessions; i++)
		n += c->sessions[i].s->kind == kind;
	return n;
}

int
main(void)
{
	struct reply		 r[NDAEMONS];
	struct client		*c;
	const struct client	*m;
	struct ctl_session	*s;
	size_t			 n, i;

	memset(r, 0, sizeof(r));
	r[0].daemon = "tftpd";
	r[1].daemon = "httpbootd";
	r[2].daemon = "dhcpd-proxy";

	/* Machine 1: offer (no address yet), 4011 ack with one, files. */
	s = add(&r[2], CTL_K_PROXY, CTL_S_DONE, NULL, mac1, 10 * SEC, "-");
	s->arch = 7;
	s = add(&r[2], CTL_K_PROXY, CTL_S_DONE, "10.0.0.50", mac1, 11 * SEC,
	    "ipxe.efi");
	s->arch = 7;
	add(&r[0], CTL_K_TFTP, CTL_S_DONE, "10.0.0.50", NULL, 12 * SEC,
	    "ipxe.efi");
	/* The proxy's MAC wins over another the daemon knew. */
	add(&r[1], CTL_K_HTTP, CTL_S_DONE, "10.0.0.50", mac3, 13 * SEC,
	    "/linux");

	/* Machine 2: the proxy never saw its address (direct mode), the
	 * kernel's neighbour table gave tftpd its MAC; a file in flight
	 * that has not moved for a minute. */
	add(&r[2], CTL_K_PROXY, CTL_S_DONE, NULL, mac2, 20 * SEC, "x.efi");
	add(&r[0], CTL_K_TFTP, CTL_S_ACTIVE, "10.0.0.60", mac2,
	    NOW - 60 * SEC, "x.efi");

	/* Machine 3: routed, known by its address only; its file failed. */
	add(&r[1], CTL_K_HTTP, CTL_S_DONE, "10.9.0.7", NULL, 30 * SEC,
	    "/a");
	s = add(&r[1], CTL_K_HTTP, CTL_S_FAILED, "10.9.0.7", NULL, 31 * SEC,
	    "/b");
	s->status = 404;

	/* Machine 4: a file moving right now. */
	s = add(&r[1], CTL_K_HTTP, CTL_S_ACTIVE, "10.9.0.8", NULL,
	    NOW - 5 * SEC, "/big");
	s->last = NOW - SEC;

	/* A daemon that is down adds nothing. */
	CHECK(join_clients(r, NDAEMONS, NOW, &c, &n) == 0);
	CHECK_INT(n, 4);

	m = find_mac(c, n, mac1);
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK_INT(m->nsessions, 4);
		CHECK_INT(count_kind(m, CTL_K_PROXY), 2);
		CHECK_INT(count_kind(m, CTL_K_TFTP), 1);
		CHECK_INT(count_kind(m, CTL_K_HTTP), 1);
		CHECK_INT(m->naddr, 1);
		CHECK_INT(m->arch, 7);
		CHECK_INT(m->state, CS_DONE);
		CHECK(m->first == 10 * SEC && m->last == 14 * SEC);
		for (i = 1; i < m->nsessions; i++)
			CHECK(m->sessions[i - 1].s->start <=
			    m->sessions[i].s->start);
	}
	CHECK(find_mac(c, n, mac3) == NULL);
	m = find_mac(c, n, mac2);
	CHECK(m != NULL && m->nsessions == 2 && m->state == CS_STALLED);
	m = find_ip(c, n, "10.9.0.7");
	CHECK(m != NULL && m->nsessions == 2 && m->state == CS_FAILED);
	m = find_ip(c, n, "10.9.0.8");
	CHECK(m != NULL && m->state == CS_BOOTING);
	/* Ordered by when they were first seen. */
	for (i = 1; i < n; i++)
		CHECK(c[i - 1].first <= c[i].first);
	clients_free(c, n);

	/* Nothing at all: no machine, no error. */
	for (i = 0; i < NDAEMONS; i++) {
		free(r[i].sessions);
		r[i].sessions = NULL;
		r[i].nsessions = 0;
	}
	CHECK(join_clients(r, NDAEMONS, NOW, &c, &n) == 0);
	CHECK_INT(n, 0);
	CHECK_STR(client_state_name(CS_ANSWERED), "answered");
	return check_exit();
}
