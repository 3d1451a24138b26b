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

#ifndef NB_LOG_H
#define NB_LOG_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif

/*
 * With debug set, log to stderr.  Otherwise the parent logs to the
 * journal, with the fields below, or when there is none to stderr with
 * <N> priority prefixes when $JOURNAL_STREAM says stderr is the journal,
 * or to syslog; an engine hands its lines to the parent (log.c).
 */
#define LOG_CHUNK	16384	/* bytes of records a message, at most */

void		 log_init(int, int);
void		 log_to_parent(void (*)(const void *, size_t));
void		 log_mac_lookup(int (*)(const char *, char *, size_t));
void		 log_hold(void);
void		 log_flush(void);
void		 log_procinit(const char *);
void		 log_setverbose(int);
int		 log_getverbose(void);
void		 log_warn(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 log_warnx(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 log_info(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 log_debug(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 logit(int, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
void		 vlog(int, const char *, va_list)
		    __attribute__((__format__ (printf, 2, 0)));
/*
 * What a line about a client says of it, for the journal's fields
 * (CLIENT_MAC, CLIENT_IP, CLIENT_ARCH, FILE, BYTES, DURATION_MS); NULL
 * or a clear flag for what is not known.  Other outputs print the line
 * alone, which says the same in words.
 */
#define LOG_F_BYTES	0x1
#define LOG_F_MS	0x2
struct log_fields {
	const char	*mac;
	const char	*ip;
	const char	*arch;
	const char	*file;
	uint64_t	 bytes;
	uint64_t	 ms;
	int		 has;
};
int		 log_wants_fields(void);
void		 log_client(int, const struct log_fields *, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
void		 vlog_client(int, const struct log_fields *, const char *,
		    va_list)
		    __attribute__((__format__ (printf, 3, 0)));
/* An engine's line, checked and taken apart by the parent. */
struct log_record {
	int		 pri;
	const char	*message;
	struct log_fields f;
};
const char	*log_record_parse(char *, size_t, struct log_record *);
int		 log_records(uint8_t *, size_t, pid_t, const char **);

__dead void	 fatal(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
__dead void	 fatalx(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));

#endif /* NB_LOG_H */
