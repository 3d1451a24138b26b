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

"""The lab of the firmware tests: network namespaces, a bridge with the
VM's tap, the address server, the relay, a packet capture, QEMU.

On the link (every scenario but the relayed ones):

    lan namespace: bridge br0 ---- s0  10.77.0.1   server: our daemons
                    |   |     ---- a0  10.77.0.2   addr: dnsmasq, DHCP only
                   tap0 (QEMU)

Relayed: the VM's tap is on a second bridge, br1, with the router's r0
(10.78.0.1); the router's r1 (10.77.0.254) is on br0, and dhcrelay in the
router sends the VM's broadcasts to dnsmasq and to dhcpd-proxy.

The address server says nothing about booting, so every boot decision
comes from dhcpd-proxy.  Everything is made with names ending in the
test's pid and removed at the end, also when a check fails."""

import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import nbtest  # noqa: E402

SRV4, ADDR4, ROUTER4 = "10.77.0.1", "10.77.0.2", "10.77.0.254"
SRV6, ADDR6 = "2001:db8:77::1", "2001:db8:77::2"
RELAY_NET, RELAY_GW = "10.78.0.0/24", "10.78.0.1"


class Proc:
    """A program of the test's own in a namespace, stopped by its PID."""

    def __init__(self, ns, cmd, logpath):
        self.logpath = logpath
        self.log = open(logpath, "wb")
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns.name] + cmd,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def logtext(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode(errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Lab:
    """The namespaces, links and helper daemons of one scenario."""

    def __init__(self, tag, work, relay=False, ipv6=False):
        self.work = work
        self.relay = relay
        self.ipv6 = ipv6
        self.ns = []
        self.procs = []
        self.lan = self.add(tag + "l")
        self.srv = self.add(tag + "s")
        self.addr = self.add(tag + "a")
        self.router = self.add(tag + "r") if relay else None
        self.bridge("br0")
        self.port("br0", self.srv, "s0", [SRV4 + "/24"], [SRV6 + "/64"])
        self.port("br0", self.addr, "a0", [ADDR4 + "/24"], [ADDR6 + "/64"])
        vm_bridge = "br0"
        if relay:
            self.bridge("br1")
            self.port("br0", self.router, "r1", [ROUTER4 + "/24"], [])
            self.port("br1", self.router, "r0", [RELAY_GW + "/24"],
                      ["2001:db8:78::1/64"])
            self.router.exec("sysctl", "-qw", "net.ipv4.ip_forward=1")
            for ns in (self.srv, self.addr):
                ns.ip("route", "add", RELAY_NET, "via", ROUTER4)
            vm_bridge = "br1"
        self.lan.ip("tuntap", "add", "tap0", "mode", "tap")
        self.lan.ip("link", "set", "tap0", "master", vm_bridge)
        self.lan.ip("link", "set", "tap0", "up")
        for ns, ifname in ((self.srv, "s0"), (self.addr, "a0")):
            nbtest.wait_for(lambda: self.ready6(ns, ifname), 10.0)

    def add(self, name):
        ns = nbtest.Netns(name)
        self.ns.append(ns)
        return ns

    def bridge(self, name):
        # No STP, no multicast snooping: every frame reaches every port.
        self.lan.ip("link", "add", name, "type", "bridge", "stp_state", "0",
                    "mcast_snooping", "0")
        self.lan.ip("link", "set", name, "up")

    def port(self, bridge, ns, ifname, addrs4, addrs6):
        peer = "p-" + ifname
        self.lan.ip("link", "add", peer, "type", "veth", "peer", "name",
                    ifname, "netns", ns.name)
        self.lan.ip("link", "set", peer, "master", bridge)
        self.lan.ip("link", "set", peer, "up")
        # Static addresses only: a SLAAC address from the lab's router
        # advertisements would be the one dhcpd-proxy names.
        ns.exec("sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % ifname,
                "net.ipv6.conf.%s.accept_ra=0" % ifname)
        for a in addrs4:
            ns.ip("addr", "add", a, "dev", ifname)
        for a in addrs6:
            ns.ip("addr", "add", a, "dev", ifname, "nodad")
        ns.ip("link", "set", ifname, "up")

    @staticmethod
    def ready6(ns, ifname):
        out = ns.ip("-6", "addr", "show", "dev", ifname).stdout.decode()
        return "LOWER_UP" in out and "fe80::" in out and \
            "tentative" not in out

    def start(self, ns, cmd, name):
        p = Proc(ns, cmd, os.path.join(self.work, name + ".log"))
        self.procs.append(p)
        return p

    def dnsmasq(self, extra=()):
        """dnsmasq as an address server only: no TFTP, no DNS, no boot
        options.  With IPv6 also DHCPv6 addresses and router
        advertisements every few seconds, since OVMF waits for the next
        one after its DHCPv6 Reply."""
        cmd = ["dnsmasq", "-k", "--port=0", "--interface=a0",
               "--bind-interfaces", "--no-resolv", "--no-hosts",
               "--leasefile-ro", "--dhcp-leasefile=/dev/null", "--no-ping",
               "--log-facility=-", "--log-dhcp", "--user=root",
               "--pid-file=",
               "--dhcp-range=10.77.0.100,10.77.0.199,255.255.255.0,1h"]
        if self.relay:
            cmd.append("--dhcp-range=10.78.0.100,10.78.0.199,"
                       "255.255.255.0,1h")
        # Router advertisements on every link, as a real LAN has: iPXE
        # waits about 15 s for one before it boots.
        cmd += ["--enable-ra", "--ra-param=a0,4,600"]
        if self.ipv6:
            # slaac: GRUB after HTTP boot over IPv6 has only its
            # net_ipv6_autoconf to get an address
            cmd += ["--dhcp-range=2001:db8:77::100,2001:db8:77::1ff,slaac,"
                    "64,1h",
                    # OVMF aborts on an empty DNS option (PXE-E07)
                    "--dhcp-option=option6:dns-server,[%s]" % ADDR6]
        else:
            cmd.append("--dhcp-range=2001:db8:77::,ra-only,64")
        if self.relay:
            # the router advertises itself on the client's link
            self.start(self.router, [
                "dnsmasq", "-k", "--port=0", "--interface=r0",
                "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--log-facility=-", "--user=root", "--pid-file=",
                "--enable-ra", "--ra-param=r0,4,600",
                "--dhcp-range=2001:db8:78::,ra-only,64"], "router-ra")
        return self.start(self.addr, cmd + list(extra), "dnsmasq")

    def dhcrelay(self):
        cmd = ["dhcrelay", "-d", "-4", "-a", "--no-pid", "-id", "r0",
               "-iu", "r1", ADDR4, SRV4]
        return self.start(self.router, cmd, "dhcrelay")

    def capture(self):
        """tshark on every bridge, into capture.pcapng."""
        cmd = ["tshark", "-q", "-n", "-w",
               os.path.join(self.work, "capture.pcapng"), "-i", "br0"]
        if self.relay:
            cmd += ["-i", "br1"]
        p = self.start(self.lan, cmd, "tshark")
        nbtest.wait_for(lambda: "Capturing on" in p.logtext() or
                        not p.alive(), 10.0)
        return p

    def delete(self):
        for p in reversed(self.procs):
            p.stop(signal.SIGINT if "tshark" in p.logpath else
                   signal.SIGTERM)
        for ns in self.ns:
            ns.delete()


def find_first(*paths):
    for p in paths:
        if os.path.exists(p):
            return p
    return None


def keep_logs(scenario, work, files):
    """Copies a failed scenario's logs into the meson log directory and
    says where they are (NB_FW_KEEP=1: also a passed one's)."""
    base = os.environ.get("NB_LOGDIR") or os.path.join(
        os.environ.get("MESON_BUILD_ROOT", "."), "meson-logs")
    dest = os.path.join(base, "firmware", scenario)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest, exist_ok=True)
    for f in files:
        if f is not None and os.path.exists(f):
            shutil.copy(f, dest)
    print("logs of the scenario (serial console, daemons, capture): %s"
          % os.path.abspath(dest))
    return dest
