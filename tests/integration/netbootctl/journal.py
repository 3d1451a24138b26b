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

"""The journal fields, where no journald runs: the test is the journal.
Each daemon is started as systemd would (no -d, $NOTIFY_SOCKET) in a
mount namespace whose /run/systemd/journal/socket is a socket of this
test, a machine boots through the three, and the entries must carry
CLIENT_MAC, CLIENT_IP, CLIENT_ARCH, FILE, BYTES, DURATION_MS and DAEMON,
so that "journalctl CLIENT_MAC=..." would show its whole boot; the
engine's lines come through its parent, named by the engine's PID.
Where there is no journal, the lines, the engine's too, go to syslog:
tftpd is started again with /dev/log a socket of this test."""

import os
import socket
import struct
import subprocess
import sys
import threading
import time

import bootlib
from bootlib import MAC, SIZES

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "dhcpd-proxy"))
import nbtest  # noqa: E402
import proxytest as pt  # noqa: E402
from nbtest import check, check_eq  # noqa: E402

# In a mount namespace of its own: the journal's directory is ours.
JOURNAL_NS = """
mount -t tmpfs tmpfs /run || exit 1
mkdir -p /run/systemd/journal || exit 1
mount --bind "$JDIR" /run/systemd/journal || exit 1
exec "$@"
"""

# No journal, and /dev/log ours: a /dev of our own with what a daemon
# opens in it.
SYSLOG_NS = """
mount -t tmpfs tmpfs /run || exit 1
mkdir -p "$OLDDEV" && mount --bind /dev "$OLDDEV" || exit 1
mount -t tmpfs -o mode=755 tmpfs /dev || exit 1
for d in null zero urandom; do
	touch /dev/$d && mount --bind "$OLDDEV/$d" /dev/$d || exit 1
done
ln -s "$SYSLOG" /dev/log || exit 1
exec "$@"
"""


class Sink:
    """A datagram socket read by a thread, as journald or syslogd would:
    a writer must never wait for this test."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.sock.settimeout(0.2)
        self.got = []
        self.fds = 0
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            try:
                data, anc, _, _ = self.sock.recvmsg(65536, 256)
            except socket.timeout:
                continue
            except OSError:
                return
            self.fds += len(anc)
            self.got.append(data)

    def close(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


def journal_entry(data):
    """The native protocol: KEY=value lines, or KEY, a 64-bit length and
    the value for a value with a newline."""
    e, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, _, v = line.partition(b"=")
            i = nl + 1
        else:
            k = line
            n = struct.unpack("<Q", data[nl + 1:nl + 9])[0]
            v = data[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        e[k.decode()] = v.decode(errors="replace")
    return e


def start(binary, conffile, netns, script, env, logpath):
    log = open(logpath, "wb")
    cmd = ["ip", "netns", "exec", netns, "unshare", "--mount",
           "--propagation", "private", "sh", "-c", script, "sh", binary,
           "-f", conffile]
    return subprocess.Popen(cmd, env=dict(os.environ, **env), stdout=log,
                            stderr=subprocess.STDOUT), log


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def engine_of(pid):
    kids = nbtest.children(pid)
    return kids[0] if len(kids) == 1 else None


def test_journal(su, binaries, jdir):
    journal = Sink(os.path.join(jdir, "socket"))
    notify_path = os.path.join(su.work.path, "notify")
    notify = Sink(notify_path)
    env = {"JDIR": jdir, "NOTIFY_SOCKET": notify_path}
    procs, engines = {}, {}
    try:
        for b in binaries:
            name = os.path.basename(b)
            procs[name] = start(b, su.conffile, su.link.srv.name,
                                JOURNAL_NS, env,
                                os.path.join(su.work.path, name + ".out"))
        check(nbtest.wait_for(lambda: sum(b"READY=1" in d for d in
                                          notify.got) >= 3),
              "the three daemons say READY=1 on $NOTIFY_SOCKET")
        for name, (p, _) in procs.items():
            engines[name] = engine_of(p.pid)
        bootlib.boot(pt.Client(), su.tree.path)
        subprocess.run(["curl", "-s", "--max-time", "5",
                        "tftp://10.77.0.1/missing.efi"], capture_output=True)
        check(nbtest.wait_for(lambda: sum(b"request client=" in d
                                          for d in journal.got) >= 2 and
                              any(b"refused client=" in d
                                  for d in journal.got)),
              "the journal gets httpbootd's access lines, tftpd's refusal")
    finally:
        for p, log in procs.values():
            stop(p)
            log.close()
        journal.close()
        notify.close()
    entries = [journal_entry(d) for d in journal.got]
    check(len(entries) > 10 and journal.fds == 0,
          "%d journal entries, each in one datagram" % len(entries))
    check(all("MESSAGE" in e and "PRIORITY" in e and
              e.get("SYSLOG_IDENTIFIER") in procs and
              e.get("DAEMON") == e.get("SYSLOG_IDENTIFIER")
              for e in entries),
          "every entry has MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, DAEMON")
    for name, (p, _) in procs.items():
        out = open(os.path.join(su.work.path, name + ".out"), "rb").read()
        check_eq(out, b"", "%s writes nothing to stderr" % name)
    check_client_lines(entries, engines)


def one(entries, daemon, start_of_message, **fields):
    for e in entries:
        if e.get("DAEMON") == daemon and \
                e["MESSAGE"].startswith("engine: " + start_of_message) and \
                all(e.get(k) == v for k, v in fields.items()):
            return e
    return None


def check_client_lines(entries, engines):
    ip = pt.CLI4
    e = one(entries, "dhcpd-proxy", "answer type=ack", CLIENT_IP=ip)
    if check(e is not None, "dhcpd-proxy's 4011 answer is in the journal"):
        check_eq((e.get("CLIENT_MAC"), e.get("CLIENT_ARCH"), e.get("FILE")),
                 (MAC, "x64-uefi", "ipxe.efi"),
                 "with CLIENT_MAC, CLIENT_ARCH and FILE")
        check_eq(e.get("SYSLOG_PID"), str(engines["dhcpd-proxy"]),
                 "named by the engine's PID")
    e = one(entries, "dhcpd-proxy", "answer type=offer")
    check(e is not None and e.get("CLIENT_MAC") == MAC and
          e.get("CLIENT_ARCH") == "x64-uefi", "the offer too")
    e = one(entries, "tftpd", "transfer done", FILE="ipxe.efi")
    if check(e is not None, "tftpd's transfer is in the journal"):
        check_eq((e.get("CLIENT_IP"), e.get("BYTES"), e.get("CLIENT_MAC")),
                 (ip, str(SIZES["ipxe.efi"]), MAC),
                 "with CLIENT_IP, BYTES and the MAC the kernel knows")
        check(e.get("DURATION_MS", "").isdigit(), "and DURATION_MS")
        check_eq(e.get("SYSLOG_PID"), str(engines["tftpd"]),
                 "named by the engine's PID")
    for path in ("/debian/linux", "/hello.txt"):
        e = one(entries, "httpbootd", "request client=", FILE=path)
        if check(e is not None, "httpbootd's %s is in the journal" % path):
            check_eq((e.get("CLIENT_IP"), e.get("BYTES"),
                      e.get("CLIENT_MAC")),
                     (ip, str(SIZES[path[1:]]), MAC),
                     "with CLIENT_IP, BYTES and CLIENT_MAC")
            check(e.get("DURATION_MS", "").isdigit(), "and DURATION_MS")
    e = one(entries, "tftpd", "refused", FILE="missing.efi")
    check(e is not None and e.get("CLIENT_IP") == ip and
          e.get("CLIENT_MAC") == MAC and e.get("PRIORITY") == "6",
          "a refusal is a line about its client too")
    daemons = {e["DAEMON"] for e in entries if e.get("CLIENT_MAC") == MAC}
    check_eq(sorted(daemons), ["dhcpd-proxy", "httpbootd", "tftpd"],
             "CLIENT_MAC=%s finds the boot across the three" % MAC)


def test_syslog(su, tftpd, sdir):
    """No journal: the parent's lines and the engine's go to syslog."""
    sock = os.path.join(sdir, "log")
    syslog = Sink(sock)
    notify_path = os.path.join(su.work.path, "notify2")
    notify = Sink(notify_path)
    env = {"SYSLOG": sock, "OLDDEV": os.path.join(sdir, "dev"),
           "NOTIFY_SOCKET": notify_path}
    p, log = start(tftpd, su.conffile, su.link.srv.name, SYSLOG_NS, env,
                   os.path.join(su.work.path, "tftpd-syslog.out"))
    try:
        check(nbtest.wait_for(lambda: any(b"READY=1" in d
                                          for d in notify.got)),
              "tftpd starts without a journal")
        r = subprocess.run(["curl", "-s", "--max-time", "10",
                            "tftp://10.77.0.1/hello.txt"],
                           capture_output=True)
        check_eq(r.returncode, 0, "and serves")
        check(nbtest.wait_for(lambda: any(b"engine: transfer done" in d
                                          for d in syslog.got)),
              "the engine's line reaches syslog through its parent")
        check(any(b"parent: started" in d for d in syslog.got),
              "the parent's own lines too")
        check(all(d.startswith(b"<30>") or d.startswith(b"<27>") or
                  d.startswith(b"<31>") or d.startswith(b"<28>")
                  for d in syslog.got), "as facility daemon")
    finally:
        stop(p)
        log.close()
        syslog.close()
        notify.close()


def main():
    nbtest.require_root()
    nbtest.require_prog("ip", "curl", "unshare")
    try:
        import scapy.all  # noqa: F401
    except ImportError:
        nbtest.skip("scapy is not installed")
    binaries = sys.argv[1:4]
    su = bootlib.Setup("nbjr")
    jdir = nbtest.TempDir()
    sdir = nbtest.TempDir()
    try:
        su.link.enter_client()
        test_journal(su, binaries, jdir.path)
        test_syslog(su, binaries[0], sdir.path)
    finally:
        su.cleanup()
        jdir.cleanup()
        sdir.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
