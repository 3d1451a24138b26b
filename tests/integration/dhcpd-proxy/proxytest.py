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

"""Helpers of the dhcpd-proxy tests: a server and a client network
namespace joined by a veth pair, dnsmasq as the address server, DHCP
packets built and parsed byte by byte (so that malformed ones can be
made too), and the client's side run from inside its namespace."""

import ctypes
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import nbtest  # noqa: E402

SRV4 = "10.77.0.1"
CLI4 = "10.77.0.50"
SRV6 = "2001:db8:77::1"
CLI6 = "2001:db8:77::50"
SRV_IF = "srv0"
CLI_IF = "cli0"
COOKIE = b"\x63\x82\x53\x63"
CLONE_NEWNET = 0x40000000

X64_CLASS = b"PXEClient:Arch:00007:UNDI:003016"
BIOS_CLASS = b"PXEClient:Arch:00000:UNDI:002001"
HTTP_CLASS = b"HTTPClient:Arch:00016:UNDI:003001"


class Link:
    """Server and client namespaces on one veth link, IPv4 and IPv6."""

    def __init__(self, tag):
        self.srv = nbtest.Netns(tag + "s")
        self.cli = nbtest.Netns(tag + "c")
        nbtest.run(["ip", "link", "add", SRV_IF, "netns", self.srv.name,
                    "type", "veth", "peer", "name", CLI_IF, "netns",
                    self.cli.name])
        for ns, ifname, a4, a6 in ((self.srv, SRV_IF, SRV4, SRV6),
                                   (self.cli, CLI_IF, CLI4, CLI6)):
            ns.exec("sysctl", "-qw",
                    "net.ipv6.conf.%s.accept_dad=0" % ifname)
            ns.ip("addr", "add", a4 + "/24", "dev", ifname)
            ns.ip("addr", "add", a6 + "/64", "dev", ifname, "nodad")
            ns.ip("link", "set", ifname, "up")
        for ns, ifname in ((self.srv, SRV_IF), (self.cli, CLI_IF)):
            nbtest.wait_for(lambda: self.ready(ns, ifname), 10.0)

    @staticmethod
    def ready(ns, ifname):
        """Up with its link-local address: IPv6 multicast routes exist."""
        out = ns.ip("-6", "addr", "show", "dev", ifname).stdout.decode()
        return "LOWER_UP" in out and "fe80::" in out and \
            "tentative" not in out

    def enter_client(self):
        """Moves this process into the client namespace, for good: the
        daemons are started with ip netns exec, which does not care."""
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open("/run/netns/" + self.cli.name, os.O_RDONLY)
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns")
        os.close(fd)

    def delete(self):
        self.srv.delete()
        self.cli.delete()


class Dnsmasq:
    """dnsmasq as a DHCP-only address server, stopped by its PID."""

    def __init__(self, netns, work, ipv6=False):
        self.logpath = os.path.join(work, "dnsmasq.log")
        self.log = open(self.logpath, "wb")
        cmd = ["ip", "netns", "exec", netns, "dnsmasq", "-k", "--port=0",
               "--dhcp-range=10.77.0.100,10.77.0.199,255.255.255.0,1h",
               "--interface=" + SRV_IF, "--bind-interfaces",
               "--no-resolv", "--no-hosts", "--leasefile-ro",
               "--dhcp-leasefile=/dev/null", "--no-ping",
               "--log-facility=-", "--log-dhcp", "--user=root",
               "--pid-file="]
        if ipv6:
            cmd += ["--dhcp-range=2001:db8:77::100,2001:db8:77::1ff,64,1h",
                    "--enable-ra"]
        import subprocess
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def opt(code, data):
    return bytes([code, len(data)]) + data


def dhcp_packet(mac, xid, mtype=1, options=(), ciaddr="0.0.0.0",
                giaddr="0.0.0.0", flags=0x8000, hlen=6, op=1, cookie=COOKIE,
                end=True):
    """A BOOTREQUEST: options is a list of (code, bytes) or raw bytes."""
    hw = mac_bytes(mac)
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, hlen, 0, xid, 0,
                      flags, socket.inet_aton(ciaddr), bytes(4), bytes(4),
                      socket.inet_aton(giaddr), hw.ljust(16, b"\0"), b"", b"")
    body = b""
    if mtype is not None:
        body += opt(53, bytes([mtype]))
    for o in options:
        body += o if isinstance(o, bytes) else opt(o[0], o[1])
    if end:
        body += b"\xff"
    return hdr + cookie + body


def pxe_options(arch, vclass, uuid=b"\x11" * 16, extra=()):
    """What a PXE client puts in its DISCOVER: 60, 93, 94, 97, 55, 57."""
    return [(57, struct.pack("!H", 1464)),
            (55, bytes([1, 3, 6, 43, 60, 66, 67, 97, 128, 129, 130])),
            (60, vclass), (93, struct.pack("!H", arch)),
            (94, b"\x01\x03\x10"), (97, b"\x00" + uuid)] + list(extra)


def parse_reply(data):
    """A BOOTREPLY as a dict: header fields and options by code."""
    if len(data) < 240 or data[236:240] != COOKIE:
        return None
    r = {"op": data[0], "hops": data[3],
         "xid": struct.unpack("!I", data[4:8])[0],
         "flags": struct.unpack("!H", data[10:12])[0],
         "ciaddr": socket.inet_ntoa(data[12:16]),
         "yiaddr": socket.inet_ntoa(data[16:20]),
         "siaddr": socket.inet_ntoa(data[20:24]),
         "giaddr": socket.inet_ntoa(data[24:28]),
         "mac": ":".join("%02x" % b for b in data[28:34]),
         "sname": data[44:108], "file": data[108:236],
         "len": len(data), "opts": {}, "dup": []}
    i = 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        code, n = data[i], data[i + 1]
        if code in r["opts"]:
            r["dup"].append(code)
        r["opts"][code] = data[i + 2:i + 2 + n]
        i += 2 + n
    r["end"] = i < len(data)
    return r


def cstr(b):
    return b.split(b"\0", 1)[0].decode(errors="replace")


def pxe_sub(v):
    """Option 43 as a dict of PXE sub-options."""
    d, i = {}, 0
    while i < len(v) and v[i] != 255:
        if v[i] == 0:
            i += 1
            continue
        d[v[i]] = v[i + 2:i + 2 + v[i + 1]]
        i += 2 + v[i + 1]
    return d


def is_proxy_offer(r):
    c = r["opts"].get(60, b"")
    return r["yiaddr"] == "0.0.0.0" and (c.startswith(b"PXEClient") or
                                         c.startswith(b"HTTPClient"))


class Client:
    """The client side, once this process is in the client namespace:
    raw broadcasts with scapy, unicasts with plain sockets."""

    def __init__(self):
        from scapy.all import conf
        conf.verb = 0
        self.iface = CLI_IF

    def broadcast(self, payloads, mac, wait=1.5, want_xids=None):
        """Sends DHCP payloads from 0.0.0.0:68 and returns the BOOTREPLYs
        seen on port 68 within wait seconds, each as (time, dict)."""
        from scapy.all import AsyncSniffer, Ether, IP, UDP, Raw, sendp
        got = []

        def keep(p):
            if UDP in p and p[UDP].dport == 68 and p[UDP].sport == 67:
                r = parse_reply(bytes(p[UDP].payload))
                if r is not None and r["op"] == 2 and \
                        (want_xids is None or r["xid"] in want_xids):
                    r["src"] = p[IP].src
                    r["dst"] = p[IP].dst
                    got.append((time.monotonic(), r))

        sn = AsyncSniffer(iface=self.iface, filter="udp and port 68",
                          prn=keep, store=False)
        sn.start()
        time.sleep(0.3)
        frames = [Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
                  IP(src="0.0.0.0", dst="255.255.255.255") /
                  UDP(sport=68, dport=67) / Raw(p) for p in payloads]
        t0 = time.monotonic()
        sendp(frames, iface=self.iface)
        time.sleep(wait)
        sn.stop()
        return t0, got

    def broadcast_udp(self, payloads, wait, want_xids):
        """Like broadcast, through a UDP socket on port 68 (so from our
        address, not 0.0.0.0) whose receive queue the kernel holds: a
        sniffer on a busy machine loses some of hundreds of answers
        coming at once, the socket none."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                     self.iface.encode())
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
        s.bind(("0.0.0.0", 68))
        got = []
        t0 = time.monotonic()
        for p in payloads:
            s.sendto(p, ("255.255.255.255", 67))
        end = time.monotonic() + wait
        while time.monotonic() < end:
            s.settimeout(max(0.01, end - time.monotonic()))
            try:
                data = s.recv(4096)
            except socket.timeout:
                break
            r = parse_reply(data)
            if r is not None and r["op"] == 2 and r["xid"] in want_xids:
                got.append((time.monotonic(), r))
        s.close()
        return t0, got

    def unicast(self, payload, dst, dport=4011, sport=4011, wait=2.0,
                family=socket.AF_INET, src=CLI4, times=None):
        """Sends one datagram from src:sport; returns [(data, peer)] and
        appends to times when each came, in seconds after sending."""
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src, sport))
        s.settimeout(wait)
        s.sendto(payload, (dst, dport))
        out = []
        t0 = time.monotonic()
        end = t0 + wait
        try:
            while time.monotonic() < end:
                s.settimeout(max(0.01, end - time.monotonic()))
                out.append(s.recvfrom(4096))
                if times is not None:
                    times.append(time.monotonic() - t0)
        except socket.timeout:
            pass
        s.close()
        return out
