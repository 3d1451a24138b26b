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

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "ev.h"
#include "log.h"

struct ev_io {
	sd_event_source	*src;
	ev_io_cb	 cb;
	void		*arg;
};

struct ev_timer {
	sd_event_source	*src;
	ev_timer_cb	 cb;
	void		*arg;
};

struct ev_signal {
	ev_signal_cb	 cb;
	void		*arg;
};

static int	 io_dispatch(sd_event_source *, int, uint32_t, void *);
static int	 timer_dispatch(sd_event_source *, uint64_t, void *);
static int	 signal_dispatch(sd_event_source *,
		    const struct signalfd_siginfo *, void *);

/* Protocol timeouts want milliseconds, not sd-event's default 250 ms. */
#define TIMER_ACCURACY	1000	/* usec */

static sd_event	*loop;

void
ev_init(void)
{
	int	 r;

	if ((r = sd_event_new(&loop)) < 0) {
		errno = -r;
		fatal("sd_event_new");
	}
}

static int
io_dispatch(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct ev_io	*io = arg;

	io->cb(fd, revents, io->arg);
	return 0;
}

struct ev_io *
ev_io_add(int fd, uint32_t events, ev_io_cb cb, void *arg)
{
	struct ev_io	*io;
	int		 r;

	if ((io = calloc(1, sizeof(*io))) == NULL)
		return NULL;
	io->cb = cb;
	io->arg = arg;
	if ((r = sd_event_add_io(loop, &io->src, fd, events, io_dispatch,
	    io)) < 0) {
		free(io);
		errno = -r;
		return NULL;
	}
	return io;
}

int
ev_io_set(struct ev_io *io, uint32_t events)
{
	int	 r;

	if ((r = sd_event_source_set_io_events(io->src, events)) < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

void
ev_io_del(struct ev_io *io)
{
	if (io == NULL)
		return;
	sd_event_source_disable_unref(io->src);
	free(io);
}

static int
timer_dispatch(sd_event_source *s, uint64_t usec, void *arg)
{
	struct ev_timer	*t = arg;

	t->cb(t->arg);
	return 0;
}

struct ev_timer *
ev_timer_new(ev_timer_cb cb, void *arg)
{
	struct ev_timer	*t;
	int		 r;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cb = cb;
	t->arg = arg;
	if ((r = sd_event_add_time(loop, &t->src, CLOCK_MONOTONIC, 0,
	    TIMER_ACCURACY, timer_dispatch, t)) < 0) {
		free(t);
		errno = -r;
		return NULL;
	}
	sd_event_source_set_enabled(t->src, SD_EVENT_OFF);
	return t;
}

/* Fires once, usec microseconds from the loop's current time. */
void
ev_timer_arm(struct ev_timer *t, uint64_t usec)
{
	sd_event_source_set_time(t->src, ev_now() + usec);
	sd_event_source_set_enabled(t->src, SD_EVENT_ONESHOT);
}

void
ev_timer_disarm(struct ev_timer *t)
{
	sd_event_source_set_enabled(t->src, SD_EVENT_OFF);
}

void
ev_timer_del(struct ev_timer *t)
{
	if (t == NULL)
		return;
	sd_event_source_disable_unref(t->src);
	free(t);
}

static int
signal_dispatch(sd_event_source *s, const struct signalfd_siginfo *si,
    void *arg)
{
	struct ev_signal	*sig = arg;

	sig->cb(si->ssi_signo, sig->arg);
	return 0;
}

/* Signals are blocked here so that sd-event takes them by signalfd. */
void
ev_signal_add(int signo, ev_signal_cb cb, void *arg)
{
	struct ev_signal	*sig;
	sigset_t		 set;
	int			 r;

	if ((sig = calloc(1, sizeof(*sig))) == NULL)
		fatal("%s", __func__);
	sig->cb = cb;
	sig->arg = arg;
	sigemptyset(&set);
	sigaddset(&set, signo);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if ((r = sd_event_add_signal(loop, NULL, signo, signal_dispatch,
	    sig)) < 0) {
		errno = -r;
		fatal("sd_event_add_signal %d", signo);
	}
}

int
ev_run(void)
{
	int	 r;

	if ((r = sd_event_loop(loop)) < 0) {
		errno = -r;
		fatal("sd_event_loop");
	}
	return r;
}

void
ev_exit(int code)
{
	sd_event_exit(loop, code);
}

uint64_t
ev_now(void)
{
	uint64_t	 now;

	if (sd_event_now(loop, CLOCK_MONOTONIC, &now) < 0) {
		struct timespec	 ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	return now;
}

/*
 * sd_notify reaches $NOTIFY_SOCKET by path: only the parent, outside
 * any chroot, calls these.
 */
void
notify_ready(void)
{
	sd_notify(0, "READY=1");
}

void
notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
notify_status(const char *fmt, ...)
{
	char	 buf[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", buf);
}

/* Descriptors passed by socket activation, for this process only. */
int
ev_listen_fds(void)
{
	int	 n;

	if ((n = sd_listen_fds(1)) < 0) {
		errno = -n;
		return -1;
	}
	return n;
}
