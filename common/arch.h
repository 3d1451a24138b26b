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
 * Client system architecture types, DHCP option 93 and DHCPv6 option 61
 * (RFC 4578, RFC 5970 and the IANA "Processor Architecture Types" registry).
 */

#ifndef NB_ARCH_H
#define NB_ARCH_H

#include <stddef.h>
#include <stdint.h>

#define ARCH_BIOS	0x0000

/*
 * A name or a decimal or 0x number; fills at most max codes (one name may
 * stand for several: "x64-uefi" is 7 and 9, see RFC 4578 errata).
 * Returns the number of codes, or -1 for an unknown name.
 */
int		 arch_lookup(const char *, uint16_t *, size_t);
const char	*arch_name(uint16_t);		/* NULL when unassigned */
int		 arch_is_http(uint16_t);	/* an HTTP boot client */

#endif /* NB_ARCH_H */
