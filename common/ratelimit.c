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
 * A bucket holds at most rate tokens, one answer each, and fills at rate
 * tokens a second: a burst of rate answers, then rate a second.  Tokens
 * are counted in millionths so that the refill needs no floating point.
 * The set index comes from a hash keyed at random at start, so that
 * nobody can aim a flood of made-up MACs at one client's set.
 */

#include <sys/types.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ratelimit.h"

#define RL_UNIT		1000000ULL	/* a token, in micro-tokens */

struct rl_entry {
	uint8_t		 key[RL_KEYLEN];
	uint8_t		 keylen;	/* 0: free */
	uint64_t	 last;		/* us, of the last refill */
	uint64_t	 tokens;	/* micro-tokens */
};

struct ratelimit {
	struct rl_entry	 table[RL_SETS][RL_WAYS];
	uint64_t	 seed;
};

static uint64_t		 rl_hash(const struct ratelimit *, const uint8_t *,
			    size_t);
static struct rl_entry	*rl_lookup(struct ratelimit *, const uint8_t *,
			    size_t, uint64_t, uint64_t);

struct ratelimit *
ratelimit_new(void)
{
	struct ratelimit	*rl;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		fatal("%s", __func__);
	arc4random_buf(&rl->seed, sizeof(rl->seed));
	return rl;
}

/* A keyed mix of the bytes: enough to spread keys over the sets. */
static uint64_t
rl_hash(const struct ratelimit *rl, const uint8_t *key, size_t len)
{
	uint64_t	 h = rl->seed ^ (len * 0x9e3779b97f4a7c15ULL);
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= key[i];
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
	}
	h ^= rl->seed;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

/* The key's entry, or a new one (full) in place of the least recent. */
static struct rl_entry *
rl_lookup(struct ratelimit *rl, const uint8_t *key, size_t len,
    uint64_t full, uint64_t now)
{
	struct rl_entry	*set, *victim;
	size_t		 i;

	set = rl->table[rl_hash(rl, key, len) % RL_SETS];
	victim = &set[0];
	for (i = 0; i < RL_WAYS; i++) {
		if (set[i].keylen == len && memcmp(set[i].key, key, len) == 0)
			return &set[i];
		if (set[i].keylen == 0 ||
		    (victim->keylen != 0 && set[i].last < victim->last))
			victim = &set[i];
	}
	memcpy(victim->key, key, len);
	victim->keylen = len;
	victim->last = now;
	victim->tokens = full;
	return victim;
}

int
ratelimit_take(struct ratelimit *rl, const uint8_t *key, size_t len,
    uint32_t rate, uint64_t now)
{
	struct rl_entry	*e;
	uint64_t	 full = rate * RL_UNIT;

	if (rate == 0 || len == 0)
		return 1;
	if (len > RL_KEYLEN)
		len = RL_KEYLEN;
	e = rl_lookup(rl, key, len, full, now);
	if (now > e->last) {
		/* rate tokens a second is rate micro-tokens a microsecond */
		e->tokens += (now - e->last) * rate;
		if (e->tokens > full)
			e->tokens = full;
	}
	e->last = now;
	if (e->tokens > full)
		e->tokens = full;	/* the rate went down on reload */
	if (e->tokens < RL_UNIT)
		return 0;
	e->tokens -= RL_UNIT;
	return 1;
}

int
ratelimit_take_addr(struct ratelimit *rl, const struct sockaddr *sa,
    uint32_t rate, uint64_t now)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		return ratelimit_take(rl, (const uint8_t *)&sin->sin_addr,
		    sizeof(sin->sin_addr), rate, now);
	}
	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		return ratelimit_take(rl, (const uint8_t *)&sin6->sin6_addr,
		    sizeof(sin6->sin6_addr), rate, now);
	}
	return 1;
}

int
loglimit_pass(struct loglimit *ll, uint64_t now, unsigned long *missed)
{
	if (now < ll->next) {
		ll->missed++;
		return 0;
	}
	ll->next = now + 1000000;
	*missed = ll->missed;
	ll->missed = 0;
	return 1;
}
