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
 * Checks of control records, for whoever receives them: the parent
 * checks what its engine reports, netbootctl what a parent answers.
 * Each returns NULL or why the record is bad; none looks further than
 * the record itself.
 */

#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "ipc.h"

#define TERMINATED(s)	(memchr((s), '\0', sizeof(s)) != NULL)

_Static_assert(sizeof(struct ctl_session) <= IPC_MAXDATA,
    "a session must fit a message");

/* [a-z][a-z0-9_]*, terminated within size. */
int
ctl_name_ok(const char *s, size_t size)
{
	size_t	 i;

	if (memchr(s, '\0', size) == NULL)
		return 0;
	if (s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Printable ASCII, terminated within size. */
int
ctl_text_ok(const char *s, size_t size)
{
	size_t	 i;

	if (memchr(s, '\0', size) == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* Printable ASCII without the quote and backslash of Prometheus. */
int
ctl_label_ok(const char *s, size_t size)
{
	return ctl_text_ok(s, size) && strpbrk(s, "\"\\") == NULL;
}

const char *
ctl_check_counter(const struct ctl_counter *c)
{
	if (!ctl_name_ok(c->name, sizeof(c->name)))
		return "counter: bad name";
	if (!TERMINATED(c->key))
		return "counter: label name not terminated";
	if (c->key[0] == '\0') {
		if (!TERMINATED(c->value) || c->value[0] != '\0')
			return "counter: label value without a name";
		return NULL;
	}
	if (!ctl_name_ok(c->key, sizeof(c->key)))
		return "counter: bad label name";
	if (!ctl_label_ok(c->value, sizeof(c->value)))
		return "counter: bad label value";
	return NULL;
}

const char *
ctl_check_session(const struct ctl_session *s)
{
	if (s->kind == CTL_K_NONE || s->kind > CTL_K_MAX)
		return "session: unknown kind";
	if (s->state > CTL_S_MAX)
		return "session: unknown state";
	if (s->af != AF_UNSPEC && s->af != AF_INET && s->af != AF_INET6)
		return "session: bad address family";
	if (s->hwlen > sizeof(s->hwaddr))
		return "session: hardware address too long";
	if (!ctl_text_ok(s->file, sizeof(s->file)) ||
	    !ctl_text_ok(s->detail, sizeof(s->detail)))
		return "session: string not terminated or not printable";
	if ((s->state == CTL_S_ACTIVE) != (s->end == 0))
		return "session: end and state disagree";
	if (s->last < s->start || (s->end != 0 && s->end < s->start))
		return "session: times out of order";
	return NULL;
}

const char *
ctl_check_status(const struct ctl_status *st)
{
	if (st->version != CTL_VERSION)
		return "status: another protocol version";
	if (!ctl_label_ok(st->daemon, sizeof(st->daemon)) ||
	    st->daemon[0] == '\0')
		return "status: bad daemon name";
	if (!ctl_text_ok(st->version_str, sizeof(st->version_str)) ||
	    !ctl_text_ok(st->conffile, sizeof(st->conffile)) ||
	    !ctl_text_ok(st->digest, sizeof(st->digest)))
		return "status: string not terminated";
	return NULL;
}

/*
 * A message of len bytes that holds whole records of size: 1 with their
 * number in *n, at least one and at most what one message can hold.
 */
int
ctl_records(size_t len, size_t size, size_t *n)
{
	if (size == 0 || len == 0 || len % size != 0)
		return 0;
	*n = len / size;
	return 1;
}

/*
 * The n records of a report message (ctl_records() counted them),
 * copied into out and checked: NULL, or why the first bad one is, with
 * *good the records before it.
 */
const char *
ctl_take_counters(const uint8_t *data, size_t n, struct ctl_counter *out,
    size_t *good)
{
	const char	*e;

	for (*good = 0; *good < n; (*good)++) {
		memcpy(&out[*good], data + *good * sizeof(*out),
		    sizeof(*out));
		if ((e = ctl_check_counter(&out[*good])) != NULL)
			return e;
	}
	return NULL;
}

const char *
ctl_take_sessions(const uint8_t *data, size_t n, struct ctl_session *out,
    size_t *good)
{
	const char	*e;

	for (*good = 0; *good < n; (*good)++) {
		memcpy(&out[*good], data + *good * sizeof(*out),
		    sizeof(*out));
		if ((e = ctl_check_session(&out[*good])) != NULL)
			return e;
	}
	return NULL;
}

/*
 * A control client's message, which the parent (root) takes from any
 * member of the control group: CTL_QUERY or CTL_RELOAD with its query
 * in *q, or -1 and why it is refused.  The descriptor and the client's
 * state are the caller's to check.
 */
int
ctl_query_check(const struct ipc_msg *msg, uid_t uid, struct ctl_query *q,
    const char **why)
{
	switch (msg->type) {
	case CTL_QUERY:
		if (ipc_get(msg, q, sizeof(*q)) == -1)
			*why = "query of the wrong size";
		else if (q->version != CTL_VERSION)
			*why = "another protocol version";
		else if (q->what == 0 || (q->what & ~CTL_Q_ALL))
			*why = "query for unknown things";
		else
			return CTL_QUERY;
		return -1;
	case CTL_RELOAD:
		if (ipc_get(msg, q, sizeof(*q)) == -1 || q->what != 0)
			*why = "reload of the wrong form";
		else if (q->version != CTL_VERSION)
			*why = "another protocol version";
		else if (uid != 0)
			*why = "reload is for root only";
		else
			return CTL_RELOAD;
		return -1;
	default:
		*why = "not a query";
		return -1;
	}
}

const char *
ctl_kind_name(unsigned int kind)
{
	switch (kind) {
	case CTL_K_TFTP:
		return "tftp";
	case CTL_K_HTTP:
		return "http";
	case CTL_K_PROXY:
		return "proxy";
	default:
		return "unknown";
	}
}

const char *
ctl_state_name(unsigned int state)
{
	switch (state) {
	case CTL_S_ACTIVE:
		return "active";
	case CTL_S_DONE:
		return "done";
	case CTL_S_FAILED:
		return "failed";
	default:
		return "unknown";
	}
}

/* <dir>/<daemon>.sock, or NULL when it does not fit. */
const char *
ctl_socket_path(const char *dir, const char *daemon, char *buf, size_t len)
{
	int	 n;

	n = snprintf(buf, len, "%s/%s.sock", dir, daemon);
	if (n < 0 || (size_t)n >= len)
		return NULL;
	return buf;
}
