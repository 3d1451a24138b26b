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

"""The PXELINUX menu that httpbootd renders, read by PXELINUX itself.

A QEMU PC (SeaBIOS, iPXE's e1000 PXE ROM, TCG) on QEMU's user network,
whose DHCP names http://10.0.2.2/lpxelinux.0: QEMU reaches 10.0.2.2:80 on
the loopback of the test's namespace, where httpbootd serves lpxelinux.0
and ldlinux.c32 from Debian's pxelinux and syslinux-common, and renders
pxelinux.cfg/01-<mac> from netboot.conf.  PXELINUX must show the prompt
and the entries, boot the first entry when the menu's timeout runs out,
loading the kernel and the initrd the rendered config names (junk: the
boot itself fails, and PXELINUX comes back to its prompt), and when
"2" is typed at the prompt, hand the machine back to the BIOS (LOCALBOOT).
About 15 s."""

import os
import re
import socket
import subprocess
import sys
import time

import hbtest
import nbtest
from nbtest import check

LPXELINUX = "/usr/lib/PXELINUX/lpxelinux.0"
LDLINUX = "/usr/lib/syslinux/modules/bios/ldlinux.c32"
ROM = "/usr/lib/ipxe/qemu/pxe-e1000.rom"
MAC = "52:54:00:12:34:56"	# QEMU's first NIC

POLICY = """
menu "main" {
	prompt "Press F8 for the boot menu" timeout 3
	entry "Debian installer" {
		kernel "debian/linux"
		initrd "debian/initrd.gz"
		append "priority=low"
	}
	entry "Boot from local disk" local
}
match mac %s { menu "main" }
""" % MAC


def require_files():
    for path, pkg in ((LPXELINUX, "pxelinux"), (LDLINUX, "syslinux-common"),
                      (ROM, "ipxe-qemu")):
        if not os.path.exists(path):
            nbtest.skip("%s is missing (Debian package %s, which "
                        "scripts/test installs)" % (path, pkg))


class Serial:
    """The VM's serial port, as text without terminal escapes."""

    def __init__(self, path):
        nbtest.wait_for(lambda: os.path.exists(path), 10)
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.raw = b""

    def text(self):
        return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "",
                      self.raw.decode(errors="replace")).replace("\r", "")

    def wait(self, pred, timeout):
        end = time.monotonic() + timeout
        while not pred(self.text()) and time.monotonic() < end:
            self.s.settimeout(max(0.01, min(0.5, end - time.monotonic())))
            try:
                d = self.s.recv(4096)
            except socket.timeout:
                continue
            if not d:
                break
            self.raw += d
        return pred(self.text())

    def send(self, data):
        self.s.sendall(data)


def boot(work):
    sock = os.path.join(work.path, "serial.sock")
    log = open(os.path.join(work.path, "qemu.log"), "wb")
    vm = subprocess.Popen([
        "qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m",
        "256", "-display", "none", "-no-reboot",
        "-fw_cfg", "name=etc/sercon-port,file=" + work.file(
            "sercon-port", b"\xf8\x03"),	# 0x3f8: SeaBIOS on ttyS0
        "-netdev", "user,id=n0,bootfile=http://10.0.2.2/lpxelinux.0",
        "-device", "e1000,netdev=n0,mac=%s,romfile=%s" % (MAC, ROM),
        "-boot", "n",
        "-chardev", "socket,id=s0,path=%s,server=on,wait=off" % sock,
        "-serial", "chardev:s0"], stdout=log, stderr=subprocess.STDOUT)
    return vm, Serial(sock)


def main():
    nbtest.require_root()
    nbtest.require_prog("qemu-system-x86_64")
    require_files()
    binary = sys.argv[1]
    ns = hbtest.setup("nbpxelinux")
    root = nbtest.TempDir()
    work = nbtest.TempDir()
    for src in (LPXELINUX, LDLINUX):
        with open(src, "rb") as f:
            root.file(os.path.basename(src), f.read())
    root.file("debian/linux", os.urandom(64 << 10))
    root.file("debian/initrd.gz", os.urandom(4 << 10))
    srv = vm = None
    try:
        srv = hbtest.Server(binary, root.path, block='\tscript '
                            '"pxelinux.cfg/*" format pxelinux', top=POLICY)
        vm, serial = boot(work)
        ok = check(serial.wait(lambda t: "boot:" in t, 90),
                   "PXELINUX, loaded over HTTP, shows its prompt")
        text = serial.text()
        check(re.search(r"^Press F8 for the boot menu\n1: Debian installer"
                        r"\n2: Boot from local disk\nboot:", text, re.M),
              "after the prompt and the entries of the rendered menu")
        if ok:
            check(serial.wait(lambda t: t.count("boot:") >= 2, 30),
                  "after the timeout it boots the default entry and, the "
                  "kernel being junk, comes back to its prompt")
            text = serial.text()
            check("Loading debian/linux... ok" in text and
                  "Loading debian/initrd.gz...ok" in text,
                  "the default entry: the kernel and the initrd named")
            mark = len(text)
            serial.send(b"2\r")
            check(serial.wait(lambda t: "Booting from" in t[mark:], 30),
                  "2 at the prompt: back to the BIOS, which boots on")
            check("Could not find" not in serial.text(),
                  "PXELINUX found every label and file it was given")
        reqs = [(r.get("path"), r.get("status")) for r in srv.requests()]
        for path in ("/pxelinux.cfg/01-52-54-00-12-34-56", "/debian/linux",
                     "/debian/initrd.gz"):
            check((path, "200") in reqs, "httpbootd served %s" % path)
        if nbtest._failures:
            print(serial.text()[-3000:])
            print(srv.log()[-2000:])
    finally:
        if vm is not None:
            vm.kill()
            vm.wait()
        if srv is not None:
            srv.stop()
        root.cleanup()
        work.cleanup()
        ns.delete()
    nbtest.done()


if __name__ == "__main__":
    main()
