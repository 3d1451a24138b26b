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

"""The engines of all three daemons, started as root with user nobody, are
unprivileged, capability-less, chrooted and have no_new_privs set."""

import os
import pwd
import sys

import nbtest
from nbtest import check, check_eq

nbtest.require_root()
tftpd, httpbootd, proxy = sys.argv[1:4]
nobody = pwd.getpwnam("nobody")
ns = nbtest.Netns("nbprivsep")
root = nbtest.TempDir()
root.file("hello.txt", b"hello\n")
chroot = nbtest.TempDir()
work = nbtest.TempDir()
conf = nbtest.loopback_conf(work, root, chroot)

ZERO = "0000000000000000"


def check_engine(name, binary, want_root):
    d = nbtest.Daemon(binary, conf, netns=ns.name)
    try:
        if not check(d.wait_started(), name + " starts"):
            print(d.logtext())
            return
        parent = d.parent_pid()
        engine = d.engine_pid()
        if not check(engine is not None, name + " has one engine child"):
            return
        ps = nbtest.proc_status(parent)
        check_eq(ps["Uid"].split()[0], "0", name + " parent runs as root")
        st = nbtest.proc_status(engine)
        uid, gid = str(nobody.pw_uid), str(nobody.pw_gid)
        check_eq(st["Uid"].split(), [uid] * 4, name + " engine uids")
        check_eq(st["Gid"].split(), [gid] * 4, name + " engine gids")
        check_eq(st["Groups"].split(), [gid], name + " engine groups")
        for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
            check_eq(st[cap], ZERO, name + " engine " + cap)
        check_eq(st["NoNewPrivs"], "1", name + " engine NoNewPrivs")
        check_eq(os.readlink("/proc/%d/root" % engine), want_root,
                 name + " engine root")
        check_eq(os.readlink("/proc/%d/cwd" % engine), want_root,
                 name + " engine cwd")
        check_eq(nbtest.proc_title(engine), name + ": engine",
                 name + " engine title")
        check_eq(nbtest.proc_title(parent), name + ": parent",
                 name + " parent title")
        fds = os.listdir("/proc/%d/fd" % engine)
        check(len(fds) < 32, name + " engine holds few descriptors: %d"
              % len(fds))
    finally:
        rc = d.stop()
        check_eq(rc, 0, name + " stops cleanly on SIGTERM")


try:
    check_engine("tftpd", tftpd, root.path)
    check_engine("httpbootd", httpbootd, root.path)
    check_engine("dhcpd-proxy", proxy, chroot.path)
finally:
    ns.delete()
    root.cleanup()
    chroot.cleanup()
    work.cleanup()
nbtest.done()
