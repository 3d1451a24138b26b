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

#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tftp.h"

/* A byte-string literal with its embedded NULs, minus the final one. */
#define P(lit)	(const uint8_t *)(lit), sizeof(lit) - 1

/*
 * Requests used in several tests.  Literals are split after every
 * "\0" so that a following digit is not read as part of an octal
 * escape.
 */
#define EDK2_RRQ	"\0\1" "bootx64.efi\0" "octet\0" "blksize\0" \
			"1468\0" "windowsize\0" "4\0" "tsize\0" "0\0"
#define IPXE_RRQ	"\0\1" "ipxe.efi\0" "octet\0" "blksize\0" "1432\0" \
			"tsize\0" "0\0"

static struct tftp_limits	 lim_none;	/* RFC limits only */

static uint32_t	 rnd(uint32_t *);
static int	 same_bytes(const uint8_t *, size_t, const uint8_t *, size_t);
static int	 oack_is(const struct tftp_opts *, const uint8_t *, size_t);
static int	 parse_err(const uint8_t *, size_t, uint16_t, const char *);
static int	 neg(const uint8_t *, size_t, const struct tftp_limits *,
		    int64_t, int64_t, struct tftp_opts *);
static int	 opt_value(const char *, const char *,
		    const struct tftp_limits *, uint64_t *);
static void	 test_plain(void);
static void	 test_clients(void);
static void	 test_case(void);
static void	 test_blksize(void);
static void	 test_windowsize(void);
static void	 test_timeout(void);
static void	 test_tsize(void);
static void	 test_duplicates(void);
static void	 test_many(void);
static void	 test_modes(void);
static void	 test_malformed(void);
static void	 test_truncated(void);
static void	 test_reply(void);
static void	 test_builders(void);
static void	 test_mtu(void);
static void	 test_blocks(void);
static void	 test_rollover(void);
static void	 test_netascii(void);
static void	 test_netascii_stream(void);
static void	 test_window(void);
static void	 test_window_rtt(void);
static void	 test_window_eager(void);
static void	 test_window_oack(void);
static void	 test_window_dup(void);
static void	 test_window_timer(void);
static void	 test_window_lossy(void);

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int
same_bytes(const uint8_t *got, size_t glen, const uint8_t *want,
    size_t wlen)
{
	size_t	 i;

	if (glen == wlen && memcmp(got, want, glen) == 0)
		return 1;
	fprintf(stderr, "got %zu bytes:", glen);
	for (i = 0; i < glen; i++)
		fprintf(stderr, " %02x", got[i]);
	fprintf(stderr, "\nwant %zu bytes:", wlen);
	for (i = 0; i < wlen; i++)
		fprintf(stderr, " %02x", want[i]);
	fprintf(stderr, "\n");
	return 0;
}

static int
oack_is(const struct tftp_opts *o, const uint8_t *want, size_t wlen)
{
	uint8_t	 buf[TFTP_OACK_MAX];
	size_t	 n;

	n = tftp_build_oack(buf, sizeof(buf), o);
	return same_bytes(buf, n, want, wlen);
}

/* 1 if parsing the request fails with this code and message. */
static int
parse_err(const uint8_t *buf, size_t len, uint16_t code, const char *msg)
{
	struct tftp_req	 req;
	struct tftp_err	 err = { 0, NULL };

	if (tftp_parse_req(buf, len, &req, &err) != -1)
		return 0;
	if (err.code != code || err.msg == NULL || strcmp(err.msg, msg)) {
		fprintf(stderr, "error %u \"%s\", want %u \"%s\"\n",
		    err.code, err.msg ? err.msg : "(null)", code, msg);
		return 0;
	}
	return 1;
}

/* Parse and negotiate; the number of OACK options, -1 on parse error. */
static int
neg(const uint8_t *buf, size_t len, const struct tftp_limits *lim,
    int64_t fsize, int64_t nsize, struct tftp_opts *o)
{
	struct tftp_req	 req;
	struct tftp_err	 err;

	/* A failed step leaves *o alone: let later checks read zeros. */
	memset(o, 0, sizeof(*o));
	if (tftp_parse_req(buf, len, &req, &err) == -1)
		return -1;
	return tftp_negotiate(&req, lim, fsize, nsize, o);
}

/*
 * Request "f" with one option name/value; 1 and the acknowledged value
 * if it is in the OACK, 0 if not.
 */
static int
opt_value(const char *name, const char *value,
    const struct tftp_limits *lim, uint64_t *v)
{
	struct tftp_opts	 o;
	uint8_t			 buf[128];
	size_t			 n = 0;

	memcpy(buf, "\0\1f\0octet", 10);
	n = 10;
	memcpy(buf + n, name, strlen(name) + 1);
	n += strlen(name) + 1;
	memcpy(buf + n, value, strlen(value) + 1);
	n += strlen(value) + 1;
	if (neg(buf, n, lim, 1000, -1, &o) != 1)
		return 0;
	switch (o.oack[0]) {
	case TFTP_OPT_BLKSIZE:
		*v = o.blksize;
		break;
	case TFTP_OPT_WINDOWSIZE:
		*v = o.windowsize;
		break;
	case TFTP_OPT_TIMEOUT:
		*v = o.timeout;
		break;
	default:
		*v = o.tsize;
	}
	return 1;
}

static void
test_plain(void)
{
	struct tftp_req		 req;
	struct tftp_err		 err;
	struct tftp_opts	 o;

	CHECK_INT(tftp_parse_req(P("\0\1pxelinux.0\0octet\0"), &req, &err),
	    0);
	CHECK_INT(req.op, TFTP_RRQ);
	CHECK_INT(req.mode, TFTP_MODE_OCTET);
	CHECK_INT(req.filenamelen, 10);
	CHECK(memcmp(req.filename, "pxelinux.0", 11) == 0);
	CHECK_INT(req.nopts, 0);
	CHECK_INT(req.norder, 0);
	CHECK_INT(tftp_negotiate(&req, &lim_none, 1000, -1, &o), 0);
	CHECK_INT(o.blksize, 512);
	CHECK_INT(o.windowsize, 1);
	CHECK_INT(o.timeout, 0);
	CHECK_INT(o.noack, 0);

	/* Write requests parse; the engine answers them with ERROR 2. */
	CHECK_INT(tftp_parse_req(P("\0\2upload.bin\0octet\0"), &req, &err),
	    0);
	CHECK_INT(req.op, TFTP_WRQ);
	CHECK_INT(req.filenamelen, 10);

	/* Raw file name bytes are kept for path_clean(). */
	CHECK_INT(tftp_parse_req(P("\0\1\\Boot\\..\\x\0octet\0"), &req,
	    &err), 0);
	CHECK_INT(req.filenamelen, 10);
	CHECK(memcmp(req.filename, "\\Boot\\..\\x", 11) == 0);
}

static void
test_clients(void)
{
	struct tftp_limits	 lim = { 0, 1468, 64, 0, 1, 0 };
	struct tftp_opts	 o;

	/* EDK2/OVMF. */
	CHECK_INT(neg(P(EDK2_RRQ), &lim, 123456, -1, &o), 3);
	CHECK_INT(o.blksize, 1468);
	CHECK_INT(o.windowsize, 4);
	CHECK_INT(o.tsize, 123456);
	CHECK(oack_is(&o, P("\0\6" "blksize\0" "1468\0" "windowsize\0"
	    "4\0" "tsize\0" "123456\0")));

	/* EDK2's tsize-only probe. */
	CHECK_INT(neg(P("\0\1" "bootx64.efi\0" "octet\0" "tsize\0" "0\0"),
	    &lim, 0, -1, &o), 1);
	CHECK(oack_is(&o, P("\0\6" "tsize\0" "0\0")));

	/* iPXE; the order of the OACK follows the client's. */
	CHECK_INT(neg(P(IPXE_RRQ), &lim, 1048576, -1, &o), 2);
	CHECK_INT(o.blksize, 1432);
	CHECK(oack_is(&o, P("\0\6" "blksize\0" "1432\0" "tsize\0"
	    "1048576\0")));
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "tsize\0" "0\0" "blksize\0"
	    "1432\0"), &lim, 7, -1, &o), 2);
	CHECK(oack_is(&o, P("\0\6" "tsize\0" "7\0" "blksize\0" "1432\0")));

	/* PXELINUX asks 1408; a 9000 MTU cap leaves it alone. */
	lim.blksize_mtu = 8968;
	CHECK_INT(neg(P("\0\1" "pxelinux.0\0" "octet\0" "tsize\0" "0\0"
	    "blksize\0" "1408\0"), &lim, 26000, -1, &o), 2);
	CHECK_INT(o.blksize, 1408);

	/* A 64-bit file size is printed in full. */
	CHECK_INT(neg(P(IPXE_RRQ), &lim, 5000000000LL, -1, &o), 2);
	CHECK(oack_is(&o, P("\0\6" "blksize\0" "1432\0" "tsize\0"
	    "5000000000\0")));
}

static void
test_case(void)
{
	struct tftp_req		 req;
	struct tftp_err		 err;
	struct tftp_opts	 o;

	CHECK_INT(tftp_parse_req(P("\0\1" "a\0" "OcTeT\0" "BLKSIZE\0"
	    "1024\0" "TSize\0" "0\0"), &req, &err), 0);
	CHECK_INT(req.mode, TFTP_MODE_OCTET);
	CHECK_INT(tftp_negotiate(&req, &lim_none, 42, -1, &o), 2);
	CHECK_INT(o.blksize, 1024);
	/* Names go back in the client's spelling. */
	CHECK(oack_is(&o, P("\0\6" "BLKSIZE\0" "1024\0" "TSize\0" "42\0")));

	CHECK_INT(tftp_parse_req(P("\0\1" "a\0" "NETASCII\0"), &req, &err),
	    0);
	CHECK_INT(req.mode, TFTP_MODE_NETASCII);
	CHECK_INT(tftp_parse_req(P("\0\1" "a\0" "NetAscii\0" "WindowSize\0"
	    "8\0"), &req, &err), 0);
	CHECK_INT(req.mode, TFTP_MODE_NETASCII);
	CHECK_INT(req.norder, 1);
	CHECK_STR(req.opt[TFTP_OPT_WINDOWSIZE].name, "WindowSize");

	/* Unknown options are skipped but counted. */
	CHECK_INT(tftp_parse_req(P("\0\1" "a\0" "octet\0" "multicast\0"
	    "\0" "foo\0" "bar\0" "blksize\0" "1024\0" "blksize2\0" "9\0"),
	    &req, &err), 0);
	CHECK_INT(req.nopts, 4);
	CHECK_INT(req.norder, 1);
	CHECK_INT(tftp_negotiate(&req, &lim_none, 5, -1, &o), 1);
	CHECK(oack_is(&o, P("\0\6" "blksize\0" "1024\0")));

	/* Nothing we know: no OACK. */
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "rollover\0" "0\0"),
	    &lim_none, 5, -1, &o), 0);
	CHECK_INT(o.blksize, 512);
}

static void
test_blksize(void)
{
	struct tftp_limits	 lim = lim_none;
	uint64_t		 v = 0;

	CHECK(!opt_value("blksize", "1", &lim, &v));
	CHECK(!opt_value("blksize", "7", &lim, &v));
	CHECK(opt_value("blksize", "8", &lim, &v) && v == 8);
	CHECK(opt_value("blksize", "512", &lim, &v) && v == 512);
	CHECK(opt_value("blksize", "65464", &lim, &v) && v == 65464);
	CHECK(opt_value("blksize", "65465", &lim, &v) && v == 65464);
	CHECK(opt_value("blksize", "99999999999", &lim, &v) && v == 65464);
	CHECK(opt_value("blksize", "99999999999999999999999", &lim, &v) &&
	    v == 65464);
	CHECK(opt_value("blksize", "01468", &lim, &v) && v == 1468);
	CHECK(!opt_value("blksize", "12abc", &lim, &v));
	CHECK(!opt_value("blksize", "", &lim, &v));
	CHECK(!opt_value("blksize", "-1", &lim, &v));
	CHECK(!opt_value("blksize", " 512", &lim, &v));
	CHECK(!opt_value("blksize", "+512", &lim, &v));
	CHECK(!opt_value("blksize", "0", &lim, &v));

	/* Clamped to the config, then to the path MTU. */
	lim.blksize_max = 1024;
	CHECK(opt_value("blksize", "1468", &lim, &v) && v == 1024);
	CHECK(opt_value("blksize", "1000", &lim, &v) && v == 1000);
	lim.blksize_max = 8192;
	lim.blksize_mtu = 1468;
	CHECK(opt_value("blksize", "65464", &lim, &v) && v == 1468);
	CHECK(opt_value("blksize", "7", &lim, &v) == 0);
	/* A cap under 8 is not obeyed by answering under 8. */
	lim.blksize_max = 4;
	CHECK(!opt_value("blksize", "1468", &lim, &v));
}

static void
test_windowsize(void)
{
	struct tftp_limits	 lim = lim_none;
	struct tftp_opts	 o;
	uint64_t		 v = 0;

	CHECK(!opt_value("windowsize", "0", &lim, &v));
	CHECK(opt_value("windowsize", "1", &lim, &v) && v == 1);
	CHECK(opt_value("windowsize", "64", &lim, &v) && v == 64);
	CHECK(opt_value("windowsize", "65535", &lim, &v) && v == 65535);
	CHECK(opt_value("windowsize", "70000", &lim, &v) && v == 65535);
	CHECK(!opt_value("windowsize", "x", &lim, &v));
	lim.windowsize_max = 16;
	CHECK(opt_value("windowsize", "64", &lim, &v) && v == 16);
	CHECK(opt_value("windowsize", "70000", &lim, &v) && v == 16);
	CHECK(opt_value("windowsize", "4", &lim, &v) && v == 4);

	/* A burst of windowsize DATA packets must fit 200000 bytes. */
	lim.windowsize_max = 64;
	lim.window_bytes_max = 200000;
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "windowsize\0" "64\0"
	    "blksize\0" "65464\0"), &lim, 1, -1, &o), 2);
	CHECK_INT(o.blksize, 65464);
	CHECK_INT(o.windowsize, 3);
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "windowsize\0" "64\0"
	    "blksize\0" "1468\0"), &lim, 1, -1, &o), 2);
	CHECK_INT(o.windowsize, 64);
	lim.window_bytes_max = 1000;
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "windowsize\0" "64\0"
	    "blksize\0" "1468\0"), &lim, 1, -1, &o), 2);
	CHECK_INT(o.windowsize, 1);
	/* The floor: 4 blocks of any size, never more than asked or allowed. */
	lim.window_bytes_max = 131072;
	lim.window_floor = 4;
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "windowsize\0" "64\0"
	    "blksize\0" "65464\0"), &lim, 1, -1, &o), 2);
	CHECK_INT(o.windowsize, 4);
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "windowsize\0" "2\0"
	    "blksize\0" "65464\0"), &lim, 1, -1, &o), 2);
	CHECK_INT(o.windowsize, 2);
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "windowsize\0" "64\0"
	    "blksize\0" "8192\0"), &lim, 1, -1, &o), 2);
	CHECK_INT(o.windowsize, 15);
	lim.windowsize_max = 3;
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "windowsize\0" "64\0"
	    "blksize\0" "65464\0"), &lim, 1, -1, &o), 2);
	CHECK_INT(o.windowsize, 3);
	lim.windowsize_max = 64;
	lim.window_floor = 0;

	/* netascii: windowsize 1, said so in the OACK. */
	CHECK_INT(neg(P("\0\1" "a\0" "netascii\0" "windowsize\0" "8\0"),
	    &lim_none, 1, -1, &o), 1);
	CHECK_INT(o.windowsize, 1);
	CHECK(oack_is(&o, P("\0\6" "windowsize\0" "1\0")));
}

static void
test_timeout(void)
{
	struct tftp_limits	 lim = lim_none;
	uint64_t		 v = 0;

	lim.timeout_ok = 1;
	CHECK(!opt_value("timeout", "0", &lim, &v));
	CHECK(opt_value("timeout", "1", &lim, &v) && v == 1);
	CHECK(opt_value("timeout", "5", &lim, &v) && v == 5);
	CHECK(opt_value("timeout", "255", &lim, &v) && v == 255);
	CHECK(!opt_value("timeout", "256", &lim, &v));
	CHECK(!opt_value("timeout", "99999999999999999999", &lim, &v));
	lim.timeout_ok = 0;
	CHECK(!opt_value("timeout", "5", &lim, &v));
}

static void
test_tsize(void)
{
	struct tftp_opts	 o;

	/* A read request's tsize value does not matter: we answer ours. */
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "tsize\0" "999\0"),
	    &lim_none, 4096, -1, &o), 1);
	CHECK(oack_is(&o, P("\0\6" "tsize\0" "4096\0")));
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "tsize\0" "abc\0"),
	    &lim_none, 4096, -1, &o), 0);
	/* Unknown size: left out, never made up. */
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "tsize\0" "0\0"),
	    &lim_none, -1, -1, &o), 0);
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "tsize\0" "0\0"),
	    &lim_none, 0, -1, &o), 1);
	CHECK(oack_is(&o, P("\0\6" "tsize\0" "0\0")));
	/* netascii: only the converted size, never the file size. */
	CHECK_INT(neg(P("\0\1" "a\0" "netascii\0" "tsize\0" "0\0"),
	    &lim_none, 100, -1, &o), 0);
	CHECK_INT(neg(P("\0\1" "a\0" "netascii\0" "tsize\0" "0\0"),
	    &lim_none, 100, 105, &o), 1);
	CHECK(oack_is(&o, P("\0\6" "tsize\0" "105\0")));
}

static void
test_duplicates(void)
{
	struct tftp_req		 req;
	struct tftp_err		 err;
	struct tftp_opts	 o;

	/* A twice-given option is ignored altogether. */
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "blksize\0" "1024\0"
	    "blksize\0" "512\0"), &lim_none, 1, -1, &o), 0);
	CHECK_INT(o.blksize, 512);
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "blksize\0" "1024\0"
	    "BLKSIZE\0" "1024\0"), &lim_none, 1, -1, &o), 0);
	/* The others survive, in order. */
	CHECK_INT(tftp_parse_req(P("\0\1" "a\0" "octet\0" "blksize\0"
	    "1024\0" "tsize\0" "0\0" "blksize\0" "2048\0" "windowsize\0"
	    "4\0" "blksize\0" "8\0"), &req, &err), 0);
	CHECK_INT(req.nopts, 5);
	CHECK_INT(req.norder, 2);
	CHECK_INT(tftp_negotiate(&req, &lim_none, 9, -1, &o), 2);
	CHECK_INT(o.blksize, 512);
	CHECK(oack_is(&o, P("\0\6" "tsize\0" "9\0" "windowsize\0" "4\0")));
	/* Unknown duplicates do not matter. */
	CHECK_INT(neg(P("\0\1" "a\0" "octet\0" "x\0" "1\0" "x\0" "2\0"
	    "blksize\0" "1024\0"), &lim_none, 1, -1, &o), 1);
}

static void
test_many(void)
{
	struct tftp_req		 req;
	struct tftp_err		 err;
	static uint8_t		 buf[20000];
	size_t			 n, hdr;
	int			 i;

	memcpy(buf, "\0\1f\0octet", 10);
	hdr = n = 10;
	/* Pairs "o0\0" "0\0", "o1\0" "1\0", ... */
	for (i = 0; i < 1000; i++) {
		n += snprintf((char *)buf + n, sizeof(buf) - n, "o%d", i) + 1;
		n += snprintf((char *)buf + n, sizeof(buf) - n, "%d", i) + 1;
	}
	CHECK(n < sizeof(buf));
	CHECK(parse_err(buf, n, TFTP_EOPTNEG, "too many options"));

	/* TFTP_MAXOPTS pairs are fine, the last one known. */
	n = hdr;
	for (i = 0; i < TFTP_MAXOPTS - 1; i++) {
		memcpy(buf + n, "xx\0" "1", 5);
		n += 5;
	}
	memcpy(buf + n, "blksize\0" "1024", 13);
	n += 13;
	CHECK_INT(tftp_parse_req(buf, n, &req, &err), 0);
	CHECK_INT(req.nopts, TFTP_MAXOPTS);
	CHECK_INT(req.norder, 1);
	memcpy(buf + n, "y\0" "2", 4);
	CHECK(parse_err(buf, n + 4, TFTP_EOPTNEG, "too many options"));
}

static void
test_modes(void)
{
	CHECK(parse_err(P("\0\1" "file\0"), TFTP_EBADOP,
	    "missing transfer mode"));
	CHECK(parse_err(P("\0\1" "file\0" "\0"), TFTP_EBADOP,
	    "missing transfer mode"));
	CHECK(parse_err(P("\0\1" "file\0" "octet"), TFTP_EBADOP,
	    "transfer mode not terminated"));
	CHECK(parse_err(P("\0\1" "file\0" "binary\0"), TFTP_EBADOP,
	    "unknown transfer mode"));
	CHECK(parse_err(P("\0\1" "file\0" "octets\0"), TFTP_EBADOP,
	    "unknown transfer mode"));
	CHECK(parse_err(P("\0\1" "file\0" "octe\0"), TFTP_EBADOP,
	    "unknown transfer mode"));
	CHECK(parse_err(P("\0\1" "file\0" "mail\0"), TFTP_EBADOP,
	    "mail mode not supported"));
	CHECK(parse_err(P("\0\1" "file\0" "MAIL\0"), TFTP_EBADOP,
	    "mail mode not supported"));
}

static void
test_malformed(void)
{
	struct tftp_req	 req;
	struct tftp_err	 err;

	CHECK(parse_err(P(""), TFTP_EBADOP, "not a request"));
	CHECK(parse_err(P("\0"), TFTP_EBADOP, "not a request"));
	CHECK(parse_err(P("\0\3" "file\0" "octet\0"), TFTP_EBADOP,
	    "not a request"));
	CHECK(parse_err(P("\0\6" "file\0" "octet\0"), TFTP_EBADOP,
	    "not a request"));
	CHECK(parse_err(P("\1\1" "file\0" "octet\0"), TFTP_EBADOP,
	    "not a request"));
	CHECK(parse_err(P("\0\1"), TFTP_EBADOP, "file name not terminated"));
	CHECK(parse_err(P("\0\1" "file"), TFTP_EBADOP,
	    "file name not terminated"));
	CHECK(parse_err(P("\0\1" "\0" "octet\0"), TFTP_EBADOP,
	    "empty file name"));
	/* Odd strings. */
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "blksize\0"), TFTP_EOPTNEG,
	    "option without value"));
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "blksize\0" "1024"),
	    TFTP_EOPTNEG, "option without value"));
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "blksize"), TFTP_EOPTNEG,
	    "malformed option list"));
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "tsize\0" "0\0" "blksize\0"),
	    TFTP_EOPTNEG, "option without value"));
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "\0" "blksize\0" "8\0"),
	    TFTP_EOPTNEG, "empty option name"));
	/* Garbage after the last option is refused, whatever its shape. */
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "blksize\0" "512\0" "\xff"),
	    TFTP_EOPTNEG, "malformed option list"));
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "blksize\0" "512\0" "junk\0"),
	    TFTP_EOPTNEG, "option without value"));
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "\0\0" "junk"),
	    TFTP_EOPTNEG, "empty option name"));
	CHECK(parse_err(P("\0\1" "f\0" "octet\0" "tsize\0" "0\0" "\0junk\0"),
	    TFTP_EOPTNEG, "empty option name"));
	/* Zero padding after the last pair is accepted. */
	CHECK_INT(tftp_parse_req(P("\0\1" "f\0" "octet\0" "\0\0\0\0"), &req,
	    &err), 0);
	CHECK_INT(tftp_parse_req(P("\0\1" "f\0" "octet\0" "blksize\0"
	    "1024\0" "\0"), &req, &err), 0);
	CHECK_INT(req.norder, 1);
	/* A 10-character name longer than any we know. */
	CHECK_INT(tftp_parse_req(P("\0\1" "f\0" "octet\0"
	    "windowsizeXXXXXXXXXXXXXXXXXXXX\0" "4\0"), &req, &err), 0);
	CHECK_INT(req.norder, 0);
}

/*
 * Every prefix of a good packet, each in a buffer of exactly that size
 * so that ASan sees any read past the end.  A prefix parses only when
 * it ends on the NUL closing the mode or an option value.
 */
static void
test_truncated(void)
{
	static const uint8_t	 edk2[] = EDK2_RRQ;
	static const uint8_t	 error[] = "\0\5\0\1File not found";
	struct tftp_req		 req;
	struct tftp_reply	 r;
	struct tftp_err		 err;
	uint8_t			*b;
	size_t			 len, full = sizeof(edk2) - 1;
	int			 ok = 0, rv;

	for (len = 0; len <= full; len++) {
		if ((b = malloc(len > 0 ? len : 1)) == NULL)
			abort();
		memcpy(b, edk2, len);
		rv = tftp_parse_req(b, len, &req, &err);
		if (rv == 0) {
			ok++;
			CHECK(len > 0 && b[len - 1] == '\0');
		} else
			CHECK(err.code == TFTP_EBADOP ||
			    err.code == TFTP_EOPTNEG);
		rv = tftp_parse_reply(b, len, &r, &err);
		CHECK_INT(rv, -1);
		free(b);
	}
	CHECK_INT(ok, 4);	/* mode, blksize, windowsize, tsize */

	for (len = 0; len <= sizeof(error) - 1; len++) {
		if ((b = malloc(len > 0 ? len : 1)) == NULL)
			abort();
		memcpy(b, error, len);
		rv = tftp_parse_reply(b, len, &r, &err);
		CHECK_INT(rv, len < 4 ? -1 : 0);
		if (rv == 0)
			CHECK_INT(strlen(r.msg), len - 4);
		CHECK_INT(tftp_parse_req(b, len, &req, &err), -1);
		free(b);
	}
}

static void
test_reply(void)
{
	struct tftp_reply	 r;
	struct tftp_err		 err;
	uint8_t			 big[4 + 300];

	CHECK_INT(tftp_parse_reply(P("\0\4\1\2"), &r, &err), 0);
	CHECK_INT(r.op, TFTP_ACK);
	CHECK_INT(r.block, 258);
	CHECK_INT(tftp_parse_reply(P("\0\4\377\377" "pad"), &r, &err), 0);
	CHECK_INT(r.block, 65535);
	CHECK_INT(tftp_parse_reply(P("\0\4\0"), &r, &err), -1);
	CHECK_INT(err.code, TFTP_EBADOP);
	CHECK_STR(err.msg, "short ACK");

	CHECK_INT(tftp_parse_reply(P("\0\5\0\1" "File not found\0"), &r,
	    &err), 0);
	CHECK_INT(r.op, TFTP_ERROR);
	CHECK_INT(r.code, 1);
	CHECK_STR(r.msg, "File not found");
	/* Without its NUL, and with bytes after it. */
	CHECK_INT(tftp_parse_reply(P("\0\5\0\10" "tsize too big"), &r, &err),
	    0);
	CHECK_INT(r.code, 8);
	CHECK_STR(r.msg, "tsize too big");
	CHECK_INT(tftp_parse_reply(P("\0\5\0\0" "abc\0" "junk"), &r, &err),
	    0);
	CHECK_STR(r.msg, "abc");
	CHECK_INT(tftp_parse_reply(P("\0\5\1\0"), &r, &err), 0);
	CHECK_INT(r.code, 256);
	CHECK_STR(r.msg, "");
	memcpy(big, "\0\5\0\0", 4);
	memset(big + 4, 'm', sizeof(big) - 4);
	CHECK_INT(tftp_parse_reply(big, sizeof(big), &r, &err), 0);
	CHECK_INT(strlen(r.msg), TFTP_ERRMSG_MAX - 1);

	CHECK_INT(tftp_parse_reply(P("\0\3\0\1" "data"), &r, &err), -1);
	CHECK_STR(err.msg, "DATA from a reading client");
	CHECK_INT(tftp_parse_reply(P("\0\6" "blksize\0" "512\0"), &r, &err),
	    -1);
	CHECK_STR(err.msg, "OACK from a client");
	CHECK_INT(tftp_parse_reply(P("\0\1" "f\0" "octet\0"), &r, &err), -1);
	CHECK_STR(err.msg, "request inside a transfer");
	CHECK_INT(tftp_parse_reply(P("\0\2" "f\0" "octet\0"), &r, &err), -1);
	CHECK_INT(tftp_parse_reply(P("\0\7\0\0"), &r, &err), -1);
	CHECK_STR(err.msg, "unknown opcode");
	CHECK_INT(err.code, TFTP_EBADOP);
	CHECK_INT(tftp_opcode(P("\0")), -1);
	CHECK_INT(tftp_opcode(P("\1\2")), 258);
}

static void
test_builders(void)
{
	struct tftp_opts	 o;
	uint8_t			 buf[64];

	CHECK(same_bytes(buf, tftp_build_error(buf, sizeof(buf),
	    TFTP_ENOTFOUND, "File not found"),
	    P("\0\5\0\1" "File not found\0")));
	CHECK(same_bytes(buf, tftp_build_error(buf, sizeof(buf),
	    TFTP_EUNDEF, ""), P("\0\5\0\0" "\0")));
	/* Cut to fit, still terminated. */
	CHECK(same_bytes(buf, tftp_build_error(buf, 8, TFTP_EACCESS,
	    "Access violation"), P("\0\5\0\2" "Acc\0")));
	CHECK_INT(tftp_build_error(buf, 5, TFTP_EACCESS, "x"), 5);
	CHECK_INT(tftp_build_error(buf, 4, TFTP_EACCESS, "x"), 0);

	CHECK(same_bytes(buf, tftp_build_data(buf, sizeof(buf), 0xfffe),
	    P("\0\3\377\376")));
	CHECK_INT(tftp_build_data(buf, 3, 1), 0);
	CHECK(same_bytes(buf, tftp_build_ack(buf, sizeof(buf), 0x0100),
	    P("\0\4\1\0")));
	CHECK_INT(tftp_build_ack(buf, 3, 1), 0);

	/* An OACK that does not fit is not built by halves. */
	CHECK_INT(neg(P(EDK2_RRQ), &lim_none, 123456, -1, &o), 3);
	CHECK_INT(tftp_build_oack(buf, 20, &o), 0);
	CHECK_INT(tftp_build_oack(buf, 1, &o), 0);
	CHECK_INT(tftp_build_oack(buf, 2 + 13 + 13 + 13, &o), 2 + 13 + 13 +
	    13);
	CHECK_INT(tftp_build_oack(buf, 2 + 13 + 13 + 12, &o), 0);
}

static void
test_mtu(void)
{
	CHECK_INT(tftp_blksize_for_mtu(1500, AF_INET), 1468);
	CHECK_INT(tftp_blksize_for_mtu(1500, AF_INET6), 1448);
	CHECK_INT(tftp_blksize_for_mtu(9000, AF_INET), 8968);
	CHECK_INT(tftp_blksize_for_mtu(65536, AF_INET), 65464);
	CHECK_INT(tftp_blksize_for_mtu(576, AF_INET), 544);
	CHECK_INT(tftp_blksize_for_mtu(30, AF_INET), 8);
	CHECK_INT(tftp_blksize_for_mtu(0, AF_INET), 0);
}

static void
test_blocks(void)
{
	uint64_t	 abs = 0;

	CHECK_INT(tftp_block_wire(1), 1);
	CHECK_INT(tftp_block_wire(65535), 65535);
	CHECK_INT(tftp_block_wire(65536), 0);
	CHECK_INT(tftp_block_wire(65537), 1);
	CHECK_INT(tftp_block_wire(3 * 65536ULL + 7), 7);

	CHECK_INT(tftp_block_abs(0, 65535, 65537, &abs), 0);
	CHECK_INT(abs, 65536);
	CHECK_INT(tftp_block_abs(1, 65535, 65537, &abs), 0);
	CHECK_INT(abs, 65537);
	CHECK_INT(tftp_block_abs(65535, 65535, 65537, &abs), 0);
	CHECK_INT(abs, 65535);
	CHECK_INT(tftp_block_abs(2, 65535, 65537, &abs), -1);
	CHECK_INT(tftp_block_abs(65534, 65535, 65537, &abs), -1);
	CHECK_INT(tftp_block_abs(5, 10, 9, &abs), -1);
	CHECK_INT(tftp_block_abs(9, 0, 65535, &abs), 0);
	CHECK_INT(abs, 9);
	/* The widest window: every wire number has exactly one match. */
	CHECK_INT(tftp_block_abs(99, 65536 * 5 + 100, 65536 * 6 + 99, &abs),
	    0);
	CHECK_INT(abs, 65536 * 6 + 99);

	CHECK_INT(tftp_last_block(0, 512), 1);
	CHECK_INT(tftp_last_block(1, 512), 1);
	CHECK_INT(tftp_last_block(511, 512), 1);
	CHECK_INT(tftp_last_block(512, 512), 2);
	CHECK_INT(tftp_last_block(40 << 20, 512), 81921);
}

/*
 * A 40 MiB file at blksize 512: 81921 blocks, the wire number wraps
 * once.  A lockstep client and a windowed one each acknowledge what
 * they get, by wire number only.
 */
static void
test_rollover(void)
{
	struct tftp_window	 w;
	uint64_t		 last = tftp_last_block(40 << 20, 512);
	uint64_t		 sent, acks, b, zero;
	uint16_t		 ws;
	int			 bad;

	for (ws = 1; ws <= 16; ws += 15) {
		tftp_window_init(&w, ws, ws > 1);
		tftp_window_set_last(&w, last);
		sent = acks = zero = 0;
		bad = 0;
		while (!tftp_window_done(&w) && sent < 2 * last) {
			b = w.next;
			if (tftp_window_room(&w) == 0) {
				bad++;
				break;
			}
			tftp_window_sent(&w, tftp_window_room(&w), 0);
			sent += w.next - b;
			for (; b < w.next; b++)
				if (b > 0 && tftp_block_wire(b) == 0)
					zero++;
			/* The client acks the last block of each burst. */
			if (tftp_window_ack(&w, tftp_block_wire(w.next - 1),
			    0) != TFTP_ACK_NEW)
				bad++;
			else
				acks++;
		}
		CHECK_INT(bad, 0);
		CHECK(tftp_window_done(&w));
		CHECK_INT(w.first, last + 1);
		CHECK_INT(sent, last + (ws > 1));	/* + the OACK */
		CHECK_INT(acks, ws == 1 ? last : 1 + (last + 15) / 16);
		CHECK_INT(zero, 1);	/* DATA 0 is block 65536 */
		CHECK_INT(tftp_block_wire(last), 16385);
	}

	/* Right at the wrap, window 4: ACK 0 is block 65536. */
	tftp_window_init(&w, 4, 0);
	w.first = w.next = 65534;
	tftp_window_sent(&w, 4, 0);
	CHECK_INT(w.next, 65538);
	/* 65537 was missed and goes again. */
	CHECK_INT(tftp_window_ack(&w, 0, 0), TFTP_ACK_RESEND);
	CHECK_INT(w.first, 65537);
	CHECK_INT(w.next, 65537);
	tftp_window_sent(&w, 1, 0);
	CHECK_INT(tftp_window_ack(&w, 0, 0), TFTP_ACK_DUP);
	CHECK_INT(tftp_window_ack(&w, 65535, 0), TFTP_ACK_STRAY);
	CHECK_INT(tftp_window_ack(&w, 2, 0), TFTP_ACK_STRAY);
	CHECK_INT(tftp_window_ack(&w, 1, 0), TFTP_ACK_NEW);
	CHECK_INT(w.first, 65538);
}

static void
test_netascii(void)
{
	struct tftp_netascii	 st = { 0, 0 };
	uint8_t			 out[16];
	size_t			 used, n;

	n = tftp_netascii_encode(&st, P("a\nb"), &used, out, sizeof(out));
	CHECK(same_bytes(out, n, P("a\r\nb")));
	CHECK_INT(used, 3);
	n = tftp_netascii_encode(&st, P("a\rb"), &used, out, sizeof(out));
	CHECK(same_bytes(out, n, P("a\r\0b")));
	/* A file's CR LF is a CR and then a newline. */
	n = tftp_netascii_encode(&st, P("\r\n"), &used, out, sizeof(out));
	CHECK(same_bytes(out, n, P("\r\0\r\n")));
	n = tftp_netascii_encode(&st, P("\n\n\r\r"), &used, out,
	    sizeof(out));
	CHECK(same_bytes(out, n, P("\r\n\r\n\r\0\r\0")));
	n = tftp_netascii_encode(&st, P("\0x\t"), &used, out, sizeof(out));
	CHECK(same_bytes(out, n, P("\0x\t")));

	/* The block is full after the CR of a pair: LF waits. */
	n = tftp_netascii_encode(&st, P("ab\ncd"), &used, out, 3);
	CHECK(same_bytes(out, n, P("ab\r")));
	CHECK_INT(used, 3);
	CHECK_INT(st.pending, 1);
	n = tftp_netascii_encode(&st, P("cd"), &used, out, 0);
	CHECK_INT(n, 0);
	CHECK_INT(used, 0);
	n = tftp_netascii_encode(&st, P("cd"), &used, out, 3);
	CHECK(same_bytes(out, n, P("\ncd")));
	CHECK_INT(used, 2);
	CHECK_INT(st.pending, 0);

	/* A CR ending the input and the block: its NUL is flushed. */
	n = tftp_netascii_encode(&st, P("x\r"), &used, out, 2);
	CHECK(same_bytes(out, n, P("x\r")));
	CHECK_INT(used, 2);
	n = tftp_netascii_encode(&st, NULL, 0, &used, out, sizeof(out));
	CHECK(same_bytes(out, n, P("\0")));
	n = tftp_netascii_encode(&st, NULL, 0, &used, out, sizeof(out));
	CHECK_INT(n, 0);
	/* A CR ending the input with room: both bytes out at once. */
	n = tftp_netascii_encode(&st, P("x\r"), &used, out, sizeof(out));
	CHECK(same_bytes(out, n, P("x\r\0")));
	CHECK_INT(st.pending, 0);
	/* The block fills before the input ends. */
	n = tftp_netascii_encode(&st, P("abcdef"), &used, out, 4);
	CHECK(same_bytes(out, n, P("abcd")));
	CHECK_INT(used, 4);

	CHECK_INT(tftp_netascii_size(P("")), 0);
	CHECK_INT(tftp_netascii_size(P("abc")), 3);
	CHECK_INT(tftp_netascii_size(P("a\r\nb\n")), 8);
}

/*
 * 100 KB, rich in CR and LF, read in random chunks and cut into blocks
 * the way the engine does: the blocks joined equal the conversion of
 * the whole buffer, every block but the last is full.
 */
static void
test_netascii_stream(void)
{
	static const uint16_t	 sizes[] = { 512, 7, 8, 1468 };
	static uint8_t		 in[100000], ref[200000], got[200000];
	struct tftp_netascii	 st;
	uint8_t			 blk[1468];
	uint32_t		 seed = 12345;
	size_t			 i, reflen, gotlen, pos, chunk, left, used, n;
	size_t			 s, fill, nblocks, shortblocks;
	uint16_t		 bs;

	for (i = 0; i < sizeof(in); i++) {
		n = rnd(&seed) % 8;
		in[i] = n == 0 ? '\r' : n == 1 ? '\n' : rnd(&seed) & 0xff;
	}
	memset(&st, 0, sizeof(st));
	reflen = tftp_netascii_encode(&st, in, sizeof(in), &used, ref,
	    sizeof(ref));
	CHECK_INT(used, sizeof(in));
	CHECK_INT(reflen, tftp_netascii_size(in, sizeof(in)));
	CHECK_INT(st.pending, 0);

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		bs = sizes[s];
		memset(&st, 0, sizeof(st));
		pos = gotlen = left = chunk = nblocks = shortblocks = 0;
		for (;;) {
			fill = 0;
			while (fill < bs) {
				if (left == 0 && pos < sizeof(in)) {
					left = 1 + rnd(&seed) % 3000;
					if (left > sizeof(in) - pos)
						left = sizeof(in) - pos;
					chunk = pos;
					pos += left;
				}
				n = tftp_netascii_encode(&st, in + chunk, left,
				    &used, blk + fill, bs - fill);
				chunk += used;
				left -= used;
				fill += n;
				if (n == 0 && left == 0 && pos == sizeof(in))
					break;
			}
			memcpy(got + gotlen, blk, fill);
			gotlen += fill;
			nblocks++;
			if (fill < bs) {
				shortblocks++;
				break;
			}
		}
		CHECK_INT(shortblocks, 1);
		CHECK_INT(nblocks, reflen / bs + 1);
		CHECK(same_bytes(got, gotlen, ref, reflen));
	}
}

static void
test_window(void)
{
	struct tftp_window	 w;

	tftp_window_init(&w, 4, 0);
	CHECK_INT(w.first, 1);
	CHECK_INT(tftp_window_room(&w), 4);
	CHECK_INT(tftp_window_ack(&w, 1, 0), TFTP_ACK_STRAY);	/* unsent */
	tftp_window_sent(&w, 4, 0);
	CHECK_INT(w.next, 5);
	CHECK_INT(tftp_window_room(&w), 0);
	/* ACK inside the window: block 3 was missed, 3 and 4 go again. */
	CHECK_INT(tftp_window_ack(&w, 2, 0), TFTP_ACK_RESEND);
	CHECK_INT(w.first, 3);
	CHECK_INT(w.next, 3);
	CHECK_INT(w.hold, 5);
	CHECK_INT(tftp_window_room(&w), 4);
	tftp_window_sent(&w, 4, 0);
	CHECK_INT(w.next, 7);
	/* Duplicate ACKs never cause a resend. */
	CHECK_INT(tftp_window_ack(&w, 2, 0), TFTP_ACK_DUP);
	CHECK_INT(tftp_window_ack(&w, 2, 0), TFTP_ACK_DUP);
	CHECK_INT(w.first, 3);
	CHECK_INT(w.next, 7);
	CHECK_INT(tftp_window_room(&w), 0);
	/* Stale and future ACKs are ignored. */
	CHECK_INT(tftp_window_ack(&w, 1, 0), TFTP_ACK_STRAY);
	CHECK_INT(tftp_window_ack(&w, 0, 0), TFTP_ACK_STRAY);
	CHECK_INT(tftp_window_ack(&w, 7, 0), TFTP_ACK_STRAY);
	CHECK_INT(tftp_window_ack(&w, 40000, 0), TFTP_ACK_STRAY);
	CHECK_INT(w.first, 3);
	CHECK_INT(w.next, 7);
	/*
	 * Once per round: ACKs for 3 and 4 may answer the blocks sent
	 * before the resend, so they only move the start.
	 */
	CHECK_INT(tftp_window_ack(&w, 3, 0), TFTP_ACK_NEW);
	CHECK_INT(tftp_window_ack(&w, 4, 0), TFTP_ACK_NEW);
	CHECK_INT(w.first, 5);
	CHECK_INT(w.next, 7);
	CHECK_INT(tftp_window_ack(&w, 4, 0), TFTP_ACK_DUP);
	CHECK_INT(w.next, 7);
	tftp_window_sent(&w, 2, 0);
	CHECK_INT(w.next, 9);
	/* Block 5 was first sent after the resend: a new round. */
	CHECK_INT(tftp_window_ack(&w, 5, 0), TFTP_ACK_RESEND);
	CHECK_INT(w.first, 6);
	CHECK_INT(w.next, 6);
	CHECK_INT(w.hold, 9);
	tftp_window_sent(&w, 4, 0);
	CHECK_INT(w.next, 10);
	/* A timeout resends from the first unacknowledged block. */
	CHECK_INT(tftp_window_timeout(&w), 0);
	CHECK_INT(w.next, 6);
	CHECK_INT(w.hold, 0);
	CHECK_INT(tftp_window_room(&w), 4);
	tftp_window_sent(&w, 100, 0);		/* cut to the room */
	CHECK_INT(w.next, 10);
	/* and ends the round: a partial ACK resends at once. */
	CHECK_INT(tftp_window_ack(&w, 6, 0), TFTP_ACK_RESEND);
	CHECK_INT(w.first, 7);
	CHECK_INT(w.next, 7);
	tftp_window_sent(&w, 4, 0);
	/* A full-window ACK advances as before. */
	CHECK_INT(tftp_window_ack(&w, 10, 0), TFTP_ACK_NEW);
	CHECK_INT(w.first, 11);
	CHECK_INT(w.next, 11);

	/* The end: block 13 is last. */
	tftp_window_set_last(&w, 13);
	CHECK_INT(tftp_window_room(&w), 3);
	tftp_window_sent(&w, 3, 0);
	CHECK(!tftp_window_done(&w));
	CHECK_INT(tftp_window_ack(&w, 12, 0), TFTP_ACK_RESEND);
	CHECK(!tftp_window_done(&w));
	CHECK_INT(tftp_window_room(&w), 1);
	tftp_window_sent(&w, 1, 0);
	CHECK_INT(tftp_window_room(&w), 0);
	CHECK_INT(tftp_window_ack(&w, 13, 0), TFTP_ACK_NEW);
	CHECK(tftp_window_done(&w));
	CHECK_INT(tftp_window_ack(&w, 13, 0), TFTP_ACK_DUP);
	CHECK_INT(tftp_window_room(&w), 0);

	/* Lockstep and a zero size, which means 1. */
	tftp_window_init(&w, 0, 0);
	CHECK_INT(w.size, 1);
	tftp_window_set_last(&w, 1);
	CHECK_INT(tftp_window_room(&w), 1);
	tftp_window_sent(&w, 1, 0);
	CHECK_INT(tftp_window_ack(&w, 0, 0), TFTP_ACK_DUP);
	CHECK_INT(tftp_window_ack(&w, 1, 0), TFTP_ACK_NEW);
	CHECK(tftp_window_done(&w));
}

/* The round trip gates a second resend; time here is in microseconds. */
/*
 * A repeated ACK in a window says the block after it was lost: resent
 * once a round trip at most; in lockstep never.
 */
static void
test_window_dup(void)
{
	struct tftp_window	 w;

	tftp_window_init(&w, 8, 0);
	tftp_window_set_last(&w, 100);
	tftp_window_sent(&w, 8, 1000);			/* 1..8 */
	CHECK_INT(tftp_window_ack(&w, 8, 1100), TFTP_ACK_NEW);
	CHECK_INT(w.rtt, 100);
	tftp_window_sent(&w, 8, 1100);			/* 9..16 */
	CHECK_INT(tftp_window_ack(&w, 8, 1150), TFTP_ACK_DUP);
	CHECK_INT(w.next, 17);
	CHECK_INT(tftp_window_ack(&w, 8, 1250), TFTP_ACK_RESEND);
	CHECK_INT(w.first, 9);
	CHECK_INT(w.next, 9);
	tftp_window_sent(&w, 8, 1250);
	CHECK_INT(tftp_window_ack(&w, 8, 1260), TFTP_ACK_DUP);
	CHECK_INT(tftp_window_ack(&w, 8, 1300), TFTP_ACK_DUP);
	CHECK_INT(w.next, 17);

	tftp_window_init(&w, 1, 0);
	tftp_window_set_last(&w, 100);
	tftp_window_sent(&w, 1, 1000);
	CHECK_INT(tftp_window_ack(&w, 1, 1100), TFTP_ACK_NEW);
	tftp_window_sent(&w, 1, 1100);
	CHECK_INT(tftp_window_ack(&w, 1, 5000), TFTP_ACK_DUP);
	CHECK_INT(w.next, 3);
}

static void
test_window_rtt(void)
{
	struct tftp_window	 w;

	tftp_window_init(&w, 8, 1);
	tftp_window_sent(&w, 1, 1000);		/* the OACK */
	CHECK_INT(tftp_window_ack(&w, 0, 1100), TFTP_ACK_NEW);
	CHECK_INT(w.rtt, 100);
	tftp_window_sent(&w, 8, 1200);
	CHECK_INT(w.probe, 8);
	/* Block 3 was lost: the first resend needs no wait. */
	CHECK_INT(tftp_window_ack(&w, 2, 1300), TFTP_ACK_RESEND);
	CHECK_INT(w.probe, TFTP_NONE);		/* 8 goes again: Karn */
	tftp_window_sent(&w, 8, 1300);
	CHECK_INT(w.next, 11);
	CHECK_INT(w.probe, 10);			/* 9 and 10 are new */
	/* Within a round trip of it, a partial ACK may be an old one. */
	CHECK_INT(tftp_window_ack(&w, 3, 1399), TFTP_ACK_NEW);
	CHECK_INT(w.next, 11);
	/* A round trip later it can only answer the resend. */
	CHECK_INT(tftp_window_ack(&w, 4, 1400), TFTP_ACK_RESEND);
	CHECK_INT(w.first, 5);
	CHECK_INT(w.next, 5);
	CHECK_INT(w.hold, 11);
	CHECK_INT(w.resent, 1400);
	tftp_window_sent(&w, 8, 1400);
	/* The same ACK again within a round trip: nothing. */
	CHECK_INT(tftp_window_ack(&w, 4, 1450), TFTP_ACK_DUP);
	CHECK_INT(w.next, 13);
	/* A full window acknowledged: no resend, the probe times it. */
	CHECK_INT(tftp_window_ack(&w, 12, 1450), TFTP_ACK_NEW);
	CHECK_INT(w.rtt, 50);
	tftp_window_sent(&w, 8, 1450);
	CHECK_INT(w.probe, 20);
	CHECK_INT(tftp_window_ack(&w, 20, 1600), TFTP_ACK_NEW);
	CHECK_INT(w.rtt, 50);			/* the shortest one */
	CHECK_INT(w.probe, TFTP_NONE);
	/*
	 * Soon after a resend, an ACK that moves the window by more than
	 * a block answers the resend (RFC 7440 clients send none past a
	 * gap): the gap it shows is filled at once.
	 */
	tftp_window_sent(&w, 8, 1600);		/* 21..28 */
	CHECK_INT(tftp_window_ack(&w, 22, 1610), TFTP_ACK_RESEND);
	CHECK_INT(w.resent, 1610);
	tftp_window_sent(&w, 8, 1610);		/* 23..30 */
	CHECK_INT(tftp_window_ack(&w, 25, 1620), TFTP_ACK_RESEND);
	CHECK_INT(w.first, 26);
	CHECK_INT(w.next, 26);

	/* Until a round trip is measured, a guess of one stands in. */
	tftp_window_init(&w, 8, 0);
	tftp_window_set_last(&w, 100);
	tftp_window_sent(&w, 8, 0);
	tftp_window_again(&w);			/* Karn: no probe */
	tftp_window_sent(&w, 8, 1000);
	CHECK_INT(w.rtt, TFTP_NONE);
	CHECK_INT(tftp_window_ack(&w, 2, 2000), TFTP_ACK_RESEND);
	tftp_window_sent(&w, 8, 2000);
	CHECK_INT(tftp_window_ack(&w, 2, 2000 + TFTP_RTT_GUESS - 1),
	    TFTP_ACK_DUP);
	CHECK_INT(tftp_window_ack(&w, 2, 2000 + TFTP_RTT_GUESS),
	    TFTP_ACK_RESEND);

	/*
	 * A full socket held the resend back: an ACK for a block sent
	 * before it still counts, and only what it leaves goes again.
	 */
	tftp_window_init(&w, 4, 0);
	tftp_window_sent(&w, 4, 0);
	CHECK_INT(tftp_window_ack(&w, 1, 10), TFTP_ACK_RESEND);
	CHECK_INT(w.next, 2);
	CHECK_INT(tftp_window_ack(&w, 3, 20), TFTP_ACK_NEW);
	CHECK_INT(w.first, 4);
	CHECK_INT(w.next, 4);
	CHECK_INT(tftp_window_room(&w), 4);
	CHECK_INT(tftp_window_ack(&w, 5, 20), TFTP_ACK_STRAY);

	/* After a repeated request, the OACK's ACK may come before the
	 * second OACK. */
	tftp_window_init(&w, 4, 1);
	tftp_window_sent(&w, 1, 0);
	tftp_window_again(&w);
	CHECK_INT(w.next, 0);
	CHECK_INT(tftp_window_ack(&w, 0, 10), TFTP_ACK_NEW);
	CHECK_INT(w.first, 1);
	CHECK_INT(w.next, 1);
	CHECK_INT(tftp_window_room(&w), 4);
}

/*
 * A client that acknowledges every block it gets, 50 us away, with
 * nothing lost: every ACK but the newest is short of the last
 * block sent.  Resends stay within one window per round trip, never
 * one window per ACK.
 */
#define EAGER_RING	8192
#define EAGER_DELAY	50

static void
test_window_eager(void)
{
	struct tftp_window	 w;
	static uint64_t		 data[EAGER_RING], acks[EAGER_RING];
	static uint64_t		 dat_t[EAGER_RING], ack_t[EAGER_RING];
	uint64_t		 last = 2000, sent = 0, now, b, got = 0;
	uint64_t		 dh = 0, dt = 0, ah = 0, at = 0, wire = 0;

	tftp_window_init(&w, 64, 1);
	tftp_window_set_last(&w, last);
	for (now = 1; now < 1000000 && !tftp_window_done(&w); now++) {
		/* One ACK per wakeup, then whatever the window allows. */
		if (ah < at && ack_t[ah % EAGER_RING] <= now)
			(void)tftp_window_ack(&w,
			    tftp_block_wire(acks[ah++ % EAGER_RING]), now);
		b = w.next;
		tftp_window_sent(&w, tftp_window_room(&w), now);
		/* A block takes 1 us on the wire. */
		for (; b < w.next && dt - dh < EAGER_RING; b++, sent++) {
			wire = wire > now ? wire + 1 : now + 1;
			data[dt % EAGER_RING] = b;
			dat_t[dt++ % EAGER_RING] = wire + EAGER_DELAY;
		}
		while (dh < dt && dat_t[dh % EAGER_RING] <= now) {
			b = data[dh++ % EAGER_RING];
			if (b == 0 || b == got + 1) {
				got = b;
				acks[at % EAGER_RING] = b;
				ack_t[at++ % EAGER_RING] = now + EAGER_DELAY;
			}
		}
	}
	CHECK(tftp_window_done(&w));
	CHECK(w.rtt >= 2 * EAGER_DELAY);
	/* Each block at most twice, the OACK once. */
	CHECK(sent <= 2 * last + 1);
	printf("eager: %llu blocks sent for %llu\n",
	    (unsigned long long)sent, (unsigned long long)last);
}

static void
test_window_oack(void)
{
	struct tftp_window	 w;

	tftp_window_init(&w, 8, 1);
	CHECK_INT(tftp_window_ack(&w, 0, 0), TFTP_ACK_STRAY);	/* not sent */
	CHECK_INT(tftp_window_room(&w), 1);	/* the OACK travels alone */
	tftp_window_sent(&w, 8, 0);
	CHECK_INT(w.next, 1);
	CHECK_INT(tftp_window_room(&w), 0);
	CHECK_INT(tftp_window_ack(&w, 1, 0), TFTP_ACK_STRAY);
	/* Unanswered, no timer resends it: the leash ends it. */
	CHECK_INT(tftp_window_timeout(&w), -1);
	CHECK_INT(w.next, 1);
	/* A repeated request sends it again. */
	tftp_window_again(&w);
	CHECK_INT(w.next, 0);
	CHECK_INT(tftp_window_room(&w), 1);
	tftp_window_sent(&w, 1, 0);
	CHECK_INT(tftp_window_ack(&w, 0, 0), TFTP_ACK_NEW);
	CHECK_INT(w.first, 1);
	CHECK_INT(tftp_window_room(&w), 8);
	CHECK_INT(tftp_window_ack(&w, 0, 0), TFTP_ACK_DUP);
	CHECK(!tftp_window_done(&w));
}

/*
 * The retransmission timer: the first packet has a leash and no resend,
 * then the timeout doubles up to 64 times and at most TFTP_WAIT_MAX,
 * progress starts again from the first interval, and the retries end
 * the transfer.
 */
static void
test_window_timer(void)
{
	struct tftp_window	 w;
	unsigned int		 i;

	tftp_window_init(&w, 4, 1);
	tftp_window_timer(&w, 1000, 5);
	CHECK_INT(tftp_window_wait(&w), TFTP_LEASH_MIN);	/* the OACK */
	tftp_window_timer(&w, 3000000, 5);
	CHECK_INT(tftp_window_wait(&w), 6000000);
	tftp_window_timer(&w, 30000000, 5);
	CHECK_INT(tftp_window_wait(&w), TFTP_LEASH_MAX);
	tftp_window_timer(&w, 1000, 5);
	tftp_window_sent(&w, 1, 0);
	CHECK_INT(tftp_window_timeout(&w), -1);		/* not resent */
	CHECK_INT(tftp_window_ack(&w, 0, 10), TFTP_ACK_NEW);
	CHECK(w.verified);
	CHECK_INT(tftp_window_wait(&w), 1000);		/* data */
	tftp_window_sent(&w, 4, 10);
	for (i = 1; i <= 5; i++) {
		CHECK_INT(tftp_window_timeout(&w), 0);
		CHECK_INT(w.next, 1);
		CHECK_INT(tftp_window_wait(&w), 1000 << i);
		tftp_window_sent(&w, 4, 10);
	}
	CHECK_INT(tftp_window_timeout(&w), -1);		/* retries 5 */
	/* The back-off stops at 64 times, and at TFTP_WAIT_MAX. */
	tftp_window_init(&w, 1, 0);
	tftp_window_timer(&w, 1000, 100);
	tftp_window_sent(&w, 1, 0);
	CHECK_INT(tftp_window_ack(&w, 1, 10), TFTP_ACK_NEW);
	for (i = 0; i < 10; i++)
		CHECK_INT(tftp_window_timeout(&w), 0);
	CHECK_INT(tftp_window_wait(&w), 64000);
	tftp_window_timer(&w, 1000000, 100);
	CHECK_INT(tftp_window_wait(&w), TFTP_WAIT_MAX);
	/* A repeated ACK that resends in a window is progress too. */
	tftp_window_init(&w, 4, 0);
	tftp_window_timer(&w, 1000, 5);
	tftp_window_sent(&w, 4, 0);
	CHECK_INT(tftp_window_ack(&w, 2, 100), TFTP_ACK_RESEND);
	CHECK_INT(tftp_window_timeout(&w), 0);
	CHECK_INT(tftp_window_wait(&w), 2000);
	tftp_window_sent(&w, 3, 200);
	CHECK_INT(tftp_window_ack(&w, 2, 100000), TFTP_ACK_RESEND);
	CHECK_INT(tftp_window_wait(&w), 1000);
}

/*
 * A lossy link, event by event: the window against a client that acts
 * as RFC 7440 and tftpload do (its request again every 250 ms until an
 * OACK comes, then an ACK per full window, one at once for a gap, one
 * again after 250 ms of silence), each datagram lost at random in
 * either direction.  The server is driven as xfer.c and engine.c drive
 * it: its timer is the window's own (tftp_window_wait(), with
 * netboot.conf's defaults, timeout 1 and retries 5), set from the time
 * of the event that sent; a burst is timed from when its last block has
 * left, as xfer.c stamps it after sendmmsg(); before the first ACK no
 * timer resends the OACK, the same request again gets it once more, and
 * the leash ends the session, after which a request starts a new one.
 * What is measured is simulated time, not the machine's.
 */
#define LOSSY_RING	65536
#define LOSSY_DELAY	25		/* us one way */
#define LOSSY_WIRE	2		/* us a block */
#define LOSSY_CTMO	250000		/* client's re-ACK */
#define LOSSY_STMO	1000000		/* timeout 1 */
#define LOSSY_RETRIES	5
#define LOSSY_RRQ	UINT64_MAX	/* the client's request */

struct lossy {
	uint64_t	 rng;
	uint64_t	 dat_b[LOSSY_RING], dat_t[LOSSY_RING], dh, dt;
	uint64_t	 ack_b[LOSSY_RING], ack_t[LOSSY_RING], ah, at;
	unsigned int	 stimeouts;
	unsigned int	 sessions;
};

/* The server's side: one session at a time, as for one client port. */
struct lossy_srv {
	struct tftp_window	 w;
	int			 live;
	int			 reanswered;
	uint64_t		 dead;		/* the timer */
	uint64_t		 wire;		/* the link is busy until */
	uint16_t		 size;
	uint64_t		 last;
};

static int
lossy_lost(struct lossy *l, unsigned int pct)
{
	l->rng = l->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (l->rng >> 33) % 100 < pct;
}

static void
lossy_ack(struct lossy *l, unsigned int pct, uint64_t b, uint64_t now)
{
	if (lossy_lost(l, pct) || l->at - l->ah >= LOSSY_RING)
		return;
	l->ack_b[l->at % LOSSY_RING] = b;
	l->ack_t[l->at++ % LOSSY_RING] = now + LOSSY_DELAY;
}

static uint64_t
lossy_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Sends what the window allows, timed from when the burst has left. */
static void
lossy_send(struct lossy *l, struct lossy_srv *sv, unsigned int pct,
    uint64_t now)
{
	uint64_t	 b, n = tftp_window_room(&sv->w);

	for (b = sv->w.next; b < sv->w.next + n; b++) {
		sv->wire = (sv->wire > now ? sv->wire : now) + LOSSY_WIRE;
		if (lossy_lost(l, pct) || l->dt - l->dh >= LOSSY_RING)
			continue;
		l->dat_b[l->dt % LOSSY_RING] = b;
		l->dat_t[l->dt++ % LOSSY_RING] = sv->wire + LOSSY_DELAY;
	}
	if (n > 0)
		tftp_window_sent(&sv->w, n, sv->wire);
}

/* A request: a new session, or its first packet once more. */
static void
lossy_rrq(struct lossy *l, struct lossy_srv *sv, unsigned int pct,
    uint64_t now)
{
	if (!sv->live) {
		l->sessions++;
		tftp_window_init(&sv->w, sv->size, 1);
		tftp_window_set_last(&sv->w, sv->last);
		tftp_window_timer(&sv->w, LOSSY_STMO, LOSSY_RETRIES);
		sv->live = 1;
		sv->reanswered = 0;
		lossy_send(l, sv, pct, now);
		sv->dead = now + tftp_window_wait(&sv->w);
	} else if (!sv->w.verified && !sv->reanswered) {
		sv->reanswered = 1;
		tftp_window_again(&sv->w);
		lossy_send(l, sv, pct, now);
	}
}

/* The timer: a resend, or the end of the session (-1 if it had data). */
static int
lossy_timer(struct lossy *l, struct lossy_srv *sv, unsigned int pct,
    uint64_t now)
{
	l->stimeouts++;
	if (tftp_window_timeout(&sv->w) == -1) {
		sv->live = 0;
		sv->dead = UINT64_MAX;
		return sv->w.verified ? -1 : 0;
	}
	lossy_send(l, sv, pct, now);
	sv->dead = now + tftp_window_wait(&sv->w);
	return 0;
}

/*
 * Seconds of simulated time the transfer took; 0 when the server gave
 * up (its retries used up, or its session gone under a client that had
 * the OACK) or past a day.
 */
static double
lossy_run(struct lossy *l, unsigned int pct, uint16_t size, uint64_t last)
{
	struct lossy_srv	 sv;
	uint64_t		 now = 0, got = 0, inwin = 0, b;
	uint64_t		 cdead = LOSSY_CTMO;
	int			 r, reacked = 0, asking = 1;

	memset(&sv, 0, sizeof(sv));
	sv.size = size;
	sv.last = last;
	sv.dead = UINT64_MAX;
	lossy_ack(l, pct, LOSSY_RRQ, now);
	while (!(sv.live && tftp_window_done(&sv.w)) &&
	    now < 86400ULL * 1000000) {
		now = lossy_min(sv.dead, cdead);
		if (l->dh < l->dt)
			now = lossy_min(now, l->dat_t[l->dh % LOSSY_RING]);
		if (l->ah < l->at)
			now = lossy_min(now, l->ack_t[l->ah % LOSSY_RING]);
		if (l->ah < l->at && l->ack_t[l->ah % LOSSY_RING] == now) {
			b = l->ack_b[l->ah++ % LOSSY_RING];
			if (b == LOSSY_RRQ) {
				lossy_rrq(l, &sv, pct, now);
				continue;
			}
			if (!sv.live)
				return 0;	/* the port is closed */
			r = tftp_window_ack(&sv.w, tftp_block_wire(b), now);
			if (r == TFTP_ACK_NEW || r == TFTP_ACK_RESEND) {
				lossy_send(l, &sv, pct, now);
				sv.dead = now + tftp_window_wait(&sv.w);
			}
		} else if (l->dh < l->dt &&
		    l->dat_t[l->dh % LOSSY_RING] == now) {
			b = l->dat_b[l->dh++ % LOSSY_RING];
			if (b == got + 1 || (b == 0 && got == 0)) {
				got = b;
				asking = reacked = 0;
				cdead = now + LOSSY_CTMO;
				if (b == 0 || ++inwin >= size || b == last) {
					inwin = 0;
					lossy_ack(l, pct, got, now);
				}
			} else if (!reacked && b > got) {
				reacked = 1;
				inwin = 0;
				lossy_ack(l, pct, got, now);
			}
		} else if (now == cdead) {
			cdead = now + LOSSY_CTMO;
			inwin = 0;
			lossy_ack(l, pct, asking ? LOSSY_RRQ : got, now);
		} else if (now == sv.dead &&
		    lossy_timer(l, &sv, pct, now) == -1)
			return 0;
	}
	return sv.live && tftp_window_done(&sv.w) ? now / 1e6 : 0;
}

/*
 * 2 MiB as the loss test sends it.  Every seed must finish, and none
 * may wait on the server's back-off while the client asks: the worst
 * stays within the integration test's two minutes a download (over 200
 * seeds, 20% loss at windowsize 64 takes 37 s on average and 94 s at
 * worst, most of it the client's own 250 ms timeouts).
 */
static void
test_window_lossy(void)
{
	static struct lossy	 l;
	static const struct {
		unsigned int	 pct;
		uint16_t	 size;
		uint64_t	 last;
		double		 worst;
	} cases[] = {
		{ 5, 1, 33, 30 },		/* 65464-byte blocks */
		{ 5, 4, 257, 30 },		/* 8192 */
		{ 5, 64, 1429, 10 },		/* 1468 */
		{ 20, 1, 33, 60 },		/* 65464 */
		{ 20, 4, 129, 30 },		/* 16384 */
		{ 20, 16, 1049, 90 },		/* 2000 */
		{ 20, 64, 1049, 90 },
	};
	double		 t, worst, sum;
	unsigned int	 i, seed, nseeds = 20;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		worst = sum = 0;
		memset(&l, 0, sizeof(l));
		for (seed = 0; seed < nseeds; seed++) {
			l.rng = seed * 7919 + 1;
			l.dh = l.dt = l.ah = l.at = 0;
			t = lossy_run(&l, cases[i].pct, cases[i].size,
			    cases[i].last);
			CHECK(t > 0);
			sum += t;
			if (t > worst)
				worst = t;
		}
		printf("lossy: %u%% loss, windowsize %u, %llu blocks: mean "
		    "%.1f s, worst %.1f s, %u server timeouts and %u "
		    "sessions in %u runs\n", cases[i].pct, cases[i].size,
		    (unsigned long long)cases[i].last, sum / nseeds, worst,
		    l.stimeouts, l.sessions, nseeds);
		CHECK(worst < cases[i].worst);
	}
}

int
main(void)
{
	test_plain();
	test_clients();
	test_case();
	test_blksize();
	test_windowsize();
	test_timeout();
	test_tsize();
	test_duplicates();
	test_many();
	test_modes();
	test_malformed();
	test_truncated();
	test_reply();
	test_builders();
	test_mtu();
	test_blocks();
	test_rollover();
	test_netascii();
	test_netascii_stream();
	test_window();
	test_window_rtt();
	test_window_dup();
	test_window_eager();
	test_window_oack();
	test_window_timer();
	test_window_lossy();
	return check_exit();
}
