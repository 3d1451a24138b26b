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

"""A malformed Host header (a bad port, a bad IPv6 literal) is answered
400 and logged with its reason; well-formed ones, IPv6 literals with a
port included, are served.  curl sends what it is told; raw sockets send
what curl would not."""

import sys

import hbtest
import nbtest
from hbtest import curl, get, one
from nbtest import check, check_eq

binary = sys.argv[1]
ns = hbtest.setup("nbhttphost")
root = nbtest.TempDir()
root.file("hello.txt", b"hello\n")
srv = hbtest.Server(binary, root.path)
try:
    for host in ("a:99999", "a:80x", "[::1", "[::1]x", "[zz::1]:80",
                 "[10.0.0.1]", "a]b"):
        st, hd, body = curl("-H", "Host: " + host, srv.url("/hello.txt"))
        check_eq(st, 400, "Host: %s: 400" % host)
    for host in ("[::1]:80", "localhost:80", "[::1]", "boot.example"):
        st, hd, body = curl("-H", "Host: " + host, srv.url("/hello.txt"))
        check_eq((st, body), (200, b"hello\n"), "Host: %s: served" % host)
    st, hd, body = one(srv.port, get("/hello.txt", host="Host: a%zz\r\n"))
    check_eq(st, 400, "Host: a%zz (a bad escape): 400")
    st, hd, body = one(srv.port, get("/hello.txt", host=""))
    check_eq(st, 400, "HTTP/1.1 without Host: 400")
    reasons = [r.get("reason") for r in srv.requests()
               if r.get("status") == "400"]
    check_eq(reasons.count("malformed Host header"), 8,
             "each malformed Host logged with its reason")
    check_eq(reasons.count("no Host header"), 1,
             "the missing Host logged with its reason")
finally:
    srv.stop()
    root.cleanup()
    ns.delete()
nbtest.done()
