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
 * dhcpd-proxy: the engine.  Chrooted, unprivileged, capability-less; the
 * only process that reads the network.  It reads datagrams on the
 * listeners (UDP 67 and 4011 over IPv4, 547 and 4011 over IPv6), has
 * answer4.c or answer6.c turn each into an answer or a reason not to,
 * and sends the answer at once or, when the client's rule sets a delay,
 * from a timer.
 *
 * Nothing here points into the configuration between datagrams: each
 * one reads env->conf afresh, and a held answer is bytes and addresses,
 * so a reload swaps the policy without touching what is in flight.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "addr.h"
#include "answer.h"
#include "ctlreport.h"
#include "daemon.h"
#include "engine.h"
#include "ev.h"
#include "iface.h"
#include "log.h"
#include "ratelimit.h"
#include "udp.h"

#define REQ_MAX		65536	/* any datagram, so none is truncated */
#define REQ_BURST	64	/* datagrams per wakeup of a listener */
#define PENDING_MAX	256	/* answers waiting for their delay */

/* An answer held until its delay is over. */
struct pending {
	struct ev_timer	*timer;
	int		 fd;
	int		 busy;
	struct answer	 a;
};

static int	 listener_role(const struct listener *);
static void	 proxy_read(int, uint32_t, void *);
static void	 proxy_handle(void *, const uint8_t *, size_t,
		    const struct udp_meta *);
static void	 answer_send(int, const struct answer *);
static void	 pending_add(int, const struct answer *);
static void	 pending_fire(void *);

static struct engine_env	*env;
static uint8_t			 reqbuf[REQ_MAX];
static struct answer		 reply;
static struct pending		 pending[PENDING_MAX];
static size_t			 npending;
static uint64_t			*c_requests;
static struct ratelimit		*bymac, *byaddr;

void
proxy_engine_start(struct engine_env *e)
{
	char	 buf[NB_ADDRSTRLEN + 8];
	size_t	 i, n = 0;

	env = e;
	c_requests = report_counter("requests", NULL, NULL);
	bymac = ratelimit_new();
	byaddr = ratelimit_new();
	if (iface_refresh() == -1)
		log_warnx("cannot read the interfaces yet; will retry");
	for (i = 0; i < PENDING_MAX; i++)
		if ((pending[i].timer = ev_timer_new(pending_fire,
		    &pending[i])) == NULL)
			fatal("ev_timer_new");
	for (i = 0; i < env->nlisteners; i++) {
		sa_ntop((struct sockaddr *)&env->listeners[i].info.ss, buf,
		    sizeof(buf));
		if (!listener_role(&env->listeners[i])) {
			log_warnx("not listening on %s: not port 67, 547 "
			    "or 4011", buf);
			continue;
		}
		if (ev_io_add(env->listeners[i].fd, EV_READ, proxy_read,
		    &env->listeners[i]) == NULL)
			fatal("ev_io_add");
		log_info("listening on %s%s%s", buf,
		    env->listeners[i].info.ifname[0] ? " on " : "",
		    env->listeners[i].info.ifname);
		n++;
	}
	if (n == 0)
		fatalx("no usable listener");
}

/*
 * Answers read env->conf afresh for each datagram and held answers keep
 * no pointer into it: the swap itself is left to the caller.
 */
void
proxy_engine_reload(struct engine_env *e, struct netboot_conf *conf)
{
	const struct proxy_conf	*pc = &conf->daemon[NB_DHCPD_PROXY].proxy;

	log_info("new configuration: %zu rules, %zu menus, ratelimit %u, "
	    "ratelimit address %u, %zu relays", conf->nrules, conf->nmenus,
	    pc->ratelimit, pc->ratelimit_addr, pc->nrelays);
}

/* A socket activated on another port would answer the wrong protocol. */
static int
listener_role(const struct listener *l)
{
	int	 af = l->info.ss.ss_family, role = l->info.port_role;

	if (role == PROXY_PORT_PXE)
		return af == AF_INET || af == AF_INET6;
	if (af == AF_INET)
		return role == PROXY_PORT_DHCP;
	return af == AF_INET6 && role == PROXY_PORT_DHCP6;
}

static void
proxy_read(int fd, uint32_t events, void *arg)
{
	udp_drain(fd, reqbuf, sizeof(reqbuf), REQ_BURST, proxy_handle, arg);
}

static void
proxy_handle(void *arg, const uint8_t *buf, size_t len,
    const struct udp_meta *meta)
{
	struct listener		*l = arg;
	struct answer_in	 in;
	int			 r;

	(*c_requests)++;
	memset(&in, 0, sizeof(in));
	in.conf = env->conf;
	in.dc = env->dc;
	in.buf = buf;
	in.len = len;
	in.meta = meta;
	in.port = l->info.port_role;
	in.now = ev_now();
	in.bymac = bymac;
	in.byaddr = byaddr;
	if (l->info.ss.ss_family == AF_INET6)
		r = answer_dhcp6(&in, &reply);
	else
		r = answer_dhcp4(&in, &reply);
	if (r == -1)
		return;
	if (reply.delay_ms == 0 && reply.again_ms == 0)
		answer_send(l->fd, &reply);
	else
		pending_add(l->fd, &reply);
}

static void
answer_send(int fd, const struct answer *a)
{
	char	 to[NB_ADDRSTRLEN + 8];

	if (udp_send(fd, a->buf, a->len, (const struct sockaddr *)&a->to,
	    a->tolen, a->from.af != AF_UNSPEC ? &a->from : NULL,
	    a->ifindex) == -1) {
		log_warn("send to %s", sa_ntop((const struct sockaddr *)&a->to,
		    to, sizeof(to)));
		return;
	}
	if (a->log[0] == '\0')
		return;
	report_log(LOG_INFO, &a->rec, "%s", a->log);
	report_finish(&a->rec);
	report_count("answers", "type", a->rec.detail, 1);
}

/*
 * A fixed number of held answers: when all are taken, the client's
 * retransmission will find one free.
 */
static void
pending_add(int fd, const struct answer *a)
{
	struct pending	*p = NULL;
	size_t		 i;

	if (npending < PENDING_MAX)
		for (i = 0; i < PENDING_MAX && p == NULL; i++)
			if (!pending[i].busy)
				p = &pending[i];
	if (p == NULL) {
		report_count("dropped", "reason", "delayed answers full", 1);
		report_log(LOG_DEBUG, &a->rec, "queue full (%d answers wait): "
		    "dropped %s", PENDING_MAX, a->log[0] != '\0' ? a->log :
		    "an answer");
		return;
	}
	p->busy = 1;
	p->fd = fd;
	p->a = *a;
	npending++;
	ev_timer_arm(p->timer, (uint64_t)a->delay_ms * 1000);
}

static void
pending_fire(void *arg)
{
	struct pending	*p = arg;

	answer_send(p->fd, &p->a);
	if (p->a.again_ms != 0) {
		/* the same answer, logged once */
		ev_timer_arm(p->timer, (uint64_t)p->a.again_ms * 1000);
		p->a.again_ms = 0;
		p->a.log[0] = '\0';
		return;
	}
	p->busy = 0;
	npending--;
}
