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

"""A TFTP client in plain Python sockets for the tftpd tests: requests
built byte by byte, every reply taken apart, windowed downloads with
block-number rollover; and the test set-up they share (a network
namespace the test process enters, a root tree, a running tftpd)."""

import ctypes
import hashlib
import os
import re
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
import nbtest  # noqa: E402

RRQ, WRQ, DATA, ACK, ERROR, OACK = 1, 2, 3, 4, 5, 6
CLONE_NEWNET = 0x40000000


def enter_netns(ns):
    """Moves this process (and so the daemon and clients it starts)
    into the namespace ns."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + ns.name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns: " + os.strerror(e))
    finally:
        os.close(fd)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def file_sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def b(s):
    return s if isinstance(s, bytes) else str(s).encode()


def request(op, name, mode=b"octet", opts=()):
    """An RRQ or WRQ; opts is a list of (name, value) pairs, sent in
    order, duplicates and all."""
    pkt = struct.pack("!H", op) + b(name) + b"\0"
    if mode is not None:
        pkt += b(mode) + b"\0"
    for k, v in opts:
        pkt += b(k) + b"\0" + b(v) + b"\0"
    return pkt


def rrq(name, mode=b"octet", opts=()):
    return request(RRQ, name, mode, opts)


def ack(block):
    return struct.pack("!HH", ACK, block & 0xffff)


def error(code, msg):
    return struct.pack("!HH", ERROR, code) + b(msg) + b"\0"


def parse(pkt):
    """(opcode, fields): DATA (block, payload), ACK (block,), ERROR
    (code, message), OACK (list of (name, value) pairs)."""
    if len(pkt) < 2:
        return None, ()
    op = struct.unpack("!H", pkt[:2])[0]
    if op in (DATA, ACK) and len(pkt) >= 4:
        return op, (struct.unpack("!H", pkt[2:4])[0], pkt[4:])
    if op == ERROR and len(pkt) >= 4:
        msg = pkt[4:]
        return op, (struct.unpack("!H", pkt[2:4])[0],
                    msg[:msg.index(b"\0")] if b"\0" in msg else msg)
    if op == OACK:
        parts = pkt[2:].split(b"\0")
        if parts and parts[-1] == b"":
            parts = parts[:-1]
        return op, list(zip(parts[0::2], parts[1::2]))
    return op, ()


class Client:
    """One client socket; the server's TID is learnt from the first
    answer."""

    def __init__(self, host="127.0.0.1", port=69, timeout=5.0):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_DGRAM)
        self.sock.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 0))
        self.sock.settimeout(timeout)
        self.server = (host, port)
        self.tid = None

    def close(self):
        self.sock.close()

    def send(self, pkt, to=None):
        self.sock.sendto(pkt, to or self.tid or self.server)

    def recv(self, timeout=None):
        """(packet, sender), or (None, None) on timeout."""
        if timeout is not None:
            self.sock.settimeout(timeout)
        try:
            pkt, addr = self.sock.recvfrom(70000)
        except socket.timeout:
            return None, None
        return pkt, addr[:2]

    def first(self, req, timeout=5.0):
        """Sends a request; returns the parsed first answer, and learns
        the TID from it."""
        self.send(req, self.server)
        pkt, addr = self.recv(timeout)
        if pkt is None:
            return None, ()
        self.tid = addr
        return parse(pkt)


class Result:
    def __init__(self):
        self.data = b""
        self.oack = None
        self.error = None
        self.blocks = 0
        self.dups = 0


def download(host, name, opts=(), mode=b"octet", port=69, timeout=3.0,
             on_block=None, client=None):
    """A complete download as an RFC 7440 client: ACK at the end of each
    window, re-ACK the last good block on a gap or a timeout.  on_block
    (client, absolute block) may interfere in the transfer."""
    c = client or Client(host, port, timeout)
    r = Result()
    blksize, window = 512, 1
    op, f = c.first(rrq(name, mode, opts), timeout)
    if op is None:
        r.error = (-1, b"no answer")
        return r
    if op == ERROR:
        r.error = f
        return r
    pending = None
    if op == OACK:
        r.oack = f
        for k, v in f:
            if k.lower() == b"blksize":
                blksize = int(v)
            elif k.lower() == b"windowsize":
                window = int(v)
        c.send(ack(0))
    elif op == DATA:
        pending = f
    else:
        r.error = (-1, b"unexpected opcode %d" % op)
        return r
    parts = []
    last = 0            # last block received in order, absolute
    inwin = 0
    tries = 0
    while True:
        if pending is not None:
            op, f = DATA, pending
            pending = None
        else:
            pkt, addr = c.recv(timeout)
            if pkt is None:
                tries += 1
                if tries > 5:
                    r.error = (-1, b"timed out")
                    break
                c.send(ack(last))
                inwin = 0
                continue
            if addr != c.tid:
                continue
            op, f = parse(pkt)
        if op == ERROR:
            r.error = f
            break
        if op != DATA:
            continue
        blk, payload = f
        if blk != (last + 1) & 0xffff:
            r.dups += 1
            if blk != last & 0xffff:
                c.send(ack(last))   # a gap: tell where we are
                inwin = 0
            continue
        tries = 0
        last += 1
        inwin += 1
        parts.append(payload)
        r.blocks = last
        if on_block is not None:
            on_block(c, last)
        short = len(payload) < blksize
        if short or inwin >= window:
            c.send(ack(last))
            inwin = 0
        if short:
            break
    r.data = b"".join(parts)
    if client is None:
        c.close()
    return r


def netascii(data):
    """What RFC 1350 puts on the wire for data: CR LF for LF, CR NUL
    for CR."""
    out = bytearray()
    for ch in data:
        if ch == 0x0a:
            out += b"\r\n"
        elif ch == 0x0d:
            out += b"\r\0"
        else:
            out.append(ch)
    return bytes(out)


class Server:
    """A tftpd in a namespace of the test's own, which the test process
    itself enters, with a root tree and a config made from a template."""

    # A second namespace, the "client" host, on a veth link with the
    # Ethernet MTU: what a firmware client sees.
    ADDR4, PEER4 = "10.99.0.1", "10.99.0.2"
    ADDR6, PEER6 = "fd00:6e62::1", "fd00:6e62::2"

    def __init__(self, tftpd, nsname, conf_extra="", tail=""):
        nbtest.require_root()
        self.tftpd = tftpd
        self.ns = nbtest.Netns(nsname)
        self.peer = nbtest.Netns(nsname + "c")
        self.link()
        enter_netns(self.ns)
        self.root = nbtest.TempDir()
        self.work = nbtest.TempDir()
        self.conf_extra = conf_extra
        self.tail = tail
        self.daemon = None

    def link(self):
        """veth nbt0 (here) - nbt1 (peer), MTU 1500, both families.  It
        also gives the namespace a global IPv6 address, without which
        getaddrinfo(AI_ADDRCONFIG) in tftp-hpa refuses "::1"."""
        self.ns.ip("link", "add", "nbt0", "type", "veth", "peer", "name",
                   "nbt1", "netns", self.peer.name)
        for ns, dev, a4, a6 in ((self.ns, "nbt0", self.ADDR4, self.ADDR6),
                                (self.peer, "nbt1", self.PEER4,
                                 self.PEER6)):
            ns.ip("addr", "add", a4 + "/24", "dev", dev)
            ns.ip("addr", "add", a6 + "/64", "dev", dev, "nodad")
            ns.ip("link", "set", dev, "mtu", "1500", "up")

    def conf_text(self, extra=None, tail=None):
        listen = "".join("\tlisten on %s port 69\n" % a for a in
                         ("127.0.0.1", "::1", self.ADDR4, self.ADDR6))
        return ("tftpd {\n%s\troot \"%s\"\n\tuser \"nobody\"\n%s\n}\n"
                "%s\n" % (listen, self.root.path,
                          self.conf_extra if extra is None else extra,
                          self.tail if tail is None else tail))

    def peer_run(self, cmd, timeout=120):
        """A command on the client host."""
        return nbtest.run(["ip", "netns", "exec", self.peer.name] + cmd,
                          check_rc=False, timeout=timeout)

    def write_conf(self, extra=None, tail=None):
        return self.work.file("tftpd.conf",
                              self.conf_text(extra, tail).encode())

    def start(self):
        conf = self.write_conf()
        self.daemon = nbtest.Daemon(self.tftpd, conf)
        if not self.daemon.wait_started():
            print(self.daemon.logtext())
            return False
        return True

    def reload(self, extra=None, tail=None):
        n = self.log().count("new configuration:")
        self.write_conf(extra, tail)
        self.daemon.signal(signal.SIGHUP)
        return nbtest.wait_for(
            lambda: self.log().count("new configuration:") > n)

    def log(self):
        return self.daemon.logtext() if self.daemon else ""

    def wait_log(self, text, timeout=10.0):
        return nbtest.wait_for(lambda: text in self.log(), timeout)

    def wait_re(self, pattern, timeout=10.0):
        """The first match of pattern in the log, once it is there."""
        return nbtest.wait_for(lambda: re.search(pattern, self.log()),
                               timeout)

    def engine_alive(self):
        return self.daemon.proc.poll() is None and \
            self.daemon.engine_pid() is not None

    def stop(self):
        if self.daemon is not None:
            self.daemon.stop()
        self.root.cleanup()
        self.work.cleanup()
        self.peer.delete()
        self.ns.delete()


def run_timed(cmd, timeout=120):
    t = time.monotonic()
    p = nbtest.run(cmd, check_rc=False, timeout=timeout)
    return p, time.monotonic() - t
