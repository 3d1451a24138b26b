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
 * For the tests only: make a confined engine try what an attacker who
 * took it over would, so that a test can see the walls hold.  Off unless
 * the daemon was started with NETBOOT_TEST_TRAP in its environment, which
 * only whoever starts it can set: nothing from the network reaches it.
 * When set, SIGUSR2 makes the engine try it once.
 */

#ifndef NB_TESTTRAP_H
#define NB_TESTTRAP_H

#define TESTTRAP_ENV	"NETBOOT_TEST_TRAP"

/* Before the filter: reads the environment, takes SIGUSR2 if set. */
void	 testtrap_arm(void);

#endif /* NB_TESTTRAP_H */
