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
 * The datagram is the frame: SOCK_SEQPACKET keeps message boundaries, so a
 * message is read or written whole with one system call and needs no
 * reassembly buffer.  What a peer sends is checked before anyone sees it.
 */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"

/* Room for one descriptor; the kernel truncates (MSG_CTRUNC) beyond it. */
union ipc_cmsgbuf {
	struct cmsghdr	 hdr;
	char		 buf[CMSG_SPACE(sizeof(int))];
};

static int	 ipc_send_one(int, struct ipc_out *);
static int	 ipc_take_fd(struct msghdr *, int *);
static int	 ipc_check(const struct ipc *, const struct msghdr *,
		    ssize_t, const struct ipc_hdr *);
static void	 ipc_close_fd(int);

void
ipc_init(struct ipc *ipc, int fd)
{
	ipc->fd = fd;
	STAILQ_INIT(&ipc->queue);
	ipc->queued = 0;
	ipc->ntypes = IPC_NTYPES;
}

void
ipc_set_ntypes(struct ipc *ipc, uint32_t ntypes)
{
	ipc->ntypes = ntypes;
}

/*
 * The descriptor belongs to the queue from this call on, even when the
 * call fails, so that no error path of a caller can leak it.
 */
int
ipc_compose(struct ipc *ipc, uint32_t type, int fd, const void *data,
    size_t len)
{
	struct ipc_out	*out;
	struct ipc_hdr	 hdr;
	int		 saved;

	if (type == IPC_NONE || type >= ipc->ntypes) {
		errno = EINVAL;
		goto fail;
	}
	if (len > IPC_MAXDATA) {
		errno = EMSGSIZE;
		goto fail;
	}
	if ((out = malloc(sizeof(*out) + sizeof(hdr) + len)) == NULL)
		goto fail;
	hdr.type = type;
	hdr.len = len;
	memcpy(out->buf, &hdr, sizeof(hdr));
	if (len > 0)
		memcpy(out->buf + sizeof(hdr), data, len);
	out->len = sizeof(hdr) + len;
	out->fd = fd;
	STAILQ_INSERT_TAIL(&ipc->queue, out, entry);
	ipc->queued++;
	return 0;

 fail:
	saved = errno;
	ipc_close_fd(fd);
	errno = saved;
	return -1;
}

/* Returns 0 when the queue is empty or the socket is full. */
int
ipc_flush(struct ipc *ipc)
{
	struct ipc_out	*out;

	while ((out = STAILQ_FIRST(&ipc->queue)) != NULL) {
		if (ipc_send_one(ipc->fd, out) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		STAILQ_REMOVE_HEAD(&ipc->queue, entry);
		ipc->queued--;
		ipc_close_fd(out->fd);
		free(out);
	}
	return 0;
}

int
ipc_pending(const struct ipc *ipc)
{
	return !STAILQ_EMPTY(&ipc->queue);
}

static int
ipc_send_one(int s, struct ipc_out *out)
{
	struct msghdr		 mh;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	union ipc_cmsgbuf	 cmsgbuf;
	ssize_t			 n;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = out->buf;
	iov.iov_len = out->len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (out->fd != -1) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = sizeof(cmsgbuf.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &out->fd, sizeof(int));
	}
	if ((n = sendmsg(s, &mh, MSG_NOSIGNAL)) == -1)
		return -1;
	/* A sequenced packet goes whole or not at all. */
	if ((size_t)n != out->len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Reads one datagram.  Returns 1 with msg filled, 0 when the peer has
 * closed (an empty datagram reads the same, so it ends the channel too),
 * -1 with errno set: EAGAIN when there is nothing to read, EBADMSG when
 * the datagram is malformed; a descriptor that came with it is closed.
 */
int
ipc_recv(struct ipc *ipc, struct ipc_msg *msg)
{
	struct msghdr		 mh;
	struct iovec		 iov[2];
	struct ipc_hdr		 hdr;
	union ipc_cmsgbuf	 cmsgbuf;
	ssize_t			 n;
	int			 fd, bad;

	memset(&mh, 0, sizeof(mh));
	memset(&hdr, 0, sizeof(hdr));
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = msg->data;
	iov[1].iov_len = sizeof(msg->data);
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	mh.msg_control = cmsgbuf.buf;
	mh.msg_controllen = sizeof(cmsgbuf.buf);

	do {
		n = recvmsg(ipc->fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;

	bad = ipc_take_fd(&mh, &fd) == -1;
	if (n == 0 && !bad && fd == -1 &&
	    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0)
		return 0;
	if (bad || ipc_check(ipc, &mh, n, &hdr) == -1) {
		ipc_close_fd(fd);
		errno = EBADMSG;
		return -1;
	}
	msg->type = hdr.type;
	msg->len = hdr.len;
	msg->fd = fd;
	return 1;
}

/*
 * Collects the descriptors of every SCM_RIGHTS message.  More than one,
 * or control data of any other kind, makes the whole message bad: then
 * every descriptor received is closed and -1 returned.
 */
static int
ipc_take_fd(struct msghdr *mh, int *fdp)
{
	struct cmsghdr	*cm;
	const char	*end;
	size_t		 i, nfds;
	int		 fd, bad = 0;

	*fdp = -1;
	end = (const char *)mh->msg_control + mh->msg_controllen;
	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_len < CMSG_LEN(0) ||
		    cm->cmsg_len > (size_t)(end - (const char *)cm)) {
			bad = 1;
			break;
		}
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS) {
			bad = 1;
			continue;
		}
		nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			    sizeof(fd));
			if (*fdp == -1)
				*fdp = fd;
			else {
				ipc_close_fd(fd);
				bad = 1;
			}
		}
	}
	if (bad) {
		ipc_close_fd(*fdp);
		*fdp = -1;
		return -1;
	}
	return 0;
}

static int
ipc_check(const struct ipc *ipc, const struct msghdr *mh, ssize_t n,
    const struct ipc_hdr *hdr)
{
	if (mh->msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -1;
	if ((size_t)n < sizeof(*hdr))
		return -1;
	if (hdr->len != (size_t)n - sizeof(*hdr))
		return -1;
	if (hdr->type == IPC_NONE || hdr->type >= ipc->ntypes)
		return -1;
	return 0;
}

/* The payload must be exactly one structure: no less, no trailing bytes. */
int
ipc_get(const struct ipc_msg *msg, void *out, size_t size)
{
	if (msg->len != size || size > sizeof(msg->data)) {
		errno = EBADMSG;
		return -1;
	}
	if (size > 0)
		memcpy(out, msg->data, size);
	return 0;
}

void
ipc_clear(struct ipc *ipc)
{
	struct ipc_out	*out;

	while ((out = STAILQ_FIRST(&ipc->queue)) != NULL) {
		STAILQ_REMOVE_HEAD(&ipc->queue, entry);
		ipc_close_fd(out->fd);
		free(out);
	}
	ipc->queued = 0;
}

static void
ipc_close_fd(int fd)
{
	if (fd != -1)
		close(fd);
}
