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
 * The TFTP transfer state machine fed a sequence of events: tftp.c's
 * send window, block numbering, reply parser and netascii encoder,
 * driven the way tftpd/xfer.c drives them (xfer_start, xfer_send,
 * xfer_ack, xfer_timeout, xfer_reanswer), with a fake clock and no
 * socket.  The input is a 12-byte header, then events:
 *
 *	header	flags (OACK, netascii), windowsize, blksize, file size,
 *		retries, timeout
 *	0 n ..	a datagram of n bytes from the client (ACK, ERROR, junk)
 *	1 t t	the clock moves t milliseconds
 *	2	the retransmission timer fires, if it is due
 *	3	the same request again (a lost first packet)
 *	4	the socket fills up, or drains
 *
 * Besides "no crash": the window never runs past the file or holds more
 * than windowsize blocks, an ACK never sends more than a window, waits
 * stay within their bounds, and a transfer ends.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tftpd/tftp.h"
#include "tests/fuzz/fuzz.h"

#define NETASCII_MAX	65536	/* bytes of a netascii file here */
#define LIFETIME	(600 * 1000000ULL)

struct sim {
	struct tftp_window	 win;
	struct tftp_netascii	 na;
	uint64_t		 now, start, deadline;
	uint64_t		 size, na_in, pktblock;
	uint16_t		 blksize;
	int			 netascii, blocked, reanswered, over;
	uint8_t			 pkt[TFTP_BLKSIZE_MAX + TFTP_HDRLEN];
};

static uint8_t	 file_byte(uint64_t);
static void	 check(const struct sim *);
static void	 netascii_fill(struct sim *);
static uint64_t	 send_room(struct sim *);
static void	 arm(struct sim *);
static void	 ack(struct sim *, const uint8_t *, size_t);
static void	 timeout(struct sim *);

/* A file of text with CR, LF and CR LF in it. */
static uint8_t
file_byte(uint64_t i)
{
	return "boot\r\nmenu\nx\r"[i % 13];
}

static void
check(const struct sim *s)
{
	const struct tftp_window *w = &s->win;

	FUZZ_CHECK(w->first <= w->next && w->next <= w->high);
	if (w->first == 0)
		FUZZ_CHECK(w->high <= 1);
	else
		FUZZ_CHECK(w->next - w->first <= w->size);
	if (w->last != TFTP_LAST_UNKNOWN)
		FUZZ_CHECK(w->high <= w->last + 1);
	FUZZ_CHECK(w->tries <= w->retries + 1);
	FUZZ_CHECK(tftp_window_wait(w) > 0 &&
	    tftp_window_wait(w) <= TFTP_WAIT_MAX);
}

/* As xfer.c's netascii_fill(): the block at win.next, encoded. */
static void
netascii_fill(struct sim *s)
{
	uint8_t	 in[512], *out = s->pkt + TFTP_HDRLEN;
	size_t	 bs = s->blksize, o = 0, n, used, want, i;

	tftp_build_data(s->pkt, bs + TFTP_HDRLEN,
	    tftp_block_wire(s->win.next));
	while (o < bs) {
		want = bs - o < sizeof(in) ? bs - o : sizeof(in);
		n = s->na_in < s->size ? s->size - s->na_in : 0;
		if (n > want)
			n = want;
		for (i = 0; i < n; i++)
			in[i] = file_byte(s->na_in + i);
		if (n == 0 && !s->na.pending)
			break;
		used = 0;
		o += tftp_netascii_encode(&s->na, in, n, &used, out + o,
		    bs - o);
		FUZZ_CHECK(used <= n && o <= bs);
		s->na_in += used;
	}
	if (o < bs)
		tftp_window_set_last(&s->win, s->win.next);
}

/* As xfer_send(): blocks go while the window has room. */
static uint64_t
send_room(struct sim *s)
{
	uint64_t	 room, n, total = 0;

	while (!s->blocked && (room = tftp_window_room(&s->win)) > 0) {
		if (s->win.next == 0)
			n = 1;
		else if (s->netascii) {
			if (s->win.next != s->pktblock) {
				netascii_fill(s);
				s->pktblock = s->win.next;
			}
			n = 1;
		} else
			n = room < 64 ? room : 64;
		if (s->win.last != TFTP_LAST_UNKNOWN && s->win.next > 0)
			FUZZ_CHECK(s->win.next + n - 1 <= s->win.last);
		tftp_window_sent(&s->win, n, s->now);
		total += n;
		check(s);
	}
	return total;
}

static void
arm(struct sim *s)
{
	s->deadline = s->now + tftp_window_wait(&s->win);
}

/* As xfer_recv() and xfer_ack(). */
static void
ack(struct sim *s, const uint8_t *p, size_t n)
{
	struct tftp_reply	 r;
	struct tftp_err		 err;
	uint64_t		 sent;

	if (tftp_parse_reply(p, n, &r, &err) == -1 || r.op != TFTP_ACK) {
		s->over = 1;		/* ERROR, or a bad packet */
		return;
	}
	switch (tftp_window_ack(&s->win, r.block, s->now)) {
	case TFTP_ACK_NEW:
	case TFTP_ACK_RESEND:
		break;
	case TFTP_ACK_DUP:
	case TFTP_ACK_STRAY:
		check(s);
		return;
	default:
		abort();
	}
	check(s);
	if (tftp_window_done(&s->win)) {
		s->over = 1;
		return;
	}
	if (s->now - s->start >= LIFETIME) {
		s->over = 1;
		return;
	}
	/* One ACK brings a window at most: no amplification. */
	sent = send_room(s);
	FUZZ_CHECK(sent <= s->win.size);
	arm(s);
}

/* As xfer_timeout(). */
static void
timeout(struct sim *s)
{
	if (s->now < s->deadline)
		return;
	if (!s->win.verified || s->now - s->start >= LIFETIME ||
	    tftp_window_timeout(&s->win) == -1) {
		s->over = 1;
		return;
	}
	check(s);
	FUZZ_CHECK(send_room(s) <= s->win.size);
	arm(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct sim	 sim;
	struct sim		*s = &sim;
	size_t			 i = 12, n;
	unsigned int		 events = 0;
	uint16_t		 wsize;

	if (len < 12)
		return 0;
	memset(s, 0, offsetof(struct sim, pkt));
	s->netascii = data[0] & 2;
	wsize = s->netascii ? 1 : (data[1] << 8 | data[2]);
	s->blksize = data[3] << 8 | data[4];
	if (s->blksize < TFTP_BLKSIZE_MIN || s->blksize > TFTP_BLKSIZE_MAX)
		s->blksize = TFTP_BLKSIZE_DEF;
	s->size = (uint64_t)data[5] << 24 | data[6] << 16 | data[7] << 8 |
	    data[8];
	if (s->netascii && s->size > NETASCII_MAX)
		s->size %= NETASCII_MAX;
	s->now = s->start = 1000000;
	s->pktblock = UINT64_MAX;

	/* As xfer_start(). */
	tftp_window_init(&s->win, wsize, data[0] & 1);
	tftp_window_timer(&s->win, (uint64_t)(data[11] ? data[11] : 1) *
	    1000000, data[9] % 16);
	if (!s->netascii)
		tftp_window_set_last(&s->win,
		    tftp_last_block(s->size, s->blksize));
	check(s);
	FUZZ_CHECK(send_room(s) <= s->win.size);
	arm(s);

	while (i < len && !s->over) {
		switch (data[i++] % 5) {
		case 0:
			if (i >= len)
				return 0;
			n = data[i++];
			if (n > len - i)
				n = len - i;
			ack(s, data + i, n);
			i += n;
			break;
		case 1:
			if (len - i < 2)
				return 0;
			s->now += (uint64_t)(data[i] << 8 | data[i + 1]) * 1000;
			i += 2;
			break;
		case 2:
			timeout(s);
			break;
		case 3:
			/* As xfer_reanswer(): once, before any ACK. */
			if (s->win.verified || s->reanswered)
				break;
			s->reanswered = 1;
			tftp_window_again(&s->win);
			check(s);
			FUZZ_CHECK(send_room(s) <= s->win.size);
			break;
		case 4:
			s->blocked = !s->blocked;
			if (!s->blocked)
				FUZZ_CHECK(send_room(s) <= s->win.size);
			break;
		}
		events++;
	}
	/* The window reached the end only through the client's ACKs. */
	if (tftp_window_done(&s->win))
		FUZZ_CHECK(s->win.verified && events > 0);
	return 0;
}
