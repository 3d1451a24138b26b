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
 * A TFTP request as tftpd's engine takes it on port 69: the first byte
 * chooses the server's limits (blksize and windowsize caps, timeout
 * acknowledged or not, the file's size), the rest is the datagram.
 * tftp_parse_req(), the file name through path_clean(), option
 * negotiation and the OACK; and the datagram as an ACK or ERROR inside
 * a transfer, tftp_parse_reply().
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tftpd/tftp.h"
#include "tests/fuzz/fuzz.h"

static void
negotiate(const struct tftp_req *req, uint8_t knobs)
{
	static const int64_t	 sizes[] = { -1, 0, 1, 512, 1468, 33554432,
				    INT64_MAX };
	struct tftp_limits	 lim;
	struct tftp_opts	 o;
	uint8_t			 oack[TFTP_OACK_MAX];
	int64_t			 fsize = sizes[knobs % 7];
	size_t			 n;
	int			 nopt;

	memset(&lim, 0, sizeof(lim));
	lim.blksize_max = knobs & 0x08 ? 1468 : 0;
	lim.blksize_mtu = tftp_blksize_for_mtu(knobs & 0x10 ? 1500 : 9000,
	    knobs & 0x20);
	lim.windowsize_max = knobs & 0x40 ? 64 : 0;
	lim.window_bytes_max = knobs & 0x80 ? 212992 : 0;
	lim.timeout_ok = knobs & 1;
	nopt = tftp_negotiate(req, &lim, fsize,
	    req->mode == TFTP_MODE_NETASCII ? -1 : fsize, &o);
	FUZZ_CHECK(nopt >= 0 && (unsigned int)nopt == o.noack &&
	    o.noack <= TFTP_OPT_COUNT);
	FUZZ_CHECK(o.blksize >= TFTP_BLKSIZE_MIN &&
	    o.blksize <= TFTP_BLKSIZE_MAX);
	FUZZ_CHECK(lim.blksize_max == 0 || o.blksize <= lim.blksize_max ||
	    o.blksize == TFTP_BLKSIZE_DEF);
	FUZZ_CHECK(lim.blksize_mtu < TFTP_BLKSIZE_MIN ||
	    o.blksize <= lim.blksize_mtu || o.blksize == TFTP_BLKSIZE_DEF);
	/* A window never overflows the client's buffer, netascii goes 1. */
	FUZZ_CHECK(o.windowsize >= 1);
	FUZZ_CHECK(lim.window_bytes_max == 0 || o.windowsize == 1 ||
	    (uint64_t)o.windowsize * (o.blksize + TFTP_HDRLEN) <=
	    lim.window_bytes_max);
	FUZZ_CHECK(req->mode != TFTP_MODE_NETASCII || o.windowsize == 1);
	FUZZ_CHECK(lim.windowsize_max == 0 ||
	    o.windowsize <= lim.windowsize_max);
	FUZZ_CHECK(o.timeout == 0 || (lim.timeout_ok &&
	    o.timeout >= TFTP_TIMEOUT_MIN && o.timeout <= TFTP_TIMEOUT_MAX));
	if (nopt == 0)
		return;
	n = tftp_build_oack(oack, sizeof(oack), &o);
	FUZZ_CHECK(n > 2 && n <= sizeof(oack) && oack[0] == 0 &&
	    oack[1] == TFTP_OACK && oack[n - 1] == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tftp_req		 req;
	struct tftp_reply	 r;
	struct tftp_err		 err;
	const uint8_t		*buf;
	uint8_t			 knobs;
	unsigned int		 i;

	if (len < 1)
		return 0;
	knobs = data[0];
	buf = data + 1;
	len--;
	(void)tftp_opcode(buf, len);

	memset(&err, 0, sizeof(err));
	if (tftp_parse_req(buf, len, &req, &err) == 0) {
		/* The name is inside the datagram and ends there. */
		FUZZ_CHECK(req.op == TFTP_RRQ || req.op == TFTP_WRQ);
		FUZZ_CHECK((const uint8_t *)req.filename >= buf + 2 &&
		    (const uint8_t *)req.filename + req.filenamelen <
		    buf + len && req.filename[req.filenamelen] == '\0');
		FUZZ_CHECK(req.norder <= TFTP_OPT_COUNT &&
		    req.nopts <= TFTP_MAXOPTS);
		for (i = 0; i < req.norder; i++)
			FUZZ_CHECK(req.order[i] < TFTP_OPT_COUNT);
		for (i = 0; i < TFTP_OPT_COUNT; i++)
			FUZZ_CHECK(memchr(req.opt[i].name, '\0',
			    sizeof(req.opt[i].name)) != NULL);
		fuzz_path(req.filename, req.filenamelen);
		negotiate(&req, knobs);
	} else
		FUZZ_CHECK(err.msg != NULL);

	memset(&err, 0, sizeof(err));
	if (tftp_parse_reply(buf, len, &r, &err) == 0) {
		FUZZ_CHECK(r.op == TFTP_ACK || r.op == TFTP_ERROR);
		FUZZ_CHECK(memchr(r.msg, '\0', sizeof(r.msg)) != NULL);
	} else
		FUZZ_CHECK(err.msg != NULL);
	return 0;
}
