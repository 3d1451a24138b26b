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

"""The daemons under what their systemd units allow: the capability
bounding set, no_new_privs and the umask of each installed .service,
applied with setpriv(1) as systemd would apply them (systemd itself does
not run in the test's root).  A machine boots through the three, the
engines are confined as ever, the control socket gets its group and its
directory its mode with no CAP_CHOWN and umask 027, and each daemon
stops with its engine, which runs as another user (CAP_KILL)."""

import grp
import json
import os
import stat
import subprocess
import sys

import bootlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "dhcpd-proxy"))
import nbtest  # noqa: E402
import proxytest as pt  # noqa: E402
from nbtest import check, check_eq  # noqa: E402


def unit_setting(unit, key):
    with open(unit) as f:
        for line in f:
            if line.startswith(key + "="):
                return line.split("=", 1)[1].strip()
    return None


def confinement(unit):
    caps = unit_setting(unit, "CapabilityBoundingSet").split()
    bset = "-all," + ",".join("+" + c[len("CAP_"):].lower() for c in caps)
    cmd = ["setpriv", "--bounding-set=" + bset]
    if unit_setting(unit, "NoNewPrivileges") == "yes":
        cmd.append("--no-new-privs")
    return unit_setting(unit, "UMask"), cmd


def start(binary, unit, conffile, netns, logpath):
    umask, setpriv = confinement(unit)
    log = open(logpath, "wb")
    cmd = ["ip", "netns", "exec", netns, "sh", "-c",
           'umask "$0" && exec "$@"', umask] + setpriv + \
        [binary, "-d", "-v", "-f", conffile]
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT), log


def stop(p):
    """SIGTERM, then SIGKILL: a parent that cannot signal its engine
    must not outlive the test (its engine then goes by PDEATHSIG)."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    nbtest.require_root()
    nbtest.require_prog("ip", "curl", "setpriv")
    try:
        import scapy.all  # noqa: F401
    except ImportError:
        nbtest.skip("scapy is not installed")
    builddir = sys.argv[1]
    binaries = sys.argv[2:5]
    netbootctl = sys.argv[5]
    su = bootlib.Setup("nbhd")
    # A control directory that does not exist yet: made under umask 027.
    su.args["ctl"] = su.ctldir = os.path.join(su.work.path, "run", "ctl")
    os.makedirs(os.path.dirname(su.ctldir), mode=0o755)
    su.write_conf()
    procs = []
    try:
        for b in binaries:
            name = os.path.basename(b)
            unit = os.path.join(builddir, name + ".service")
            check(unit_setting(unit, "CapabilityBoundingSet") is not None,
                  "%s.service has a capability bounding set" % name)
            procs.append((name, start(b, unit, su.conffile,
                                      su.link.srv.name,
                                      os.path.join(su.work.path,
                                                   name + ".log"))))
        for name, (p, _) in procs:
            path = os.path.join(su.work.path, name + ".log")
            ok = nbtest.wait_for(lambda: "started, engine pid" in
                                 open(path).read() or p.poll() is not None)
            if not check(ok and p.poll() is None, "%s starts under its "
                         "unit's bounding set, no_new_privs, umask" % name):
                print(open(path).read())
                return
            kids = nbtest.children(p.pid)
            st = nbtest.proc_status(kids[0]) if len(kids) == 1 else {}
            check(st.get("Uid", "").split()[:1] == ["65534"] and
                  st.get("CapEff") == "0000000000000000" and
                  st.get("NoNewPrivs") == "1",
                  "%s's engine is nobody, without capabilities" % name)
        su.link.enter_client()
        bootlib.boot(pt.Client(), su.tree.path)
        mode = stat.S_IMODE(os.stat(su.ctldir).st_mode)
        check_eq(oct(mode), oct(0o755), "the control directory is made 755 "
                 "under umask 027")
        nogroup = grp.getgrnam("nogroup").gr_gid
        for name, _ in procs:
            sb = os.stat(os.path.join(su.ctldir, name + ".sock"))
            check((sb.st_uid, sb.st_gid, stat.S_IMODE(sb.st_mode)) ==
                  (0, nogroup, 0o660), "%s.sock is root:nogroup 0660 "
                  "without CAP_CHOWN" % name)
        r = subprocess.run(["setpriv", "--reuid", "nobody", "--regid",
                            "nogroup", "--clear-groups", netbootctl, "-j",
                            "-s", su.ctldir, "clients"],
                           capture_output=True)
        doc = json.loads(r.stdout) if r.returncode == 0 else {}
        mine = [c for c in doc.get("clients", [])
                if c["mac"] == bootlib.MAC]
        check(len(mine) == 1 and len(mine[0]["tftp"]) == 1 and
              len(mine[0]["http"]) == 2, "the control group sees the "
              "machine's boot through the three")
        for name, (p, _) in procs:
            engine = nbtest.children(p.pid)
            p.terminate()
            try:
                rc = p.wait(10)
            except subprocess.TimeoutExpired:
                rc = None
            check(rc == 0 and engine and
                  not os.path.exists("/proc/%d" % engine[0]),
                  "%s stops with its engine: the parent may signal it "
                  "(CAP_KILL)" % name)
    finally:
        for name, (p, log) in procs:
            stop(p)
            log.close()
        su.cleanup()
    nbtest.done()


if __name__ == "__main__":
    main()
