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

#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

static void	 drop_root(const char *, uid_t, gid_t);
static void	 drop_caps_unprivileged(void);
static void	 verify_dropped(uid_t, gid_t);
static int	 caps_empty(void);

int
privdrop_check_root(const char *root, const char **why)
{
	struct stat	 st;

	if (stat(root, &st) == -1) {
		*why = strerror(errno);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*why = "not a directory";
		return -1;
	}
	if (st.st_uid != 0) {
		*why = "not owned by root";
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*why = "writable by group or others";
		return -1;
	}
	return 0;
}

int
privdrop(const char *root, uid_t uid, gid_t gid, int as_root)
{
	int	 rootfd;

	if (as_root) {
		drop_root(root, uid, gid);
		if ((rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
			fatal("open /");
	} else {
		if ((rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC))
		    == -1)
			fatal("open %s", root);
		drop_caps_unprivileged();
	}
	/* Credential changes clear it: it comes last. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		fatal("prctl PR_SET_PDEATHSIG");
	if (getppid() == 1)
		fatalx("parent went away while dropping privileges");
	return rootfd;
}

/* The fixed order: chroot, chdir, groups, uid, capabilities, verify. */
static void
drop_root(const char *root, uid_t uid, gid_t gid)
{
	const char	*why;

	if (uid == 0)
		fatalx("refusing to run the engine as root");
	if (privdrop_check_root(root, &why) == -1)
		fatalx("chroot %s: %s", root, why);
	if (chroot(root) == -1)
		fatal("chroot %s", root);
	if (chdir("/") == -1)
		fatal("chdir /");
	if (cap_setgroups(gid, 1, &gid) == -1)
		fatal("cap_setgroups %u", gid);
	if (cap_setuid(uid) == -1)
		fatal("cap_setuid %u", uid);
	if (cap_set_mode(CAP_MODE_NOPRIV) == -1)
		fatal("cap_set_mode NOPRIV");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");
	verify_dropped(uid, gid);
}

/*
 * An unprivileged user has nothing to give up but what a file capability
 * or ambient set might have handed it.
 */
static void
drop_caps_unprivileged(void)
{
	cap_t	 caps;

	if ((caps = cap_init()) == NULL)
		fatal("cap_init");
	if (cap_set_proc(caps) == -1)
		fatal("cap_set_proc");
	cap_free(caps);
	if (cap_reset_ambient() == -1 && errno != EINVAL)
		fatal("cap_reset_ambient");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");
	if (!caps_empty())
		fatalx("capabilities remain after dropping them");
}

static int
caps_empty(void)
{
	cap_t		 caps, none;
	int		 empty;

	if ((caps = cap_get_proc()) == NULL)
		fatal("cap_get_proc");
	if ((none = cap_init()) == NULL)
		fatal("cap_init");
	empty = cap_compare(caps, none) == 0;
	cap_free(caps);
	cap_free(none);
	return empty;
}

static void
verify_dropped(uid_t uid, gid_t gid)
{
	uid_t		 ruid, euid, suid;
	gid_t		 rgid, egid, sgid;
	cap_value_t	 c;

	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1)
		fatal("getresuid");
	if (ruid != uid || euid != uid || suid != uid ||
	    rgid != gid || egid != gid || sgid != gid)
		fatalx("credentials did not change to %u:%u", uid, gid);
	if (setuid(0) != -1)
		fatalx("could become root again");
	if (!caps_empty())
		fatalx("capabilities remain after dropping them");
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (cap_get_bound(c) == 1)
			fatalx("capability %d remains in the bounding set", c);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		fatalx("no_new_privs is not set");
}
