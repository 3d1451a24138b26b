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

"""httpbootd refuses what it should with the right status: methods,
oversized and malformed requests, request bodies, paths that try to leave
the root in every encoding; it answers 503 with Retry-After past its
connection limits, times out slow and idle clients, and a slowloris
client does not hold up others."""

import os
import select
import sys
import threading
import time

import hbtest
import nbtest
from hbtest import curl, one, get
from nbtest import check, check_eq

binary = sys.argv[1]
ns = hbtest.setup("nbhttplimits")
hbtest.raise_nofile()
top = nbtest.TempDir()
os.makedirs(os.path.join(top.path, "root", "sub"))
rootdir = os.path.join(top.path, "root")
secret = b"SECRET-OUTSIDE-THE-ROOT\n"
with open(os.path.join(top.path, "secret"), "wb") as f:
    f.write(secret)
with open(os.path.join(rootdir, "hello.txt"), "wb") as f:
    f.write(b"hello\n")
with open(os.path.join(rootdir, "sub", "a.txt"), "wb") as f:
    f.write(b"a\n")
bigdata = os.urandom(32 << 20)	# more than the socket buffers hold
with open(os.path.join(rootdir, "big.img"), "wb") as f:
    f.write(bigdata)
os.symlink(os.path.join(top.path, "secret"), os.path.join(rootdir, "abs"))
os.symlink("../secret", os.path.join(rootdir, "rel"))
os.symlink("sub/a.txt", os.path.join(rootdir, "inside"))
os.mkfifo(os.path.join(rootdir, "fifo"))
for d in (top.path, rootdir, os.path.join(rootdir, "sub")):
    os.chmod(d, 0o755)

srv = hbtest.Server(binary, rootdir, block="""
	timeout header 3
	timeout idle 3
	timeout send 3
	max connections 40
	max connections per-client 30
""")


def status_of(data, head=False):
    try:
        return one(srv.port, data, head)
    except (EOFError, ConnectionError) as e:
        return (None, {}, str(e).encode())


try:
    # Methods.
    for m in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"):
        st, hd, body = status_of(("%s /hello.txt HTTP/1.1\r\nHost: t\r\n"
                                  "\r\n" % m).encode())
        check(st == 405 and hd.get("allow") == "GET, HEAD",
              "%s: 405 with Allow" % m)
    st, hd, body = status_of(b"BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n")
    check(st == 501 and hd.get("allow") == "GET, HEAD", "BREW: 501")
    st, hd, body = status_of(b"get /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n")
    check_eq(st, 501, "methods are case-sensitive")

    # Sizes, framing, syntax.
    st, hd, body = status_of(get("/" + "a" * 5000))
    check_eq(st, 414, "a 5000-byte target")
    st, hd, body = status_of(get("/hello.txt", extra="X-Big: %s\r\n" %
                                 ("b" * 9000)))
    check_eq(st, 431, "a 9000-byte field")
    st, hd, body = status_of(get("/hello.txt", extra="".join(
        "X-F%d: v\r\n" % i for i in range(120))))
    check_eq(st, 431, "120 fields")
    st, hd, body = status_of(get("/hello.txt", extra="Transfer-Encoding: "
                                 "chunked\r\n") + b"5\r\nhello\r\n0\r\n\r\n")
    check_eq(st, 501, "Transfer-Encoding on a request")
    st, hd, body = status_of(get("/hello.txt", extra="Transfer-Encoding: "
                                 "chunked\r\nContent-Length: 5\r\n") +
                             b"hello")
    check_eq(st, 400, "Transfer-Encoding with Content-Length")
    st, hd, body = status_of(get("/hello.txt", extra="Content-Length: 5\r\n"
                                 "Content-Length: 5\r\n") + b"hello")
    check_eq(st, 400, "two Content-Length fields")
    st, hd, body = status_of(get("/hello.txt", extra="Content-Length: "
                                 "100000\r\n"))
    check_eq(st, 413, "a body too large to discard")
    st, hd, body = status_of(b"GET /hello.txt HTTP/1.1\r\n\r\n")
    check_eq(st, 400, "HTTP/1.1 without Host")
    st, hd, body = status_of(b"GET /hello.txt HTTP/1.1\r\nHost t\r\n\r\n")
    check_eq(st, 400, "a field without a colon")
    st, hd, body = status_of(b"GET /hello.txt HTTP/1.1\r\nHost: t\r\n"
                             b" folded\r\n\r\n")
    check_eq(st, 400, "obs-fold")
    st, hd, body = status_of(b"GET /hello.txt HTTP/2.0\r\nHost: t\r\n\r\n")
    check_eq(st, 505, "HTTP/2.0 in a request line")
    st, hd, body = status_of(b"GET  /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n")
    check_eq(st, 400, "two spaces in the request line")
    st, hd, body = status_of(b"HEAD /" + b"a" * 5000 + b" HTTP/1.1\r\n"
                             b"Host: t\r\n\r\n", head=True)
    check(st == 414 and body == b"", "an error to a HEAD has no body")

    # A body on a GET is discarded, and the next request still parsed.
    c = hbtest.Conn(srv.port)
    c.send(get("/hello.txt", extra="Content-Length: 11\r\n") +
           b"hello world" + get("/sub/a.txt"))
    r1, r2 = c.response(), c.response()
    check(r1[0] == 200 and r1[2] == b"hello\n" and r2[0] == 200 and
          r2[2] == b"a\n", "a GET with a body, then a pipelined GET")
    c.close()
    c = hbtest.Conn(srv.port)
    c.send(get("/hello.txt", extra="Content-Length: 20000\r\n"))
    r1 = c.response()
    c.send(b"z" * 20000 + get("/sub/a.txt"))
    r2 = c.response()
    check(r1[0] == 200 and r2[0] == 200 and r2[2] == b"a\n",
          "a 20000-byte body sent after the response is drained")
    c.close()

    # Paths leaving the root, in many spellings: never the secret.
    for path, want in (("/../secret", 400),
                       ("/%2e%2e/secret", 400),
                       ("/%2E%2E/secret", 400),
                       ("/..%2fsecret", 400),
                       ("/sub/..%2f..%2fsecret", 400),
                       ("/sub/../../secret", 400),
                       ("/sub/%2e%2e/%2e%2e/secret", 400),
                       ("/%2fetc/passwd", 400),
                       ("/%5c..%5csecret", 400),
                       ("/..\\secret", 400),
                       ("/hello.txt%00.png", 400),
                       ("/hello%0a.txt", 400),
                       ("/%zz", 400),
                       ("/%252e%252e/secret", 404),
                       ("/abs", 404),
                       ("/rel", 404),
                       ("/fifo", 404),
                       ("//etc/passwd", 404)):
        st, hd, body = status_of(get(path))
        check(st == want and secret not in body, "%s: %s" % (path, st))
    log = srv.log()
    for frag in ('path="/../secret"', 'path="/..%2fsecret"',
                 'path="/%2fetc/passwd"', 'path="abs"', 'path="rel"',
                 'path="/..\\134secret"', 'path="/hello.txt%00.png"'):
        check('refused client=127.0.0.1 %s' % frag in log,
              "refusal logged: " + frag)
    for path, want in (("/./hello.txt", b"hello\n"),
                       ("/sub/./a.txt", b"a\n"),
                       ("/sub//a.txt", b"a\n"),
                       ("/%68ello.txt", b"hello\n"),
                       ("/inside", b"a\n")):
        st, hd, body = status_of(get(path))
        check(st == 200 and body == want, "%s: 200" % path)
    st, hd, body = curl("--path-as-is", srv.url("/sub/../../secret"))
    check(st == 400 and secret not in body, "curl --path-as-is ../..: 400")

    # Slowloris: one header byte a second holds up nobody and is cut
    # off by the header timeout (3 s) from its first byte, with a 408.
    slow_results = []

    def slowloris(result):
        c = hbtest.Conn(srv.port, timeout=15)
        t0 = time.monotonic()
        req = get("/hello.txt", extra="X-Slow: " + "s" * 20 + "\r\n")
        try:
            for b in req:
                if select.select([c.s], [], [], 0)[0]:
                    break  # the server answered
                c.send(bytes([b]))
                time.sleep(1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            result["resp"] = c.response()
        except (EOFError, ConnectionError, OSError) as e:
            result["resp"] = (None, {}, str(e))
        result["t"] = hbtest.elapsed(t0)
        c.close()

    slows = []
    for i in range(10):
        slow_results.append({})
        slows.append(threading.Thread(target=slowloris,
                                      args=(slow_results[-1],)))
    for t in slows:
        t.start()
    time.sleep(1.5)
    t0 = time.monotonic()
    fast = []
    for i in range(5):
        h, n, rc, err = hbtest.fetch_hash(["curl", "-sS", "--fail",
                                           srv.url("/big.img")])
        fast.append(rc == 0 and h == hbtest.sha256_file(
            os.path.join(rootdir, "big.img")))
    took = hbtest.elapsed(t0)
    check(all(fast) and took < 2.5,
          "5 downloads of 8 MiB while 10 slowloris clients trickle "
          "(%.2fs)" % took)
    for t in slows:
        t.join()
    for i, r in enumerate(slow_results):
        check(r.get("resp", (None,))[0] == 408 and
              2.5 <= r.get("t", 0) <= 6,
              "slowloris %d answered %s after %.1fs (want 408 after "
              "3 s)" % (i, r.get("resp", (None,))[0], r.get("t", 0)))

    # Idle keep-alive connections are closed after timeout idle (3 s).
    c = hbtest.Conn(srv.port)
    c.send(get("/hello.txt"))
    c.response()
    time.sleep(1.5)
    c.send(get("/hello.txt"))
    check_eq(c.response()[0], 200, "a request 1.5s into the idle time")
    t0 = time.monotonic()
    check(c.closed(6) and 2.5 <= hbtest.elapsed(t0) <= 4.5,
          "closed when idle for 3s (%.1fs)" % hbtest.elapsed(t0))
    c.close()
    # A connection that sends nothing gets the header timeout.
    c = hbtest.Conn(srv.port)
    t0 = time.monotonic()
    check(c.closed(6) and 2.5 <= hbtest.elapsed(t0) <= 4.5,
          "silent connection closed after 3s (%.1fs)" % hbtest.elapsed(t0))
    c.close()

    # A reader that stalls is dropped after timeout send (3 s); one that
    # reads slowly but steadily is not.
    c = hbtest.Conn(srv.port)
    c.send(get("/big.img"))
    check(not nbtest.wait_for(lambda: "wait=send" in srv.log(), 2.5),
          "a stalled reader is not dropped before 3s")
    check(nbtest.wait_for(lambda: "timeout client=127.0.0.1 wait=send" in
                          srv.log(), 3), "it is dropped after 3s")
    check(c.closed(10) and len(c.buf) < len(bigdata),
          "before it had the whole file (%d bytes)" % len(c.buf))
    c.close()
    c = hbtest.Conn(srv.port)
    c.send(get("/big.img"))
    t0 = time.monotonic()
    while hbtest.elapsed(t0) < 7:
        c.buf += c.s.recv(256 << 10)
        time.sleep(0.5)
    st, hd, body = c.response()
    check(st == 200 and body == bigdata,
          "a slow steady reader (512 KB/s for 7s, more than 1 MiB per "
          "timeout send) gets the whole file")
    c.close()

    # Per-client limit (30): the 31st connection of 127.0.0.1 gets a
    # 503 with Retry-After, while 127.0.0.2 is still served.
    conns = [hbtest.Conn(srv.port) for i in range(30)]
    for c in conns[:5]:
        c.send(get("/hello.txt"))
        c.response()
    st, hd, body = status_of(get("/hello.txt"))
    check(st == 503 and hd.get("retry-after") == "5",
          "31st connection of a client: 503, Retry-After: 5")
    c2 = hbtest.Conn(srv.port, source="127.0.0.2")
    c2.send(get("/hello.txt"))
    check_eq(c2.response()[0], 200, "another client is still served")
    # Total limit (40): the 41st connection from anyone is refused.
    more = [hbtest.Conn(srv.port, source="127.0.0.3") for i in range(9)]
    c3 = hbtest.Conn(srv.port, source="127.0.0.4")
    c3.send(get("/hello.txt"))
    st, hd, body = c3.response()
    check(st == 503 and hd.get("retry-after") == "5" and c3.closed(),
          "41st connection: 503 with Retry-After, then closed")
    c3.close()
    check("refused client=127.0.0.4 status=503" in srv.log(),
          "the 503 is logged")
    # Freed slots are served again.
    for c in conns + more:
        c.close()
    time.sleep(0.5)
    st, hd, body = status_of(get("/hello.txt"))
    check_eq(st, 200, "served again once connections closed")
    c2.close()
    check(srv.d.proc.poll() is None, "the daemon is still running")
finally:
    srv.stop()
    top.cleanup()
    ns.delete()
nbtest.done()
