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
 * netboot.conf(5): a lexer and a grammar in the manner of OpenBSD's
 * parse.y files.  Newlines mean nothing; macros are expanded by the lexer
 * and their values lexed again.  Every error is collected with its line
 * and the parse goes on where the grammar allows, so that one run of -n
 * shows them all, sorted by line.
 */

%{
#include <sys/queue.h>
#include <sys/types.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <vis.h>

#include "addr.h"
#include "arch.h"
#include "conf.h"
#include "log.h"

#define MAXTOKEN	8192		/* longest string or word */
#define QUOTELEN	64		/* of a bad value shown in a message */
#define DONE_EXPAND	(-2)		/* end of a macro's value */
#define EXPANDED	(-1)		/* lex_macro(): read on */

/* Where a `menu NAME' setting lands once the menus are known. */
#define REF_NONE	INT_MIN		/* a duplicate block: check only */
#define REF_DAEMON(d)	(-1 - (int)(d))

/* The blocks a statement is valid in. */
#define B_TFTPD		(1U << NB_TFTPD)
#define B_HTTPBOOTD	(1U << NB_HTTPBOOTD)
#define B_PROXY		(1U << NB_DHCPD_PROXY)
#define B_ALL		(B_TFTPD | B_HTTPBOOTD | B_PROXY)

/* The knobs of a daemon block, each given at most once. */
enum knob {
	K_ROOT, K_USER, K_CHROOT, K_BLKSIZE, K_WINDOWSIZE, K_SESSIONS,
	K_CONNECTIONS, K_PERCLIENT, K_TIMEOUT, K_THEADER, K_TIDLE, K_TSEND,
	K_RETRIES, K_CACHECONTROL, K_RATELIMIT, K_BURST, K_HISTORY, K_RLADDR,
	K_SPERCLIENT, K_LIFETIME
};

/* The statements of the control block, each given at most once. */
#define C_DIRECTORY	0x1
#define C_GROUP		0x2

/* The longest socket name that goes after the control directory. */
#define CTL_SOCKNAME_MAX	(sizeof("/dhcpd-proxy.sock") - 1)

/* The lines of a menu entry, each given at most once. */
#define E_KERNEL	0x1
#define E_INITRD	0x2
#define E_APPEND	0x4

/* The value of a STRING or NUMBER token: NUMBERs keep their text too. */
struct tok {
	char		*s;
	int64_t		 n;
	int		 line;
};

struct macro {
	STAILQ_ENTRY(macro) entry;
	char		*name;
	char		*value;
};

struct menuref {
	char		 name[NB_NAMELEN];
	int		 target;	/* rule index, REF_DAEMON or REF_NONE */
	int		 line;
};

struct conferr {
	int		 line;
	size_t		 seq;
	char		*msg;
};

static int	 yylex(void);
static void	 yyerror(const char *);

static void	 conferr(int, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static void	 errors_flush(void);
static int	 errcmp(const void *, const void *);
static const char *quote(const char *);

static int	 lgetc(void);
static int	 lungetc(int);
static int	 lex_string(int);
static int	 lex_word(int, int);
static int	 lex_macro(int);
static int	 lex_value(int, const char *, int);
static int	 iswordchar(int);
static int	 kw_lookup(const char *);

static void	 macro_set(struct tok *, struct tok *);
static const char *macro_get(const char *);
static void	 macros_free(void);

static int	 str(char *, size_t, const struct tok *, const char *, int);
static int	 num(const struct tok *, const char *, int64_t, int64_t,
		    uint32_t *);
static int	 in_block(int, const char *, unsigned int);
static int	 knob(int, const char *, unsigned int, enum knob);
static int	 setting_once(int, const char *, uint32_t);
static int	 crit_once(int, const char *, uint32_t);
static int	 parse_addr(const struct tok *, struct nb_addr *);
static int	 parse_subnet(const struct tok *, struct nb_prefix *);
static int	 parse_uuid(const char *, uint8_t *);

static void	 daemon_begin(enum nb_daemon, int);
static void	 control_begin(int);
static int	 control_once(int, const char *, uint32_t);
static void	 control_directory(struct tok *, int);
static void	 control_group(struct tok *, int);
static void	 listen_add(struct tok *, struct tok *, int, int);
static int	 proxy_listen(const struct tok *, const struct tok *, int,
		    int);
static void	 script_add(struct tok *, struct tok *, int, int);
static void	 type_add(struct tok *, struct tok *, int);
static void	 relay_add(struct tok *, struct tok *, int);
static void	 set_ratelimit(const struct tok *);
static int	 parse_relay(const struct tok *, struct nb_prefix *);
static void	 set_menu(struct tok *);
static void	 set_httpserver(struct tok *);
static void	 set_pxe(struct tok *);
static void	 menu_begin(struct tok *);
static void	 menu_end(void);
static void	 menu_prompt(struct tok *, struct tok *, int);
static void	 entry_begin(struct tok *);
static void	 entry_end(void);
static void	 entry_field(char *, size_t, struct tok *, const char *,
		    uint32_t, int);
static void	 match_begin(int);
static void	 match_end(void);
static void	 match_arch(struct tok *, int);
static void	 refs_resolve(void);

static struct {
	FILE		*fp;
	const char	*path;
	int		 lineno;
	int		 lastc;		/* last character read from the file */
	int		*pushback;
	size_t		 npushback;
	size_t		 pushbacksize;
	int		 expanding;	/* reading a macro's value */
	int		 reported;	/* the lexer reported this ERROR */
	int		 tokline;	/* of the token last returned */
	int		 tokeof;
	char		 toktext[QUOTELEN + 1];
} lex;

static struct netboot_conf	*conf;
static STAILQ_HEAD(, macro)	 macros = STAILQ_HEAD_INITIALIZER(macros);
static struct conferr		*errs;
static size_t			 nerrs;
static int			 nomem;
static struct menuref		*refs;
static size_t			 nrefs;

/* The daemon block being read; a duplicate block goes to scratch. */
static enum nb_daemon		 curd;
static struct daemon_conf	*dc;
static struct daemon_conf	 scratch;
static uint32_t			 knobs;

/* The control block being read; a duplicate goes to its scratch. */
static struct control_conf	*cc;
static struct control_conf	 cscratch;
static uint32_t			 cknobs;

/* Where settings go: a block's defaults or the rule being read. */
static struct boot_settings	*bset;
static int			 bset_target;

static struct rule		 rule;
static size_t			 rule_nerrs;	/* errors before the rule */
static size_t			 curmenu;
static int			 prompted;
static struct menu_entry	 entry;
static int			 entry_line;
static uint32_t			 entry_seen;
%}

%union {
	struct tok	 t;
	int		 line;
}

%token	<line>	ADDRESS APPEND ARCH BLKSIZE BOOTFILE BURST CACHE_CONTROL
%token	<line>	CHROOT CONNECTIONS CONTROL DELAY DHCPD_PROXY DIRECTORY ENTRY
%token	<line>	FILES_FIRST FORMAT FROM GROUP HEADER HISTORY HTTP_SERVER
%token	<line>	HTTPBOOTD IDLE INITRD INTERFACE KERNEL LIFETIME LISTEN LOCAL
%token	<line>	MAC MATCH MAX MENU ON PER_CLIENT PORT PROMPT PXE RATELIMIT
%token	<line>	RELAY RETRIES ROOT SCRIPT SEND SESSIONS SUBNET TFTP_SERVER
%token	<line>	TFTPD TIMEOUT TYPE USER USER_CLASS UUID VENDOR_CLASS
%token	<line>	WINDOWSIZE
%token		ERROR
%token	<t>	STRING NUMBER
%type	<t>	value optport opttimeout optfrom
%type	<line>	optfilesfirst
%destructor	{ free($$.s); } <t>

%%

grammar		: /* empty */
		| grammar varset
		| grammar daemon
		| grammar control
		| grammar menu
		| grammar match
		| grammar error
		;

varset		: STRING '=' value	{ macro_set(&$1, &$3); }
		;

value		: STRING
		| NUMBER
		;

daemon		: daemonhead '{' dstmts '}'
		;

/*
 * The head of a block is a safe place to start again after an error:
 * yyerrok lets the next error be reported at once.
 */
daemonhead	: TFTPD {
			daemon_begin(NB_TFTPD, $1);
			yyerrok;
		}
		| HTTPBOOTD {
			daemon_begin(NB_HTTPBOOTD, $1);
			yyerrok;
		}
		| DHCPD_PROXY {
			daemon_begin(NB_DHCPD_PROXY, $1);
			yyerrok;
		}
		;

dstmts		: /* empty */
		| dstmts dstmt
		| dstmts error
		;

dstmt		: LISTEN ON STRING optport {
			listen_add(&$3, &$4, 0, $1);
		}
		| LISTEN ON INTERFACE STRING optport {
			listen_add(&$4, &$5, 1, $1);
		}
		| ROOT STRING {
			if (knob($1, "root", B_TFTPD | B_HTTPBOOTD, K_ROOT) &&
			    str(dc->root, sizeof(dc->root), &$2, "root", 1) &&
			    $2.s[0] != '/')
				conferr($2.line,
				    "root must be an absolute path");
			free($2.s);
		}
		| USER STRING {
			if (knob($1, "user", B_ALL, K_USER))
				str(dc->user, sizeof(dc->user), &$2, "user", 1);
			free($2.s);
		}
		| CHROOT STRING {
			if (knob($1, "chroot", B_PROXY, K_CHROOT) &&
			    str(dc->chroot, sizeof(dc->chroot), &$2, "chroot",
			    1) && $2.s[0] != '/')
				conferr($2.line,
				    "chroot must be an absolute path");
			free($2.s);
		}
		| setting
		| SCRIPT STRING FORMAT STRING optfilesfirst {
			script_add(&$2, &$4, $5, $1);
		}
		| BLKSIZE MAX NUMBER {
			if (knob($1, "blksize max", B_TFTPD, K_BLKSIZE))
				num(&$3, "blksize max", 8, 65464,
				    &dc->tftpd.blksize_max);
			free($3.s);
		}
		| WINDOWSIZE MAX NUMBER {
			if (knob($1, "windowsize max", B_TFTPD, K_WINDOWSIZE))
				num(&$3, "windowsize max", 1, 65535,
				    &dc->tftpd.windowsize_max);
			free($3.s);
		}
		| BURST MAX NUMBER {
			if (knob($1, "burst max", B_TFTPD, K_BURST))
				num(&$3, "burst max", 1024, 64 * 1024 * 1024,
				    &dc->tftpd.burst_max);
			free($3.s);
		}
		| MAX SESSIONS NUMBER {
			if (knob($1, "max sessions", B_TFTPD, K_SESSIONS))
				num(&$3, "max sessions", 1, 100000,
				    &dc->tftpd.max_sessions);
			free($3.s);
		}
		| MAX SESSIONS PER_CLIENT NUMBER {
			if (knob($1, "max sessions per-client", B_TFTPD,
			    K_SPERCLIENT))
				num(&$4, "max sessions per-client", 1, 100000,
				    &dc->tftpd.max_per_client);
			free($4.s);
		}
		| LIFETIME NUMBER {
			if (knob($1, "lifetime", B_TFTPD, K_LIFETIME))
				num(&$2, "lifetime", 10, 86400,
				    &dc->tftpd.lifetime);
			free($2.s);
		}
		| MAX CONNECTIONS NUMBER {
			if (knob($1, "max connections", B_HTTPBOOTD,
			    K_CONNECTIONS))
				num(&$3, "max connections", 1, 1000000,
				    &dc->httpbootd.max_connections);
			free($3.s);
		}
		| MAX CONNECTIONS PER_CLIENT NUMBER {
			if (knob($1, "max connections per-client", B_HTTPBOOTD,
			    K_PERCLIENT))
				num(&$4, "max connections per-client", 1,
				    100000, &dc->httpbootd.max_per_client);
			free($4.s);
		}
		| TIMEOUT NUMBER {
			if (knob($1, "timeout", B_TFTPD, K_TIMEOUT))
				num(&$2, "timeout", 1, 255, &dc->tftpd.timeout);
			free($2.s);
		}
		| TIMEOUT HEADER NUMBER {
			if (knob($1, "timeout header", B_HTTPBOOTD, K_THEADER))
				num(&$3, "timeout header", 1, 3600,
				    &dc->httpbootd.timeout_header);
			free($3.s);
		}
		| TIMEOUT IDLE NUMBER {
			if (knob($1, "timeout idle", B_HTTPBOOTD, K_TIDLE))
				num(&$3, "timeout idle", 1, 3600,
				    &dc->httpbootd.timeout_idle);
			free($3.s);
		}
		| TIMEOUT SEND NUMBER {
			if (knob($1, "timeout send", B_HTTPBOOTD, K_TSEND))
				num(&$3, "timeout send", 1, 3600,
				    &dc->httpbootd.timeout_send);
			free($3.s);
		}
		| RETRIES NUMBER {
			if (knob($1, "retries", B_TFTPD, K_RETRIES))
				num(&$2, "retries", 1, 100, &dc->tftpd.retries);
			free($2.s);
		}
		| CACHE_CONTROL STRING {
			if (knob($1, "cache-control", B_HTTPBOOTD,
			    K_CACHECONTROL))
				str(dc->httpbootd.cache_control,
				    sizeof(dc->httpbootd.cache_control), &$2,
				    "cache-control", 0);
			free($2.s);
		}
		| TYPE STRING STRING	{ type_add(&$2, &$3, $1); }
		| RATELIMIT NUMBER {
			if (knob($1, "ratelimit", B_TFTPD | B_PROXY,
			    K_RATELIMIT))
				set_ratelimit(&$2);
			free($2.s);
		}
		| HISTORY NUMBER {
			if (knob($1, "history", B_ALL, K_HISTORY))
				num(&$2, "history", 0, NB_HISTORY_MAX,
				    &dc->history);
			free($2.s);
		}
		| RATELIMIT ADDRESS NUMBER {
			if (knob($1, "ratelimit address", B_PROXY, K_RLADDR))
				num(&$3, "ratelimit address", 0, 100000,
				    &dc->proxy.ratelimit_addr);
			free($3.s);
		}
		| RELAY STRING optfrom	{ relay_add(&$2, &$3, $1); }
		;

optfrom		: /* empty */		{ memset(&$$, 0, sizeof($$)); }
		| FROM STRING		{ $$ = $2; }
		;

control		: controlhead '{' cstmts '}'
		;

controlhead	: CONTROL {
			control_begin($1);
			yyerrok;
		}
		;

cstmts		: /* empty */
		| cstmts cstmt
		| cstmts error
		;

cstmt		: DIRECTORY STRING	{ control_directory(&$2, $1); }
		| GROUP STRING		{ control_group(&$2, $1); }
		;

optport		: /* empty */		{ memset(&$$, 0, sizeof($$)); }
		| PORT NUMBER		{ $$ = $2; }
		;

optfilesfirst	: /* empty */		{ $$ = 0; }
		| FILES_FIRST		{ $$ = 1; }
		;

setting		: BOOTFILE STRING {
			if (setting_once($1, "bootfile", SET_BOOTFILE))
				str(bset->bootfile, sizeof(bset->bootfile),
				    &$2, "bootfile", 1);
			free($2.s);
		}
		| TFTP_SERVER STRING {
			if (setting_once($1, "tftp-server", SET_TFTPSERVER) &&
			    parse_addr(&$2, &bset->tftp_server) &&
			    addr_is_any(&bset->tftp_server))
				conferr($2.line, "tftp-server %s is not an "
				    "address to send a client to",
				    quote($2.s));
			free($2.s);
		}
		| HTTP_SERVER STRING {
			if (setting_once($1, "http-server", SET_HTTPSERVER))
				set_httpserver(&$2);
			free($2.s);
		}
		| MENU STRING {
			if (setting_once($1, "menu", SET_MENU))
				set_menu(&$2);
			free($2.s);
		}
		| PXE STRING {
			if (setting_once($1, "pxe", SET_PXEMODE))
				set_pxe(&$2);
			free($2.s);
		}
		| DELAY NUMBER {
			if (setting_once($1, "delay", SET_DELAY))
				num(&$2, "delay", 0, 10000, &bset->delay_ms);
			free($2.s);
		}
		;

menu		: menuhead '{' menustmts '}'	{ menu_end(); }
		;

menuhead	: MENU STRING {
			menu_begin(&$2);
			yyerrok;
		}
		;

menustmts	: /* empty */
		| menustmts menustmt
		| menustmts error
		;

menustmt	: PROMPT STRING opttimeout	{ menu_prompt(&$2, &$3, $1); }
		| entryhead '{' entrystmts '}'	{ entry_end(); }
		| ENTRY STRING LOCAL {
			entry_begin(&$2);
			entry.local = 1;
			entry_end();
		}
		;

opttimeout	: /* empty */		{ memset(&$$, 0, sizeof($$)); }
		| TIMEOUT NUMBER	{ $$ = $2; }
		;

entryhead	: ENTRY STRING		{ entry_begin(&$2); }
		;

entrystmts	: /* empty */
		| entrystmts entrystmt
		| entrystmts error
		;

entrystmt	: KERNEL STRING {
			entry_field(entry.kernel, sizeof(entry.kernel), &$2,
			    "kernel", E_KERNEL, $1);
		}
		| INITRD STRING {
			entry_field(entry.initrd, sizeof(entry.initrd), &$2,
			    "initrd", E_INITRD, $1);
		}
		| APPEND STRING {
			entry_field(entry.append, sizeof(entry.append), &$2,
			    "append", E_APPEND, $1);
		}
		;

match		: matchhead criteria '{' settings '}'	{ match_end(); }
		;

matchhead	: MATCH {
			match_begin($1);
			yyerrok;
		}
		;

criteria	: /* empty */
		| criteria criterion
		| criteria error
		;

criterion	: MAC STRING {
			if (crit_once($1, "mac", MATCH_MAC) &&
			    hwaddr_parse($2.s, rule.hwaddr, sizeof(rule.hwaddr),
			    &rule.hwlen) == -1)
				conferr($2.line, "invalid MAC address %s",
				    quote($2.s));
			free($2.s);
		}
		| ARCH value		{ match_arch(&$2, $1); }
		| USER_CLASS STRING {
			if (crit_once($1, "user-class", MATCH_USERCLASS))
				str(rule.user_class, sizeof(rule.user_class),
				    &$2, "user-class", 1);
			free($2.s);
		}
		| VENDOR_CLASS STRING {
			if (crit_once($1, "vendor-class", MATCH_VENDORCLASS))
				str(rule.vendor_class,
				    sizeof(rule.vendor_class), &$2,
				    "vendor-class", 1);
			free($2.s);
		}
		| SUBNET STRING {
			if (crit_once($1, "subnet", MATCH_SUBNET))
				parse_subnet(&$2, &rule.subnet);
			free($2.s);
		}
		| INTERFACE STRING {
			if (crit_once($1, "interface", MATCH_INTERFACE))
				str(rule.ifname, sizeof(rule.ifname), &$2,
				    "interface name", 1);
			free($2.s);
		}
		| UUID STRING {
			if (crit_once($1, "uuid", MATCH_UUID) &&
			    parse_uuid($2.s, rule.uuid) == -1)
				conferr($2.line, "invalid UUID %s",
				    quote($2.s));
			free($2.s);
		}
		;

settings	: /* empty */
		| settings setting
		| settings error
		;

%%

struct keyword {
	const char	*name;
	int		 token;
};

/* Sorted for bsearch(3). */
static const struct keyword keywords[] = {
	{ "address",		ADDRESS },
	{ "append",		APPEND },
	{ "arch",		ARCH },
	{ "blksize",		BLKSIZE },
	{ "bootfile",		BOOTFILE },
	{ "burst",		BURST },
	{ "cache-control",	CACHE_CONTROL },
	{ "chroot",		CHROOT },
	{ "connections",	CONNECTIONS },
	{ "control",		CONTROL },
	{ "delay",		DELAY },
	{ "dhcpd-proxy",	DHCPD_PROXY },
	{ "directory",		DIRECTORY },
	{ "entry",		ENTRY },
	{ "files-first",	FILES_FIRST },
	{ "format",		FORMAT },
	{ "from",		FROM },
	{ "group",		GROUP },
	{ "header",		HEADER },
	{ "history",		HISTORY },
	{ "http-server",	HTTP_SERVER },
	{ "httpbootd",		HTTPBOOTD },
	{ "idle",		IDLE },
	{ "initrd",		INITRD },
	{ "interface",		INTERFACE },
	{ "kernel",		KERNEL },
	{ "lifetime",		LIFETIME },
	{ "listen",		LISTEN },
	{ "local",		LOCAL },
	{ "mac",		MAC },
	{ "match",		MATCH },
	{ "max",		MAX },
	{ "menu",		MENU },
	{ "on",			ON },
	{ "per-client",		PER_CLIENT },
	{ "port",		PORT },
	{ "prompt",		PROMPT },
	{ "pxe",		PXE },
	{ "ratelimit",		RATELIMIT },
	{ "relay",		RELAY },
	{ "retries",		RETRIES },
	{ "root",		ROOT },
	{ "script",		SCRIPT },
	{ "send",		SEND },
	{ "sessions",		SESSIONS },
	{ "subnet",		SUBNET },
	{ "tftp-server",	TFTP_SERVER },
	{ "tftpd",		TFTPD },
	{ "timeout",		TIMEOUT },
	{ "type",		TYPE },
	{ "user",		USER },
	{ "user-class",		USER_CLASS },
	{ "uuid",		UUID },
	{ "vendor-class",	VENDOR_CLASS },
	{ "windowsize",		WINDOWSIZE },
};

struct netboot_conf *
conf_parse(const char *path)
{
	struct netboot_conf	*c;
	FILE			*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return NULL;
	}
	c = conf_parse_file(fp, path);
	fclose(fp);
	return c;
}

/* The file is read to its end but not closed; name is for messages. */
struct netboot_conf *
conf_parse_file(FILE *fp, const char *name)
{
	struct netboot_conf	*c;

	memset(&lex, 0, sizeof(lex));
	lex.fp = fp;
	lex.path = name;
	lex.lineno = 1;
	if ((conf = conf_new()) == NULL) {
		log_warn("%s", name);
		return NULL;
	}
	if (yyparse() != 0 && nerrs == 0)
		conferr(lex.tokline, "cannot parse");
	if (ferror(lex.fp))
		conferr(lex.lineno, "read error");
	refs_resolve();

	free(lex.pushback);
	free(refs);
	refs = NULL;
	nrefs = 0;
	macros_free();

	c = conf;
	conf = NULL;
	if (nerrs > 0 || nomem) {
		errors_flush();
		conf_free(c);
		return NULL;
	}
	return c;
}

/*
 * Errors are kept until the end and then printed sorted by line: menus
 * are resolved after the whole file is read, and a reader wants the
 * messages in the order of the file.
 */
static void
conferr(int line, const char *fmt, ...)
{
	struct conferr	*e;
	va_list		 ap;
	char		*msg;
	int		 rv;

	va_start(ap, fmt);
	rv = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rv == -1 ||
	    (e = reallocarray(errs, nerrs + 1, sizeof(*errs))) == NULL) {
		if (rv != -1)
			free(msg);
		nomem = 1;
		return;
	}
	errs = e;
	errs[nerrs].line = line;
	errs[nerrs].seq = nerrs;
	errs[nerrs].msg = msg;
	nerrs++;
}

static void
errors_flush(void)
{
	size_t	 i;

	if (nerrs > 0)
		qsort(errs, nerrs, sizeof(*errs), errcmp);
	for (i = 0; i < nerrs; i++) {
		log_warnx("%s:%d: %s", lex.path, errs[i].line, errs[i].msg);
		free(errs[i].msg);
	}
	if (nomem)
		log_warnx("%s: out of memory", lex.path);
	free(errs);
	errs = NULL;
	nerrs = 0;
	nomem = 0;
}

static int
errcmp(const void *a, const void *b)
{
	const struct conferr	*ea = a, *eb = b;

	if (ea->line != eb->line)
		return ea->line < eb->line ? -1 : 1;
	return ea->seq < eb->seq ? -1 : ea->seq > eb->seq;
}

/*
 * A bad value in double quotes, made printable and cut short.  One
 * static buffer: a message quotes at most one value.
 */
static const char *
quote(const char *s)
{
	static char	 buf[4 * QUOTELEN + 8];
	char		 cut[QUOTELEN + 1];
	size_t		 len;

	len = strlcpy(cut, s, sizeof(cut));
	buf[0] = '"';
	strvis(buf + 1, cut, VIS_CSTYLE | VIS_TAB | VIS_NL | VIS_DQ);
	strlcat(buf, len >= sizeof(cut) ? "...\"" : "\"", sizeof(buf));
	return buf;
}

static void
yyerror(const char *msg)
{
	/* The lexer has said what was wrong with its ERROR token. */
	if (lex.reported) {
		lex.reported = 0;
		return;
	}
	if (lex.tokeof)
		conferr(lex.tokline, "%s at end of file", msg);
	else
		conferr(lex.tokline, "%s at %s", msg, quote(lex.toktext));
}

static int
kwcmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct keyword *)e)->name);
}

static int
kw_lookup(const char *s)
{
	const struct keyword	*kw;

	kw = bsearch(s, keywords, sizeof(keywords) / sizeof(keywords[0]),
	    sizeof(keywords[0]), kwcmp);
	return kw == NULL ? STRING : kw->token;
}

static int
lgetc(void)
{
	int	 c;

	while (lex.npushback > 0) {
		if ((c = lex.pushback[--lex.npushback]) != DONE_EXPAND)
			return c;
		lex.expanding = 0;
	}
	if ((c = getc(lex.fp)) != EOF)
		lex.lastc = c;
	return c;
}

static int
lungetc(int c)
{
	int	*p;
	size_t	 size;

	if (c == EOF)
		return 0;
	if (lex.npushback == lex.pushbacksize) {
		size = lex.pushbacksize == 0 ? 64 : lex.pushbacksize * 2;
		if ((p = reallocarray(lex.pushback, size, sizeof(*p))) ==
		    NULL)
			return -1;
		lex.pushback = p;
		lex.pushbacksize = size;
	}
	lex.pushback[lex.npushback++] = c;
	return 0;
}

static int
iswordchar(int c)
{
	return isascii(c) && (isalnum(c) || strchr(".:/-_*", c) != NULL);
}

/*
 * Lines are counted when a newline is consumed here, not when it is
 * read, so that the text of a macro, pushed back after the newline that
 * ended its name, still belongs to the line of the `$'.
 */
static int
yylex(void)
{
	int	 c, token;

	lex.reported = 0;
	lex.tokeof = 0;
 again:
	for (;;) {
		c = lgetc();
		if (c == '\n')
			lex.lineno++;
		else if (c == '#') {
			while ((c = lgetc()) != '\n' && c != EOF)
				;
			if (c == '\n')
				lex.lineno++;
		}
		if (c == EOF || !isspace(c))
			break;
	}
	lex.tokline = lex.lineno;
	lex.toktext[0] = '\0';
	if (c == EOF) {
		/* A final newline does not begin another line. */
		if (lex.lastc == '\n' && lex.lineno > 1)
			lex.tokline--;
		lex.tokeof = 1;
		return 0;
	}
	if (c == '"')
		return lex_string(lex.tokline);
	if (c == '$' && !lex.expanding) {
		if ((token = lex_macro(lex.tokline)) != EXPANDED)
			return token;
		goto again;
	}
	if (iswordchar(c))
		return lex_word(c, lex.tokline);
	lex.toktext[0] = c;
	lex.toktext[1] = '\0';
	if (c == '{' || c == '}' || c == '=')
		return c;
	return ERROR;
}

/* A token the lexer refuses: it says why, and the parser stays quiet. */
#define LEXERR(line, ...) do {						\
	conferr((line), __VA_ARGS__);					\
	lex.reported = 1;						\
	return ERROR;							\
} while (0)

static int
lex_string(int line)
{
	char	 buf[MAXTOKEN];
	size_t	 len = 0;
	int	 c, next, nul = 0, toolong = 0;

	for (;;) {
		c = lgetc();
		if (c == EOF || c == '\n') {
			lungetc(c);
			LEXERR(line, "unterminated string");
		}
		if (c == '"')
			break;
		if (c == '\\') {
			next = lgetc();
			if (next == '"' || next == '\\')
				c = next;
			else if (lungetc(next) == -1)
				LEXERR(line, "out of memory");
		}
		/* Read on to the closing quote, whatever is wrong. */
		if (c == '\0')
			nul = 1;
		else if (len + 1 >= sizeof(buf))
			toolong = 1;
		else
			buf[len++] = c;
	}
	buf[len] = '\0';
	strlcpy(lex.toktext, buf, sizeof(lex.toktext));
	if (nul)
		LEXERR(line, "NUL character in string");
	if (toolong)
		LEXERR(line, "string too long (max %zu)", sizeof(buf) - 1);
	return lex_value(STRING, buf, line);
}

static int
lex_word(int c, int line)
{
	char	 buf[MAXTOKEN];
	size_t	 len = 0;
	int	 token, digits = 1, toolong = 0;

	do {
		if (!isdigit(c))
			digits = 0;
		if (len + 1 >= sizeof(buf))
			toolong = 1;
		else
			buf[len++] = c;
	} while (iswordchar(c = lgetc()));
	buf[len] = '\0';
	strlcpy(lex.toktext, buf, sizeof(lex.toktext));
	if (lungetc(c) == -1)
		LEXERR(line, "out of memory");
	if (toolong)
		LEXERR(line, "word too long (max %zu)", sizeof(buf) - 1);

	if (digits)
		return lex_value(NUMBER, buf, line);
	if ((token = kw_lookup(buf)) != STRING) {
		yylval.line = line;
		return token;
	}
	return lex_value(STRING, buf, line);
}

static int
lex_value(int token, const char *s, int line)
{
	const char	*errstr;

	memset(&yylval.t, 0, sizeof(yylval.t));
	if ((yylval.t.s = strdup(s)) == NULL)
		LEXERR(line, "out of memory");
	yylval.t.line = line;
	if (token == NUMBER) {
		/* Too large for any knob: the range check will say so. */
		yylval.t.n = strtonum(s, 0, INT64_MAX, &errstr);
		if (errstr != NULL)
			yylval.t.n = INT64_MAX;
	}
	return token;
}

/*
 * $name: the value is read again in its place, as OpenBSD's parsers do.
 * Returns EXPANDED, or ERROR when the macro cannot be used.
 */
static int
lex_macro(int line)
{
	char		 name[MAXTOKEN];
	const char	*val;
	size_t		 len = 0, i;
	int		 c;

	while (isascii(c = lgetc()) && (isalnum(c) || c == '_')) {
		if (len + 1 >= sizeof(name))
			LEXERR(line, "macro name too long");
		name[len++] = c;
	}
	name[len] = '\0';
	if (lungetc(c) == -1)
		LEXERR(line, "out of memory");
	if (len == 0)
		LEXERR(line, "macro name expected after $");
	if ((val = macro_get(name)) == NULL)
		LEXERR(line, "macro %s not defined", quote(name));
	if (lungetc(DONE_EXPAND) == -1)
		LEXERR(line, "out of memory");
	for (i = strlen(val); i > 0; i--)
		if (lungetc((unsigned char)val[i - 1]) == -1)
			LEXERR(line, "out of memory");
	lex.expanding = 1;
	return EXPANDED;
}

static void
macro_set(struct tok *name, struct tok *value)
{
	struct macro	*m;
	const char	*p;

	for (p = name->s; *p != '\0'; p++)
		if (!isascii(*p) || !(isalnum((unsigned char)*p) || *p == '_'))
			break;
	if (*p != '\0') {
		conferr(name->line, "invalid macro name %s", quote(name->s));
		goto done;
	}
	STAILQ_FOREACH(m, &macros, entry)
		if (strcmp(m->name, name->s) == 0)
			break;
	if (m == NULL) {
		if ((m = calloc(1, sizeof(*m))) == NULL) {
			conferr(name->line, "out of memory");
			goto done;
		}
		STAILQ_INSERT_TAIL(&macros, m, entry);
		m->name = name->s;
		name->s = NULL;
	}
	/* A later definition replaces an earlier one. */
	free(m->value);
	m->value = value->s;
	value->s = NULL;
 done:
	free(name->s);
	free(value->s);
}

static const char *
macro_get(const char *name)
{
	struct macro	*m;

	STAILQ_FOREACH(m, &macros, entry)
		if (strcmp(m->name, name) == 0)
			return m->value;
	return NULL;
}

static void
macros_free(void)
{
	struct macro	*m;

	while ((m = STAILQ_FIRST(&macros)) != NULL) {
		STAILQ_REMOVE_HEAD(&macros, entry);
		free(m->name);
		free(m->value);
		free(m);
	}
}

/* Copies t into dst; returns 1 when it fit. */
static int
str(char *dst, size_t size, const struct tok *t, const char *what,
    int nonempty)
{
	if (nonempty && t->s[0] == '\0') {
		conferr(t->line, "%s is empty", what);
		return 0;
	}
	if (strlcpy(dst, t->s, size) >= size) {
		conferr(t->line, "%s too long (max %zu)", what, size - 1);
		dst[0] = '\0';
		return 0;
	}
	return 1;
}

static int
num(const struct tok *t, const char *what, int64_t min, int64_t max,
    uint32_t *dst)
{
	if (t->n < min || t->n > max) {
		conferr(t->line, "%s %s out of range (%lld..%lld)", what,
		    t->s, (long long)min, (long long)max);
		return 0;
	}
	*dst = t->n;
	return 1;
}

static int
in_block(int line, const char *kw, unsigned int blocks)
{
	if ((blocks & (1U << curd)) == 0) {
		conferr(line, "%s is not valid in the %s block", kw,
		    daemon_name(curd));
		return 0;
	}
	return 1;
}

static int
knob(int line, const char *kw, unsigned int blocks, enum knob k)
{
	if (!in_block(line, kw, blocks))
		return 0;
	if (knobs & (1U << k)) {
		conferr(line, "%s given twice", kw);
		return 0;
	}
	knobs |= 1U << k;
	return 1;
}

static int
setting_once(int line, const char *kw, uint32_t bit)
{
	if (bset->set & bit) {
		conferr(line, "%s given twice", kw);
		return 0;
	}
	bset->set |= bit;
	return 1;
}

static int
crit_once(int line, const char *kw, uint32_t bit)
{
	if (rule.match & bit) {
		conferr(line, "%s given twice in one match", kw);
		return 0;
	}
	rule.match |= bit;
	return 1;
}

static int
parse_addr(const struct tok *t, struct nb_addr *a)
{
	if (addr_parse(t->s, a) == -1) {
		conferr(t->line, "invalid address %s", quote(t->s));
		return 0;
	}
	return 1;
}

/* prefix_parse() refuses host bits along with the rest: tell them apart. */
static int
parse_subnet(const struct tok *t, struct nb_prefix *p)
{
	char		 buf[NB_ADDRSTRLEN + 5], *slash;
	struct nb_addr	 a;
	const char	*errstr;

	if (prefix_parse(t->s, p) == 0)
		return 1;
	if (strlcpy(buf, t->s, sizeof(buf)) < sizeof(buf) &&
	    (slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		if (addr_parse(buf, &a) == 0) {
			strtonum(slash, 0, a.af == AF_INET ? 32 : 128, &errstr);
			if (errstr == NULL) {
				conferr(t->line, "prefix %s has host bits set",
				    quote(t->s));
				return 0;
			}
		}
	}
	conferr(t->line, "invalid prefix %s", quote(t->s));
	return 0;
}

/* 8-4-4-4-12 hex digits, kept in the order written. */
static int
parse_uuid(const char *s, uint8_t *uuid)
{
	size_t		 i, n = 0;
	unsigned int	 hi, lo;

	if (strlen(s) != 36)
		return -1;
	for (i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -1;
			continue;
		}
		if (!isxdigit((unsigned char)s[i]) ||
		    !isxdigit((unsigned char)s[i + 1]))
			return -1;
		sscanf(s + i, "%1x%1x", &hi, &lo);
		uuid[n++] = hi << 4 | lo;
		i += 2;
	}
	return 0;
}

static void
daemon_begin(enum nb_daemon d, int line)
{
	curd = d;
	knobs = 0;
	if (conf->daemon[d].present) {
		conferr(line, "%s block already defined on line %d",
		    daemon_name(d), conf->daemon[d].line);
		conf_defaults(&scratch, d);
		dc = &scratch;
		bset_target = REF_NONE;
	} else {
		dc = &conf->daemon[d];
		bset_target = REF_DAEMON(d);
	}
	dc->present = 1;
	dc->line = line;
	bset = &dc->defaults;
}

static void
control_begin(int line)
{
	cknobs = 0;
	if (conf->control.line != 0) {
		conferr(line, "control block already defined on line %d",
		    conf->control.line);
		cc = &cscratch;
	} else
		cc = &conf->control;
	cc->line = line;
}

static int
control_once(int line, const char *kw, uint32_t bit)
{
	if (cknobs & bit) {
		conferr(line, "%s given twice", kw);
		return 0;
	}
	cknobs |= bit;
	return 1;
}

/* <directory>/<daemon>.sock must fit a sockaddr_un. */
static void
control_directory(struct tok *t, int line)
{
	struct sockaddr_un	 sun;
	size_t			 max;

	max = sizeof(sun.sun_path) - 1 - CTL_SOCKNAME_MAX;
	if (!control_once(line, "directory", C_DIRECTORY) ||
	    !str(cc->directory, sizeof(cc->directory), t, "directory", 1))
		goto done;
	if (t->s[0] != '/')
		conferr(t->line, "directory must be an absolute path");
	else if (strlen(t->s) > max)
		conferr(t->line, "directory too long for a socket path "
		    "(max %zu)", max);
 done:
	free(t->s);
}

static void
control_group(struct tok *t, int line)
{
	if (control_once(line, "group", C_GROUP))
		str(cc->group, sizeof(cc->group), t, "group", 1);
	free(t->s);
}

static void
listen_add(struct tok *what, struct tok *port, int isif, int line)
{
	struct listen_conf	 l;
	uint32_t		 p;

	memset(&l, 0, sizeof(l));
	l.line = line;
	if (curd == NB_DHCPD_PROXY && !proxy_listen(what, port, isif, line))
		goto done;
	if (isif)
		str(l.ifname, sizeof(l.ifname), what, "interface name", 1);
	else if (strcmp(what->s, "*") != 0)
		parse_addr(what, &l.addr);
	if (port->s != NULL && num(port, "port", 1, 65535, &p))
		l.port = p;
	if (dc->nlisten >= NB_MAXLISTEN)
		conferr(line, "too many listen statements (max %d)",
		    NB_MAXLISTEN);
	else
		dc->listen[dc->nlisten++] = l;
 done:
	free(what->s);
	free(port->s);
}

/*
 * dhcpd-proxy takes broadcasts, on ports 67 and 4011 of an interface:
 * an address or a port would be silently ignored, so they are errors.
 */
static int
proxy_listen(const struct tok *what, const struct tok *port, int isif,
    int line)
{
	int	 ok = 1;

	if (!isif && strcmp(what->s, "*") != 0)
		ok = in_block(line, "listen on an address", B_TFTPD |
		    B_HTTPBOOTD);
	if (port->s != NULL)
		ok = in_block(port->line, "listen port", B_TFTPD |
		    B_HTTPBOOTD) && ok;
	return ok;
}

static void
script_add(struct tok *path, struct tok *format, int filesfirst, int line)
{
	struct script_conf	 sc;

	memset(&sc, 0, sizeof(sc));
	sc.line = line;
	sc.files_first = filesfirst;
	if (!in_block(line, "script", B_TFTPD | B_HTTPBOOTD))
		goto done;
	str(sc.path, sizeof(sc.path), path, "script path", 1);
	if (strcmp(format->s, "ipxe") == 0)
		sc.format = SCRIPT_IPXE;
	else if (strcmp(format->s, "grub") == 0)
		sc.format = SCRIPT_GRUB;
	else if (strcmp(format->s, "pxelinux") == 0)
		sc.format = SCRIPT_PXELINUX;
	else
		conferr(format->line, "unknown script format %s "
		    "(ipxe, grub or pxelinux)", quote(format->s));
	if (dc->nscripts >= NB_MAXSCRIPTS)
		conferr(line, "too many script statements (max %d)",
		    NB_MAXSCRIPTS);
	else
		dc->scripts[dc->nscripts++] = sc;
 done:
	free(path->s);
	free(format->s);
}

static void
type_add(struct tok *suffix, struct tok *mime, int line)
{
	struct httpbootd_conf	*h = &dc->httpbootd;
	struct type_conf	 tc;
	size_t			 i;

	if (!in_block(line, "type", B_HTTPBOOTD))
		goto done;
	memset(&tc, 0, sizeof(tc));
	if (strchr(suffix->s, '.') != NULL || strchr(suffix->s, '/') != NULL)
		conferr(suffix->line, "type suffix %s must not contain "
		    "'.' or '/'", quote(suffix->s));
	else if (str(tc.suffix, sizeof(tc.suffix), suffix, "type suffix", 1))
		for (i = 0; i < h->ntypes; i++)
			if (strcasecmp(h->types[i].suffix, tc.suffix) == 0)
				conferr(line, "type %s given twice",
				    quote(tc.suffix));
	str(tc.mime, sizeof(tc.mime), mime, "media type", 1);
	if (h->ntypes >= NB_MAXTYPES)
		conferr(line, "too many type statements (max %d)",
		    NB_MAXTYPES);
	else
		h->types[h->ntypes++] = tc;
 done:
	free(suffix->s);
	free(mime->s);
}

/*
 * relay GIADDR [from SOURCE]: an IPv4 prefix or address each.  The list
 * is the proxy's: a relayed request whose giaddr (and source, when
 * given) matches no entry is dropped.
 */
static void
relay_add(struct tok *giaddr, struct tok *from, int line)
{
	struct proxy_conf	*pc = &dc->proxy;
	struct relay_conf	 rc;

	if (!in_block(line, "relay", B_PROXY))
		goto done;
	memset(&rc, 0, sizeof(rc));
	rc.line = line;
	if (!parse_relay(giaddr, &rc.giaddr) ||
	    (from->s != NULL && !parse_relay(from, &rc.from)))
		goto done;
	if (pc->nrelays >= NB_MAXRELAYS)
		conferr(line, "too many relay statements (max %d)",
		    NB_MAXRELAYS);
	else
		pc->relays[pc->nrelays++] = rc;
 done:
	free(giaddr->s);
	free(from->s);
}

/* Answers per address in tftpd, per client in dhcpd-proxy. */
static void
set_ratelimit(const struct tok *t)
{
	if (curd == NB_TFTPD)
		num(t, "ratelimit", 0, 100000, &dc->tftpd.ratelimit);
	else
		num(t, "ratelimit", 0, 1000, &dc->proxy.ratelimit);
}

/* An IPv4 prefix, or an address as a prefix of 32 bits. */
static int
parse_relay(const struct tok *t, struct nb_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (strchr(t->s, '/') == NULL) {
		if (addr_parse(t->s, &p->addr) == -1 ||
		    p->addr.af != AF_INET) {
			conferr(t->line, "relay %s is not an IPv4 address or "
			    "prefix", quote(t->s));
			return 0;
		}
		p->plen = 32;
		return 1;
	}
	if (!parse_subnet(t, p))
		return 0;
	if (p->addr.af != AF_INET) {
		conferr(t->line, "relay %s is not an IPv4 address or prefix",
		    quote(t->s));
		return 0;
	}
	return 1;
}

/* Resolved once every menu is known: a menu may come after its use. */
static void
set_menu(struct tok *name)
{
	struct menuref	*r;

	if (name->s[0] == '\0' || strlen(name->s) >= sizeof(r->name)) {
		conferr(name->line, "menu name %s", name->s[0] == '\0' ?
		    "is empty" : "too long");
		return;
	}
	if ((r = reallocarray(refs, nrefs + 1, sizeof(*refs))) == NULL) {
		conferr(name->line, "out of memory");
		return;
	}
	refs = r;
	r = &refs[nrefs++];
	strlcpy(r->name, name->s, sizeof(r->name));
	r->target = bset_target;
	r->line = name->line;
	bset->menu = -1;
}

static void
set_httpserver(struct tok *url)
{
	if (!str(bset->http_server, sizeof(bset->http_server), url,
	    "http-server", 1))
		return;
	if (strncasecmp(url->s, "http://", 7) != 0 &&
	    strncasecmp(url->s, "https://", 8) != 0)
		conferr(url->line, "http-server %s is not an http:// URL",
		    quote(url->s));
}

static void
set_pxe(struct tok *mode)
{
	if (strcmp(mode->s, "redirect") == 0)
		bset->pxe_mode = PXE_REDIRECT;
	else if (strcmp(mode->s, "direct") == 0)
		bset->pxe_mode = PXE_DIRECT;
	else
		conferr(mode->line, "unknown pxe mode %s (redirect or direct)",
		    quote(mode->s));
}

static void
menu_begin(struct tok *name)
{
	struct menu	 m;
	int		 i;

	memset(&m, 0, sizeof(m));
	m.line = name->line;
	m.first_entry = conf->nentries;
	if (str(m.name, sizeof(m.name), name, "menu name", 1) &&
	    (i = conf_menu_find(conf, m.name)) != -1)
		conferr(name->line, "menu %s already defined on line %d",
		    quote(m.name), conf->menus[i].line);
	/* A duplicate is kept too: the parse fails, its entries count. */
	if (conf_add_menu(conf, &m) == -1)
		conferr(name->line, "out of memory");
	curmenu = conf->nmenus - 1;
	prompted = 0;
	free(name->s);
}

static void
menu_end(void)
{
	struct menu	*m;

	if (conf->nmenus == 0)
		return;
	m = &conf->menus[curmenu];
	if (m->nentries == 0)
		conferr(m->line, "menu %s has no entries", quote(m->name));
}

static void
menu_prompt(struct tok *prompt, struct tok *timeout, int line)
{
	struct menu	*m;

	if (conf->nmenus == 0)
		goto done;
	m = &conf->menus[curmenu];
	if (prompted)
		conferr(line, "prompt given twice");
	else if (str(m->prompt, sizeof(m->prompt), prompt, "prompt", 0) &&
	    timeout->s != NULL)
		num(timeout, "timeout", 0, 3600, &m->timeout);
	prompted = 1;
 done:
	free(prompt->s);
	free(timeout->s);
}

static void
entry_begin(struct tok *label)
{
	memset(&entry, 0, sizeof(entry));
	entry_line = label->line;
	entry_seen = 0;
	str(entry.label, sizeof(entry.label), label, "entry label", 1);
	free(label->s);
}

static void
entry_field(char *dst, size_t size, struct tok *t, const char *kw,
    uint32_t bit, int line)
{
	if (entry_seen & bit)
		conferr(line, "%s given twice", kw);
	else
		str(dst, size, t, kw, bit != E_APPEND);
	entry_seen |= bit;
	free(t->s);
}

static void
entry_end(void)
{
	if (conf->nmenus == 0)
		return;
	if (!entry.local && !(entry_seen & E_KERNEL))
		conferr(entry_line, "entry %s has no kernel",
		    quote(entry.label));
	/* Entries of a menu are contiguous: menus do not nest. */
	if (conf_add_entry(conf, &entry) == -1)
		conferr(entry_line, "out of memory");
	else
		conf->menus[curmenu].nentries++;
}

static void
match_begin(int line)
{
	memset(&rule, 0, sizeof(rule));
	boot_settings_init(&rule.set);
	rule.line = line;
	rule_nerrs = nerrs;
	bset = &rule.set;
	/* match_end() appends every rule, so this is its index. */
	bset_target = conf->nrules;
}

static void
match_end(void)
{
	/* A criterion refused by the lexer has been reported already. */
	if (rule.match == 0 && nerrs == rule_nerrs)
		conferr(rule.line, "match without criteria");
	if (conf_add_rule(conf, &rule) == -1)
		conferr(rule.line, "out of memory");
}

static void
match_arch(struct tok *t, int line)
{
	const char	*errstr;
	int		 n;

	if (!crit_once(line, "arch", MATCH_ARCH))
		goto done;
	if (t->s[0] != '\0' && strspn(t->s, "0123456789") == strlen(t->s)) {
		strtonum(t->s, 0, 65535, &errstr);
		if (errstr != NULL) {
			conferr(t->line, "arch %s out of range (0..65535)",
			    t->s);
			goto done;
		}
	}
	/* A number with a name stands for all its codes: 9 is x64-uefi. */
	if ((n = arch_lookup(t->s, rule.arch, NB_MAXARCH)) == -1)
		conferr(t->line, "unknown architecture %s", quote(t->s));
	else
		rule.narch = n;
 done:
	free(t->s);
}

static void
refs_resolve(void)
{
	struct menuref	*r;
	size_t		 i;
	int		 m;

	for (i = 0; i < nrefs; i++) {
		r = &refs[i];
		if ((m = conf_menu_find(conf, r->name)) == -1) {
			conferr(r->line, "menu %s not defined",
			    quote(r->name));
			continue;
		}
		if (r->target >= 0 && (size_t)r->target < conf->nrules)
			conf->rules[r->target].set.menu = m;
		else if (r->target != REF_NONE && r->target < 0)
			conf->daemon[-1 - r->target].defaults.menu = m;
	}
}
