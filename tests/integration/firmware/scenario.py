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

"""One firmware scenario, booted end to end:

    scenario.py NAME DHCPD-PROXY TFTPD HTTPBOOTD

A QEMU machine boots from the network of a lab of namespaces (fwlib.py):
its firmware gets an address from dnsmasq and every boot decision from
dhcpd-proxy, loads a GRUB image that was made for this run (payload.py)
from tftpd or httpbootd, and GRUB fetches its config from the same
server, checks a random blob's SHA-256, prints this run's nonce and
halts.  The scenario passes only on the markers, in order, within its
time; the boot time is from QEMU's start to the nonce.  A failed
scenario leaves the serial console, every daemon's log and a capture of
the bridge in the meson log directory."""

import os
import re
import shutil
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
import nbtest  # noqa: E402
from nbtest import check  # noqa: E402
import fwlib  # noqa: E402
from fwlib import SRV4, SRV6  # noqa: E402
import payload  # noqa: E402
import vm as vmod  # noqa: E402

MAC = "52:54:00:cc:14:01"
MAC2 = "52:54:00:cc:14:02"
# The slowest scenario took 46 s in CI (TCG, two cores shared by two
# scenarios at a time): three times that is a failure.
BOOT_TIMEOUT = 150
# What a console shows when the boot has failed and nothing more will
# come: OVMF out of boot options, GRUB without its config.
GAVE_UP = ("UEFI Interactive Shell", "grub> ", "grub rescue> ")

CONF = """\
tftpd {
	listen on %(srv4)s port 69
	listen on %(srv6)s port 69
	root "%(root)s"
	user "nobody"
}
httpbootd {
	listen on %(srv4)s port 80
	listen on %(srv6)s port 80
	root "%(root)s"
	user "nobody"
	script "menu.ipxe" format ipxe
}
dhcpd-proxy {
	listen on interface "s0"
	chroot "%(chroot)s"
	user "nobody"
	http-server "http://%(srv4)s/"
}
menu "nb" {
	prompt "netboot firmware test" timeout 1
	entry "GRUB payload" {
		kernel "efi/grubx64.efi"
		initrd "nb/blob"
	}
	entry "Boot from local disk" local
}
%(rules)s
"""


class Scenario:
    """What differs between scenarios.  kind: the machine (vm.KINDS);
    fmt: GRUB's image format; proto: how GRUB reaches us; loader: the
    boot file's path in the tree; rules: the match rules; fw_cfg: OVMF
    switches; relay, ipv6: the lab; netconf: the GRUB command that sets
    up its network where the firmware leaves none (after HTTP boot)."""

    def __init__(self, kind, fmt, proto, loader, rules, fw_cfg=(),
                 relay=False, ipv6=False, netconf=None, server=SRV4):
        self.kind = kind
        self.fmt = fmt
        self.proto = proto
        self.loader = loader
        self.rules = rules
        self.fw_cfg = fw_cfg
        self.relay = relay
        self.ipv6 = ipv6
        self.netconf = netconf
        self.server = server


UEFI_PXE = Scenario("ovmf", "x86_64-efi", "tftp", "efi/grubx64.efi",
                    'match arch x64-uefi { bootfile "efi/grubx64.efi" }')
UEFI_HTTP = Scenario("ovmf", "x86_64-efi", "http", "efi/grubx64.efi",
                     'match arch x64-uefi-http '
                     '{ bootfile "efi/grubx64.efi" }',
                     fw_cfg=vmod.NO_PXE, netconf="net_bootp")
BIOS_PXE = Scenario("seabios", "i386-pc-pxe", "tftp", "bios/core.0",
                    'match arch bios { bootfile "bios/core.0" }')
IPXE_MENU = Scenario("ovmf", "x86_64-efi", "http", "ipxe/snponly.efi",
                     'match user-class "iPXE" '
                     '{ bootfile "http://%s/menu.ipxe" menu "nb" }\n'
                     'match arch x64-uefi { bootfile "ipxe/snponly.efi" }'
                     % SRV4, netconf="net_bootp")
SECUREBOOT = Scenario("ovmf-sb", "x86_64-efi", "tftp", "sb/shimx64.efi",
                      'match mac %s { bootfile "efi/grubx64.efi" }\n'
                      'match arch x64-uefi { bootfile "sb/shimx64.efi" }'
                      % MAC2)


def relayed(s):
    return Scenario(s.kind, s.fmt, s.proto, s.loader, s.rules, s.fw_cfg,
                    relay=True, netconf=s.netconf)


SCENARIOS = {
    "uefi-pxe": UEFI_PXE,
    "uefi-http": UEFI_HTTP,
    "bios-pxe": BIOS_PXE,
    "ipxe-menu": IPXE_MENU,
    "secureboot": SECUREBOOT,
    "uefi-pxe-relay": relayed(UEFI_PXE),
    "uefi-http-relay": relayed(UEFI_HTTP),
    "bios-pxe-relay": relayed(BIOS_PXE),
    # IPv4 PXE switched off, so that OVMF goes to PXE over IPv6 at once
    "uefi-pxe6": Scenario("ovmf", "x86_64-efi", "tftp", "efi/grubx64.efi",
                          'match arch x64-uefi '
                          '{ bootfile "efi/grubx64.efi" }',
                          fw_cfg=vmod.NO_PXE4, ipv6=True,
                          server="[%s]" % SRV6),
    # OVMF has no switch that leaves HTTP over IPv6 alone (IPv4Support=n
    # stops it too), so the IPv4 attempt is made to fail: its URL is
    # missing, and OVMF goes on to HTTP boot over IPv6.
    "uefi-http6": Scenario("ovmf", "x86_64-efi", "http", "efi/grubx64.efi",
                           'match subnet 10.77.0.0/24 arch x64-uefi-http '
                           '{ bootfile "missing/ipv4-only.efi" '
                           'http-server "http://%s/" }\n'
                           'match arch x64-uefi-http { bootfile '
                           '"efi/grubx64.efi" http-server "http://[%s]/" }'
                           % (SRV4, SRV6), fw_cfg=vmod.NO_PXE, ipv6=True,
                           netconf="net_ipv6_autoconf",
                           server="[%s]" % SRV6),
    "arm64-pxe": Scenario("aavmf", "arm64-efi", "tftp", "efi/grubaa64.efi",
                          'match arch arm64-uefi '
                          '{ bootfile "efi/grubaa64.efi" }'),
    "arm64-http": Scenario("aavmf", "arm64-efi", "http", "efi/grubaa64.efi",
                           'match arch arm64-uefi-http '
                           '{ bootfile "efi/grubaa64.efi" }',
                           fw_cfg=vmod.NO_PXE, netconf="net_bootp"),
}


def grub_prefix(s):
    return "(%s,%s)/nb" % (s.proto, s.server.strip("[]"))


class Run:
    """A scenario's lab, tree, servers and machines, and what they said."""

    def __init__(self, name, s, exes):
        self.name = name
        self.s = s
        self.exes = exes
        self.work = nbtest.TempDir()
        self.root = nbtest.TempDir()
        self.chroot = nbtest.TempDir()
        self.lab = None
        self.daemons = {}
        self.vms = []
        self.payload = None
        self.verdicts = cache_dir()

    def tree(self):
        """The boot tree: the loader, GRUB's config, blob and sums."""
        s, root = self.s, self.root.path
        self.payload = payload.Payload(root)
        prefix = grub_prefix(s)
        grub_dir = None
        if s.fmt == "arm64-efi":
            grub_dir, why = payload.arm64_grub_dir(arm64_cache())
            if grub_dir is None:
                raise Unavailable("no arm64 GRUB: " + why)
        # Our GRUB is the boot file, or what iPXE's menu loads, or the
        # unsigned image that Secure Boot must refuse.
        out = s.loader if s.loader.startswith(("efi/", "bios/")) else \
            "efi/grubx64.efi"
        payload.mkimage(s.fmt, os.path.join(root, out), prefix,
                        self.work.path, netconf=s.netconf, grub_dir=grub_dir)
        self.payload.write_cfg(prefix)
        if self.name == "ipxe-menu":
            copy("/usr/lib/ipxe/snponly.efi", root, s.loader)
        if self.name == "secureboot":
            copy("/usr/lib/shim/shimx64.efi.signed", root, "sb/shimx64.efi")
            copy("/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed",
                 root, "sb/grubx64.efi")
            # Debian's signed GRUB reads $prefix/grub.cfg, its prefix
            # /grub on the server of the DHCP ACK; it has no hashsum.
            self.payload.write_cfg("(tftp,%s)/nb" % SRV4,
                                   rel="grub/grub.cfg", sha=False)

    def conf(self):
        text = CONF % {"srv4": SRV4, "srv6": SRV6, "root": self.root.path,
                       "chroot": self.chroot.path, "rules": self.s.rules}
        paths = {}
        for d in ("dhcpd-proxy", "tftpd", "httpbootd"):
            paths[d] = os.path.join(self.work.path, d + ".conf")
            with open(paths[d], "w") as f:
                f.write(text)
        return paths

    def servers(self):
        lab = self.lab
        self.capture = lab.capture()
        extra = []
        if self.name == "secureboot":
            # The workaround of dhcpd-proxy(8): Debian's signed GRUB
            # reads its config only from the ACK's next-server.
            extra = ["--dhcp-boot=,,%s" % SRV4]
        self.dns = lab.dnsmasq(extra)
        if self.s.relay:
            self.relay = lab.dhcrelay()
        conf = self.conf()
        for d in ("dhcpd-proxy", "tftpd", "httpbootd"):
            self.daemons[d] = nbtest.Daemon(self.exes[d], conf[d],
                                            netns=lab.srv.name)
        ok = True
        for d, p in self.daemons.items():
            ok = check(p.wait_started(), d + " starts") and ok
        return ok

    def boot(self, mac, name="vm"):
        v = vmod.VM(self.s.kind, self.work.path, mac, self.s.fw_cfg, name)
        self.vms.append(v)
        v.start(self.lab, self.verdicts)
        return v

    def log(self, d):
        return self.daemons[d].logtext()

    def logfiles(self):
        files = [p.logpath for p in self.lab.procs]
        files += [d.logpath for d in self.daemons.values()]
        files += [os.path.join(self.work.path, "capture.pcapng")]
        for v in self.vms:
            files += [v.serial, v.qlog]
        return files

    def cleanup(self):
        for v in self.vms:
            v.stop()
        for d in self.daemons.values():
            d.stop()
        keep = nbtest._failures > 0 or os.environ.get("NB_FW_KEEP") == "1"
        if self.lab is not None:
            self.lab.delete()
            if keep:
                fwlib.keep_logs(self.name, self.work.path, self.logfiles())
        for t in (self.work, self.root, self.chroot):
            t.cleanup()


class Unavailable(Exception):
    pass


def copy(src, root, rel):
    dst = os.path.join(root, rel)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)


def cache_dir():
    """Kept between runs (meson gives build/fwcache): the arm64 GRUB and
    whether KVM runs each firmware."""
    d = os.environ.get("NB_FW_CACHE") or "/var/tmp/netboot-fwcache"
    os.makedirs(d, exist_ok=True)
    return d


def arm64_cache():
    return os.path.join(cache_dir(), "arm64")


def in_order(console, markers):
    """The markers appear in the console in this order."""
    i = 0
    for m in markers:
        j = console.find(m, i)
        if j < 0:
            return False
        i = j + len(m)
    return True


def file_sent(run, rel):
    """tftpd or httpbootd reported rel sent in full.  GRUB may halt the
    machine the moment it has the last block, before the daemon's log
    line is out (engines hand their lines to the parent): wait for it."""
    size = os.path.getsize(os.path.join(run.root.path, rel))
    t = "file=%s bytes=%d " % (rel, size)
    h = 'path="/%s" status=200 bytes=%d ' % (rel, size)
    return nbtest.wait_for(lambda: t in run.log("tftpd") or
                           h in run.log("httpbootd"), 10.0, 0.2)


def whole_boot(run, v, markers):
    """Waits for the markers; checks them, the halt and says the time."""
    v.wait(lambda c: in_order(c, markers) or payload.SHA_BAD in c or
           any(g in c for g in GAVE_UP), BOOT_TIMEOUT)
    took = time.monotonic() - v.started     # a KVM fallback restarts it
    con = v.console()
    got = in_order(con, markers)
    check(got,
          "%s: the console shows %s in order" % (v.name,
                                                 ", ".join(markers)))
    check(payload.SHA_BAD not in con,
          "%s: GRUB found no SHA-256 mismatch" % v.name)
    if got:
        print("boot time: %.1f s from QEMU's start to the nonce "
              "(accel=%s, scenario=%s)" % (took, v.accel, run.name))
        check(v.wait_exit(30), "%s: GRUB halted the machine" % v.name)
    return took if got else None


def proxy_answered(run, mac, types):
    log = run.log("dhcpd-proxy")
    for t in types:
        check("answer type=%s mac=%s" % (t, mac) in log,
              "dhcpd-proxy sent %s an %s" % (mac, t) if t[0] in "aeiou"
              else "dhcpd-proxy sent %s a %s" % (mac, t))


def run_generic(run):
    s = run.s
    v = run.boot(MAC)
    whole_boot(run, v, run.payload.markers())
    if s.ipv6:
        proxy_answered(run, MAC, ["advertise", "reply"] if s.proto == "tftp"
                       else ["advertise"])
    elif s.proto == "http" and s.kind != "seabios":
        proxy_answered(run, MAC, ["offer"])
    else:
        proxy_answered(run, MAC, ["offer", "ack"])
    if s.relay:
        check(re.search(r"answer type=offer mac=%s .*relay=%s" %
                        (MAC, fwlib.RELAY_GW), run.log("dhcpd-proxy")),
              "the offer went through the relay %s" % fwlib.RELAY_GW)
    for rel in (s.loader, "nb/grub.cfg", "nb/sums", "nb/blob"):
        check(file_sent(run, rel), "%s was sent whole" % rel)


def run_ipxe_menu(run):
    v = run.boot(MAC)
    whole_boot(run, v, run.payload.markers())
    log = run.log("dhcpd-proxy")
    check(re.search(r"answer type=\w+ mac=%s .*bootfile=ipxe/snponly.efi"
                    % MAC, log), "OVMF was told to load iPXE")
    check(re.search(r"answer type=\w+ mac=%s .*bootfile=http://%s/menu.ipxe"
                    % (MAC, SRV4), log),
          "iPXE, by its user class, was told to load the menu over HTTP")
    check(run.log("tftpd").count("file=ipxe/snponly.efi bytes=") == 1,
          "iPXE was loaded once: no loop")
    check('path="/menu.ipxe" status=200' in run.log("httpbootd"),
          "httpbootd rendered the menu script")
    for rel in ("ipxe/snponly.efi", "efi/grubx64.efi", "nb/blob",
                "nb/grub.cfg"):
        check(file_sent(run, rel), "%s was sent whole" % rel)


def run_secureboot(run):
    v = run.boot(MAC)
    whole_boot(run, v, [payload.STAGE2, run.payload.nonce_marker()])
    for rel in ("sb/shimx64.efi", "sb/grubx64.efi", "grub/grub.cfg"):
        check(file_sent(run, rel), "%s was sent whole" % rel)
    # The same firmware, told to load our unsigned GRUB, must refuse it.
    v.stop()                    # the tap is free once QEMU is gone
    bad = run.boot(MAC2, "unsigned")
    refused = bad.wait(lambda c: "Access Denied" in c, BOOT_TIMEOUT)
    check(file_sent(run, "efi/grubx64.efi"),
          "the unsigned image was sent whole")
    check(refused, "OVMF refused the unsigned image (Access Denied)")
    check(payload.STAGE1 not in bad.console(),
          "the unsigned image did not run")
    bad.stop()


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in SCENARIOS:
        print("usage: scenario.py {%s} DHCPD-PROXY TFTPD HTTPBOOTD" %
              "|".join(SCENARIOS))
        sys.exit(2)
    name = sys.argv[1]
    s = SCENARIOS[name]
    nbtest.require_root()
    nbtest.require_prog("ip", "dnsmasq", "tshark", "grub-mkimage")
    if s.relay:
        nbtest.require_prog("dhcrelay")
    why = vmod.missing(s.kind)
    if why is not None:
        nbtest.skip(why)
    exes = dict(zip(("dhcpd-proxy", "tftpd", "httpbootd"), sys.argv[2:5]))
    # meson's timeout sends SIGTERM: tear the lab down all the same
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    run = Run(name, s, exes)
    try:
        run.tree()
        run.lab = fwlib.Lab("nbfw", run.work.path, relay=s.relay,
                            ipv6=s.ipv6)
        if run.servers():
            {"ipxe-menu": run_ipxe_menu,
             "secureboot": run_secureboot}.get(name, run_generic)(run)
    except Unavailable as e:
        check(False, str(e))
    finally:
        run.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
