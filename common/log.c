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
 * Logging for the parent and the engine.  Where a line goes:
 *
 *	-d		stderr, plain, from both processes;
 *	the journal	the parent sends each line with its fields by the
 *			journal's native protocol; an engine, chrooted
 *			where the journal's socket cannot be reached, sends
 *			its lines to the parent as records (IPC_LOG), and
 *			the parent passes them on;
 *	otherwise	stderr with <N> prefixes when $JOURNAL_STREAM says
 *			stderr is the journal, else syslog, again with the
 *			engine's lines passed on by the parent.
 *
 * A busy engine logs a line per request: it holds its lines, and they
 * leave in one write or one message per turn of the event loop (ev.c
 * flushes before it waits).
 *
 * A record is a 16-bit length in host order, then lines of KEY=value,
 * PRIORITY first and MESSAGE second, each ending in a newline, values of
 * printable ASCII; log_record_parse() checks one for the parent, which
 * treats what the engine sends as hostile.
 */

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"

#define LOG_LINE	1100	/* a message, its prefixes and newline */
#define LOG_HELD	(64 * 1024)
#define LOG_RECORD	2048	/* a record at most, with its fields */

enum log_dest {
	DEST_STDERR,		/* -d, and before log_init() */
	DEST_STREAM,		/* stderr that is the journal: <N> */
	DEST_JOURNAL,		/* the native protocol (the parent) */
	DEST_SYSLOG,
	DEST_PARENT		/* records to the parent (an engine) */
};

static int		 journal_stream_is_stderr(void);
static void		 log_out(const char *, size_t);
static void		 log_emit(int, const char *, pid_t,
			    const struct log_fields *);
static size_t		 record_make(char *, size_t, int, const char *,
			    const struct log_fields *);
static size_t		 record_field(char *, size_t, size_t, const char *,
			    const char *);
static void		 syslog_open(void);

static enum log_dest	 dest = DEST_STDERR;
static int		 facility = LOG_DAEMON;
static int		 syslog_opened;
static int		 verbose;
static const char	*log_procname;
static int		 log_holding;
static char		 held[LOG_HELD];
static size_t		 nheld;
static void		(*sink)(const void *, size_t);
static int		(*mac_lookup)(const char *, char *, size_t);

void
log_init(int debug, int fac)
{
	facility = fac;
	if (debug)
		dest = DEST_STDERR;
	else if (journal_present())
		dest = DEST_JOURNAL;
	else if (journal_stream_is_stderr())
		dest = DEST_STREAM;
	else {
		dest = DEST_SYSLOG;
		syslog_open();
	}
	tzset();
}

/* Opened at once, so that it survives a chroot. */
static void
syslog_open(void)
{
	extern char	*__progname;

	if (syslog_opened)
		return;
	openlog(__progname, LOG_PID | LOG_NDELAY, facility);
	syslog_opened = 1;
}

/*
 * An engine that does not log to stderr hands its lines to the parent:
 * fn gets whole records, at most LOG_CHUNK bytes at a time.
 */
void
log_to_parent(void (*fn)(const void *, size_t))
{
	if (dest == DEST_STDERR)
		return;
	if (syslog_opened) {
		closelog();
		syslog_opened = 0;
	}
	sink = fn;
	dest = DEST_PARENT;
}

/* How the parent finds the MAC of a client address for the journal. */
void
log_mac_lookup(int (*fn)(const char *, char *, size_t))
{
	mac_lookup = fn;
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
	char	 msg[1024], line[LOG_LINE], pfx[8] = "";
	int	 saved_errno = errno, n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (dest == DEST_STREAM)
		snprintf(pfx, sizeof(pfx), "<%d>", LOG_PRI(pri));
	if (dest == DEST_STDERR || dest == DEST_STREAM)
		n = snprintf(line, sizeof(line), "%s%s%s%s\n", pfx,
		    log_procname != NULL ? log_procname : "",
		    log_procname != NULL ? ": " : "", msg);
	else
		n = snprintf(line, sizeof(line), "%s%s%s",
		    log_procname != NULL ? log_procname : "",
		    log_procname != NULL ? ": " : "", msg);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		if (dest == DEST_STDERR || dest == DEST_STREAM)
			line[n - 1] = '\n';
	}
	switch (dest) {
	case DEST_STDERR:
	case DEST_STREAM:
		log_out(line, n);
		break;
	case DEST_PARENT:
		if (nheld + LOG_RECORD > sizeof(held))
			log_flush();
		nheld += record_make(held + nheld, sizeof(held) - nheld, pri,
		    line, f);
		if (!log_holding)
			log_flush();
		break;
	default:
		log_emit(pri, line, getpid(), f);
		break;
	}
	errno = saved_errno;
}

/* Whether a line's fields go anywhere: not to stderr. */
int
log_wants_fields(void)
{
	return dest != DEST_STDERR && dest != DEST_STREAM;
}

/* The parent's own lines and those it passes on for its engine. */
static void
log_emit(int pri, const char *line, pid_t pid, const struct log_fields *f)
{
	extern char		*__progname;
	struct log_fields	 ff;
	char			 mac[64];

	if (dest == DEST_JOURNAL) {
		if (f != NULL && f->mac == NULL && f->ip != NULL &&
		    mac_lookup != NULL && mac_lookup(f->ip, mac,
		    sizeof(mac)) == 1) {
			ff = *f;
			ff.mac = mac;
			f = &ff;
		}
		if (journal_send(pri, __progname, pid, line, f) == 0)
			return;
		syslog_open();		/* the journal is gone: say it there */
	}
	if (dest == DEST_STREAM) {
		fprintf(stderr, "<%d>%s\n", LOG_PRI(pri), line);
		return;
	}
	if (dest == DEST_STDERR) {
		fprintf(stderr, "%s\n", line);
		return;
	}
	syslog_open();
	syslog(pri, "%s", line);
}

/* "KEY=value\n", made printable; returns the new offset. */
static size_t
record_field(char *rec, size_t size, size_t off, const char *key,
    const char *value)
{
	size_t	 i, start;
	int	 n;

	if (value == NULL)
		return off;
	n = snprintf(rec + off, size - off, "%s=%s\n", key, value);
	if (n < 0 || (size_t)n >= size - off)
		return off;
	start = off + strlen(key) + 1;
	for (i = start; i < off + n - 1; i++)
		if (rec[i] < 0x20 || rec[i] > 0x7e)
			rec[i] = '?';
	return off + n;
}

/* One record into buf, which has LOG_RECORD bytes at least. */
static size_t
record_make(char *buf, size_t size, int pri, const char *line,
    const struct log_fields *f)
{
	char		 num[24], *rec = buf + sizeof(uint16_t);
	size_t		 off = 0, max = size - sizeof(uint16_t);
	uint16_t	 len;

	if (max > LOG_RECORD)
		max = LOG_RECORD;
	snprintf(num, sizeof(num), "%d", LOG_PRI(pri));
	off = record_field(rec, max, off, "PRIORITY", num);
	off = record_field(rec, max, off, "MESSAGE", line);
	if (f != NULL) {
		off = record_field(rec, max, off, "CLIENT_MAC", f->mac);
		off = record_field(rec, max, off, "CLIENT_IP", f->ip);
		off = record_field(rec, max, off, "CLIENT_ARCH", f->arch);
		off = record_field(rec, max, off, "FILE", f->file);
		if (f->has & LOG_F_BYTES) {
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)f->bytes);
			off = record_field(rec, max, off, "BYTES", num);
		}
		if (f->has & LOG_F_MS) {
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)f->ms);
			off = record_field(rec, max, off, "DURATION_MS", num);
		}
	}
	len = off;
	memcpy(buf, &len, sizeof(len));
	return sizeof(len) + off;
}

/*
 * Checks one record of an engine and fills r with pointers into it,
 * which the caller keeps writable: the newlines become NULs.  Returns
 * NULL or what is wrong.
 */
const char *
log_record_parse(char *rec, size_t len, struct log_record *r)
{
	static const char *const keys[] = { "CLIENT_MAC", "CLIENT_IP",
	    "CLIENT_ARCH", "FILE", "BYTES", "DURATION_MS" };
	const char	*errstr;
	char		*line, *eq, *end = rec + len;
	size_t		 i, nlines = 0;
	uint32_t	 seen = 0;

	memset(r, 0, sizeof(*r));
	if (len == 0 || rec[len - 1] != '\n')
		return "record not ended by a newline";
	for (line = rec; line < end; line = eq + strlen(eq) + 1) {
		if ((eq = memchr(line, '\n', end - line)) == NULL)
			return "record not ended by a newline";
		*eq = '\0';
		for (i = 0; line[i] != '\0'; i++)
			if (line[i] < 0x20 || line[i] > 0x7e)
				return "unprintable byte in a record";
		if ((eq = strchr(line, '=')) == NULL)
			return "record line without a '='";
		*eq++ = '\0';
		if (nlines == 0 || nlines == 1) {
			if (strcmp(line, nlines ? "MESSAGE" : "PRIORITY") != 0)
				return "record without PRIORITY and MESSAGE";
			if (nlines == 0) {
				r->pri = strtonum(eq, 0, 7, &errstr);
				if (errstr != NULL)
					return "bad PRIORITY in a record";
			} else
				r->message = eq;
			nlines++;
			continue;
		}
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(line, keys[i]) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return "unknown field in a record";
		if (seen & (1U << i))
			return "field given twice in a record";
		seen |= 1U << i;
		nlines++;
		switch (i) {
		case 0:
			r->f.mac = eq;
			break;
		case 1:
			r->f.ip = eq;
			break;
		case 2:
			r->f.arch = eq;
			break;
		case 3:
			r->f.file = eq;
			break;
		case 4:
		case 5:
			if (i == 4)
				r->f.bytes = strtonum(eq, 0, LLONG_MAX,
				    &errstr);
			else
				r->f.ms = strtonum(eq, 0, LLONG_MAX, &errstr);
			if (errstr != NULL)
				return "bad number in a record";
			r->f.has |= i == 4 ? LOG_F_BYTES : LOG_F_MS;
			break;
		}
	}
	if (nlines < 2)
		return "record without PRIORITY and MESSAGE";
	return NULL;
}

/*
 * The parent passes on an engine's records: -1 with errno EBADMSG and
 * *errstr set when a record is malformed, and none after it is.
 */
int
log_records(uint8_t *buf, size_t len, pid_t pid, const char **errstr)
{
	struct log_record	 r;
	uint16_t		 rlen;
	size_t			 off = 0;

	while (off < len) {
		if (len - off < sizeof(rlen)) {
			*errstr = "record cut short";
			errno = EBADMSG;
			return -1;
		}
		memcpy(&rlen, buf + off, sizeof(rlen));
		off += sizeof(rlen);
		if (rlen > len - off || rlen > LOG_RECORD) {
			*errstr = "record longer than its message";
			errno = EBADMSG;
			return -1;
		}
		if ((*errstr = log_record_parse((char *)buf + off, rlen,
		    &r)) != NULL) {
			errno = EBADMSG;
			return -1;
		}
		log_emit(r.pri, r.message, pid, &r.f);
		off += rlen;
	}
	return 0;
}

void
log_hold(void)
{
	if (!log_holding)
		atexit(log_flush);
	log_holding = 1;
}

/* Records leave whole, LOG_CHUNK bytes at most a message. */
void
log_flush(void)
{
	size_t		 off = 0, chunk;
	uint16_t	 rlen;
	ssize_t		 n;

	if (dest == DEST_PARENT) {
		while (off < nheld) {
			for (chunk = 0; off + chunk < nheld;
			    chunk += sizeof(rlen) + rlen) {
				memcpy(&rlen, held + off + chunk, sizeof(rlen));
				if (chunk + sizeof(rlen) + rlen > LOG_CHUNK)
					break;
			}
			if (chunk == 0)
				break;	/* cannot be: records are small */
			sink(held + off, chunk);
			off += chunk;
		}
		nheld = 0;
		return;
	}
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

static __dead __attribute__((__format__ (printf, 2, 0))) void
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
