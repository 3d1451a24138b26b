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

"""dhcpd-proxy over IPv6: a UEFI client's Solicit gets a proxy Advertise
without addresses carrying the boot file URL (option 59), its Request
on port 4011 a Reply, directly or through a relay; what is not for a
proxy gets nothing; a flood of Solicits from one client, named by a
DUID-LL or by a DUID-UUID without a MAC, gets ratelimit answers a second
while other clients are still answered."""

import os
import socket
import struct
import sys
import time

import proxytest as pt
from proxytest import CLI6, SRV6, X64_CLASS, HTTP_CLASS

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import nbtest  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

CONF = """
dhcpd-proxy {
	listen on interface "srv0"
	chroot "%(chroot)s"
	user "nobody"
	http-server "http://[2001:db8:77::1]/boot/"
	ratelimit 5
}
match mac 52:54:00:bb:00:02 { tftp-server 2001:db8:77::99 }
match arch x64-uefi         { bootfile "ipxe.efi" }
match arch x64-uefi-http    { bootfile "ipxe.efi" }
"""

URL = "tftp://[2001:db8:77::1]/ipxe.efi"
_xid = [0x100]


def o6(code, data):
    return struct.pack("!HH", code, len(data)) + data


def duid_ll(mac):
    return struct.pack("!HH", 3, 1) + pt.mac_bytes(mac)


def duid_uuid(uuid):
    return struct.pack("!H", 4) + uuid


def client_msg(mtype, mac, vclass=X64_CLASS, arch=7, ia=True,
               serverid=None, x=None, duid=None):
    """What EDK2 sends: its DUID, ORO, vendor class of enterprise 343,
    architecture (61), NII (62) and, in a Solicit, an IA_NA."""
    if x is None:
        _xid[0] += 1
        x = _xid[0]
    m = bytes([mtype]) + struct.pack("!I", x)[1:]
    m += o6(1, duid if duid is not None else duid_ll(mac))
    if serverid is not None:
        m += o6(2, serverid)
    m += o6(6, struct.pack("!HHH", 59, 60, 23))
    if vclass is not None:
        m += o6(16, struct.pack("!IH", 343, len(vclass)) + vclass)
    m += o6(61, struct.pack("!H", arch)) + o6(62, b"\x01\x03\x00")
    if ia:
        m += o6(3, struct.pack("!III", 1, 0, 0))
    return m, x


def parse6(d):
    """Type, xid and options (code -> list of values) of a message."""
    if len(d) < 4:
        return None
    r = {"type": d[0], "xid": int.from_bytes(d[1:4], "big"), "opts": {},
         "len": len(d)}
    i = 4
    while i + 4 <= len(d):
        code, n = struct.unpack("!HH", d[i:i + 4])
        r["opts"].setdefault(code, []).append(d[i + 4:i + 4 + n])
        i += 4 + n
    r["whole"] = i == len(d)
    return r


def solicit(msg, wait=1.0):
    return solicit_many([msg], wait)


def solicit_many(msgs, wait=1.0):
    """Sends each message to ff02::1:2 from port 546, as fast as it can;
    returns [(data, peer, seconds after the first send)] that came back
    within wait seconds of the last."""
    idx = socket.if_nametoindex(pt.CLI_IF)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                 pt.CLI_IF.encode())
    s.bind(("::", 546))
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    t0 = time.monotonic()
    for msg in msgs:
        s.sendto(msg, ("ff02::1:2", 547, 0, idx))
    out = []
    end = time.monotonic() + wait
    try:
        while time.monotonic() < end:
            s.settimeout(max(0.01, end - time.monotonic()))
            data, peer = s.recvfrom(4096)
            out.append((data, peer, time.monotonic() - t0))
    except socket.timeout:
        pass
    s.close()
    if len(msgs) == 1:
        return [(data, peer) for data, peer, t in out]
    return out


def check_answer(got, what, mtype, x, mac, url, cls=b"PXEClient",
                 port=547):
    check_eq(len(got), 1, what + ": one answer")
    if len(got) != 1:
        return
    data, peer = got[0]
    r = parse6(data)
    check_eq(peer[1], port, what + ": from port %d" % port)
    check_eq((r["type"], r["xid"]), (mtype, x), what + ": type and xid")
    check(r["whole"] and r["len"] <= 1232, what + ": well formed, %d bytes"
          % r["len"])
    check_eq(r["opts"].get(1), [duid_ll(mac)], what + ": client id echoed")
    sid = r["opts"].get(2, [b""])[0]
    check(sid[:4] == b"\x00\x03\x00\x01" and len(sid) == 10,
          what + ": server id is a DUID-LL")
    check_eq(r["opts"].get(16), [struct.pack("!IH", 343, len(cls)) + cls],
             what + ": vendor class " + cls.decode())
    check_eq(r["opts"].get(59), [url.encode()], what + ": boot file URL")
    check_eq([c for c in (3, 4, 5, 13, 25) if c in r["opts"]], [],
             what + ": no address, no status code")
    return sid


def request4011(cl, msg, edk2=False):
    """EDK2 reads the Reply only after it has sent its Request: it comes
    after 0.1 s, and to EDK2 (DUID-UUID) once more after a second."""
    times = []
    got = cl.unicast(msg, SRV6, dport=4011, sport=4011, wait=2.5,
                     family=socket.AF_INET6, src=CLI6, times=times)
    if not edk2:
        check_eq(len(got), 1, "Reply on 4011 sent once")
        check(len(times) > 0 and 0.09 <= times[0] < 0.5,
              "Reply after %r s" % times[:1])
        return got[:1]
    check_eq(len(got), 2, "Reply on 4011 to EDK2 sent twice")
    if len(got) == 2:
        check_eq(got[0], got[1], "the same Reply twice")
        check(0.09 <= times[0] < 0.5 and 0.9 <= times[1] - times[0] < 1.4,
              "Reply after %.3f s, again %.3f s later" %
              (times[0], times[1] - times[0]))
    return got[:1]


def test_pxe(cl):
    mac = "52:54:00:bb:00:01"
    msg, x = client_msg(1, mac)
    sid = check_answer(solicit(msg), "x64 Solicit", 2, x, mac, URL)
    # EDK2's follow-up: the Solicit's options without IA, to 4011 of the
    # URL's host, from 4011.
    msg, x = client_msg(3, mac, ia=False)
    check_answer(request4011(cl, msg), "Request on 4011", 7, x, mac, URL,
                 port=4011)
    if sid:
        msg, x = client_msg(3, mac, ia=False, serverid=sid)
        check_answer(request4011(cl, msg), "Request naming us", 7, x, mac,
                     URL, port=4011)
    # EDK2 names itself by a DUID-UUID: its Reply goes twice.
    uuid = struct.pack("!H", 4) + bytes(range(16))
    msg, x = client_msg(3, mac, ia=False, duid=uuid)
    got = request4011(cl, msg, edk2=True)
    check(len(got) == 1 and parse6(got[0][0])["opts"].get(1) == [uuid],
          "EDK2's Request on 4011: its DUID echoed")
    msg, x = client_msg(3, mac, ia=False, serverid=duid_ll(
        "02:00:00:00:00:01"))
    got = cl.unicast(msg, SRV6, dport=4011, sport=4011, wait=0.8,
                     family=socket.AF_INET6, src=CLI6)
    check_eq(got, [], "Request naming another server: no answer")


def test_tftp_server(cl):
    mac = "52:54:00:bb:00:02"
    msg, x = client_msg(1, mac)
    check_answer(solicit(msg), "Solicit with a tftp-server rule", 2, x,
                 mac, URL)
    msg, x = client_msg(3, mac, ia=False)
    check_answer(request4011(cl, msg), "its Reply names the TFTP server",
                 7, x, mac, "tftp://[2001:db8:77::99]/ipxe.efi", port=4011)


def test_http(cl):
    mac = "52:54:00:bb:00:03"
    msg, x = client_msg(1, mac, vclass=HTTP_CLASS, arch=16)
    check_answer(solicit(msg), "HTTP Solicit", 2, x, mac,
                 "http://[2001:db8:77::1]/boot/ipxe.efi", cls=b"HTTPClient")


def test_relayed(cl):
    mac = "52:54:00:bb:00:04"
    inner, x = client_msg(1, mac)
    peer = socket.inet_pton(socket.AF_INET6, "fe80::5054:ff:febb:4")
    fwd = bytes([12, 0]) + socket.inet_pton(socket.AF_INET6, CLI6) + peer
    fwd += o6(18, b"port7") + o6(9, inner)
    got = cl.unicast(fwd, SRV6, dport=547, sport=547, wait=1.0,
                     family=socket.AF_INET6, src=CLI6)
    check_eq(len(got), 1, "relayed Solicit: one Relay-reply")
    if len(got) != 1:
        return
    d = got[0][0]
    check_eq(d[0], 13, "Relay-reply")
    check_eq(d[2:34], fwd[2:34], "link and peer addresses echoed")
    r = parse6(b"\x00\x00\x00\x00" + d[34:])
    check_eq(r["opts"].get(18), [b"port7"], "interface-id echoed")
    check_answer([(r["opts"].get(9, [b""])[0], (SRV6, 547))],
                 "relayed Advertise", 2, x, mac, URL)


def test_ignored(cl, proxy_log):
    mac = "52:54:00:bb:00:05"
    msg, x = client_msg(1, mac, vclass=None)
    check_eq(solicit(msg, 0.6), [], "Solicit without a PXE class: nothing")
    msg, x = client_msg(1, mac, serverid=duid_ll("02:00:00:00:00:01"))
    check_eq(solicit(msg, 0.6), [], "Solicit with a server id: nothing")
    msg, x = client_msg(1, mac)
    check_eq(solicit(msg[:-3], 0.6), [], "truncated option: nothing")
    check_eq(solicit(b"\x01\x00", 0.6), [], "truncated header: nothing")
    check("option length past the end" in proxy_log(),
          "malformed Solicit logged with its reason")
    msg, x = client_msg(1, mac)
    check_eq(len(solicit(msg)), 1, "still answering after them")


def flood(what, msgs, xids, proxy_log, other):
    """100 Solicits of one client: ratelimit 5 lets a burst of 5 through,
    then 5 a second for as long as the flood lasts."""
    before = proxy_log().count("over the rate limit")
    got = solicit_many(msgs, 1.0)
    times = [t for data, peer, t in got if parse6(data)["xid"] in xids]
    span = max(times) if times else 0.0
    most = 5 + int(5 * span) + 1
    check(5 <= len(times) <= most, "%s: %d of %d Solicits answered over "
          "%.2f s (ratelimit 5, at most %d)" % (what, len(times), len(msgs),
                                               span, most))
    refused = proxy_log().count("over the rate limit") - before
    check(refused >= len(msgs) - most and refused + len(times) ==
          len(msgs), "%s: the other %d logged as over the rate limit" %
          (what, refused))
    msg, x = other
    check_eq(len(solicit(msg)), 1, what + ": another client is still "
             "answered")


def test_ratelimit(proxy_log):
    mac = "52:54:00:bb:00:20"
    msgs, xids = [], set()
    for i in range(100):
        msg, x = client_msg(1, mac)
        msgs.append(msg)
        xids.add(x)
    flood("DUID-LL flood", msgs, xids, proxy_log,
          client_msg(1, "52:54:00:bb:00:21"))
    # EDK2 names itself by its machine's UUID: no MAC to count by.
    uuid = bytes(range(16))
    msgs, xids = [], set()
    for i in range(100):
        msg, x = client_msg(1, None, duid=duid_uuid(uuid))
        msgs.append(msg)
        xids.add(x)
    flood("DUID-UUID flood", msgs, xids, proxy_log,
          client_msg(1, None, duid=duid_uuid(bytes(range(1, 17)))))


def main():
    nbtest.require_root()
    nbtest.require_prog("ip")
    binary = sys.argv[1]
    if not os.path.exists("/proc/net/if_inet6"):
        nbtest.skip("the kernel has no IPv6 (no /proc/net/if_inet6: "
                    "built without it, or booted with ipv6.disable=1)")
    link = pt.Link("nbpx6")
    chroot = nbtest.TempDir()
    work = nbtest.TempDir()
    conffile = os.path.join(work.path, "netboot.conf")
    with open(conffile, "w") as f:
        f.write(CONF % {"chroot": chroot.path})
    d = nbtest.Daemon(binary, conffile, netns=link.srv.name)
    try:
        if not check(d.wait_started(), "dhcpd-proxy starts"):
            print(d.logtext())
            return
        check("listening on [::]:547 on srv0" in d.logtext(),
              "listening on 547")
        link.enter_client()
        cl = pt.Client()
        test_pxe(cl)
        test_tftp_server(cl)
        test_http(cl)
        test_relayed(cl)
        test_ignored(cl, d.logtext)
        test_ratelimit(d.logtext)
        check("answer type=advertise mac=52:54:00:bb:00:01 arch=x64-uefi"
              in d.logtext(), "one key=value log line per answer")
    finally:
        d.stop()
        if nbtest._failures:
            print(d.logtext()[-5000:])
        link.delete()
        chroot.cleanup()
        work.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
