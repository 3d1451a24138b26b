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

"""A thousand idle keep-alive connections cost httpbootd little memory and
do not slow down a client that downloads meanwhile; they are all still
served afterwards.  Prints the engine's RSS per idle connection."""

import os
import sys
import time

import hbtest
import nbtest
from hbtest import get
from nbtest import check, check_eq

NIDLE = 1000
binary = sys.argv[1]
ns = hbtest.setup("nbhttpidle")
limit = hbtest.raise_nofile()
if limit < NIDLE + 100:
    ns.delete()
    nbtest.skip("descriptor limit %d is too low for %d connections" %
                (limit, NIDLE))
root = nbtest.TempDir()
root.file("hello.txt", b"hello\n")
blob = os.urandom(64 << 20)
root.file("image.iso", blob)
blob_sha = hbtest.sha256_file(os.path.join(root.path, "image.iso"))

srv = hbtest.Server(binary, root.path, block="""
	max connections 5000
	max connections per-client 5000
	timeout idle 300
	timeout header 300
""")
conns = []
try:
    engine = srv.engine_pid()
    lim = open("/proc/%d/limits" % engine).read()
    line = [x for x in lim.splitlines() if x.startswith("Max open files")]
    fields = line[0].split() if line else []
    check(len(fields) >= 5 and fields[3] == fields[4],
          "engine raised its descriptor limit: " + " ".join(fields[3:5]))

    # Warm up: one request, so that the buffers are there before.
    c = hbtest.Conn(srv.port)
    c.send(get("/hello.txt"))
    c.response()
    c.close()
    time.sleep(0.3)
    rss0 = hbtest.rss_kib(engine)
    hbtest.open_idle(srv.port, NIDLE, conns)
    check_eq(len(conns), NIDLE, "idle keep-alive connections open")
    time.sleep(0.5)
    rss1 = hbtest.rss_kib(engine)
    per = (rss1 - rss0) * 1024.0 / NIDLE
    print("engine RSS %d KiB before, %d KiB with %d idle connections: "
          "%.0f bytes each" % (rss0, rss1, NIDLE, per))
    check(per < 1024, "RSS per idle connection under 1 KiB (%.0f bytes)" %
          per)
    nfd = len(os.listdir("/proc/%d/fd" % engine))
    check(nfd >= NIDLE, "engine holds %d descriptors" % nfd)

    # A download while they idle.
    for i in range(2):
        t0 = time.monotonic()
        h, n, rc, err = hbtest.fetch_hash(["curl", "-sS", "--fail",
                                           srv.url("/image.iso")])
        took = hbtest.elapsed(t0)
        check(rc == 0 and h == blob_sha and took < 10,
              "64 MiB download beside %d idle connections (%.2fs)" %
              (NIDLE, took))

    # Every idle connection is still served.
    ok = 0
    for c in conns:
        c.send(get("/hello.txt"))
        st, hd, body = c.response()
        ok += st == 200 and body == b"hello\n"
    check_eq(ok, NIDLE, "idle connections served again")
    check_eq(sum(1 for r in srv.requests() if r.get("method") == "HEAD"),
             NIDLE, "access log lines of the HEADs")
finally:
    for c in conns:
        c.close()
    srv.stop()
    root.cleanup()
    ns.delete()
nbtest.done()
