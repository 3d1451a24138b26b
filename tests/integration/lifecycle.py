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

"""How a daemon lives: starts, reloads on SIGHUP (and keeps its running
configuration when the new one is broken), stops on SIGTERM, starts a
new engine when its engine dies and gives up (non-zero) when engines keep
dying, refuses bad host settings with a clear message, and runs
unprivileged when not started as root."""

import os
import shutil
import signal
import subprocess
import sys

import nbtest
from nbtest import check, check_eq

nbtest.require_root()
tftpd = sys.argv[1]
ns = nbtest.Netns("nblife")
root = nbtest.TempDir()
root.file("hello.txt", b"hello\n")
work = nbtest.TempDir()

GOOD = """
tftpd {
	listen on 127.0.0.1 port %(port)d
	root "%(root)s"
	user "%(user)s"
}
match arch bios { bootfile "undionly.kpxe" }
"""


def write_conf(name, text, **kw):
    args = {"port": 69, "root": root.path, "user": "nobody"}
    args.update(kw)
    return work.file(name, (text % args).encode())


def test_reload():
    conf = write_conf("reload.conf", GOOD)
    d = nbtest.Daemon(tftpd, conf, netns=ns.name)
    try:
        if not check(d.wait_started(), "tftpd starts"):
            print(d.logtext())
            return
        engine = d.engine_pid()
        write_conf("reload.conf", GOOD + 'match arch x64-uefi '
                   '{ bootfile "ipxe.efi" }\n')
        d.signal(signal.SIGHUP)
        check(nbtest.wait_for(lambda: "configuration reloaded" in
                              d.logtext()), "a valid config is reloaded")
        check(nbtest.wait_for(lambda: "2 rules" in d.logtext()),
              "the engine got the new rules")
        check_eq(d.engine_pid(), engine, "the engine lives on")

        write_conf("reload.conf", GOOD + "match arch nosucharch "
                   '{ bootfile "x" }\n')
        d.signal(signal.SIGHUP)
        check(nbtest.wait_for(lambda: "keeping the running configuration"
                              in d.logtext()), "a broken config is refused")
        check("%s:8: " % conf in d.logtext(),
              "the refusal names file and line")
        check_eq(d.engine_pid(), engine, "the engine survives a bad reload")
        check(d.proc.poll() is None, "the parent survives a bad reload")

    finally:
        d.stop()


def engine_changed(d, old):
    e = d.engine_pid()
    return e is not None and e != old and \
        nbtest.proc_title(e) == "tftpd: engine" and e


def test_restart():
    """A dead engine is replaced, with the configuration of the last
    reload and the parent's sockets; quick deaths in a row end it."""
    conf = write_conf("restart.conf", GOOD)
    d = nbtest.Daemon(tftpd, conf, netns=ns.name)
    try:
        if not check(d.wait_started(), "tftpd starts for the restarts"):
            print(d.logtext())
            return
        write_conf("restart.conf", GOOD + 'match arch x64-uefi '
                   '{ bootfile "ipxe.efi" }\n')
        d.signal(signal.SIGHUP)
        nbtest.wait_for(lambda: "configuration reloaded" in d.logtext())
        engine = d.engine_pid()
        os.kill(engine, signal.SIGKILL)
        check(nbtest.wait_for(lambda: "engine pid %d killed by signal 9 "
                              "(Killed)" % engine in d.logtext()),
              "the parent says how the engine died")
        check("starting a new engine in 500 ms" in d.logtext(),
              "and when the next one starts")
        new = nbtest.wait_for(lambda: engine_changed(d, engine))
        check(new, "a new engine runs: %r" % new)
        check(nbtest.wait_for(lambda: "engine restarted, pid %d" % new in
                              d.logtext()), "the parent says it is ready")
        check_eq(d.logtext().count("2 rules"), 1,
                 "the reload had 2 rules, once")
        r = ns.exec("tftp", "127.0.0.1", "-c", "get", "hello.txt",
                    os.path.join(work.path, "restart.out"),
                    check_rc=False, timeout=20)
        check(open(os.path.join(work.path, "restart.out"), "rb").read()
              == b"hello\n", "the new engine serves on the old socket: %r"
              % r.stderr)
        check(d.proc.poll() is None, "the parent lives on")

        # Four more quick deaths: 1, 2 and 4 s apart, then it gives up.
        for n in range(4):
            engine = nbtest.wait_for(lambda: engine_changed(d, engine),
                                     timeout=15)
            if not check(engine, "engine %d after a death" % (n + 2)):
                break
            os.kill(engine, signal.SIGKILL)
        try:
            rc = d.proc.wait(15)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc is not None and rc != 0,
              "five quick deaths in a row end the daemon non-zero: %r"
              % rc)
        check("the engine died 5 times in a row" in d.logtext(),
              "and the parent says why: %r" % d.logtext()[-300:])
    finally:
        d.stop()


def test_stop():
    conf = write_conf("stop.conf", GOOD)
    d = nbtest.Daemon(tftpd, conf, netns=ns.name)
    check(d.wait_started(), "tftpd starts again")
    engine = d.engine_pid()
    check_eq(d.stop(), 0, "SIGTERM stops the parent with status 0")
    check(not os.path.exists("/proc/%d" % engine) or
          nbtest.proc_status(engine).get("State", "").startswith("Z"),
          "the engine is gone too")


def test_host_errors():
    cases = [
        ("nouser.conf", GOOD, {"user": "no-such-user-nb"},
         'user "no-such-user-nb" does not exist'),
        ("noroot.conf", GOOD, {"root": "/nonexistent/nb"},
         "root directory /nonexistent/nb: No such file or directory"),
        ("badroot.conf", GOOD, {"root": "/tmp"},
         "root directory /tmp: writable by group or others"),
        ("noif.conf", 'tftpd {\n listen on interface "nbnoif0"\n'
         ' root "%(root)s"\n user "nobody"\n}\n', {},
         ":2: interface nbnoif0 does not exist"),
    ]
    for name, text, kw, want in cases:
        conf = write_conf(name, text, **kw)
        r = ns.exec(tftpd, "-d", "-f", conf, check_rc=False, timeout=10)
        err = r.stderr.decode()
        check_eq(r.returncode, 1, name + " exits 1")
        check(want in err, "%s says %r: %r" % (name, want, err.strip()))


def test_unprivileged():
    conf = write_conf("user.conf", GOOD, port=10069)
    os.chmod(work.path, 0o755)
    os.chmod(conf, 0o644)
    d = nbtest.Daemon(tftpd, conf, netns=ns.name, user="nobody")
    try:
        if not check(d.wait_started(), "tftpd starts as nobody"):
            print(d.logtext())
            return
        check("not started as root" in d.logtext(),
              "one warning says it is not root")
        check_eq(d.logtext().count("not started as root"), 1,
                 "exactly one such warning")
        engine = d.engine_pid()
        check(engine is not None, "an engine runs as nobody too")
        st = nbtest.proc_status(engine)
        check_eq(st["NoNewPrivs"], "1", "unprivileged engine NoNewPrivs")
        check_eq(st["CapEff"], "0000000000000000",
                 "unprivileged engine has no capabilities")
    finally:
        check_eq(d.stop(), 0, "unprivileged tftpd stops cleanly")


def test_socket_activation():
    """systemd-socket-activate binds, and execs the daemon on the first
    datagram with the socket as descriptor 3 (sd_listen_fds)."""
    if shutil.which("systemd-socket-activate") is None:
        print("skipping socket activation: no systemd-socket-activate")
        return
    conf = write_conf("sa.conf", 'tftpd {\n root "%(root)s"\n'
                      ' user "%(user)s"\n}\n')
    log = open(conf + ".log", "wb")
    p = subprocess.Popen(["ip", "netns", "exec", ns.name,
                          "systemd-socket-activate", "-l", "127.0.0.1:10071",
                          "--datagram", tftpd, "-d", "-f", conf],
                         stdout=log, stderr=subprocess.STDOUT)
    try:
        nbtest.wait_for(lambda: b"Listening" in open(conf + ".log",
                                                      "rb").read())
        ns.exec("/usr/bin/python3", "-c", "import socket; "
                "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto("
                "b'\\0\\1hello.txt\\0octet\\0', ('127.0.0.1', 10071))")
        text = lambda: open(conf + ".log", "rb").read().decode()
        check(nbtest.wait_for(lambda: "started, engine pid" in text()),
              "a socket-activated tftpd starts")
        check("using 1 sockets from socket activation" in text(),
              "it takes the socket from systemd: %r" % text())
        check("bind" not in text(), "and binds nothing itself")
    finally:
        p.terminate()
        p.wait(10)
        log.close()


def test_check_only():
    conf = write_conf("n.conf", GOOD)
    r = nbtest.run([tftpd, "-n", "-f", conf], check_rc=False)
    check_eq((r.returncode, r.stdout, r.stderr), (0, b"", b""),
             "-n on a valid file prints nothing and exits 0")
    conf = write_conf("n-bad.conf", GOOD + "match subnet 10.1.0.1/16 "
                      '{ bootfile "x" }\n')
    r = nbtest.run([tftpd, "-n", "-f", conf], check_rc=False)
    check_eq(r.returncode, 1, "-n on a broken file exits 1")
    check(r.stderr.decode().startswith(conf + ":8: "),
          "-n prints file:line: %r" % r.stderr.decode())


try:
    test_check_only()
    test_host_errors()
    test_reload()
    test_restart()
    test_stop()
    test_unprivileged()
    test_socket_activation()
finally:
    ns.delete()
    root.cleanup()
    work.cleanup()
nbtest.done()
