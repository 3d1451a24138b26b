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
 * The parts of an answer that DHCPv4 and DHCPv6 share: the HTTP boot
 * URL, the client's menu, and the strings of the log lines.
 */

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <vis.h>

#include "answer.h"
#include "arch.h"
#include "log.h"

#define REFUSAL_KINDS	16

#define VIS_FLAGS	(VIS_SAFE | VIS_OCTAL | VIS_WHITE | VIS_DQ)

static int	 is_url(const char *);

static int
is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

/*
 * http-server followed by the boot file, one slash between them; a boot
 * file that is itself a URL stands alone.  NULL, or why the client
 * cannot be given a URL: a reason that is always there when the URL is
 * not (the analyser could not tell from a -1 and an out-parameter).
 */
const char *
answer_http_url(char *buf, size_t size, const struct boot_settings *d)
{
	const char	*file = d->bootfile;
	size_t		 slen;
	int		 n;

	if (!(d->set & SET_BOOTFILE) || file[0] == '\0')
		return "no bootfile for this client";
	if (is_url(file))
		n = snprintf(buf, size, "%s", file);
	else {
		if (!(d->set & SET_HTTPSERVER) || d->http_server[0] == '\0')
			return "HTTP boot client but no http-server";
		slen = strnlen(d->http_server, sizeof(d->http_server));
		while (slen > 0 && d->http_server[slen - 1] == '/')
			slen--;
		while (*file == '/')
			file++;
		n = snprintf(buf, size, "%.*s/%s", (int)slen, d->http_server,
		    file);
	}
	if (n < 0 || (size_t)n >= size)
		return "boot URL too long";
	return NULL;
}

const char *
answer_arch(int arch, char *buf, size_t size)
{
	const char	*name;

	if (arch < 0)
		strlcpy(buf, "-", size);
	else if ((name = arch_name(arch)) != NULL)
		strlcpy(buf, name, size);
	else
		snprintf(buf, size, "%d", arch);
	return buf;
}

/*
 * An answer as netbootctl shows it, and the journal: whom (MAC, address
 * of family af or none, architecture or -1), what (the boot file or URL,
 * already made safe) and how ("offer redirect").
 */
void
answer_session(struct ctl_session *s, const struct answer_in *in,
    const uint8_t *hw, size_t hwlen, int arch, int af, const void *addr,
    const char *file, const char *type, const char *mode)
{
	memset(s, 0, sizeof(*s));
	s->kind = CTL_K_PROXY;
	s->state = CTL_S_DONE;
	s->start = s->last = s->end = in->now;
	s->size = CTL_SIZE_NONE;
	s->arch = arch >= 0 && arch < CTL_ARCH_NONE ? arch : CTL_ARCH_NONE;
	if (hwlen > 0 && hwlen <= sizeof(s->hwaddr)) {
		s->hwlen = hwlen;
		memcpy(s->hwaddr, hw, hwlen);
	}
	if (af == AF_INET || af == AF_INET6) {
		s->af = af;
		memcpy(s->addr, addr, af == AF_INET ? 4 : 16);
	}
	strlcpy(s->file, file, sizeof(s->file));
	snprintf(s->detail, sizeof(s->detail), "%s %s", type, mode);
}

/* A client's bytes made safe to log; cut to what fits, never refused. */
void
answer_vis(char *dst, size_t size, const void *src, size_t len)
{
	if (size == 0)
		return;
	if (len > (size - 1) / 4)
		len = (size - 1) / 4;
	strvisx(dst, src, len, VIS_FLAGS);
	if (dst[0] == '\0')
		strlcpy(dst, "-", size);
}

/*
 * A refusal of abuse, by reason (a string constant): the first in a
 * second is logged with what follows it, the others are counted and
 * their number told in the next line of that reason.
 */
void
answer_refused(uint64_t now, const char *why, const char *fmt, ...)
{
	static struct {
		const char	*why;
		struct loglimit	 ll;
	}		 kinds[REFUSAL_KINDS];
	char		 msg[512];
	unsigned long	 missed;
	va_list		 ap;
	size_t		 i;

	for (i = 0; i < REFUSAL_KINDS - 1; i++)
		if (kinds[i].why == why || kinds[i].why == NULL)
			break;
	kinds[i].why = why;
	if (!loglimit_pass(&kinds[i].ll, now, &missed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (missed > 0)
		log_info("refused %s reason=\"%s\" (and %lu more in the last "
		    "second)", msg, why, missed);
	else
		log_info("refused %s reason=\"%s\"", msg, why);
}
