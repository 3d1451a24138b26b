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
 * stormload: a room of simulated UEFI machines that power on together,
 * for tests/bench/storm-bench.  Each machine, from an address of its
 * own, does what EDK2's PXE and iPXE do:
 *
 *   dhcp   DISCOVER (broadcast) until a proxy OFFER; resent after
 *          4, 8, 16 and 32 s, then the machine fails;
 *   proxy  REQUEST to port 4011 of the proxy, from port 4011, until the
 *          ACK names the boot file; resent after 1, 2, 3 and 4 s;
 *   tftp   the tsize probe (RRQ with tsize and blksize, the OACK, an
 *          ERROR), then the download with blksize 1468 and windowsize 4,
 *          every block compared with the local copy; 4 s without
 *          progress resends, the sixth time the machine fails;
 *   http   GET of the kernel, then of the initrd, on one keep-alive
 *          connection; the lengths checked and 64 bytes of every 4 KiB
 *          compared with the local copies; 60 s without a byte fails.
 *
 * With -O the machines skip straight to the HTTP phase: the bulk load
 * of 10 and 20 MiB downloads alone.
 *
 * Machines start spread evenly over the first second.  All of them run
 * in one epoll loop on one core.  The result is one line per machine
 * on stdout:
 *
 *   id start dhcp proxy tftp http done failed tries
 *
 * times in milliseconds (start and done from the run's start, the
 * phases' own durations), failed the phase that failed or "-", tries
 * the DISCOVERs, REQUESTs and TFTP timeouts as d/r/t.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MSEC		1000000ULL	/* ns */
#define SEC		(1000 * MSEC)

#define DHCP_HDR_LEN	240
#define DHCP_COOKIE	0x63825363
#define DHCP_MSGLEN	548
#define DHCPDISCOVER	1
#define DHCPOFFER	2
#define DHCPREQUEST	3
#define DHCPACK		5
#define ARCH_X64_UEFI	7

#define TFTP_RRQ	1
#define TFTP_DATA	3
#define TFTP_ACK	4
#define TFTP_ERROR	5
#define TFTP_OACK	6
#define TFTP_BLKSIZE	1468
#define TFTP_WINDOW	4
#define TFTP_TIMEOUT	(4 * SEC)
#define TFTP_TRIES	6

#define HTTP_STALL	(60 * SEC)
#define HTTP_HDRMAX	4096
#define SAMPLE_EVERY	4096
#define SAMPLE_LEN	64

#define EV_BATCH	256
#define RECVBUF		(256 * 1024)
#define READ_TURN	(1024 * 1024)

enum phase { P_DHCP, P_PROXY, P_TFTP, P_HTTP, NPHASE };
enum state {
	S_IDLE,		/* not powered on yet */
	S_DISCOVER,
	S_REQUEST,
	S_PROBE,	/* tsize probe sent */
	S_TFTP,		/* download */
	S_CONNECT,
	S_HTTP,
	S_DONE,
	S_FAILED
};

static const char *phase_names[NPHASE] = { "dhcp", "proxy", "tftp", "http" };

struct file {
	const char	*name;		/* as asked for */
	uint8_t		*data;
	size_t		 size;
};

struct machine {
	uint32_t		 id;
	struct in_addr		 addr;
	uint32_t		 xid;
	uint8_t			 state;
	uint8_t			 failed;	/* phase + 1, 0: none */
	uint8_t			 tries;		/* of the current step */
	uint8_t			 ndisc, nreq, ntmo;
	uint8_t			 pending;	/* in pending[] */
	uint64_t		 start;		/* ns from t0 */
	uint64_t		 pstart;	/* the phase began */
	uint64_t		 deadline;	/* 0: none */
	uint32_t		 ms[NPHASE];
	uint64_t		 done;
	int			 fd;		/* TFTP or HTTP socket */
	/* TFTP */
	struct sockaddr_in	 peer;
	int			 locked;	/* peer's port known */
	uint16_t		 blksize;
	uint16_t		 window;
	uint32_t		 next;		/* block expected */
	uint32_t		 acked;		/* last block ACKed */
	/* HTTP */
	int			 fileno;	/* kernel, initrd */
	int			 inbody;
	uint64_t		 left;		/* body bytes to come */
	uint64_t		 off;		/* body bytes so far */
	size_t			 hlen;
	char			*hdr;		/* HTTP_HDRMAX, while reading one */
};

static struct {
	uint32_t	 n;
	struct in_addr	 server;
	struct in_addr	 first;		/* of the machines' addresses */
	const char	*ifname;
	uint16_t	 tftp_port;
	uint16_t	 http_port;
	uint64_t	 spread;	/* ns */
	uint64_t	 limit;		/* the run ends by then, ns */
	const char	*bootfile;	/* expected in the ACK */
	int		 http_only;
} opt = {
	.n = 100,
	.tftp_port = 69,
	.http_port = 80,
	.spread = SEC,
	.limit = 300 * SEC,
};

static struct file	 loader, http_files[2];
static struct machine	*machines;
static int		 epfd, s68, s4011;
static uint64_t		 t0;
static uint32_t		 nsettled;
static uint32_t		*pending, *spare, npending;	/* see http_turn() */
static uint8_t		 rbuf[RECVBUF];

static void	 usage(void) __attribute__((__noreturn__));
static uint64_t	 now(void);
static void	 file_load(struct file *, const char *, const char *);
static int	 udp_open(struct in_addr, uint16_t, int);
static void	 ep_add(int, uint32_t, uint64_t);
static void	 settle(struct machine *, int);
static void	 fail(struct machine *);
static void	 phase_end(struct machine *, enum phase);
static uint8_t	*opt_put(uint8_t *, uint8_t, const void *, uint8_t);
static size_t	 dhcp_build(struct machine *, int, uint8_t *);
static const uint8_t *dhcp_opt(const uint8_t *, size_t, uint8_t,
		    uint8_t *);
static void	 dhcp_send(struct machine *);
static void	 dhcp_recv(int);
static void	 dhcp_answer(const uint8_t *, size_t);
static void	 tftp_start(struct machine *, int);
static void	 tftp_rrq(struct machine *);
static void	 tftp_send(struct machine *, const uint8_t *, size_t);
static void	 tftp_ack(struct machine *, uint32_t);
static void	 tftp_recv(struct machine *);
static void	 tftp_oack(struct machine *, const uint8_t *, size_t);
static void	 tftp_data(struct machine *, const uint8_t *, size_t);
static void	 tftp_close(struct machine *);
static void	 http_start(struct machine *);
static void	 http_get(struct machine *);
static void	 http_event(struct machine *, uint32_t);
static void	 http_turn(struct machine *);
static void	 pending_run(void);
static int	 http_read(struct machine *);
static int	 http_header(struct machine *, size_t);
static int	 http_body(struct machine *, const uint8_t *, size_t);
static void	 timers(uint64_t);
static void	 report(void);

static void
usage(void)
{
	fprintf(stderr, "usage: stormload -n machines -s server -a first "
	    "-i ifname -l loader:file -k kernel:file -r initrd:file\n"
	    "\t[-O] [-b bootfile] [-T tftp-port] [-H http-port] "
	    "[-S spread-ms] [-L limit-s]\n");
	exit(2);
}

static uint64_t
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + ts.tv_nsec - t0;
}

/* "name:path": the name asked of the server, the local copy. */
static void
file_load(struct file *f, const char *arg, const char *what)
{
	struct stat	 st;
	char		*colon;
	int		 fd;

	if ((colon = strchr(arg, ':')) == NULL)
		errx(2, "%s: name:path", what);
	if ((f->name = strndup(arg, colon - arg)) == NULL)
		err(1, "strndup");
	if ((fd = open(colon + 1, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", colon + 1);
	f->size = st.st_size;
	f->data = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
	    fd, 0);
	if (f->data == MAP_FAILED)
		err(1, "mmap %s", colon + 1);
	close(fd);
}

static int
udp_open(struct in_addr a, uint16_t port, int bcast)
{
	struct sockaddr_in	 sin;
	int			 fd, on = 1, size = 8 << 20;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bcast) {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		    sizeof(size)) == -1)
			warn("SO_RCVBUFFORCE");
		if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, opt.ifname,
		    strlen(opt.ifname)) == -1)
			err(1, "SO_BINDTODEVICE %s", opt.ifname);
		if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on,
		    sizeof(on)) == -1)
			err(1, "SO_BROADCAST");
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = a;
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		if (errno == EADDRNOTAVAIL || errno == EADDRINUSE) {
			close(fd);
			return -1;
		}
		err(1, "bind %s:%u", inet_ntoa(a), port);
	}
	return fd;
}

/* epoll data: the machine's index, or UINT64_MAX - port for DHCP. */
static void
ep_add(int fd, uint32_t events, uint64_t data)
{
	struct epoll_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = data;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
		err(1, "epoll_ctl");
}

static void
settle(struct machine *m, int state)
{
	m->state = state;
	m->deadline = 0;
	m->done = now();
	nsettled++;
}

static void
fail(struct machine *m)
{
	enum phase	 p;

	switch (m->state) {
	case S_DISCOVER:
		p = P_DHCP;
		break;
	case S_REQUEST:
		p = P_PROXY;
		break;
	case S_PROBE:
	case S_TFTP:
		p = P_TFTP;
		break;
	default:
		p = P_HTTP;
		break;
	}
	m->failed = p + 1;
	if (m->fd != -1)
		close(m->fd);
	m->fd = -1;
	free(m->hdr);
	m->hdr = NULL;
	settle(m, S_FAILED);
}

static void
phase_end(struct machine *m, enum phase p)
{
	uint64_t	 t = now();

	m->ms[p] = (t - m->pstart) / MSEC;
	m->pstart = t;
}

/* ------------------------------------------------------------ DHCP */

static uint8_t *
opt_put(uint8_t *o, uint8_t code, const void *v, uint8_t len)
{
	o[0] = code;
	o[1] = len;
	memcpy(o + 2, v, len);
	return o + 2 + len;
}

/* As EDK2's PXE sends them: 53, 55, 57, 60, 93, 94, 97. */
static size_t
dhcp_build(struct machine *m, int type, uint8_t *p)
{
	static const uint8_t	 prl[] = { 1, 3, 6, 43, 54, 60, 66, 67, 93,
				    94, 97 };
	static const uint8_t	 ndi[] = { 1, 3, 16 };
	static const char	 vc[] = "PXEClient:Arch:00007:UNDI:003016";
	uint32_t		 xid = htonl(m->xid);
	uint32_t		 cookie = htonl(DHCP_COOKIE);
	uint16_t		 flags = htons(type == DHCPDISCOVER ? 0x8000 : 0);
	uint16_t		 size = htons(1472), arch = htons(ARCH_X64_UEFI);
	uint8_t			 t = type, uuid[17], *o;

	memset(p, 0, DHCP_MSGLEN);
	p[0] = 1;			/* BOOTREQUEST */
	p[1] = 1;			/* Ethernet */
	p[2] = 6;
	memcpy(p + 4, &xid, 4);
	memcpy(p + 10, &flags, 2);
	if (type == DHCPREQUEST)
		memcpy(p + 12, &m->addr, 4);	/* ciaddr */
	p[28] = 0x02;
	p[29] = 0x53;
	p[30] = 0x54;
	p[31] = m->id >> 16;
	p[32] = m->id >> 8;
	p[33] = m->id;
	memcpy(p + 236, &cookie, 4);
	uuid[0] = 0;
	memset(uuid + 1, 0x22, 10);
	memcpy(uuid + 11, p + 28, 6);
	o = p + DHCP_HDR_LEN;
	o = opt_put(o, 53, &t, 1);
	o = opt_put(o, 55, prl, sizeof(prl));
	o = opt_put(o, 57, &size, 2);
	o = opt_put(o, 60, vc, sizeof(vc) - 1);
	o = opt_put(o, 93, &arch, 2);
	o = opt_put(o, 94, ndi, sizeof(ndi));
	o = opt_put(o, 97, uuid, sizeof(uuid));
	*o++ = 255;
	return DHCP_MSGLEN;
}

static const uint8_t *
dhcp_opt(const uint8_t *p, size_t len, uint8_t code, uint8_t *olen)
{
	size_t	 i = DHCP_HDR_LEN;

	while (i < len && p[i] != 255) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + p[i + 1] > len)
			return NULL;
		if (p[i] == code) {
			*olen = p[i + 1];
			return p + i + 2;
		}
		i += 2 + p[i + 1];
	}
	return NULL;
}

/*
 * A DISCOVER is broadcast from port 68; the REQUEST goes to the proxy's
 * port 4011 from the machine's own address and port 4011.
 */
static void
dhcp_send(struct machine *m)
{
	static const uint64_t	 disc[] = { 4, 8, 16, 32 };
	static const uint64_t	 req[] = { 1, 2, 3, 4 };
	uint8_t			 pkt[DHCP_MSGLEN];
	char			 cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct sockaddr_in	 to;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	struct in_pktinfo	*pi;
	int			 disco = m->state == S_DISCOVER;

	if (m->tries == 4) {
		fail(m);
		return;
	}
	iov.iov_base = pkt;
	iov.iov_len = dhcp_build(m, disco ? DHCPDISCOVER : DHCPREQUEST, pkt);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &to;
	msg.msg_namelen = sizeof(to);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (disco) {
		to.sin_addr.s_addr = INADDR_BROADCAST;
		to.sin_port = htons(67);
		m->ndisc++;
	} else {
		to.sin_addr = opt.server;
		to.sin_port = htons(4011);
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi));
		pi = (struct in_pktinfo *)CMSG_DATA(cm);
		pi->ipi_spec_dst = m->addr;
		m->nreq++;
	}
	if (sendmsg(disco ? s68 : s4011, &msg, 0) == -1 && errno != EAGAIN &&
	    errno != ENOBUFS)
		err(1, "sendmsg");
	m->deadline = now() + (disco ? disc : req)[m->tries] * SEC;
	m->tries++;
}

static void
dhcp_recv(int fd)
{
	ssize_t	 n;

	for (;;) {
		if ((n = recv(fd, rbuf, DHCP_MSGLEN * 2, 0)) == -1) {
			if (errno == EAGAIN)
				return;
			if (errno == EINTR)
				continue;
			err(1, "recv");
		}
		dhcp_answer(rbuf, n);
	}
}

/* A proxy OFFER says PXEClient; the ACK of 4011 names the boot file. */
static void
dhcp_answer(const uint8_t *p, size_t len)
{
	struct machine	*m;
	const uint8_t	*o;
	uint32_t	 xid, id;
	uint8_t		 olen, type;
	char		 file[129];

	if (len < DHCP_HDR_LEN || p[0] != 2)
		return;
	memcpy(&xid, p + 4, 4);
	id = ntohl(xid) - 0x5e000000;
	if (id >= opt.n)
		return;
	m = &machines[id];
	if ((o = dhcp_opt(p, len, 53, &olen)) == NULL || olen != 1)
		return;
	type = o[0];
	if (m->state == S_DISCOVER && type == DHCPOFFER) {
		if ((o = dhcp_opt(p, len, 60, &olen)) == NULL || olen < 9 ||
		    memcmp(o, "PXEClient", 9) != 0)
			return;
		phase_end(m, P_DHCP);
		m->state = S_REQUEST;
		m->tries = 0;
		dhcp_send(m);
		return;
	}
	if (m->state != S_REQUEST || type != DHCPACK)
		return;
	if ((o = dhcp_opt(p, len, 67, &olen)) != NULL) {
		memcpy(file, o, olen);
		file[olen] = '\0';
	} else {
		memcpy(file, p + 108, 128);
		file[128] = '\0';
	}
	if (file[0] == '\0' || (opt.bootfile != NULL &&
	    strcmp(file, opt.bootfile) != 0)) {
		warnx("machine %u: ACK names \"%s\"", m->id, file);
		return;
	}
	phase_end(m, P_PROXY);
	tftp_start(m, S_PROBE);
}

/* ------------------------------------------------------------ TFTP */

static void
tftp_start(struct machine *m, int state)
{
	if (m->fd != -1)
		close(m->fd);
	if ((m->fd = udp_open(m->addr, 0, 0)) == -1) {
		fail(m);
		return;
	}
	ep_add(m->fd, EPOLLIN, m->id);
	m->state = state;
	m->tries = 0;
	m->locked = 0;
	memset(&m->peer, 0, sizeof(m->peer));
	m->peer.sin_family = AF_INET;
	m->peer.sin_addr = opt.server;
	m->peer.sin_port = htons(opt.tftp_port);
	m->blksize = 512;
	m->window = 1;
	m->next = 1;
	m->acked = 0;
	tftp_rrq(m);
}

static void
tftp_rrq(struct machine *m)
{
	uint8_t	 pkt[512];
	int	 n;

	pkt[0] = 0;
	pkt[1] = TFTP_RRQ;
	if (m->state == S_PROBE)
		n = snprintf((char *)pkt + 2, sizeof(pkt) - 2,
		    "%s%coctet%ctsize%c0%cblksize%c%u%c", loader.name, 0, 0,
		    0, 0, 0, TFTP_BLKSIZE, 0);
	else
		n = snprintf((char *)pkt + 2, sizeof(pkt) - 2,
		    "%s%coctet%cblksize%c%u%cwindowsize%c%u%c", loader.name,
		    0, 0, 0, TFTP_BLKSIZE, 0, 0, TFTP_WINDOW, 0);
	tftp_send(m, pkt, 2 + n);
}

static void
tftp_send(struct machine *m, const uint8_t *pkt, size_t len)
{
	if (sendto(m->fd, pkt, len, 0, (struct sockaddr *)&m->peer,
	    sizeof(m->peer)) == -1 && errno != EAGAIN && errno != ENOBUFS &&
	    errno != ECONNREFUSED)
		err(1, "sendto");
	m->deadline = now() + TFTP_TIMEOUT;
}

static void
tftp_ack(struct machine *m, uint32_t block)
{
	uint8_t	 pkt[4];

	pkt[0] = 0;
	pkt[1] = TFTP_ACK;
	pkt[2] = block >> 8;
	pkt[3] = block;
	m->acked = block;
	tftp_send(m, pkt, sizeof(pkt));
}

static void
tftp_recv(struct machine *m)
{
	struct sockaddr_in	 from;
	socklen_t		 fl;
	ssize_t			 n;

	while (m->fd != -1 && (m->state == S_PROBE || m->state == S_TFTP)) {
		fl = sizeof(from);
		if ((n = recvfrom(m->fd, rbuf, sizeof(rbuf), 0,
		    (struct sockaddr *)&from, &fl)) == -1) {
			if (errno == EAGAIN)
				return;
			if (errno == EINTR || errno == ECONNREFUSED)
				continue;
			err(1, "recvfrom");
		}
		if (n < 4 || from.sin_addr.s_addr != opt.server.s_addr)
			continue;
		if (!m->locked) {
			m->peer.sin_port = from.sin_port;
			m->locked = 1;
		} else if (from.sin_port != m->peer.sin_port)
			continue;
		switch (rbuf[1]) {
		case TFTP_OACK:
			tftp_oack(m, rbuf, n);
			break;
		case TFTP_DATA:
			tftp_data(m, rbuf, n);
			break;
		case TFTP_ERROR:
			warnx("machine %u: TFTP error %u %.*s", m->id, rbuf[3],
			    (int)(n > 4 ? n - 4 : 0), rbuf + 4);
			fail(m);
			return;
		}
	}
}

/* The probe ends with an ERROR, as EDK2 ends it; the download goes on. */
static void
tftp_oack(struct machine *m, const uint8_t *p, size_t len)
{
	static const uint8_t	 abort[] = { 0, TFTP_ERROR, 0, 8, 'p', 'r',
				    'o', 'b', 'e', 0 };
	const char		*k, *v, *end = (const char *)p + len;

	if (m->state == S_PROBE) {
		tftp_send(m, abort, sizeof(abort));
		tftp_start(m, S_TFTP);
		return;
	}
	if (m->next != 1)
		return;
	for (k = (const char *)p + 2; k < end; k = v + strnlen(v, end - v) + 1) {
		v = k + strnlen(k, end - k) + 1;
		if (v >= end)
			break;
		if (strcasecmp(k, "blksize") == 0)
			m->blksize = atoi(v);
		else if (strcasecmp(k, "windowsize") == 0)
			m->window = atoi(v);
	}
	if (m->blksize < 8 || m->blksize > TFTP_BLKSIZE || m->window < 1) {
		warnx("machine %u: OACK blksize %u windowsize %u", m->id,
		    m->blksize, m->window);
		fail(m);
		return;
	}
	tftp_ack(m, 0);
}

/*
 * RFC 7440: an ACK after each window, and at once for a block out of
 * order, naming the last block received in order.
 */
static void
tftp_data(struct machine *m, const uint8_t *p, size_t len)
{
	uint32_t	 block = (uint32_t)p[2] << 8 | p[3];
	size_t		 n = len - 4, off;

	if (m->state == S_PROBE) {	/* no OACK: options ignored */
		tftp_start(m, S_TFTP);
		return;
	}
	if (block != (m->next & 0xffff)) {
		if (block != (m->acked & 0xffff))
			tftp_ack(m, m->acked = m->next - 1);
		return;
	}
	off = (size_t)(m->next - 1) * m->blksize;
	if (n > m->blksize || off + n > loader.size ||
	    memcmp(loader.data + off, p + 4, n) != 0) {
		warnx("machine %u: block %u differs from the file", m->id,
		    m->next);
		fail(m);
		return;
	}
	m->tries = 0;
	if (n < m->blksize) {
		if (off + n != loader.size) {
			warnx("machine %u: file ends at %zu", m->id, off + n);
			fail(m);
			return;
		}
		tftp_ack(m, m->next);
		tftp_close(m);
		return;
	}
	if (m->next - m->acked >= m->window)
		tftp_ack(m, m->next);
	else
		m->deadline = now() + TFTP_TIMEOUT;
	m->next++;
}

static void
tftp_close(struct machine *m)
{
	close(m->fd);
	m->fd = -1;
	phase_end(m, P_TFTP);
	http_start(m);
}

/* ------------------------------------------------------------ HTTP */

static void
http_start(struct machine *m)
{
	struct sockaddr_in	 sin;
	int			 on = 1;

	m->state = S_CONNECT;
	if ((m->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	setsockopt(m->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = m->addr;
	if (bind(m->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind %s", inet_ntoa(m->addr));
	sin.sin_addr = opt.server;
	sin.sin_port = htons(opt.http_port);
	if (connect(m->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS) {
		fail(m);
		return;
	}
	ep_add(m->fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, m->id);
	m->fileno = 0;
	m->deadline = now() + HTTP_STALL;
}

static void
http_get(struct machine *m)
{
	char	 req[256];
	int	 n;

	n = snprintf(req, sizeof(req), "GET /%s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: iPXE/1.21.1\r\nConnection: keep-alive\r\n\r\n",
	    http_files[m->fileno].name, inet_ntoa(opt.server));
	if (send(m->fd, req, n, MSG_NOSIGNAL) != n) {
		fail(m);
		return;
	}
	m->state = S_HTTP;
	m->inbody = 0;
	m->hlen = 0;
	m->off = 0;
	if (m->hdr == NULL && (m->hdr = malloc(HTTP_HDRMAX)) == NULL)
		err(1, "malloc");
}

static void
http_event(struct machine *m, uint32_t ev)
{
	int	 e = 0;
	socklen_t el = sizeof(e);

	if (m->state == S_CONNECT) {
		if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (getsockopt(m->fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1 ||
		    e != 0) {
			warnx("machine %u: connect: %s", m->id, strerror(e));
			fail(m);
			return;
		}
		http_get(m);
		if (m->state != S_HTTP)
			return;
	}
	if (m->state == S_HTTP && (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
	    EPOLLERR)))
		http_turn(m);
}

/*
 * A machine reads at most READ_TURN bytes before the others get their
 * turn: each real machine has a CPU of its own, and one that a fast
 * server keeps fed must not starve the rest of this shared loop.
 */
static void
http_turn(struct machine *m)
{
	int	 i;

	for (i = 0; i < READ_TURN / RECVBUF; i++)
		if (http_read(m) != 1)
			return;
	if (!m->pending) {
		m->pending = 1;
		pending[npending++] = m->id;
	}
}

static void
pending_run(void)
{
	struct machine	*m;
	uint32_t	*ids = pending, n = npending, i;

	pending = spare;
	spare = ids;
	npending = 0;
	for (i = 0; i < n; i++) {
		m = &machines[ids[i]];
		m->pending = 0;
		if (m->state == S_HTTP)
			http_turn(m);
	}
}

/* 1: read more, 0: wait, -1: the machine is settled. */
static int
http_read(struct machine *m)
{
	ssize_t	 n;

	if ((n = recv(m->fd, rbuf, sizeof(rbuf), 0)) == -1) {
		if (errno == EAGAIN)
			return 0;
		if (errno == EINTR)
			return 1;
		warnx("machine %u: recv: %s", m->id, strerror(errno));
		fail(m);
		return -1;
	}
	if (n == 0) {
		warnx("machine %u: closed after %llu bytes of %s", m->id,
		    (unsigned long long)m->off, http_files[m->fileno].name);
		fail(m);
		return -1;
	}
	m->deadline = now() + HTTP_STALL;
	if (!m->inbody)
		return http_header(m, n);
	return http_body(m, rbuf, n);
}

static int
http_header(struct machine *m, size_t n)
{
	char		*end;
	size_t		 take, hl;
	unsigned long long cl;
	const char	*p;

	take = HTTP_HDRMAX - 1 - m->hlen < n ? HTTP_HDRMAX - 1 - m->hlen : n;
	memcpy(m->hdr + m->hlen, rbuf, take);
	m->hlen += take;
	m->hdr[m->hlen] = '\0';
	if ((end = strstr(m->hdr, "\r\n\r\n")) == NULL) {
		if (m->hlen == HTTP_HDRMAX - 1) {
			warnx("machine %u: header too long", m->id);
			fail(m);
			return -1;
		}
		return 1;
	}
	hl = end + 4 - m->hdr;
	if (strncmp(m->hdr, "HTTP/1.1 200 ", 13) != 0) {
		warnx("machine %u: %.*s", m->id, (int)strcspn(m->hdr, "\r"),
		    m->hdr);
		fail(m);
		return -1;
	}
	if ((p = strcasestr(m->hdr, "\r\ncontent-length:")) == NULL ||
	    p > end || (cl = strtoull(p + 17, NULL, 10)) !=
	    http_files[m->fileno].size) {
		warnx("machine %u: no or a wrong Content-Length", m->id);
		fail(m);
		return -1;
	}
	m->inbody = 1;
	m->left = cl;
	/* What came after the header is body; rbuf still holds it. */
	take = hl - (m->hlen - take);
	return http_body(m, rbuf + take, n - take);
}

static int
http_body(struct machine *m, const uint8_t *p, size_t n)
{
	const struct file	*f = &http_files[m->fileno];
	uint64_t		 s;

	if (n > m->left) {
		warnx("machine %u: more than the body", m->id);
		fail(m);
		return -1;
	}
	s = (m->off + SAMPLE_EVERY - 1) / SAMPLE_EVERY * SAMPLE_EVERY;
	for (; s + SAMPLE_LEN <= m->off + n; s += SAMPLE_EVERY)
		if (memcmp(f->data + s, p + (s - m->off), SAMPLE_LEN) != 0) {
			warnx("machine %u: %s differs at %llu", m->id,
			    f->name, (unsigned long long)s);
			fail(m);
			return -1;
		}
	m->off += n;
	m->left -= n;
	if (m->left > 0)
		return 1;
	if (++m->fileno < 2) {
		http_get(m);
		return m->state == S_HTTP ? 1 : -1;
	}
	phase_end(m, P_HTTP);
	close(m->fd);
	m->fd = -1;
	free(m->hdr);
	m->hdr = NULL;
	settle(m, S_DONE);
	return -1;
}

/* ------------------------------------------------------------ loop */

static void
timers(uint64_t t)
{
	struct machine	*m;
	uint32_t	 i;

	for (i = 0; i < opt.n; i++) {
		m = &machines[i];
		if (m->state == S_IDLE && t >= m->start) {
			m->pstart = t;
			if (opt.http_only) {
				http_start(m);
				continue;
			}
			m->state = S_DISCOVER;
			dhcp_send(m);
			continue;
		}
		if (m->deadline == 0 || t < m->deadline)
			continue;
		switch (m->state) {
		case S_DISCOVER:
		case S_REQUEST:
			dhcp_send(m);
			break;
		case S_PROBE:
		case S_TFTP:
			if (++m->tries >= TFTP_TRIES) {
				fail(m);
				break;
			}
			m->ntmo++;
			if (!m->locked)
				tftp_rrq(m);
			else
				tftp_ack(m, m->next - 1);
			break;
		case S_CONNECT:
		case S_HTTP:
			warnx("machine %u: HTTP stalled", m->id);
			fail(m);
			break;
		}
	}
}

static void
report(void)
{
	struct machine	*m;
	uint32_t	 i;

	for (i = 0; i < opt.n; i++) {
		m = &machines[i];
		printf("%u %llu %u %u %u %u %llu %s %u/%u/%u\n", m->id,
		    (unsigned long long)(m->start / MSEC), m->ms[P_DHCP],
		    m->ms[P_PROXY], m->ms[P_TFTP], m->ms[P_HTTP],
		    (unsigned long long)(m->done / MSEC),
		    m->state == S_DONE ? "-" : m->failed ?
		    phase_names[m->failed - 1] : "unfinished", m->ndisc,
		    m->nreq, m->ntmo);
	}
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 ev[EV_BATCH];
	struct timespec		 ts;
	struct machine		*m;
	struct in_addr		 any = { INADDR_ANY };
	struct rlimit		 rl;
	uint64_t		 t, last = 0;
	uint32_t		 i;
	int			 ch, n, k;

	while ((ch = getopt(argc, argv, "a:b:H:i:k:l:L:n:Or:s:S:T:")) != -1) {
		switch (ch) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &opt.first) != 1)
				usage();
			break;
		case 'b':
			opt.bootfile = optarg;
			break;
		case 'H':
			opt.http_port = atoi(optarg);
			break;
		case 'i':
			opt.ifname = optarg;
			break;
		case 'k':
			file_load(&http_files[0], optarg, "-k");
			break;
		case 'l':
			file_load(&loader, optarg, "-l");
			break;
		case 'L':
			opt.limit = strtoull(optarg, NULL, 10) * SEC;
			break;
		case 'n':
			opt.n = strtoul(optarg, NULL, 10);
			break;
		case 'O':
			opt.http_only = 1;
			break;
		case 'r':
			file_load(&http_files[1], optarg, "-r");
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &opt.server) != 1)
				usage();
			break;
		case 'S':
			opt.spread = strtoull(optarg, NULL, 10) * MSEC;
			break;
		case 'T':
			opt.tftp_port = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (opt.n == 0 || opt.n > 60000 || opt.ifname == NULL ||
	    (loader.data == NULL && !opt.http_only) ||
	    http_files[0].data == NULL || http_files[1].data == NULL || opt.server.s_addr == 0 ||
	    opt.first.s_addr == 0)
		usage();
	/* A socket per machine at a time, and the few of our own. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "getrlimit");
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < opt.n + 16)
		errx(1, "%u machines need %u descriptors; the limit is %llu",
		    opt.n, opt.n + 16, (unsigned long long)rl.rlim_cur);
	if ((machines = calloc(opt.n, sizeof(*machines))) == NULL ||
	    (pending = calloc(opt.n, sizeof(*pending))) == NULL ||
	    (spare = calloc(opt.n, sizeof(*spare))) == NULL)
		err(1, "calloc");
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	s68 = udp_open(any, 68, 1);
	s4011 = udp_open(any, 4011, 1);
	if (s68 == -1 || s4011 == -1)
		errx(1, "ports 68 and 4011 are taken");
	ep_add(s68, EPOLLIN, UINT64_MAX - 68);
	ep_add(s4011, EPOLLIN, UINT64_MAX - 4011);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (uint64_t)ts.tv_sec * SEC + ts.tv_nsec;
	for (i = 0; i < opt.n; i++) {
		m = &machines[i];
		m->id = i;
		m->addr.s_addr = htonl(ntohl(opt.first.s_addr) + i);
		m->xid = 0x5e000000 + i;
		m->fd = -1;
		m->start = opt.spread * i / opt.n;
	}
	while (nsettled < opt.n) {
		t = now();
		if (t >= opt.limit)
			break;
		if (t - last >= MSEC) {
			timers(t);
			last = t;
		}
		pending_run();
		if ((n = epoll_wait(epfd, ev, EV_BATCH, npending > 0 ? 0 :
		    1)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (k = 0; k < n; k++) {
			if (ev[k].data.u64 == UINT64_MAX - 68)
				dhcp_recv(s68);
			else if (ev[k].data.u64 == UINT64_MAX - 4011)
				dhcp_recv(s4011);
			else {
				m = &machines[ev[k].data.u64];
				if (m->state == S_PROBE || m->state == S_TFTP)
					tftp_recv(m);
				else if (m->state == S_CONNECT ||
				    m->state == S_HTTP)
					http_event(m, ev[k].events);
			}
		}
	}
	report();
	return 0;
}
