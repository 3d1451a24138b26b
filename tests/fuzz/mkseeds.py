#!/usr/bin/python3
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

# Writes the seed corpora of tests/fuzz/corpus/: the firmware captures of
# tests/data/dhcp, variants of them that reach the parsers' corners
# (option 82, 43 sub-options, overload, relay chains), and hand-written
# seeds for the other harnesses.  Run it from anywhere after changing a
# capture or a harness's input format; the output is committed.  Seeds
# found by fuzzing (crashes, kept as regressions) live beside these in
# files named crash-*, which this script leaves alone.

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "dhcp")
OUT = os.path.join(HERE, "corpus")


def put(harness, name, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def capture(name):
    with open(os.path.join(DATA, name + ".bin"), "rb") as f:
        return f.read()


def opt(code, data):
    return bytes([code, len(data)]) + data


def dhcp_options(pkt):
    """The header and the options of a capture, END dropped."""
    body = pkt[240:]
    i, opts = 0, []
    while i < len(body) and body[i] != 255:
        if body[i] == 0:
            i += 1
            continue
        opts.append(body[i:i + 2 + body[i + 1]])
        i += 2 + body[i + 1]
    return pkt[:240], opts


def dhcp(hdr, opts):
    return hdr + b"".join(opts) + b"\xff"


def dhcp_seeds():
    for f in sorted(os.listdir(DATA)):
        if f.endswith(".bin") and "6-" not in f:
            put("dhcp", f[:-4], capture(f[:-4]))
    hdr, opts = dhcp_options(capture("ovmf-pxe-discover"))
    relayed = bytearray(hdr)
    relayed[3] = 1                              # hops
    relayed[24:28] = bytes([192, 0, 2, 254])    # giaddr
    rai = opt(1, b"eth0/1") + opt(2, b"\x52\x54\x00\xaa\xbb\xcc") + \
        opt(5, bytes([198, 51, 100, 0]))
    put("dhcp", "relayed-82", dhcp(bytes(relayed), opts + [opt(82, rai)]))
    put("dhcp", "overload", dhcp(hdr, opts + [opt(52, b"\x03")]))
    put("dhcp", "maxsize-small", dhcp(hdr, opts + [opt(57, b"\x01\x00")]))
    pxe = opt(6, b"\x08") + opt(71, b"\x80\x01\x00\x00") + b"\xff"
    put("dhcp", "bootitem-43", dhcp(hdr, opts + [opt(43, pxe)]))
    put("dhcp", "bootp", hdr[:236])
    put("dhcp", "subnet-select", dhcp(hdr, opts +
        [opt(118, bytes([10, 0, 0, 0]))]))


def dhcp6_relay(inner, hops, ifid):
    link = bytes(16)
    peer = b"\xfe\x80" + bytes(13) + b"\x02"
    body = struct.pack("!HH", 9, len(inner)) + inner
    body += struct.pack("!HH", 18, len(ifid)) + ifid
    body += struct.pack("!HHH", 79, 8, 1) + b"\x52\x54\x00\x12\x34\x56"
    return bytes([12, hops]) + link + peer + body


def dhcp6_seeds():
    for f in sorted(os.listdir(DATA)):
        if f.endswith(".bin") and "6-" in f:
            put("dhcp6", f[:-4], capture(f[:-4]))
    sol = capture("ovmf-pxe6-solicit")
    once = dhcp6_relay(sol, 0, b"eth0")
    put("dhcp6", "relay-1", once)
    put("dhcp6", "relay-2", dhcp6_relay(once, 1, b"uplink"))
    deep = sol
    for i in range(8):
        deep = dhcp6_relay(deep, i, b"x%d" % i)
    put("dhcp6", "relay-8", deep)
    put("dhcp6", "relay-9", dhcp6_relay(deep, 8, b"nine"))


def tftp_req(op, name, mode, *opts):
    p = struct.pack("!H", op) + name + b"\0" + mode + b"\0"
    for k, v in opts:
        p += k + b"\0" + v + b"\0"
    return p


def tftp_seeds():
    knobs = b"\xff"
    put("tftp", "rrq-plain", knobs + tftp_req(1, b"pxelinux.0", b"octet"))
    put("tftp", "rrq-netascii", b"\x00" + tftp_req(1, b"boot.txt",
        b"netascii", (b"tsize", b"0")))
    put("tftp", "rrq-all", knobs + tftp_req(1, b"/boot/grubx64.efi",
        b"octet", (b"blksize", b"1468"), (b"tsize", b"0"),
        (b"timeout", b"255"), (b"windowsize", b"64")))
    put("tftp", "rrq-case", b"\x81" + tftp_req(1, b"\\Boot\\x64\\wdsnbp.com",
        b"OCTET", (b"BlkSize", b"65464"), (b"WINDOWSIZE", b"65535")))
    put("tftp", "rrq-dotdot", knobs + tftp_req(1, b"../../etc/passwd",
        b"octet"))
    put("tftp", "rrq-big", knobs + tftp_req(1, b"a", b"octet",
        (b"blksize", b"99999999999999999999999"), (b"timeout", b"0")))
    put("tftp", "rrq-dup", knobs + tftp_req(1, b"a", b"octet",
        (b"blksize", b"512"), (b"blksize", b"1024")))
    put("tftp", "wrq", knobs + tftp_req(2, b"upload", b"octet"))
    put("tftp", "rrq-trailing", knobs + tftp_req(1, b"f", b"octet") + b"x")
    put("tftp", "ack", knobs + struct.pack("!HH", 4, 1))
    put("tftp", "error", knobs + struct.pack("!HH", 5, 8) + b"no\0")


def xfer_hdr(flags, wsize, blksize, size, retries, timeout):
    return struct.pack("!BHHIBBB", flags, wsize, blksize, size, retries, 0,
                       timeout)


def ack(block):
    p = struct.pack("!HH", 4, block & 0xffff)
    return bytes([0, len(p)]) + p


def tick(ms):
    return b"\x01" + struct.pack("!H", ms)


def xfer_seeds():
    # lockstep, 3 blocks, OACK first
    put("xfer", "lockstep", xfer_hdr(1, 1, 512, 1100, 5, 1) +
        ack(0) + tick(1) + ack(1) + tick(1) + ack(2) + tick(1) + ack(3))
    # a window of 4 with a gap, a duplicate and a timeout
    put("xfer", "window-gap", xfer_hdr(1, 4, 1024, 20000, 5, 1) +
        ack(0) + tick(2) + ack(2) + tick(60) + ack(2) + tick(2000) +
        b"\x02" + ack(6) + ack(20))
    # no OACK, lost first packet, answered again, then timeouts
    put("xfer", "reanswer", xfer_hdr(0, 1, 512, 100, 3, 1) + b"\x03" +
        tick(3000) + b"\x02" + ack(1))
    # a full socket in the middle of a window
    put("xfer", "blocked", xfer_hdr(1, 16, 1468, 100000, 5, 2) + ack(0) +
        b"\x04" + ack(5) + b"\x04" + tick(5) + ack(16))
    # netascii with an ERROR from the client
    put("xfer", "netascii-error", xfer_hdr(3, 1, 8, 40, 5, 1) + ack(0) +
        ack(1) + ack(2) + bytes([0, 6]) + struct.pack("!HH", 5, 0) + b"x\0")
    # the block number wraps past 65535
    put("xfer", "wrap", xfer_hdr(0, 8, 8, 70000 * 8, 5, 1) +
        b"".join(ack(b) for b in range(65530, 65550, 4)))
    # an empty file, and a file of whole blocks
    put("xfer", "empty", xfer_hdr(1, 1, 512, 0, 5, 1) + ack(0) + ack(1))
    put("xfer", "whole", xfer_hdr(1, 2, 512, 1024, 5, 1) + ack(0) + ack(2) +
        ack(3))


def http_seeds():
    reqs = {
        "get": b"GET /boot/grubx64.efi HTTP/1.1\r\nHost: 192.0.2.1\r\n\r\n",
        "head-10": b"HEAD /a HTTP/1.0\r\n\r\n",
        "range": b"GET /vmlinuz HTTP/1.1\r\nHost: h\r\n"
                 b"Range: bytes=100-199\r\n\r\n",
        "range-suffix": b"GET /f HTTP/1.1\r\nHost: h\r\n"
                        b"Range: bytes=-500\r\n\r\n",
        "range-huge": b"GET /f HTTP/1.1\r\nHost: h\r\nRange: bytes="
                      b"18446744073709551615-18446744073709551616\r\n\r\n",
        "range-multi": b"GET /f HTTP/1.1\r\nHost: h\r\n"
                       b"Range: bytes=0-1,5-9\r\n\r\n",
        "conditional": b"GET /f HTTP/1.1\r\nHost: h\r\n"
                       b"If-None-Match: \"5f5e1000-400\", W/\"x\"\r\n"
                       b"If-Modified-Since: Sun, 13 Sep 2020 12:26:40 GMT\r\n"
                       b"If-Range: \"5f5e1000-400\"\r\nRange: bytes=1-\r\n"
                       b"\r\n",
        "dates": b"GET /f HTTP/1.1\r\nHost: h\r\n"
                 b"If-Unmodified-Since: Sunday, 06-Nov-94 08:49:37 GMT\r\n"
                 b"If-Modified-Since: Sun Nov  6 08:49:37 1994\r\n\r\n",
        "escapes": b"GET /%62oot/a%20b/%2e%2e/x?mac=52%3a54%3a00%3a12%3a34"
                   b"%3a56&arch=7 HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n"
                   b"\r\n",
        "backslash": b"GET /EFI\\Boot\\..\\bootx64.efi HTTP/1.1\r\n"
                     b"Host: h\r\n\r\n",
        "absolute": b"GET http://192.0.2.1:80/ipxe.efi HTTP/1.1\r\n"
                    b"Host: 192.0.2.1\r\nConnection: close\r\n\r\n",
        "body": b"GET /f HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"
                b"hello",
        "chunked": b"GET /f HTTP/1.1\r\nHost: h\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "pipelined": b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\n"
                     b"Host: h\r\n\r\n",
        "folded": b"GET /f HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n b\r\n\r\n",
        "leading-crlf": b"\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "post": b"POST /f HTTP/1.1\r\nHost: h\r\n\r\n",
        "http2": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "bad-host": b"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n",
        "lf-only": b"GET /a HTTP/1.1\nHost: h\nUser-Agent: iPXE/1.21\n\n",
    }
    for k, v in reqs.items():
        put("http", k, v)


def ipc_dgram(type_, payload, fds=False):
    """fds: with one descriptor (two when the datagram's length is odd)."""
    d = struct.pack("=II", type_, len(payload)) + payload
    return struct.pack("<H", len(d) | (0x8000 if fds else 0)) + d


def log_record(fields):
    rec = b"".join(k + b"=" + v + b"\n" for k, v in fields)
    return struct.pack("=H", len(rec)) + rec


# enum ipc_type of common/ipc.h
IPC_ENGINE_READY, IPC_ENGINE_SYSCALL = 8, 9
IPC_CTL_COUNTERS, IPC_CTL_SESSIONS, IPC_CTL_END, IPC_LOG = 11, 12, 13, 14


def counter(name, key=b"", value=b"", n=1):
    return name.ljust(32, b"\0") + key.ljust(32, b"\0") + \
        value.ljust(64, b"\0") + struct.pack("=Q", n)


def session(kind, state, start, last, end, file):
    return struct.pack("=BBBBHH16s16sQQQQQII", kind, state, 2, 6, 1234, 7,
                       bytes([192, 0, 2, 9]), b"\x52\x54\x00\x12\x34\x56",
                       start, last, end, 1024, 4096, 0, 200) + \
        file.ljust(256, b"\0") + b"done".ljust(64, b"\0")


def ipc_seeds():
    log = log_record([(b"PRIORITY", b"6"), (b"MESSAGE",
                      b"engine: transfer done"), (b"CLIENT_IP", b"192.0.2.9"),
                      (b"FILE", b"pxelinux.0"), (b"BYTES", b"1024")])
    put("ipc", "log", ipc_dgram(IPC_LOG, log + log_record(
        [(b"PRIORITY", b"3"), (b"MESSAGE", b"x")])))
    put("ipc", "ready", ipc_dgram(IPC_ENGINE_READY, b""))
    put("ipc", "syscall", ipc_dgram(IPC_ENGINE_SYSCALL,
        struct.pack("=iI", 59, 0xc000003e)))
    put("ipc", "report", ipc_dgram(IPC_CTL_COUNTERS,
        counter(b"requests") + counter(b"refused", b"reason", b"not found")) +
        ipc_dgram(IPC_CTL_SESSIONS, session(1, 1, 10, 20, 30, b"a") +
                  session(2, 0, 10, 20, 0, b"b")) +
        ipc_dgram(IPC_CTL_END, struct.pack("=IIQ", 1, 0, 40)))
    put("ipc", "bad-len", struct.pack("<H", 8) +
        struct.pack("=II", IPC_LOG, 100))
    put("ipc", "empty", struct.pack("<H", 0))
    put("ipc", "fd-one", ipc_dgram(IPC_ENGINE_READY, b"", True))
    put("ipc", "fd-two", ipc_dgram(IPC_LOG, log + b"x", True))


def ctl_seeds():
    q = lambda t, v, w: struct.pack("=II", t, 8) + struct.pack("=II", v, w)
    put("ctl", "query-all", q(1, 1, 7))
    put("ctl", "query-counters", q(1, 1, 1))
    put("ctl", "reload", q(2, 1, 0))
    put("ctl", "reload-what", q(2, 1, 1))
    put("ctl", "version-2", q(1, 2, 1))
    put("ctl", "status", q(3, 1, 1))


def main():
    dhcp_seeds()
    dhcp6_seeds()
    tftp_seeds()
    xfer_seeds()
    http_seeds()
    ipc_seeds()
    ctl_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
