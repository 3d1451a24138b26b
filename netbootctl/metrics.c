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
 * netbootctl metrics: the counters in the Prometheus text exposition
 * format (version 0.0.4), for node_exporter's textfile collector or a
 * scrape through a socket-activated unit.  Each daemon's counter "x"
 * becomes netboot_x_total with a daemon label; samples of one metric
 * stay together under one TYPE line, as the format wants.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "netbootctl.h"

struct sample {
	const char		*daemon;
	const struct ctl_counter *c;
};

static int	 sample_cmp(const void *, const void *);
static void	 gauges(FILE *, const struct reply *, size_t);

static int
sample_cmp(const void *va, const void *vb)
{
	const struct sample	*a = va, *b = vb;
	int			 c;

	if ((c = strcmp(a->c->name, b->c->name)) != 0)
		return c;
	if ((c = strcmp(a->daemon, b->daemon)) != 0)
		return c;
	if ((c = strcmp(a->c->key, b->c->key)) != 0)
		return c;
	return strcmp(a->c->value, b->c->value);
}

static void
gauges(FILE *fp, const struct reply *r, size_t n)
{
	size_t	 i;

	fputs("# HELP netboot_up Whether the daemon answered on its control "
	    "socket.\n# TYPE netboot_up gauge\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "netboot_up{daemon=\"%s\"} %d\n", r[i].daemon,
		    r[i].up);
	fputs("# HELP netboot_sessions_in_flight Transfers and responses "
	    "under way.\n# TYPE netboot_sessions_in_flight gauge\n", fp);
	for (i = 0; i < n; i++)
		if (r[i].up)
			fprintf(fp, "netboot_sessions_in_flight{daemon=\"%s\"} "
			    "%u\n", r[i].daemon, r[i].end.nactive);
	fputs("# HELP netboot_config_loaded_seconds When the configuration "
	    "in force was loaded.\n# TYPE netboot_config_loaded_seconds "
	    "gauge\n", fp);
	for (i = 0; i < n; i++)
		if (r[i].up)
			fprintf(fp, "netboot_config_loaded_seconds{daemon=\"%s\"}"
			    " %llu\n", r[i].daemon,
			    (unsigned long long)r[i].st.loaded / 1000000);
	fputs("# TYPE netboot_reloads_total counter\n", fp);
	for (i = 0; i < n; i++)
		if (r[i].up)
			fprintf(fp, "netboot_reloads_total{daemon=\"%s\"} %u\n",
			    r[i].daemon, r[i].st.reloads);
}

void
metrics_print(FILE *fp, const struct reply *r, size_t n)
{
	struct sample	*v;
	size_t		 i, j, k = 0, total = 0;

	gauges(fp, r, n);
	for (i = 0; i < n; i++)
		total += r[i].ncounters;
	if (total == 0)
		return;
	if ((v = calloc(total, sizeof(*v))) == NULL) {
		fprintf(stderr, "netbootctl: out of memory\n");
		return;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < r[i].ncounters; j++) {
			v[k].daemon = r[i].daemon;
			v[k++].c = &r[i].counters[j];
		}
	qsort(v, total, sizeof(*v), sample_cmp);
	for (i = 0; i < total; i++) {
		if (i == 0 || strcmp(v[i].c->name, v[i - 1].c->name) != 0)
			fprintf(fp, "# TYPE netboot_%s_total counter\n",
			    v[i].c->name);
		fprintf(fp, "netboot_%s_total{daemon=\"%s\"", v[i].c->name,
		    v[i].daemon);
		if (v[i].c->key[0] != '\0')
			fprintf(fp, ",%s=\"%s\"", v[i].c->key, v[i].c->value);
		fprintf(fp, "} %llu\n", (unsigned long long)v[i].c->n);
	}
	free(v);
}
