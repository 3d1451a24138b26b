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

"""How a daemon lives, for each of the three: it starts; a SIGHUP with a
valid config changes what it answers, one with a broken config changes
nothing and names file and line; a dead engine is replaced and the new
one answers, until five quick deaths make the parent give up, saying
why; SIGTERM stops both; and started by
systemd-socket-activate it answers on the sockets it is handed.  What it
answers is asked over the network each time (a boot script over TFTP or
HTTP, a proxyDHCP ACK), not read from its log.  For tftpd also: bad host
settings are refused with a clear message, -n checks a file, and a
tftpd started by another user runs unprivileged.

	lifecycle.py tftpd|httpbootd|dhcpd-proxy BINARY"""

import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "dhcpd-proxy"))
import nbtest  # noqa: E402
import proxytest as pt  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

BROKEN = 'match arch nosucharch { bootfile "x" }\n'


class ScriptServer:
    """A file server on 127.0.0.1 of a namespace of its own, with a boot
    script rendered from the policy: the probe fetches it."""

    host_checks = False
    first_may_drop = False

    def __init__(self, work, root):
        nbtest.require_prog(self.client)
        self.work = work
        self.root = root
        self.ns = nbtest.Netns("nblife" + self.name[0])
        self.srv_ns = self.ns.name

    def conf(self, bootfile):
        return """%s {
	listen on 127.0.0.1 port %d
	root "%s"
	user "nobody"
	script "boot.ipxe" format ipxe
}
match subnet 127.0.0.0/8 { bootfile "%s" }
""" % (self.name, self.port, self.root.path, bootfile)

    def probe(self, port=None):
        """The file boot.ipxe chains to, as fetched now, or None."""
        try:
            script = self.fetch(port or self.port)
        except subprocess.TimeoutExpired:
            return None
        m = re.search(rb"^chain (\S+)$", script, re.M)
        return m.group(1).decode() if m else None

    def cleanup(self):
        self.ns.delete()


class Tftpd(ScriptServer):
    name = "tftpd"
    client = "tftp"
    host_checks = True
    port = 69
    activated = ["--datagram", "-l", "127.0.0.1:10069"]
    activated_port = 10069

    def fetch(self, port):
        out = os.path.join(self.work.path, "probe.out")
        if os.path.exists(out):
            os.unlink(out)
        self.ns.exec("tftp", "-m", "binary", "127.0.0.1", str(port), "-c",
                     "get", "boot.ipxe", out, check_rc=False, timeout=20)
        if not os.path.exists(out):
            return b""
        with open(out, "rb") as f:
            return f.read()


class Httpbootd(ScriptServer):
    name = "httpbootd"
    client = "curl"
    port = 80
    activated = ["-l", "127.0.0.1:10080"]
    activated_port = 10080

    def fetch(self, port):
        return self.ns.exec("curl", "-sS", "--fail", "--max-time", "10",
                            "http://127.0.0.1:%d/boot.ipxe" % port,
                            check_rc=False, timeout=20).stdout


class Proxy:
    """dhcpd-proxy on a veth link; the probe sends a PXE client's
    REQUEST to port 4011 and reads the boot file of the ACK."""

    name = "dhcpd-proxy"
    host_checks = False
    # The datagram that makes systemd-socket-activate start the daemon
    # was queued before anyone set IP_PKTINFO on the socket: without its
    # interface the engine cannot answer it.  dhcpd-proxy.socket has
    # PassPacketInfo=yes for that; systemd-socket-activate has no such
    # option, and PXE clients send again after a second or two.
    first_may_drop = True
    activated = ["--datagram", "-l", "0.0.0.0:67", "-l", "0.0.0.0:4011"]
    activated_port = None
    _xid = 0x7100

    def __init__(self, work, root):
        self.work = work
        self.chroot = nbtest.TempDir()
        self.link = pt.Link("nblifep")
        self.srv_ns = self.link.srv.name

    def conf(self, bootfile):
        return """dhcpd-proxy {
	listen on interface "srv0"
	chroot "%s"
	user "nobody"
}
match subnet 10.77.0.0/24 { bootfile "%s" }
""" % (self.chroot.path, bootfile)

    def xid(self):
        Proxy._xid += 1
        return Proxy._xid

    def probe(self, port=None):
        s = nbtest.socket_in(self.link.cli.name, socket.AF_INET,
                             socket.SOCK_DGRAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((pt.CLI4, 4011))
            x = self.xid()
            s.sendto(pt.dhcp_packet("52:54:00:cc:00:01", x, 3,
                                    pt.pxe_options(7, pt.X64_CLASS),
                                    ciaddr=pt.CLI4, flags=0),
                     (pt.SRV4, 4011))
            r = receive(s, x, 5.0)
        finally:
            s.close()
        return pt.cstr(r["file"]) if r else None

    def discover(self):
        """A broadcast DISCOVER from port 68: the proxy offer, or None."""
        s = nbtest.socket_in(self.link.cli.name, socket.AF_INET,
                             socket.SOCK_DGRAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                         pt.CLI_IF.encode())
            s.bind(("0.0.0.0", 68))
            x = self.xid()
            s.sendto(pt.dhcp_packet("52:54:00:cc:00:02", x, 1,
                                    pt.pxe_options(7, pt.X64_CLASS)),
                     ("255.255.255.255", 67))
            r = receive(s, x, 5.0)
        finally:
            s.close()
        return r if r and pt.is_proxy_offer(r) else None

    def cleanup(self):
        self.link.delete()
        self.chroot.cleanup()


def receive(s, xid, wait):
    end = time.monotonic() + wait
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            data = s.recv(4096)
        except socket.timeout:
            break
        r = pt.parse_reply(data)
        if r is not None and r["xid"] == xid:
            return r
    return None


def write_conf(kind, name, bootfile, extra=""):
    text = kind.conf(bootfile) + extra
    return kind.work.file(name, text.encode()), text.count("\n")


def start(kind, conf):
    d = nbtest.Daemon(kind.binary, conf, netns=kind.srv_ns)
    if not check(d.wait_started(), kind.name + " starts"):
        print(d.logtext())
        d.stop()
        return None
    return d


def test_reload(kind):
    """A valid config is applied, a broken one refused, whole."""
    conf, n = write_conf(kind, "reload.conf", "old.efi")
    d = start(kind, conf)
    if d is None:
        return
    try:
        engine = d.engine_pid()
        check_eq(nbtest.wait_for(kind.probe), "old.efi",
                 "before the reload: the first policy")
        write_conf(kind, "reload.conf", "new.efi")
        mark = d.logtext().count("configuration reloaded")
        d.signal(signal.SIGHUP)
        check(nbtest.wait_for(lambda: d.logtext().count(
            "configuration reloaded") > mark), "a valid config is reloaded")
        check_eq(kind.probe(), "new.efi", "after it: the new policy")
        check_eq(d.engine_pid(), engine, "the engine lives on")

        write_conf(kind, "reload.conf", "broken.efi", BROKEN)
        d.signal(signal.SIGHUP)
        check(nbtest.wait_for(lambda: "keeping the running configuration"
                              in d.logtext()), "a broken config is refused")
        check("%s:%d: " % (conf, n + 1) in d.logtext(),
              "the refusal names file and line %d" % (n + 1))
        check_eq(kind.probe(), "new.efi",
                 "after the refused reload: still the running policy")
        check_eq(d.engine_pid(), engine, "the engine survives a bad reload")
        check(d.proc.poll() is None, "the parent survives a bad reload")
    finally:
        d.stop()


def new_engine(d, kind, old):
    """The engine's PID once one other than old runs, or False."""
    e = d.engine_pid()
    return e is not None and e != old and \
        nbtest.proc_title(e) == kind.name + ": engine" and e


def test_engine_death(kind):
    """A dead engine is replaced after a back-off, with the configuration
    of the last reload and the parent's sockets; five quick deaths in a
    row end the daemon non-zero, saying why, and its sockets go with it."""
    conf, n = write_conf(kind, "death.conf", "old.efi")
    d = start(kind, conf)
    if d is None:
        return
    try:
        write_conf(kind, "death.conf", "new.efi")
        d.signal(signal.SIGHUP)
        nbtest.wait_for(lambda: "configuration reloaded" in d.logtext())
        check_eq(nbtest.wait_for(kind.probe), "new.efi", "reloaded")
        engine = d.engine_pid()
        os.kill(engine, signal.SIGKILL)
        check(nbtest.wait_for(lambda: "engine pid %d killed by signal 9 "
                              "(Killed)" % engine in d.logtext()),
              "the parent says how the engine died")
        check("starting a new engine in 500 ms" in d.logtext(),
              "and when the next one starts")
        new = nbtest.wait_for(lambda: new_engine(d, kind, engine))
        check(new, "a new engine runs: %r" % new)
        check(nbtest.wait_for(lambda: "engine restarted, pid %d" % new in
                              d.logtext()), "the parent says it is ready")
        check_eq(kind.probe(), "new.efi", "the new engine answers on the "
                 "parent's sockets, with the reloaded policy")
        check(d.proc.poll() is None, "the parent lives on")

        # Four more quick deaths, 1, 2 and 4 s apart: it gives up.
        for i in range(4):
            engine = nbtest.wait_for(lambda: new_engine(d, kind, engine),
                                     timeout=15)
            if not check(engine, "engine %d after a death" % (i + 2)):
                break
            os.kill(engine, signal.SIGKILL)
        try:
            rc = d.proc.wait(15)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc is not None and rc != 0,
              "five quick deaths in a row end the daemon non-zero: %r" % rc)
        check("the engine died 5 times in a row" in d.logtext(),
              "and the parent says why")
    finally:
        d.stop()
    # Its sockets went with it: a new one binds them and serves.
    d = start(kind, conf)
    if d is not None:
        check_eq(nbtest.wait_for(kind.probe), "new.efi",
                 "a daemon started afterwards serves")
        d.stop()


def test_stop(kind):
    conf, n = write_conf(kind, "stop.conf", "old.efi")
    d = start(kind, conf)
    if d is None:
        return
    engine = d.engine_pid()
    check_eq(d.stop(), 0, "SIGTERM stops the parent with status 0")
    check(not os.path.exists("/proc/%d" % engine) or
          nbtest.proc_status(engine).get("State", "").startswith("Z"),
          "the engine is gone too")


def test_socket_activation(kind):
    """systemd-socket-activate binds, and execs the daemon on the first
    request with the sockets from descriptor 3 on (sd_listen_fds)."""
    conf, n = write_conf(kind, "sa.conf", "activated.efi")
    log = open(conf + ".log", "wb")
    p = subprocess.Popen(["ip", "netns", "exec", kind.srv_ns,
                          "systemd-socket-activate"] + kind.activated +
                         [kind.binary, "-d", "-v", "-f", conf],
                         stdout=log, stderr=subprocess.STDOUT)

    def text():
        with open(conf + ".log", "rb") as f:
            return f.read().decode(errors="replace")
    try:
        nsock = kind.activated.count("-l")
        check(nbtest.wait_for(lambda: text().count("Listening on") ==
                              nsock), "systemd-socket-activate listens")
        # The first request starts the daemon, which answers it; the
        # proxy may miss it and answer the client's retransmission.
        got = kind.probe(kind.activated_port)
        if got is None and kind.first_may_drop:
            got = kind.probe(kind.activated_port)
        check_eq(got, "activated.efi",
                 "the activated daemon answers the request that started it"
                 + (" or its retransmission" if kind.first_may_drop
                    else ""))
        check(nbtest.wait_for(lambda: "started, engine pid" in text()),
              "a socket-activated %s starts" % kind.name)
        check("using %d sockets from socket activation" % nsock in text(),
              "it takes the %d sockets from systemd" % nsock)
        check(not re.search(r"\bbind\b", text()), "and binds nothing itself")
        if isinstance(kind, Proxy):
            check(kind.discover() is not None,
                  "a DISCOVER to the activated port 67 gets a proxy offer")
    finally:
        if p.poll() is None:
            p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
        if nbtest._failures:
            print(text()[-3000:])


# tftpd only: the parent's host checks, -n and a start as another user.

GOOD = """
tftpd {
	listen on 127.0.0.1 port %(port)d
	root "%(root)s"
	user "%(user)s"
}
match arch bios { bootfile "undionly.kpxe" }
"""


def write_plain(kind, name, text, **kw):
    args = {"port": 69, "root": kind.root.path, "user": "nobody"}
    args.update(kw)
    return kind.work.file(name, (text % args).encode())


def test_host_errors(kind):
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
        conf = write_plain(kind, name, text, **kw)
        r = kind.ns.exec(kind.binary, "-d", "-f", conf, check_rc=False,
                         timeout=10)
        err = r.stderr.decode()
        check_eq(r.returncode, 1, name + " exits 1")
        check(want in err, "%s says %r: %r" % (name, want, err.strip()))


def test_unprivileged(kind):
    conf = write_plain(kind, "user.conf", GOOD, port=10069)
    os.chmod(kind.work.path, 0o755)
    os.chmod(conf, 0o644)
    d = nbtest.Daemon(kind.binary, conf, netns=kind.ns.name, user="nobody")
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


def test_check_only(kind):
    conf = write_plain(kind, "n.conf", GOOD)
    r = nbtest.run([kind.binary, "-n", "-f", conf], check_rc=False)
    check_eq((r.returncode, r.stdout, r.stderr), (0, b"", b""),
             "-n on a valid file prints nothing and exits 0")
    conf = write_plain(kind, "n-bad.conf", GOOD + "match subnet 10.1.0.1/16 "
                       '{ bootfile "x" }\n')
    r = nbtest.run([kind.binary, "-n", "-f", conf], check_rc=False)
    check_eq(r.returncode, 1, "-n on a broken file exits 1")
    check(r.stderr.decode().startswith(conf + ":8: "),
          "-n prints file:line: %r" % r.stderr.decode())


KINDS = {"tftpd": Tftpd, "httpbootd": Httpbootd, "dhcpd-proxy": Proxy}


def main():
    # meson's timeout sends SIGTERM: clean up the namespaces all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    nbtest.require_root()
    if len(sys.argv) != 3 or sys.argv[1] not in KINDS:
        print(__doc__.splitlines()[-1].strip())
        sys.exit(2)
    nbtest.require_prog("ip", "systemd-socket-activate")
    work = nbtest.TempDir()
    root = nbtest.TempDir()
    kind = None
    try:
        kind = KINDS[sys.argv[1]](work, root)
        kind.binary = sys.argv[2]
        if kind.host_checks:
            test_check_only(kind)
            test_host_errors(kind)
        test_reload(kind)
        test_engine_death(kind)
        test_stop(kind)
        if kind.host_checks:
            test_unprivileged(kind)
        test_socket_activation(kind)
    finally:
        if kind is not None:
            kind.cleanup()
        root.cleanup()
        work.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
