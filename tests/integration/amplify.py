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

"""Reflection and amplification: what tftpd and dhcpd-proxy send toward
an address that never asked, when an attacker on the boot network sends
them packets in that address's name.

The server namespace holds the daemons; the attacker's namespace sends
with scapy from the victim's address (an address nobody holds: the
server's neighbour table points it at the attacker's link, whose kernel
drops what comes, silently), and counts with a packet socket every
datagram the server sends to the victim.  The factor is reply bytes over
request bytes, UDP payloads, as the issue measured.

    amplify.py TFTPD HTTPBOOTD PROXY             a test of the targets
    amplify.py --report [--window S] TFTPD ...   the table, no verdict

The targets: no reply type above 2 times the request, no more than one
reply per request, and per-address limits that hold when the attacker
varies ports, MACs and DUIDs.  Two exceptions, which SECURITY.md
explains: the first DATA block of a request without options is as large
as the protocol makes it, and EDK2's Reply on 4011 goes twice."""

import argparse
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "dhcpd-proxy"))
import proxytest as pt  # noqa: E402
import nbtest  # noqa: E402
import spoof  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

VIC4 = "10.77.0.99"
VIC6 = "2001:db8:77::99"
SRV_MAC = None

ap = argparse.ArgumentParser()
ap.add_argument("--report", action="store_true")
ap.add_argument("--window", type=float, default=5.0,
                help="seconds to count tftpd's replies after each probe")
ap.add_argument("--window-dhcp", type=float, default=3.0,
                help="the same for dhcpd-proxy's")
ap.add_argument("tftpd")
ap.add_argument("httpbootd")
ap.add_argument("proxy")
args = ap.parse_args()

nbtest.require_root()
try:
    import scapy	# noqa: F401; scapy.all is read in the namespace
except ImportError:
    nbtest.skip("python3-scapy is not installed")
sc = None


def send4(payloads, dport, sport=40000, src=VIC4, vary_sport=False):
    pk = []
    for i, p in enumerate(payloads):
        pk.append(sc.IP(src=src, dst=pt.SRV4) /
                  sc.UDP(sport=sport + i if vary_sport else sport,
                         dport=dport) / sc.Raw(p))
    sc.send(pk, iface=pt.CLI_IF)


def send6(payloads, dport, sport=546, src=VIC6, dst=pt.SRV6):
    """On the link, so that multicast needs no route: to the server's
    MAC, or to the group's."""
    if dst.startswith("ff02:"):
        mac = "33:33:" + ":".join("%02x" % b for b in
                                  socket.inet_pton(socket.AF_INET6, dst)[12:])
    else:
        mac = SRV_MAC
    pk = [sc.Ether(dst=mac) / sc.IPv6(src=src, dst=dst) /
          sc.UDP(sport=sport, dport=dport) / sc.Raw(p) for p in payloads]
    sc.sendp(pk, iface=pt.CLI_IF)


def syn(port=80, sport=45000):
    sc.send(sc.IP(src=VIC4, dst=pt.SRV4) /
            sc.TCP(sport=sport, dport=port, flags="S", seq=1000),
            iface=pt.CLI_IF)


ROWS = []


def measure(name, sniffer, send, payloads, ports, to=(VIC4, VIC6),
            window=None):
    """Sends the payloads in the victim's name; counts what comes back to
    it, to the victim's ports the probe used, over the window.  Returns
    (requests, req bytes, replies, reply bytes, seconds to send)."""
    sniffer.take()
    t0 = time.monotonic()
    send()
    took = time.monotonic() - t0
    time.sleep(args.window if window is None else window)
    got = [x for x in sniffer.take() if x[0] in to and x[2] in ports]
    nreq, breq = len(payloads), sum(len(p) for p in payloads)
    nrep, brep = len(got), sum(x[3] for x in got)
    ROWS.append((name, nreq, breq, nrep, brep))
    print("%-52s %5d req %7d B  %5d replies %8d B  %6.2fx  %.2f/req" %
          (name, nreq, breq, nrep, brep, brep / breq if breq else 0,
           nrep / nreq if nreq else 0))
    sys.stdout.flush()
    return nreq, breq, nrep, brep, took


def rrq(name, opts=(), op=1):
    b = struct.pack("!H", op) + name + b"\0octet\0"
    for k, v in opts:
        b += k + b"\0" + v + b"\0"
    return b


def legit_transfer_port():
    """A real transfer from the attacker's own address: its TID port."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((pt.CLI4, 0))
    s.settimeout(3)
    s.sendto(rrq(b"boot.bin"), (pt.SRV4, 69))
    data, peer = s.recvfrom(2048)
    return s, peer[1]


def discover(mac, giaddr="0.0.0.0", ciaddr="0.0.0.0", mtype=1,
             extra=()):
    return pt.dhcp_packet(mac, random.getrandbits(32), mtype=mtype,
                          options=pt.pxe_options(7, pt.X64_CLASS,
                                                 extra=extra),
                          giaddr=giaddr, ciaddr=ciaddr)


def rand_mac():
    return "52:54:00:%02x:%02x:%02x" % tuple(random.getrandbits(8)
                                             for _ in range(3))


def v6msg(mtype, duid):
    m = bytes([mtype]) + os.urandom(3)
    m += struct.pack("!HH", 1, len(duid)) + duid
    m += struct.pack("!HHHHH", 6, 6, 59, 60, 23)
    vc = pt.X64_CLASS
    m += struct.pack("!HHIH", 16, 6 + len(vc), 343, len(vc)) + vc
    m += struct.pack("!HHH", 61, 2, 7) + struct.pack("!HH", 62, 3) + \
        b"\x01\x03\x00"
    if mtype == 1:
        m += struct.pack("!HHIII", 3, 12, 1, 0, 0)
    return m


def duid_ll():
    return struct.pack("!HH", 3, 1) + os.urandom(6)


def duid_uuid():
    return struct.pack("!H", 4) + os.urandom(16)


# Each answer is at most this many times the request that asked for it.
FACTOR = 2.0
# A first DATA block is as large as the protocol makes it: one a request.
DATA_PROBES = ("data", "flood")
# EDK2's 4011 Reply goes twice (answer6.c says why): two a request.
TWICE_PROBES = ("edk2",)
# The per-address limits: a burst of this many, then this many a second.
ADDR_BURST = 100


def verdicts(r):
    for k, (nreq, breq, nrep, brep, took) in r.items():
        if k == "syn":
            continue	# the kernel's SYN-ACKs: see SECURITY.md
        most = 2 if k in TWICE_PROBES else 1
        check(nrep <= most * nreq, "%s: %d replies to %d requests (at "
              "most %d each)" % (k, nrep, nreq, most))
        if k in DATA_PROBES:
            check(brep <= 516 * nrep, "%s: no reply larger than one "
                  "DATA block" % k)
        elif k not in TWICE_PROBES:
            check(brep <= FACTOR * breq, "%s: %d bytes for %d (at most "
                  "%.0f times)" % (k, brep, breq, FACTOR))
    check_eq(r["bcast"][2], 0, "giaddr 255.255.255.255: no broadcast")
    for k in ("macs", "macs4011", "duids"):
        most = ADDR_BURST + ADDR_BURST * r[k][4] + 1
        check(r[k][2] <= most, "%s: the per-address limit holds (%d "
              "replies, at most %d)" % (k, r[k][2], most))


CONF = """
tftpd {
	listen on %(srv4)s port 69
	root "%(root)s"
	user "nobody"
}
httpbootd {
	listen on %(srv4)s port 80
	root "%(root)s"
	user "nobody"
}
dhcpd-proxy {
	listen on interface "%(srvif)s"
	chroot "%(chroot)s"
	user "nobody"
}
match arch x64-uefi { bootfile "ipxe.efi" }
"""

link = pt.Link("nbamp")
root = nbtest.TempDir()
root.file("boot.bin", os.urandom(4000))
chroot = nbtest.TempDir()
work = nbtest.TempDir()
conf = work.file("netboot.conf", (CONF % {
    "srv4": pt.SRV4, "root": root.path, "srvif": pt.SRV_IF,
    "chroot": chroot.path}).encode())
daemons = []
sniffer = None
try:
    spoof.point_at(link.srv, link.cli, pt.CLI_IF, pt.SRV_IF, VIC4, VIC6)
    SRV_MAC = link.srv.exec("cat", "/sys/class/net/%s/address"
                            % pt.SRV_IF).stdout.decode().strip()
    for b in (args.tftpd, args.httpbootd, args.proxy):
        d = nbtest.Daemon(b, conf, netns=link.srv.name)
        daemons.append(d)
        if not check(d.wait_started(), os.path.basename(b) + " starts"):
            print(d.logtext())
            sys.exit(1)
    sc, sniffer = spoof.attack_from(link, pt.CLI_IF)

    print("== tftpd")
    r = {}
    p = [rrq(b"boot.bin")]
    r["data"] = measure("RRQ, no options -> DATA", sniffer,
                        lambda: send4(p, 69, 40000), p, {40000})
    p = [rrq(b"boot.bin", [(b"blksize", b"1468"), (b"tsize", b"0")])]
    r["oack"] = measure("RRQ blksize+tsize -> OACK", sniffer,
                        lambda: send4(p, 69, 40001), p, {40001})
    p = [rrq(b"boot.bin", [(b"timeout", b"255")])]
    r["oack255"] = measure("RRQ timeout 255 -> OACK", sniffer,
                           lambda: send4(p, 69, 40002), p, {40002})
    p = [rrq(b"nothere")]
    r["enoent"] = measure("RRQ, missing file -> ERROR", sniffer,
                          lambda: send4(p, 69, 40003), p, {40003})
    p = [rrq(b"x", op=2)]
    r["wrq"] = measure("WRQ -> ERROR", sniffer,
                       lambda: send4(p, 69, 40004), p, {40004})
    p = [b"\x00\x01x\x00"]
    r["bad"] = measure("malformed RRQ -> ERROR", sniffer,
                       lambda: send4(p, 69, 40005), p, {40005})
    s, tid = legit_transfer_port()
    p = [b"\x00\x04\x00\x01"]
    r["stranger"] = measure("ACK to a transfer's port -> ERROR 5",
                            sniffer, lambda: send4(p, tid, 40006), p,
                            {40006})
    s.close()
    p = [rrq(b"boot.bin")] * 100
    r["flood"] = measure("100 RRQs, 100 source ports -> DATA", sniffer,
                         lambda: send4(p, 69, 41000, vary_sport=True), p,
                         set(range(41000, 41100)))

    print("== httpbootd")
    r["syn"] = measure("SYN -> SYN-ACK (the kernel's)", sniffer,
                       lambda: syn(80, 45000), [b"\0" * 20], {45000})

    print("== dhcpd-proxy")
    args.window = args.window_dhcp
    p = [discover(rand_mac(), giaddr=VIC4)]
    r["relay"] = measure("DISCOVER, giaddr=victim -> OFFER to giaddr:67",
                         sniffer, lambda: send4(p, 67, 67), p, {67})
    p = [discover(rand_mac(), giaddr="255.255.255.255")]
    r["bcast"] = measure("DISCOVER, giaddr=255.255.255.255 -> broadcast",
                         sniffer, lambda: send4(p, 67, 67), p, {67, 68},
                         to=("255.255.255.255",))
    p = [discover(rand_mac(), ciaddr=VIC4)]
    r["ciaddr"] = measure("DISCOVER, ciaddr=victim -> OFFER to ciaddr:68",
                          sniffer, lambda: send4(p, 67, 68), p, {68})
    p = [discover(rand_mac(), mtype=3)]
    r["4011"] = measure("REQUEST to 4011 from victim -> ACK", sniffer,
                        lambda: send4(p, 4011, 4011), p, {4011})
    p = [discover(rand_mac(), giaddr=VIC4) for _ in range(300)]
    r["macs"] = measure("300 DISCOVERs, 300 MACs, giaddr=victim", sniffer,
                        lambda: send4(p, 67, 67), p, {67})
    p = [discover(rand_mac(), mtype=3) for _ in range(300)]
    r["macs4011"] = measure("300 REQUESTs to 4011, 300 MACs, from victim",
                            sniffer, lambda: send4(p, 4011, 4011), p,
                            {4011})
    p = [v6msg(1, duid_uuid())]
    r["sol"] = measure("DHCPv6 Solicit from victim -> Advertise", sniffer,
                       lambda: send6(p, 547, dst="ff02::1:2"), p, {546})
    p = [v6msg(3, duid_ll())]
    r["req6"] = measure("DHCPv6 Request to 4011, DUID-LL -> Reply", sniffer,
                        lambda: send6(p, 4011, 4011), p, {4011})
    p = [v6msg(3, duid_uuid())]
    r["edk2"] = measure("DHCPv6 Request to 4011, EDK2 -> Reply", sniffer,
                        lambda: send6(p, 4011, 4011), p, {4011})
    p = [v6msg(3, duid_ll()) for _ in range(300)]
    r["duids"] = measure("300 DHCPv6 Requests to 4011, 300 DUIDs", sniffer,
                         lambda: send6(p, 4011, 4011), p, {4011})

    if not args.report:
        verdicts(r)
finally:
    if sniffer is not None:
        sniffer.close()
    for d in daemons:
        d.stop()
    link.delete()
    root.cleanup()
    chroot.cleanup()
    work.cleanup()
if args.report:
    sys.exit(0)
nbtest.done()
