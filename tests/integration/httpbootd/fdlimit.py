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

"""Under a low descriptor limit (1024) httpbootd serves idle connections
for one descriptor each, as many as its log says and at least half the
limit, then answers 503 "descriptor limit".  When connections that send
distinct files use up the descriptors for files, the next file is
answered 503 and logged, the engine never runs out of descriptors, and
all is served again once they end.  The limits and the descriptors are
read from the kernel (/proc/PID/limits, /proc/PID/fd), not computed the
way the engine computes its shares."""

import collections
import os
import re
import resource
import sys
import time

import hbtest
import nbtest
from hbtest import get
from nbtest import check, check_eq

LIMIT = 1024
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


def nofile_limit(pid):
    """The soft RLIMIT_NOFILE of a process, as the kernel reports it."""
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    return None


def open_fds(pid):
    """The engine's descriptors: the targets of /proc/PID/fd."""
    out = []
    d = "/proc/%d/fd" % pid
    for name in os.listdir(d):
        try:
            out.append(os.readlink(os.path.join(d, name)))
        except OSError:
            pass
    return out


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
    engine = srv.engine_pid()
    check_eq(nofile_limit(engine), LIMIT,
             "the kernel gives the engine a descriptor limit of %d" % LIMIT)
    m = re.search(r"descriptor limit %d allows (\d+) connections" % LIMIT,
                  srv.log())
    check(m is not None, "the engine says how many connections it serves")
    claimed = int(m.group(1)) if m else -1
    before = open_fds(engine)

    # Idle keep-alive connections until the first refusal.
    hbtest.open_idle(srv.port, LIMIT, idle)

    def added():
        return sorted((collections.Counter(open_fds(engine)) -
                       collections.Counter(before)).elements())
    # The refused one goes once the engine reads its end.
    nbtest.wait_for(lambda: sum(f.startswith("socket:") for f in added())
                    == len(idle), 3)
    new = added()
    socks = [f for f in new if f.startswith("socket:")]
    print("%d idle connections; the engine held %d descriptors before, "
          "%d more now" % (len(idle), len(before), len(new)))
    check_eq(len(socks), len(idle),
             "each idle connection holds exactly one descriptor")
    check_eq([f for f in new if not f.startswith("socket:")],
             [os.path.join(root.path, "hello.txt")],
             "besides them, only the file they all fetched")
    check_eq(len(idle), claimed, "idle connections served, as logged")
    check(len(idle) >= LIMIT // 2,
          "at least half the descriptors serve connections (%d)" %
          len(idle))
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
    fds = open_fds(engine)
    files = set(f for f in fds if re.search(r"/big\d{3}\.bin$", f))
    n200, n503 = sts.count(200), sts.count(503)
    print("%d files sending, %d answered 503, others %r; the engine has "
          "%d descriptors open, %d of them distinct big files" %
          (n200, n503, [s for s in sts if s not in (200, 503)], len(fds),
           len(files)))
    check(n200 > 0 and n503 > 0 and n200 + n503 == NBIG,
          "files while descriptors last, then 503")
    check_eq(len(files), n200,
             "a file is open in the engine for each 200, none for a 503")
    check(len(fds) >= LIMIT * 3 // 4,
          "files are refused only once three quarters of the descriptors "
          "are in use (%d of %d)" % (len(fds), LIMIT))
    check(len(fds) < LIMIT, "and one is always left to refuse with")
    check("no descriptor left for a file" in srv.log(),
          "the engine logs that files lack descriptors")
    check(srv.engine_pid() == engine and "fatal" not in srv.log() and
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
