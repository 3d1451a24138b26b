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

"""A DHCP test client of the relay test, run inside a network namespace
with `ip netns exec`.  It builds and decodes BOOTP messages itself, byte
by byte, and uses scapy only to put frames on a link and to capture them.
Each command prints its result as one JSON document on stdout:

    dhcpclient.py discover IFACE MAC XID KIND ARCH WAIT
        broadcast a DISCOVER from 0.0.0.0:68 and collect every reply with
        that xid for WAIT seconds (KIND: pxe, http or plain; ARCH: option
        93, ignored for plain)
    dhcpclient.py request IFACE MAC XID ADDR SERVER WAIT
        broadcast the REQUEST that takes ADDR from SERVER, as an x64 UEFI
        PXE client does, and collect the replies
    dhcpclient.py pxe SRC SPORT DST MAC XID ARCH WAIT
        send a PXE REQUEST from SRC:SPORT to DST:4011 through the kernel
        (the client has an address by then), print the replies
    dhcpclient.py capture IFACE PCAP
        capture the UDP datagrams of ports 67, 68 and 4011 on IFACE into
        PCAP; prints "ready" once capturing, stops on SIGTERM

The decoder is also imported by relay.py to read the capture."""

import json
import signal
import socket
import struct
import sys
import threading
import time

COOKIE = b"\x63\x82\x53\x63"
PORTS = (67, 68, 4011)


# --- BOOTP messages ---------------------------------------------------------

def opt(code, value):
    return bytes([code, len(value)]) + value


def pxe_options(kind, arch):
    """What EDK2 sends: 60, 93, 94 and 97 beside 55 and 57."""
    if kind == "plain":
        return opt(55, bytes([1, 3, 6, 15, 51, 54])) + opt(57,
                                                           struct.pack(
                                                               "!H", 1500))
    name = "PXEClient" if kind == "pxe" else "HTTPClient"
    vendor = "%s:Arch:%05d:UNDI:003016" % (name, arch)
    return (opt(55, bytes([1, 3, 6, 43, 54, 60, 66, 67, 93, 94, 97])) +
            opt(57, struct.pack("!H", 1472)) +
            opt(60, vendor.encode()) +
            opt(93, struct.pack("!H", arch)) +
            opt(94, bytes([1, 3, 16])) +
            opt(97, b"\x00" + bytes(range(16))))


def message(mtype, mac, xid, options, ciaddr="0.0.0.0", flags=0):
    chaddr = bytes.fromhex(mac.replace(":", ""))
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0,
                      flags, socket.inet_aton(ciaddr), bytes(4), bytes(4),
                      bytes(4), chaddr, bytes(64), bytes(128))
    body = hdr + COOKIE + opt(53, bytes([mtype])) + options + b"\xff"
    return body + bytes(max(0, 300 - len(body)))


def decode(data):
    """A BOOTP message as a dict; options by code, values as hex."""
    if len(data) < 240 or data[236:240] != COOKIE:
        return None
    (op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr,
     giaddr, chaddr, sname, bfile) = struct.unpack(
        "!BBBBIHH4s4s4s4s16s64s128s", data[:236])
    opts, order, i = {}, [], 240
    while i < len(data):
        code = data[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            break
        if i + 1 >= len(data) or i + 2 + data[i + 1] > len(data):
            return None
        opts[str(code)] = data[i + 2:i + 2 + data[i + 1]].hex()
        order.append(code)
        i += 2 + data[i + 1]
    return {
        "op": op, "htype": htype, "hlen": hlen, "hops": hops, "xid": xid,
        "flags": flags, "ciaddr": socket.inet_ntoa(ciaddr),
        "yiaddr": socket.inet_ntoa(yiaddr),
        "siaddr": socket.inet_ntoa(siaddr),
        "giaddr": socket.inet_ntoa(giaddr),
        "chaddr": chaddr[:hlen].hex(":"),
        "sname": sname.hex(), "file": bfile.hex(),
        "options": opts, "order": order,
    }


def cstring(hexstr):
    """A NUL-terminated field of a decoded message, as text."""
    return bytes.fromhex(hexstr).split(b"\0", 1)[0].decode(
        errors="replace")


# --- on the link, through scapy --------------------------------------------

def scapy():
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    import scapy.all as s
    s.conf.verb = 0
    return s


def is_dhcp(s, pkt):
    return pkt.haslayer(s.UDP) and (pkt[s.UDP].dport in PORTS or
                                    pkt[s.UDP].sport in PORTS)


def broadcast(iface, mac, xid, payload, wait):
    """Sends payload as a client without an address would and returns
    the replies to port 68 that carry xid."""
    s = scapy()
    got = []

    def keep(pkt):
        if not (pkt.haslayer(s.UDP) and pkt[s.UDP].dport == 68):
            return
        m = decode(bytes(pkt[s.UDP].payload))
        if m is None or m["xid"] != xid or m["op"] != 2:
            return
        m["ip_src"], m["ip_dst"] = pkt[s.IP].src, pkt[s.IP].dst
        m["sport"], m["dport"] = pkt[s.UDP].sport, pkt[s.UDP].dport
        got.append(m)

    up = threading.Event()
    sn = s.AsyncSniffer(iface=iface, prn=keep, store=False,
                        started_callback=up.set)
    sn.start()
    # The answers come within milliseconds: listen before asking.
    if not up.wait(10):
        raise RuntimeError("the capture on %s did not start" % iface)
    frame = (s.Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
             s.IP(src="0.0.0.0", dst="255.255.255.255") /
             s.UDP(sport=68, dport=67) / s.Raw(payload))
    s.sendp(frame, iface=iface)
    time.sleep(wait)
    sn.stop()
    return got


def capture(iface, path):
    s = scapy()
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    sn = s.AsyncSniffer(iface=iface, lfilter=lambda p: is_dhcp(s, p),
                        started_callback=lambda: print("ready", flush=True))
    sn.start()
    while not stop:
        time.sleep(0.05)
    pkts = sn.stop()
    s.wrpcap(path, pkts if pkts else [])


def read_capture(path):
    """The DHCP datagrams of a capture, decoded, in order."""
    s = scapy()
    out = []
    for pkt in s.rdpcap(path):
        if not pkt.haslayer(s.UDP):
            continue
        m = decode(bytes(pkt[s.UDP].payload))
        if m is None:
            continue
        m["ip_src"], m["ip_dst"] = pkt[s.IP].src, pkt[s.IP].dst
        m["sport"], m["dport"] = pkt[s.UDP].sport, pkt[s.UDP].dport
        out.append(m)
    return out


# --- through the kernel ----------------------------------------------------

def unicast(src, sport, dst, payload, xid, wait):
    fd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fd.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    fd.bind((src, sport))
    fd.sendto(payload, (dst, 4011))
    got, end = [], time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        fd.settimeout(left)
        try:
            data, peer = fd.recvfrom(2048)
        except socket.timeout:
            break
        m = decode(data)
        if m is None or m["xid"] != xid:
            continue
        m["ip_src"], m["sport"] = peer
        got.append(m)
    fd.close()
    return got


def main(argv):
    cmd = argv[1]
    if cmd == "discover":
        iface, mac, xid, kind, arch, wait = argv[2:8]
        xid = int(xid, 0)
        pl = message(1, mac, xid, pxe_options(kind, int(arch)))
        res = broadcast(iface, mac, xid, pl, float(wait))
    elif cmd == "request":
        iface, mac, xid, addr, server, wait = argv[2:8]
        xid = int(xid, 0)
        pl = message(3, mac, xid, opt(50, socket.inet_aton(addr)) +
                     opt(54, socket.inet_aton(server)) +
                     pxe_options("pxe", 7))
        res = broadcast(iface, mac, xid, pl, float(wait))
    elif cmd == "pxe":
        src, sport, dst, mac, xid, arch, wait = argv[2:9]
        xid = int(xid, 0)
        pl = message(3, mac, xid, pxe_options("pxe", int(arch)),
                     ciaddr=src)
        res = unicast(src, int(sport), dst, pl, xid, float(wait))
    elif cmd == "capture":
        capture(argv[2], argv[3])
        return 0
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
