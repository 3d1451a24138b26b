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

"""Landlock and the engines' resource limits.  Landlock is the wall that
matters when a daemon is not started as root: its engine is then not
chrooted, and a taken-over engine could open any file its user may read
with openat2(), which seccomp lets through.  Made to try
(NETBOOT_TEST_TRAP=read:PATH, then SIGUSR2), the engine reads beneath its
root and nothing else.  Also: RLIMIT_NPROC and RLIMIT_CORE are 0 and the
descriptor limit cannot be raised again."""

import ctypes
import os
import signal
import sys

import nbtest
from nbtest import check, check_eq

nbtest.require_root()
tftpd, httpbootd, proxy = sys.argv[1:4]

libc = ctypes.CDLL(None, use_errno=True)
SYS_landlock_create_ruleset = 444
abi = libc.syscall(SYS_landlock_create_ruleset, None, ctypes.c_size_t(0),
                   ctypes.c_uint32(1))
if abi < 0:
    nbtest.skip("the kernel (%s) has no Landlock: %s" %
                (os.uname().release, os.strerror(ctypes.get_errno())))

ns = nbtest.Netns("nblandlock")
root = nbtest.TempDir()
root.file("hello.txt", b"hello\n")
chroot = nbtest.TempDir()
work = nbtest.TempDir()
os.chmod(work.path, 0o755)
outside = work.file("outside.txt", b"secret\n", mode=0o644)
inside = os.path.join(root.path, "hello.txt")

UNPRIV = """
tftpd {
	listen on 127.0.0.1 port 10069
	root "%(root)s"
}
httpbootd {
	listen on 127.0.0.1 port 10080
	root "%(root)s"
}
dhcpd-proxy {
	listen on interface "lo"
	chroot "%(chroot)s"
}
""" % {"root": root.path, "chroot": chroot.path}
unpriv = work.file("unpriv.conf", UNPRIV.encode(), mode=0o644)
asroot = nbtest.loopback_conf(work, root, chroot)


def limits(pid):
    lim = {}
    with open("/proc/%d/limits" % pid) as f:
        for line in f.readlines()[1:]:
            name, soft, hard = line[:26].strip(), line[26:47].split()[0], \
                line[47:68].split()[0]
            lim[name] = (soft, hard)
    return lim


def try_read(name, binary, conf, path, user, want):
    """Start the daemon, make its engine read path, look for want."""
    what = "%s%s read %s" % (name, " as " + user if user else "", path)
    d = nbtest.Daemon(binary, conf, netns=ns.name, user=user,
                      env={"NETBOOT_TEST_TRAP": "read:" + path})
    try:
        if not check(d.wait_started(), what + ": starts"):
            print(d.logtext())
            return None
        check("Landlock ABI %d: reads beneath the root only" % abi in
              d.logtext(), what + ": the engine says Landlock is on")
        engine = d.engine_pid()
        os.kill(engine, signal.SIGUSR2)
        got = nbtest.wait_for(lambda: ("test trap: read:%s" % path) in
                              d.logtext().replace("trying read:", ""))
        line = [x for x in d.logtext().splitlines()
                if "test trap: read:" + path in x and "trying" not in x]
        check(got and line and line[0].endswith(want),
              "%s: %r" % (what, line))
        check_eq(d.engine_pid(), engine, what + ": the engine lives on")
        return engine
    finally:
        check_eq(d.stop(), 0, what + ": stops cleanly")


def check_limits(name, binary):
    d = nbtest.Daemon(binary, asroot, netns=ns.name)
    try:
        if not check(d.wait_started(), name + ": starts"):
            print(d.logtext())
            return
        lim = limits(d.engine_pid())
        check_eq(lim["Max processes"], ("0", "0"),
                 name + ": the engine may start no process")
        check_eq(lim["Max core file size"], ("0", "0"),
                 name + ": the engine leaves no core")
        soft, hard = lim["Max open files"]
        check(soft == hard and soft != "unlimited",
              name + ": the engine's descriptor limit is fixed: %s/%s"
              % (soft, hard))
        if name == "dhcpd-proxy":
            check("Landlock ABI %d: no file access" % abi in d.logtext(),
                  name + ": Landlock leaves the engine no file access")
    finally:
        check_eq(d.stop(), 0, name + ": stops cleanly")


try:
    r = nbtest.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup",
                    "--clear-groups", "cat", outside], check_rc=False)
    check_eq(r.stdout, b"secret\n", "nobody may read the file outside "
             "the root: only Landlock stops the engine")
    for name, binary in (("tftpd", tftpd), ("httpbootd", httpbootd)):
        try_read(name, binary, unpriv, outside, "nobody",
                 ": Permission denied")
        try_read(name, binary, unpriv, inside, "nobody", " succeeded")
        # Chrooted, the root's own files stay readable.
        try_read(name, binary, asroot, "/hello.txt", None, " succeeded")
    for name, binary in (("tftpd", tftpd), ("httpbootd", httpbootd),
                         ("dhcpd-proxy", proxy)):
        check_limits(name, binary)
finally:
    ns.delete()
    root.cleanup()
    chroot.cleanup()
    work.cleanup()
nbtest.done()
