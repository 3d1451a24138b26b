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

#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "policy.h"
#include "render.h"

/*
 * Strings come from the operator's configuration, but none of them may
 * break the script around it: control characters (a newline above all)
 * are refused in every format; GRUB text is escaped with backslashes and
 * quotes; iPXE and PXELINUX have no escapes, so what they would misread
 * (an iPXE "&&" word, a blank inside a path) is refused too.  A refusal
 * is -1 with errno EINVAL, a buffer too small -1 with ENOSPC.
 */

struct out {
	char	*buf;
	size_t	 len;
	size_t	 off;
	int	 err;
};

#define NO_CONFIG	"No boot configuration for this client"
#define GRUB_SPECIAL	"\"'\\$;|&<>{}#"

static const char *pattern_prefix(const char *, size_t *, int *);
static void	 out_raw(struct out *, const char *, size_t);
static void	 out_str(struct out *, const char *);
static void	 out_fmt(struct out *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static const char *field(struct out *, const char *, size_t);
static const char *ipxe_field(struct out *, const char *, size_t, int);
static const char *pxelinux_path(struct out *, const char *, size_t);
static void	 grub_quoted(struct out *, const char *, size_t);
static void	 grub_words(struct out *, const char *, size_t, int);
static void	 grub_path(struct out *, const char *, size_t);
static void	 render_ipxe(struct out *, const struct netboot_conf *,
		    const struct menu *, const struct boot_settings *);
static void	 ipxe_entry(struct out *, const struct menu_entry *, size_t);
static void	 render_grub(struct out *, const struct netboot_conf *,
		    const struct menu *, const struct boot_settings *);
static void	 grub_entry(struct out *, const struct menu_entry *);
static void	 render_pxelinux(struct out *, const struct netboot_conf *,
		    const struct menu *, const struct boot_settings *);
static void	 pxelinux_entry(struct out *, const struct menu_entry *,
		    size_t);

/*
 * An exact path wins; otherwise the longest pattern that matches, so
 * that a pattern for one group of clients can sit beside a wider one in
 * any order.  Leading slashes are not significant on either side.
 */
const struct script_conf *
script_lookup(const struct daemon_conf *dc, const char *path)
{
	const struct script_conf	*best = NULL;
	const char			*p;
	size_t				 i, n, plen, bestlen = 0;
	int				 wild;

	while (*path == '/')
		path++;
	n = dc->nscripts < NB_MAXSCRIPTS ? dc->nscripts : NB_MAXSCRIPTS;
	for (i = 0; i < n; i++) {
		p = pattern_prefix(dc->scripts[i].path, &plen, &wild);
		if (!wild) {
			if (strlen(path) == plen &&
			    strncmp(p, path, plen) == 0)
				return &dc->scripts[i];
			continue;
		}
		if (strncmp(p, path, plen) == 0 &&
		    (best == NULL || plen > bestlen)) {
			best = &dc->scripts[i];
			bestlen = plen;
		}
	}
	return best;
}

ssize_t
render_script(enum script_format fmt, const struct netboot_conf *conf,
    const struct boot_settings *d, const struct client_facts *facts,
    char *buf, size_t len)
{
	struct out		 o = { buf, len, 0, 0 };
	const struct menu	*m;
	const struct menu_entry	*entries;

	(void)facts;	/* one script per decision, whoever asks */
	if (len == 0) {
		errno = ENOSPC;
		return -1;
	}
	buf[0] = '\0';
	m = policy_menu(conf, d, &entries);
	switch (fmt) {
	case SCRIPT_IPXE:
		render_ipxe(&o, conf, m, d);
		break;
	case SCRIPT_GRUB:
		render_grub(&o, conf, m, d);
		break;
	case SCRIPT_PXELINUX:
		render_pxelinux(&o, conf, m, d);
		break;
	default:
		o.err = EINVAL;
		break;
	}
	if (o.err != 0) {
		buf[0] = '\0';
		errno = o.err;
		return -1;
	}
	return o.off;
}

/*
 * The part of a configured path before its '*' (or all of it) without
 * leading slashes; *plen is its length, *wild says whether it had a '*'.
 */
static const char *
pattern_prefix(const char *path, size_t *plen, int *wild)
{
	size_t	 n;

	n = strnlen(path, NB_PATHLEN);
	while (n > 0 && *path == '/') {
		path++;
		n--;
	}
	*wild = n > 0 && path[n - 1] == '*';
	*plen = *wild ? n - 1 : n;
	return path;
}

static void
out_raw(struct out *o, const char *s, size_t n)
{
	if (o->err != 0)
		return;
	if (n >= o->len - o->off) {
		o->err = ENOSPC;
		return;
	}
	memcpy(o->buf + o->off, s, n);
	o->off += n;
	o->buf[o->off] = '\0';
}

static void
out_str(struct out *o, const char *s)
{
	out_raw(o, s, strlen(s));
}

static void
out_fmt(struct out *o, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (o->err != 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n < 0)
		o->err = EINVAL;
	else if ((size_t)n >= o->len - o->off) {
		o->buf[o->off] = '\0';
		o->err = ENOSPC;
	} else
		o->off += n;
}

/* A NUL-terminated field without control characters, or NULL. */
static const char *
field(struct out *o, const char *s, size_t size)
{
	size_t	 i;

	for (i = 0; i < size && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			break;
	if (i == size || s[i] != '\0') {
		if (o->err == 0)
			o->err = EINVAL;
		return NULL;
	}
	return s;
}

/*
 * iPXE splits a line at blanks and has no quoting: a word "||", "&&" or
 * ";" would end the command and a word starting with '#' the line.  A
 * path must be one word, and not start with '-' (an option).
 */
static const char *
ipxe_field(struct out *o, const char *s, size_t size, int path)
{
	const char	*w;
	size_t		 n;

	if ((s = field(o, s, size)) == NULL)
		return NULL;
	if (path && (s[0] == '-' || strpbrk(s, " \t") != NULL))
		goto bad;
	for (w = s; *w != '\0'; w += n) {
		w += strspn(w, " \t");
		n = strcspn(w, " \t");
		if (n == 0)
			break;
		if (w[0] == '#' || (n == 2 && (strncmp(w, "||", 2) == 0 ||
		    strncmp(w, "&&", 2) == 0)) || (n == 1 && w[0] == ';'))
			goto bad;
	}
	return s;
 bad:
	if (o->err == 0)
		o->err = EINVAL;
	return NULL;
}

/* PXELINUX takes a path up to the first blank and has no escapes. */
static const char *
pxelinux_path(struct out *o, const char *s, size_t size)
{
	if ((s = field(o, s, size)) == NULL)
		return NULL;
	if (strpbrk(s, " \t") != NULL) {
		if (o->err == 0)
			o->err = EINVAL;
		return NULL;
	}
	return s;
}

/* A GRUB double-quoted string: \ keeps its meaning before " \ and $. */
static void
grub_quoted(struct out *o, const char *s, size_t size)
{
	if ((s = field(o, s, size)) == NULL)
		return;
	out_str(o, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '$')
			out_str(o, "\\");
		out_raw(o, s, 1);
	}
	out_str(o, "\"");
}

/*
 * Unquoted GRUB words, each special character escaped; blanks separate
 * words unless one_word, so a kernel command line keeps its arguments.
 */
static void
grub_words(struct out *o, const char *s, size_t size, int one_word)
{
	if ((s = field(o, s, size)) == NULL)
		return;
	for (; *s != '\0'; s++) {
		if (strchr(GRUB_SPECIAL, *s) != NULL ||
		    (one_word && (*s == ' ' || *s == '\t')))
			out_str(o, "\\");
		out_raw(o, s, 1);
	}
}

/* GRUB wants an absolute path: relative ones start at the root device. */
static void
grub_path(struct out *o, const char *s, size_t size)
{
	if (s[0] != '/' && s[0] != '(')
		out_str(o, "/");
	grub_words(o, s, size, 1);
}

static void
render_ipxe(struct out *o, const struct netboot_conf *conf,
    const struct menu *m, const struct boot_settings *d)
{
	const char	*s;
	size_t		 i;

	out_str(o, "#!ipxe\n");
	if (m == NULL && (d->set & SET_BOOTFILE) && d->bootfile[0] != '\0') {
		if ((s = ipxe_field(o, d->bootfile, sizeof(d->bootfile),
		    1)) != NULL)
			out_fmt(o, "chain %s\n", s);
		return;
	}
	if (m == NULL) {
		out_str(o, "echo " NO_CONFIG "\nexit\n");
		return;
	}
	if ((s = ipxe_field(o, m->prompt, sizeof(m->prompt), 0)) == NULL)
		return;
	if (s[0] == '-') {
		o->err = EINVAL;
		return;
	}
	out_fmt(o, "menu%s%s\n", s[0] != '\0' ? " " : "", s);
	for (i = 0; i < m->nentries; i++) {
		s = ipxe_field(o, conf->entries[m->first_entry + i].label,
		    NB_NAMELEN, 0);
		if (s != NULL)
			out_fmt(o, "item e%zu %s\n", i + 1, s);
	}
	out_str(o, "choose");
	if (m->timeout > 0)
		out_fmt(o, " --timeout %llu",
		    (unsigned long long)m->timeout * 1000);
	out_str(o, " --default e1 selected && goto ${selected}\nexit\n");
	for (i = 0; i < m->nentries; i++)
		ipxe_entry(o, &conf->entries[m->first_entry + i], i + 1);
}

/* Paths as given: iPXE resolves them against the script's own URL. */
static void
ipxe_entry(struct out *o, const struct menu_entry *e, size_t n)
{
	const char	*kernel, *initrd, *append;

	out_fmt(o, ":e%zu\n", n);
	if (e->local) {
		out_str(o, "exit\n");
		return;
	}
	kernel = ipxe_field(o, e->kernel, sizeof(e->kernel), 1);
	initrd = ipxe_field(o, e->initrd, sizeof(e->initrd), 1);
	append = ipxe_field(o, e->append, sizeof(e->append), 0);
	if (kernel == NULL || initrd == NULL || append == NULL)
		return;
	if (kernel[0] == '\0') {
		o->err = EINVAL;
		return;
	}
	out_fmt(o, "kernel %s%s%s\n", kernel, append[0] != '\0' ? " " : "",
	    append);
	if (initrd[0] != '\0')
		out_fmt(o, "initrd %s\n", initrd);
	out_str(o, "boot\n");
}

static void
render_grub(struct out *o, const struct netboot_conf *conf,
    const struct menu *m, const struct boot_settings *d)
{
	size_t	 i;

	if (m == NULL && (d->set & SET_BOOTFILE) && d->bootfile[0] != '\0') {
		out_str(o, "chainloader ");
		grub_path(o, d->bootfile, sizeof(d->bootfile));
		out_str(o, "\nboot\n");
		return;
	}
	if (m == NULL) {
		out_str(o, "echo \"" NO_CONFIG "\"\nexit\n");
		return;
	}
	/* GRUB waits for ever on -1 and boots at once on 0. */
	out_str(o, "set default=0\n");
	if (m->timeout > 0)
		out_fmt(o, "set timeout=%u\n", m->timeout);
	else
		out_str(o, "set timeout=-1\n");
	for (i = 0; i < m->nentries; i++)
		grub_entry(o, &conf->entries[m->first_entry + i]);
}

static void
grub_entry(struct out *o, const struct menu_entry *e)
{
	out_str(o, "menuentry ");
	grub_quoted(o, e->label, sizeof(e->label));
	out_str(o, " {\n");
	if (e->local) {
		out_str(o, "\texit\n}\n");
		return;
	}
	if (e->kernel[0] == '\0') {
		o->err = EINVAL;
		return;
	}
	out_str(o, "\tlinux ");
	grub_path(o, e->kernel, sizeof(e->kernel));
	if (e->append[0] != '\0') {
		out_str(o, " ");
		grub_words(o, e->append, sizeof(e->append), 0);
	}
	out_str(o, "\n");
	if (e->initrd[0] != '\0') {
		out_str(o, "\tinitrd ");
		grub_path(o, e->initrd, sizeof(e->initrd));
		out_str(o, "\n");
	}
	out_str(o, "}\n");
}

/*
 * The plain boot: prompt without menu.c32.  Entries are numbered labels
 * the user types, listed with SAY; TIMEOUT is in tenths of a second and
 * 0 waits for ever.
 */
static void
render_pxelinux(struct out *o, const struct netboot_conf *conf,
    const struct menu *m, const struct boot_settings *d)
{
	const char	*s;
	size_t		 i;

	if (m == NULL && (d->set & SET_BOOTFILE) && d->bootfile[0] != '\0') {
		if ((s = pxelinux_path(o, d->bootfile,
		    sizeof(d->bootfile))) != NULL)
			out_fmt(o, "DEFAULT chain\nLABEL chain\n\tKERNEL %s\n",
			    s);
		return;
	}
	if (m == NULL) {
		out_str(o, "SAY " NO_CONFIG "\nDEFAULT local\nLABEL local\n"
		    "\tLOCALBOOT 0\n");
		return;
	}
	if ((s = field(o, m->prompt, sizeof(m->prompt))) == NULL)
		return;
	if (s[0] != '\0')
		out_fmt(o, "SAY %s\n", s);
	for (i = 0; i < m->nentries; i++) {
		s = field(o, conf->entries[m->first_entry + i].label,
		    NB_NAMELEN);
		if (s != NULL)
			out_fmt(o, "SAY %zu: %s\n", i + 1, s);
	}
	out_fmt(o, "DEFAULT 1\nPROMPT 1\nTIMEOUT %llu\n",
	    (unsigned long long)m->timeout * 10);
	for (i = 0; i < m->nentries; i++)
		pxelinux_entry(o, &conf->entries[m->first_entry + i], i + 1);
}

static void
pxelinux_entry(struct out *o, const struct menu_entry *e, size_t n)
{
	const char	*kernel, *initrd, *append;

	out_fmt(o, "LABEL %zu\n", n);
	if (e->local) {
		out_str(o, "\tLOCALBOOT 0\n");
		return;
	}
	kernel = pxelinux_path(o, e->kernel, sizeof(e->kernel));
	initrd = pxelinux_path(o, e->initrd, sizeof(e->initrd));
	append = field(o, e->append, sizeof(e->append));
	if (kernel == NULL || initrd == NULL || append == NULL)
		return;
	if (kernel[0] == '\0') {
		o->err = EINVAL;
		return;
	}
	out_fmt(o, "\tKERNEL %s\n", kernel);
	if (initrd[0] != '\0')
		out_fmt(o, "\tAPPEND initrd=%s%s%s\n", initrd,
		    append[0] != '\0' ? " " : "", append);
	else if (append[0] != '\0')
		out_fmt(o, "\tAPPEND %s\n", append);
}
