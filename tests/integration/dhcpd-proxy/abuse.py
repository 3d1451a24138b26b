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

"""dhcpd-proxy against an attacker on the boot network who writes where
the answers go: giaddr, ciaddr, the source of a 4011 request.  Requests
whose answer would go to no single host are refused with a log line, as
are those with more than 16 hops and, with a relay list, those from a
relay not in it; each address answered has its own rate limit whatever
MACs and DUIDs the requests carry, and a flood of refusals logs a line a
second.  DHCPv6 Replies to 4011 go out twice only to EDK2.  Sent with
scapy from the client namespace, seen there with a packet socket."""

import os
import random
import re
import socket
import struct
import sys
import time

import proxytest as pt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import nbtest  # noqa: E402
import spoof  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

VIC4 = "10.77.0.99"
VIC6 = "2001:db8:77::99"
RELAY_NET = "10.77.5.0/24"
RELAY_GI = "10.77.5.1"
OTHER_GI = "10.77.6.1"
RATE_ADDR = 20

CONF = """
dhcpd-proxy {
	listen on interface "%(srvif)s"
	chroot "%(chroot)s"
	user "nobody"
	ratelimit address %(rate)d
%(extra)s}
match arch x64-uefi { bootfile "ipxe.efi" }
"""

nbtest.require_root()
try:
    import scapy  # noqa: F401
except ImportError:
    nbtest.skip("python3-scapy is not installed")
proxy = sys.argv[1]
sc = None


def rand_mac():
    return "52:54:00:%02x:%02x:%02x" % tuple(random.getrandbits(8)
                                             for _ in range(3))


def discover(giaddr="0.0.0.0", ciaddr="0.0.0.0", hops=0, mtype=1):
    p = bytearray(pt.dhcp_packet(rand_mac(), random.getrandbits(32),
                                 mtype=mtype,
                                 options=pt.pxe_options(7, pt.X64_CLASS),
                                 giaddr=giaddr, ciaddr=ciaddr))
    p[3] = hops
    return bytes(p)


def send4(payloads, src=VIC4, sport=67, dport=67):
    sc.send([sc.IP(src=src, dst=pt.SRV4) / sc.UDP(sport=sport, dport=dport)
             / sc.Raw(p) for p in payloads], iface=pt.CLI_IF)


def send6(payloads, src=VIC6):
    sc.sendp([sc.Ether(dst=SRV_MAC) / sc.IPv6(src=src, dst=pt.SRV6) /
              sc.UDP(sport=4011, dport=4011) / sc.Raw(p)
              for p in payloads], iface=pt.CLI_IF)


def v6request(duid, vclass=pt.X64_CLASS):
    m = bytes([3]) + os.urandom(3)
    m += struct.pack("!HH", 1, len(duid)) + duid
    m += struct.pack("!HHHHH", 6, 6, 59, 60, 23)
    m += struct.pack("!HHIH", 16, 6 + len(vclass), 343, len(vclass)) + vclass
    m += struct.pack("!HHH", 61, 2, 7)
    return m


def duid_ll():
    return struct.pack("!HH", 3, 1) + pt.mac_bytes(rand_mac())


def duid_uuid():
    return struct.pack("!H", 4) + os.urandom(16)


SENT = [0.0]	# seconds the last send() took


def replies(sniffer, payloads, send, to, wait=1.5, **kw):
    sniffer.take()
    t0 = time.monotonic()
    send(payloads, **kw)
    SENT[0] = time.monotonic() - t0
    time.sleep(wait)
    return [x for x in sniffer.take() if x[0] == to and x[1] in
            (67, 4011)]


def refused(d, reason):
    return d.logtext().count('reason="%s"' % reason)


def start(link, chroot, work, name, extra=""):
    conf = work.file(name, (CONF % {
        "srvif": pt.SRV_IF, "chroot": chroot.path, "rate": RATE_ADDR,
        "extra": extra}).encode())
    d = nbtest.Daemon(proxy, conf, netns=link.srv.name)
    if not check(d.wait_started(), name + ": dhcpd-proxy starts"):
        print(d.logtext())
    return d


def test_destinations(sn, d):
    for gi in ("255.255.255.255", "10.77.0.255", "127.0.0.1", "224.0.0.5",
               "0.1.2.3", "240.0.0.1"):
        got = replies(sn, [discover(giaddr=gi)], send4, gi, wait=0.5)
        bc = [x for x in sn.take() if x[0] == "255.255.255.255"]
        check(got == [] and bc == [], "giaddr %s: nothing sent" % gi)
    check(nbtest.wait_for(lambda: refused(
        d, "giaddr is not a unicast address") >= 1, 3),
        "refusals logged with the reason")
    got = replies(sn, [discover(ciaddr="255.255.255.255")], send4,
                  "255.255.255.255", wait=0.5)
    check_eq(got, [], "ciaddr 255.255.255.255: nothing sent")
    check(nbtest.wait_for(lambda: refused(
        d, "ciaddr is not a unicast address") == 1, 3),
        "the ciaddr refusal logged")
    got = replies(sn, [discover(giaddr=VIC4, hops=17)], send4, VIC4)
    check_eq(got, [], "17 hops: nothing sent")
    check(nbtest.wait_for(lambda: refused(d, "more than 16 hops") == 1, 3),
          "17 hops: logged")
    got = replies(sn, [discover(giaddr=VIC4, hops=16)], send4, VIC4)
    check_eq(len(got), 1, "16 hops: answered to giaddr")
    line = [x for x in d.logtext().splitlines() if "16 hops" in x]
    check(re.search(r"refused port=67 from=10\.77\.0\.99:67 mac=\S+ "
                    r"xid=0x[0-9a-f]{8} giaddr=10\.77\.0\.99 "
                    r"ciaddr=0\.0\.0\.0 hops=17 reason=", line[0])
          if line else False, "the line says what was refused: %r" % line)


def test_per_address(sn, d):
    time.sleep(1.1)	# a full bucket
    n = 100
    got = replies(sn, [discover(giaddr=VIC4) for _ in range(n)], send4,
                  VIC4)
    took = SENT[0]
    most = RATE_ADDR + RATE_ADDR * took + 1
    check(RATE_ADDR <= len(got) <= most,
          "%d DISCOVERs, %d MACs, giaddr=victim: %d answered in %.1f s "
          "(at most %d)" % (n, n, len(got), took, most))
    lines = [x for x in d.logtext().splitlines()
             if "over the rate limit for the address" in x]
    check(1 <= len(lines) <= 1 + int(took) + 1,
          "the flood of refusals logged %d lines, one a second"
          % len(lines))
    time.sleep(1.1)
    replies(sn, [discover(giaddr=VIC4) for _ in range(RATE_ADDR + 5)],
            send4, VIC4)
    check(nbtest.wait_for(lambda: re.search(
        r'reason="over the rate limit for the address" \(and \d+ more in '
        r'the last second\)', d.logtext()), 3),
        "a later line counts the refusals not logged")


def test_v6(sn, d):
    time.sleep(1.1)
    got = replies(sn, [v6request(duid_ll())], send6, VIC6, wait=2.0)
    check_eq(len(got), 1, "DHCPv6 Request to 4011, DUID-LL: one Reply")
    got = replies(sn, [v6request(duid_uuid())], send6, VIC6, wait=2.0)
    check_eq(len(got), 2, "DHCPv6 Request to 4011 from EDK2 (DUID-UUID, "
             "PXEClient): the Reply twice")
    time.sleep(1.1)
    n = 100
    got = replies(sn, [v6request(duid_ll()) for _ in range(n)], send6,
                  VIC6, wait=2.0)
    took = SENT[0]
    most = RATE_ADDR + RATE_ADDR * took + 1
    check(RATE_ADDR <= len(got) <= most,
          "%d DHCPv6 Requests, %d DUIDs, from one address: %d answered "
          "(at most %d)" % (n, n, len(got), most))


def test_relays(sn, link, chroot, work):
    d = start(link, chroot, work, "relays.conf",
              "\trelay %s from %s\n" % (RELAY_NET, pt.CLI4))
    try:
        got = replies(sn, [discover(giaddr=RELAY_GI)], send4, RELAY_GI,
                      src=pt.CLI4)
        check_eq(len(got), 1, "a listed relay from its address: answered")
        got = replies(sn, [discover(giaddr=OTHER_GI)], send4, OTHER_GI,
                      src=pt.CLI4)
        check_eq(got, [], "a giaddr outside the list: nothing sent")
        got = replies(sn, [discover(giaddr=RELAY_GI)], send4, RELAY_GI,
                      src="10.77.0.51")
        check_eq(got, [], "a listed giaddr from another source: nothing")
        check(nbtest.wait_for(lambda: refused(
            d, "relay not in the relay list") == 2, 3),
            "both logged as relays not in the list")
        n = 60
        got = replies(sn, [discover(giaddr=RELAY_GI) for _ in range(n)],
                      send4, RELAY_GI, src=pt.CLI4)
        check_eq(len(got), n, "a listed relay is not held to ratelimit "
                 "address")
    finally:
        check_eq(d.stop(), 0, "relays.conf: stops cleanly")


link = pt.Link("nbabuse")
chroot = nbtest.TempDir()
work = nbtest.TempDir()
d = None
sn = None
try:
    spoof.point_at(link.srv, link.cli, pt.CLI_IF, pt.SRV_IF, VIC4, VIC6)
    link.srv.ip("route", "add", "10.77.4.0/22", "via", pt.CLI4)
    SRV_MAC = link.srv.exec("cat", "/sys/class/net/%s/address"
                            % pt.SRV_IF).stdout.decode().strip()
    d = start(link, chroot, work, "open.conf")
    sc, sn = spoof.attack_from(link, pt.CLI_IF)
    test_destinations(sn, d)
    test_per_address(sn, d)
    test_v6(sn, d)
    check_eq(d.stop(), 0, "open.conf: stops cleanly")
    d = None
    test_relays(sn, link, chroot, work)
finally:
    if sn is not None:
        sn.close()
    if d is not None:
        d.stop()
    link.delete()
    chroot.cleanup()
    work.cleanup()
nbtest.done()
