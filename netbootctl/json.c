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
 * -j: the same answers as JSON, one document a command, for scripts.
 * Times are milliseconds since the Epoch (_ms), sizes bytes; what is not
 * known is null.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "arch.h"
#include "ctl.h"
#include "netbootctl.h"

static void	 js_str(FILE *, const char *);
static void	 js_ms(FILE *, const char *, uint64_t);
static void	 js_daemons(FILE *, const struct reply *, size_t, int);
static void	 js_counters(FILE *, const struct reply *);
static void	 js_session(FILE *, const struct ctl_session *, const char *,
		    uint64_t);
static void	 js_sessions(FILE *, const struct client *, enum ctl_kind);
static void	 js_arch(FILE *, uint16_t);
static void	 js_clients(FILE *, const struct client *, size_t);
static void	 js_transfers(FILE *, const struct reply *, size_t);

static void
js_str(FILE *fp, const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* "key":ms, or null for a time not set. */
static void
js_ms(FILE *fp, const char *key, uint64_t us)
{
	if (us == 0)
		fprintf(fp, "\"%s\":null", key);
	else
		fprintf(fp, "\"%s\":%llu", key, (unsigned long long)us / 1000);
}

static void
js_arch(FILE *fp, uint16_t arch)
{
	const char	*name;

	fputs("\"arch\":", fp);
	if (arch == CTL_ARCH_NONE) {
		fputs("null,\"arch_code\":null", fp);
		return;
	}
	name = arch_name(arch);
	js_str(fp, name != NULL ? name : "unknown");
	fprintf(fp, ",\"arch_code\":%u", arch);
}

/* "daemons":[...], with their status and counters when full is set. */
static void
js_daemons(FILE *fp, const struct reply *r, size_t n, int full)
{
	size_t	 i;

	fputs("\"daemons\":[", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s{\"daemon\":", i ? "," : "");
		js_str(fp, r[i].daemon);
		fprintf(fp, ",\"up\":%s", r[i].up ? "true" : "false");
		if (!r[i].up) {
			fputs(",\"error\":", fp);
			js_str(fp, r[i].why);
			fputc('}', fp);
			continue;
		}
		fprintf(fp, ",\"pid\":%u,\"engine_pid\":", r[i].st.pid);
		if (r[i].st.engine_pid)
			fprintf(fp, "%u", r[i].st.engine_pid);
		else
			fputs("null", fp);
		fprintf(fp, ",\"in_flight\":%u", r[i].end.nactive);
		if (full) {
			fputs(",\"version\":", fp);
			js_str(fp, r[i].st.version_str);
			fputc(',', fp);
			js_ms(fp, "started_ms", r[i].st.started);
			fputs(",\"config\":{\"file\":", fp);
			js_str(fp, r[i].st.conffile);
			fputs(",\"sha256\":", fp);
			js_str(fp, r[i].st.digest[0] ? r[i].st.digest : NULL);
			fputc(',', fp);
			js_ms(fp, "loaded_ms", r[i].st.loaded);
			fprintf(fp, ",\"reloads\":%u},\"history\":%u,",
			    r[i].st.reloads, r[i].st.history);
			js_counters(fp, &r[i]);
		}
		fputc('}', fp);
	}
	fputc(']', fp);
}

static void
js_counters(FILE *fp, const struct reply *r)
{
	const struct ctl_counter	*c;
	size_t				 i;

	fputs("\"counters\":[", fp);
	for (i = 0; i < r->ncounters; i++) {
		c = &r->counters[i];
		fprintf(fp, "%s{\"name\":", i ? "," : "");
		js_str(fp, c->name);
		fputs(",\"labels\":{", fp);
		if (c->key[0] != '\0') {
			js_str(fp, c->key);
			fputc(':', fp);
			js_str(fp, c->value);
		}
		fprintf(fp, "},\"value\":%llu}", (unsigned long long)c->n);
	}
	fputc(']', fp);
}

static void
js_session(FILE *fp, const struct ctl_session *s, const char *daemon,
    uint64_t now)
{
	char		 a[INET6_ADDRSTRLEN], mac[NB_MACSTRLEN];
	uint64_t	 end = s->end ? s->end : now;

	fputs("{\"daemon\":", fp);
	js_str(fp, daemon);
	fprintf(fp, ",\"kind\":\"%s\",\"state\":\"%s\",\"client\":",
	    ctl_kind_name(s->kind), ctl_state_name(s->state));
	js_str(fp, s->af ? session_addr(s, a, sizeof(a)) : NULL);
	fprintf(fp, ",\"port\":%u,\"mac\":", s->port);
	js_str(fp, s->hwlen ? session_mac(s, mac, sizeof(mac)) : NULL);
	fputc(',', fp);
	js_arch(fp, s->arch);
	fputs(",\"file\":", fp);
	js_str(fp, s->file);
	fputs(",\"detail\":", fp);
	js_str(fp, s->detail);
	fprintf(fp, ",\"bytes\":%llu,\"size\":", (unsigned long long)s->bytes);
	if (s->size == CTL_SIZE_NONE)
		fputs("null", fp);
	else
		fprintf(fp, "%llu", (unsigned long long)s->size);
	fprintf(fp, ",\"status\":%u,\"retransmits\":%u,", s->status,
	    s->retransmits);
	js_ms(fp, "start_ms", s->start);
	fputc(',', fp);
	js_ms(fp, "last_ms", s->last);
	fputc(',', fp);
	js_ms(fp, "end_ms", s->end);
	fprintf(fp, ",\"duration_ms\":%llu", end > s->start ?
	    (unsigned long long)(end - s->start) / 1000 : 0ULL);
	if (s->state == CTL_S_ACTIVE)
		fprintf(fp, ",\"rate_bps\":%llu", end > s->start ?
		    (unsigned long long)(s->bytes * 1000000 /
		    (end - s->start)) : 0ULL);
	fputc('}', fp);
}

static void
js_sessions(FILE *fp, const struct client *c, enum ctl_kind kind)
{
	size_t	 i;
	int	 first = 1;

	fprintf(fp, "\"%s\":[", ctl_kind_name(kind));
	for (i = 0; i < c->nsessions; i++) {
		if (c->sessions[i].s->kind != kind)
			continue;
		if (!first)
			fputc(',', fp);
		first = 0;
		js_session(fp, c->sessions[i].s, c->sessions[i].daemon,
		    c->last);
	}
	fputc(']', fp);
}

void
json_status(FILE *fp, const struct reply *r, size_t n)
{
	fputc('{', fp);
	js_daemons(fp, r, n, 1);
	fputs("}\n", fp);
}

void
json_clients(FILE *fp, const struct client *c, size_t n,
    const struct reply *r, size_t nr)
{
	fputc('{', fp);
	js_clients(fp, c, n);
	fputc(',', fp);
	js_daemons(fp, r, nr, 0);
	fputs("}\n", fp);
}

/* "clients":[...] */
static void
js_clients(FILE *fp, const struct client *c, size_t n)
{
	char	 a[INET6_ADDRSTRLEN], mac[NB_MACSTRLEN];
	size_t	 i, j;

	fputs("\"clients\":[", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s{\"mac\":", i ? "," : "");
		js_str(fp, c[i].hwlen ? hwaddr_ntop(c[i].hwaddr, c[i].hwlen,
		    mac, sizeof(mac)) : NULL);
		fputs(",\"addresses\":[", fp);
		for (j = 0; j < c[i].naddr; j++) {
			if (j > 0)
				fputc(',', fp);
			js_str(fp, inet_ntop(c[i].af[j], c[i].addr[j], a,
			    sizeof(a)));
		}
		fputs("],", fp);
		js_arch(fp, c[i].arch);
		fprintf(fp, ",\"state\":\"%s\",",
		    client_state_name(c[i].state));
		js_ms(fp, "first_ms", c[i].first);
		fputc(',', fp);
		js_ms(fp, "last_ms", c[i].last);
		fputc(',', fp);
		js_sessions(fp, &c[i], CTL_K_PROXY);
		fputc(',', fp);
		js_sessions(fp, &c[i], CTL_K_TFTP);
		fputc(',', fp);
		js_sessions(fp, &c[i], CTL_K_HTTP);
		fputc('}', fp);
	}
	fputc(']', fp);
}

void
json_transfers(FILE *fp, const struct reply *r, size_t n)
{
	fputc('{', fp);
	js_transfers(fp, r, n);
	fputc(',', fp);
	js_daemons(fp, r, n, 0);
	fputs("}\n", fp);
}

/* A screen of watch: the daemons in full, the transfers, the clients. */
void
json_watch(FILE *fp, const struct reply *r, size_t n,
    const struct client *c, size_t nc, uint64_t now)
{
	fputc('{', fp);
	js_ms(fp, "time_ms", now);
	fputc(',', fp);
	js_daemons(fp, r, n, 1);
	fputc(',', fp);
	js_transfers(fp, r, n);
	fputc(',', fp);
	js_clients(fp, c, nc);
	fputs("}\n", fp);
}

/* "transfers":[...] */
static void
js_transfers(FILE *fp, const struct reply *r, size_t n)
{
	size_t	 i, j;
	int	 first = 1;

	fputs("\"transfers\":[", fp);
	for (i = 0; i < n; i++)
		for (j = 0; j < r[i].nsessions; j++) {
			if (r[i].sessions[j].state != CTL_S_ACTIVE)
				continue;
			if (!first)
				fputc(',', fp);
			first = 0;
			js_session(fp, &r[i].sessions[j], r[i].daemon,
			    r[i].st.now);
		}
	fputc(']', fp);
}

void
json_metrics(FILE *fp, const struct reply *r, size_t n)
{
	size_t	 i;

	fputs("{\"metrics\":[", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s{\"daemon\":", i ? "," : "");
		js_str(fp, r[i].daemon);
		fprintf(fp, ",\"up\":%s,\"in_flight\":%u,",
		    r[i].up ? "true" : "false", r[i].end.nactive);
		js_counters(fp, &r[i]);
		fputc('}', fp);
	}
	fputs("]}\n", fp);
}

/* One daemon's result of a reload, as an element of "reload". */
void
json_result(FILE *fp, const char *daemon, int ok, const char *msg)
{
	fputs("{\"daemon\":", fp);
	js_str(fp, daemon);
	fprintf(fp, ",\"ok\":%s,\"message\":", ok ? "true" : "false");
	js_str(fp, msg);
	fputc('}', fp);
}
