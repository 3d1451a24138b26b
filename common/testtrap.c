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
 * What a test can make a confined engine try (see testtrap.h):
 *
 *	execve		run /bin/sh
 *	open-write	create a file
 *	socket		open a packet socket, to sniff the link
 *	ptrace		ask to be traced
 *	read:PATH	read PATH (Landlock allows beneath the root only)
 *
 * The first four are outside every engine's seccomp allow-list: the
 * engine dies.  The last is an allowed call that Landlock answers: the
 * engine logs the outcome and lives on.
 */

#include <sys/types.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "ev.h"
#include "log.h"
#include "testtrap.h"

static void	 testtrap_fire(int, void *);
static int	 testtrap_read(const char *);

static char	 trap[NB_PATHLEN + 8];

void
testtrap_arm(void)
{
	const char	*v;

	if ((v = getenv(TESTTRAP_ENV)) == NULL || v[0] == '\0')
		return;
	if (strlcpy(trap, v, sizeof(trap)) >= sizeof(trap))
		fatalx("%s is too long", TESTTRAP_ENV);
	log_warnx("%s is set: SIGUSR2 makes this engine try \"%s\"; for "
	    "tests only", TESTTRAP_ENV, trap);
	ev_signal_add(SIGUSR2, testtrap_fire, NULL);
}

static void
testtrap_fire(int sig, void *arg)
{
	char	*argv[] = { "sh", "-c", "true", NULL };
	char	*envp[] = { NULL };
	int	 r;

	log_info("test trap: trying %s", trap);
	log_flush();
	if (strcmp(trap, "execve") == 0)
		r = execve("/bin/sh", argv, envp);
	else if (strcmp(trap, "open-write") == 0)
		r = open("netboot-test-trap", O_WRONLY | O_CREAT | O_TRUNC,
		    0600);
	else if (strcmp(trap, "socket") == 0)
		r = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	else if (strcmp(trap, "ptrace") == 0)
		r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	else if (strncmp(trap, "read:", 5) == 0)
		r = testtrap_read(trap + 5);
	else {
		log_warnx("test trap: unknown \"%s\"", trap);
		return;
	}
	if (r == -1)
		log_warn("test trap: %s", trap);
	else
		log_warnx("test trap: %s succeeded", trap);
	if (r > 2)
		close(r);
}

/* As fsroot_open() opens, but from anywhere: what Landlock must stop. */
static int
testtrap_read(const char *path)
{
	struct open_how	 how;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC;
	return syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}
