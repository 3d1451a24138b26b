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
 * The seccomp filter of every engine, loaded once the engine is confined
 * and its daemon has started, before the first packet is read.
 *
 * The filter's default is SECCOMP_RET_TRAP rather than a silent kill, so
 * that the engine can say which call it was: the kernel hands the SIGSYS
 * handler the call's number, the handler sends it to the parent as one
 * datagram and then installs a new SIGSYS action, which the filter
 * answers with SECCOMP_RET_KILL_PROCESS.  The same rule stops a
 * compromised engine from catching SIGSYS to carry on: changing the
 * SIGSYS action is the one call that kills without a word, and blocking
 * SIGSYS does not help, since the kernel unblocks a trap's signal.
 *
 * The list is what the engines call after start-up, seen with strace on
 * the whole test suite (see SECURITY.md).  Memory is never executable:
 * mmap and mprotect are allowed without PROT_EXEC only.  Opening files is
 * openat2(), whose flags seccomp cannot see; Landlock keeps those reads
 * beneath the root.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "ipc.h"
#include "log.h"
#include "sysfilter.h"

#if HAVE_SECCOMP
#include <seccomp.h>
#endif

/* The open(2) flags that could change a file, or make one. */
#define OPEN_WRITES	(O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | \
			    (O_TMPFILE & ~O_DIRECTORY))

/* What every engine calls: the loop, the channel, memory, the log. */
static const struct sc_rule common_rules[] = {
	SC_ALLOW(epoll_wait),
	SC_ALLOW(epoll_pwait),
	SC_ALLOW(epoll_ctl),
	SC_ALLOW(timerfd_create),
	SC_ALLOW(timerfd_settime),
	SC_ALLOW(read),
	SC_ALLOW(write),
	SC_ALLOW(writev),
	SC_ALLOW(recvmsg),
	SC_ALLOW(sendmsg),
	SC_ALLOW(sendto),
	SC_ALLOW(close),
	SC_ALLOW(fcntl),
	SC_ALLOW(fstat),
	SC_ALLOW_MASK(newfstatat, 3, AT_EMPTY_PATH, AT_EMPTY_PATH),
	SC_ALLOW(clock_gettime),
	SC_ALLOW(gettimeofday),
	SC_ALLOW(getrandom),
	SC_ALLOW(brk),
	SC_ALLOW_MASK(mmap, 2, PROT_EXEC, 0),
	SC_ALLOW_MASK(mprotect, 2, PROT_EXEC, 0),
	SC_ALLOW(munmap),
	SC_ALLOW(mremap),
	SC_ALLOW(madvise),
	SC_ALLOW(futex),
	SC_ALLOW(getpid),
	SC_ALLOW(gettid),
	SC_ALLOW(rt_sigprocmask),
	SC_ALLOW(rt_sigreturn),
	SC_ALLOW(restart_syscall),
	SC_ALLOW(exit),
	SC_ALLOW(exit_group),
	SC_END
};

#if HAVE_SECCOMP
static void	 sigsys_handler(int, siginfo_t *, void *);
static void	 add_rules(scmp_filter_ctx, const struct sc_rule *);
static void	 add_rule(scmp_filter_ctx, const struct sc_rule *);
static void	 add_special(scmp_filter_ctx);

int
sysfilter_available(void)
{
	return 1;
}

int
sysfilter_load(const struct sc_rule *rules)
{
	scmp_filter_ctx		 ctx;
	struct sigaction	 sa;
	int			 r;

	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL)
		fatalx("seccomp_init failed");
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0)
		fatalx("seccomp: bad-arch action: %s", strerror(-r));
	add_rules(ctx, common_rules);
	if (rules != NULL)
		add_rules(ctx, rules);
	add_special(ctx);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("sigaction SIGSYS");
	if ((r = seccomp_load(ctx)) < 0) {
		seccomp_release(ctx);
		if (r == -EINVAL || r == -ENOSYS) {
			log_warnx("no seccomp filter: the kernel has no "
			    "seccomp: %s", strerror(-r));
			return -1;
		}
		fatalx("seccomp_load: %s", strerror(-r));
	}
	seccomp_release(ctx);
	return 0;
}

static void
add_rules(scmp_filter_ctx ctx, const struct sc_rule *rules)
{
	for (; rules->nr != -1; rules++)
		add_rule(ctx, rules);
}

static void
add_rule(scmp_filter_ctx ctx, const struct sc_rule *rule)
{
	struct scmp_arg_cmp	 cmp[2];
	unsigned int		 i, n = 0;
	int			 r;

	for (i = 0; i < 2; i++) {
		if (rule->cond[i].arg < 0)
			continue;
		memset(&cmp[n], 0, sizeof(cmp[n]));
		cmp[n].arg = rule->cond[i].arg;
		if (rule->cond[i].op == SC_MASKED_EQ) {
			cmp[n].op = SCMP_CMP_MASKED_EQ;
			cmp[n].datum_a = rule->cond[i].mask;
			cmp[n].datum_b = rule->cond[i].datum;
		} else {
			cmp[n].op = SCMP_CMP_EQ;
			cmp[n].datum_a = rule->cond[i].datum;
		}
		n++;
	}
	if ((r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, rule->nr, n,
	    cmp)) < 0)
		fatalx("seccomp: rule for system call %ld: %s", rule->nr,
		    strerror(-r));
}

/*
 * What is not a plain allow: abort() may signal itself (SIGABRT); a new
 * SIGSYS action kills (see above).  Two calls libraries make on their
 * own are refused, not trapped: sd-event reads the boot ID to spread
 * its timers (openat for reading; the engines read files with openat2
 * only), and glibc's syslog(3), when its socket breaks, tries a new one
 * that could not reach /dev/log from the chroot anyway.  An openat that
 * could write traps as anything else does.  Each SCMP_A* names its
 * second datum, unused by SCMP_CMP_EQ, so that clang's
 * -Wmissing-field-initializers (the sanitizer build) stays quiet.
 */
static void
add_special(scmp_filter_ctx ctx)
{
	int	 r;

	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 2,
	    SCMP_A0(SCMP_CMP_EQ, (uint64_t)getpid(), 0),
	    SCMP_A2(SCMP_CMP_EQ, SIGABRT, 0))) < 0 ||
	    (r = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS,
	    SCMP_SYS(rt_sigaction), 1, SCMP_A0(SCMP_CMP_EQ, SIGSYS, 0))) < 0 ||
	    (r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
	    SCMP_SYS(openat), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_WRITES,
	    0))) < 0 ||
	    (r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
	    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0))) < 0)
		fatalx("seccomp: special rules: %s", strerror(-r));
#if NB_SANITIZE
	/*
	 * A sanitized build only (TESTING.md, "Sanitizers"): the runtime
	 * opens files with open(2) of its own while it reports, which the
	 * chroot would answer ENOENT; refused here, not trapped, so that
	 * the report gets out.  glibc, and so our code, opens with openat
	 * and is still trapped.
	 */
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
	    SCMP_SYS(open), 0)) < 0)
		fatalx("seccomp: sanitizer rule: %s", strerror(-r));
#endif
}

/*
 * Async-signal-safe: one datagram to the parent, then the call the
 * filter kills for.  The channel is non-blocking; when it is full the
 * parent only learns that the engine died of SIGSYS.
 */
static void
sigsys_handler(int sig, siginfo_t *si, void *uc)
{
	struct {
		struct ipc_hdr		 hdr;
		struct ipc_syscall	 sc;
	} m;
	struct sigaction	 dfl;

	memset(&m, 0, sizeof(m));
	m.hdr.type = IPC_ENGINE_SYSCALL;
	m.hdr.len = sizeof(m.sc);
	m.sc.nr = si->si_syscall;
	m.sc.arch = si->si_arch;
	(void)send(ENGINE_IPC_FD, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	(void)sigaction(SIGSYS, &dfl, NULL);
	_exit(128 + SIGSYS);	/* not reached: the filter kills */
}

const char *
sysfilter_name(int32_t nr, uint32_t arch, char *buf, size_t size)
{
	char	*name;

	if ((name = seccomp_syscall_resolve_num_arch(arch, nr)) == NULL) {
		snprintf(buf, size, "nr %d", nr);
		return buf;
	}
	snprintf(buf, size, "%s", name);
	free(name);
	return buf;
}

#else /* !HAVE_SECCOMP */

int
sysfilter_available(void)
{
	return 0;
}

int
sysfilter_load(const struct sc_rule *rules)
{
	(void)common_rules;
	log_warnx("no seccomp filter: built without libseccomp");
	return -1;
}

const char *
sysfilter_name(int32_t nr, uint32_t arch, char *buf, size_t size)
{
	snprintf(buf, size, "nr %d", nr);
	return buf;
}

#endif /* HAVE_SECCOMP */
