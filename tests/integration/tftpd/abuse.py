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

"""tftpd against an attacker on the boot network who sends requests in
other hosts' names and never acknowledges: sessions that nobody
acknowledges end after a short leash and give way to new requests (max
sessions 4 and four requests asking timeout 255 locked a real client out
for 200 s; now not at all); one address holds no more than its share of sessions; answers and ERRORs to
one address are rate limited whatever ports it uses; and a session ends
at its lifetime, however slowly its client acknowledges and whatever
timeout it asked for.  Meanwhile tftp-hpa, a real client on another
address, is served."""

import os
import re
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "dhcpd-proxy"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import proxytest as pt  # noqa: E402
import nbtest  # noqa: E402
import spoof  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

VICTIMS = ["10.77.0.%d" % i for i in range(90, 100)]
RATE = 10

CONF = """
tftpd {
	listen on %(srv)s port 69
	root "%(root)s"
	user "nobody"
	timeout 1
	retries 2
	max sessions 4
	max sessions per-client 2
	ratelimit %(rate)d
	lifetime 10
}
"""

nbtest.require_root()
nbtest.require_prog("tftp")
try:
    import scapy  # noqa: F401
except ImportError:
    nbtest.skip("python3-scapy is not installed")
tftpd = sys.argv[1]
sc = None


def rrq(name, opts=()):
    b = b"\0\1" + name + b"\0octet\0"
    for k, v in opts:
        b += k + b"\0" + v + b"\0"
    return b


def spoofed(src, payload, sport=40000):
    sc.send(sc.IP(src=src, dst=pt.SRV4) / sc.UDP(sport=sport, dport=69) /
            sc.Raw(payload), iface=pt.CLI_IF)


def real_get(work, name="hello.txt"):
    """tftp-hpa from the client's own address: the file, or None (it
    leaves an empty file when refused)."""
    out = os.path.join(work.path, "got")
    if os.path.exists(out):
        os.unlink(out)
    nbtest.run(["tftp", "-m", "binary", pt.SRV4, "-c", "get", name, out],
               check_rc=False, timeout=30)
    data = open(out, "rb").read() if os.path.exists(out) else b""
    return data or None


def test_leash(d, sn, work):
    """The issue's case: max sessions 4, four never-acknowledged
    requests asking timeout 255, from four addresses.  A real client
    takes the oldest one's place at once (it was locked out 200 s), and
    the others are let go after the leash (10 s at most)."""
    sn.take()
    for i, v in enumerate(VICTIMS[:4]):
        spoofed(v, rrq(b"big.bin", [(b"timeout", b"255")]), 40100 + i)
    time.sleep(0.3)
    t0 = time.monotonic()
    got = real_get(work)
    check(got == b"hello\n", "with four unacknowledged sessions in max "
          "sessions 4, a real client is served (%.1f s)" %
          (time.monotonic() - t0))
    # The engine writes held lines when its loop waits, which a busy
    # sd-event (the sessions' timers) may put off by 100 ms.
    check(nbtest.wait_for(lambda: "reason=\"made room for a new "
                          "request\"" in d.logtext(), 2),
          "the oldest unacknowledged session made room")
    check(nbtest.wait_for(lambda: d.logtext().count(
        'reason="OACK not acknowledged"') >= 3, 11),
        "the other three let go after the leash, a line each")
    check(time.monotonic() - t0 < 11, "within the leash (%.1f s)" %
          (time.monotonic() - t0))
    oacks = [x for x in sn.take() if x[0] in VICTIMS[:4]]
    check_eq(len(oacks), 4, "each never-acknowledged request got one OACK, "
             "none resent")


def test_per_client(d, sn, work):
    """One address, many ports: two sessions, then 'server busy'."""
    time.sleep(1.1)
    sn.take()
    v = VICTIMS[5]
    for i in range(4):
        spoofed(v, rrq(b"big.bin"), 40200 + i)
    time.sleep(0.5)
    got = [x for x in sn.take() if x[0] == v]
    data = [x for x in got if x[4][:2] == b"\0\3"]
    errors = [x for x in got if x[4][:2] == b"\0\5"]
    check_eq((len(data), len(errors)), (2, 2), "four requests from one "
             "address: two sessions, two refused")
    check(errors and errors[0][4] == b"\0\5\0\0server busy\0",
          "the refusal: ERROR 0 \"server busy\", within twice the request")
    check(nbtest.wait_for(lambda: "reason=\"max sessions per client "
                          "reached\"" in d.logtext(), 2),
          "the refusal logged with its reason")
    check_eq(real_get(work), b"hello\n", "another address is served "
             "meanwhile")


def test_rate(d, sn):
    """Fifty requests from one address on fifty ports, for a missing
    file: ERRORs within the rate, the rest dropped and counted."""
    time.sleep(1.1)
    sn.take()
    v = VICTIMS[6]
    t0 = time.monotonic()
    sc.send([sc.IP(src=v, dst=pt.SRV4) / sc.UDP(sport=41000 + i, dport=69)
             / sc.Raw(rrq(b"nothere")) for i in range(50)],
            iface=pt.CLI_IF)
    took = time.monotonic() - t0
    time.sleep(1)
    got = [x for x in sn.take() if x[0] == v]
    most = RATE + RATE * took + 1
    check(RATE <= len(got) <= most, "50 requests from one address: %d "
          "answered (ratelimit %d, at most %d)" % (len(got), RATE, most))
    check(re.search(r'refused client=%s:\d+ file=- code=- reason="over the '
                    r'rate limit"' % re.escape(v), d.logtext()),
          "the dropped ones are logged, a line a second")
    lines = d.logtext().count('reason="over the rate limit"')
    check(lines <= 2 + int(took), "%d lines for %d drops" %
          (lines, 50 - len(got)))


def test_lifetime(d):
    """A client that acknowledges every few seconds, asking timeout 255:
    it is cut off at the lifetime (10 s)."""
    time.sleep(1.1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((pt.CLI4, 0))
    s.settimeout(5)
    s.sendto(rrq(b"big.bin", [(b"timeout", b"255")]), (pt.SRV4, 69))
    pkt, tid = s.recvfrom(2048)
    check_eq(pkt[:2], b"\0\6", "lifetime: OACK")
    s.sendto(b"\0\4\0\0", tid)
    t0 = time.monotonic()
    block, err = 0, None
    while time.monotonic() - t0 < 20:
        try:
            pkt, _ = s.recvfrom(2048)
        except socket.timeout:
            break
        op = struct.unpack("!H", pkt[:2])[0]
        if op == 5:
            err = pkt
            break
        if op == 3:
            block = struct.unpack("!H", pkt[2:4])[0]
            time.sleep(3)		# slow, but progress
            s.sendto(b"\0\4" + pkt[2:4], tid)
    took = time.monotonic() - t0
    s.close()
    check(err is not None and err[4:-1] == b"transfer took too long" and
          9 <= took <= 13, "lifetime 10: cut off after %.1f s at block %d "
          "with %r" % (took, block, err))
    check(nbtest.wait_for(lambda: 'reason="lifetime over"' in d.logtext()),
          "lifetime: logged")


link = pt.Link("nbtftpabuse")
root = nbtest.TempDir()
root.file("hello.txt", b"hello\n")
root.file("big.bin", os.urandom(1 << 20))
work = nbtest.TempDir()
conf = work.file("netboot.conf", (CONF % {
    "srv": pt.SRV4, "root": root.path, "rate": RATE}).encode())
d = None
sn = None
try:
    spoof.point_at(link.srv, link.cli, pt.CLI_IF, pt.SRV_IF, *VICTIMS)
    d = nbtest.Daemon(tftpd, conf, netns=link.srv.name)
    if not check(d.wait_started(), "tftpd starts"):
        print(d.logtext())
        sys.exit(1)
    sc, sn = spoof.attack_from(link, pt.CLI_IF)
    test_leash(d, sn, work)
    test_per_client(d, sn, work)
    test_rate(d, sn)
    test_lifetime(d)
    check(d.proc.poll() is None, "tftpd still runs")
finally:
    if sn is not None:
        sn.close()
    if d is not None:
        d.stop()
    link.delete()
    root.cleanup()
    work.cleanup()
nbtest.done()
