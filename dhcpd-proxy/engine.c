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
 * dhcpd-proxy: the engine.  Chrooted, unprivileged, capability-less; the only
 * process that reads the network.  Until the protocol lands it only says
 * where it listens.
 */

#include <stdio.h>

#include "addr.h"
#include "daemon.h"
#include "engine.h"
#include "log.h"

void
proxy_engine_start(struct engine_env *env)
{
	char	 buf[NB_ADDRSTRLEN + 8];
	size_t	 i;

	for (i = 0; i < env->nlisteners; i++)
		log_info("listening on %s",
		    sa_ntop((struct sockaddr *)&env->listeners[i].info.ss,
		    buf, sizeof(buf)));
}

void
proxy_engine_reload(struct engine_env *env, struct netboot_conf *conf)
{
	log_info("new configuration: %zu rules, %zu menus", conf->nrules,
	    conf->nmenus);
}
