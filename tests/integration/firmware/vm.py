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

"""QEMU machines booting from the network: OVMF (with and without Secure
Boot), SeaBIOS with iPXE's e1000 ROM, and AAVMF on arm64.

KVM is used when it runs the firmware: here /dev/kvm exists but, nested,
fails on OVMF's first x87 instruction ("KVM internal error", the VM
stopped and its console silent).  The first boot of a kind finds that
out in a second or two and falls back to TCG; the verdict is kept in a
file, so that later boots of the same run go straight to TCG."""

import os
import shutil
import struct
import subprocess
import time

OVMF = "/usr/share/OVMF"
AAVMF = "/usr/share/AAVMF"
IPXE_E1000 = "/usr/lib/ipxe/qemu/pxe-e1000.rom"

# fw_cfg switches of OVMF's network stack (NetworkPkg's PCDs).
NO_PXE = [("opt/org.tianocore/IPv4PXESupport", "n"),
          ("opt/org.tianocore/IPv6PXESupport", "n")]
NO_PXE4 = [("opt/org.tianocore/IPv4PXESupport", "n")]

KINDS = {
    # kind: (qemu, firmware code, vars template, kvm possible)
    "ovmf": ("qemu-system-x86_64", OVMF + "/OVMF_CODE_4M.fd",
             OVMF + "/OVMF_VARS_4M.fd", True),
    "ovmf-sb": ("qemu-system-x86_64", OVMF + "/OVMF_CODE_4M.secboot.fd",
                OVMF + "/OVMF_VARS_4M.ms.fd", True),
    "seabios": ("qemu-system-x86_64", None, None, True),
    "aavmf": ("qemu-system-aarch64", AAVMF + "/AAVMF_CODE.fd",
              AAVMF + "/AAVMF_VARS.fd", False),
}


def missing(kind):
    """What this kind of machine lacks here, or None."""
    qemu, code, vars_, _ = KINDS[kind]
    if shutil.which(qemu) is None:
        return qemu + " is not installed"
    for f in (code, vars_) + ((IPXE_E1000,) if kind == "seabios" else ()):
        if f is not None and not os.path.exists(f):
            return f + " is not installed"
    return None


class VM:
    """One QEMU process in the lan namespace on tap0."""

    def __init__(self, kind, work, mac, fw_cfg=(), name="vm", mem=512):
        self.kind = kind
        self.work = work
        self.mac = mac
        self.fw_cfg = list(fw_cfg)
        self.name = name
        self.mem = mem
        self.serial = os.path.join(work, name + "-serial.log")
        self.qlog = os.path.join(work, name + "-qemu.log")
        self.proc = None
        self.lab = None
        self.verdict = None
        self.accel = None
        self.started = None

    def cmd(self, accel):
        qemu, code, vars_t, _ = KINDS[self.kind]
        c = [qemu, "-accel", accel, "-m", str(self.mem), "-smp", "1",
             "-display", "none", "-nodefaults", "-no-reboot",
             "-serial", "file:" + self.serial]
        if self.kind == "aavmf":
            c += ["-machine", "virt", "-cpu", "cortex-a57"]
        elif self.kind == "ovmf-sb":
            # Secure Boot needs SMM, so that only firmware writes its keys.
            c += ["-machine", "q35,smm=on", "-global",
                  "driver=cfi.pflash01,property=secure,value=on"]
        elif self.kind == "ovmf":
            c += ["-machine", "q35"]
        else:
            c += ["-machine", "pc"]
        if code is not None:
            vars_ = os.path.join(self.work, self.name + "-vars.fd")
            shutil.copyfile(vars_t, vars_)
            c += ["-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                  "-drive", "if=pflash,format=raw,file=" + vars_]
        netdev = "tap,id=n0,ifname=tap0,script=no,downscript=no"
        if self.kind == "seabios":
            # SeaBIOS runs iPXE's e1000 ROM, not pxe-virtio.rom, here;
            # etc/sercon-port puts its and iPXE's text on the serial port.
            port = os.path.join(self.work, "sercon-port")
            with open(port, "wb") as f:
                f.write(struct.pack("<H", 0x3f8))
            c += ["-netdev", netdev, "-device",
                  "e1000,netdev=n0,mac=%s,romfile=%s,bootindex=1"
                  % (self.mac, IPXE_E1000),
                  "-fw_cfg", "name=etc/sercon-port,file=" + port]
        else:
            # romfile= keeps iPXE's ROM out: the firmware's own stack boots
            c += ["-netdev", netdev, "-device",
                  "virtio-net-pci,netdev=n0,mac=%s,romfile=,bootindex=1"
                  % self.mac]
        for k, v in self.fw_cfg:
            c += ["-fw_cfg", "name=%s,string=%s" % (k, v)]
        return c

    def spawn(self, lab, accel):
        for f in (self.serial,):
            if os.path.exists(f):
                os.unlink(f)
        log = open(self.qlog, "ab")
        self.accel = accel
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", lab.lan.name] + self.cmd(accel),
            stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def kvm_failed(self):
        return self.accel == "kvm" and (
            self.proc.poll() is not None or
            "KVM internal error" in text(self.qlog))

    def kvm_runs(self):
        """Starts under KVM and tells whether the firmware got going."""
        end = time.monotonic() + 15
        while time.monotonic() < end:
            if self.kvm_failed():
                return False
            if len(text(self.serial)) > 0:
                return True
            time.sleep(0.2)
        return False

    def start(self, lab, verdicts):
        """Boots under KVM when it is known or found to work, else TCG."""
        self.lab = lab
        self.verdict = os.path.join(verdicts, "kvm-" + self.kind)
        usable = KINDS[self.kind][3] and \
            os.access("/dev/kvm", os.R_OK | os.W_OK)
        known = text(self.verdict).strip()
        if usable and known != "no":
            self.spawn(lab, "kvm")
            if known == "yes" or self.kvm_runs():
                write(self.verdict, "yes")
                return
            self.fallback()
            return
        self.spawn(lab, "tcg")

    def fallback(self):
        """KVM failed on this firmware (at once, or later as SeaBIOS does
        in iPXE's ROM): say so, remember it and start again under TCG."""
        write(self.verdict, "no")
        err = [x for x in text(self.qlog).splitlines()
               if "KVM" in x or "error" in x]
        print("KVM does not run %s here (%s); using TCG" %
              (self.kind, err[0] if err else "no console output"))
        self.stop()
        self.spawn(self.lab, "tcg")

    def console(self):
        return text(self.serial)

    def wait(self, pred, timeout):
        """Waits until pred(console) holds or QEMU ends; returns pred's
        last value."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.kvm_failed():
                self.fallback()
                end = time.monotonic() + timeout
            if pred(self.console()) or self.proc.poll() is not None:
                break
            time.sleep(0.25)
        return pred(self.console())

    def wait_exit(self, timeout):
        try:
            self.proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def write(path, s):
    try:
        with open(path, "w") as f:
            f.write(s + "\n")
    except OSError:
        pass
