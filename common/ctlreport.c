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
 * Counters live in a fixed table, found by their text: the busy ones
 * are looked up once, and their slot kept.  Finished sessions live in a
 * ring.  The report packs as many
 * records into a message as fit, so that a report of thousands of
 * sessions costs the engine a few dozen messages.
 */

#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "arch.h"
#include "ctl.h"
#include "ctlreport.h"
#include "ev.h"
#include "ipc.h"
#include "log.h"

#define PER_MSG(t)	(IPC_MAXDATA / sizeof(t))

struct slot {
	struct ctl_counter	 c;
};

static struct slot	*slot_find(const char *, const char *, const char *);
static void		 label_copy(char *, size_t, const char *);
static void		 text_fix(char *, size_t);
static void		 session_add(struct ctl_session *, const struct ctl_session *);
static void		 counters_send(struct ipc *);
static void		 sessions_add(const struct ctl_session *);
static void		 sessions_flush(void);

static struct slot		 slots[CTL_MAXCOUNTERS];
static size_t			 nslots;
static uint64_t			 overflow;	/* counts of a full table */

static struct ctl_session	*ring;
static uint32_t			 ringsize;
static uint32_t			 ringnext;	/* where the next one goes */
static uint32_t			 ringlen;

/* The report being sent. */
static struct {
	struct ipc		*ipc;
	struct ctl_session	 buf[PER_MSG(struct ctl_session)];
	size_t			 n;
	uint32_t		 nactive;
} rep;

uint64_t *
report_counter(const char *name, const char *key, const char *value)
{
	struct slot	*s;

	if ((s = slot_find(name, key, value)) != NULL)
		return &s->c.n;
	if (nslots == CTL_MAXCOUNTERS) {
		if (overflow++ == 0)
			log_warnx("more than %d counters: %s is not kept",
			    CTL_MAXCOUNTERS, name);
		return &overflow;
	}
	s = &slots[nslots++];
	strlcpy(s->c.name, name, sizeof(s->c.name));
	if (key != NULL) {
		strlcpy(s->c.key, key, sizeof(s->c.key));
		label_copy(s->c.value, sizeof(s->c.value),
		    value != NULL ? value : "");
	}
	return &s->c.n;
}

void
report_count(const char *name, const char *key, const char *value,
    uint64_t n)
{
	*report_counter(name, key, value) += n;
}

/* A value is compared as it is kept: made a label, cut to size. */
static struct slot *
slot_find(const char *name, const char *key, const char *value)
{
	char	 v[CTL_LABELLEN];
	size_t	 i;

	label_copy(v, sizeof(v), key != NULL && value != NULL ? value : "");
	for (i = 0; i < nslots; i++)
		if (strcmp(slots[i].c.name, name) == 0 &&
		    strcmp(slots[i].c.key, key != NULL ? key : "") == 0 &&
		    strcmp(slots[i].c.value, v) == 0)
			return &slots[i];
	return NULL;
}

/* A reason becomes a label value: unprintable bytes, " and \ as '_'. */
static void
label_copy(char *dst, size_t size, const char *src)
{
	size_t	 i;

	strlcpy(dst, src, size);
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] < 0x20 || dst[i] > 0x7e || dst[i] == '"' ||
		    dst[i] == '\\')
			dst[i] = '_';
}

void
report_history(uint32_t n)
{
	struct ctl_session	*r = NULL;

	if (n == ringsize)
		return;
	if (n > 0 && (r = calloc(n, sizeof(*r))) == NULL) {
		log_warn("keeping %u finished sessions", n);
		return;
	}
	free(ring);
	ring = r;
	ringsize = n;
	ringnext = ringlen = 0;
}

/*
 * A record is made to pass the parent's check whatever a client sent:
 * a string it would refuse would cost us our life (ctl_check_session).
 */
static void
text_fix(char *s, size_t size)
{
	size_t	 i;

	s[size - 1] = '\0';
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			s[i] = '?';
}

static void
session_add(struct ctl_session *dst, const struct ctl_session *s)
{
	*dst = *s;
	text_fix(dst->file, sizeof(dst->file));
	text_fix(dst->detail, sizeof(dst->detail));
	if (dst->last < dst->start)
		dst->last = dst->start;
	if (dst->state == CTL_S_ACTIVE)
		dst->end = 0;
	else if (dst->end < dst->last)
		dst->end = dst->last;
	if (dst->hwlen > sizeof(dst->hwaddr))
		dst->hwlen = 0;
}

void
report_finish(const struct ctl_session *s)
{
	if (ringsize == 0)
		return;
	session_add(&ring[ringnext], s);
	if (++ringnext == ringsize)
		ringnext = 0;
	if (ringlen < ringsize)
		ringlen++;
}

void
report_session_init(struct ctl_session *s, enum ctl_kind kind,
    const struct sockaddr *sa)
{
	struct nb_addr	 a;

	if (sa == NULL) {
		report_session_addr(s, kind, NULL, 0);
		return;
	}
	addr_from_sa(sa, &a);
	report_session_addr(s, kind, &a, sa_port(sa));
}

/* The same, from an address and a port (0: none). */
void
report_session_addr(struct ctl_session *s, enum ctl_kind kind,
    const struct nb_addr *a, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->state = CTL_S_ACTIVE;
	s->arch = CTL_ARCH_NONE;
	s->size = CTL_SIZE_NONE;
	s->start = s->last = ev_now();
	if (a == NULL)
		return;
	if (a->af == AF_INET)
		memcpy(s->addr, &a->u.v4, sizeof(a->u.v4));
	else if (a->af == AF_INET6)
		memcpy(s->addr, &a->u.v6, sizeof(a->u.v6));
	else
		return;
	s->af = a->af;
	s->port = port;
}

void
report_log(int pri, const struct ctl_session *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	report_vlog(pri, s, fmt, ap);
	va_end(ap);
}

void
report_vlog(int pri, const struct ctl_session *s, const char *fmt,
    va_list ap)
{
	struct log_fields	 f;
	char			 ip[INET6_ADDRSTRLEN], mac[NB_MACSTRLEN];
	char			 arch[8];
	uint64_t		 end;

	if (LOG_PRI(pri) == LOG_DEBUG && log_getverbose() < 1)
		return;
	if (!log_wants_fields()) {
		vlog_client(pri, NULL, fmt, ap);
		return;
	}
	memset(&f, 0, sizeof(f));
	if (s->af != AF_UNSPEC && inet_ntop(s->af, s->addr, ip,
	    sizeof(ip)) != NULL)
		f.ip = ip;
	if (s->hwlen > 0)
		f.mac = hwaddr_ntop(s->hwaddr, s->hwlen, mac, sizeof(mac));
	if (s->arch != CTL_ARCH_NONE) {
		if ((f.arch = arch_name(s->arch)) == NULL) {
			snprintf(arch, sizeof(arch), "%u", s->arch);
			f.arch = arch;
		}
	}
	if (s->file[0] != '\0')
		f.file = s->file;
	if (s->kind != CTL_K_PROXY) {
		end = s->end != 0 ? s->end : ev_now();
		f.bytes = s->bytes;
		f.ms = end > s->start ? (end - s->start) / 1000 : 0;
		f.has = LOG_F_BYTES | LOG_F_MS;
	}
	vlog_client(pri, &f, fmt, ap);
}

void
report_send(struct ipc *ipc, void (*lister)(void *), void *arg)
{
	struct ctl_end	 end;
	uint32_t	 i, first;

	rep.ipc = ipc;
	rep.n = 0;
	rep.nactive = 0;
	counters_send(ipc);
	if (lister != NULL)
		lister(arg);
	if (ringsize > 0) {
		first = (ringnext + ringsize - ringlen) % ringsize;
		for (i = 0; i < ringlen; i++)
			sessions_add(&ring[(first + i) % ringsize]);
	}
	sessions_flush();
	memset(&end, 0, sizeof(end));
	end.nactive = rep.nactive;
	end.now = ev_now();
	if (ipc_compose(ipc, IPC_CTL_END, -1, &end, sizeof(end)) == -1)
		fatal("ipc_compose");
}

/* Lists the first CTL_MAXACTIVE and counts them all. */
void
report_active(const struct ctl_session *s)
{
	if (rep.nactive++ < CTL_MAXACTIVE)
		sessions_add(s);
}

static void
counters_send(struct ipc *ipc)
{
	struct ctl_counter	 buf[PER_MSG(struct ctl_counter)];
	size_t			 i, n = 0;

	for (i = 0; i < nslots; i++) {
		buf[n++] = slots[i].c;
		if (n == PER_MSG(struct ctl_counter) || i + 1 == nslots) {
			if (ipc_compose(ipc, IPC_CTL_COUNTERS, -1, buf,
			    n * sizeof(buf[0])) == -1)
				fatal("ipc_compose");
			n = 0;
		}
	}
}

static void
sessions_add(const struct ctl_session *s)
{
	session_add(&rep.buf[rep.n++], s);
	if (rep.n == PER_MSG(struct ctl_session))
		sessions_flush();
}

static void
sessions_flush(void)
{
	if (rep.n == 0)
		return;
	if (ipc_compose(rep.ipc, IPC_CTL_SESSIONS, -1, rep.buf,
	    rep.n * sizeof(rep.buf[0])) == -1)
		fatal("ipc_compose");
	rep.n = 0;
}
