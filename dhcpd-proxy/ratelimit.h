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
 * Per-client answer rate limiting: a token bucket per key (a MAC
 * address, or for a DHCPv6 client without one the end of its DUID) in
 * a fixed-size, set-associative table.  A full set gives up the entry
 * used longest ago, so memory stays fixed whatever a flood of new keys
 * does, and a client that keeps asking keeps its bucket.
 */

#ifndef PROXY_RATELIMIT_H
#define PROXY_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RL_KEYLEN	16
#define RL_SETS		1024
#define RL_WAYS		4

void	 ratelimit_init(void);
/*
 * 1 when the key may have one more answer now (and takes it), 0 when it
 * is over rate answers a second.  now is in microseconds; rate 0 turns
 * the limit off.
 */
int	 ratelimit_take(const uint8_t *, size_t, uint32_t, uint64_t);

#endif /* PROXY_RATELIMIT_H */
