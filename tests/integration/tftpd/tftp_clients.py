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

"""tftpd with real clients (atftp, tftp-hpa, curl) and a byte-level
client: byte-exact downloads of every size that matters, block-number
rollover, each option alone and together with the exact OACK, the
configured limits and a reload under a running transfer, netascii,
virtual boot scripts, IPv6, and 200 clients at once."""

import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tftplib  # noqa: E402
from tftplib import ACK, DATA, ERROR, OACK  # noqa: E402,F401
import nbtest  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

nbtest.require_root()
nbtest.require_prog("atftp", "tftp", "curl", "cmp")
TFTPD = sys.argv[1]
NCLIENTS = int(os.environ.get("NB_TFTP_CLIENTS", "200"))

# The concurrent clients all come from one address: more sessions and
# more answers a second than a booting machine needs.
SCRIPTS = """
	script "menu.ipxe" format ipxe
	script "pxelinux.cfg/*" format pxelinux
	script "grub/grub.cfg*" format grub files-first
	bootfile "menu.ipxe"
	max sessions per-client 1000
	ratelimit 0
"""
POLICY = """
menu "main" {
	prompt "Boot menu" timeout 5
	entry "Debian installer" {
		kernel "debian/linux"
		initrd "debian/initrd.gz"
		append "priority=low"
	}
	entry "Local disk" local
}
match subnet ::1/128 { menu "main" }
match mac 52:54:00:12:34:56 { bootfile "special.efi" }
"""

SIZES = {"f0": 0, "f1": 1, "f512": 512, "f2m": 2 << 20, "f40m": 40 << 20}
# Line ends that cross block boundaries, bare CRs, CR LF pairs.
TEXT = (b"line one\n" + b"x" * 502 + b"\r\n" + b"bare\rcr\n" +
        b"y" * 1000 + b"\n\n\r\r" + b"end")


def make_tree(srv):
    digests = {}
    for name, size in SIZES.items():
        data = os.urandom(size)
        srv.root.file(name, data)
        digests[name] = tftplib.sha(data)
    srv.root.file("text.txt", TEXT)
    srv.root.file("menu.ipxe", b"REAL FILE\n")    # the script wins
    srv.root.file("grub/grub.cfg-01-aa-bb-cc-dd-ee-ff", b"REAL GRUB\n")
    return digests


OUT = "@OUT@"


def fetch(cmd, work, timeout=300):
    """Runs a client that writes the file to OUT; returns the sha256 of
    what it wrote, or the client's complaint."""
    out = os.path.join(work.path, "out")
    if os.path.exists(out):
        os.unlink(out)
    cmd = [out if a == OUT else a for a in cmd]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timed out"
    if not os.path.exists(out):
        return "no file, rc %d: %s" % (p.returncode, p.stderr[-200:])
    digest = tftplib.file_sha(out)
    os.unlink(out)
    return digest


def atftp(name, opts=(), host="127.0.0.1", out=OUT):
    cmd = ["atftp"]
    for o in opts:
        cmd += ["--option", o]
    return cmd + ["-g", "-r", name, "-l", out, host]


def tftp_hpa(name, host="127.0.0.1", extra=(), mode="binary"):
    return ["tftp"] + list(extra) + [host, "-m", mode, "-c", "get", name,
                                     OUT]


def curl(name, host="127.0.0.1", extra=()):
    return ["curl", "-s", "-o", OUT] + list(extra) + \
        ["tftp://%s/%s" % (host, name)]


ALL = list(SIZES)
SMALL = ["f0", "f1", "f512", "f2m"]


def test_real_clients(srv, digests):
    clients = [
        ("atftp", lambda n: atftp(n), ALL),
        ("atftp blksize 1468 windowsize 16",
         lambda n: atftp(n, ["blksize 1468", "windowsize 16"]), ALL),
        ("atftp blksize 1024 tsize 0 timeout 2",
         lambda n: atftp(n, ["blksize 1024", "tsize 0", "timeout 2"]),
         SMALL),
        ("atftp windowsize 4", lambda n: atftp(n, ["windowsize 4"]), ALL),
        ("tftp-hpa", lambda n: tftp_hpa(n), ALL),
        ("tftp-hpa -v", lambda n: tftp_hpa(n, extra=["-v"]), SMALL),
        ("curl", lambda n: curl(n), ALL),
        ("curl --tftp-blksize 1468",
         lambda n: curl(n, extra=["--tftp-blksize", "1468"]), ALL),
    ]
    for cname, mk, names in clients:
        for name in names:
            check_eq(fetch(mk(name), srv.work), digests[name],
                     "%s: %s byte-exact" % (cname, name))
    # 40 MiB at blksize 512 is 81921 blocks: the block number wraps.
    m = srv.wait_re(r"transfer done client=127\.0\.0\.1:\d+ file=f40m "
                    r"bytes=41943040 ms=\d+ blksize=512 windowsize=1 "
                    r"retransmits=\d+")
    check(m is not None, "a lockstep 40 MiB transfer at blksize 512 "
          "(rollover) is logged with its options")


def test_speed(srv, digests):
    for opts in (["blksize 1468", "windowsize 64"], ["blksize 1468"]):
        t = time.monotonic()
        ok = fetch(atftp("f40m", opts), srv.work) == digests["f40m"]
        dt = time.monotonic() - t
        check(ok, "atftp %s: 40 MiB byte-exact in %.2f s (%.0f MB/s, "
              "for information)" % (" ".join(opts), dt, 41.94 / dt))


def oack_case(opts, want, name="f2m", digest=None):
    """Downloads with opts; checks the OACK (a list of pairs, None for
    none) and the data."""
    r = tftplib.download("127.0.0.1", name, opts)
    what = "options %r" % (opts,)
    check(r.error is None, what + ": no error (%r)" % (r.error,))
    check_eq(r.oack, want, what + ": OACK")
    if digest is not None:
        check_eq(tftplib.sha(r.data), digest, what + ": byte-exact")


def raw_oack(opts, name="f2m"):
    """The OACK packet's bytes as they came, and the client's TID."""
    c = tftplib.Client()
    c.send(tftplib.rrq(name, b"octet", opts))
    pkt, addr = c.recv(5)
    if addr is not None:
        c.send(tftplib.error(0, "enough"), addr)
    c.close()
    return pkt


def test_options(digests):
    d = digests["f2m"]
    size = str(SIZES["f2m"]).encode()
    # Each option alone.
    oack_case([("blksize", "1468")], [(b"blksize", b"1468")], digest=d)
    oack_case([("tsize", "0")], [(b"tsize", size)], digest=d)
    oack_case([("timeout", "3")], [(b"timeout", b"3")], digest=d)
    oack_case([("windowsize", "16")], [(b"windowsize", b"16")], digest=d)
    # All together, in the client's order and spelling.
    oack_case([("WindowSize", "8"), ("tsize", "0"), ("BLKSIZE", "1432"),
               ("timeout", "2")],
              [(b"WindowSize", b"8"), (b"tsize", size),
               (b"BLKSIZE", b"1432"), (b"timeout", b"2")], digest=d)
    check_eq(raw_oack([("blksize", "1468"), ("tsize", "0")]),
             b"\0\x06blksize\x001468\0tsize\0" + size + b"\0",
             "the OACK packet, byte for byte")
    # Clamped and ignored values.
    oack_case([("blksize", "100000")], [(b"blksize", b"65464")], digest=d)
    oack_case([("blksize", "7")], None, digest=d)
    oack_case([("blksize", "abc")], None, digest=d)
    oack_case([("windowsize", "0")], None, digest=d)
    oack_case([("windowsize", "1000")], [(b"windowsize", b"64")], digest=d)
    oack_case([("timeout", "0")], None, digest=d)
    oack_case([("timeout", "256")], None, digest=d)
    oack_case([("frobnicate", "1")], None, digest=d)
    oack_case([("frobnicate", "1"), ("blksize", "1024")],
              [(b"blksize", b"1024")], digest=d)
    # A window must fit a client's default receive buffer: 128 KiB of
    # DATA, or 4 blocks of any size, which that buffer always takes.
    oack_case([("blksize", "65464"), ("windowsize", "64")],
              [(b"blksize", b"65464"), (b"windowsize", b"4")], digest=d)
    oack_case([("blksize", "8192"), ("windowsize", "64")],
              [(b"blksize", b"8192"), (b"windowsize", b"15")], digest=d)
    # An empty file goes without tsize (curl takes "tsize 0" for an
    # error); an exact multiple of the block size has an empty last block.
    oack_case([("tsize", "0")], None, name="f0", digest=digests["f0"])
    oack_case([("tsize", "0"), ("blksize", "512")],
              [(b"tsize", b"512"), (b"blksize", b"512")], name="f512",
              digest=digests["f512"])


def test_rollover(digests):
    """The byte-level client counts blocks itself: more than 65535 of
    them, at blksize 512 and a window that spans the wrap."""
    r = tftplib.download("127.0.0.1", "f40m", [("windowsize", "16")])
    check(r.error is None, "rollover: no error")
    check_eq(r.blocks, 81921, "rollover: 81921 blocks, the last empty")
    check_eq(tftplib.sha(r.data), digests["f40m"], "rollover: byte-exact")


def test_reload(srv, digests):
    """New limits apply to new transfers; a running one goes on."""
    started = threading.Event()
    resume = threading.Event()
    out = {}

    def pause(c, block):
        if block == 20:
            started.set()
            resume.wait(20)

    def run():
        out["r"] = tftplib.download("127.0.0.1", "f2m",
                                    [("blksize", "1468"),
                                     ("windowsize", "4")],
                                    on_block=pause)
    t = threading.Thread(target=run)
    t.start()
    check(started.wait(10), "reload: a transfer is under way")
    check(srv.reload(srv.conf_extra + "\tblksize max 1024\n"
                     "\twindowsize max 8\n"), "reload: SIGHUP taken")
    oack_case([("blksize", "1468"), ("windowsize", "64")],
              [(b"blksize", b"1024"), (b"windowsize", b"8")],
              digest=digests["f2m"])
    resume.set()
    t.join(60)
    r = out.get("r")
    check(r is not None and r.error is None, "reload: the old transfer "
          "ends well")
    check(r is not None and r.oack == [(b"blksize", b"1468"),
                                       (b"windowsize", b"4")],
          "reload: the old transfer kept its options")
    check(r is not None and tftplib.sha(r.data) == digests["f2m"],
          "reload: the old transfer is byte-exact")
    check(srv.reload(), "reload: back to the defaults")


def test_netascii(srv):
    r = tftplib.download("127.0.0.1", "text.txt",
                         [("tsize", "0"), ("windowsize", "8"),
                          ("blksize", "512")], mode=b"netascii")
    check(r.error is None, "netascii: no error")
    check_eq(r.oack, [(b"windowsize", b"1"), (b"blksize", b"512")],
             "netascii: windowsize 1, no tsize for a file")
    check(r.data == tftplib.netascii(TEXT), "netascii: converted on the "
          "wire (CR LF for LF, CR NUL for CR), across block boundaries")
    r = tftplib.download("127.0.0.1", "text.txt", mode=b"NetAscii")
    check(r.data == tftplib.netascii(TEXT), "netascii: mode is "
          "case-insensitive, default options")
    check_eq(fetch(tftp_hpa("text.txt", mode="netascii"), srv.work),
             tftplib.sha(TEXT), "netascii: tftp-hpa gets the file back")
    # A script in netascii: the converted size is known, tsize is sent.
    r = tftplib.download("127.0.0.1", "menu.ipxe", [("tsize", "0")],
                         mode=b"netascii")
    body = r.data
    want = None
    for k, v in r.oack or []:
        if k == b"tsize":
            want = int(v)
    check_eq(want, len(body), "netascii: a script's tsize is its "
             "converted size")
    check(b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b""),
          "netascii: the script's lines end in CR LF")


def script(name, host="127.0.0.1"):
    r = tftplib.download(host, name, [("tsize", "0")])
    tsize = None
    for k, v in r.oack or []:
        if k == b"tsize":
            tsize = int(v)
    return r, tsize


def test_scripts(srv):
    r, tsize = script("menu.ipxe", "::1")
    body = r.data.decode(errors="replace")
    check(r.error is None and body.startswith("#!ipxe\n"),
          "script: menu.ipxe is an iPXE script, not the real file")
    check("item e1 Debian installer" in body and
          "kernel debian/linux priority=low" in body and
          "initrd debian/initrd.gz" in body,
          "script: the menu of the policy (client ::1 matches a rule)")
    check_eq(tsize, len(r.data), "script: tsize is the rendered length")

    r, _ = script("menu.ipxe")
    body = r.data.decode(errors="replace")
    check(body.startswith("#!ipxe\n") and "chain" not in body,
          "script: no 'chain menu.ipxe' loop for a client whose boot "
          "file is the script itself")
    check("No boot configuration" in body, "script: such a client is "
          "told there is nothing to boot")

    r, _ = script("/pxelinux.cfg/01-52-54-00-12-34-56")
    body = r.data.decode(errors="replace")
    check("KERNEL special.efi" in body, "script: PXELINUX config for the "
          "MAC in the file name (rule match mac)")
    r, _ = script("pxelinux.cfg/01-aa-bb-cc-dd-ee-ff")
    body = r.data.decode(errors="replace")
    check(r.error is None and "special.efi" not in body,
          "script: another MAC gets the default")

    r, _ = script("grub/grub.cfg-01-aa-bb-cc-dd-ee-ff")
    check_eq(r.data, b"REAL GRUB\n", "script: files-first serves the "
             "real file")
    r, _ = script("grub/grub.cfg-01-52-54-00-12-34-56")
    body = r.data.decode(errors="replace")
    check("chainloader /special.efi" in body, "script: files-first "
          "renders when there is no file")
    check(srv.wait_log("transfer done client=127.0.0.1:"),
          "script: transfers are logged")


def test_ipv6(srv, digests):
    check_eq(fetch(curl("f2m", "[::1]"), srv.work), digests["f2m"],
             "IPv6: curl byte-exact")
    check_eq(fetch(tftp_hpa("f2m", "::1", ["-6"]), srv.work),
             digests["f2m"], "IPv6: tftp-hpa byte-exact")
    r = tftplib.download("::1", "f2m", [("blksize", "1468"),
                                        ("windowsize", "16")])
    check(r.error is None and tftplib.sha(r.data) == digests["f2m"],
          "IPv6: windowed byte-exact")


def test_mtu(srv, digests):
    """From a host on an Ethernet link, blksize is capped so that no
    DATA packet is fragmented, and replies come from the address the
    request went to."""
    p = srv.peer_run(["atftp", "--option", "blksize 8000", "--option",
                      "windowsize 16", "-g", "-r", "f2m", "-l",
                      "/dev/stdout", srv.ADDR4])
    check_eq(tftplib.sha(p.stdout), digests["f2m"], "MTU: IPv4 over veth "
             "byte-exact")
    check(srv.wait_log("client=%s:" % srv.PEER4), "MTU: IPv4 transfer "
          "logged")
    check(srv.wait_re(r"client=%s:\d+ file=f2m bytes=2097152 ms=\d+ "
                      r"blksize=1468 windowsize=16 " %
                      re.escape(srv.PEER4)),
          "MTU: blksize 8000 capped to 1468 for a 1500-byte MTU (IPv4)")
    p = srv.peer_run(["curl", "-s", "--tftp-blksize", "8000",
                      "tftp://[%s]/f2m" % srv.ADDR6])
    check_eq(tftplib.sha(p.stdout), digests["f2m"], "MTU: IPv6 over veth "
             "byte-exact")
    check(srv.wait_re(r"client=\[%s\]:\d+ file=f2m bytes=2097152 ms=\d+ "
                      r"blksize=1448 " % re.escape(srv.PEER6)),
          "MTU: blksize 8000 capped to 1448 for a 1500-byte MTU (IPv6)")
    c = tftplib.Client(srv.ADDR4)
    op, _ = c.first(tftplib.rrq("f1"))
    check_eq((op, c.tid and c.tid[0]), (DATA, srv.ADDR4),
             "the reply leaves from the address the request went to")
    c.send(tftplib.ack(1))
    c.close()


def test_concurrent(srv, digests, n):
    """n clients at once fetch the 40 MiB file, all byte-exact."""
    orig = os.path.join(srv.root.path, "f40m")
    cmds = []
    for i in range(n):
        opts = ["blksize 1468", "windowsize %d" % (16 if i % 2 else 8)]
        cmds.append(" ".join("'%s'" % a for a in
                             atftp("f40m", opts, out="/dev/stdout")))
    pat = r"transfer done client=\S+ file=f40m bytes=41943040 "
    before = len(re.findall(pat, srv.log()))
    # Compared as they come: 8 GB written to disk, or hashed, would cost
    # more than the transfers.
    t = time.monotonic()
    procs = [subprocess.Popen(["sh", "-c", "%s 2>/dev/null | cmp -s - '%s' "
                               "&& echo same" % (c, orig)],
                              stdout=subprocess.PIPE) for c in cmds]
    good = 0
    for p in procs:
        try:
            o, _ = p.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            p.kill()
            o, _ = p.communicate()
        good += o.strip() == b"same"
    dt = time.monotonic() - t
    check_eq(good, n, "%d concurrent clients: all byte-exact (%.1f s, "
             "%.0f MB/s together)" % (n, dt, n * 41.94 / dt))
    check(nbtest.wait_for(lambda: len(re.findall(pat, srv.log())) >=
                          before + n),
          "%d concurrent clients: each transfer logged" % n)
    check("server busy" not in srv.log(), "%d concurrent clients: none "
          "turned away" % n)


def main():
    srv = tftplib.Server(TFTPD, "nbtftpc", SCRIPTS, POLICY)
    try:
        digests = make_tree(srv)
        if not check(srv.start(), "tftpd starts"):
            return
        test_options(digests)
        test_rollover(digests)
        test_netascii(srv)
        test_scripts(srv)
        test_ipv6(srv, digests)
        test_mtu(srv, digests)
        test_reload(srv, digests)
        test_real_clients(srv, digests)
        test_speed(srv, digests)
        test_concurrent(srv, digests, NCLIENTS)
        check(srv.engine_alive(), "the engine is still running")
    finally:
        if os.environ.get("NB_TEST_LOG"):
            print(srv.log())
        srv.stop()
    nbtest.done()


main()
