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

"""The second stage the firmware boots, made at test time from Debian's
GRUB packages: an image from grub-mkimage whose embedded config prints a
marker and points GRUB's prefix at our server, and the grub.cfg there,
which prints a second marker, checks a random blob's SHA-256 and prints
a nonce of this run before it halts the machine.  The nonce is only in
the fetched config, so seeing it proves that GRUB read it from us."""

import fcntl
import glob
import hashlib
import os
import secrets
import shutil
import subprocess

GRUB_DIRS = {
    "x86_64-efi": "/usr/lib/grub/x86_64-efi",
    "i386-pc-pxe": "/usr/lib/grub/i386-pc",
    "arm64-efi": None,          # fetched: see arm64_grub_dir()
}
MODULES = {
    "x86_64-efi": ["efinet"],
    "arm64-efi": ["efinet"],
    "i386-pc-pxe": ["pxe", "serial", "terminal"],
}
COMMON_MODULES = ["net", "tftp", "http", "normal", "echo", "configfile",
                  "hashsum", "gcry_sha256", "halt", "test", "true", "sleep"]
STAGE1 = "NB-STAGE1"
STAGE2 = "NB-STAGE2"
SHA_OK = "NB-SHA256-OK"
SHA_BAD = "NB-SHA256-BAD"
BLOB_SIZE = 256 * 1024
ARM64_PKG = "grub-efi-arm64-bin"


class Payload:
    """One run's boot tree under root/: nb/grub.cfg, nb/blob, nb/sums."""

    def __init__(self, root):
        self.root = root
        self.nonce = secrets.token_hex(8)
        self.blob = os.urandom(BLOB_SIZE)
        self.sha = hashlib.sha256(self.blob).hexdigest()
        nb = os.path.join(root, "nb")
        os.makedirs(nb, exist_ok=True)
        with open(os.path.join(nb, "blob"), "wb") as f:
            f.write(self.blob)
        with open(os.path.join(nb, "sums"), "w") as f:
            f.write("%s  blob\n" % self.sha)

    def nonce_marker(self):
        return "NB-NONCE-" + self.nonce

    def write_cfg(self, prefix, rel="nb/grub.cfg", sha=True):
        """GRUB's normal mode reads $prefix/grub.cfg: this is it."""
        lines = ["echo %s" % STAGE2]
        if sha:
            lines += ["if hashsum --hash sha256 --check %s/sums --prefix %s;"
                      " then" % (prefix, prefix),
                      "  echo %s" % SHA_OK,
                      "else",
                      "  echo %s" % SHA_BAD,
                      "fi"]
        # A second before the halt, so that the last ACK of the last
        # transfer is out before the machine is gone.
        lines += ["echo %s" % self.nonce_marker(), "sleep 1", "halt"]
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def markers(self):
        return [STAGE1, STAGE2, SHA_OK, self.nonce_marker()]


def embedded_cfg(fmt, prefix, netconf=None):
    """The config inside the image, run by GRUB's rescue parser before
    normal mode: no if, only plain commands."""
    lines = []
    if fmt == "i386-pc-pxe":
        lines += ["serial --unit=0 --speed=115200",
                  "terminal_output serial",
                  "terminal_input serial"]
    lines.append("echo %s" % STAGE1)
    if netconf:
        lines.append(netconf)
    lines += ["set prefix=%s" % prefix, "set root=%s" % prefix.split(")")[0]
              .lstrip("(")]
    return "\n".join(lines) + "\n"


def mkimage(fmt, out, prefix, work, netconf=None, grub_dir=None):
    """grub-mkimage for fmt with our embedded config; returns out."""
    cfg = os.path.join(work, "embed-%s.cfg" % fmt)
    with open(cfg, "w") as f:
        f.write(embedded_cfg(fmt, prefix, netconf))
    d = grub_dir or GRUB_DIRS[fmt]
    os.makedirs(os.path.dirname(out), exist_ok=True)
    subprocess.run(["grub-mkimage", "-d", d, "-O", fmt, "-p", prefix,
                    "-c", cfg, "-o", out] + MODULES[fmt] + COMMON_MODULES,
                   check=True, capture_output=True)
    return out


def host_mirror():
    """The Debian mirror the host installs from."""
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) >= 2 and w[0] == "URIs:" and \
                        "security" not in w[1] and "debian" in w[1]:
                    return w[1]
    try:
        with open("/etc/apt/sources.list") as f:
            for line in f:
                w = line.split()
                if len(w) >= 3 and w[0] == "deb" and \
                        "security" not in w[1] and "debian" in w[1]:
                    return w[1]
    except OSError:
        pass
    return "http://deb.debian.org/debian"


def apt_arm64(cache, *args):
    """apt-get with a state of its own that knows only arm64, so that the
    host's dpkg architectures and package lists stay as they are."""
    src = os.path.join(cache, "sources.list")
    with open(src, "w") as f:
        f.write("deb [arch=arm64 signed-by=/usr/share/keyrings/"
                "debian-archive-keyring.gpg] %s bookworm main\n"
                % host_mirror())
    for d in ("lists/partial", "archives/partial"):
        os.makedirs(os.path.join(cache, d), exist_ok=True)
    status = os.path.join(cache, "status")
    open(status, "a").close()
    opts = ["-o", "APT::Architecture=arm64",
            "-o", "APT::Architectures=arm64",
            "-o", "Dir::Etc::SourceList=" + src,
            "-o", "Dir::Etc::SourceParts=/nonexistent",
            "-o", "Dir::State::Lists=" + os.path.join(cache, "lists"),
            "-o", "Dir::State::status=" + status,
            "-o", "Dir::Cache=" + cache,
            "-o", "Debug::NoLocking=1", "-q"]
    return subprocess.run(["apt-get"] + opts + list(args), cwd=cache,
                          capture_output=True, text=True)


def arm64_grub_dir(cache):
    """The arm64-efi modules of grub-efi-arm64-bin, fetched once into
    cache (under the build directory) and unpacked with dpkg-deb -x.
    Returns (directory, None) or (None, why)."""
    os.makedirs(cache, exist_ok=True)
    moddir = os.path.join(cache, "root/usr/lib/grub/arm64-efi")
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(moddir, "efinet.mod")):
            return moddir, None
        r = apt_arm64(cache, "update")
        if r.returncode != 0:
            return None, "apt-get update (arm64): " + r.stderr.strip()
        for deb in glob.glob(os.path.join(cache, ARM64_PKG + "_*.deb")):
            os.unlink(deb)
        r = apt_arm64(cache, "download", ARM64_PKG)
        debs = glob.glob(os.path.join(cache, ARM64_PKG + "_*.deb"))
        if r.returncode != 0 or len(debs) != 1:
            return None, "apt-get download %s: %s" % (ARM64_PKG,
                                                      r.stderr.strip())
        root = os.path.join(cache, "root")
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-x", debs[0], root], check=True)
        shutil.rmtree(os.path.join(cache, "lists"), ignore_errors=True)
    return moddir, None
