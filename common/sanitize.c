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
 * The sanitizer runtimes in a confined engine (see sanitize.h and the
 * "Sanitizers" section of TESTING.md).  A normal build compiles the
 * empty stubs at the end: not one call or rule more.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "sanitize.h"

#if NB_SANITIZE
#include <sanitizer/common_interface_defs.h>

static void	 add_option(const char *, const char *);

static int	 confined;

/*
 * Symbolizing would start llvm-symbolizer, and deciding on colours asks
 * the report file whether it is a terminal (ioctl TCGETS): both outside
 * the filter, which would kill the engine before its report is out.
 */
void
sanitize_engine_exec(void)
{
	add_option("ASAN_OPTIONS", "symbolize=0:color=never");
	add_option("UBSAN_OPTIONS", "symbolize=0:color=never");
}

/* Ours come last, so they win over the same option set before. */
static void
add_option(const char *var, const char *opt)
{
	const char	*old;
	char		*v;

	if ((old = getenv(var)) == NULL || old[0] == '\0')
		old = NULL;
	if (asprintf(&v, "%s%s%s", old ? old : "", old ? ":" : "", opt) == -1)
		_exit(127);
	if (setenv(var, v, 1) == -1)
		_exit(127);
	free(v);
}

void
sanitize_engine_confine(void)
{
	__sanitizer_sandbox_arguments	 args;

	/*
	 * Reports name modules and offsets from the map read here: /proc
	 * is not in the chroot.  Asking for the report path opens the
	 * file (log_path=...), which the chroot would hide later.
	 */
	memset(&args, 0, sizeof(args));
	__sanitizer_sandbox_on_notify(&args);
	(void)__sanitizer_get_report_path();
	confined = 1;
}

#if NB_SANITIZE_ADDRESS
/*
 * LeakSanitizer's check at exit stops the world with a thread of its
 * own and ptrace, and reads /proc: none of which a confined engine may
 * do.  The check stays on everywhere else (the parent, netbootctl, the
 * unit tests and fuzz harnesses, which run the engines' code).
 */
int	 __lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return confined;
}
#endif

#else /* !NB_SANITIZE */

void
sanitize_engine_exec(void)
{
}

void
sanitize_engine_confine(void)
{
}

#endif /* NB_SANITIZE */
