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

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"

__dead static void	 usage(const struct daemon_def *);

__dead static void
usage(const struct daemon_def *def)
{
	fprintf(stderr, "usage: %s [-dnv] [-f file]\n", def->name);
	exit(1);
}

/* -E is not for people: the parent starts its engine with it. */
int
daemon_main(int argc, char **argv, const struct daemon_def *def)
{
	struct netboot_conf	*conf;
	const char		*conffile = NB_CONFFILE;
	int			 ch, debug = 0, engine = 0, noaction = 0;
	int			 verbose = 0;

	while ((ch = getopt(argc, argv, "dEf:nv")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'E':
			engine = 1;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage(def);
		}
	}
	if (optind != argc)
		usage(def);

	if (engine)
		engine_main(def, debug, verbose);
	if (noaction) {
		if ((conf = conf_parse(conffile)) == NULL)
			exit(1);
		conf_free(conf);
		exit(0);
	}
	return parent_main(def, conffile, debug, verbose);
}
