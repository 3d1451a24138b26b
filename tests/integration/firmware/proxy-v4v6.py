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

"""Real firmware: OVMF (EDK2's UEFI for QEMU) boots from the network of
a client namespace, gets its address from dnsmasq and its boot file from
dhcpd-proxy, and loads that file by TFTP from our tftpd.  Skipped when
QEMU or OVMF is missing."""

import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "dhcpd-proxy"))
import nbtest  # noqa: E402
import proxytest as pt  # noqa: E402
from nbtest import check  # noqa: E402

OVMF_DIRS = ("/usr/share/OVMF", "/usr/share/ovmf")
OVMF_PAIRS = (("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"),
              ("OVMF_CODE.fd", "OVMF_VARS.fd"))
MAC = "52:54:00:cc:00:01"

CONF = """
tftpd {
	listen on 10.77.0.1 port 69
	listen on 2001:db8:77::1 port 69
	root "%(root)s"
	user "nobody"
}
dhcpd-proxy {
	listen on interface "srv0"
	chroot "%(chroot)s"
	user "nobody"
}
match arch x64-uefi { bootfile "efi/boot.efi" }
"""


def find_ovmf():
    for d in OVMF_DIRS:
        for code, vars_ in OVMF_PAIRS:
            c, v = os.path.join(d, code), os.path.join(d, vars_)
            if os.path.exists(c) and os.path.exists(v):
                return c, v
    return None


def qemu_cmd(netns, code, vars_copy, serial, accel):
    cmd = ["ip", "netns", "exec", netns, "qemu-system-x86_64",
           "-machine", "q35", "-accel", accel, "-m", "256",
           "-display", "none", "-nodefaults", "-no-reboot",
           "-serial", "file:" + serial,
           "-drive", "if=pflash,format=raw,readonly=on,file=" + code,
           "-drive", "if=pflash,format=raw,file=" + vars_copy,
           "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
           # romfile= keeps iPXE's ROM out: the firmware's own PXE boots
           "-device", "virtio-net-pci,netdev=n0,mac=%s,romfile=" % MAC,
           "-boot", "n"]
    if accel == "kvm":
        cmd[cmd.index("-m"):cmd.index("-m")] = ["-cpu", "host"]
    return cmd


def serial_text(serial):
    try:
        with open(serial, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def boot_vm(link, ovmf, work):
    """QEMU with KVM if it gets the firmware as far as PXE, else TCG:
    nested KVM can fail on the first instructions of OVMF."""
    accels = ["tcg"]
    if os.access("/dev/kvm", os.R_OK | os.W_OK):
        accels.insert(0, "kvm")
    for accel in accels:
        serial = os.path.join(work, "serial-%s.log" % accel)
        vars_copy = os.path.join(work, "vars.fd")
        shutil.copyfile(ovmf[1], vars_copy)
        log = open(os.path.join(work, "qemu-%s.log" % accel), "wb")
        vm = subprocess.Popen(qemu_cmd(link.cli.name, ovmf[0], vars_copy,
                                       serial, accel),
                              stdout=log, stderr=subprocess.STDOUT)
        if nbtest.wait_for(lambda: "Start PXE over IPv4" in
                           serial_text(serial) or vm.poll() is not None,
                           30 if accel == "kvm" else 60, 0.5) and \
                vm.poll() is None:
            return vm, accel, serial
        print("QEMU with %s did not reach PXE" % accel)
        if vm.poll() is None:
            vm.kill()
        vm.wait()
        time.sleep(1)		# the tap is free once QEMU is gone
    return None, None, None


def sent_v6(log):
    return any(line.startswith("engine: transfer done client=[2001:db8:77:")
               and "file=efi/boot.efi bytes=65536" in line
               for line in log.splitlines())


def bridge_tap(link):
    """The client end and QEMU's tap on one bridge in the client netns."""
    ns = link.cli
    ns.ip("tuntap", "add", "tap0", "mode", "tap")
    ns.ip("link", "add", "br0", "type", "bridge")
    ns.ip("link", "set", pt.CLI_IF, "master", "br0")
    ns.ip("link", "set", "tap0", "master", "br0")
    for i in ("tap0", "br0"):
        ns.ip("link", "set", i, "up")


def main():
    nbtest.require_root()
    nbtest.require_prog("dnsmasq", "ip", "qemu-system-x86_64")
    proxy, tftpd = sys.argv[1:3]
    ovmf = find_ovmf()
    if ovmf is None:
        nbtest.skip("OVMF is not installed")
    link = pt.Link("nbfw")
    root = nbtest.TempDir()
    chroot = nbtest.TempDir()
    work = nbtest.TempDir()
    nbp = b"MZ" + os.urandom(64 * 1024 - 2)
    root.file("efi/boot.efi", nbp)
    serial = None
    conffile = os.path.join(work.path, "netboot.conf")
    with open(conffile, "w") as f:
        f.write(CONF % {"root": root.path, "chroot": chroot.path})
    bridge_tap(link)
    dns = pt.Dnsmasq(link.srv.name, work.path, ipv6=True)
    dp = nbtest.Daemon(proxy, conffile, netns=link.srv.name)
    shutil.copyfile(conffile, conffile + ".t")
    td = nbtest.Daemon(tftpd, conffile + ".t", netns=link.srv.name)
    vm = None
    try:
        if not (check(dp.wait_started(), "dhcpd-proxy starts") and
                check(td.wait_started(), "tftpd starts")):
            return
        t0 = time.monotonic()
        vm, accel, serial = boot_vm(link, ovmf, work.path)
        if not check(vm is not None, "OVMF starts PXE over IPv4"):
            return
        done = nbtest.wait_for(
            lambda: "file=efi/boot.efi bytes=65536" in td.logtext() or
            vm.poll() is not None, 90, 0.5)
        took = time.monotonic() - t0
        print("accel=%s, %.1f s until the boot file was sent" %
              (accel, took))
        plog = dp.logtext()
        check("answer type=offer mac=%s arch=x64-uefi" % MAC in plog,
              "OVMF got a proxy offer")
        check("answer type=ack mac=%s arch=x64-uefi" % MAC in plog,
              "OVMF asked on 4011 and got the ACK")
        check(done and "transfer done" in td.logtext() and
              "file=efi/boot.efi bytes=65536" in td.logtext(),
              "OVMF loaded efi/boot.efi from tftpd")
        # The file is no real program: the firmware goes on to PXE over
        # IPv6, where dnsmasq gives the address and we the URL.
        v6 = nbtest.wait_for(
            lambda: sent_v6(td.logtext()) or vm.poll() is not None, 120,
            0.5)
        print("%.1f s until the boot file was sent over IPv6" %
              (time.monotonic() - t0))
        plog = dp.logtext()
        check("answer type=advertise" in plog,
              "OVMF's Solicit got a proxy Advertise")
        check("answer type=reply" in plog,
              "OVMF's Request on 4011 got the Reply")
        check(v6 and sent_v6(td.logtext()),
              "OVMF loaded efi/boot.efi over IPv6 from tftpd")
    finally:
        if vm is not None and vm.poll() is None:
            vm.kill()
            vm.wait()
        dp.stop()
        td.stop()
        dns.stop()
        if nbtest._failures:
            print(dp.logtext()[-3000:])
            print(td.logtext()[-2000:])
            if serial is not None and os.path.exists(serial):
                with open(serial, "rb") as f:
                    print(f.read()[-3000:].decode(errors="replace"))
            with open(dns.logpath, "rb") as f:
                print(f.read()[-3000:].decode(errors="replace"))
        link.delete()
        root.cleanup()
        chroot.cleanup()
        work.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
