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
 * netbootctl: asks tftpd, httpbootd and dhcpd-proxy on their control
 * sockets and shows what they do, each machine's boot joined across the
 * three.  A daemon that does not answer is shown as such beside the
 * others; the exit status is 1 only when none answered.
 */

#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "log.h"
#include "netbootctl.h"

#define WATCH_RECENT	10	/* clients a watch screen lists */

struct opts {
	const char	*dir;
	int		 json;
};

__dead static void usage(void);
static size_t	 ask_all(const struct opts *, uint32_t, struct reply *);
static void	 replies_free(struct reply *);
static int	 cmd_show(const struct opts *, int, char **);
static void	 text_transfers(FILE *, const struct reply *, size_t);
static int	 cmd_clients(const struct opts *, int, char **);
static int	 cmd_reload(const struct opts *, int, char **);
static int	 cmd_watch(const struct opts *, int, char **);
static void	 watch_screen(FILE *, struct reply *, uint64_t, int);
static uint64_t	 wall_now(void);

static const struct command {
	const char	*name;
	int		(*fn)(const struct opts *, int, char **);
} commands[] = {
	{ "status",	cmd_show },
	{ "clients",	cmd_clients },
	{ "transfers",	cmd_show },
	{ "metrics",	cmd_show },
	{ "reload",	cmd_reload },
	{ "watch",	cmd_watch },
};

__dead static void
usage(void)
{
	fprintf(stderr, "usage: netbootctl [-j] [-s directory] command\n"
	    "commands: status, clients, transfers, metrics, "
	    "reload [daemon],\n"
	    "          watch [-i seconds] [-n count]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct opts	 o = { NB_CTLDIR, 0 };
	size_t		 i;
	int		 ch;

	while ((ch = getopt(argc, argv, "+js:")) != -1) {
		switch (ch) {
		case 'j':
			o.json = 1;
			break;
		case 's':
			o.dir = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].fn(&o, argc, argv);
	warnx("unknown command %s", argv[0]);
	usage();
}

/* Asks every daemon; returns how many answered. */
static size_t
ask_all(const struct opts *o, uint32_t what, struct reply *r)
{
	size_t	 i, up = 0;

	for (i = 0; i < NDAEMONS; i++)
		if (ask_query(o->dir, daemon_names[i], what, &r[i]) == 0)
			up++;
	return up;
}

static void
replies_free(struct reply *r)
{
	size_t	 i;

	for (i = 0; i < NDAEMONS; i++)
		reply_free(&r[i]);
}

/* What status, transfers and metrics ask for and how they print it. */
static const struct show {
	const char	*name;
	uint32_t	 what;
	void		(*json)(FILE *, const struct reply *, size_t);
	void		(*text)(FILE *, const struct reply *, size_t);
} shows[] = {
	{ "status", CTL_Q_COUNTERS, json_status, show_status },
	{ "transfers", CTL_Q_ACTIVE, json_transfers, text_transfers },
	{ "metrics", CTL_Q_COUNTERS, json_metrics, metrics_print },
};

static int
cmd_show(const struct opts *o, int argc, char **argv)
{
	const struct show	*sh = NULL;
	struct reply		 r[NDAEMONS];
	size_t			 i, up;

	if (argc != 1)
		usage();
	for (i = 0; i < sizeof(shows) / sizeof(shows[0]); i++)
		if (strcmp(argv[0], shows[i].name) == 0)
			sh = &shows[i];
	if (sh == NULL)
		usage();
	up = ask_all(o, sh->what, r);
	if (o->json)
		sh->json(stdout, r, NDAEMONS);
	else
		sh->text(stdout, r, NDAEMONS);
	replies_free(r);
	return up > 0 ? 0 : 1;
}

static void
text_transfers(FILE *fp, const struct reply *r, size_t n)
{
	show_down(fp, r, n);
	show_transfers(fp, r, n, 0);
}

static int
cmd_clients(const struct opts *o, int argc, char **argv)
{
	struct reply	 r[NDAEMONS];
	struct client	*c;
	size_t		 n, up;

	if (argc != 1)
		usage();
	up = ask_all(o, CTL_Q_ACTIVE | CTL_Q_HISTORY, r);
	if (join_clients(r, NDAEMONS, wall_now(), &c, &n) == -1)
		err(1, "joining the clients");
	if (o->json)
		json_clients(stdout, c, n, r, NDAEMONS);
	else {
		show_down(stdout, r, NDAEMONS);
		show_clients(stdout, c, n);
	}
	clients_free(c, n);
	replies_free(r);
	return up > 0 ? 0 : 1;
}

/*
 * Every daemon that runs, or the one named: 0 when each reloaded.  A
 * daemon not running fails a reload only when it was named.
 */
static int
cmd_reload(const struct opts *o, int argc, char **argv)
{
	char	 msg[CTL_TEXTLEN + 160];
	size_t	 i, failed = 0, reloaded = 0;
	int	 n = 0, rv;

	if (argc > 2)
		usage();
	if (argc == 2) {
		for (i = 0; i < NDAEMONS; i++)
			if (strcmp(argv[1], daemon_names[i]) == 0)
				break;
		if (i == NDAEMONS)
			errx(2, "unknown daemon %s (tftpd, httpbootd or "
			    "dhcpd-proxy)", argv[1]);
	}
	if (o->json)
		fputs("{\"reload\":[", stdout);
	for (i = 0; i < NDAEMONS; i++) {
		if (argc == 2 && strcmp(argv[1], daemon_names[i]) != 0)
			continue;
		rv = ask_reload(o->dir, daemon_names[i], msg, sizeof(msg));
		if (rv == 0)
			reloaded++;
		else if (rv == -1 || argc == 2)
			failed++;
		if (o->json) {
			if (n++ > 0)
				fputc(',', stdout);
			json_result(stdout, daemon_names[i], rv == 0, msg);
		} else
			printf("%s: %s\n", daemon_names[i], msg);
	}
	if (o->json)
		fputs("]}\n", stdout);
	return failed == 0 && reloaded > 0 ? 0 : 1;
}

/* Like top(1): the daemons, transfers with progress, recent clients. */
static int
cmd_watch(const struct opts *o, int argc, char **argv)
{
	struct reply	 r[NDAEMONS];
	const char	*errstr;
	long long	 count = 0, i;
	int		 ch, interval = 1;

	optind = 1;
	while ((ch = getopt(argc, argv, "i:n:")) != -1) {
		switch (ch) {
		case 'i':
			interval = strtonum(optarg, 1, 3600, &errstr);
			if (errstr != NULL)
				errx(2, "interval %s: %s", optarg, errstr);
			break;
		case 'n':
			count = strtonum(optarg, 1, LLONG_MAX, &errstr);
			if (errstr != NULL)
				errx(2, "count %s: %s", optarg, errstr);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	for (i = 0; count == 0 || i < count; i++) {
		if (i > 0)
			sleep(interval);
		ask_all(o, CTL_Q_ALL, r);
		watch_screen(stdout, r, wall_now(), o->json);
		fflush(stdout);
		replies_free(r);
	}
	return 0;
}

static void
watch_screen(FILE *fp, struct reply *r, uint64_t now, int json)
{
	struct client	*c;
	char		 t[32];
	time_t		 secs = now / 1000000;
	size_t		 i, n, first;

	if (join_clients(r, NDAEMONS, now, &c, &n) == -1)
		err(1, "joining the clients");
	first = n > WATCH_RECENT ? n - WATCH_RECENT : 0;
	if (json) {
		json_watch(fp, r, NDAEMONS, c + first, n - first, now);
		clients_free(c, n);
		return;
	}
	strftime(t, sizeof(t), "%H:%M:%S", localtime(&secs));
	fprintf(fp, "\033[H\033[2J");
	fprintf(fp, "netboot  %s\n", t);
	for (i = 0; i < NDAEMONS; i++) {
		if (r[i].up)
			fprintf(fp, "  %-12s running, %u in flight\n",
			    r[i].daemon, r[i].end.nactive);
		else
			fprintf(fp, "  %-12s %s\n", r[i].daemon, r[i].why);
	}
	fputc('\n', fp);
	show_transfers(fp, r, NDAEMONS, 1);
	fputc('\n', fp);
	show_clients(fp, c + first, n - first);
	clients_free(c, n);
}

static uint64_t
wall_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
