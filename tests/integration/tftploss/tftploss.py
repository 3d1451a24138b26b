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

"""tftpd under packet loss.  In a network namespace of its own, nftables
drops UDP datagrams on lo at random (numgen random: the kernel has no
netem), which on loopback hits both directions, requests, OACKs, DATA
and ACKs alike, one datagram at a time (GSO trains are cut up first).
At 5% and at 20% a 2 MiB download must complete byte for byte at
windowsize 1, 4 and 64, fetched with tests/bench/tftpload (and, at 5%,
with atftp when it is installed).

In a window, tftpd takes a repeated ACK as a loss report and resends at
once, but at most once a round trip, so that duplicates never double
the traffic; in lockstep, and when that report is lost too, a lost block
costs one server timeout, 1 s at the least (RFC 2349), so the block size
goes up as the window goes down and the loss rate up, to keep the test
within about two minutes: at 5%, 33 blocks of 65464 bytes at windowsize 1, 257
of 8192 at 4 and 1429 of 1468 at 64; at 20%, 33 of 65464, 129 of 16384
and 1049 of 2000 (tftpd keeps a window within 128 KiB, so 64 blocks
must be smaller than 2044 bytes)."""

import hashlib
import os
import re
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import nbtest  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

SIZE = 2 * 1024 * 1024
# (windowsize, blksize) by loss rate.
CASES = {5: [(1, 65464), (4, 8192), (64, 1468)],
         20: [(1, 65464), (4, 16384), (64, 2000)]}

TABLE = """
table inet nbloss {
	chain input {
		type filter hook input priority 0; policy accept;
		meta l4proto udp numgen random mod 100 < %d counter drop
	}
}
"""

# The daemon as installed: timeout and retries at their defaults (1 s,
# 5), the same rule test_tftp.c's loss simulation drives.
CONF = """
tftpd {
	listen on 127.0.0.1 port 69
	root "%(root)s"
	user "nobody"
}
"""


PLAIN = """
table inet nbprobe {
	chain input {
		type filter hook input priority 0; policy accept;
		meta l4proto udp counter
	}
}
"""


def require_numgen(ns):
    """Skips, naming what the kernel lacks, when nftables cannot drop at
    random in a namespace of ours."""
    r = ns.exec("nft", "-f", "-", input=PLAIN.encode(), check_rc=False)
    if r.returncode != 0:
        nbtest.skip("nftables cannot load a table in a new network "
                    "namespace (kernel without nf_tables?): " +
                    r.stderr.decode().strip())
    ns.exec("nft", "delete", "table", "inet", "nbprobe", check_rc=False)
    ok, why = set_loss(ns, 0)
    if not ok:
        nbtest.skip("nftables has no 'numgen random' here (kernel without "
                    "the numgen expression, nft_numgen): " + why)


def set_loss(ns, rate):
    ns.exec("nft", "delete", "table", "inet", "nbloss", check_rc=False)
    r = ns.exec("nft", "-f", "-", input=(TABLE % rate).encode(),
                check_rc=False)
    return r.returncode == 0, r.stderr.decode().strip()


def dropped(ns):
    out = ns.exec("nft", "list", "table", "inet", "nbloss").stdout.decode()
    m = re.search(r"counter packets (\d+)", out)
    return int(m.group(1)) if m else -1


def summary(text):
    m = re.search(r"^transfers=.*$", text, re.M)
    if m is None:
        return {}
    return dict(kv.split("=", 1) for kv in m.group(0).split())


def fetch(ns, tftpload, path, window, blksize, dally=1500):
    """One download; the client retransmits every 250 ms, gives up after
    a minute without progress (the server backs off exponentially), and
    dallies to answer a resent last block, so that the server sees the
    end too."""
    cmd = [tftpload, "-b", str(blksize), "-w", str(window), "-t",
           "-T", "250", "-r", "240", "-D", str(dally), "-l", path,
           "127.0.0.1", os.path.basename(path)]
    try:
        r = ns.exec(*cmd, check_rc=False, timeout=120)
    except subprocess.TimeoutExpired:
        return {}, "tftpload timed out"
    return summary(r.stdout.decode()), r.stderr.decode().strip()


def server_says(d, since):
    """The server's log lines about transfers since an offset."""
    return [line for line in d.logtext()[since:].splitlines()
            if "transfer" in line]


def test_tftpload(ns, d, tftpload, path, rate):
    before = dropped(ns)
    for window, blksize in CASES[rate]:
        what = "%d%% loss, windowsize %d, blksize %d" % (rate, window,
                                                        blksize)
        mark = len(d.logtext())
        s, err = fetch(ns, tftpload, path, window, blksize)
        if not check(s.get("ok") == "1", what + ": download completes " +
                     "byte-exact" + ("" if s.get("ok") == "1" else
                                     " (%s)" % (err or s))):
            print("\n".join(server_says(d, mark)[-5:]))
            continue
        check_eq(int(s["bytes"]), SIZE, what + ": bytes")
        check_eq((int(s["blksize"]), int(s["windowsize"])),
                 (blksize, window), what + ": negotiated blksize, window")
        print("   %s: %s s, %s client timeouts, %s re-ACKs" % (
            what, s["seconds"], s["timeouts"], s["reacks"]))
    check(dropped(ns) > before, "%d%%: nftables dropped packets (%d)" %
          (rate, dropped(ns) - before))


def test_atftp(ns, path, work, want):
    out = os.path.join(work.path, "atftp.out")
    try:
        ns.exec("atftp", "--tftp-timeout", "1", "--option", "blksize 8192",
                "--option", "windowsize 4", "-g", "-r",
                os.path.basename(path), "-l", out, "127.0.0.1", "69",
                check_rc=False, timeout=120)
    except subprocess.TimeoutExpired:
        pass
    got = b""
    if os.path.exists(out):
        with open(out, "rb") as f:
            got = f.read()
    check_eq(hashlib.sha256(got).hexdigest(), want,
             "5% loss: atftp (blksize 8192, windowsize 4) gets the file")


def run(ns, tftpd, tftpload, root, work):
    data = os.urandom(SIZE)
    want = hashlib.sha256(data).hexdigest()
    path = root.file("boot.img", data)
    conf = work.file("tftpd.conf", (CONF % {"root": root.path}).encode())
    # tftpd sends a window as UDP GSO trains, which lo passes on whole
    # and nftables would drop whole.  One segment per packet makes the
    # kernel cut them up before lo, so that each datagram takes its own
    # chance, as on a wire.
    ns.ip("link", "set", "dev", "lo", "gso_max_segs", "1")
    d = nbtest.Daemon(tftpd, conf, netns=ns.name)
    try:
        if not check(d.wait_started(), "tftpd starts"):
            print(d.logtext())
            return
        s, err = fetch(ns, tftpload, path, 4, 1468, dally=0)
        if not check(s.get("ok") == "1", "no loss: the file comes through"
                     + ("" if s.get("ok") == "1" else " (%s)" % err)):
            print(d.logtext()[-2000:])
            return
        for rate in sorted(CASES):
            ok, why = set_loss(ns, rate)
            if not check(ok, "nft drops %d%%: %s" % (rate, why)):
                continue
            test_tftpload(ns, d, tftpload, path, rate)
            if rate == 5:
                test_atftp(ns, path, work, want)
        set_loss(ns, 0)
        s, _ = fetch(ns, tftpload, path, 64, 1468, dally=0)
        check_eq(s.get("ok"), "1", "tftpd still serves after the losses")
        check(d.proc.poll() is None, "tftpd is still running")
    finally:
        d.stop()


def main():
    # meson's timeout sends SIGTERM: clean up the namespace all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    nbtest.require_root()
    nbtest.require_prog("nft", "ip", "atftp")
    tftpd, tftpload = sys.argv[1:3]
    root = nbtest.TempDir()
    work = nbtest.TempDir()
    ns = nbtest.Netns("nbloss")
    try:
        require_numgen(ns)
        run(ns, tftpd, tftpload, root, work)
    finally:
        ns.delete()
        root.cleanup()
        work.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
