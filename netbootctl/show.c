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

/* What netbootctl prints for people: tables that fit a terminal. */

#include <sys/types.h>

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "arch.h"
#include "ctl.h"
#include "netbootctl.h"

#define BAR_WIDTH	20

static const char	*fmt_bytes(uint64_t, char *, size_t);
static const char	*fmt_time(uint64_t, int, char *, size_t);
static const char	*fmt_span(uint64_t, char *, size_t);
static const char	*fmt_arch(uint16_t, char *, size_t);
static const char	*fmt_bar(const struct ctl_session *, char *, size_t);
static void		 show_counters(FILE *, const struct reply *);
static void		 show_session(FILE *, const struct jsession *);
static const char	*client_name(const struct client *, char *, size_t);
static const char	*session_what(const struct ctl_session *, char *,
			    size_t);

static const char *
fmt_bytes(uint64_t n, char *buf, size_t len)
{
	static const char	*unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double			 v = n;
	size_t			 u = 0;

	if (n == CTL_SIZE_NONE) {
		strlcpy(buf, "?", len);
		return buf;
	}
	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

/* A wall-clock time in microseconds, local, with the date or without. */
static const char *
fmt_time(uint64_t us, int date, char *buf, size_t len)
{
	time_t		 t = us / 1000000;
	struct tm	 tm;
	size_t		 n;

	if (us == 0 || localtime_r(&t, &tm) == NULL)
		n = 0;
	else if (date)
		n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	else
		n = strftime(buf, len, "%H:%M:%S", &tm);
	if (n == 0)
		strlcpy(buf, "-", len);
	return buf;
}

/* 850 ms, 12.3 s, 4m05s, 2h13m, 3d04h */
static const char *
fmt_span(uint64_t us, char *buf, size_t len)
{
	uint64_t	 s = us / 1000000;

	if (us < 1000000)
		snprintf(buf, len, "%llu ms", (unsigned long long)us / 1000);
	else if (s < 60)
		snprintf(buf, len, "%.1f s", us / 1e6);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)s / 60,
		    (unsigned long long)s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum",
		    (unsigned long long)s / 3600,
		    (unsigned long long)s / 60 % 60);
	else
		snprintf(buf, len, "%llud%02lluh",
		    (unsigned long long)s / 86400,
		    (unsigned long long)s / 3600 % 24);
	return buf;
}

static const char *
fmt_arch(uint16_t arch, char *buf, size_t len)
{
	const char	*name;

	if (arch == CTL_ARCH_NONE)
		strlcpy(buf, "-", len);
	else if ((name = arch_name(arch)) != NULL)
		strlcpy(buf, name, len);
	else
		snprintf(buf, len, "%u", arch);
	return buf;
}

/* [#########...........]  45% */
static const char *
fmt_bar(const struct ctl_session *s, char *buf, size_t len)
{
	char	 bar[BAR_WIDTH + 1];
	size_t	 fill;
	double	 f;

	if (s->size == CTL_SIZE_NONE || s->size == 0) {
		snprintf(buf, len, "[%*s]    ?", BAR_WIDTH, "");
		return buf;
	}
	f = s->bytes >= s->size ? 1.0 : (double)s->bytes / s->size;
	fill = f * BAR_WIDTH;
	memset(bar, '#', fill);
	memset(bar + fill, '.', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	snprintf(buf, len, "[%s] %3d%%", bar, (int)(f * 100));
	return buf;
}

void
show_status(FILE *fp, const struct reply *r, size_t n)
{
	char	 b1[64], b2[64];
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!r[i].up) {
			fprintf(fp, "%-12s %s\n", r[i].daemon, r[i].why);
			continue;
		}
		fprintf(fp, "%-12s running, pid %u, engine %s%u, version %s, "
		    "up %s\n", r[i].daemon, r[i].st.pid,
		    r[i].st.engine_pid ? "pid " : "", r[i].st.engine_pid,
		    r[i].st.version_str,
		    fmt_span(r[i].st.now - r[i].st.started, b1, sizeof(b1)));
		fprintf(fp, "%-12s config %s, sha256 %.12s, loaded %s, "
		    "reloads %u\n", "", r[i].st.conffile,
		    r[i].st.digest[0] ? r[i].st.digest : "-",
		    fmt_time(r[i].st.loaded, 1, b2,
		    sizeof(b2)),
		    r[i].st.reloads);
		fprintf(fp, "%-12s in flight %u, keeps the last %u finished\n",
		    "", r[i].end.nactive, r[i].st.history);
		show_counters(fp, &r[i]);
	}
}

static void
show_counters(FILE *fp, const struct reply *r)
{
	char	 name[CTL_NAMELEN + CTL_LABELLEN + 4];
	size_t	 i;

	for (i = 0; i < r->ncounters; i++) {
		if (r->counters[i].key[0] != '\0')
			snprintf(name, sizeof(name), "%s %s",
			    r->counters[i].name, r->counters[i].value);
		else
			strlcpy(name, r->counters[i].name, sizeof(name));
		fprintf(fp, "%-12s   %-44s %12llu\n", "", name,
		    (unsigned long long)r->counters[i].n);
	}
}

/* The daemons that did not answer, one line each. */
void
show_down(FILE *fp, const struct reply *r, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!r[i].up)
			fprintf(fp, "%s: %s\n", r[i].daemon, r[i].why);
}

/* 52:54:00:12:34:56 (10.77.0.2), or 10.77.0.2 for a client without */
static const char *
client_name(const struct client *c, char *buf, size_t len)
{
	char	 a[INET6_ADDRSTRLEN];
	size_t	 i;

	buf[0] = '\0';
	if (c->hwlen > 0)
		hwaddr_ntop(c->hwaddr, c->hwlen, buf, len);
	for (i = 0; i < c->naddr; i++) {
		if (inet_ntop(c->af[i], c->addr[i], a, sizeof(a)) == NULL)
			continue;
		if (i > 0)
			strlcat(buf, ", ", len);
		else if (c->hwlen > 0)
			strlcat(buf, " (", len);
		strlcat(buf, a, len);
	}
	if (c->hwlen > 0 && c->naddr > 0)
		strlcat(buf, ")", len);
	return buf;
}

/* A session's file and how it went, for one line. */
static const char *
session_what(const struct ctl_session *s, char *buf, size_t len)
{
	char	 b1[32], b2[32];

	switch (s->kind) {
	case CTL_K_PROXY:
		snprintf(buf, len, "%-10s %s", s->detail, s->file);
		break;
	case CTL_K_HTTP:
		snprintf(buf, len, "%-30s %10s of %-10s %3u %s", s->file,
		    fmt_bytes(s->bytes, b1, sizeof(b1)),
		    fmt_bytes(s->size, b2, sizeof(b2)), s->status,
		    s->detail);
		break;
	default:
		snprintf(buf, len, "%-30s %10s of %-10s %s", s->file,
		    fmt_bytes(s->bytes, b1, sizeof(b1)),
		    fmt_bytes(s->size, b2, sizeof(b2)), s->detail);
		break;
	}
	return buf;
}

static void
show_session(FILE *fp, const struct jsession *js)
{
	const struct ctl_session	*s = js->s;
	char				 t[32], what[512], took[32];
	uint64_t			 end = s->end ? s->end : s->last;

	fprintf(fp, "    %s  %-5s  %-7s %-8s %s\n",
	    fmt_time(s->start, 0, t, sizeof(t)), ctl_kind_name(s->kind),
	    ctl_state_name(s->state),
	    s->kind == CTL_K_PROXY ? "" : fmt_span(end - s->start, took,
	    sizeof(took)), session_what(s, what, sizeof(what)));
}

void
show_clients(FILE *fp, const struct client *c, size_t n)
{
	char	 name[128], arch[32], t1[32], t2[32];
	size_t	 i, j;

	if (n == 0) {
		fprintf(fp, "no clients seen\n");
		return;
	}
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s  %s  %s  %s .. %s\n",
		    client_name(&c[i], name, sizeof(name)),
		    fmt_arch(c[i].arch, arch, sizeof(arch)),
		    client_state_name(c[i].state),
		    fmt_time(c[i].first, 0, t1, sizeof(t1)),
		    fmt_time(c[i].last, 0, t2, sizeof(t2)));
		for (j = 0; j < c[i].nsessions; j++)
			show_session(fp, &c[i].sessions[j]);
	}
}

/* The sessions in flight of every daemon, with progress. */
void
show_transfers(FILE *fp, const struct reply *r, size_t n, int bars)
{
	const struct ctl_session	*s;
	char				 a[INET6_ADDRSTRLEN], b1[32], b2[32];
	char				 rate[32], age[32], bar[64], who[80];
	uint64_t			 us;
	size_t				 i, j, shown = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < r[i].nsessions; j++) {
			s = &r[i].sessions[j];
			if (s->state != CTL_S_ACTIVE)
				continue;
			if (shown++ == 0)
				fprintf(fp, "%-11s %-24s %-24s %-26s %10s "
				    "%5s %8s\n", "DAEMON", "CLIENT", "FILE",
				    "PROGRESS", "RATE", "RETR", "AGE");
			us = r[i].st.now > s->start ? r[i].st.now - s->start :
			    0;
			snprintf(rate, sizeof(rate), "%s/s", fmt_bytes(us ?
			    s->bytes * 1000000 / us : 0, b1, sizeof(b1)));
			snprintf(who, sizeof(who), "%s:%u", session_addr(s, a,
			    sizeof(a)), s->port);
			if (bars)
				fmt_bar(s, bar, sizeof(bar));
			else
				snprintf(bar, sizeof(bar), "%s of %s",
				    fmt_bytes(s->bytes, b1, sizeof(b1)),
				    fmt_bytes(s->size, b2, sizeof(b2)));
			fprintf(fp, "%-11s %-24s %-24.24s %-26s %10s %5u "
			    "%8s\n", r[i].daemon, who, s->file, bar, rate,
			    s->retransmits, fmt_span(us, age, sizeof(age)));
		}
	if (shown == 0)
		fprintf(fp, "no transfers in flight\n");
}
