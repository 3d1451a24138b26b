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

"""Helpers of the httpbootd tests: a network namespace the whole test
process lives in, a server started from a config snippet, raw HTTP over
a socket, and curl/wget runs that hash what they download."""

import ctypes
import hashlib
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import nbtest  # noqa: E402

CLONE_NEWNET = 0x40000000


def setup(name):
    """Root, curl and our own network namespace, entered by this process
    (so that sockets, curl, wget and the daemons all live in it)."""
    nbtest.require_root()
    nbtest.require_prog("curl", "ip")
    ns = nbtest.Netns(name)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + ns.name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            why = os.strerror(ctypes.get_errno())
            ns.delete()
            nbtest.skip("setns(CLONE_NEWNET) into %s: %s (needs "
                        "CAP_SYS_ADMIN, which a container may withhold "
                        "even from root)" % (ns.name, why))
    finally:
        os.close(fd)
    return ns


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class Server:
    """httpbootd with user nobody, serving root on port (IPv4 and v6)."""

    def __init__(self, binary, root, port=80, block="", top=""):
        self.port = port
        self.root = root
        self.confdir = nbtest.TempDir()
        self.conf = os.path.join(self.confdir.path, "netboot.conf")
        self.write_conf(block, top)
        self.d = nbtest.Daemon(binary, self.conf)
        ok = self.d.wait_started() and nbtest.wait_for(
            lambda: "engine: serving" in self.d.logtext() or
            self.d.proc.poll() is not None)
        if not ok or self.d.proc.poll() is not None:
            print(self.d.logtext())
            raise RuntimeError("httpbootd did not start")

    def write_conf(self, block="", top=""):
        with open(self.conf, "w") as f:
            f.write("""httpbootd {
	listen on 127.0.0.1 port %d
	listen on ::1 port %d
	root "%s"
	user "nobody"
%s
}
%s
""" % (self.port, self.port, self.root, block, top))

    def reload(self, block="", top=""):
        n = self.log().count("new configuration")
        self.write_conf(block, top)
        self.d.signal(signal.SIGHUP)
        return nbtest.wait_for(
            lambda: self.log().count("new configuration") > n)

    def log(self):
        return self.d.logtext()

    def requests(self):
        """The access log, as dicts of its key=value pairs."""
        out = []
        for line in self.log().splitlines():
            if "engine: request " not in line:
                continue
            out.append(dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line)))
            for k, v in out[-1].items():
                if v.startswith('"'):
                    out[-1][k] = v[1:-1]
        return out

    def engine_pid(self):
        return self.d.engine_pid()

    def url(self, path, host="127.0.0.1"):
        if ":" in host:
            host = "[%s]" % host
        return "http://%s:%d%s" % (host, self.port, path)

    def stop(self):
        self.d.stop()
        self.confdir.cleanup()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_hash(cmd):
    """Runs a downloader writing to stdout; (sha256, bytes, rc, stderr)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    h = hashlib.sha256()
    n = 0
    for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
        h.update(chunk)
        n += len(chunk)
    err = p.stderr.read()
    p.wait()
    return h.hexdigest(), n, p.returncode, err.decode(errors="replace")


def curl(*args, timeout=60):
    """curl -sS -i: (status, headers, body) of the last response."""
    p = subprocess.run(["curl", "-sS", "-i", "--max-time", str(timeout)] +
                       list(args), capture_output=True)
    return parse_curl(p.stdout)


def parse_curl(out):
    # With several responses (a redirect, 100) the last one counts.
    status, headers, body = None, {}, b""
    rest = out
    while rest.startswith(b"HTTP/"):
        head, _, rest = rest.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        body = rest
    return status, headers, body


class Conn:
    """A raw HTTP/1.1 connection: send bytes, read whole responses."""

    def __init__(self, port, host="127.0.0.1", source=None, timeout=10):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.s = socket.socket(fam, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        if source is not None:
            self.s.bind((source, 0))
        self.s.connect((host, port))
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def _fill(self):
        d = self.s.recv(1 << 16)
        if not d:
            raise EOFError("connection closed")
        self.buf += d

    def response(self, head=False):
        """(status, headers, body); head: no body expected."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        hdr, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = hdr.decode(errors="replace").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = 0 if head or status == 304 else \
            int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            self._fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, headers, body

    def closed(self, timeout=5.0):
        """Whether the server closes (EOF or reset) within timeout."""
        self.s.settimeout(timeout)
        try:
            while True:
                d = self.s.recv(1 << 16)
                if not d:
                    return True
                self.buf += d
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.s.close()


def get(path, host="Host: t\r\n", extra=""):
    return ("GET %s HTTP/1.1\r\n%s%s\r\n" % (path, host, extra)).encode()


def one(port, data, head=False, host="127.0.0.1"):
    """One request on a new connection; (status, headers, body)."""
    c = Conn(port, host)
    try:
        c.send(data)
        return c.response(head)
    finally:
        c.close()


def open_idle(port, n, into):
    """Appends to into up to n keep-alive connections, each after one
    HEAD answered 200; stops at the first other answer."""
    for i in range(n):
        c = Conn(port, timeout=30)
        c.send(b"HEAD /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        st, hd, body = c.response(head=True)
        if st != 200:
            c.close()
            break
        into.append(c)


def rss_kib(pid):
    return int(nbtest.proc_status(pid)["VmRSS"].split()[0])


def elapsed(t0):
    return time.monotonic() - t0
