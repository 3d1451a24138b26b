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
#include <sys/types.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>

#include "log.h"
#include "udp.h"

union pktinfo_cmsg {
	struct cmsghdr	 hdr;
	uint8_t		 buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

static void	 udp_meta_pktinfo(struct msghdr *, struct udp_meta *);

ssize_t
udp_recv(int fd, void *buf, size_t len, struct udp_meta *m)
{
	union pktinfo_cmsg	 cm;
	struct iovec		 iov = { buf, len };
	struct msghdr		 msg;
	ssize_t			 n;

	memset(m, 0, sizeof(*m));
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &m->peer;
	msg.msg_namelen = sizeof(m->peer);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = &cm;
	msg.msg_controllen = sizeof(cm);
	if ((n = recvmsg(fd, &msg, 0)) == -1)
		return -1;
	if (msg.msg_flags & MSG_TRUNC) {
		errno = EMSGSIZE;
		return -1;
	}
	m->peerlen = msg.msg_namelen;
	udp_meta_pktinfo(&msg, m);
	return n;
}

static void
udp_meta_pktinfo(struct msghdr *msg, struct udp_meta *m)
{
	struct cmsghdr		*c;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			m->local.af = AF_INET;
			m->local.u.v4 = pi.ipi_addr;
			m->ifindex = pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(pi6))) {
			memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
			m->local.af = AF_INET6;
			m->local.u.v6 = pi6.ipi6_addr;
			m->ifindex = pi6.ipi6_ifindex;
		}
	}
}

ssize_t
udp_send(int fd, const void *buf, size_t len, const struct sockaddr *to,
    socklen_t tolen, const struct nb_addr *local, int ifindex)
{
	union pktinfo_cmsg	 cm;
	struct iovec		 iov = { (void *)buf, len };
	struct msghdr		 msg;
	struct cmsghdr		*c;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = (void *)to;
	msg.msg_namelen = tolen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (local != NULL && local->af == to->sa_family) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = &cm;
		c = &cm.hdr;
		if (local->af == AF_INET) {
			memset(&pi, 0, sizeof(pi));
			pi.ipi_spec_dst = local->u.v4;
			pi.ipi_ifindex = ifindex;
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		} else {
			memset(&pi6, 0, sizeof(pi6));
			pi6.ipi6_addr = local->u.v6;
			pi6.ipi6_ifindex = ifindex;
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi6));
			memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
			msg.msg_controllen = CMSG_SPACE(sizeof(pi6));
		}
	}
	return sendmsg(fd, &msg, 0);
}

void
udp_drain(int fd, uint8_t *buf, size_t bufsz, int burst, udp_datagram_cb cb,
    void *arg)
{
	struct udp_meta	 m;
	ssize_t		 n;
	int		 i;

	for (i = 0; i < burst; i++) {
		if ((n = udp_recv(fd, buf, bufsz, &m)) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			if (errno != EMSGSIZE)
				log_warn("recvmsg");
			continue;
		}
		cb(arg, buf, n, &m);
	}
}
