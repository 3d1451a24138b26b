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

"""dhcpd-proxy behind a DHCP relay.

Three network namespaces of the test's own:

    client  c0 ------- r0 10.1.0.1/24   router: ip_forward, dhcrelay -a
    (subnet A)         r1 10.2.0.1/24 ------- s0 10.2.0.3  dhcpd-proxy
                       r2 10.2.1.1/24 ------- s1 10.2.1.2  dnsmasq
                                              server (subnet B)

ISC dhcrelay takes the client's broadcasts on r0, adds option 82 (agent
circuit id "r0") and sends them to both servers; dnsmasq, in DHCP-only
mode, hands out 10.1.0.100-200.  The two servers sit on two interfaces of
the server namespace because both listen on port 67: each socket is
bound to its own device, and a relayed unicast reaches the one whose
interface it arrives on.

What must hold: a PXE client on subnet A gets, through the relay, exactly
one proxy OFFER (yiaddr 0, option 60 PXEClient, option 82 removed by the
relay) whose fields come from the `match subnet' rule of subnet A, beside
dnsmasq's address offer; in the server namespace the proxy's OFFER is
seen going to giaddr:67 with the broadcast flag, the request's hops and
its option 82 echoed byte for byte, last.  Once the client holds the
address dnsmasq leased it, its REQUEST to port 4011 crosses the router
and is answered from port 4011 by the same rule (now matched by the
client's address), while the same REQUEST from subnet B gets the
defaults.  A client without option 60 gets dnsmasq's offer and nothing
from the proxy, and neither does a REQUEST on port 67.

All of that with a `relay' list that names the relay by giaddr and by
the address it sends from (r1, not giaddr); reloaded with a list that
does not name it, the relay's clients get nothing from the proxy and the
proxy says why."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
import nbtest  # noqa: E402
from nbtest import check, check_eq  # noqa: E402
import dhcpclient  # noqa: E402
from dhcpclient import cstring  # noqa: E402

CLIENT = "dhcpclient.py"
PY = "/usr/bin/python3"
RELAY_A = "10.1.0.1"
RELAY_SRV = "10.2.0.1"    # where dhcrelay sends from, toward the proxy
PROXY = "10.2.0.3"
DNSMASQ = "10.2.1.2"
TFTP_A = "10.1.0.5"
TFTP_DEFAULT = "10.2.0.9"
WAIT = 2.5              # iPXE waits about 2 s for proxy offers
BCAST = 0x8000
CIRCUIT = "0102" + b"r0".hex()
XID_REQ = 0x1a00f2      # the REQUEST on port 67 that only dnsmasq answers

CONF = """\
dhcpd-proxy {
	listen on interface "s0"
	user "nobody"
	chroot "%(chroot)s"
	tftp-server %(tftp_default)s
	http-server "http://10.2.0.9/"
	bootfile "default.efi"
	relay %(relays)s
}

match subnet 10.1.0.0/16 {
	tftp-server %(tftp_a)s
	http-server "http://10.1.0.6/"
}
match arch bios { bootfile "undionly.kpxe" pxe direct }
match subnet 10.1.0.0/16 arch x64-uefi { bootfile "subnet-a/ipxe.efi" }
match arch x64-uefi { bootfile "ipxe.efi" }
match arch x64-uefi-http { bootfile "boot/http.efi" }
"""


class Topology:
    """The three namespaces, their links and routes."""

    def __init__(self):
        self.ns = []
        self.client = self.add("nbrc")
        self.router = self.add("nbrr")
        self.server = self.add("nbrs")
        self.veth(self.client, "c0", self.router, "r0")
        self.veth(self.server, "s0", self.router, "r1")
        self.veth(self.server, "s1", self.router, "r2")
        self.router.ip("addr", "add", RELAY_A + "/24", "dev", "r0")
        self.router.ip("addr", "add", "10.2.0.1/24", "dev", "r1")
        self.router.ip("addr", "add", "10.2.1.1/24", "dev", "r2")
        self.server.ip("addr", "add", PROXY + "/24", "dev", "s0")
        self.server.ip("addr", "add", DNSMASQ + "/24", "dev", "s1")
        for ns, links in ((self.client, ["c0"]),
                          (self.router, ["r0", "r1", "r2"]),
                          (self.server, ["s0", "s1"])):
            for link in links:
                ns.ip("link", "set", link, "up")
            ns.exec("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0")
        self.router.exec("sysctl", "-qw", "net.ipv4.ip_forward=1")
        # Each server answers out of its own device (SO_BINDTODEVICE).
        self.server.ip("route", "add", "10.1.0.0/24", "via", "10.2.0.1",
                       "dev", "s0")
        self.server.ip("route", "add", "10.1.0.0/24", "via", "10.2.1.1",
                       "dev", "s1", "metric", "10")

    def add(self, name):
        ns = nbtest.Netns(name)
        self.ns.append(ns)
        return ns

    @staticmethod
    def veth(ns_a, a, ns_b, b):
        ns_a.ip("link", "add", a, "type", "veth", "peer", "name", b,
                "netns", ns_b.name)

    def delete(self):
        for ns in self.ns:
            ns.delete()


class Proc:
    """A helper program of the test in a namespace, stopped by PID."""

    def __init__(self, ns, cmd, logpath, pipe=False):
        self.logpath = logpath
        self.log = open(logpath, "wb")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns.name] + cmd,
            stdout=subprocess.PIPE if pipe else self.log,
            stderr=self.log)

    def logtext(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_log(self, text, timeout=10.0):
        return nbtest.wait_for(lambda: text in self.logtext() or
                               self.proc.poll() is not None, timeout) and \
            self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def client(ns, *args, timeout=30):
    r = ns.exec(PY, os.path.join(HERE, CLIENT), *[str(a) for a in args],
                check_rc=False, timeout=timeout)
    if r.returncode != 0:
        print("client %s failed: %s" % (args[0], r.stderr.decode(
            errors="replace").strip()))
        return []
    return json.loads(r.stdout)


def is_proxy(m):
    return m["yiaddr"] == "0.0.0.0" and m["options"].get("54") == \
        socket.inet_aton(PROXY).hex()


def text(m, code):
    v = m["options"].get(str(code))
    return None if v is None else bytes.fromhex(v).decode(errors="replace")


def check_no_address_options(m, what):
    for code in (1, 3, 6, 51):
        check(str(code) not in m["options"],
              "%s carries no option %d" % (what, code))


def offer_common(m, mac, what):
    check_eq(m["options"].get("53"), "02", what + ": DHCPOFFER")
    check_eq(m["yiaddr"], "0.0.0.0", what + ": yiaddr")
    check_eq(m["chaddr"], mac, what + ": chaddr")
    check_eq(m["giaddr"], RELAY_A, what + ": giaddr kept")
    check("82" not in m["options"], what + ": option 82 removed by the "
          "relay")
    check(m["flags"] & BCAST, what + ": broadcast flag")
    check_eq(m["ip_src"], RELAY_A, what + ": forwarded by the relay")
    check_no_address_options(m, what)


def discover(topo, mac, xid, kind, arch):
    got = client(topo.client, "discover", "c0", mac, hex(xid), kind, arch,
                 WAIT)
    proxy = [m for m in got if is_proxy(m)]
    other = [m for m in got if not is_proxy(m)]
    return proxy, other


def check_dnsmasq_offer(other, what):
    check_eq(len(other), 1, what + ": one address offer from dnsmasq")
    if other:
        o = other[0]
        check(o["yiaddr"].startswith("10.1.0.") and
              100 <= int(o["yiaddr"].split(".")[3]) <= 200,
              what + ": dnsmasq offers %s in its range" % o["yiaddr"])
        check_eq(o["options"].get("54"), socket.inet_aton(DNSMASQ).hex(),
                 what + ": dnsmasq's server id")
        check("82" not in o["options"], what + ": dnsmasq's offer without "
              "option 82")
        return o["yiaddr"]
    return None


def test_bios_direct(topo):
    """`pxe direct': the subnet rule's server and file in the OFFER."""
    mac, xid = "52:54:00:0a:00:01", 0x1a0001
    proxy, other = discover(topo, mac, xid, "pxe", 0)
    what = "BIOS PXE client on A"
    check_dnsmasq_offer(other, what)
    if not check_eq(len(proxy), 1, what + ": exactly one proxy OFFER"):
        return
    m = proxy[0]
    offer_common(m, mac, what)
    check_eq(text(m, 60), "PXEClient", what + ": option 60")
    check_eq(m["siaddr"], TFTP_A, what + ": siaddr from `match subnet'")
    check_eq(cstring(m["file"]), "undionly.kpxe", what + ": file")
    check_eq(text(m, 66), TFTP_A, what + ": option 66 from `match subnet'")
    check_eq(text(m, 67), "undionly.kpxe", what + ": option 67")
    v = bytes.fromhex(m["options"].get("43", ""))
    check(bytes([6, 1, 8]) in v, what + ": 43.6 = 8 (boot the file)")
    check(bytes([8, 7, 0x80, 0, 1]) + socket.inet_aton(TFTP_A) in v,
          what + ": 43.8 names the subnet's boot server")
    check_eq(m["options"].get("97"), "00" + bytes(range(16)).hex(),
             what + ": option 97 echoed")


def test_uefi(topo, cap):
    """`pxe redirect': the OFFER sends the client to port 4011; the ACK
    there carries the subnet rule's server and file."""
    mac, xid = "52:54:00:0a:00:02", 0x1a0002
    proxy, other = discover(topo, mac, xid, "pxe", 7)
    what = "x64 UEFI client on A"
    lease = check_dnsmasq_offer(other, what)
    if check_eq(len(proxy), 1, what + ": exactly one proxy OFFER"):
        m = proxy[0]
        offer_common(m, mac, what)
        check_eq(text(m, 60), "PXEClient", what + ": option 60")
        check("43" not in m["options"], what + ": no option 43 (redirect)")
        check(m["siaddr"] in (PROXY, "0.0.0.0"),
              what + ": siaddr %s sends the client to the proxy" %
              m["siaddr"])
        check(TFTP_DEFAULT not in (m["siaddr"], text(m, 66)),
              what + ": no default boot server in the OFFER")
    if lease is None:
        return None
    # Take the address: the REQUEST on 67, with PXEClient as EDK2 sends
    # it, goes to both servers through the relay; only dnsmasq may answer.
    acks = client(topo.client, "request", "c0", mac, hex(XID_REQ), lease,
                  DNSMASQ, WAIT)
    check_eq([(a["options"].get("53"), a["yiaddr"]) for a in acks],
             [("05", lease)], what + ": dnsmasq's ACK of %s and no proxy "
             "answer to a REQUEST on 67" % lease)
    topo.client.ip("addr", "add", lease + "/24", "dev", "c0")
    topo.client.ip("route", "add", "default", "via", RELAY_A)
    for sport in (4011, 68):
        xid4 = 0x1a0100 + sport
        acks = client(topo.client, "pxe", lease, sport, PROXY, mac,
                      hex(xid4), 7, WAIT)
        w = "%s: REQUEST from %s:%d to port 4011" % (what, lease, sport)
        if not check_eq(len(acks), 1, w + ": one ACK"):
            continue
        a = acks[0]
        check_eq((a["ip_src"], a["sport"]), (PROXY, 4011),
                 w + ": answered from port 4011")
        check_eq(a["options"].get("53"), "05", w + ": DHCPACK")
        check_eq(a["yiaddr"], "0.0.0.0", w + ": yiaddr")
        check_eq(a["ciaddr"], lease, w + ": ciaddr echoed")
        check_eq(text(a, 60), "PXEClient", w + ": option 60")
        check_eq(a["siaddr"], TFTP_A, w + ": siaddr from `match subnet'")
        check_eq(cstring(a["file"]), "subnet-a/ipxe.efi",
                 w + ": file from the subnet and arch rule")
        check_eq(text(a, 67), "subnet-a/ipxe.efi", w + ": option 67")
        check_no_address_options(a, w)
    return lease


def test_subnet_b(topo):
    """The same 4011 REQUEST from subnet B: the defaults, not A's rule."""
    mac = "52:54:00:0b:00:01"
    acks = client(topo.router, "pxe", "10.2.0.1", 4011, PROXY, mac,
                  "0x1b0001", 7, WAIT)
    what = "REQUEST to port 4011 from 10.2.0.1 (subnet B)"
    if not check_eq(len(acks), 1, what + ": one ACK"):
        return
    a = acks[0]
    check_eq((a["ip_src"], a["sport"]), (PROXY, 4011),
             what + ": answered from port 4011")
    check_eq(a["siaddr"], TFTP_DEFAULT, what + ": the default tftp-server")
    check_eq(cstring(a["file"]), "ipxe.efi", what + ": the arch rule's file")


def test_http(topo):
    mac, xid = "52:54:00:0a:00:03", 0x1a0003
    proxy, other = discover(topo, mac, xid, "http", 16)
    what = "x64 UEFI HTTP client on A"
    check_dnsmasq_offer(other, what)
    if not check_eq(len(proxy), 1, what + ": exactly one proxy OFFER"):
        return
    m = proxy[0]
    offer_common(m, mac, what)
    check_eq(text(m, 60), "HTTPClient", what + ": option 60")
    url = "http://10.1.0.6/boot/http.efi"
    check_eq(cstring(m["file"]), url, what + ": URL from `match subnet'")
    check_eq(text(m, 67), url, what + ": option 67")


def test_plain(topo):
    mac, xid = "52:54:00:0a:00:04", 0x1a0004
    proxy, other = discover(topo, mac, xid, "plain", 0)
    what = "client without option 60 on A"
    check_dnsmasq_offer(other, what)
    check_eq(len(proxy), 0, what + ": no answer from the proxy")


def check_capture(msgs):
    """What the server namespace saw on s0, the proxy's side."""
    offers = [m for m in msgs if m["ip_src"] == PROXY and m["sport"] == 67]
    check_eq(len(offers), 3, "capture on s0: OFFERs from the proxy's port 67")
    for m in offers:
        what = "capture: proxy OFFER xid %#x" % m["xid"]
        req = [r for r in msgs if r["op"] == 1 and r["xid"] == m["xid"] and
               r["ip_dst"] == PROXY]
        check_eq((m["ip_dst"], m["dport"]), (RELAY_A, 67),
                 what + ": unicast to giaddr:67")
        check(m["flags"] & BCAST, what + ": broadcast flag")
        check_eq(m["order"][-1] if m["order"] else None, 82,
                 what + ": option 82 last")
        if not check_eq(len(req), 1, what + ": its relayed DISCOVER"):
            continue
        r = req[0]
        check_eq(r["giaddr"], RELAY_A, what + ": the request's giaddr")
        check(r["options"].get("82", "").startswith(CIRCUIT),
              what + ": the relay's circuit id \"r0\" in option 82")
        check_eq(m["options"].get("82"), r["options"].get("82"),
                 what + ": option 82 echoed verbatim")
        check_eq(m["hops"], r["hops"], what + ": hops kept")
    silent = [m for m in msgs if m["ip_src"] == PROXY and
              m["xid"] in (0x1a0004, XID_REQ)]
    check_eq(silent, [], "capture: nothing from the proxy to the plain "
             "client")


def write_conf(tmp, relays):
    return tmp.file("netboot.conf", (CONF % {
        "chroot": os.path.join(tmp.path, "chroot"), "relays": relays,
        "tftp_default": TFTP_DEFAULT, "tftp_a": TFTP_A}).encode())


def test_relay_not_listed(topo, tmp, proxy):
    """The same relay, now outside the list: refused, and said so."""
    write_conf(tmp, "10.9.0.0/24")
    proxy.signal(signal.SIGHUP)
    check(nbtest.wait_for(lambda: "configuration reloaded" in
                          proxy.logtext()), "reloaded with another relay")
    mac, xid = "52:54:00:0a:00:09", 0x1a0009
    got, other = discover(topo, mac, xid, "pxe", 0)
    check_eq(got, [], "a relay not in the list: no proxy OFFER")
    check(len(other) == 1, "dnsmasq still offers an address")
    check(nbtest.wait_for(lambda: 'giaddr=%s ciaddr=0.0.0.0 hops=1 '
                          'reason="relay not in the relay list"' % RELAY_A
                          in proxy.logtext()), "the proxy says why")


def start_servers(topo, tmp, exe):
    servers = []
    leases = tmp.file("dnsmasq.leases")
    dns = Proc(topo.server, [
        "dnsmasq", "-k", "--conf-file=/dev/null", "--port=0",
        "--interface=s1", "--bind-interfaces", "--no-ping",
        "--dhcp-range=10.1.0.100,10.1.0.200,255.255.255.0,1h",
        "--dhcp-leasefile=" + leases,
        "--pid-file=" + os.path.join(tmp.path, "dnsmasq.pid"),
        "--log-facility=-", "--log-dhcp",
        "--user=nobody", "--group=nogroup"],
        os.path.join(tmp.path, "dnsmasq.log"))
    servers.append(dns)
    check(dns.wait_log("DHCP, IP range"), "dnsmasq started")
    relay = Proc(topo.router, [
        "dhcrelay", "-d", "-4", "-a", "--no-pid", "-id", "r0",
        "-iu", "r1", "-iu", "r2", PROXY, DNSMASQ],
        os.path.join(tmp.path, "dhcrelay.log"))
    servers.append(relay)
    check(relay.wait_log("Socket/fallback"), "dhcrelay started")
    conf = write_conf(tmp, "10.1.0.0/24 from " + RELAY_SRV)
    proxy = nbtest.Daemon(exe, conf, netns=topo.server.name)
    servers.append(proxy)
    check(proxy.wait_started(), "dhcpd-proxy started")
    return servers


def main():
    nbtest.require_root()
    nbtest.require_prog("ip", "dnsmasq", "dhcrelay")
    if importlib.util.find_spec("scapy") is None:
        nbtest.skip("python3-scapy is not installed")
    if len(sys.argv) < 2:
        print("usage: relay.py DHCPD-PROXY")
        sys.exit(2)
    exe = sys.argv[1]
    tmp = nbtest.TempDir()
    topo = None
    servers, cap = [], None
    try:
        topo = Topology()
        servers = start_servers(topo, tmp, exe)
        pcap = os.path.join(tmp.path, "s0.pcap")
        cap = Proc(topo.server, [PY, os.path.join(HERE, CLIENT), "capture",
                                 "s0", pcap],
                   os.path.join(tmp.path, "capture.log"), pipe=True)
        check_eq(cap.proc.stdout.readline().strip(), b"ready",
                 "capture on s0 started")
        test_bios_direct(topo)
        test_http(topo)
        test_plain(topo)
        test_uefi(topo, cap)
        test_subnet_b(topo)
        time.sleep(0.5)
        cap.stop()
        check_capture(dhcpclient.read_capture(pcap))
        cap = None
        test_relay_not_listed(topo, tmp, [s for s in servers if
                                          isinstance(s, nbtest.Daemon)][0])
        for s in servers:
            if isinstance(s, nbtest.Daemon):
                check(s.proc.poll() is None, "dhcpd-proxy still running")
    finally:
        if cap is not None:
            cap.stop()
        for s in reversed(servers):
            s.stop()
        if topo is not None:
            topo.delete()
        for name in ("dhcpd-proxy", "dnsmasq", "dhcrelay"):
            p = os.path.join(tmp.path, {"dhcpd-proxy": "netboot.conf.log"}
                             .get(name, name + ".log"))
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    lines = f.read().splitlines()
                print("--- last lines of %s:" % name)
                print("\n".join(lines[-15:]))
        tmp.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
