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

/* tftpd's shared file mappings, on temporary files. */

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fmap.h"

static int	 make_file(char *, const char *);
static void	 test_share(void);
static void	 test_new_version(void);
static void	 test_empty(void);
static void	 test_shrunk(void);

static char	 dir[] = "/tmp/test_fmap.XXXXXX";

static int
make_file(char *path, const char *text)
{
	int	 fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)) == -1)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Two transfers of one file share one mapping, which goes with the last. */
static void
test_share(void)
{
	char		 path[64];
	struct stat	 st;
	struct fmap	*a, *b;
	int		 fd;

	snprintf(path, sizeof(path), "%s/share", dir);
	CHECK((fd = make_file(path, "boot loader")) != -1);
	CHECK(fstat(fd, &st) == 0);
	a = fmap_get(fd, &st);
	b = fmap_get(fd, &st);
	close(fd);
	CHECK(a != NULL && a == b);
	CHECK_INT(fmap_count(), 1);
	if (a != NULL)
		CHECK(memcmp(fmap_data(a), "boot loader", 11) == 0);
	fmap_put(a);
	CHECK_INT(fmap_count(), 1);
	fmap_put(b);
	CHECK_INT(fmap_count(), 0);
}

/* A rewritten file is a new version; the old one serves its own. */
static void
test_new_version(void)
{
	char		 path[64];
	struct stat	 st;
	struct timespec	 ts[2];
	struct fmap	*old, *cur, *again;
	int		 fd;

	snprintf(path, sizeof(path), "%s/version", dir);
	CHECK((fd = make_file(path, "first")) != -1);
	CHECK(fstat(fd, &st) == 0);
	old = fmap_get(fd, &st);
	close(fd);
	CHECK((fd = make_file(path, "second")) != -1);
	ts[0].tv_sec = ts[1].tv_sec = st.st_mtim.tv_sec + 10;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	CHECK(futimens(fd, ts) == 0);
	CHECK(fstat(fd, &st) == 0);
	cur = fmap_get(fd, &st);
	again = fmap_get(fd, &st);
	close(fd);
	CHECK(old != NULL && cur != NULL && old != cur && cur == again);
	CHECK_INT(fmap_count(), 2);
	if (cur != NULL)
		CHECK(memcmp(fmap_data(cur), "second", 6) == 0);
	fmap_put(old);
	CHECK_INT(fmap_count(), 1);
	fmap_put(cur);
	fmap_put(again);
	CHECK_INT(fmap_count(), 0);
}

static void
test_empty(void)
{
	char		 path[64];
	struct stat	 st;
	int		 fd;

	snprintf(path, sizeof(path), "%s/empty", dir);
	CHECK((fd = make_file(path, "")) != -1);
	CHECK(fstat(fd, &st) == 0);
	errno = 0;
	CHECK(fmap_get(fd, &st) == NULL);
	CHECK_INT(errno, EINVAL);
	close(fd);
	CHECK_INT(fmap_count(), 0);
	fmap_put(NULL);
}

/*
 * A file cut short under its mapping: the kernel's copy fails with
 * EFAULT where a read by the engine itself would have raised SIGBUS.
 */
static void
test_shrunk(void)
{
	char		 path[64], big[3 * 4096 + 1];
	struct stat	 st;
	struct fmap	*m;
	struct iovec	 iov;
	struct msghdr	 msg;
	int		 fd, sv[2];

	snprintf(path, sizeof(path), "%s/shrunk", dir);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK((fd = make_file(path, big)) != -1);
	CHECK(fstat(fd, &st) == 0);
	m = fmap_get(fd, &st);
	CHECK(m != NULL);
	CHECK(ftruncate(fd, 0) == 0);
	close(fd);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	if (m != NULL) {
		iov.iov_base = (void *)(fmap_data(m) + 2 * 4096);
		iov.iov_len = 100;
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		CHECK(sendmsg(sv[0], &msg, 0) == -1 && errno == EFAULT);
		fmap_unmap_sent(m, 0, 2 * 4096);
	}
	close(sv[0]);
	close(sv[1]);
	fmap_put(m);
	CHECK_INT(fmap_count(), 0);
}

int
main(void)
{
	char	 cmd[64];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_share();
	test_new_version();
	test_empty();
	test_shrunk();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_exit();
}
