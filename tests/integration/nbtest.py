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

"""Shared helpers of the integration tests: start a daemon, find its
engine, read /proc, make network namespaces, check and report."""

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
_failures = 0
_checks = 0


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)


def require_root():
    if os.geteuid() != 0:
        skip("needs root (network namespaces, chroot, privileged ports)")


# The Debian package of each program a test runs: scripts/lib.sh installs
# them all, so a skip for one of these means scripts/test was not used.
PACKAGES = {
    "atftp": "atftp", "cmp": "diffutils", "curl": "curl",
    "dhcrelay": "isc-dhcp-relay", "dnsmasq": "dnsmasq-base",
    "grub-script-check": "grub-common", "ip": "iproute2",
    "nft": "nftables", "nginx": "nginx-light",
    "qemu-system-x86_64": "qemu-system-x86",
    "systemd-socket-activate": "systemd", "tftp": "tftp-hpa",
    "wget": "wget",
}


def require_prog(*names):
    for n in names:
        if shutil.which(n) is None:
            skip("%s is not installed (Debian package %s, which "
                 "scripts/test installs)" % (n, PACKAGES.get(n, "?")))


def require_scapy():
    try:
        import scapy.all  # noqa: F401
    except ImportError as e:
        skip("python3 cannot import scapy (Debian package python3-scapy, "
             "which scripts/test installs): %s" % e)


def check(cond, what):
    global _failures, _checks
    _checks += 1
    if cond:
        print("ok: " + what)
    else:
        _failures += 1
        print("FAILED: " + what)
    return cond


def check_eq(got, want, what):
    return check(got == want, "%s: got %r, want %r" % (what, got, want))


def done():
    print("%d checks, %d failed" % (_checks, _failures))
    sys.exit(1 if _failures or _checks == 0 else 0)


def wait_for(pred, timeout=10.0, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def proc_status(pid):
    d = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            d[k] = v.strip()
    return d


def proc_title(pid):
    """The process title: setproctitle() writes one string over argv."""
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read().split(b"\0")[0].decode(errors="replace").strip()


class TempDir:
    """A directory the test owns, removed at the end."""

    def __init__(self, mode=0o755):
        self.path = tempfile.mkdtemp(prefix="nbtest.")
        os.chmod(self.path, mode)

    def file(self, rel, data=b"", mode=0o644):
        p = os.path.join(self.path, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        return p

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


class Daemon:
    """One daemon started in the foreground (-d) with its log in a file."""

    def __init__(self, binary, conf, netns=None, user=None, extra=(),
                 env=None):
        self.binary = binary
        self.conf = conf
        self.logpath = conf + ".log"
        cmd = [binary, "-d", "-v", "-f", conf] + list(extra)
        if user is not None:
            pw = pwd.getpwnam(user)
            cmd = ["setpriv", "--reuid", str(pw.pw_uid), "--regid",
                   str(pw.pw_gid), "--init-groups"] + cmd
        if netns is not None:
            cmd = ["ip", "netns", "exec", netns] + cmd
        self.log = open(self.logpath, "wb")
        penv = None
        if env is not None:
            penv = dict(os.environ)
            penv.update(env)
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=penv)
        self.pid = self.proc.pid

    def logtext(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode(errors="replace")

    def parent_pid(self):
        """The daemon's parent: the process itself, or the one that
        ip netns exec and setpriv became (they exec, so same PID)."""
        return self.pid

    def wait_started(self, timeout=10.0):
        return wait_for(lambda: "started, engine pid" in self.logtext() or
                        self.proc.poll() is not None, timeout) and \
            self.proc.poll() is None

    def engine_pid(self):
        kids = children(self.pid)
        return kids[0] if len(kids) == 1 else None

    def signal(self, sig):
        if self.proc.poll() is None:
            os.kill(self.pid, sig)

    def stop(self, timeout=10.0):
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def loopback_conf(work, root, chroot):
    """The three daemons on loopback, engines as nobody; the file's
    path."""
    return work.file("netboot.conf", b"""
tftpd {
	listen on 127.0.0.1 port 69
	root "%(root)s"
	user "nobody"
}
httpbootd {
	listen on 127.0.0.1 port 80
	root "%(root)s"
	user "nobody"
}
dhcpd-proxy {
	listen on interface "lo"
	chroot "%(chroot)s"
	user "nobody"
}
""" % {b"root": root.path.encode(), b"chroot": chroot.path.encode()})


def run(cmd, check_rc=True, **kw):
    return subprocess.run(cmd, check=check_rc, capture_output=True, **kw)


class Netns:
    """A network namespace of the test's own, deleted at the end."""

    def __init__(self, name):
        self.name = "%s-%d" % (name, os.getpid())
        run(["ip", "netns", "add", self.name])
        self.ip("link", "set", "lo", "up")

    def ip(self, *args):
        return run(["ip", "-n", self.name] + list(args))

    def exec(self, *cmd, **kw):
        return run(["ip", "netns", "exec", self.name] + list(cmd), **kw)

    def delete(self):
        run(["ip", "netns", "del", self.name], check_rc=False)


CLONE_NEWNET = 0x40000000


def socket_in(netns, family, kind):
    """A socket made inside a network namespace; the caller stays where
    it was (a socket keeps the namespace it was made in)."""
    import ctypes
    import socket
    libc = ctypes.CDLL(None, use_errno=True)
    here = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + netns, os.O_RDONLY)
    try:
        if libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + netns)
        try:
            return socket.socket(family, kind)
        finally:
            if libc.setns(here, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(here)
        os.close(there)
