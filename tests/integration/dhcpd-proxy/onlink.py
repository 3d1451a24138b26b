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

"""dhcpd-proxy on one link, beside dnsmasq as the address server: PXE,
iPXE and HTTP boot clients get exactly one proxy offer with the fields
their firmware reads, the 4011 request its ACK from port 4011, the
policy decides the boot file, and what a proxy must not answer (other
clients, other message types, malformed packets, a flood) gets nothing.
Delayed answers wait in a queue of 256: 300 clients at once get 256
offers after the delay, the rest are logged as dropped, and the queue
serves again once it has emptied.
"""

import os
import pwd
import re
import signal
import socket
import struct
import sys

import proxytest as pt
from proxytest import CLI4, SRV4, X64_CLASS, BIOS_CLASS, HTTP_CLASS

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import nbtest  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

CONF = """
dhcpd-proxy {
	listen on interface "srv0"
	chroot "%(chroot)s"
	user "nobody"
	http-server "http://10.77.0.1/"
	ratelimit 5
}
menu "bios" {
	prompt "Press F8 for the menu" timeout 5
	entry "Install" { kernel "linux" }
	entry "Local disk" local
}
match mac 52:54:00:aa:00:01 { bootfile "special/ipxe.efi" }
match mac 52:54:00:aa:00:02 { pxe direct }
match mac 52:54:00:aa:00:03 { delay 1500 }
match mac 52:54:00:aa:00:04 { menu "bios" }
match user-class "iPXE"     { bootfile "menu.ipxe" }
match arch arm64-uefi subnet 10.77.0.0/24 interface "srv0" {
	bootfile "arm64/ipxe.efi"
	pxe direct
}
match arch arm64-uefi       { bootfile "wrong.efi" pxe direct }
match arch bios             { bootfile "undionly.kpxe" }
match arch x64-uefi         { bootfile "%(x64)s" }
match arch x64-uefi-http    { bootfile "ipxe.efi" }
"""

FORBIDDEN = (1, 3, 6, 51)
_xid = [0x5000]


def xid():
    _xid[0] += 1
    return _xid[0]


def discover(cl, mac, arch, vclass, extra=(), wait=1.2):
    x = xid()
    p = pt.dhcp_packet(mac, x, 1, pt.pxe_options(arch, vclass, extra=extra))
    t0, got = cl.broadcast([p], mac, wait=wait, want_xids={x})
    proxy = [(t - t0, r) for t, r in got if pt.is_proxy_offer(r)]
    other = [r for t, r in got if not pt.is_proxy_offer(r)]
    return proxy, other


def request4011(cl, mac, arch, vclass, sport=4011, extra=(), ciaddr=CLI4,
                mtype=3, x=None):
    x = xid() if x is None else x
    p = pt.dhcp_packet(mac, x, mtype, pt.pxe_options(arch, vclass,
                                                      extra=extra),
                       ciaddr=ciaddr, flags=0)
    got = cl.unicast(p, SRV4, dport=4011, sport=sport, wait=1.0)
    return [(pt.parse_reply(d), peer) for d, peer in got]


def check_common(r, what, kind=2):
    check_eq(r["op"], 2, what + ": BOOTREPLY")
    check_eq(r["opts"].get(53), bytes([kind]), what + ": message type")
    check_eq(r["yiaddr"], "0.0.0.0", what + ": no yiaddr")
    check_eq(r["opts"].get(54), socket.inet_aton(SRV4),
             what + ": option 54 is our address")
    check_eq([c for c in FORBIDDEN if c in r["opts"]], [],
             what + ": no options 1, 3, 6, 51")
    check(300 <= r["len"] <= 1472, what + ": size %d in 300..1472" %
          r["len"])
    check(r["end"] and not r["dup"], what + ": END, no duplicates")
    check_eq(r["opts"].get(97), b"\x00" + b"\x11" * 16,
             what + ": option 97 echoed")


def one_offer(proxy, other, what, dnsmasq=True):
    check_eq(len(proxy), 1, what + ": exactly one proxy offer")
    if dnsmasq:
        check(any(r["yiaddr"] != "0.0.0.0" for r in other),
              what + ": dnsmasq's address offer came too")
    return proxy[0][1] if proxy else None


def test_x64(cl):
    proxy, other = discover(cl, "52:54:00:aa:00:10", 7, X64_CLASS)
    r = one_offer(proxy, other, "x64 DISCOVER")
    if r is None:
        return
    check_common(r, "x64 offer")
    check(proxy[0][0] < 0.5, "x64 offer within 0.5 s (%.3f)" % proxy[0][0])
    check_eq(r["src"], SRV4, "x64 offer from our address")
    check_eq(r["dst"], "255.255.255.255", "x64 offer broadcast")
    check_eq(r["siaddr"], SRV4, "x64 offer siaddr: ask us on 4011")
    check_eq(r["opts"].get(60), b"PXEClient", "x64 offer option 60")
    check(43 not in r["opts"] and 67 not in r["opts"],
          "redirect offer: no option 43, no boot file")
    check_eq(pt.cstr(r["file"]), "", "redirect offer: file empty")


def check_ack(got, what, file, item=False):
    check_eq(len(got), 1, what + ": one ACK")
    if len(got) != 1:
        return None
    r, peer = got[0]
    check_eq(peer, (SRV4, 4011), what + ": from port 4011")
    check_common(r, what, kind=5)
    check_eq(pt.cstr(r["file"]), file, what + ": file")
    check_eq(r["opts"].get(67), file.encode(), what + ": option 67")
    check_eq(r["siaddr"], SRV4, what + ": siaddr is the TFTP server")
    check_eq(r["ciaddr"], CLI4, what + ": ciaddr echoed")
    sub = pt.pxe_sub(r["opts"].get(43, b""))
    if not item:
        check_eq(sub.get(6), b"\x08", what + ": 43.6 boot the file")
    return r


def test_4011(cl):
    got = request4011(cl, "52:54:00:aa:00:10", 7, X64_CLASS)
    check_ack(got, "OVMF 4011 REQUEST from 4011", "ipxe.efi")
    ipxe = [(77, b"iPXE"), (175, b"\xb1\x05\x01\x80\x86\x10\x0e")]
    got = request4011(cl, "52:54:00:aa:00:14", 7, b"PXEClient", sport=68,
                      extra=ipxe)
    check_ack(got, "iPXE 4011 REQUEST from 68 (user class iPXE)",
              "menu.ipxe")
    got = request4011(cl, "52:54:00:aa:00:11", 0, BIOS_CLASS)
    check_ack(got, "BIOS 4011 REQUEST", "undionly.kpxe")
    got = request4011(cl, "52:54:00:aa:00:01", 7, X64_CLASS)
    check_ack(got, "the MAC rule wins over the arch rule",
              "special/ipxe.efi")
    got = request4011(cl, "52:54:00:aa:00:15", 11,
                      b"PXEClient:Arch:00011:UNDI:003016")
    check_ack(got, "subnet+interface rule on 4011 (client address)",
              "arm64/ipxe.efi")


def test_bios(cl):
    proxy, other = discover(cl, "52:54:00:aa:00:11", 0, BIOS_CLASS)
    r = one_offer(proxy, other, "BIOS DISCOVER")
    if r is not None:
        check_common(r, "BIOS offer")
        check(43 not in r["opts"], "BIOS offer without a menu: no 43")


def test_http(cl):
    proxy, other = discover(cl, "52:54:00:aa:00:12", 16, HTTP_CLASS)
    r = one_offer(proxy, other, "HTTP DISCOVER")
    if r is None:
        return
    check_common(r, "HTTP offer")
    url = "http://10.77.0.1/ipxe.efi"
    check_eq(r["opts"].get(60), b"HTTPClient", "HTTP offer option 60")
    check_eq(pt.cstr(r["file"]), url, "HTTP offer file is a URL")
    check_eq(r["opts"].get(67), url.encode(), "HTTP offer option 67")
    check_eq(r["siaddr"], "0.0.0.0", "HTTP offer siaddr 0")


def test_direct(cl):
    proxy, other = discover(cl, "52:54:00:aa:00:02", 7, X64_CLASS)
    r = one_offer(proxy, other, "pxe direct DISCOVER")
    if r is None:
        return
    check_common(r, "pxe direct offer")
    sub = pt.pxe_sub(r["opts"].get(43, b""))
    check_eq(sub.get(6), b"\x08", "pxe direct: 43.6 = 8")
    check_eq(sub.get(8), b"\x80\x00\x01" + socket.inet_aton(SRV4),
             "pxe direct: 43.8 names us")
    check_eq(pt.cstr(r["file"]), "ipxe.efi", "pxe direct: file")
    check_eq(r["siaddr"], SRV4, "pxe direct: siaddr")
    proxy, other = discover(cl, "52:54:00:aa:00:16", 11,
                            b"PXEClient:Arch:00011:UNDI:003016")
    r = one_offer(proxy, other, "arm64 DISCOVER")
    if r is not None:
        check_eq(pt.cstr(r["file"]), "arm64/ipxe.efi",
                 "subnet+interface rule on 67 (interface's network)")


def test_menu(cl):
    proxy, other = discover(cl, "52:54:00:aa:00:04", 0, BIOS_CLASS)
    r = one_offer(proxy, other, "BIOS menu DISCOVER")
    if r is None:
        return
    check_common(r, "BIOS menu offer")
    sub = pt.pxe_sub(r["opts"].get(43, b""))
    check_eq(sub.get(6), b"\x07", "menu: 43.6 no broadcast/multicast, list")
    check_eq(sub.get(9), b"\x80\x00\x07Install\x00\x00\x0aLocal disk",
             "menu: 43.9 entries")
    check_eq(sub.get(10), b"\x05Press F8 for the menu", "menu: 43.10 prompt")
    check_eq(sub.get(8), b"\x80\x00\x01" + socket.inet_aton(SRV4),
             "menu: 43.8 boot server of the network entry")
    item = [(43, b"\x47\x04\x80\x00\x00\x00\xff")]
    got = request4011(cl, "52:54:00:aa:00:04", 0, BIOS_CLASS, extra=item)
    r = check_ack(got, "boot item 0x8000 request", "undionly.kpxe",
                  item=True)
    if r:
        check_eq(pt.pxe_sub(r["opts"].get(43, b"")).get(71),
                 b"\x80\x00\x00\x00", "boot item ACK echoes 43.71")
    bad = [(43, b"\x47\x04\x80\x05\x00\x00\xff")]
    got = request4011(cl, "52:54:00:aa:00:04", 0, BIOS_CLASS, extra=bad)
    check_eq(got, [], "boot item not in the menu: no answer")


def test_delay(cl):
    proxy, other = discover(cl, "52:54:00:aa:00:03", 7, X64_CLASS, wait=3.0)
    r = one_offer(proxy, other, "delayed DISCOVER")
    if r is not None:
        check(1.4 <= proxy[0][0] <= 2.5,
              "delay 1500: offer after %.3f s" % proxy[0][0])


def test_ignored(cl):
    mac = "52:54:00:aa:00:13"
    proxy, other = discover(cl, mac, 7, b"MSFT 5.0")
    check_eq(len(proxy), 0, "non-PXE client: no proxy offer")
    check(any(r["yiaddr"] != "0.0.0.0" for r in other),
          "non-PXE client: dnsmasq offered")
    opts = pt.pxe_options(7, X64_CLASS)
    sent = []
    for what, p in (
            ("REQUEST on 67", pt.dhcp_packet(mac, xid(), 3, opts + [
                (54, socket.inet_aton(SRV4)),
                (50, socket.inet_aton("10.77.0.120"))])),
            ("DECLINE", pt.dhcp_packet(mac, xid(), 4, opts)),
            ("RELEASE", pt.dhcp_packet(mac, xid(), 7, opts)),
            ("BOOTP", pt.dhcp_packet(mac, xid(), None, opts)),
            ("op=2", pt.dhcp_packet(mac, xid(), 1, opts, op=2))):
        sent.append(what)
        t0, got = cl.broadcast([p], mac, wait=0.6)
        check_eq([r for t, r in got if pt.is_proxy_offer(r)], [],
                 what + ": no proxy answer")
    got = request4011(cl, mac, 7, X64_CLASS, mtype=8)
    check_eq(got, [], "INFORM on 4011 without a boot item: no answer")


def test_malformed(cl, proxy_log, engine_pid):
    mac = "52:54:00:aa:00:17"
    engine = engine_pid()
    good = pt.dhcp_packet(mac, xid(), 1, pt.pxe_options(7, X64_CLASS))
    cases = [
        ("truncated", good[:200], "truncated BOOTP header"),
        ("bad cookie", pt.dhcp_packet(mac, xid(), 1, pt.pxe_options(
            7, X64_CLASS), cookie=b"\x63\x82\x53\x64"),
         "wrong magic cookie"),
        ("hlen 17", pt.dhcp_packet(mac, xid(), 1, pt.pxe_options(
            7, X64_CLASS), hlen=17), "hardware address length over 16"),
        ("option overflow", pt.dhcp_packet(mac, xid(), 1, pt.pxe_options(
            7, X64_CLASS) + [b"\x3c\xc8PXEClient"], end=False),
         "option length past the end"),
        ("no END", pt.dhcp_packet(mac, xid(), 1, pt.pxe_options(
            7, X64_CLASS), end=False), "no END option"),
        ("overload", pt.dhcp_packet(mac, xid(), 1, pt.pxe_options(
            7, X64_CLASS) + [(52, b"\x03")]), "option overload"),
    ]
    t0, got = cl.broadcast([c[1] for c in cases], mac, wait=0.8)
    check_eq([r for t, r in got if pt.is_proxy_offer(r)], [],
             "malformed packets: no proxy answer")
    proxy, other = discover(cl, mac, 7, X64_CLASS)
    check_eq(len(proxy), 1, "after malformed packets: still answering")
    log = proxy_log()
    for what, p, reason in cases:
        check(reason in log, "%s logged as ignored (%s)" % (what, reason))
    check(engine is not None, "an engine ran before the malformed packets")
    check_eq(engine_pid(), engine,
             "after malformed packets: the same engine process")
    check("engine killed" not in log and "engine exited" not in log,
          "the parent saw no engine die")


def test_ratelimit(cl, proxy_log):
    mac = "52:54:00:aa:00:20"
    xids = set()
    pkts = []
    for i in range(100):
        x = xid()
        xids.add(x)
        pkts.append(pt.dhcp_packet(mac, x, 1, pt.pxe_options(7, X64_CLASS)))
    t0, got = cl.broadcast(pkts, mac, wait=1.0, want_xids=xids)
    times = [t for t, r in got if pt.is_proxy_offer(r)]
    n = len(times)
    # A burst of 5, then 5 a second for as long as the flood lasted: a
    # loaded machine sends the 100 more slowly and earns a few more.
    span = max(times) - min(times) if times else 0.0
    most = 5 + int(5 * span) + 1
    check(5 <= n <= most, "flood of 100 DISCOVERs: %d answers over %.2f s "
          "(ratelimit 5, at most %d)" % (n, span, most))
    check(proxy_log().count("over the rate limit") >= 90,
          "the rest logged as over the rate limit")
    proxy, other = discover(cl, "52:54:00:aa:00:21", 7, X64_CLASS)
    check_eq(len(proxy), 1, "another MAC is still answered")


def warm_up(cl):
    """On a loaded machine dnsmasq and the link may take a while: wait
    until both servers answer a client that is not one of the cases."""
    for i in range(20):
        proxy, other = discover(cl, "52:54:00:aa:00:ff", 7, X64_CLASS,
                                wait=0.5)
        if proxy and other:
            return
    print("warning: the servers did not both answer during warm-up")


def main():
    nbtest.require_root()
    nbtest.require_prog("dnsmasq", "ip")
    binary = sys.argv[1]
    nbtest.require_scapy()
    link = pt.Link("nbpx")
    chroot = nbtest.TempDir()
    work = nbtest.TempDir()
    conffile = os.path.join(work.path, "netboot.conf")
    with open(conffile, "w") as f:
        f.write(CONF % {"chroot": chroot.path, "x64": "ipxe.efi"})
    dns = pt.Dnsmasq(link.srv.name, work.path)
    d = nbtest.Daemon(binary, conffile, netns=link.srv.name)
    try:
        if not check(d.wait_started(), "dhcpd-proxy starts"):
            print(d.logtext())
            return
        st = nbtest.proc_status(d.engine_pid())
        check_eq(st["Uid"].split()[0], str(pwd.getpwnam("nobody").pw_uid),
                 "engine runs as nobody")
        check_eq(os.readlink("/proc/%d/root" % d.engine_pid()),
                 chroot.path, "engine chrooted")
        link.enter_client()
        cl = pt.Client()
        warm_up(cl)
        test_x64(cl)
        test_4011(cl)
        test_bios(cl)
        test_http(cl)
        test_direct(cl)
        test_menu(cl)
        test_delay(cl)
        test_ignored(cl)
        test_malformed(cl, d.logtext, d.engine_pid)
        test_ratelimit(cl, d.logtext)
        test_reload(cl, d, conffile, chroot.path)
        log = d.logtext()
        check("answer type=offer mac=52:54:00:aa:00:10 arch=x64-uefi" in
              log, "one key=value log line per answer")
        test_queue_overflow(cl, d, conffile, chroot.path)
    finally:
        d.stop()
        dns.stop()
        if nbtest._failures:
            print(d.logtext()[-6000:])
        link.delete()
        chroot.cleanup()
        work.cleanup()
    nbtest.done()


QUEUE = 256		# dhcpd-proxy(8): at most 256 answers wait
OVERFLOW = 300
DELAY_MS = 4000		# longer than sending the 300 takes
IA32_CLASS = b"PXEClient:Arch:00006:UNDI:003016"


def test_queue_overflow(cl, d, conffile, chroot):
    """More clients with a delay at once than answers may wait."""
    with open(conffile, "w") as f:
        f.write(CONF.replace("ratelimit 5", "ratelimit 0") %
                {"chroot": chroot, "x64": "ipxe.efi"} +
                'match arch 6 { bootfile "ia32.efi" delay %d }\n' %
                DELAY_MS)
    n = d.logtext().count("configuration reloaded")
    d.signal(signal.SIGHUP)
    if not check(nbtest.wait_for(lambda: d.logtext().count(
            "configuration reloaded") > n), "reload with a delay rule"):
        return
    macs = ["52:54:00:dd:%02x:%02x" % (i >> 8, i & 255)
            for i in range(OVERFLOW)]
    pkts, xids = [], set()
    for mac in macs:
        x = xid()
        xids.add(x)
        pkts.append(pt.dhcp_packet(mac, x, 1, pt.pxe_options(
            6, IA32_CLASS)))
    mark = len(d.logtext())
    t0, got = cl.broadcast_udp(pkts, DELAY_MS / 1000 + 2.5, xids)
    offers = [(t - t0, r) for t, r in got if pt.is_proxy_offer(r)]
    late = [t for t, r in offers if t >= DELAY_MS / 1000 - 0.1]
    check_eq(len(offers), QUEUE, "%d clients with delay %d ms at once: "
             "offers" % (OVERFLOW, DELAY_MS))
    check_eq(len(late), len(offers), "each offer after its delay")
    log = d.logtext()[mark:]
    dropped = re.findall(r"queue full \(256 answers wait\): dropped "
                         r"answer type=offer mac=(\S+)", log)
    answered = set(r["mac"] for t, r in offers)
    check_eq(len(dropped), OVERFLOW - QUEUE,
             "each dropped answer is logged with its client")
    check(answered.isdisjoint(dropped) and
          len(answered | set(dropped)) == OVERFLOW,
          "every client either answered or logged as dropped")
    # Once the queue has emptied, a delayed answer has room again.
    proxy, other = discover(cl, "52:54:00:dd:ff:ff", 6, IA32_CLASS,
                            wait=DELAY_MS / 1000 + 1.5)
    check_eq(len(proxy), 1, "after the queue emptied: answered again")


def test_reload(cl, d, conffile, chroot):
    with open(conffile, "w") as f:
        f.write(CONF % {"chroot": chroot, "x64": "new/ipxe.efi"})
    d.signal(signal.SIGHUP)
    check(nbtest.wait_for(lambda: "configuration reloaded" in d.logtext()),
          "SIGHUP reloads")
    got = request4011(cl, "52:54:00:aa:00:18", 7, X64_CLASS)
    check_ack(got, "after reload: the new policy", "new/ipxe.efi")


if __name__ == "__main__":
    main()
