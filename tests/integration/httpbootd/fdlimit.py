# Copyright (c) 2026 The netboot developers
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.

"""Under a low descriptor limit (1024) httpbootd holds an idle connection
for one descriptor: 584 of them, then 503 "descriptor limit".  When
connections that send distinct files use up the descriptors for files,
the next file is answered 503 and logged, the engine never runs out of
descriptors, and all is served again once they end."""

import os
import resource
import sys
import time

import hbtest
import nbtest
from hbtest import get
from nbtest import check, check_eq

LIMIT = 1024
CONNS = 584		# 1024 - 64, less 120 for 503s and 256 for files
NBIG = 300		# more files at once than descriptors left for files
BIGSZ = 8 << 20		# more than the socket buffers hold

binary = sys.argv[1]
ns = hbtest.setup("nbhttpfdlim")
# The engine inherits this hard limit; the test's own sockets fit in it.
resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))
root = nbtest.TempDir()
root.file("hello.txt", b"hello\n")
for i in range(NBIG):
    with open(root.file("big%03d.bin" % i), "r+b") as f:
        f.truncate(BIGSZ)	# sparse: no disk, and sendfile reads zeros

srv = hbtest.Server(binary, root.path, block="""
	max connections 5000
	max connections per-client 5000
	timeout idle 300
	timeout header 300
	timeout send 300
""")


def first_status(c):
    """The status of the response that starts on c, or None."""
    try:
        while b"\r\n" not in c.buf:
            c._fill()
        return int(c.buf.split(b" ", 2)[1])
    except (EOFError, ConnectionError, OSError, ValueError, IndexError):
        return None


idle, big = [], []
try:
    check("descriptor limit %d allows %d connections" % (LIMIT, CONNS)
          in srv.log(), "the engine says how many connections it serves")

    # Idle keep-alive connections: one descriptor each.
    hbtest.open_idle(srv.port, CONNS, idle)
    check_eq(len(idle), CONNS, "idle connections served")
    c = hbtest.Conn(srv.port)
    c.send(get("/hello.txt"))
    st, hd, body = c.response()
    check(st == 503 and hd.get("retry-after") == "5",
          "one more connection: 503 with Retry-After (%s)" % st)
    c.close()
    # The engine writes its held lines once a loop turn, after the 503.
    check(nbtest.wait_for(lambda: 'reason="descriptor limit"' in srv.log(),
                          5), "the refused connection is logged with its "
          "reason")

    # Idle connections each ask for a file of their own and stall, since
    # nobody reads: each holds a descriptor for its file.
    big, idle = idle[:NBIG], idle[NBIG:]
    for i, c in enumerate(big):
        c.send(get("/big%03d.bin" % i))
    time.sleep(1)
    sts = [first_status(c) for c in big]
    n200, n503 = sts.count(200), sts.count(503)
    print("%d files sending, %d answered 503, others %r" %
          (n200, n503, [s for s in sts if s not in (200, 503)]))
    check(n200 >= 250 and n503 > 0 and n200 + n503 == NBIG,
          "files while descriptors last, then 503")
    check("no descriptor left for a file" in srv.log(),
          "the engine logs that files lack descriptors")
    engine = srv.engine_pid()
    check(engine is not None and "fatal" not in srv.log() and
          "Too many open files" not in srv.log(),
          "the engine never ran out of descriptors")

    # Once they end, everything is served again.
    for c in big:
        c.close()
    big = []
    time.sleep(0.5)
    h, n, rc, err = hbtest.fetch_hash(["curl", "-sS", "--fail",
                                       srv.url("/big007.bin")])
    check(rc == 0 and n == BIGSZ,
          "a file again after the senders left (%s)" % err.strip())
    ok = 0
    for c in idle[:50]:
        c.send(get("/hello.txt"))
        st, hd, body = c.response()
        ok += st == 200 and body == b"hello\n"
    check_eq(ok, 50, "idle connections served again")
finally:
    for c in idle + big:
        c.close()
    srv.stop()
    root.cleanup()
    ns.delete()
nbtest.done()
