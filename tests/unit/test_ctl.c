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
 * The control protocol's checks (ctl.c), an engine's counters, history
 * and report (ctlreport.c) read back over a real socketpair, the log
 * records an engine hands its parent (log.c) and the netlink parser of
 * the neighbour table (neigh.c).
 */

#include <sys/socket.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctlreport.h"
#include "ipc.h"
#include "log.h"
#include "neigh.h"
#include "check.h"

static void	 test_counter_checks(void);
static void	 test_session_checks(void);
static void	 test_status_checks(void);
static void	 test_records(void);
static void	 test_counters(void);
static void	 test_history(void);
static void	 test_report(void);
static void	 lister(void *);
static void	 test_log_records(void);
static void	 test_neigh(void);
static void	 neigh_take(const struct neigh *, void *);

static struct ipc_msg	 msg;

static void
counter(struct ctl_counter *c, const char *name, const char *key,
    const char *value)
{
	memset(c, 0, sizeof(*c));
	strlcpy(c->name, name, sizeof(c->name));
	strlcpy(c->key, key, sizeof(c->key));
	strlcpy(c->value, value, sizeof(c->value));
}

static void
test_counter_checks(void)
{
	struct ctl_counter	 c;

	counter(&c, "requests", "", "");
	CHECK(ctl_check_counter(&c) == NULL);
	counter(&c, "refused", "reason", "no such file");
	CHECK(ctl_check_counter(&c) == NULL);
	counter(&c, "Requests", "", "");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "1st", "", "");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "", "", "");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "a-b", "", "");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "refused", "", "value without a key");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "refused", "Reason", "x");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "refused", "reason", "a \"quote\"");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "refused", "reason", "back\\slash");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "refused", "reason", "tab\there");
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "refused", "reason", "x");
	memset(c.name, 'a', sizeof(c.name));
	CHECK(ctl_check_counter(&c) != NULL);
	counter(&c, "refused", "reason", "x");
	memset(c.value, 'a', sizeof(c.value));
	CHECK(ctl_check_counter(&c) != NULL);
}

static void
session(struct ctl_session *s, int kind, int state)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->state = state;
	s->af = AF_INET;
	s->start = 1000;
	s->last = 2000;
	s->end = state == CTL_S_ACTIVE ? 0 : 3000;
	s->size = CTL_SIZE_NONE;
	s->arch = CTL_ARCH_NONE;
	strlcpy(s->file, "debian/linux \\040 \"x\"", sizeof(s->file));
}

static void
test_session_checks(void)
{
	struct ctl_session	 s;

	session(&s, CTL_K_TFTP, CTL_S_ACTIVE);
	CHECK(ctl_check_session(&s) == NULL);
	session(&s, CTL_K_PROXY, CTL_S_DONE);
	CHECK(ctl_check_session(&s) == NULL);
	session(&s, CTL_K_NONE, CTL_S_DONE);
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_MAX + 1, CTL_S_DONE);
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_MAX + 1);
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_DONE);
	s.af = AF_UNIX;
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_DONE);
	s.hwlen = 17;
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_DONE);
	memset(s.file, 'f', sizeof(s.file));
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_DONE);
	s.detail[0] = '\n';
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_DONE);
	s.file[0] = (char)0xc3;
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_DONE);
	s.end = 0;
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_ACTIVE);
	s.end = 5000;
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_ACTIVE);
	s.last = 10;
	CHECK(ctl_check_session(&s) != NULL);
	session(&s, CTL_K_HTTP, CTL_S_DONE);
	s.end = 10;
	CHECK(ctl_check_session(&s) != NULL);
}

static void
test_status_checks(void)
{
	struct ctl_status	 st;

	memset(&st, 0, sizeof(st));
	st.version = CTL_VERSION;
	strlcpy(st.daemon, "tftpd", sizeof(st.daemon));
	strlcpy(st.conffile, "/etc/netboot.conf", sizeof(st.conffile));
	CHECK(ctl_check_status(&st) == NULL);
	st.version = CTL_VERSION + 1;
	CHECK(ctl_check_status(&st) != NULL);
	st.version = CTL_VERSION;
	st.daemon[0] = '\0';
	CHECK(ctl_check_status(&st) != NULL);
	strlcpy(st.daemon, "tftpd", sizeof(st.daemon));
	memset(st.digest, 'a', sizeof(st.digest));
	CHECK(ctl_check_status(&st) != NULL);
}

static void
test_records(void)
{
	size_t	 n = 99;

	CHECK(ctl_records(0, 10, &n) == 0);
	CHECK(ctl_records(15, 10, &n) == 0);
	CHECK(ctl_records(10, 0, &n) == 0);
	CHECK(ctl_records(30, 10, &n) == 1);
	CHECK_INT(n, 3);
}

static void
test_counters(void)
{
	uint64_t	*a, *b, *c;
	char		 dyn[32];

	a = report_counter("requests", NULL, NULL);
	b = report_counter("requests", NULL, NULL);
	CHECK(a == b);
	c = report_counter("refused", "reason", "no such file");
	CHECK(c != a);
	/* The same text from another buffer is the same counter. */
	strlcpy(dyn, "no such file", sizeof(dyn));
	report_count("refused", "reason", dyn, 2);
	memset(dyn, 'x', sizeof(dyn) - 1);
	CHECK_INT(*c, 2);
	/* A value that is no label is made one, and found again so. */
	report_count("refused", "reason", "a \"b\"\n", 1);
	CHECK(*report_counter("refused", "reason", "a _b__") == 1);
}

static void
test_history(void)
{
	struct ctl_session	 s;
	int			 i;

	report_history(3);
	for (i = 0; i < 5; i++) {
		session(&s, CTL_K_TFTP, CTL_S_DONE);
		s.bytes = i;
		if (i == 4) {
			/* What a client may have put in: fixed, not sent on. */
			memcpy(s.file, "a\001b\377", 5);
			memset(s.detail, 'd', sizeof(s.detail));
			s.end = 1;
			s.last = 0;
		}
		report_finish(&s);
	}
}

static int nlisted;

static void
lister(void *arg)
{
	struct ctl_session	 s;
	int			 i;

	for (i = 0; i < CTL_MAXACTIVE + 5; i++) {
		session(&s, CTL_K_HTTP, CTL_S_ACTIVE);
		s.bytes = i;
		report_active(&s);
	}
	nlisted = *(int *)arg;
}

/*
 * The report goes through a socketpair and comes back as the parent
 * reads it: counters, the sessions in flight (1024 of 1029 listed),
 * the last three finished in order, and the end.
 */
static void
test_report(void)
{
	struct ipc		 w, r;
	struct ctl_counter	 c;
	struct ctl_session	 s;
	struct ctl_end		 end;
	size_t			 n, i, ncounters = 0, nactive = 0;
	uint64_t		 hist[8];
	size_t			 nhist = 0;
	char			 lastfile[CTL_FILELEN] = "";
	int			 sv[2], arg = 7, done = 0;

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0,
	    sv) == 0);
	/* Room for the whole report in the socket. */
	n = 4 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &n, sizeof(int));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(int));
	ipc_init(&w, sv[0]);
	ipc_init(&r, sv[1]);
	report_send(&w, lister, &arg);
	CHECK_INT(nlisted, 7);
	while (ipc_pending(&w) && !done) {
		CHECK(ipc_flush(&w) == 0);
		while (ipc_recv(&r, &msg) == 1) {
			switch (msg.type) {
			case IPC_CTL_COUNTERS:
				CHECK(ctl_records(msg.len, sizeof(c), &n));
				for (i = 0; i < n; i++) {
					memcpy(&c, msg.data + i * sizeof(c),
					    sizeof(c));
					CHECK(ctl_check_counter(&c) == NULL);
				}
				ncounters += n;
				break;
			case IPC_CTL_SESSIONS:
				CHECK(ctl_records(msg.len, sizeof(s), &n));
				CHECK(msg.len <= IPC_MAXDATA);
				for (i = 0; i < n; i++) {
					memcpy(&s, msg.data + i * sizeof(s),
					    sizeof(s));
					CHECK(ctl_check_session(&s) == NULL);
					if (s.state == CTL_S_ACTIVE)
						nactive++;
					else if (nhist < 8) {
						hist[nhist++] = s.bytes;
						strlcpy(lastfile, s.file,
						    sizeof(lastfile));
					}
				}
				break;
			case IPC_CTL_END:
				CHECK(ipc_get(&msg, &end, sizeof(end)) == 0);
				CHECK_INT(end.nactive, CTL_MAXACTIVE + 5);
				done = 1;
				break;
			default:
				CHECK(!"an unexpected message");
			}
		}
	}
	CHECK(done);
	CHECK_INT(ncounters, 3);
	CHECK_INT(nactive, CTL_MAXACTIVE);
	CHECK_INT(nhist, 3);
	CHECK(nhist == 3 && hist[0] == 2 && hist[1] == 3 && hist[2] == 4);
	CHECK_STR(lastfile, "a?b?");
	ipc_clear(&w);
	close(sv[0]);
	close(sv[1]);
}

static const char *
parse(const char *text, struct log_record *r)
{
	static char	 buf[4096];
	size_t		 len = strlen(text);

	memcpy(buf, text, len);
	return log_record_parse(buf, len, r);
}

static void
test_log_records(void)
{
	struct log_record	 r;
	const char		*e;
	uint8_t			 buf[256];
	uint16_t		 len;

	e = parse("PRIORITY=6\nMESSAGE=engine: transfer done\n"
	    "CLIENT_IP=10.0.0.5\nFILE=ipxe.efi\nBYTES=70000\n"
	    "DURATION_MS=12\nCLIENT_MAC=52:54:00:12:34:56\n"
	    "CLIENT_ARCH=x64-uefi\n", &r);
	CHECK(e == NULL);
	CHECK_INT(r.pri, 6);
	CHECK_STR(r.message, "engine: transfer done");
	CHECK_STR(r.f.ip, "10.0.0.5");
	CHECK_STR(r.f.file, "ipxe.efi");
	CHECK_STR(r.f.mac, "52:54:00:12:34:56");
	CHECK_STR(r.f.arch, "x64-uefi");
	CHECK_INT(r.f.bytes, 70000);
	CHECK_INT(r.f.ms, 12);
	CHECK_INT(r.f.has, LOG_F_BYTES | LOG_F_MS);
	CHECK(parse("PRIORITY=3\nMESSAGE=\n", &r) == NULL);
	CHECK(r.f.ip == NULL && r.f.has == 0);

	CHECK(parse("", &r) != NULL);
	CHECK(parse("PRIORITY=6\nMESSAGE=x", &r) != NULL);
	CHECK(parse("MESSAGE=x\nPRIORITY=6\n", &r) != NULL);
	CHECK(parse("PRIORITY=8\nMESSAGE=x\n", &r) != NULL);
	CHECK(parse("PRIORITY=x\nMESSAGE=x\n", &r) != NULL);
	CHECK(parse("PRIORITY=6\n", &r) != NULL);
	CHECK(parse("PRIORITY=6\nMESSAGE=x\nSYSLOG_PID=1\n", &r) != NULL);
	CHECK(parse("PRIORITY=6\nMESSAGE=x\nFILE=a\nFILE=b\n", &r) != NULL);
	CHECK(parse("PRIORITY=6\nMESSAGE=x\nBYTES=-1\n", &r) != NULL);
	CHECK(parse("PRIORITY=6\nMESSAGE=x\nBYTES=1e3\n", &r) != NULL);
	CHECK(parse("PRIORITY=6\nMESSAGE=x\nFILE\n", &r) != NULL);
	CHECK(parse("PRIORITY=6\nMESSAGE=a\tb\n", &r) != NULL);
	CHECK(parse("PRIORITY=6\nMESSAGE=\xc3\xa9\n", &r) != NULL);

	/* Framing: a length that runs past the message is refused. */
	len = 30;
	memcpy(buf, &len, sizeof(len));
	memcpy(buf + 2, "PRIORITY=6\nMESSAGE=x\n", 21);
	CHECK(log_records(buf, 2 + 21, 1, &e) == -1 && e != NULL);
	CHECK(log_records(buf, 1, 1, &e) == -1 && e != NULL);
	len = 21;
	memcpy(buf, &len, sizeof(len));
	CHECK(log_records(buf, 2 + 21, 1, &e) == 0);
}

struct nlbuf {
	uint8_t		 b[1024];
	size_t		 len;
};

static void
nl_add(struct nlbuf *nb, int type, int family, int state, const void *dst,
    size_t dlen, const void *ll, size_t llen)
{
	struct nlmsghdr	*nh = (struct nlmsghdr *)(nb->b + nb->len);
	struct ndmsg	*nd;
	struct rtattr	*rta;

	memset(nh, 0, NLMSG_SPACE(sizeof(*nd)) + 2 * RTA_SPACE(16));
	nh->nlmsg_type = type;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*nd));
	nd = NLMSG_DATA(nh);
	nd->ndm_family = family;
	nd->ndm_state = state;
	rta = (struct rtattr *)((uint8_t *)nh + NLMSG_ALIGN(nh->nlmsg_len));
	rta->rta_type = NDA_DST;
	rta->rta_len = RTA_LENGTH(dlen);
	memcpy(RTA_DATA(rta), dst, dlen);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	if (ll != NULL) {
		rta = (struct rtattr *)((uint8_t *)nh + nh->nlmsg_len);
		rta->rta_type = NDA_LLADDR;
		rta->rta_len = RTA_LENGTH(llen);
		memcpy(RTA_DATA(rta), ll, llen);
		nh->nlmsg_len += RTA_ALIGN(rta->rta_len);
	}
	nb->len += NLMSG_ALIGN(nh->nlmsg_len);
}

static struct neigh	 got[8];
static int		 ngot;

static void
neigh_take(const struct neigh *e, void *arg)
{
	if (ngot < 8)
		got[ngot++] = *e;
}

static void
test_neigh(void)
{
	static const uint8_t	 mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	struct nlbuf		 nb;
	struct nlmsghdr		*done;
	struct in_addr		 a4;
	struct in6_addr		 a6;
	char			 s[64];

	memset(&nb, 0, sizeof(nb));
	inet_pton(AF_INET, "10.77.0.50", &a4);
	inet_pton(AF_INET6, "fe80::1", &a6);
	nl_add(&nb, RTM_NEWNEIGH, AF_INET, NUD_REACHABLE, &a4, 4, mac, 6);
	nl_add(&nb, RTM_NEWNEIGH, AF_INET6, NUD_STALE, &a6, 16, mac, 6);
	/* Not usable, not ours, no MAC, or a wrong address length. */
	nl_add(&nb, RTM_NEWNEIGH, AF_INET, NUD_FAILED, &a4, 4, mac, 6);
	nl_add(&nb, RTM_NEWNEIGH, AF_BRIDGE, NUD_REACHABLE, &a4, 4, mac, 6);
	nl_add(&nb, RTM_NEWNEIGH, AF_INET, NUD_REACHABLE, &a4, 4, NULL, 0);
	nl_add(&nb, RTM_NEWNEIGH, AF_INET, NUD_REACHABLE, &a6, 16, mac, 6);
	CHECK_INT(neigh_parse(nb.b, nb.len, neigh_take, NULL), 0);
	CHECK_INT(ngot, 2);
	CHECK(ngot == 2 && got[0].addr.af == AF_INET &&
	    strcmp(addr_ntop(&got[0].addr, s, sizeof(s)), "10.77.0.50") == 0);
	CHECK(ngot == 2 && got[1].addr.af == AF_INET6 &&
	    got[1].hwlen == 6 && memcmp(got[1].hwaddr, mac, 6) == 0);
	done = (struct nlmsghdr *)(nb.b + nb.len);
	memset(done, 0, sizeof(*done));
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_len = NLMSG_LENGTH(4);
	CHECK_INT(neigh_parse(nb.b, nb.len + NLMSG_ALIGN(done->nlmsg_len),
	    neigh_take, NULL), 1);
	/* A length past the buffer is an error, not a read beyond it. */
	((struct nlmsghdr *)nb.b)->nlmsg_len = 4096;
	CHECK_INT(neigh_parse(nb.b, nb.len, neigh_take, NULL), -1);
}

/* The records of a message, copied and checked up to the first bad one. */
static void
test_take(void)
{
	struct ctl_counter	 in[3], out[3];
	struct ctl_session	 sin[2], sout[2];
	size_t			 good;

	counter(&in[0], "requests", "", "");
	counter(&in[1], "refused", "reason", "x");
	counter(&in[2], "Bad", "", "");
	CHECK(ctl_take_counters((uint8_t *)in, 2, out, &good) == NULL);
	CHECK_INT(good, 2);
	CHECK(strcmp(out[1].value, "x") == 0);
	CHECK(ctl_take_counters((uint8_t *)in, 3, out, &good) != NULL);
	CHECK_INT(good, 2);
	session(&sin[0], CTL_K_HTTP, CTL_S_DONE);
	session(&sin[1], CTL_K_TFTP, CTL_S_ACTIVE);
	CHECK(ctl_take_sessions((uint8_t *)sin, 2, sout, &good) == NULL);
	CHECK_INT(good, 2);
	sin[0].end = 0;			/* done, yet no end */
	CHECK(ctl_take_sessions((uint8_t *)sin, 2, sout, &good) != NULL);
	CHECK_INT(good, 0);
}

static void
query_msg(struct ipc_msg *m, uint32_t type, uint32_t version, uint32_t what,
    size_t len)
{
	struct ctl_query	 q = { version, what };

	memset(m, 0, sizeof(*m));
	m->type = type;
	m->len = len;
	m->fd = -1;
	memcpy(m->data, &q, sizeof(q));
}

/* What a control client may ask; reload only as root. */
static void
test_query_check(void)
{
	struct ipc_msg		 m;
	struct ctl_query	 q;
	const char		*why;

	query_msg(&m, CTL_QUERY, CTL_VERSION, CTL_Q_ALL, sizeof(q));
	CHECK_INT(ctl_query_check(&m, 1000, &q, &why), CTL_QUERY);
	CHECK_INT(q.what, CTL_Q_ALL);
	query_msg(&m, CTL_QUERY, CTL_VERSION, CTL_Q_ALL, sizeof(q) + 1);
	CHECK_INT(ctl_query_check(&m, 1000, &q, &why), -1);
	query_msg(&m, CTL_QUERY, CTL_VERSION, 0, sizeof(q));
	CHECK_INT(ctl_query_check(&m, 1000, &q, &why), -1);
	query_msg(&m, CTL_QUERY, CTL_VERSION, 0x10, sizeof(q));
	CHECK_INT(ctl_query_check(&m, 1000, &q, &why), -1);
	query_msg(&m, CTL_QUERY, CTL_VERSION + 1, 1, sizeof(q));
	CHECK_INT(ctl_query_check(&m, 1000, &q, &why), -1);
	CHECK(strcmp(why, "another protocol version") == 0);
	query_msg(&m, CTL_RELOAD, CTL_VERSION, 0, sizeof(q));
	CHECK_INT(ctl_query_check(&m, 0, &q, &why), CTL_RELOAD);
	CHECK_INT(ctl_query_check(&m, 1000, &q, &why), -1);
	CHECK(strcmp(why, "reload is for root only") == 0);
	query_msg(&m, CTL_RELOAD, CTL_VERSION, 1, sizeof(q));
	CHECK_INT(ctl_query_check(&m, 0, &q, &why), -1);
	query_msg(&m, CTL_STATUS, CTL_VERSION, 1, sizeof(q));
	CHECK_INT(ctl_query_check(&m, 0, &q, &why), -1);
	CHECK(strcmp(why, "not a query") == 0);
}

int
main(void)
{
	test_counter_checks();
	test_session_checks();
	test_status_checks();
	test_records();
	test_take();
	test_query_check();
	test_counters();
	test_history();
	test_report();
	test_log_records();
	test_neigh();
	return check_exit();
}
