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
 * A compiled config crosses from parent to engine as IPC_RECONF_DAEMON,
 * then every IPC_RECONF_MENU, every IPC_RECONF_ENTRY, every
 * IPC_RECONF_RULE, then IPC_RECONF_END.  The engine feeds each message to
 * a struct conf_rx, which checks it and builds the config up; a config is
 * handed over only once it is complete and consistent.
 */

#ifndef NB_CONFIPC_H
#define NB_CONFIPC_H

#include "conf.h"
#include "ipc.h"

/* More than any sane netboot.conf, few enough to bound the memory. */
#define CONF_RX_MAXMENUS	65536
#define CONF_RX_MAXENTRIES	65536
#define CONF_RX_MAXRULES	65536

enum conf_rx_state {
	CONF_RX_IDLE,		/* waiting for IPC_RECONF_DAEMON */
	CONF_RX_MENUS,
	CONF_RX_ENTRIES,
	CONF_RX_RULES,
	CONF_RX_DONE		/* complete, waiting for conf_rx_take() */
};

struct conf_rx {
	enum nb_daemon		 which;
	enum conf_rx_state	 state;
	struct netboot_conf	*conf;
};

/* Only queues the messages; the caller flushes. */
int			 conf_send(struct ipc *,
			    const struct netboot_conf *, enum nb_daemon);

void			 conf_rx_init(struct conf_rx *, enum nb_daemon);
int			 conf_rx_add(struct conf_rx *,
			    const struct ipc_msg *, const char **);
struct netboot_conf	*conf_rx_take(struct conf_rx *);
void			 conf_rx_reset(struct conf_rx *);

#endif /* NB_CONFIPC_H */
