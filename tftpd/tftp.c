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
 * Choices where the RFCs leave room, all in one place:
 *
 * - A request may carry at most TFTP_MAXOPTS option pairs; more is
 *   refused with ERROR 8.  Parsing is one pass over the packet and only
 *   the four known options are stored, so the cost is linear whatever
 *   the count.
 * - An option that appears twice (names compare case-insensitively) is
 *   ignored altogether: neither copy is acknowledged.  Any value we
 *   chose could exceed what the client meant by the other copy, and
 *   leaving it out is always safe because the client then uses the
 *   RFC 1350 default.
 * - A malformed option list (a name without a value, a string without
 *   its NUL, an empty name followed by more data) is refused with
 *   ERROR 8.  Trailing NUL bytes after the last pair are padding some
 *   firmware sends and are accepted.
 * - Values must be plain decimal digits; anything else ("12abc", "",
 *   "-1") leaves the option unacknowledged.  Huge values saturate and
 *   are then clamped like any other value above the maximum.
 * - blksize below 8 and windowsize 0 are ignored (never answered with
 *   a value under the RFC minimum); values above the limits are clamped
 *   down, which RFC 2348 and RFC 7440 allow.  timeout outside 1..255 is
 *   not acknowledged, since RFC 2349 requires the answer to repeat the
 *   client's value.
 * - tsize in a read request is answered with the file size whatever
 *   value the client put there.  In netascii mode only a converted
 *   size the caller supplies is sent, never the file size.
 * - netascii forces windowsize 1: a resend must reproduce a block, and
 *   converted blocks do not start at a computable file offset.
 * - The OACK repeats each option name in the client's own spelling,
 *   so a client that compares names case-sensitively finds its own.
 */

#include <sys/socket.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tftp.h"

static int		 fail(struct tftp_err *, uint16_t, const char *);
static uint16_t		 get16(const uint8_t *);
static void		 put16(uint8_t *, uint16_t);
static const char	*next_string(const uint8_t *, size_t, size_t *,
			    size_t *);
static int		 all_zero(const uint8_t *, size_t);
static int		 ascii_caseeq(const char *, size_t, const char *);
static int		 parse_mode(const char *, size_t, int *,
			    struct tftp_err *);
static int		 parse_number(const char *, size_t, uint64_t *);
static int		 opt_lookup(const char *, size_t);
static void		 record_option(struct tftp_req *, unsigned int *,
			    unsigned int *, const char *, size_t,
			    const char *, size_t);
static void		 drop_options(struct tftp_req *, unsigned int);
static int		 parse_options(const uint8_t *, size_t, size_t,
			    struct tftp_req *, struct tftp_err *);
static int		 req_value(const struct tftp_req *, int, uint64_t *);
static int		 neg_blksize(uint64_t, const struct tftp_limits *,
			    uint16_t *);
static int		 neg_windowsize(uint64_t, const struct tftp_limits *,
			    int, uint16_t, uint16_t *);
static uint64_t		 opts_value(const struct tftp_opts *, int);
static void		 window_time(struct tftp_window *, uint64_t, uint64_t);
static uint64_t		 window_rtt(const struct tftp_window *);
static int		 window_rewind(struct tftp_window *, uint64_t);
static int		 window_may_resend(const struct tftp_window *, uint64_t,
			    uint64_t);

static const char *const optnames[TFTP_OPT_COUNT] = {
	[TFTP_OPT_BLKSIZE] = "blksize",
	[TFTP_OPT_TSIZE] = "tsize",
	[TFTP_OPT_TIMEOUT] = "timeout",
	[TFTP_OPT_WINDOWSIZE] = "windowsize",
};

static int
fail(struct tftp_err *err, uint16_t code, const char *msg)
{
	err->code = code;
	err->msg = msg;
	return -1;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Returns the opcode, or -1 if the packet cannot hold one. */
int
tftp_opcode(const uint8_t *buf, size_t len)
{
	if (len < 2)
		return -1;
	return get16(buf);
}

/*
 * The NUL-terminated string at *pos, which then moves past its NUL;
 * NULL if there is no NUL before the end of the packet.
 */
static const char *
next_string(const uint8_t *buf, size_t len, size_t *pos, size_t *slen)
{
	const uint8_t	*start, *nul;

	if (*pos >= len)
		return NULL;
	start = buf + *pos;
	if ((nul = memchr(start, '\0', len - *pos)) == NULL)
		return NULL;
	*slen = nul - start;
	*pos += *slen + 1;
	return (const char *)start;
}

static int
all_zero(const uint8_t *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (p[i] != '\0')
			return 0;
	return 1;
}

/* ASCII only: option names and modes must not depend on the locale. */
static int
ascii_caseeq(const char *s, size_t len, const char *lower)
{
	size_t	 i;
	char	 c;

	for (i = 0; i < len; i++) {
		if (lower[i] == '\0')
			return 0;
		c = s[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != lower[i])
			return 0;
	}
	return lower[len] == '\0';
}

static int
parse_mode(const char *s, size_t len, int *mode, struct tftp_err *err)
{
	if (len == 0)
		return fail(err, TFTP_EBADOP, "missing transfer mode");
	if (ascii_caseeq(s, len, "octet")) {
		*mode = TFTP_MODE_OCTET;
		return 0;
	}
	if (ascii_caseeq(s, len, "netascii")) {
		*mode = TFTP_MODE_NETASCII;
		return 0;
	}
	if (ascii_caseeq(s, len, "mail"))
		return fail(err, TFTP_EBADOP, "mail mode not supported");
	return fail(err, TFTP_EBADOP, "unknown transfer mode");
}

/* Plain decimal digits, at least one; saturates instead of wrapping. */
static int
parse_number(const char *s, size_t len, uint64_t *v)
{
	uint64_t	 n = 0;
	unsigned int	 d;
	size_t		 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = s[i] - '0';
		if (n > (UINT64_MAX - d) / 10)
			n = UINT64_MAX;
		else
			n = n * 10 + d;
	}
	*v = n;
	return 1;
}

static int
opt_lookup(const char *name, size_t len)
{
	int	 i;

	for (i = 0; i < TFTP_OPT_COUNT; i++)
		if (ascii_caseeq(name, len, optnames[i]))
			return i;
	return -1;
}

static void
record_option(struct tftp_req *req, unsigned int *seen, unsigned int *dup,
    const char *name, size_t nlen, const char *val, size_t vlen)
{
	struct tftp_reqopt	*ro;
	int			 id;

	if ((id = opt_lookup(name, nlen)) == -1)
		return;
	if (*seen & (1U << id)) {
		*dup |= 1U << id;
		return;
	}
	*seen |= 1U << id;
	ro = &req->opt[id];
	/* A known name is shorter than the buffer: opt_lookup matched. */
	memcpy(ro->name, name, nlen);
	ro->name[nlen] = '\0';
	ro->valid = parse_number(val, vlen, &ro->value);
	req->order[req->norder++] = id;
}

static void
drop_options(struct tftp_req *req, unsigned int drop)
{
	unsigned int	 i, n = 0;
	int		 id;

	for (i = 0; i < req->norder; i++) {
		id = req->order[i];
		if (drop & (1U << id))
			memset(&req->opt[id], 0, sizeof(req->opt[id]));
		else
			req->order[n++] = id;
	}
	req->norder = n;
}

static int
parse_options(const uint8_t *buf, size_t len, size_t pos,
    struct tftp_req *req, struct tftp_err *err)
{
	const char	*name, *val;
	size_t		 nlen, vlen;
	unsigned int	 seen = 0, dup = 0;

	while (pos < len) {
		if (buf[pos] == '\0') {
			if (all_zero(buf + pos, len - pos))
				break;
			return fail(err, TFTP_EOPTNEG, "empty option name");
		}
		if ((name = next_string(buf, len, &pos, &nlen)) == NULL)
			return fail(err, TFTP_EOPTNEG,
			    "malformed option list");
		if ((val = next_string(buf, len, &pos, &vlen)) == NULL)
			return fail(err, TFTP_EOPTNEG, "option without value");
		if (++req->nopts > TFTP_MAXOPTS)
			return fail(err, TFTP_EOPTNEG, "too many options");
		record_option(req, &seen, &dup, name, nlen, val, vlen);
	}
	drop_options(req, dup);
	return 0;
}

/*
 * An RRQ or WRQ: opcode, file name, mode, then RFC 2347 option pairs.
 * Returns 0, or -1 with the ERROR to send in *err.
 */
int
tftp_parse_req(const uint8_t *buf, size_t len, struct tftp_req *req,
    struct tftp_err *err)
{
	const char	*s;
	size_t		 pos = 2, slen;

	memset(req, 0, sizeof(*req));
	req->op = tftp_opcode(buf, len);
	if (req->op != TFTP_RRQ && req->op != TFTP_WRQ)
		return fail(err, TFTP_EBADOP, "not a request");
	if ((s = next_string(buf, len, &pos, &slen)) == NULL)
		return fail(err, TFTP_EBADOP, "file name not terminated");
	if (slen == 0)
		return fail(err, TFTP_EBADOP, "empty file name");
	req->filename = s;
	req->filenamelen = slen;
	if (pos == len)
		return fail(err, TFTP_EBADOP, "missing transfer mode");
	if ((s = next_string(buf, len, &pos, &slen)) == NULL)
		return fail(err, TFTP_EBADOP, "transfer mode not terminated");
	if (parse_mode(s, slen, &req->mode, err) == -1)
		return -1;
	return parse_options(buf, len, pos, req, err);
}

/*
 * What a reading client may send inside a session: ACK or ERROR.
 * Anything else is a protocol violation, returned as -1 with the
 * ERROR 4 to answer.  An ERROR's message may lack its NUL or be
 * missing; it is copied, cut to fit and always terminated.
 */
int
tftp_parse_reply(const uint8_t *buf, size_t len, struct tftp_reply *r,
    struct tftp_err *err)
{
	const uint8_t	*nul;
	size_t		 n;

	memset(r, 0, sizeof(*r));
	r->op = tftp_opcode(buf, len);
	switch (r->op) {
	case TFTP_ACK:
		if (len < TFTP_HDRLEN)
			return fail(err, TFTP_EBADOP, "short ACK");
		r->block = get16(buf + 2);
		return 0;
	case TFTP_ERROR:
		if (len < TFTP_HDRLEN)
			return fail(err, TFTP_EBADOP, "short ERROR");
		r->code = get16(buf + 2);
		n = len - TFTP_HDRLEN;
		if ((nul = memchr(buf + TFTP_HDRLEN, '\0', n)) != NULL)
			n = nul - (buf + TFTP_HDRLEN);
		if (n >= sizeof(r->msg))
			n = sizeof(r->msg) - 1;
		memcpy(r->msg, buf + TFTP_HDRLEN, n);
		r->msg[n] = '\0';
		return 0;
	case TFTP_RRQ:
	case TFTP_WRQ:
		return fail(err, TFTP_EBADOP, "request inside a transfer");
	case TFTP_DATA:
		return fail(err, TFTP_EBADOP, "DATA from a reading client");
	case TFTP_OACK:
		return fail(err, TFTP_EBADOP, "OACK from a client");
	default:
		return fail(err, TFTP_EBADOP, "unknown opcode");
	}
}

/*
 * The largest blksize whose DATA packet fits the MTU unfragmented
 * (IP and UDP headers, then the 4-byte TFTP header); 0 for an unknown
 * MTU, meaning no cap.
 */
unsigned int
tftp_blksize_for_mtu(unsigned int mtu, int af)
{
	unsigned int	 over;

	if (mtu == 0)
		return 0;
	over = (af == AF_INET6 ? 40 : 20) + 8 + TFTP_HDRLEN;
	if (mtu < over + TFTP_BLKSIZE_MIN)
		return TFTP_BLKSIZE_MIN;
	if (mtu - over > TFTP_BLKSIZE_MAX)
		return TFTP_BLKSIZE_MAX;
	return mtu - over;
}

static int
req_value(const struct tftp_req *req, int id, uint64_t *v)
{
	unsigned int	 i;

	for (i = 0; i < req->norder; i++)
		if (req->order[i] == id && req->opt[id].valid) {
			*v = req->opt[id].value;
			return 1;
		}
	return 0;
}

static int
neg_blksize(uint64_t v, const struct tftp_limits *lim, uint16_t *out)
{
	uint64_t	 cap = TFTP_BLKSIZE_MAX;

	if (v < TFTP_BLKSIZE_MIN)
		return 0;
	if (lim->blksize_max != 0 && lim->blksize_max < cap)
		cap = lim->blksize_max;
	if (lim->blksize_mtu != 0 && lim->blksize_mtu < cap)
		cap = lim->blksize_mtu;
	/* A limit under the minimum is a configuration error: keep 512. */
	if (cap < TFTP_BLKSIZE_MIN)
		return 0;
	*out = v < cap ? v : cap;
	return 1;
}

static int
neg_windowsize(uint64_t v, const struct tftp_limits *lim, int mode,
    uint16_t blksize, uint16_t *out)
{
	uint64_t	 cap = TFTP_WINDOW_MAX, burst;

	if (v < 1)
		return 0;
	if (lim->windowsize_max != 0 && lim->windowsize_max < cap)
		cap = lim->windowsize_max;
	if (lim->window_bytes_max != 0) {
		burst = lim->window_bytes_max / (blksize + TFTP_HDRLEN);
		if (burst < lim->window_floor)
			burst = lim->window_floor;
		if (burst < cap)
			cap = burst > 0 ? burst : 1;
	}
	if (mode == TFTP_MODE_NETASCII)
		cap = 1;
	*out = v < cap ? v : cap;
	return 1;
}

/*
 * Decide the transfer parameters for an RRQ.  fsize is the file size
 * and nsize its netascii-converted size, each -1 when unknown (nsize
 * normally is).  Returns the number of options for the OACK; with 0,
 * no OACK is sent and DATA 1 starts the transfer.
 */
int
tftp_negotiate(const struct tftp_req *req, const struct tftp_limits *lim,
    int64_t fsize, int64_t nsize, struct tftp_opts *o)
{
	unsigned int	 i, ok = 0;
	uint64_t	 v;
	int64_t		 size;
	int		 id;

	memset(o, 0, sizeof(*o));
	o->blksize = TFTP_BLKSIZE_DEF;
	o->windowsize = 1;

	/* blksize first: the window cap in bytes depends on it. */
	if (req_value(req, TFTP_OPT_BLKSIZE, &v) &&
	    neg_blksize(v, lim, &o->blksize))
		ok |= 1U << TFTP_OPT_BLKSIZE;
	if (req_value(req, TFTP_OPT_WINDOWSIZE, &v) &&
	    neg_windowsize(v, lim, req->mode, o->blksize, &o->windowsize))
		ok |= 1U << TFTP_OPT_WINDOWSIZE;
	if (req_value(req, TFTP_OPT_TIMEOUT, &v) && lim->timeout_ok &&
	    v >= TFTP_TIMEOUT_MIN && v <= TFTP_TIMEOUT_MAX) {
		o->timeout = v;
		ok |= 1U << TFTP_OPT_TIMEOUT;
	}
	size = req->mode == TFTP_MODE_NETASCII ? nsize : fsize;
	if (req_value(req, TFTP_OPT_TSIZE, &v) && size >= 0) {
		o->tsize = size;
		ok |= 1U << TFTP_OPT_TSIZE;
	}

	for (i = 0; i < req->norder; i++) {
		id = req->order[i];
		if ((ok & (1U << id)) == 0)
			continue;
		o->oack[o->noack++] = id;
		memcpy(o->name[id], req->opt[id].name, TFTP_OPTNAME_MAX);
	}
	return o->noack;
}

static uint64_t
opts_value(const struct tftp_opts *o, int id)
{
	switch (id) {
	case TFTP_OPT_BLKSIZE:
		return o->blksize;
	case TFTP_OPT_WINDOWSIZE:
		return o->windowsize;
	case TFTP_OPT_TIMEOUT:
		return o->timeout;
	default:
		return o->tsize;
	}
}

/* Returns the packet length, or 0 if it does not fit in len bytes. */
size_t
tftp_build_oack(uint8_t *buf, size_t len, const struct tftp_opts *o)
{
	char		 num[24];
	size_t		 pos = 2, nlen, vlen;
	unsigned int	 i;
	int		 id;

	if (len < 2)
		return 0;
	put16(buf, TFTP_OACK);
	for (i = 0; i < o->noack; i++) {
		id = o->oack[i];
		nlen = strnlen(o->name[id], TFTP_OPTNAME_MAX - 1);
		vlen = snprintf(num, sizeof(num), "%" PRIu64,
		    opts_value(o, id));
		if (nlen + vlen + 2 > len - pos)
			return 0;
		memcpy(buf + pos, o->name[id], nlen);
		buf[pos + nlen] = '\0';
		pos += nlen + 1;
		memcpy(buf + pos, num, vlen + 1);
		pos += vlen + 1;
	}
	return pos;
}

/*
 * An ERROR packet; a message too long for the buffer is cut, since a
 * short reason is better than none.  Returns 0 if not even an empty
 * message fits.
 */
size_t
tftp_build_error(uint8_t *buf, size_t len, uint16_t code, const char *msg)
{
	size_t	 n;

	if (len < TFTP_HDRLEN + 1)
		return 0;
	put16(buf, TFTP_ERROR);
	put16(buf + 2, code);
	n = strnlen(msg, len - TFTP_HDRLEN - 1);
	memcpy(buf + TFTP_HDRLEN, msg, n);
	buf[TFTP_HDRLEN + n] = '\0';
	return TFTP_HDRLEN + n + 1;
}

/* The DATA header only: the engine puts the payload after it. */
size_t
tftp_build_data(uint8_t *buf, size_t len, uint16_t block)
{
	if (len < TFTP_HDRLEN)
		return 0;
	put16(buf, TFTP_DATA);
	put16(buf + 2, block);
	return TFTP_HDRLEN;
}

size_t
tftp_build_ack(uint8_t *buf, size_t len, uint16_t block)
{
	if (len < TFTP_HDRLEN)
		return 0;
	put16(buf, TFTP_ACK);
	put16(buf + 2, block);
	return TFTP_HDRLEN;
}

/*
 * Block numbers on the wire are the absolute number modulo 65536:
 * after 65535 comes 0, as tftp-hpa and the common clients expect.
 */
uint16_t
tftp_block_wire(uint64_t abs)
{
	return abs & 0xffff;
}

/*
 * The absolute block in [lo, hi] whose wire number is wire, or -1 if
 * none is.  With the window as the range ([first unacked - 1, last
 * sent]) this tells an ACK we can use from a stale or future one.  A
 * range of at most 65536 blocks, which any windowsize gives, has at
 * most one match.
 */
int
tftp_block_abs(uint16_t wire, uint64_t lo, uint64_t hi, uint64_t *abs)
{
	uint64_t	 cand;

	if (hi < lo)
		return -1;
	cand = lo + (uint16_t)(wire - tftp_block_wire(lo));
	if (cand < lo || cand > hi)
		return -1;
	*abs = cand;
	return 0;
}

/* The final block of a file: always short, empty for exact multiples. */
uint64_t
tftp_last_block(uint64_t size, uint16_t blksize)
{
	return size / blksize + 1;
}

/*
 * Convert file bytes into netascii wire bytes: LF becomes CR LF and
 * every CR becomes CR NUL, so a CR LF in the file goes out as
 * CR NUL CR LF and a client decodes it back to CR LF.  Fills out as
 * far as possible, sets *used to the input consumed and returns the
 * bytes written.  When only the first byte of a pair fits, the second
 * waits in st for the next call; a call with no input flushes it, so
 * at end of file the engine calls until nothing more comes out.
 */
size_t
tftp_netascii_encode(struct tftp_netascii *st, const uint8_t *in,
    size_t inlen, size_t *used, uint8_t *out, size_t outlen)
{
	size_t	 i = 0, o = 0;
	uint8_t	 c;

	if (st->pending && outlen > 0) {
		out[o++] = st->byte;
		st->pending = 0;
	}
	while (o < outlen && i < inlen) {
		c = in[i++];
		if (c != '\n' && c != '\r') {
			out[o++] = c;
			continue;
		}
		out[o++] = '\r';
		c = c == '\n' ? '\n' : '\0';
		if (o < outlen)
			out[o++] = c;
		else {
			st->pending = 1;
			st->byte = c;
		}
	}
	*used = i;
	return o;
}

/* The netascii size of a buffer: one extra byte per CR and per LF. */
uint64_t
tftp_netascii_size(const uint8_t *buf, size_t len)
{
	uint64_t	 n = len;
	size_t		 i;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			n++;
	return n;
}

/*
 * The send window, after RFC 7440 with RFC 1123's cure for the
 * Sorcerer's Apprentice:
 *
 * - At most size blocks are unacknowledged; a pending OACK (block 0)
 *   travels alone, DATA 1 waits for its ACK 0.
 * - An ACK is mapped to the absolute block in [first - 1, high - 1],
 *   high - 1 being the highest block ever sent: after a resend, next
 *   may trail blocks the client got the first time.  One for first - 1
 *   repeats the last ACK: in lockstep it changes nothing; in a window
 *   it reports that the block after it was lost, and is taken as such
 *   once a round trip has passed since the ACK it repeats, under the
 *   once-a-round-trip rule below.  One outside that range is stale or
 *   for a block never sent: ignored.
 * - An ACK for a block in flight moves first past it; the room that
 *   frees is filled with new blocks.
 * - An ACK short of the last block sent means the client missed the
 *   block after it (an RFC 7440 receiver acknowledges the last block
 *   it got in order): next goes back to first and the rest of the
 *   window goes again at once, not after a timeout.
 * - Such a resend happens at most once per round trip.  A partial ACK
 *   that follows a resend may answer a block sent before it, by a
 *   client that acknowledges more often than once per window; were it
 *   to resend again, every ACK would send a whole window.  So another
 *   resend waits until the client acknowledges a block first sent
 *   after the last one (at or past hold), or until the shortest round
 *   trip seen has passed since it: no ACK for a block sent again can
 *   come sooner, and ACKs for what went before it have had their round
 *   trip to arrive.
 *   The round trip is timed on one block at a time, never on a block
 *   sent twice (Karn), so a resend cannot shorten it.
 * - A timeout resends from first and ends the round; see
 *   tftp_window_wait() for when, and for a first packet that goes
 *   once.
 */
void
tftp_window_init(struct tftp_window *w, uint16_t size, int oack)
{
	w->first = w->next = w->high = oack ? 0 : 1;
	w->last = TFTP_LAST_UNKNOWN;
	w->hold = 0;
	w->resent = w->acked = 0;
	w->probe = w->rtt = w->srtt = TFTP_NONE;
	w->size = size > 0 ? size : 1;
	w->interval = 1000000;
	w->tries = 0;
	w->retries = 5;
	w->verified = 0;
}

void
tftp_window_set_last(struct tftp_window *w, uint64_t last)
{
	w->last = last;
}

/* How many blocks, from next on, may be sent now. */
uint64_t
tftp_window_room(const struct tftp_window *w)
{
	uint64_t	 end;

	if (w->first == 0)
		return w->next == 0;
	end = w->first + w->size - 1;
	if (w->last != TFTP_LAST_UNKNOWN && end > w->last)
		end = w->last;
	return w->next <= end ? end - w->next + 1 : 0;
}

/* n blocks from next on went out at now. */
void
tftp_window_sent(struct tftp_window *w, uint64_t n, uint64_t now)
{
	uint64_t	 room = tftp_window_room(w);

	if (n == 0)
		return;
	w->next += n < room ? n : room;
	if (w->next > w->high) {
		if (w->probe == TFTP_NONE) {
			w->probe = w->next - 1;
			w->probe_t = now;
		}
		w->high = w->next;
	}
}

static void
window_time(struct tftp_window *w, uint64_t abs, uint64_t now)
{
	uint64_t	 rtt;

	if (w->probe == TFTP_NONE || abs < w->probe)
		return;
	rtt = now > w->probe_t ? now - w->probe_t : 1;
	if (rtt < w->rtt)
		w->rtt = rtt;
	/* The shortest decides resends; the recent ones, what to expect. */
	w->srtt = w->srtt == TFTP_NONE ? rtt : (7 * w->srtt + rtt) / 8;
	w->probe = TFTP_NONE;
}

/*
 * Under loss the round trip may stay unmeasured for long (Karn: a
 * resent block times nothing), and a window that could never resend on
 * an ACK would wait for the retransmit timer and its back-off while the
 * client keeps asking.  Until a round trip is measured, one far longer
 * than a LAN's stands in for it.
 */
static uint64_t
window_rtt(const struct tftp_window *w)
{
	return w->rtt != TFTP_NONE ? w->rtt : TFTP_RTT_GUESS;
}

static int
window_may_resend(const struct tftp_window *w, uint64_t abs, uint64_t now)
{
	if (abs >= w->hold)
		return 1;
	return now >= w->resent && now - w->resent >= window_rtt(w);
}

int
tftp_window_ack(struct tftp_window *w, uint16_t wire, uint64_t now)
{
	uint64_t	 abs, lo, moved;

	if (w->high == 0)		/* not even the OACK went out */
		return TFTP_ACK_STRAY;
	lo = w->first > 0 ? w->first - 1 : 0;
	if (tftp_block_abs(wire, lo, w->high - 1, &abs) == -1)
		return TFTP_ACK_STRAY;
	if (abs < w->first) {
		/*
		 * A repeated ACK in a window says the block after it was
		 * lost.  Lockstep never resends on one (the Sorcerer's
		 * Apprentice); a window does, once a round trip at most, and
		 * only a round trip after the ACK it repeats, before which
		 * it can be no answer to what that ACK let us send.
		 */
		if (w->size == 1 || w->first == w->next || now < w->acked ||
		    now - w->acked < window_rtt(w) ||
		    !window_may_resend(w, abs, now))
			return TFTP_ACK_DUP;
		return window_rewind(w, now);
	}
	/*
	 * An ACK short of what was sent shows a gap: the client stopped
	 * at it and waits for the rest.  Soon after a resend it may also
	 * be an old one, sent before the resend arrived, from a client
	 * that acknowledges every block: such ACKs move the window one
	 * block at a time and send nothing until a round trip has passed.
	 * An RFC 7440 client sends no ACK past a gap until the resend
	 * fills it, so one that moves the window further is an answer to
	 * the resend and shows the next gap: resend at once.
	 */
	moved = abs + 1 - w->first;
	w->first = abs + 1;
	w->acked = now;
	w->tries = 0;
	w->verified = 1;
	if (w->next < w->first)
		w->next = w->first;	/* sent before a resend reached it */
	window_time(w, abs, now);
	if (w->first == w->next ||
	    (moved < 2 && !window_may_resend(w, abs, now)))
		return TFTP_ACK_NEW;
	return window_rewind(w, now);
}

static int
window_rewind(struct tftp_window *w, uint64_t now)
{
	w->hold = w->next;
	w->resent = now;
	w->next = w->first;
	w->probe = TFTP_NONE;
	w->tries = 0;		/* the client is there */
	w->verified = 1;
	return TFTP_ACK_RESEND;
}

/*
 * The retransmission timer: interval microseconds after the last
 * progress (RFC 2349's timeout, or the server's), doubled with each
 * timeout up to TFTP_BACKOFF times and never over TFTP_WAIT_MAX, and
 * the transfer given up after retries timeouts in a row.  Until the
 * client has acknowledged something the transfer may be talking to an
 * address that never asked: no timer resends its first packet, and it
 * is given up after the leash, twice the timeout within TFTP_LEASH_MIN
 * and TFTP_LEASH_MAX.  Every caller (the engine and the loss simulation
 * of the unit tests) times its resends with these.
 */
void
tftp_window_timer(struct tftp_window *w, uint64_t interval,
    unsigned int retries)
{
	w->interval = interval > 0 ? interval : 1;
	w->retries = retries;
}

/* How long to wait for progress before resending, or giving up. */
uint64_t
tftp_window_wait(const struct tftp_window *w)
{
	unsigned int	 shift;
	uint64_t	 wait;

	if (!w->verified) {
		wait = 2 * w->interval;
		if (wait < TFTP_LEASH_MIN)
			return TFTP_LEASH_MIN;
		return wait < TFTP_LEASH_MAX ? wait : TFTP_LEASH_MAX;
	}
	shift = w->tries < TFTP_BACKOFF ? w->tries : TFTP_BACKOFF;
	wait = w->interval << shift;
	return wait < TFTP_WAIT_MAX ? wait : TFTP_WAIT_MAX;
}

/*
 * No progress for tftp_window_wait(): resend from the first block not
 * acknowledged.  Returns -1 when the transfer is to be given up instead:
 * the leash is over, or the retries are used up.
 */
int
tftp_window_timeout(struct tftp_window *w)
{
	if (!w->verified || ++w->tries > w->retries)
		return -1;
	tftp_window_again(w);
	return 0;
}

/* Everything from the first block not acknowledged goes again. */
void
tftp_window_again(struct tftp_window *w)
{
	w->next = w->first;
	w->hold = 0;
	w->probe = TFTP_NONE;
}

int
tftp_window_done(const struct tftp_window *w)
{
	return w->last != TFTP_LAST_UNKNOWN && w->first > w->last;
}
