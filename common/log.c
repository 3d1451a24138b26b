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

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int		 journal_stream_is_stderr(void);
static void		 log_out(const char *, size_t);

#define LOG_LINE	1100	/* a message, its prefixes and newline */
#define LOG_HELD	(64 * 1024)

static int		 log_to_stderr = 1;	/* until log_init(): -n, errors */
static int		 log_to_journal;	/* stderr with <N> prefixes */
static int		 verbose;
static const char	*log_procname;
static int		 log_holding;
static char		 held[LOG_HELD];
static size_t		 nheld;

void
log_init(int debug, int facility)
{
	extern char	*__progname;

	log_to_stderr = debug;
	log_to_journal = !debug && journal_stream_is_stderr();
	if (!log_to_stderr && !log_to_journal)
		openlog(__progname, LOG_PID | LOG_NDELAY, facility);
	tzset();
}

/* systemd sets $JOURNAL_STREAM to "dev:ino" of the stream it gave us. */
static int
journal_stream_is_stderr(void)
{
	const char		*e;
	struct stat		 st;
	unsigned long long	 dev, ino;

	if ((e = getenv("JOURNAL_STREAM")) == NULL)
		return 0;
	if (sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return st.st_dev == dev && st.st_ino == ino;
}

void
log_procinit(const char *procname)
{
	log_procname = procname;
}

void
log_setverbose(int v)
{
	verbose = v;
}

int
log_getverbose(void)
{
	return verbose;
}

void
logit(int pri, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

void
log_client(int pri, const struct log_fields *f, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_client(pri, f, fmt, ap);
	va_end(ap);
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	vlog_client(pri, NULL, fmt, ap);
}

void
vlog_client(int pri, const struct log_fields *f, const char *fmt, va_list ap)
{
	char		 msg[1024], line[LOG_LINE], pfx[8] = "";
	int		 saved_errno = errno, n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_to_stderr || log_to_journal) {
		if (log_to_journal)
			snprintf(pfx, sizeof(pfx), "<%d>", LOG_PRI(pri));
		n = snprintf(line, sizeof(line), "%s%s%s%s\n", pfx,
		    log_procname != NULL ? log_procname : "",
		    log_procname != NULL ? ": " : "", msg);
		if (n < 0)
			n = 0;
		if ((size_t)n >= sizeof(line)) {
			n = sizeof(line) - 1;
			line[n - 1] = '\n';
		}
		log_out(line, n);
	} else if (log_procname != NULL)
		syslog(pri, "%s: %s", log_procname, msg);
	else
		syslog(pri, "%s", msg);
	errno = saved_errno;
}

/*
 * A busy engine logs a line per request; held lines leave in one write
 * per turn of the event loop (ev.c flushes before it waits), which the
 * journal's stream reader takes line by line all the same.
 */
void
log_hold(void)
{
	if (!log_holding)
		atexit(log_flush);
	log_holding = 1;
}

void
log_flush(void)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < nheld) {
		if ((n = write(STDERR_FILENO, held + off, nheld - off)) == -1) {
			if (errno == EINTR)
				continue;
			break;		/* nowhere to say so */
		}
		off += n;
	}
	nheld = 0;
}

static void
log_out(const char *line, size_t len)
{
	if (nheld + len > sizeof(held))
		log_flush();
	memcpy(held + nheld, line, len);
	nheld += len;
	if (!log_holding)
		log_flush();
}

void
log_warn(const char *emsg, ...)
{
	char	 buf[1024];
	int	 saved_errno = errno;
	va_list	 ap;

	va_start(ap, emsg);
	vsnprintf(buf, sizeof(buf), emsg, ap);
	va_end(ap);
	logit(LOG_ERR, "%s: %s", buf, strerror(saved_errno));
	errno = saved_errno;
}

void
log_warnx(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vlog(LOG_ERR, emsg, ap);
	va_end(ap);
}

void
log_info(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vlog(LOG_INFO, emsg, ap);
	va_end(ap);
}

void
log_debug(const char *emsg, ...)
{
	va_list	 ap;

	if (verbose < 1)
		return;
	va_start(ap, emsg);
	vlog(LOG_DEBUG, emsg, ap);
	va_end(ap);
}

static __dead void
vfatalc(int code, const char *emsg, va_list ap)
{
	char	 buf[1024];

	vsnprintf(buf, sizeof(buf), emsg, ap);
	if (code)
		logit(LOG_CRIT, "fatal: %s: %s", buf, strerror(code));
	else
		logit(LOG_CRIT, "fatal: %s", buf);
	exit(1);
}

void
fatal(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vfatalc(errno, emsg, ap);
	va_end(ap);
}

void
fatalx(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vfatalc(0, emsg, ap);
	va_end(ap);
}
