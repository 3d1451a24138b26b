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
#include <string.h>
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

static int	 batch_run(void);
static int	 batch_wait(struct epoll_event *);
static void	 batch_clock(void);

/* Protocol timeouts want milliseconds, not sd-event's default 250 ms. */
#define TIMER_ACCURACY	1000	/* usec */
#define BATCH_EVENTS	256	/* events handed over per wakeup */
#define SD_TURNS	16	/* sd-event dispatches before a batch */
#define LOG_DELAY	100000	/* usec a held log line may wait, busy */

static sd_event	*loop;

/*
 * A daemon whose busy descriptors are many (tftpd's transfers,
 * httpbootd's connections) keeps them in an epoll set of its own and
 * the loop blocks there, with sd-event's descriptor a member of the set:
 * one epoll_wait() a wakeup instead of one for sd-event and one for the
 * set.  sd-event then runs only when its descriptor is ready or a timer
 * moved, and the clock it would cache is read here instead.
 */
static struct {
	int		 epfd;
	ev_batch_cb	 cb;
	void		*arg;
	int		 sd_due;	/* sd-event has work or must re-arm */
	uint64_t	 now;
	uint64_t	 flushed;	/* held log lines last written */
	uint64_t	 poll;		/* usec to poll before sleeping */
} batch = { -1, NULL, NULL, 1, 0, 0, 0 };

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
	/* sd-event moves its timerfd only when it prepares a wait. */
	batch.sd_due = 1;
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

/* Block in epfd from now on, handing its events to cb. */
void
ev_batch(int epfd, ev_batch_cb cb, void *arg)
{
	struct epoll_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &batch;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, sd_event_get_fd(loop), &ev) == -1)
		fatal("epoll_ctl");
	batch.epfd = epfd;
	batch.cb = cb;
	batch.arg = arg;
	batch_clock();
}

static void
batch_clock(void)
{
	batch.now = ev_clock();
}

/*
 * sd-event dispatches one source a turn; a few turns, then the batch
 * gets its go, and a busy sd-event only shortens the next wait to none.
 */
static int
batch_run(void)
{
	struct epoll_event	 ev[BATCH_EVENTS];
	int			 i, n, r, turns;

	for (;;) {
		for (turns = 0; batch.sd_due && turns < SD_TURNS; turns++) {
			batch.sd_due = 0;
			if ((r = sd_event_run(loop, 0)) < 0) {
				errno = -r;
				fatal("sd_event_run");
			}
			if (sd_event_get_state(loop) == SD_EVENT_FINISHED) {
				sd_event_get_exit_code(loop, &r);
				return r;
			}
			if (r > 0)
				batch.sd_due = 1;
			batch_clock();
		}
		if (!batch.sd_due || batch.now - batch.flushed > LOG_DELAY) {
			log_flush();
			batch.flushed = batch.now;
		}
		n = batch_wait(ev);
		if (n == -1) {
			if (errno != EINTR)
				fatal("epoll_wait");
			continue;
		}
		batch_clock();
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr != &batch)
				continue;
			batch.sd_due = 1;
			ev[i] = ev[--n];
			break;
		}
		if (n > 0)
			batch.cb(ev, n, batch.arg);
	}
}

/*
 * A daemon that expects an answer within microseconds (tftpd, from a
 * client in lockstep on a fast link) asks the loop to poll for it
 * rather than sleep: going to sleep and being woken again cost more
 * than the wait itself, on a virtual machine several times more.  The
 * request holds for the next wait only, and the largest of several
 * wins.
 */
void
ev_batch_poll(uint64_t usec)
{
	if (usec > batch.poll)
		batch.poll = usec;
}

static int
batch_wait(struct epoll_event *ev)
{
	uint64_t	 until;
	int		 n;

	if (batch.sd_due)
		return epoll_wait(batch.epfd, ev, BATCH_EVENTS, 0);
	if (batch.poll > 0) {
		until = ev_clock() + batch.poll;
		batch.poll = 0;
		do {
			if ((n = epoll_wait(batch.epfd, ev, BATCH_EVENTS,
			    0)) != 0)
				return n;
		} while (ev_clock() < until);
	}
	return epoll_wait(batch.epfd, ev, BATCH_EVENTS, -1);
}

/* ev_batch() may be called by a callback: the loop changes over then. */
int
ev_run(void)
{
	int	 r;

	while (batch.epfd == -1) {
		log_flush();
		if ((r = sd_event_run(loop, UINT64_MAX)) < 0) {
			errno = -r;
			fatal("sd_event_run");
		}
		if (sd_event_get_state(loop) == SD_EVENT_FINISHED) {
			sd_event_get_exit_code(loop, &r);
			return r;
		}
	}
	return batch_run();
}

void
ev_exit(int code)
{
	sd_event_exit(loop, code);
	batch.sd_due = 1;
}

uint64_t
ev_now(void)
{
	uint64_t	 now;

	if (batch.epfd != -1)
		return batch.now;
	if (sd_event_now(loop, CLOCK_MONOTONIC, &now) < 0)
		now = ev_clock();
	return now;
}

/* The monotonic clock in microseconds now, not the loop's time. */
uint64_t
ev_clock(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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
