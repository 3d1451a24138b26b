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
 * The sessions of each client address are counted in a tree of the
 * addresses that have one, which holds no more entries than there are
 * sessions.  The rate limit is common/ratelimit.c's fixed table.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "log.h"
#include "ratelimit.h"
#include "tftp.h"

#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif

#define AMPLIFY_MAX	2	/* answer bytes per byte asked */
#define KEYLEN		(1 + 16 + 4)	/* family, address, scope */

struct client {
	RB_ENTRY(client)	 entry;
	uint8_t			 key[KEYLEN];
	unsigned int		 sessions;
};

RB_HEAD(client_tree, client);

static int	 client_cmp(const struct client *, const struct client *);
static int	 client_key(const struct sockaddr *, uint8_t *);
static struct client *client_find(const struct sockaddr *);
RB_PROTOTYPE_STATIC(client_tree, client, entry, client_cmp);

static struct client_tree	 clients = RB_INITIALIZER(&clients);
static struct ratelimit		*answers;

RB_GENERATE_STATIC(client_tree, client, entry, client_cmp);

void
guard_init(void)
{
	answers = ratelimit_new();
}

int
guard_answer(const struct sockaddr *sa, uint32_t rate, uint64_t now)
{
	return ratelimit_take_addr(answers, sa, rate, now);
}

size_t
guard_error(uint8_t *pkt, size_t size, uint16_t code, const char *msg,
    size_t reqlen)
{
	size_t	 len;

	len = tftp_build_error(pkt, size, code, msg);
	if (len <= AMPLIFY_MAX * reqlen)
		return len;
	len = tftp_build_error(pkt, size, code, "");
	return len <= AMPLIFY_MAX * reqlen ? len : 0;
}

static int
client_cmp(const struct client *a, const struct client *b)
{
	return memcmp(a->key, b->key, sizeof(a->key));
}

/* The address without its port: the client, whatever port it uses. */
static int
client_key(const struct sockaddr *sa, uint8_t *key)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(key, 0, KEYLEN);
	key[0] = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		memcpy(key + 1, &sin->sin_addr, sizeof(sin->sin_addr));
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		memcpy(key + 1, &sin6->sin6_addr, sizeof(sin6->sin6_addr));
		memcpy(key + 17, &sin6->sin6_scope_id,
		    sizeof(sin6->sin6_scope_id));
		return 0;
	}
	return -1;
}

static struct client *
client_find(const struct sockaddr *sa)
{
	struct client	 k;

	if (client_key(sa, k.key) == -1)
		return NULL;
	return RB_FIND(client_tree, &clients, &k);
}

void
guard_session_add(const struct sockaddr *sa)
{
	struct client	*c;

	if ((c = client_find(sa)) == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			fatal("%s", __func__);
		if (client_key(sa, c->key) == -1)
			fatalx("%s: address family %d", __func__,
			    sa->sa_family);
		if (RB_INSERT(client_tree, &clients, c) != NULL)
			fatalx("%s: client twice in the tree", __func__);
	}
	c->sessions++;
}

void
guard_session_del(const struct sockaddr *sa)
{
	struct client	*c;

	if ((c = client_find(sa)) == NULL || c->sessions == 0)
		fatalx("%s: a session nobody counted", __func__);
	if (--c->sessions == 0) {
		RB_REMOVE(client_tree, &clients, c);
		free(c);
	}
}

unsigned int
guard_sessions(const struct sockaddr *sa)
{
	struct client	*c;

	return (c = client_find(sa)) == NULL ? 0 : c->sessions;
}
