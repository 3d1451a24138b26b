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

"""tftpd against hostile and broken clients, with raw UDP sockets: path
traversal in many spellings, symlinks out of the root, overlong names,
broken requests and option lists, write requests, stray and future
ACKs, errors and strangers in the middle of a transfer, clients that
stop answering, the session limit.  Each gets the answer the RFCs ask
for and a log line, and the server goes on serving everyone else."""

import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tftplib  # noqa: E402
from tftplib import ACK, DATA, ERROR, OACK, RRQ, WRQ  # noqa: E402,F401
import nbtest  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

nbtest.require_root()
nbtest.require_prog("atftp", "curl")
TFTPD = sys.argv[1]
# Short timers, so that the clients who stop answering are given up on
# within seconds: 1 s, then 2 s, then 4 s.
EXTRA = "\ttimeout 1\n\tretries 2\n"
HOST = "127.0.0.1"


class Stop(Exception):
    pass


def make_tree(srv):
    big = os.urandom(1 << 20)
    srv.root.file("f1m", big)
    srv.root.file("hello.txt", b"hello\n")
    srv.root.file("secret", b"root only\n", mode=0o600)
    os.makedirs(os.path.join(srv.root.path, "sub"))
    os.mkfifo(os.path.join(srv.root.path, "fifo"), 0o644)
    os.symlink("/etc/passwd", os.path.join(srv.root.path, "escape"))
    os.symlink("../../../../../../../../etc/passwd",
               os.path.join(srv.root.path, "escape2"))
    os.symlink("hello.txt", os.path.join(srv.root.path, "inside"))
    return tftplib.sha(big)


def answer(pkt, timeout=3.0):
    """Sends one datagram to port 69 from a fresh port; the parsed
    answer (None, () when none came)."""
    c = tftplib.Client(HOST)
    op, f = c.first(pkt, timeout)
    if op in (DATA, OACK):
        c.send(tftplib.error(0, "test done"))
    c.close()
    return op, f


def expect_error(pkt, code, what, msg=None):
    op, f = answer(pkt)
    ok = check_eq((op, f[0] if f else None), (ERROR, code),
                  what + ": ERROR %d" % code)
    if ok and msg is not None:
        check_eq(f[1], msg, what + ": message")
    return f


def test_traversal(srv):
    for name in ["../etc/passwd", "..\\..\\etc\\passwd", "/../../etc/passwd",
                 "a/../../b", "sub/../hello.txt", "..", "./..", "/..",
                 "\\..\\hello.txt", "sub/..", "a/b/c/../../../../x",
                 "hello.txt/..", "a\x01b", "new\nline"]:
        expect_error(tftplib.rrq(name), 2, "traversal %r" % name)
    check(srv.wait_log("file=../etc/passwd code=2 reason=\"'..' in path\""),
          "traversal: logged with the reason")
    check(srv.wait_log("file=new\\012line code=2"),
          "traversal: control characters are escaped in the log")
    for name in ["escape", "escape2", "/escape"]:
        expect_error(tftplib.rrq(name), 2, "symlink out of the root %r" %
                     name)
    check(srv.wait_log("file=escape code=2 reason=\"path leaves the root\""),
          "symlink out of the root: logged")
    r = tftplib.download(HOST, "inside")
    check_eq(r.data, b"hello\n", "a symlink inside the root is served")
    r = tftplib.download(HOST, "\\sub\\..\\..\\hello.txt")
    check(r.error is not None and r.error[0] == 2, "backslash traversal "
          "refused")
    r = tftplib.download(HOST, "\\hello.txt")
    check_eq(r.data, b"hello\n", "backslashes are separators, a leading "
             "one names the root")
    for name in ["....//hello.txt", "%2e%2e/etc/passwd", "nosuchfile"]:
        expect_error(tftplib.rrq(name), 1, "not found %r" % name)
    expect_error(tftplib.rrq("/"), 1, "the root itself")
    expect_error(tftplib.rrq("sub"), 2, "a directory")
    expect_error(tftplib.rrq("fifo"), 2, "a FIFO (and no hang)")
    expect_error(tftplib.rrq("secret"), 2, "an unreadable file")


def test_names(srv):
    expect_error(tftplib.rrq("a" * 300), 1, "a 300-byte name")
    expect_error(tftplib.rrq("a/" * 2500), 2, "a 5000-byte path")
    expect_error(tftplib.rrq("b" * 65000), 2, "a 65000-byte name")
    m = srv.wait_re(r"refused client=\S+ file=(b+)\.\.\. code=2")
    check(m is not None and len(m.group(1)) == 200,
          "a long name is cut in the log")
    expect_error(b"\0\1hello.txt\0", 4, "missing mode")
    expect_error(b"\0\1hello.txt", 4, "name without NUL")
    expect_error(b"\0\1\0octet\0", 4, "empty name")
    expect_error(tftplib.rrq("hello.txt", "binary"), 4, "unknown mode",
                 b"unknown transfer mode")
    expect_error(tftplib.rrq("hello.txt", "mail"), 4, "mail mode")
    expect_error(tftplib.rrq("hello.txt", "octe"), 4, "mode 'octe'")
    expect_error(b"\0\1hello.txt\0octet", 4, "mode without NUL")
    op, _ = answer(b"\0", 1.0)
    check_eq(op, None, "one byte: no answer (even a bare ERROR would be "
             "5 times larger)")
    f = expect_error(b"\0\1x\0", 4, "a 4-byte request")
    check_eq(f[1] if f else None, b"", "a 4-byte request: the ERROR "
             "without its message, within twice the request")
    expect_error(b"\0\x07hello.txt\0octet\0", 4, "opcode 7")
    expect_error(tftplib.ack(1), 4, "an ACK to port 69")
    op, _ = answer(tftplib.error(0, "hi"), 1.0)
    check_eq(op, None, "an ERROR to port 69 gets no answer")
    check(srv.wait_log("code=4 reason=\"unknown transfer mode\""),
          "bad requests are logged")


def test_options(srv):
    base = tftplib.rrq("hello.txt")
    expect_error(base + b"blksize\0", 8, "option without value")
    expect_error(base + b"blksize\0" + b"1024", 8, "value without NUL")
    expect_error(base + b"\0x\0y\0", 8, "empty option name")
    op, f = answer(base + b"\0\0\0")
    check_eq((op, f[0] if f else None), (DATA, 1), "NUL padding after the "
             "mode is accepted")
    r = tftplib.download(HOST, "f1m", [("blksize", "1024"),
                                       ("BLKSIZE", "2048")])
    check_eq((r.oack, len(r.data)), (None, 1 << 20), "a duplicated option "
             "is ignored, the file served at 512")
    r = tftplib.download(HOST, "hello.txt", [("blksize", "1024"),
                                             ("tsize", "0"),
                                             ("blksize", "2048")])
    check_eq(r.oack, [(b"tsize", b"6")], "a duplicated option is dropped, "
             "the others kept")
    for v in ["12abc", "", "-1", "+8", " 512", "0x200"]:
        r = tftplib.download(HOST, "hello.txt", [("blksize", v)])
        check_eq((r.oack, r.data), (None, b"hello\n"), "blksize %r "
                 "ignored" % v)
    r = tftplib.download(HOST, "hello.txt", [("blksize",
                                              "9" * 40)])
    check_eq(r.oack, [(b"blksize", b"65464")], "a huge blksize is clamped")
    many = [("x%d" % i, "1") for i in range(1000)]
    expect_error(tftplib.rrq("hello.txt", "octet", many), 8, "1000 options",
                 b"too many options")
    lim = [("x%d" % i, "1") for i in range(63)] + [("blksize", "1024")]
    r = tftplib.download(HOST, "hello.txt", lim)
    check_eq(r.oack, [(b"blksize", b"1024")], "64 options are accepted")
    f = expect_error(tftplib.request(WRQ, "hello.txt"), 2, "a WRQ")
    check(srv.wait_log("reason=\"write request\""), "a WRQ is logged")
    expect_error(tftplib.request(WRQ, "new.txt", "octet",
                                 [("tsize", "10")]), 2, "a WRQ with tsize")
    check(not os.path.exists(os.path.join(srv.root.path, "new.txt")),
          "nothing was written")


def test_acks(srv, digest):
    """Duplicate and future ACKs are ignored: no block is sent twice."""
    def hook(c, block):
        if block == 5:
            c.send(tftplib.ack(4))          # repeats the last ACK
            c.send(tftplib.ack(105))        # a block never sent
            c.send(tftplib.ack(65000))      # far away
    c = tftplib.Client(HOST)
    r = tftplib.download(HOST, "f1m", on_block=hook, client=c)
    port = c.sock.getsockname()[1]
    c.close()
    check(r.error is None and tftplib.sha(r.data) == digest,
          "stray ACKs: the transfer completes byte-exact")
    check_eq(r.dups, 0, "stray ACKs: no block came twice")
    check(srv.wait_log("transfer done client=127.0.0.1:%d file=f1m "
                       "bytes=1048576 " % port), "stray ACKs: logged")
    m = srv.wait_re(r"client=127\.0\.0\.1:%d file=f1m .* retransmits=(\d+)" %
                    port)
    check(m is not None and m.group(1) == "0", "stray ACKs: nothing "
          "retransmitted")

    # The same with a window: an ACK inside the window moves it on,
    # the repeated one does not resend.
    def whook(c, block):
        if block == 40:
            c.send(tftplib.ack(30))
            c.send(tftplib.ack(30))
    r = tftplib.download(HOST, "f1m", [("windowsize", "16")],
                         on_block=whook)
    check(r.error is None and tftplib.sha(r.data) == digest,
          "window with early ACKs: byte-exact")


def test_client_error(srv):
    c = tftplib.Client(HOST)

    def hook(c, block):
        if block == 10:
            c.send(tftplib.error(0, "user abort"))
            raise Stop()
    try:
        tftplib.download(HOST, "f1m", on_block=hook, client=c)
    except Stop:
        pass
    port = c.sock.getsockname()[1]
    pkt, _ = c.recv(2.5)
    c.close()
    check_eq(pkt, None, "ERROR mid-transfer: the server stops sending")
    check(srv.wait_log("transfer aborted client=127.0.0.1:%d file=f1m "
                       "code=0 message=\"user abort\" bytes=" % port),
          "ERROR mid-transfer: logged with code and message")

    # f1m is 2048 blocks of 512: a client that knows the size (GRUB) may
    # acknowledge the last full block and close before the empty one.
    c = tftplib.Client(HOST)

    def last(c, block):
        if block == 2048:
            c.send(tftplib.ack(2048))
            c.send(tftplib.error(0, "closed"))
            raise Stop()
    try:
        tftplib.download(HOST, "f1m", on_block=last, client=c)
    except Stop:
        pass
    port = c.sock.getsockname()[1]
    c.close()
    check(srv.wait_log("transfer done client=127.0.0.1:%d file=f1m "
                       "bytes=1048576 " % port) and
          "transfer aborted client=127.0.0.1:%d " % port not in srv.log(),
          "ERROR after every byte was acknowledged: a transfer done, "
          "not aborted")

    c = tftplib.Client(HOST)

    def bad(c, block):
        if block == 3:
            c.send(b"\0\3\0\4data")
            raise Stop()
    try:
        tftplib.download(HOST, "f1m", on_block=bad, client=c)
    except Stop:
        pass
    got = None
    for _ in range(5):
        pkt, _ = c.recv(2)
        if pkt is None:
            break
        op, f = tftplib.parse(pkt)
        if op == ERROR:
            got = f[0]
            break
    c.close()
    check_eq(got, 4, "DATA from a reading client: ERROR 4")


def test_wrong_tid(srv, digest):
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger.settimeout(3)
    seen = {}

    def hook(c, block):
        if block == 10:
            stranger.sendto(tftplib.ack(10), c.tid)
            try:
                pkt, addr = stranger.recvfrom(1000)
                seen["reply"] = tftplib.parse(pkt)
                seen["from"] = addr
            except socket.timeout:
                pass
    r = tftplib.download(HOST, "f1m", on_block=hook)
    stranger.close()
    rep = seen.get("reply")
    check(rep is not None and rep[0] == ERROR and rep[1][0] == 5,
          "wrong TID: the stranger gets ERROR 5 (%r)" % (rep,))
    check(r.error is None and tftplib.sha(r.data) == digest,
          "wrong TID: the real transfer goes on, byte-exact")
    check(srv.wait_log("wrong transfer ID client=127.0.0.1:"),
          "wrong TID: logged")


def count_first(c, want_op, secs):
    """The first packets (DATA 1 or OACK) that come within secs."""
    n = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        pkt, _ = c.recv(secs - (time.monotonic() - t0))
        if pkt is None:
            break
        op, f = tftplib.parse(pkt)
        if op == want_op and (op == OACK or f[0] == 1):
            n += 1
    return n


def test_silent_clients(srv):
    """A client that never acknowledges may never have asked: its first
    packet goes once, once more only if it asks again, and the transfer
    ends quietly after the leash (twice the timeout, at least 2 s).  A
    client that has acknowledged gets resends with back-off, then is
    given up with a log line."""
    c = tftplib.Client(HOST)
    c.send(tftplib.rrq("f1m"))
    n = count_first(c, DATA, 6)
    port = c.sock.getsockname()[1]
    check_eq(n, 1, "silent client: DATA 1 sent once, no resend")
    check(srv.wait_log("transfer abandoned client=127.0.0.1:%d file=f1m "
                       "reason=\"first block not acknowledged\"" % port, 5),
          "silent client: let go after the leash (a debug line)")
    check("transfer failed client=127.0.0.1:%d " % port not in srv.log(),
          "silent client: no failure logged")
    c.close()

    c = tftplib.Client(HOST)
    req = tftplib.rrq("f1m")
    c.send(req)
    first = count_first(c, DATA, 0.5)
    c.send(req)
    again = count_first(c, DATA, 0.5)
    c.send(req)
    third = count_first(c, DATA, 0.5)
    check_eq((first, again, third), (1, 1, 0), "the same request thrice: "
             "DATA 1 once, once more, then no more")
    c.close()

    c = tftplib.Client(HOST)
    c.send(tftplib.rrq("f1m", "octet", [("tsize", "0")]))
    oacks = count_first(c, OACK, 6)
    port = c.sock.getsockname()[1]
    c.close()
    check_eq(oacks, 1, "tsize probe: the OACK sent once")
    check(srv.wait_log("transfer abandoned client=127.0.0.1:%d file=f1m "
                       "reason=\"OACK not acknowledged\"" % port, 5),
          "tsize probe: ends quietly (a debug line)")
    check("transfer failed client=127.0.0.1:%d " % port not in srv.log(),
          "tsize probe: no failure logged")

    c = tftplib.Client(HOST)
    op, f = c.first(tftplib.rrq("f1m"))
    c.send(tftplib.ack(1))
    times = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < 12:
        pkt, _ = c.recv(12 - (time.monotonic() - t0))
        if pkt is None:
            break
        op, f = tftplib.parse(pkt)
        if op == DATA and f[0] == 2:
            times.append(time.monotonic() - t0)
    port = c.sock.getsockname()[1]
    c.close()
    check_eq(len(times), 3, "client silent after ACK 1: DATA 2 sent, "
             "then resent twice (retries 2)")
    if len(times) == 3:
        check(times[2] - times[1] > 1.2 * (times[1] - times[0]),
              "silent client: the interval grows (%.1f s, %.1f s)" %
              (times[1] - times[0], times[2] - times[1]))
    check(srv.wait_log("transfer failed client=127.0.0.1:%d file=f1m "
                       "reason=\"timed out\"" % port, 5),
          "client silent after ACK 1: given up with a log line")


def test_repeated_request(srv, digest):
    """A request sent again before the first answer arrived does not
    start a second transfer."""
    c = tftplib.Client(HOST)
    req = tftplib.rrq("f1m", "octet", [("blksize", "1024")])
    c.send(req)
    c.send(req)
    tids = set()
    t0 = time.monotonic()
    while time.monotonic() - t0 < 1.5:
        pkt, addr = c.recv(0.3)
        if pkt is not None:
            tids.add(addr)
    check_eq(len(tids), 1, "repeated request: one transfer")
    c.tid = tids.pop() if tids else None
    c.send(tftplib.ack(0))
    data = b""
    last = 0
    while c.tid is not None:
        pkt, addr = c.recv(3)
        if pkt is None:
            break
        op, f = tftplib.parse(pkt)
        if op != DATA or f[0] != (last + 1) & 0xffff:
            continue
        last += 1
        data += f[1]
        c.send(tftplib.ack(last))
        if len(f[1]) < 1024:
            break
    c.close()
    check_eq(tftplib.sha(data), digest, "repeated request: byte-exact")


def test_probe_then_download(srv, digest):
    """EDK2 asks for the size first and then downloads; should a client
    do both from one port, the second request replaces the first."""
    c = tftplib.Client(HOST)
    op, _ = c.first(tftplib.rrq("f1m", "octet", [("tsize", "0")]))
    probe = c.tid
    check_eq(op, OACK, "probe: OACK")
    c.tid = None
    r = tftplib.download(HOST, "f1m", [("tsize", "0"), ("blksize", "1024")],
                         client=c)
    port = c.sock.getsockname()[1]
    check(r.error is None and c.tid != probe and
          tftplib.sha(r.data) == digest, "probe then download from one "
          "port: a new transfer, byte-exact")
    pkt, addr = c.recv(2.5)
    c.close()
    check(pkt is None, "probe then download: the probe's transfer is gone "
          "(%r)" % (addr,))
    check(srv.wait_log("transfer abandoned client=127.0.0.1:%d file=f1m "
                       "reason=\"new request\"" % port),
          "probe then download: logged (debug)")


def test_file_shrinks(srv):
    """A file cut short while it is sent ends the transfer with ERROR 0,
    never with a short block that a client would take for the end of the
    file: blocks read into the buffer (1468) and blocks spliced from the
    page cache (65464) alike."""
    for blksize, cut in ((1468, 15000), (65464, 140000)):
        what = "file cut short at blksize %d" % blksize
        path = os.path.join(srv.root.path, "shrink")
        with open(path, "wb") as f:
            f.write(os.urandom(1 << 20))

        def hook(c, block):
            if block == 2:
                os.truncate(path, cut)
        c = tftplib.Client(HOST, timeout=1.0)
        r = tftplib.download(HOST, "shrink", [("blksize", str(blksize))],
                             timeout=1.0, on_block=hook, client=c)
        port = c.sock.getsockname()[1]
        c.close()
        check(r.error is not None and r.error[0] == 0,
              what + ": ERROR 0 (%r)" % (r.error,))
        check(len(r.data) < cut and len(r.data) % blksize == 0,
              what + ": only whole blocks from before the cut (%d bytes)"
              % len(r.data))
        check(srv.wait_log("transfer failed client=127.0.0.1:%d "
                           "file=shrink reason=\"file shrank\"" % port),
              what + ": logged")


def test_max_sessions(srv, digest):
    check(srv.reload(EXTRA + "\tmax sessions 2\n"), "max sessions 2 loaded")
    held = []
    for _ in range(2):
        c = tftplib.Client(HOST)
        op, _ = c.first(tftplib.rrq("f1m"))
        c.send(tftplib.ack(1))		# acknowledged: it keeps its place
        c.recv(2)			# DATA 2: the ACK is in
        held.append(c)
        check_eq(op, DATA, "a session within the limit")
    op, f = answer(tftplib.rrq("hello.txt"))
    check_eq((op, f[0] if f else None, f[1] if f else None),
             (ERROR, 0, b"server busy"), "past the limit: ERROR 0 server "
             "busy")
    check(srv.wait_log("code=0 reason=\"max sessions reached\""),
          "past the limit: logged")
    for c in held:
        c.send(tftplib.error(0, "bye"))
        c.close()
    time.sleep(0.3)
    r = tftplib.download(HOST, "f1m")
    check_eq(tftplib.sha(r.data), digest, "sessions end, room again")
    # Sessions nobody acknowledged give way to a new request.
    held = []
    for _ in range(2):
        c = tftplib.Client(HOST)
        c.first(tftplib.rrq("f1m"))
        held.append(c)
    r = tftplib.download(HOST, "f1m")
    check_eq(tftplib.sha(r.data), digest, "two unacknowledged sessions: "
             "the oldest makes room for a real client")
    check(srv.wait_log("reason=\"made room for a new request\""),
          "made room: logged (debug)")
    for c in held:
        c.close()
    check(srv.reload(), "back to the test settings")


def test_still_serving(srv, digest):
    work = srv.work.path
    out = os.path.join(work, "after")
    p = nbtest.run(["atftp", "--option", "blksize 1468", "--option",
                    "windowsize 16", "-g", "-r", "f1m", "-l", out, HOST],
                   check_rc=False, timeout=60)
    check(p.returncode == 0 and tftplib.file_sha(out) == digest,
          "after all that, atftp is served byte-exact")
    p = nbtest.run(["curl", "-s", "tftp://[::1]/f1m"], check_rc=False,
                   timeout=60)
    check_eq(tftplib.sha(p.stdout), digest, "and curl over IPv6 too")


def main():
    srv = tftplib.Server(TFTPD, "nbtftpb", EXTRA)
    try:
        digest = make_tree(srv)
        if not check(srv.start(), "tftpd starts"):
            return
        engine = srv.daemon.engine_pid()
        test_traversal(srv)
        test_names(srv)
        test_options(srv)
        test_acks(srv, digest)
        test_client_error(srv)
        test_wrong_tid(srv, digest)
        test_repeated_request(srv, digest)
        test_probe_then_download(srv, digest)
        test_silent_clients(srv)
        test_file_shrinks(srv)
        test_max_sessions(srv, digest)
        test_still_serving(srv, digest)
        check_eq(srv.daemon.engine_pid(), engine, "the same engine served "
                 "it all")
    finally:
        if os.environ.get("NB_TEST_LOG"):
            print(srv.log())
        srv.stop()
    nbtest.done()


main()
