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

"""The seccomp filter of each engine: made to try what an attacker who
took it over would (NETBOOT_TEST_TRAP, then SIGUSR2), the engine dies by
SIGSYS, its parent names the forbidden call and starts a new engine that
serves again.  Run as root with the engines chrooted, as in production."""

import os
import re
import signal
import sys

import nbtest
from nbtest import check, check_eq

nbtest.require_root()
nbtest.require_prog("tftp", "curl")
tftpd, httpbootd, proxy = sys.argv[1:4]

# What each trap tries, and the call the parent must name.
TRAPS = [
    ("execve", "execve"),
    ("open-write", "openat"),
    ("socket", "socket"),
    ("ptrace", "ptrace"),
]

ns = nbtest.Netns("nbconfine")
root = nbtest.TempDir()
root.file("hello.txt", b"hello\n")
chroot = nbtest.TempDir()
work = nbtest.TempDir()
conf = nbtest.loopback_conf(work, root, chroot)


def fetch_tftp():
    out = os.path.join(work.path, "got.txt")
    if os.path.exists(out):
        os.unlink(out)
    ns.exec("tftp", "127.0.0.1", "-c", "get", "hello.txt", out,
            check_rc=False, timeout=20)
    return os.path.exists(out) and open(out, "rb").read() == b"hello\n"


def fetch_http():
    r = ns.exec("curl", "-sf", "--max-time", "5",
                "http://127.0.0.1/hello.txt", check_rc=False, timeout=20)
    return r.returncode == 0 and r.stdout == b"hello\n"


def serves(name):
    if name == "tftpd":
        return fetch_tftp()
    if name == "httpbootd":
        return fetch_http()
    return True		# dhcpd-proxy: READY is all it says on lo


def trap_one(name, binary, trap, call):
    what = "%s %s" % (name, trap)
    d = nbtest.Daemon(binary, conf, netns=ns.name,
                      env={"NETBOOT_TEST_TRAP": trap})
    try:
        if not check(d.wait_started(), what + ": starts"):
            print(d.logtext())
            return
        if "no seccomp filter" in d.logtext():
            nbtest.skip("the engines run without a seccomp filter: " +
                        d.logtext())
        check("seccomp filter loaded" in d.logtext(),
              what + ": the engine says its filter is loaded")
        check(serves(name), what + ": serves before the trap")
        engine = d.engine_pid()
        st = nbtest.proc_status(engine)
        check_eq((st["Seccomp"], st.get("Seccomp_filters")), ("2", "1"),
                 what + ": the kernel says the engine runs filtered")
        os.kill(engine, signal.SIGUSR2)
        want = re.compile(r"engine pid %d killed by signal %d \(Bad system "
                          r"call\): forbidden system call %s \(nr \d+"
                          % (engine, signal.SIGSYS, call))
        said = nbtest.wait_for(lambda: want.search(d.logtext()), 10)
        if not check(said, what + ": the parent says the engine died of "
                     "SIGSYS, calling %s" % call):
            print(d.logtext())
        check(not re.search("test trap: %s(:| succeeded)" % trap,
                            d.logtext()),
              what + ": the call never returned to the engine")
        check(nbtest.wait_for(lambda: "engine restarted, pid" in
                              d.logtext(), 10),
              what + ": a new engine starts")
        new = d.engine_pid()
        check(new is not None and new != engine,
              what + ": the new engine is another process: %r" % new)
        check(serves(name), what + ": the new engine serves")
        check(d.proc.poll() is None, what + ": the parent lives on")
    finally:
        check_eq(d.stop(), 0, what + ": stops cleanly")


try:
    for name, binary in (("tftpd", tftpd), ("httpbootd", httpbootd),
                         ("dhcpd-proxy", proxy)):
        for trap, call in TRAPS:
            trap_one(name, binary, trap, call)
finally:
    ns.delete()
    root.cleanup()
    chroot.cleanup()
    work.cleanup()
nbtest.done()
