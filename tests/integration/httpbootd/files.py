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

"""httpbootd serves files byte-exact to curl and wget, from 0 bytes to a
1 GiB image, with HEAD, every form of Range, conditional requests,
content-derived ETags that two servers agree on, content types,
keep-alive, pipelining, HTTP/1.0 and IPv6."""

import os
import random
import shutil
import socket
import struct
import sys
import threading
import time

import hbtest
import nbtest
from hbtest import curl, one, get
from nbtest import check, check_eq

binary = sys.argv[1]
ns = hbtest.setup("nbhttpfiles")
root = nbtest.TempDir()
root2 = nbtest.TempDir()
data = {
    "zero.bin": b"",
    "one.bin": b"x",
    "4k.img": os.urandom(4096),
    "odd.efi": os.urandom(1000003),
    "mid.iso": os.urandom(24 << 20),
    "menu.ipxe": b"#!ipxe\nchain ipxe.efi\n",
    "sub/file.txt": b"in a subdirectory\n",
    "data.bin": os.urandom(100),
}
for name, content in data.items():
    root.file(name, content)

# A sparse 1 GiB image with data at its start, middle and end.
big = os.path.join(root.path, "big.iso")
marks = {0: os.urandom(4096), 512 << 20: os.urandom(4096),
         (1 << 30) - 4096: os.urandom(4096)}
with open(big, "wb") as f:
    f.truncate(1 << 30)
    for off, blob in marks.items():
        f.seek(off)
        f.write(blob)
os.chmod(big, 0o644)
big_sha = hbtest.sha256_file(big)

srv = hbtest.Server(binary, root.path, block="""
	type "bin" "application/x-netboot-test"
	cache-control "public, max-age=30"
""")
srv2 = None


def sha(b):
    import hashlib
    return hashlib.sha256(b).hexdigest()


try:
    # GET and HEAD, curl and wget, every size.
    for name, content in sorted(data.items()):
        url = srv.url("/" + name)
        h, n, rc, err = hbtest.fetch_hash(["curl", "-sS", "--fail", url])
        check(rc == 0 and h == sha(content) and n == len(content),
              "curl GET %s: %d bytes, sha256 matches" % (name, n))
        h, n, rc, err = hbtest.fetch_hash(["wget", "-q", "-O", "-", url])
        check(rc == 0 and h == sha(content),
              "wget GET %s: %d bytes, sha256 matches" % (name, n))
        st, hd, body = curl("-I", url)
        check_eq((st, hd.get("content-length"), body), (200,
                 str(len(content)), b""), "HEAD " + name)
    t0 = time.monotonic()
    h, n, rc, err = hbtest.fetch_hash(["curl", "-sS", "--fail",
                                       srv.url("/big.iso")])
    check(rc == 0 and h == big_sha and n == 1 << 30,
          "curl GET 1 GiB sparse image byte-exact (%.1fs)" %
          hbtest.elapsed(t0))
    t0 = time.monotonic()
    h, n, rc, err = hbtest.fetch_hash(["wget", "-q", "-O", "-",
                                       srv.url("/big.iso")])
    check(rc == 0 and h == big_sha and n == 1 << 30,
          "wget GET 1 GiB sparse image byte-exact (%.1fs)" %
          hbtest.elapsed(t0))
    st, hd, _ = curl("-I", srv.url("/big.iso"))
    check_eq((st, hd.get("content-length"), hd.get("accept-ranges")),
             (200, str(1 << 30), "bytes"), "HEAD of the 1 GiB image")

    # Content types.
    for name, want in (("odd.efi", "application/efi"),
                       ("mid.iso", "application/vnd.efi-iso"),
                       ("4k.img", "application/vnd.efi-img"),
                       ("menu.ipxe", "text/plain"),
                       ("data.bin", "application/x-netboot-test"),
                       ("sub/file.txt", "text/plain")):
        st, hd, _ = curl("-I", srv.url("/" + name))
        check_eq(hd.get("content-type"), want, "Content-Type of " + name)
    check_eq(hd.get("cache-control"), "public, max-age=30",
             "Cache-Control from the configuration")

    # Range, every form, on the 4 KiB file.
    d4 = data["4k.img"]
    u4 = srv.url("/4k.img")
    etag = curl("-I", u4)[1].get("etag", "")
    lastmod = curl("-I", u4)[1].get("last-modified", "")
    check(len(etag) == 34 and etag.startswith('"') and etag.endswith('"'),
          "strong ETag of 128 bits: " + etag)
    for rng, status, want, crange in (
            ("bytes=0-99", 206, d4[:100], "bytes 0-99/4096"),
            ("bytes=4000-", 206, d4[4000:], "bytes 4000-4095/4096"),
            ("bytes=-100", 206, d4[-100:], "bytes 3996-4095/4096"),
            ("bytes=100-100", 206, d4[100:101], "bytes 100-100/4096"),
            ("bytes=4000-99999", 206, d4[4000:], "bytes 4000-4095/4096"),
            ("bytes=-99999", 206, d4, "bytes 0-4095/4096"),
            ("bytes=0-99999999999999999999999999", 206, d4,
             "bytes 0-4095/4096"),
            ("bytes=4096-", 416, None, "bytes */4096"),
            ("bytes=99999999999999999999999999-", 416, None, "bytes */4096"),
            ("bytes=-0", 416, None, "bytes */4096"),
            ("bytes=0-1,10-20", 200, d4, None),
            ("bytes=100-50", 200, d4, None),
            ("lines=1-2", 200, d4, None),
            ("bytes=x-y", 200, d4, None)):
        st, hd, body = curl("-H", "Range: " + rng, u4)
        ok = st == status and hd.get("content-range") == crange
        if want is not None:
            ok = ok and body == want
        check(ok, "Range %s: %s %s" % (rng, st, hd.get("content-range")))
    st, hd, body = curl("-H", "Range: bytes=%d-" % ((1 << 30) - 4096),
                        srv.url("/big.iso"))
    check(st == 206 and body == marks[(1 << 30) - 4096],
          "Range at the end of the 1 GiB image")
    st, hd, body = curl("-H", "Range: bytes=%d-%d" % (512 << 20,
                        (512 << 20) + 4095), srv.url("/big.iso"))
    check(st == 206 and body == marks[512 << 20],
          "Range in the middle of the 1 GiB image")
    st, hd, body = curl("-I", "-H", "Range: bytes=0-9", u4)
    check_eq((st, hd.get("content-length")), (200, "4096"),
             "HEAD ignores Range")

    # If-Range.
    st, hd, body = curl("-H", "Range: bytes=0-9", "-H", "If-Range: " + etag,
                        u4)
    check(st == 206 and body == d4[:10], "If-Range with the ETag: 206")
    st, hd, body = curl("-H", "Range: bytes=0-9", "-H",
                        'If-Range: "0000"', u4)
    check(st == 200 and body == d4, "If-Range with another ETag: 200")
    st, hd, body = curl("-H", "Range: bytes=0-9", "-H",
                        "If-Range: " + lastmod, u4)
    check(st == 206 and body == d4[:10], "If-Range with Last-Modified: 206")
    st, hd, body = curl("-H", "Range: bytes=0-9", "-H",
                        "If-Range: Mon, 01 Jan 2001 00:00:00 GMT", u4)
    check(st == 200 and body == d4, "If-Range with an older date: 200")

    # Conditional requests.
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    future = "Fri, 01 Jan 2100 00:00:00 GMT"
    for hdr, status in (("If-None-Match: " + etag, 304),
                        ('If-None-Match: "aa", ' + etag, 304),
                        ("If-None-Match: *", 304),
                        ('If-None-Match: "aa"', 200),
                        ("If-None-Match: W/" + etag, 304),
                        ("If-Modified-Since: " + lastmod, 304),
                        ("If-Modified-Since: " + old, 200),
                        ("If-Match: " + etag, 200),
                        ('If-Match: "wrong"', 412),
                        ("If-Match: W/" + etag, 412),
                        ("If-Unmodified-Since: " + old, 412),
                        ("If-Unmodified-Since: " + future, 200),
                        ("If-Unmodified-Since: " + lastmod, 200)):
        st, hd, body = curl("-H", hdr, u4)
        ok = st == status
        if status == 304:
            ok = ok and body == b"" and hd.get("etag") == etag
        if status == 200:
            ok = ok and body == d4
        check(ok, "%s: %s" % (hdr, st))
    st, hd, body = curl("-H", "If-None-Match: " + etag, "-H",
                        "If-Modified-Since: " + old, u4)
    check_eq(st, 304, "If-None-Match wins over If-Modified-Since")
    # A firmware resuming: Range with If-Match.
    st, hd, body = curl("-H", "Range: bytes=1000-", "-H", "If-Match: " + etag,
                        u4)
    check(st == 206 and body == d4[1000:], "Range with If-Match resumes")
    st, hd, body = curl("-H", "Range: bytes=1000-", "-H",
                        'If-Match: "changed"', u4)
    check_eq(st, 412, "Range with a stale If-Match")

    # ETags: derived from the content, equal on another server holding a
    # copy with other times and another inode; they change with it.
    os.makedirs(os.path.join(root2.path, "copy"))
    for name in ("mid.iso", "4k.img", "zero.bin"):
        dst = os.path.join(root2.path, "copy", name)
        shutil.copyfile(os.path.join(root.path, name), dst)
        os.chmod(dst, 0o644)
        os.utime(dst, (1000000000, 1000000000))
    srv2 = hbtest.Server(binary, root2.path, port=81)
    for name in ("mid.iso", "4k.img", "zero.bin"):
        a = curl("-I", srv.url("/" + name))[1]
        b = curl("-I", srv2.url("/copy/" + name))[1]
        check(a.get("etag") == b.get("etag") and
              a.get("last-modified") != b.get("last-modified"),
              "replicas agree on the ETag of %s: %s" % (name, a.get("etag")))
    tags = set(curl("-I", srv.url("/" + n))[1].get("etag")
               for n in data)
    check_eq(len(tags), len(data), "different files, different ETags")
    # If-Match from one replica works on the other (firmware resume).
    st, hd, body = curl("-H", "Range: bytes=10-19", "-H", "If-Match: " + etag,
                        srv2.url("/copy/4k.img"))
    check(st == 206 and body == d4[10:20],
          "If-Match with another replica's ETag")
    f2 = os.path.join(root2.path, "copy", "4k.img")
    with open(f2, "r+b") as f:
        f.write(b"changed!")
    st, hd, body = curl(srv2.url("/copy/4k.img"))
    check(hd.get("etag") != etag and body[:8] == b"changed!",
          "the ETag follows a change of content: " + hd.get("etag", ""))

    # A file replaced by rename: served old or new, but always with its
    # own ETag, and the new one within a second or so.
    tag_old = curl("-I", srv.url("/data.bin"))[1].get("etag")
    new = os.urandom(100)
    tmp = os.path.join(root.path, ".data.new")
    with open(tmp, "wb") as f:
        f.write(new)
    os.chmod(tmp, 0o644)
    os.rename(tmp, os.path.join(root.path, "data.bin"))
    st, hd, body = curl(srv.url("/data.bin"))
    check((body, hd.get("etag")) == (data["data.bin"], tag_old) or
          (body == new and hd.get("etag") != tag_old),
          "just after a rename: one version with its own ETag")
    time.sleep(1.3)
    st, hd, body = curl(srv.url("/data.bin"))
    check(body == new and hd.get("etag") != tag_old,
          "after a second: the new file with a new ETag")
    data["data.bin"] = new

    # Keep-alive: curl reuses the connection for two URLs.
    p = nbtest.run(["curl", "-sv", "-o", "/dev/null", "-o", "/dev/null",
                    u4, srv.url("/one.bin")], check_rc=False)
    check("Re-using existing connection" in p.stderr.decode(),
          "curl reuses the connection for a second request")

    # Pipelining: three requests in one send, answered in order.
    c = hbtest.Conn(srv.port)
    c.send(get("/4k.img") + b"HEAD /odd.efi HTTP/1.1\r\nHost: t\r\n\r\n" +
           get("/one.bin", extra="Connection: close\r\n"))
    r1 = c.response()
    r2 = c.response(head=True)
    r3 = c.response()
    check(r1[0] == 200 and r1[2] == d4, "pipelined 1: GET 4k.img")
    check(r2[0] == 200 and r2[1].get("content-length") == "1000003",
          "pipelined 2: HEAD odd.efi")
    check(r3[0] == 200 and r3[2] == b"x" and
          r3[1].get("connection") == "close", "pipelined 3: GET one.bin")
    check(c.closed(), "closed after Connection: close")
    c.close()

    # HTTP/1.0: closes unless asked to keep alive.
    c = hbtest.Conn(srv.port)
    c.send(b"GET /one.bin HTTP/1.0\r\n\r\n")
    st, hd, body = c.response()
    check(st == 200 and body == b"x" and hd.get("connection") == "close" and
          c.closed(), "HTTP/1.0 request, then close")
    c.close()
    c = hbtest.Conn(srv.port)
    c.send(b"GET /one.bin HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    st, hd, body = c.response()
    c.send(b"GET /data.bin HTTP/1.0\r\n\r\n")
    st2, hd2, body2 = c.response()
    check(st == 200 and hd.get("connection") == "keep-alive" and
          body2 == data["data.bin"], "HTTP/1.0 keep-alive")
    c.close()
    st, hd, body = one(srv.port, b"GET http://t/one.bin HTTP/1.1\r\n"
                       b"Host: t\r\n\r\n")
    check(st == 200 and body == b"x", "absolute-form target")

    # No listings: a directory and the root are 404.
    for path in ("/sub", "/sub/", "/"):
        check_eq(curl(srv.url(path))[0], 404, "directory %s: 404" % path)
    check_eq(curl(srv.url("/nonexistent"))[0], 404, "missing file: 404")

    # IPv6.
    h, n, rc, err = hbtest.fetch_hash(["curl", "-sS", "-g", "--fail",
                                       srv.url("/odd.efi", "::1")])
    check(rc == 0 and h == sha(data["odd.efi"]), "GET over IPv6")

    # Clients that reset their connection in the middle of downloads
    # (a firmware giving up, a user pressing a key) harm no one else.
    def abort_one(n):
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(get("/mid.iso"))
        got = 0
        while got < n:
            d = s.recv(1 << 20)
            if not d:
                break
            got += len(d)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        s.close()

    for rnd in range(20):
        ts = [threading.Thread(target=abort_one, args=(
            random.randint(1 << 20, 12 << 20),)) for i in range(16)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    h, n, rc, err = hbtest.fetch_hash(["curl", "-sS", "--fail",
                                       srv.url("/mid.iso")])
    check(srv.d.proc.poll() is None and h == sha(data["mid.iso"]),
          "320 downloads reset midway, then one in full")

    # The access log.
    reqs = srv.requests()
    check(any(r.get("client") == "::1" and r.get("path") == "/odd.efi" and
              r.get("status") == "200" and r.get("bytes") == "1000003"
              for r in reqs), "access log line of the IPv6 GET")
    check(any(r.get("method") == "GET" and r.get("path") == "/big.iso" and
              r.get("bytes") == str(1 << 30) and r.get("ms", "").isdigit()
              for r in reqs), "access log line of the 1 GiB GET")
    check(any(r.get("method") == "HEAD" and r.get("status") == "200"
              for r in reqs), "access log line of a HEAD")
    check(any(r.get("status") == "416" for r in reqs),
          "access log line of a 416")
finally:
    if srv2 is not None:
        srv2.stop()
    srv.stop()
    root.cleanup()
    root2.cleanup()
    ns.delete()
nbtest.done()
