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
 * dhcpload: a DHCP load generator for the proxyDHCP benchmark.
 *
 * It sends PXE and HTTP boot DISCOVERs from thousands of distinct MAC
 * addresses and a mix of client architectures, either at a fixed rate
 * (open loop) or as fast as answers come back with a fixed number
 * outstanding (closed loop), matches the OFFERs by xid and prints one
 * line of key=value pairs: answers a second, the share answered, lost
 * requests, and latency percentiles twice: over the answered requests
 * (p50_ms ...) and over all of them, a lost one counted as the timeout
 * (p50_all_ms ...), so that a server that drops what it cannot answer
 * quickly does not look fast.
 *
 * By default it acts as a relay would: it binds port 67 of its own
 * address, puts that address in giaddr and sends to the server, which
 * answers by unicast to giaddr:67.  With -i it acts as clients on a link
 * do instead: from port 68 to 255.255.255.255:67 on one interface, and
 * the answers come back as broadcasts to port 68.  It is written apart
 * from dhcpd-proxy/dhcp.c on purpose: a shared bug would not show.
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BOOTREQUEST	1
#define BOOTREPLY	2
#define DHCPDISCOVER	1
#define DHCPOFFER	2
#define DHCP_COOKIE	0x63825363
#define DHCP_HDR_LEN	240
#define DHCP_FLAG_BCAST	0x8000
#define MSGLEN		348		/* a DISCOVER, padded */
#define MAXMSG		1500

#define MAXARCH		32
#define BATCH		64		/* datagrams per sendmmsg/recvmmsg */

#define NSEC		1000000000ULL
#define USEC		1000ULL
#define MSEC		1000000ULL

enum rstate {
	R_OUT,				/* sent, no answer yet */
	R_ANSWERED,
	R_LOST
};

struct req {
	uint64_t	 sent;		/* ns */
	uint8_t		 state;
};

static struct {
	uint32_t		 macs;
	uint16_t		 arch[MAXARCH];
	size_t			 narch;
	uint32_t		 window;	/* closed loop: outstanding */
	uint32_t		 rate;		/* open loop: a second, or 0 */
	uint64_t		 duration;	/* ns of sending */
	uint64_t		 count;		/* requests, or 0 */
	uint64_t		 timeout;	/* ns until a request is lost */
	const char		*ifname;	/* link mode */
	struct in_addr		 local;		/* relay mode: giaddr */
	struct sockaddr_in	 server;
	int			 rcvbuf;
} opt;

static struct {
	uint64_t		 sent;
	uint64_t		 answers;
	uint64_t		 lost;
	uint64_t		 late;		/* answered after being lost */
	uint64_t		 dups;
	uint64_t		 bad;		/* not an OFFER of ours */
	uint64_t		 sendfail;
	uint64_t		 first;		/* ns of the first send */
	uint64_t		 last;		/* ns of the last answer */
} st;

static struct req	*reqs;
static size_t		 nreqs_cap;
static uint32_t		*lat;		/* us, one per answer */
static size_t		 nlat, nlat_cap;
static uint32_t		 xid_base;
static uint64_t		 oldest;	/* first request not yet settled */
static uint64_t		 outstanding;
static int		 sock;

static void	 usage(void) __attribute__((__noreturn__));
static uint64_t	 now_ns(void);
static uint64_t	 number(const char *, uint64_t, uint64_t, const char *);
static void	 parse_archs(const char *);
static void	 sock_open(void);
static size_t	 discover_build(uint64_t, uint8_t *);
static uint8_t	*opt_put(uint8_t *, uint8_t, const void *, uint8_t);
static void	 mac_of(uint64_t, uint8_t *);
static void	 reqs_grow(uint64_t);
static void	 send_batch(uint64_t, uint64_t);
static uint64_t	 send_due(uint64_t, int);
static void	 recv_all(void);
static void	 on_answer(const uint8_t *, size_t, uint64_t);
static int	 offer_type(const uint8_t *, size_t);
static void	 expire(uint64_t);
static void	 lat_push(uint32_t);
static int	 lat_cmp(const void *, const void *);
static double	 percentile(size_t, double);
static void	 loop(void);
static void	 report(void);

static void
usage(void)
{
	fprintf(stderr, "usage: dhcpload [-a arch,...] [-B rcvbuf] "
	    "[-d seconds] [-m macs] [-n count]\n"
	    "\t[-r rate | -w window] [-T timeout_ms] "
	    "{-s local-address server | -i interface}\n");
	exit(2);
}

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static uint64_t
number(const char *s, uint64_t min, uint64_t max, const char *what)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, (long long)min, (long long)max, &errstr);
	if (errstr != NULL)
		errx(2, "%s %s: %s", what, s, errstr);
	return (uint64_t)v;
}

static void
parse_archs(const char *s)
{
	char	*copy, *p, *tok;

	if ((copy = strdup(s)) == NULL)
		err(1, "strdup");
	opt.narch = 0;
	p = copy;
	while ((tok = strsep(&p, ",")) != NULL) {
		if (opt.narch == MAXARCH)
			errx(2, "at most %d architectures", MAXARCH);
		opt.arch[opt.narch++] = number(tok, 0, 0xffff, "arch");
	}
	free(copy);
}

/*
 * Relay mode binds port 67 of the local address, where a server sends
 * what it answers a relay; link mode binds port 68 on the interface.
 */
static void
sock_open(void)
{
	struct sockaddr_in	 sin;
	int			 on = 1;

	if ((sock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1)
		err(1, "socket");
	if (setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		err(1, "SO_REUSEADDR");
	/* Root may go past rmem_max; a burst of answers must not drop. */
	if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &opt.rcvbuf,
	    sizeof(opt.rcvbuf)) == -1 && setsockopt(sock, SOL_SOCKET,
	    SO_RCVBUF, &opt.rcvbuf, sizeof(opt.rcvbuf)) == -1)
		warn("SO_RCVBUF");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (opt.ifname != NULL) {
		if (setsockopt(sock, SOL_SOCKET, SO_BINDTODEVICE, opt.ifname,
		    strlen(opt.ifname)) == -1)
			err(1, "SO_BINDTODEVICE %s", opt.ifname);
		if (setsockopt(sock, SOL_SOCKET, SO_BROADCAST, &on,
		    sizeof(on)) == -1)
			err(1, "SO_BROADCAST");
		sin.sin_port = htons(68);
	} else {
		sin.sin_addr = opt.local;
		sin.sin_port = htons(67);
	}
	if (bind(sock, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind port %u", ntohs(sin.sin_port));
}

/* 02:4e:42 (locally administered) and the MAC's index. */
static void
mac_of(uint64_t seq, uint8_t *mac)
{
	uint32_t	 i = seq % opt.macs;

	mac[0] = 0x02;
	mac[1] = 0x4e;
	mac[2] = 0x42;
	mac[3] = i >> 16;
	mac[4] = i >> 8;
	mac[5] = i;
}

/*
 * A DISCOVER as EDK2 sends it: 53, 55, 57, 60, 93, 94, 97.  The
 * architecture follows the MAC, so one client keeps its identity; codes
 * 15 to 20 are UEFI HTTP boot and say HTTPClient.
 */
static size_t
discover_build(uint64_t seq, uint8_t *p)
{
	static const uint8_t	 prl[] = { 1, 3, 6, 43, 54, 60, 66, 67, 93,
				    94, 97 };
	static const uint8_t	 ndi[] = { 1, 3, 16 };
	uint32_t		 xid = htonl(xid_base + (uint32_t)seq);
	uint32_t		 cookie = htonl(DHCP_COOKIE);
	uint16_t		 arch, flags = htons(DHCP_FLAG_BCAST);
	uint16_t		 size = htons(1472), warch;
	uint8_t			 type = DHCPDISCOVER, uuid[17], *o;
	char			 vc[40];
	int			 n;

	arch = opt.arch[(seq % opt.macs) % opt.narch];
	memset(p, 0, MSGLEN);
	p[0] = BOOTREQUEST;
	p[1] = 1;			/* Ethernet */
	p[2] = 6;
	p[3] = opt.ifname == NULL ? 1 : 0;
	memcpy(p + 4, &xid, 4);
	memcpy(p + 10, &flags, 2);
	if (opt.ifname == NULL)
		memcpy(p + 24, &opt.local, 4);
	mac_of(seq, p + 28);
	memcpy(p + 236, &cookie, 4);

	n = snprintf(vc, sizeof(vc), "%s:Arch:%05u:UNDI:003016",
	    arch >= 15 && arch <= 20 ? "HTTPClient" : "PXEClient", arch);
	warch = htons(arch);
	uuid[0] = 0;
	memset(uuid + 1, 0x11, 10);
	mac_of(seq, uuid + 11);
	o = p + DHCP_HDR_LEN;
	o = opt_put(o, 53, &type, 1);
	o = opt_put(o, 55, prl, sizeof(prl));
	o = opt_put(o, 57, &size, 2);
	o = opt_put(o, 60, vc, n);
	o = opt_put(o, 93, &warch, 2);
	o = opt_put(o, 94, ndi, sizeof(ndi));
	o = opt_put(o, 97, uuid, sizeof(uuid));
	*o++ = 255;
	if (o > p + MSGLEN)
		errx(1, "%s: DISCOVER of %td bytes", __func__, o - p);
	return MSGLEN;
}

static uint8_t *
opt_put(uint8_t *o, uint8_t code, const void *v, uint8_t len)
{
	o[0] = code;
	o[1] = len;
	memcpy(o + 2, v, len);
	return o + 2 + len;
}

static void
reqs_grow(uint64_t need)
{
	struct req	*n;
	size_t		 cap;

	if (need <= nreqs_cap)
		return;
	cap = nreqs_cap ? nreqs_cap * 2 : 65536;
	while (cap < need)
		cap *= 2;
	if ((n = reallocarray(reqs, cap, sizeof(*n))) == NULL)
		err(1, "reallocarray");
	reqs = n;
	nreqs_cap = cap;
}

/* Sends requests st.sent .. st.sent + n - 1. */
static void
send_batch(uint64_t n, uint64_t now)
{
	static uint8_t		 bufs[BATCH][MSGLEN];
	struct mmsghdr		 mm[BATCH];
	struct iovec		 iov[BATCH];
	uint64_t		 i;
	int			 r;

	reqs_grow(st.sent + n);
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = discover_build(st.sent + i, bufs[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &opt.server;
		mm[i].msg_hdr.msg_namelen = sizeof(opt.server);
	}
	if ((r = sendmmsg(sock, mm, n, 0)) == -1) {
		if (errno != EAGAIN && errno != ENOBUFS)
			err(1, "sendmmsg");
		r = 0;
	}
	/* What the kernel did not take counts as sent and lost. */
	st.sendfail += n - r;
	for (i = 0; i < n; i++) {
		reqs[st.sent + i].sent = now;
		reqs[st.sent + i].state = R_OUT;
	}
	if (st.sent == 0)
		st.first = now;
	st.sent += n;
	outstanding += n;
}

/*
 * How many to send now: in the open loop what the rate owes since the
 * start, in the closed loop what tops the window up.  Returns the time of
 * the next send in the open loop, or 0.
 */
static uint64_t
send_due(uint64_t now, int sending)
{
	uint64_t	 want, n;

	if (!sending)
		return 0;
	if (opt.rate != 0) {
		if (st.sent == 0)
			st.first = now;
		/* In doubles: ns times a rate overflows 64 bits in hours. */
		want = (uint64_t)((double)(now - st.first) * opt.rate /
		    NSEC) + 1;
		if (opt.count != 0 && want > opt.count)
			want = opt.count;
	} else {
		want = st.sent + (opt.window > outstanding ?
		    opt.window - outstanding : 0);
		if (opt.count != 0 && want > opt.count)
			want = opt.count;
	}
	while (st.sent < want) {
		n = want - st.sent;
		send_batch(n > BATCH ? BATCH : n, now);
	}
	if (opt.rate == 0)
		return 0;
	return st.first + (uint64_t)((double)st.sent * NSEC / opt.rate);
}

static void
recv_all(void)
{
	static uint8_t		 bufs[BATCH][MAXMSG];
	struct mmsghdr		 mm[BATCH];
	struct iovec		 iov[BATCH];
	uint64_t		 now;
	int			 i, r;

	for (;;) {
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = MAXMSG;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		if ((r = recvmmsg(sock, mm, BATCH, MSG_DONTWAIT, NULL)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			err(1, "recvmmsg");
		}
		now = now_ns();
		for (i = 0; i < r; i++)
			on_answer(bufs[i], mm[i].msg_len, now);
		if (r < BATCH)
			return;
	}
}

/* The option 53 of a BOOTREPLY, or -1 when the options do not parse. */
static int
offer_type(const uint8_t *p, size_t len)
{
	size_t	 i = DHCP_HDR_LEN;
	int	 type = -1;

	while (i < len && p[i] != 255) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (i + 1 >= len || i + 2 + p[i + 1] > len)
			return -1;
		if (p[i] == 53 && p[i + 1] == 1)
			type = p[i + 2];
		i += 2 + p[i + 1];
	}
	return i < len ? type : -1;
}

static void
on_answer(const uint8_t *p, size_t len, uint64_t now)
{
	struct req	*r;
	uint32_t	 xid, cookie;
	uint64_t	 seq;
	uint8_t		 mac[6];

	if (len < DHCP_HDR_LEN || p[0] != BOOTREPLY)
		goto bad;
	memcpy(&xid, p + 4, 4);
	memcpy(&cookie, p + 236, 4);
	seq = (uint32_t)(ntohl(xid) - xid_base);
	if (ntohl(cookie) != DHCP_COOKIE || seq >= st.sent)
		goto bad;
	mac_of(seq, mac);
	if (memcmp(p + 28, mac, 6) != 0 || offer_type(p, len) != DHCPOFFER)
		goto bad;
	r = &reqs[seq];
	if (r->state == R_ANSWERED) {
		st.dups++;
		return;
	}
	if (r->state == R_LOST) {
		st.late++;
		return;
	}
	r->state = R_ANSWERED;
	outstanding--;
	st.answers++;
	st.last = now;
	lat_push((now - r->sent) / USEC);
	return;
 bad:
	st.bad++;
}

/* Requests go out in order, so the oldest unsettled one times out first. */
static void
expire(uint64_t now)
{
	struct req	*r;

	while (oldest < st.sent) {
		r = &reqs[oldest];
		if (r->state == R_OUT) {
			if (now - r->sent < opt.timeout)
				return;
			r->state = R_LOST;
			st.lost++;
			outstanding--;
		}
		oldest++;
	}
}

static void
loop(void)
{
	struct pollfd	 pfd;
	struct timespec	 ts;
	uint64_t	 now, start, next, wait;
	int		 sending;

	pfd.fd = sock;
	pfd.events = POLLIN;
	start = now_ns();
	for (;;) {
		now = now_ns();
		sending = opt.count != 0 ? st.sent < opt.count :
		    now - start < opt.duration;
		next = send_due(now, sending);
		expire(now);
		if (!sending && outstanding == 0)
			break;
		/* Wake for the next send, or to expire the oldest. */
		wait = 10 * MSEC;
		if (next > now && next - now < wait)
			wait = next - now;
		else if (next != 0 && next <= now)
			wait = 0;
		ts.tv_sec = wait / NSEC;
		ts.tv_nsec = wait % NSEC;
		if (ppoll(&pfd, 1, &ts, NULL) == -1 && errno != EINTR)
			err(1, "ppoll");
		if (pfd.revents & POLLIN)
			recv_all();
	}
}

static void
lat_push(uint32_t us)
{
	uint32_t	*nl;
	size_t		 cap;

	if (nlat == nlat_cap) {
		cap = nlat_cap ? nlat_cap * 2 : 65536;
		if ((nl = reallocarray(lat, cap, sizeof(*nl))) == NULL)
			err(1, "reallocarray");
		lat = nl;
		nlat_cap = cap;
	}
	lat[nlat++] = us;
}

static int
lat_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of the sorted latencies, in ms. */
static double
percentile(size_t n, double pct)
{
	size_t	 i;

	if (n == 0)
		return 0.0;
	i = (size_t)(pct / 100.0 * n + 0.999999);
	if (i == 0)
		i = 1;
	if (i > n)
		i = n;
	return lat[i - 1] / 1000.0;
}

/*
 * Every answer came before the timeout, so the lost requests, appended as
 * the timeout after the sorted answers, keep the array sorted.
 */
static void
report(void)
{
	double	 secs, p[4], all[4];
	size_t	 n = st.answers;
	uint64_t i;

	qsort(lat, n, sizeof(*lat), lat_cmp);
	p[0] = percentile(n, 50);
	p[1] = percentile(n, 90);
	p[2] = percentile(n, 99);
	p[3] = percentile(n, 100);
	for (i = 0; i < st.lost; i++)
		lat_push(opt.timeout / USEC);
	all[0] = percentile(nlat, 50);
	all[1] = percentile(nlat, 90);
	all[2] = percentile(nlat, 99);
	all[3] = percentile(nlat, 100);
	secs = st.last > st.first ? (st.last - st.first) / (double)NSEC : 0;
	printf("sent=%llu answers=%llu lost=%llu late=%llu dups=%llu "
	    "bad=%llu sendfail=%llu seconds=%.3f rate=%.0f answered_pct=%.2f "
	    "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
	    "timeout_ms=%llu p50_all_ms=%.3f p90_all_ms=%.3f p99_all_ms=%.3f "
	    "max_all_ms=%.3f\n",
	    (unsigned long long)st.sent, (unsigned long long)st.answers,
	    (unsigned long long)st.lost, (unsigned long long)st.late,
	    (unsigned long long)st.dups, (unsigned long long)st.bad,
	    (unsigned long long)st.sendfail, secs,
	    secs > 0 ? st.answers / secs : 0.0,
	    st.sent ? 100.0 * st.answers / st.sent : 0.0, p[0], p[1], p[2],
	    p[3], (unsigned long long)(opt.timeout / MSEC), all[0], all[1],
	    all[2], all[3]);
}

int
main(int argc, char *argv[])
{
	int	 ch;

	opt.macs = 4096;
	opt.window = 64;
	opt.duration = 5 * NSEC;
	opt.timeout = 1000 * MSEC;
	opt.rcvbuf = 8 << 20;
	parse_archs("0,7,9,11,16");
	while ((ch = getopt(argc, argv, "a:B:d:i:m:n:r:s:T:w:")) != -1) {
		switch (ch) {
		case 'a':
			parse_archs(optarg);
			break;
		case 'B':
			opt.rcvbuf = number(optarg, 4096, INT32_MAX / 2,
			    "rcvbuf");
			break;
		case 'd':
			opt.duration = number(optarg, 1, 3600,
			    "duration") * NSEC;
			break;
		case 'i':
			opt.ifname = optarg;
			break;
		case 'm':
			opt.macs = number(optarg, 1, 1 << 24, "macs");
			break;
		case 'n':
			opt.count = number(optarg, 1, UINT32_MAX, "count");
			break;
		case 'r':
			opt.rate = number(optarg, 1, 10000000, "rate");
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &opt.local) != 1)
				errx(2, "not an IPv4 address: %s", optarg);
			break;
		case 'T':
			opt.timeout = number(optarg, 1, 60000,
			    "timeout") * MSEC;
			break;
		case 'w':
			opt.window = number(optarg, 1, 1000000, "window");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	opt.server.sin_family = AF_INET;
	opt.server.sin_port = htons(67);
	if (opt.ifname != NULL) {
		if (argc != 0 || opt.local.s_addr != INADDR_ANY)
			usage();
		opt.server.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	} else {
		if (argc != 1 || opt.local.s_addr == INADDR_ANY)
			usage();
		if (inet_pton(AF_INET, argv[0], &opt.server.sin_addr) != 1)
			errx(2, "not an IPv4 address: %s", argv[0]);
	}
	/* In the open loop the rate alone paces; no window holds it back. */
	if (opt.rate != 0)
		opt.window = UINT32_MAX;
	xid_base = arc4random();
	sock_open();
	loop();
	report();
	return st.answers == 0;
}
