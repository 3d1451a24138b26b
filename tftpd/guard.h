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
 * What tftpd owes an address that has not shown it is there.  Anyone on
 * the boot network can send a request in another host's name, and every
 * answer to it goes to that host: so answers to requests (a first DATA
 * or OACK, every ERROR) are rate limited per source address, an ERROR is
 * never larger than twice the packet it answers, and no address holds
 * more than its share of the sessions.  A transfer's own rules (the
 * leash, the resend, the lifetime) are in xfer.c and tftp.c's window.
 */

#ifndef TFTPD_GUARD_H
#define TFTPD_GUARD_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

void		 guard_init(void);
/* 1 when one more answer may go to this address now (and takes it). */
int		 guard_answer(const struct sockaddr *, uint32_t, uint64_t);
/*
 * The ERROR packet for a datagram of reqlen bytes: with its message when
 * that stays within twice reqlen, without one when only that does, and
 * 0 (nothing to send) when even that would not.
 */
size_t		 guard_error(uint8_t *, size_t, uint16_t, const char *,
		    size_t);
void		 guard_session_add(const struct sockaddr *);
void		 guard_session_del(const struct sockaddr *);
unsigned int	 guard_sessions(const struct sockaddr *);

#endif /* TFTPD_GUARD_H */
