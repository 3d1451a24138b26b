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

"""An attacker on the boot network, for the abuse tests: a packet socket
that sees what a server sends to addresses nobody on the link holds (the
server's neighbour table points them at the attacker's link, whose
kernel drops them without a word), and scapy to send in any address's
name.  Used from inside the attacker's namespace, where scapy.all must
be imported (it reads the interfaces once)."""

import socket
import struct
import threading
import time

ETH_P_ALL = 3
PACKET_OUTGOING = 4


def attack_from(link, ifname):
    """Moves this process into the link's client namespace for good (the
    daemons run under ip netns exec and do not care): scapy.all, read
    there, and a Sniffer on ifname."""
    link.enter_client()
    import scapy.all as sc
    sc.conf.verb = 0
    sn = Sniffer(ifname)
    time.sleep(0.3)
    return sc, sn


def point_at(srv_ns, cli_ns, cli_if, srv_if, *addrs):
    """Makes the server send to addrs on the link, to the client's MAC."""
    mac = cli_ns.exec("cat", "/sys/class/net/%s/address"
                      % cli_if).stdout.decode().strip()
    for a in addrs:
        srv_ns.ip("-6" if ":" in a else "-4", "neigh", "add", a, "lladdr",
                  mac, "dev", srv_if, "nud", "permanent")


class Sniffer:
    """Every UDP datagram (and TCP segment) that reaches the attacker's
    link for the victim, or for the broadcast address."""

    def __init__(self, ifname):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        self.s.bind((ifname, 0))
        self.s.settimeout(0.2)
        self.seen = []
        self.lock = threading.Lock()
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop:
            try:
                frame, addr = self.s.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == PACKET_OUTGOING:
                continue
            d = self.decode(frame)
            if d is not None:
                with self.lock:
                    self.seen.append(d)

    @staticmethod
    def decode(frame):
        etype = struct.unpack("!H", frame[12:14])[0]
        p = frame[14:]
        if etype == 0x0800 and len(p) >= 28:
            proto, ihl = p[9], (p[0] & 15) * 4
            dst = socket.inet_ntoa(p[16:20])
            l4, iplen = p[ihl:], struct.unpack("!H", p[2:4])[0] - ihl
        elif etype == 0x86dd and len(p) >= 48:
            proto = p[6]
            dst = socket.inet_ntop(socket.AF_INET6, p[24:40])
            l4, iplen = p[40:], struct.unpack("!H", p[4:6])[0]
        else:
            return None
        sport, dport = struct.unpack("!HH", l4[:4])
        if proto == 17:
            ulen = struct.unpack("!H", l4[4:6])[0]
            return (dst, sport, dport, ulen - 8, l4[8:ulen])
        if proto == 6:		# a TCP segment: its header and payload
            return (dst, sport, dport, iplen, l4[:iplen])
        return None

    def take(self):
        with self.lock:
            s, self.seen = self.seen, []
        return s

    def close(self):
        self.stop = True
        self.t.join()
        self.s.close()
