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

"""What the netbootctl and journal tests share: a server and a client
namespace, a boot tree, a config for the three daemons, and one PXE
machine's boot through all of them: the proxy's offer, its 4011 answer,
a file by TFTP and two by HTTP."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "dhcpd-proxy"))
import nbtest  # noqa: E402
import proxytest as pt  # noqa: E402
from nbtest import check  # noqa: E402

MAC = "52:54:00:12:34:56"
SIZES = {"ipxe.efi": 70000, "debian/linux": 3 * 1024 * 1024 + 7,
         "hello.txt": 41}

CONF = """
server = "10.77.0.1"
tftpd {
	listen on $server port 69
	root "%(root)s"
	user "nobody"
	history %(history)d
}
httpbootd {
	listen on $server port 80
	root "%(root)s"
	user "nobody"
}
dhcpd-proxy {
	listen on interface "srv0"
	chroot "%(chroot)s"
	user "nobody"
	tftp-server $server
	http-server "http://10.77.0.1/"
}
control {
	directory "%(ctl)s"
	group "nogroup"
}
match arch x64-uefi { bootfile "ipxe.efi" }
"""


class Setup:
    """The namespaces, the tree, the config; removed by cleanup()."""

    def __init__(self, tag):
        self.link = pt.Link(tag)
        # The firmware's MAC is its NIC's: the kernel's too.
        self.link.cli.ip("link", "set", pt.CLI_IF, "address", MAC)
        self.tree = nbtest.TempDir()
        self.chroot = nbtest.TempDir()
        self.work = nbtest.TempDir()
        for name, n in SIZES.items():
            self.tree.file(name, os.urandom(n))
        self.ctldir = os.path.join(self.work.path, "ctl")
        self.conffile = os.path.join(self.work.path, "netboot.conf")
        self.args = {"root": self.tree.path, "chroot": self.chroot.path,
                     "ctl": self.ctldir, "history": 256}
        self.write_conf()

    def write_conf(self, **kw):
        with open(self.conffile, "w") as f:
            f.write(CONF % dict(self.args, **kw))

    def cleanup(self):
        self.link.delete()
        self.tree.cleanup()
        self.chroot.cleanup()
        self.work.cleanup()


def boot(cl, tree):
    """What a PXE firmware does: DISCOVER, the 4011 REQUEST with the
    address it got, then its files.  Run in the client namespace."""
    x = 0x1500
    p = pt.dhcp_packet(MAC, x, 1, pt.pxe_options(7, pt.X64_CLASS))
    _, got = cl.broadcast([p], MAC, wait=1.2, want_xids={x})
    check(any(pt.is_proxy_offer(r) for _, r in got),
          "the PXE client gets a proxy offer")
    p = pt.dhcp_packet(MAC, x + 1, 3, pt.pxe_options(7, pt.X64_CLASS),
                       ciaddr=pt.CLI4, flags=0)
    got = cl.unicast(p, pt.SRV4, dport=4011, sport=4011, wait=1.0)
    acks = [pt.parse_reply(d) for d, _ in got]
    check(any(a and pt.cstr(a["file"]) == "ipxe.efi" for a in acks),
          "the 4011 REQUEST gets ipxe.efi")
    for url, name in (("tftp://10.77.0.1/ipxe.efi", "ipxe.efi"),
                      ("http://10.77.0.1/debian/linux", "debian/linux"),
                      ("http://10.77.0.1/hello.txt", "hello.txt")):
        r = subprocess.run(["curl", "-s", "--max-time", "10", url],
                           capture_output=True)
        with open(os.path.join(tree, name), "rb") as f:
            check(r.returncode == 0 and r.stdout == f.read(),
                  "curl fetches %s" % url)
