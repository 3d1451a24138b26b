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
 * The rules are built for the ABI the running kernel reports: every
 * access right it knows is handled (denied), and read rights are given
 * back beneath the root.  An older kernel handles fewer rights, so a
 * right it cannot deny is one the engine keeps; the log says which ABI
 * was applied.  The constants are the kernel's (linux/landlock.h), kept
 * here because the build host's headers may be older than the kernel.
 */

#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "landlock.h"
#include "log.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset	444
#define SYS_landlock_add_rule		445
#define SYS_landlock_restrict_self	446
#endif

#define LL_CREATE_RULESET_VERSION	(1U << 0)
#define LL_RULE_PATH_BENEATH		1

/* ABI 1 */
#define LL_FS_EXECUTE		(1ULL << 0)
#define LL_FS_WRITE_FILE	(1ULL << 1)
#define LL_FS_READ_FILE		(1ULL << 2)
#define LL_FS_READ_DIR		(1ULL << 3)
#define LL_FS_ABI1		((1ULL << 13) - 1)	/* through MAKE_SYM */
#define LL_FS_REFER		(1ULL << 13)		/* ABI 2 */
#define LL_FS_TRUNCATE		(1ULL << 14)		/* ABI 3 */
#define LL_FS_IOCTL_DEV		(1ULL << 15)		/* ABI 5 */
#define LL_NET_BIND_TCP		(1ULL << 0)		/* ABI 4 */
#define LL_NET_CONNECT_TCP	(1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX	(1ULL << 0)		/* ABI 6 */
#define LL_SCOPE_SIGNAL		(1ULL << 1)

struct ll_ruleset_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;	/* ABI 4 */
	uint64_t	 scoped;		/* ABI 6 */
};

struct ll_path_beneath_attr {
	uint64_t	 allowed_access;
	int32_t		 parent_fd;
} __attribute__((__packed__));

static int	 ll_abi(void);
static size_t	 ll_attr(int, struct ll_ruleset_attr *);

static int
ll_abi(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LL_CREATE_RULESET_VERSION);
}

/* What this ABI can deny, and the size of its ruleset attribute. */
static size_t
ll_attr(int abi, struct ll_ruleset_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->handled_access_fs = LL_FS_ABI1;
	if (abi >= 2)
		a->handled_access_fs |= LL_FS_REFER;
	if (abi >= 3)
		a->handled_access_fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		a->handled_access_fs |= LL_FS_IOCTL_DEV;
	if (abi < 4)
		return sizeof(a->handled_access_fs);
	a->handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	if (abi < 6)
		return offsetof(struct ll_ruleset_attr, scoped);
	a->scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
	return sizeof(*a);
}

int
landlock_confine(int rootfd, int readable)
{
	struct ll_ruleset_attr		 attr;
	struct ll_path_beneath_attr	 beneath;
	struct utsname			 u;
	size_t				 size;
	int				 abi, fd;

	if ((abi = ll_abi()) < 0) {
		if (uname(&u) == -1)
			strlcpy(u.release, "?", sizeof(u.release));
		log_warnx("no Landlock (kernel %s: %s): the engine's reads "
		    "are bounded by its root and user only", u.release,
		    strerror(errno));
		return -1;
	}
	size = ll_attr(abi, &attr);
	if ((fd = syscall(SYS_landlock_create_ruleset, &attr, size, 0)) == -1)
		fatal("landlock_create_ruleset (ABI %d)", abi);
	if (readable) {
		memset(&beneath, 0, sizeof(beneath));
		beneath.allowed_access = LL_FS_READ_FILE | LL_FS_READ_DIR;
		beneath.parent_fd = rootfd;
		if (syscall(SYS_landlock_add_rule, fd, LL_RULE_PATH_BENEATH,
		    &beneath, 0) == -1)
			fatal("landlock_add_rule");
	}
	if (syscall(SYS_landlock_restrict_self, fd, 0) == -1)
		fatal("landlock_restrict_self");
	close(fd);
	return abi;
}
