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
 * One read transfer: its own UDP socket (the server's TID), the file or
 * rendered script it sends, the send window and one retransmit timer.
 * A transfer keeps no pointer into the configuration, so a reload can
 * free the old one under it.
 */

#ifndef TFTPD_XFER_H
#define TFTPD_XFER_H

#include <sys/socket.h>

#include <stdint.h>

#include "addr.h"
#include "daemon.h"
#include "tftp.h"

/* What a transfer sends: an open file, or a buffer it then owns. */
struct xfer_src {
	int		 fd;		/* -1 for a buffer */
	uint8_t		*buf;		/* malloc'd, freed with the transfer */
	uint64_t	 size;
};

struct xfer_params {
	struct sockaddr_storage	 peer;
	socklen_t		 peerlen;
	struct nb_addr		 local;		/* the request's destination */
	int			 ifindex;
	int			 mode;		/* TFTP_MODE_* */
	struct tftp_opts	 opts;
	int			 oack;		/* opts go out in an OACK */
	unsigned int		 timeout;	/* seconds, server's own */
	unsigned int		 retries;
	unsigned int		 lifetime;	/* seconds, whatever happens */
	uint32_t		 ratelimit;	/* ERRORs to others, a second */
	const char		*file;		/* for the log, copied */
	uint64_t		 reqhash;	/* of the request packet */
};

void		 xfer_init(void);
int		 xfer_start(const struct xfer_params *, struct xfer_src *);
unsigned int	 xfer_count(void);
int		 xfer_peer_busy(const struct sockaddr *, uint64_t);
int		 xfer_evict_unverified(void);
void		 xfer_sessions(struct engine_env *);

#endif /* TFTPD_XFER_H */
