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
 * librcvbuf.so, for the benchmarks only: LD_PRELOAD=librcvbuf.so
 * NB_RCVBUF=bytes gives every datagram socket a peer server binds the
 * receive buffer our daemons give their listeners (4 MiB, set as root
 * past net.core.rmem_max).  A peer without an option of its own for it
 * (dnsmasq) is then measured with the same queue as ours, and the host's
 * net.core.rmem_default, which a network namespace cannot change and
 * other work on the machine shares, is left alone.  The benchmark reads
 * the buffers back from the kernel (ss -m) rather than trusting this.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

int
bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int	(*real_bind)(int, const struct sockaddr *, socklen_t);
	const char	*env;
	socklen_t	 tlen = sizeof(int);
	int		 type, size, saved = errno;

	if (real_bind == NULL &&
	    (real_bind = dlsym(RTLD_NEXT, "bind")) == NULL)
		abort();
	if ((env = getenv("NB_RCVBUF")) != NULL &&
	    (size = atoi(env)) > 0 && sa != NULL &&
	    (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) &&
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == 0 &&
	    type == SOCK_DGRAM &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	errno = saved;
	return real_bind(fd, sa, len);
}
