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
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "daemon.h"
#include "ev.h"
#include "log.h"

#define LISTEN_RCVBUF	(4 * 1024 * 1024)	/* bytes, see below */

static int	 listen_one(const struct daemon_def *,
		    const struct listen_conf *, struct listener **, size_t *);
static int	 listener_add(struct listener **, size_t *,
		    const struct listener *);
static void	 listener_sockopts(const struct daemon_def *, int, int, int);

int
listen_open(const struct daemon_def *def, const struct daemon_conf *dc,
    struct listener **lp, size_t *np)
{
	struct listen_conf	 any;
	size_t			 i;

	*lp = NULL;
	*np = 0;
	if (dc->nlisten == 0) {
		memset(&any, 0, sizeof(any));
		return listen_one(def, &any, lp, np);
	}
	for (i = 0; i < dc->nlisten; i++)
		if (listen_one(def, &dc->listen[i], lp, np) == -1) {
			listeners_free(*lp, *np);
			*lp = NULL;
			*np = 0;
			return -1;
		}
	return 0;
}

/* "*" and "interface X" listen on both families, an address on its own. */
static int
listen_one(const struct daemon_def *def, const struct listen_conf *lc,
    struct listener **lp, size_t *np)
{
	struct sockaddr_storage	 ss;
	struct listener		 l;
	struct nb_addr		 a;
	socklen_t		 len;
	uint16_t		 port = lc->port ? lc->port : def->port;
	const char		*ifname = lc->ifname[0] ? lc->ifname : NULL;
	int			 families[2], nfam = 0, i;

	if (lc->addr.af == AF_UNSPEC) {
		families[nfam++] = AF_INET;
		families[nfam++] = AF_INET6;
	} else
		families[nfam++] = lc->addr.af;

	for (i = 0; i < nfam; i++) {
		a = lc->addr;
		a.af = families[i];
		len = addr_to_sa(&a, port, &ss);
		if (listen_socket(def, def->socktype, ifname, &ss, len,
		    &l) == -1) {
			/* A host without IPv6 still serves IPv4 on "*". */
			if (nfam == 2 && families[i] == AF_INET6 &&
			    errno == EAFNOSUPPORT)
				continue;
			return -1;
		}
		if (listener_add(lp, np, &l) == -1) {
			close(l.fd);
			return -1;
		}
	}
	return 0;
}

int
listen_socket(const struct daemon_def *def, int socktype, const char *ifname,
    const struct sockaddr_storage *ss, socklen_t len, struct listener *l)
{
	char	 buf[NB_ADDRSTRLEN + 8];
	int	 fd, on = 1, saved;

	memset(l, 0, sizeof(*l));
	if ((fd = socket(ss->ss_family, socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		saved = errno;
		if (errno != EAFNOSUPPORT)
			log_warn("socket");
		errno = saved;
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		fatal("setsockopt SO_REUSEADDR");
	if (ss->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		fatal("setsockopt IPV6_V6ONLY");
	if (ifname != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
	    ifname, strlen(ifname)) == -1) {
		log_warn("listen on interface %s", ifname);
		goto fail;
	}
	listener_sockopts(def, fd, ss->ss_family, socktype);
	if (bind(fd, (const struct sockaddr *)ss, len) == -1) {
		log_warn("%s: bind %s%s%s", def->name,
		    sa_ntop((const struct sockaddr *)ss, buf, sizeof(buf)),
		    ifname ? " on " : "", ifname ? ifname : "");
		goto fail;
	}
	if (socktype == SOCK_STREAM && listen(fd, SOMAXCONN) == -1) {
		log_warn("listen");
		goto fail;
	}
	l->fd = fd;
	memcpy(&l->info.ss, ss, len);
	if (ifname != NULL)
		strlcpy(l->info.ifname, ifname, sizeof(l->info.ifname));
	l->info.socktype = socktype;
	return 0;
 fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/*
 * Datagram servers answer from the address a request came to.  A boot
 * storm sends a request from every machine within milliseconds, more
 * than the default 208 KiB receive buffer holds: each dropped request
 * costs its client a timeout of seconds.  The root parent may exceed
 * net.core.rmem_max; memory is charged only for datagrams queued.
 * Sockets from socket activation get the same, and SO_BROADCAST where
 * the daemon broadcasts: a unit without Broadcast=yes (or
 * systemd-socket-activate, which has no such option) must not leave
 * every broadcast answer failing with EACCES.
 */
static void
listener_sockopts(const struct daemon_def *def, int fd, int af, int socktype)
{
	int	 on = 1, size = LISTEN_RCVBUF;

	if (socktype != SOCK_DGRAM)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF,
	    &size, sizeof(size)) == -1)
		log_warn("setsockopt SO_RCVBUF");
	if (def->broadcast && af == AF_INET && setsockopt(fd, SOL_SOCKET,
	    SO_BROADCAST, &on, sizeof(on)) == -1)
		fatal("setsockopt SO_BROADCAST");
	if (af == AF_INET && setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on,
	    sizeof(on)) == -1)
		fatal("setsockopt IP_PKTINFO");
	if (af == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO,
	    &on, sizeof(on)) == -1)
		fatal("setsockopt IPV6_RECVPKTINFO");
}

/* Sockets from systemd's socket activation replace the listen lines. */
int
listen_activated(const struct daemon_def *def, struct listener **lp,
    size_t *np)
{
	struct listener	 l;
	socklen_t	 len;
	int		 n, i, fd, type;

	*lp = NULL;
	*np = 0;
	if ((n = ev_listen_fds()) <= 0)
		return n;
	for (i = 0; i < n; i++) {
		fd = EV_LISTEN_FDS_START + i;
		memset(&l, 0, sizeof(l));
		l.fd = fd;
		len = sizeof(l.info.ss);
		if (getsockname(fd, (struct sockaddr *)&l.info.ss, &len) == -1)
			fatal("socket activation: descriptor %d", fd);
		len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
			fatal("socket activation: descriptor %d", fd);
		if (type != def->socktype)
			fatalx("socket activation: descriptor %d is not a %s "
			    "socket", fd, def->socktype == SOCK_DGRAM ?
			    "datagram" : "stream");
		l.info.socktype = type;
		l.info.port_role = sa_port((struct sockaddr *)&l.info.ss);
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
			fatal("fcntl");
		listener_sockopts(def, fd, l.info.ss.ss_family, type);
		if (listener_add(lp, np, &l) == -1)
			fatal("%s", __func__);
	}
	return n;
}

static int
listener_add(struct listener **lp, size_t *np, const struct listener *l)
{
	struct listener	*nl;

	if ((nl = reallocarray(*lp, *np + 1, sizeof(*nl))) == NULL)
		return -1;
	nl[(*np)++] = *l;
	*lp = nl;
	return 0;
}

void
listeners_free(struct listener *l, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (l[i].fd != -1)
			close(l[i].fd);
	free(l);
}
