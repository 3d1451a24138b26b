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
 * The TFTP protocol without I/O: packet parsing and building, option
 * negotiation, block numbering, netascii and the send window.  Nothing
 * here allocates, keeps globals or touches a descriptor, so the engine
 * can drive thousands of sessions from one loop and the tests can feed
 * it bytes directly.
 *
 * RFC 1350 (TFTP), 2347 (options, OACK), 2348 (blksize),
 * 2349 (timeout, tsize), 7440 (windowsize).
 */

#ifndef NB_TFTP_H
#define NB_TFTP_H

#include <stddef.h>
#include <stdint.h>

/* Opcodes. */
#define TFTP_RRQ		1
#define TFTP_WRQ		2
#define TFTP_DATA		3
#define TFTP_ACK		4
#define TFTP_ERROR		5
#define TFTP_OACK		6

/* Error codes. */
#define TFTP_EUNDEF		0	/* see the message */
#define TFTP_ENOTFOUND		1
#define TFTP_EACCESS		2
#define TFTP_ENOSPACE		3
#define TFTP_EBADOP		4	/* illegal TFTP operation */
#define TFTP_EBADID		5	/* unknown transfer ID */
#define TFTP_EEXISTS		6
#define TFTP_ENOUSER		7
#define TFTP_EOPTNEG		8	/* option negotiation (RFC 2347) */

#define TFTP_HDRLEN		4	/* opcode + block or error code */
#define TFTP_BLKSIZE_DEF	512
#define TFTP_BLKSIZE_MIN	8
#define TFTP_BLKSIZE_MAX	65464
#define TFTP_WINDOW_MAX		65535
#define TFTP_TIMEOUT_MIN	1
#define TFTP_TIMEOUT_MAX	255
#define TFTP_MAXOPTS		64	/* option pairs in one request */
#define TFTP_OPTNAME_MAX	11	/* "windowsize" and its NUL */
#define TFTP_OACK_MAX		(2 + 4 * (TFTP_OPTNAME_MAX + 21))
#define TFTP_ERRMSG_MAX		128

/* Transfer modes; "mail" and others are refused by the parser. */
#define TFTP_MODE_OCTET		0
#define TFTP_MODE_NETASCII	1

/* The options we know; everything else is ignored. */
#define TFTP_OPT_BLKSIZE	0
#define TFTP_OPT_TSIZE		1
#define TFTP_OPT_TIMEOUT	2
#define TFTP_OPT_WINDOWSIZE	3
#define TFTP_OPT_COUNT		4

/* What goes into the ERROR packet when parsing fails. */
struct tftp_err {
	uint16_t	 code;
	const char	*msg;		/* static string */
};

/* A known option as the client sent it. */
struct tftp_reqopt {
	char		 name[TFTP_OPTNAME_MAX]; /* client's spelling */
	uint64_t	 value;		/* saturates at UINT64_MAX */
	int		 valid;		/* value is a decimal number */
};

/*
 * A parsed RRQ or WRQ.  filename points into the packet buffer (it is
 * NUL-terminated there) and is only valid as long as that buffer is;
 * everything else is copied.  Known options are in opt[], indexed by
 * TFTP_OPT_*, and their arrival order is in order[0..norder-1].
 */
struct tftp_req {
	int			 op;
	int			 mode;
	const char		*filename;	/* for path_clean() */
	size_t			 filenamelen;
	unsigned int		 nopts;		/* all pairs */
	unsigned int		 norder;
	uint8_t			 order[TFTP_OPT_COUNT];
	struct tftp_reqopt	 opt[TFTP_OPT_COUNT];
};

/* A packet a client sends inside a session: ACK or ERROR. */
struct tftp_reply {
	int		 op;
	uint16_t	 block;		/* ACK */
	uint16_t	 code;		/* ERROR */
	char		 msg[TFTP_ERRMSG_MAX]; /* ERROR, terminated */
};

/* Server side limits for negotiation; 0 means "the RFC maximum". */
struct tftp_limits {
	unsigned int	 blksize_max;	/* config "blksize max" */
	unsigned int	 blksize_mtu;	/* tftp_blksize_for_mtu() */
	unsigned int	 windowsize_max; /* config "windowsize max" */
	/* Bytes of one window's DATA packets: a client's receive buffer. */
	size_t		 window_bytes_max;
	int		 timeout_ok;	/* acknowledge a client's timeout */
	unsigned int	 window_floor;	/* blocks granted whatever the bytes */
};

/*
 * The outcome of negotiation: the values the transfer uses and the
 * options for the OACK, in the client's order with the client's
 * spelling.  Holds no pointers, so the engine can keep it to resend
 * the OACK.
 */
struct tftp_opts {
	uint16_t	 blksize;	/* 512 if not negotiated */
	uint16_t	 windowsize;	/* 1 if not negotiated */
	uint8_t		 timeout;	/* seconds; 0: the server's own */
	uint64_t	 tsize;		/* meaningful when in the OACK */
	unsigned int	 noack;
	uint8_t		 oack[TFTP_OPT_COUNT];
	char		 name[TFTP_OPT_COUNT][TFTP_OPTNAME_MAX];
};

/* Streaming netascii encoder state; zero it before the first block. */
struct tftp_netascii {
	int		 pending;	/* byte waits for the next block */
	uint8_t		 byte;
};

/*
 * The sender's window over absolute block numbers.  Block 0 stands for
 * the OACK, data blocks count from 1.  Blocks first..next-1 are in
 * flight; last is the final block once known.  Times are microseconds
 * on any monotonic clock the caller likes.
 */
struct tftp_window {
	uint64_t	 first;		/* first unacknowledged block */
	uint64_t	 next;		/* next block to send */
	uint64_t	 last;		/* TFTP_LAST_UNKNOWN until known */
	uint64_t	 high;		/* past the highest block ever sent */
	uint64_t	 hold;		/* old next at the last resend */
	uint64_t	 resent;	/* time of the last resend */
	uint64_t	 probe;		/* block timed for the round trip */
	uint64_t	 probe_t;	/* when it was sent */
	uint64_t	 rtt;		/* shortest round trip seen */
	uint64_t	 srtt;		/* smoothed round trip */
	uint64_t	 acked;		/* time of the last new ACK */
	uint64_t	 interval;	/* first retransmission timeout */
	unsigned int	 tries;		/* timeouts since the last progress */
	unsigned int	 retries;	/* timeouts before giving up */
	int		 verified;	/* the client acknowledged */
	uint16_t	 size;		/* windowsize, >= 1 */
};

#define TFTP_LAST_UNKNOWN	UINT64_MAX
#define TFTP_NONE		UINT64_MAX	/* no probe, no round trip */
#define TFTP_RTT_GUESS		50000		/* us, until one is measured */
#define TFTP_BACKOFF		6		/* the timeout grows to 64 times */
#define TFTP_WAIT_MAX		(60 * 1000000ULL)	/* us, any one wait */
#define TFTP_LEASH_MIN		(2 * 1000000ULL)	/* us, for the first ACK */
#define TFTP_LEASH_MAX		(10 * 1000000ULL)

/* tftp_window_ack() results. */
#define TFTP_ACK_NEW		0	/* window moved */
#define TFTP_ACK_DUP		1	/* repeats the last ACK: ignore */
#define TFTP_ACK_STRAY		2	/* old or future block: ignore */
#define TFTP_ACK_RESEND		3	/* moved, next went back to first */

int		 tftp_opcode(const uint8_t *, size_t);
int		 tftp_parse_req(const uint8_t *, size_t, struct tftp_req *,
		    struct tftp_err *);
int		 tftp_parse_reply(const uint8_t *, size_t, struct tftp_reply *,
		    struct tftp_err *);

unsigned int	 tftp_blksize_for_mtu(unsigned int, int);
int		 tftp_negotiate(const struct tftp_req *,
		    const struct tftp_limits *, int64_t, int64_t,
		    struct tftp_opts *);

size_t		 tftp_build_oack(uint8_t *, size_t, const struct tftp_opts *);
size_t		 tftp_build_error(uint8_t *, size_t, uint16_t, const char *);
size_t		 tftp_build_data(uint8_t *, size_t, uint16_t);
size_t		 tftp_build_ack(uint8_t *, size_t, uint16_t);

uint16_t	 tftp_block_wire(uint64_t);
int		 tftp_block_abs(uint16_t, uint64_t, uint64_t, uint64_t *);
uint64_t	 tftp_last_block(uint64_t, uint16_t);

size_t		 tftp_netascii_encode(struct tftp_netascii *, const uint8_t *,
		    size_t, size_t *, uint8_t *, size_t);
uint64_t	 tftp_netascii_size(const uint8_t *, size_t);

void		 tftp_window_init(struct tftp_window *, uint16_t, int);
void		 tftp_window_set_last(struct tftp_window *, uint64_t);
uint64_t	 tftp_window_room(const struct tftp_window *);
void		 tftp_window_sent(struct tftp_window *, uint64_t, uint64_t);
int		 tftp_window_ack(struct tftp_window *, uint16_t, uint64_t);
void		 tftp_window_timer(struct tftp_window *, uint64_t,
		    unsigned int);
uint64_t	 tftp_window_wait(const struct tftp_window *);
int		 tftp_window_timeout(struct tftp_window *);
void		 tftp_window_again(struct tftp_window *);
int		 tftp_window_done(const struct tftp_window *);

#endif /* NB_TFTP_H */
