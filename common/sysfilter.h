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
 * The engine's system call allow-list.  Every engine shares the list in
 * sysfilter.c; each daemon adds its own (tftpd/syscalls.c and the like) as
 * a table of sc_rule.  The tables use the kernel's numbers (SYS_*), not
 * libseccomp's types, so that a daemon builds without the library.
 *
 * A call outside the list traps: the engine's SIGSYS handler tells the
 * parent which call it was (IPC_ENGINE_SYSCALL) and then asks for the
 * one thing the filter kills the process for at once, a new SIGSYS
 * handler.  The parent sees the engine die by SIGSYS, names the call in
 * its log and starts a new engine.
 */

#ifndef NB_SYSFILTER_H
#define NB_SYSFILTER_H

#include <sys/syscall.h>
#include <stddef.h>
#include <stdint.h>

enum sc_op {
	SC_EQ,			/* arg == datum */
	SC_MASKED_EQ		/* (arg & mask) == datum */
};

struct sc_cond {
	int		 arg;		/* 0..5, or -1: no condition */
	enum sc_op	 op;
	uint64_t	 mask;
	uint64_t	 datum;
};

/*
 * A call allowed when every condition holds; several rules, any of them.
 * A table ends with SC_END.
 */
struct sc_rule {
	long		 nr;
	struct sc_cond	 cond[2];
};

#define SC_NONE		{ -1, SC_EQ, 0, 0 }
#define SC_ALLOW(name)	{ SYS_##name, { SC_NONE, SC_NONE } }
#define SC_ALLOW_ARG(name, a, v) \
	{ SYS_##name, { { a, SC_EQ, 0, v }, SC_NONE } }
#define SC_ALLOW_ARG2(name, a, v, b, w) \
	{ SYS_##name, { { a, SC_EQ, 0, v }, { b, SC_EQ, 0, w } } }
#define SC_ALLOW_MASK(name, a, m, v) \
	{ SYS_##name, { { a, SC_MASKED_EQ, m, v }, SC_NONE } }
#define SC_ALLOW_ARG_MASK(name, a, v, b, m, w) \
	{ SYS_##name, { { a, SC_EQ, 0, v }, { b, SC_MASKED_EQ, m, w } } }

#define SC_END		{ -1, { SC_NONE, SC_NONE } }

/* What the engine's SIGSYS handler tells its parent. */
struct ipc_syscall {
	int32_t		 nr;
	uint32_t	 arch;		/* AUDIT_ARCH_* */
};

/*
 * Loads the filter: the shared list and the daemon's.  0 when loaded,
 * -1 (logged) when this build or kernel has no seccomp.  Fatal when the
 * filter cannot be built: an engine runs confined or not at all.
 */
int	 sysfilter_load(const struct sc_rule *);
/* Whether this build can load a filter at all. */
int	 sysfilter_available(void);
/* The call's name for the parent's log, "nr N" when unknown. */
const char *sysfilter_name(int32_t, uint32_t, char *, size_t);

#endif /* NB_SYSFILTER_H */
