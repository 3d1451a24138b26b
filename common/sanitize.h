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
 * What a confined engine does for the sanitizer runtimes when the build
 * is sanitized (meson -Db_sanitize=..., NB_SANITIZE in config.h), and
 * nothing at all otherwise.  The runtimes expect a process that can read
 * /proc, open files, start llvm-symbolizer and, for LeakSanitizer, trace
 * itself at exit; an engine can do none of these once chrooted, under
 * Landlock, without processes and behind its seccomp filter.  The one
 * change to the filter, a refused open(2), is in sysfilter.c.
 * TESTING.md ("Sanitizers") says why each step is what it is.
 */

#ifndef NB_SANITIZE_H
#define NB_SANITIZE_H

/*
 * In the parent's child, just before it execs the engine: the engine
 * reports without symbolizing and without colours.
 */
void	 sanitize_engine_exec(void);
/*
 * In the engine, before it drops privileges: cache the memory map, open
 * the report file now if there is one, no leak check at exit.
 */
void	 sanitize_engine_confine(void);

#endif /* NB_SANITIZE_H */
