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

"""netbootctl against the three daemons: a machine boots through all of
them in namespaces (a PXE client of scapy asks dhcpd-proxy, then curl
fetches its files by TFTP and HTTP) and netbootctl -j clients must show
that machine's proxy answer, TFTP file and HTTP files, with the right
byte counts, joined under its MAC.  Then the control socket itself: a
transfer in flight, metrics, reload, a user who is not allowed, a group
that is, malformed and oversized queries, a client that never reads,
and status with one daemon down."""

import array
import json
import os
import re
import socket
import struct
import subprocess
import sys
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

CTL_VERSION = 1
CTL_QUERY, CTL_RELOAD, CTL_STATUS = 1, 2, 3
CTL_END, CTL_OK, CTL_ERROR = 6, 7, 8


class Ctl:
    def __init__(self, exe, ctldir):
        self.exe = exe
        self.ctldir = ctldir

    def run(self, *args, user=None, group=None):
        cmd = [self.exe, "-s", self.ctldir] + list(args)
        if user is not None:
            cmd = ["setpriv", "--reuid", user, "--regid", group,
                   "--clear-groups"] + cmd
        return subprocess.run(cmd, capture_output=True, timeout=30)

    def json(self, *args):
        r = self.run("-j", *args)
        try:
            return r.returncode, json.loads(r.stdout.decode())
        except ValueError:
            print("not JSON: %r %r" % (r.stdout[:2000], r.stderr))
            return r.returncode, None


def by_daemon(doc):
    return {d["daemon"]: d for d in doc.get("daemons", [])}


def test_clients(ctl, sizes):
    rc, doc = ctl.json("clients")
    check_eq(rc, 0, "netbootctl -j clients exits 0")
    if doc is None:
        return
    mine = [c for c in doc["clients"] if c["mac"] == MAC]
    if not check_eq(len(mine), 1, "one client under the MAC " + MAC):
        print(json.dumps(doc, indent=1)[:4000])
        return
    c = mine[0]
    check(pt.CLI4 in c["addresses"], "its address is joined to its MAC")
    check_eq(c["arch"], "x64-uefi", "its architecture")
    check_eq(c["state"], "done", "its boot is done")
    answers = [(p["detail"].split()[0], p["file"]) for p in c["proxy"]]
    check(("offer", "-") in answers or any(a[0] == "offer"
                                           for a in answers),
          "the proxy's offer is listed: %r" % answers)
    check(("ack", "ipxe.efi") in answers, "the proxy's 4011 answer "
          "named ipxe.efi: %r" % answers)
    t = [(s["file"], s["bytes"], s["size"], s["state"]) for s in c["tftp"]]
    check_eq(t, [("ipxe.efi", sizes["ipxe.efi"], sizes["ipxe.efi"],
                  "done")], "its TFTP file with its byte count")
    h = sorted((s["file"], s["bytes"], s["status"], s["state"])
               for s in c["http"])
    check_eq(h, [("/debian/linux", sizes["debian/linux"], 200, "done"),
                 ("/hello.txt", sizes["hello.txt"], 200, "done")],
             "its HTTP files with their byte counts")
    for s in c["tftp"] + c["http"]:
        check(s["end_ms"] >= s["start_ms"] and s["duration_ms"] >= 0,
              "%s has its times" % s["file"])
    check(all(d["up"] for d in doc["daemons"]), "all three daemons up")
    r = ctl.run("clients")
    out = r.stdout.decode()
    check(MAC in out and "ipxe.efi" in out and "/debian/linux" in out,
          "netbootctl clients shows the machine in words")


def test_transfer_in_flight(ctl, size):
    """A client that asks and never acknowledges: in flight until its
    retries run out."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((pt.CLI4, 0))
    s.sendto(b"\x00\x01debian/linux\x00octet\x00blksize\x001024\x00",
             ("10.77.0.1", 69))
    s.recvfrom(2048)
    port = s.getsockname()[1]
    rc, doc = ctl.json("transfers")
    mine = [t for t in doc["transfers"] if t["port"] == port] if doc \
        else []
    if check_eq(len(mine), 1, "the transfer in flight is listed"):
        t = mine[0]
        check_eq((t["daemon"], t["file"], t["client"], t["size"],
                  t["state"]),
                 ("tftpd", "debian/linux", pt.CLI4, size, "active"),
                 "who, what, how big")
        check("rate_bps" in t and t["bytes"] == 0, "no byte acknowledged")
        check_eq(t["mac"], MAC, "its MAC, from the neighbour table")
    r = ctl.run("transfers")
    check("debian/linux" in r.stdout.decode(), "transfers in words")
    r = ctl.run("watch", "-n", "2", "-i", "1")
    out = r.stdout.decode()
    check(r.returncode == 0 and out.count("\033[H\033[2J") == 2 and
          "debian/linux" in out and "%" in out,
          "watch draws two screens with the transfer's progress bar")
    r = ctl.run("-j", "watch", "-n", "1")
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        doc = {}
    check(any(t["port"] == port for t in doc.get("transfers", [])) and
          any(c["mac"] == MAC for c in doc.get("clients", [])) and
          len(doc.get("daemons", [])) == 3, "watch -j: a screen as JSON")
    s.close()


PROM = re.compile(r'^[a-z_]+(\{[a-z_]+="[^"\\]*"(,[a-z_]+="[^"\\]*")*\})? '
                  r'[0-9]+$')


def test_metrics(ctl):
    r = ctl.run("metrics")
    out = r.stdout.decode()
    lines = [l for l in out.splitlines() if not l.startswith("#")]
    check(r.returncode == 0 and lines and all(PROM.match(l) for l in lines),
          "metrics is the Prometheus text format")
    check('netboot_up{daemon="tftpd"} 1' in lines, "tftpd is up")
    check(any(l.startswith('netboot_bytes_total{daemon="httpbootd"} ')
              for l in lines), "httpbootd's bytes are counted")
    check(any(l.startswith('netboot_answers_total{daemon="dhcpd-proxy",'
                           'type="ack direct"} ') or
              l.startswith('netboot_answers_total{daemon="dhcpd-proxy",'
                           'type="ack ')
              for l in lines), "dhcpd-proxy's answers are counted")
    types = [l for l in out.splitlines() if l.startswith("# TYPE ")]
    check_eq(len(types), len(set(types)), "one TYPE line per metric")
    rc, doc = ctl.json("metrics")
    check(doc is not None and len(doc["metrics"]) == 3, "metrics -j")


def test_access(ctl):
    """The socket is root's and the group nogroup's: nobody (group
    nogroup) may look but not reload, daemon (group daemon) may not
    even look."""
    r = ctl.run("status", user="daemon", group="daemon")
    out = r.stdout.decode()
    check(r.returncode == 1 and out.count("permission denied") == 3,
          "a user outside the group is refused by every daemon")
    r = ctl.run("-j", "status", user="nobody", group="nogroup")
    check(r.returncode == 0 and all(d["up"] for d in
                                    json.loads(r.stdout)["daemons"]),
          "a member of the control group may look")
    r = ctl.run("reload", "tftpd", user="nobody", group="nogroup")
    check(r.returncode == 1 and b"root only" in r.stdout,
          "but may not reload")


def raw(ctldir, daemon):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(15)
    s.connect(os.path.join(ctldir, daemon + ".sock"))
    return s


def first_answer(s):
    try:
        d = s.recv(65536)
    except OSError:
        return None
    if len(d) < 8:
        return None
    return struct.unpack("=II", d[:8])[0], d[8:].split(b"\0")[0]


def test_malformed(ctldir, logtext):
    q = struct.pack("=II", CTL_VERSION, 1)
    cases = [
        ("three bytes", b"abc", None),
        ("another version", struct.pack("=II", CTL_QUERY, 8) +
         struct.pack("=II", 99, 1), None),
        ("an oversized query", struct.pack("=II", CTL_QUERY, 20000) +
         bytes(20000), None),
        ("a query of the wrong size", struct.pack("=II", CTL_QUERY, 9) +
         q + b"x", None),
        ("an unknown type", struct.pack("=II", 77, 8) + q, None),
        ("a query for unknown things", struct.pack("=II", CTL_QUERY, 8) +
         struct.pack("=II", CTL_VERSION, 0x100), None),
        ("a descriptor", struct.pack("=II", CTL_QUERY, 8) + q, "fd"),
    ]
    for what, data, extra in cases:
        s = raw(ctldir, "tftpd")
        if extra == "fd":
            s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                array.array("i", [0]))])
        else:
            s.send(data)
        a = first_answer(s)
        check(a is not None and a[0] == CTL_ERROR,
              "%s is answered with an error (%r)" % (what, a))
        check(s.recv(100) == b"", "%s: the connection is closed" % what)
        s.close()
    check(nbtest.wait_for(lambda: logtext().count("control: refused "
                                                  "client uid 0") >= 7),
          "each malformed query is logged")


def test_slow_client(ctl, ctldir, logtext):
    """One client asks and never reads, another waits silently: both
    are closed in time, and others are served meanwhile."""
    mute = raw(ctldir, "httpbootd")
    greedy = raw(ctldir, "httpbootd")
    greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    greedy.send(struct.pack("=II", CTL_QUERY, 8) +
                struct.pack("=II", CTL_VERSION, 7))
    t0 = time.monotonic()
    rc, doc = ctl.json("status")
    check(rc == 0 and by_daemon(doc)["httpbootd"]["up"] and
          time.monotonic() - t0 < 5, "others are served meanwhile")
    check(nbtest.wait_for(lambda: logtext().count("took too long") >= 2,
                          timeout=20), "both are closed after the timeout")
    mute.close()
    greedy.close()


def test_reload(ctl, su):
    rc, before = ctl.json("status")
    su.write_conf(history=7)
    r = ctl.run("reload", "tftpd")
    check(r.returncode == 0 and b"tftpd: reloaded" in r.stdout,
          "reload tftpd: %r" % r.stdout)
    rc, after = ctl.json("status")
    b, a = by_daemon(before)["tftpd"], by_daemon(after)["tftpd"]
    check(a["config"]["reloads"] == b["config"]["reloads"] + 1 and
          a["config"]["sha256"] != b["config"]["sha256"] and
          a["history"] == 7, "status shows the new config")
    check_eq(by_daemon(after)["httpbootd"]["config"]["reloads"],
             by_daemon(before)["httpbootd"]["config"]["reloads"],
             "only tftpd was reloaded")


def test_one_down(ctl, httpd):
    httpd.stop()
    rc, doc = ctl.json("status")
    d = by_daemon(doc) if doc else {}
    check(rc == 0 and d["tftpd"]["up"] and d["dhcpd-proxy"]["up"] and
          not d["httpbootd"]["up"], "status with httpbootd down reports "
          "the other two")
    check("not running" in d.get("httpbootd", {}).get("error", ""),
          "and says httpbootd is not running")
    check(any(c["name"] == "requests" for c in d["tftpd"]["counters"]),
          "with tftpd's counters")
    r = ctl.run("status")
    check(r.returncode == 0 and b"httpbootd    not running" in r.stdout,
          "in words too")
    rc, doc = ctl.json("clients")
    check(rc == 0 and any(c["mac"] == MAC for c in doc["clients"]),
          "clients still shows the machine from the other two")
    rc, doc = ctl.json("reload")
    res = {d["daemon"]: d["ok"] for d in doc["reload"]} if doc else {}
    check(rc == 0 and res == {"tftpd": True, "httpbootd": False,
                              "dhcpd-proxy": True},
          "reload reloads the two that run, and says the third does not: "
          "%r" % res)
    r = ctl.run("reload", "httpbootd")
    check(r.returncode == 1 and b"not running" in r.stdout,
          "reload of the daemon that is down fails")


def main():
    nbtest.require_root()
    nbtest.require_prog("ip", "curl", "setpriv")
    try:
        import scapy.all  # noqa: F401
    except ImportError:
        nbtest.skip("scapy is not installed")
    tftpd, httpbootd, proxy, netbootctl = sys.argv[1:5]
    su = bootlib.Setup("nbctl")
    ds = [nbtest.Daemon(b, su.conffile, netns=su.link.srv.name)
          for b in (tftpd, httpbootd, proxy)]
    ctl = Ctl(netbootctl, su.ctldir)
    try:
        if not all(check(d.wait_started(), "%s starts" %
                         os.path.basename(d.binary)) for d in ds):
            return
        su.link.enter_client()
        cl = pt.Client()
        bootlib.boot(cl, su.tree.path)
        test_clients(ctl, SIZES)
        test_transfer_in_flight(ctl, SIZES["debian/linux"])
        test_metrics(ctl)
        test_access(ctl)
        test_malformed(su.ctldir, ds[0].logtext)
        test_slow_client(ctl, su.ctldir, ds[1].logtext)
        test_reload(ctl, su)
        test_one_down(ctl, ds[1])
    finally:
        for d in ds:
            d.stop()
        check(not os.path.exists(os.path.join(su.ctldir, "tftpd.sock")),
              "a stopped daemon removes its socket")
        if nbtest._failures:
            for d in ds:
                print(d.logtext()[-3000:])
        su.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
