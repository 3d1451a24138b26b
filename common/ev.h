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
 * The event loop and service notification.  A thin layer over sd-event
 * and sd_notify: the only place that includes libsystemd, so that its
 * negative-errno convention stops here and our code sees -1 and errno.
 */

#ifndef NB_EV_H
#define NB_EV_H

#include <sys/epoll.h>
#include <stdint.h>

struct ev_io;
struct ev_timer;

typedef void	(*ev_io_cb)(int, uint32_t, void *);
typedef void	(*ev_timer_cb)(void *);
typedef void	(*ev_signal_cb)(int, void *);
typedef void	(*ev_batch_cb)(const struct epoll_event *, int, void *);

#define EV_READ		EPOLLIN
#define EV_WRITE	EPOLLOUT

void		 ev_init(void);
struct ev_io	*ev_io_add(int, uint32_t, ev_io_cb, void *);
int		 ev_io_set(struct ev_io *, uint32_t);
void		 ev_io_del(struct ev_io *);
struct ev_timer	*ev_timer_new(ev_timer_cb, void *);
void		 ev_timer_arm(struct ev_timer *, uint64_t);
void		 ev_timer_disarm(struct ev_timer *);
void		 ev_timer_del(struct ev_timer *);
void		 ev_signal_add(int, ev_signal_cb, void *);
void		 ev_batch(int, ev_batch_cb, void *);
void		 ev_batch_poll(uint64_t);
int		 ev_run(void);
void		 ev_exit(int);
uint64_t	 ev_now(void);
uint64_t	 ev_clock(void);

#define EV_LISTEN_FDS_START	3
int		 ev_listen_fds(void);

void		 notify_ready(void);
void		 notify_reloading(void);
void		 notify_stopping(void);
void		 notify_status(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));

#endif /* NB_EV_H */
