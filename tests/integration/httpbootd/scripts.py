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

"""httpbootd renders boot scripts per client from the policy (the MAC and
architecture in the query, iPXE's User-Agent; the GRUB one passes GRUB's
own grub-script-check), never chains a script to itself, lets real files
win only with files-first; a SIGHUP reload applies a new policy and
cache-control without dropping a connection or a download in progress."""

import os
import socket
import sys
import time

import hbtest
import nbtest
from hbtest import curl, get
from nbtest import check, check_eq

binary = sys.argv[1]
nbtest.require_prog("grub-script-check")
ns = hbtest.setup("nbhttpscripts")
root = nbtest.TempDir()
root.file("boot.ipxe", b"#!ipxe\necho the real file\n")
root.file("real.ipxe", b"#!ipxe\necho real and first\n")
blob = os.urandom(24 << 20)
root.file("slow.img", blob)

BLOCK = """
	script "boot.ipxe" format ipxe
	script "grub/grub.cfg" format grub
	script "pxelinux.cfg/*" format pxelinux
	script "real.ipxe" format ipxe files-first
	script "virt.ipxe" format ipxe files-first
	cache-control "%s"
"""
POLICY = """
menu "main" {
	prompt "Main menu" timeout 5
	entry "Debian" {
		kernel "debian/linux"
		initrd "debian/initrd.gz"
		append "priority=low"
	}
}
menu "special" {
	prompt "Special menu"
	entry "Rescue" {
		kernel "rescue/vmlinuz"
		append "rescue=1"
	}
	entry "Local disk" local
}
match mac 52:54:00:12:34:56 { menu "special" }
match user-class "iPXE" { bootfile "boot.ipxe" }
match arch x64-uefi { bootfile "%s" }
"""
srv = hbtest.Server(binary, root.path, block=BLOCK % "public, max-age=60",
                    top=POLICY % "ipxe.efi")
MAC = "52:54:00:12:34:56"
try:
    st, hd, body = curl(srv.url("/boot.ipxe?mac=" + MAC))
    text = body.decode()
    check(st == 200 and text.startswith("#!ipxe") and "Rescue" in text and
          "rescue/vmlinuz" in text and "Debian" not in text,
          "boot.ipxe for %s: the special menu" % MAC)
    check(hd.get("cache-control") == "no-store" and
          hd.get("content-type") == "text/plain" and "etag" not in hd and
          "last-modified" not in hd,
          "a script is text/plain, no-store, without validators")
    check("the real file" not in text, "the script hides the real file")
    st, hd, body = curl(srv.url("/boot.ipxe?mac=52%3a54%3a00%3a12%3a34%3a56"))
    check(st == 200 and b"Rescue" in body, "an escaped MAC")
    st, hd, body = curl(srv.url("/boot.ipxe?mac=52-54-00-12-34-56&x=1"))
    check(st == 200 and b"Rescue" in body, "a MAC with hyphens")
    st, hd, body = curl(srv.url("/boot.ipxe?mac=52:54:00:00:00:01"))
    check(st == 200 and b"Rescue" not in body and b"chain" not in body,
          "another MAC: no rule, no boot file")
    st, hd, body = curl(srv.url("/boot.ipxe?mac=zz"))
    check_eq(st, 200, "a bad MAC is ignored")
    st, hd, body = curl(srv.url("/boot.ipxe?arch=x64-uefi"))
    check(st == 200 and b"chain ipxe.efi" in body,
          "arch=x64-uefi: chain ipxe.efi")
    st, hd, body = curl(srv.url("/boot.ipxe?arch=7"))
    check(st == 200 and b"chain ipxe.efi" in body, "arch=7: chain ipxe.efi")
    # iPXE asking for boot.ipxe is told by its rule to load boot.ipxe:
    # that would loop, so the boot file is dropped.
    st, hd, body = curl("-A", "iPXE/1.21.1", srv.url("/boot.ipxe"))
    check(st == 200 and b"chain" not in body and
          b"boot.ipxe" not in body, "no chain loop to boot.ipxe")
    st, hd, body = curl("-A", "iPXE/1.21.1",
                        srv.url("/boot.ipxe?mac=" + MAC))
    check(st == 200 and b"Rescue" in body, "iPXE with a MAC gets its menu")
    n = len(curl(srv.url("/boot.ipxe?mac=" + MAC))[2])
    st, hd, body = curl("-I", srv.url("/boot.ipxe?mac=" + MAC))
    check(st == 200 and body == b"" and hd.get("content-length") == str(n),
          "HEAD of a script: its length, no body")
    st, hd, body = curl(srv.url("/grub/grub.cfg?mac=" + MAC))
    check(st == 200 and b"menuentry" in body and b"rescue" in body and
          hd.get("content-type") == "text/plain", "grub.cfg for the MAC")
    cfg = root.file("served-grub.cfg", body)
    r = nbtest.run(["grub-script-check", cfg], check_rc=False)
    check(r.returncode == 0, "GRUB's parser reads it: grub-script-check "
          "exits %d %s" % (r.returncode, r.stderr.decode().strip()))
    st, hd, body = curl(srv.url("/pxelinux.cfg/01-52-54-00-12-34-56"))
    check(st == 200 and hd.get("content-type") == "text/plain" and
          b"LABEL" in body.upper(), "a pxelinux.cfg pattern")
    check(b"rescue/vmlinuz" in body and b"debian/linux" not in body,
          "the MAC in a pxelinux.cfg name chooses the menu, as in tftpd")
    st, hd, body = curl(srv.url("/pxelinux.cfg/01-52-54-00-aa-bb-cc"))
    check(st == 200 and b"rescue/vmlinuz" not in body,
          "another MAC in the name: not that machine's menu")
    st, hd, body = curl(srv.url("/real.ipxe"))
    check(st == 200 and body == b"#!ipxe\necho real and first\n" and
          "etag" in hd, "files-first: the real file")
    st, hd, body = curl(srv.url("/virt.ipxe"))
    check(st == 200 and body.startswith(b"#!ipxe") and
          hd.get("cache-control") == "no-store",
          "files-first without a file: rendered")
    check(any(r.get("path") == "/boot.ipxe?mac=" + MAC and
              r.get("status") == "200" for r in srv.requests()),
          "access log line with the query")

    # Reload while a keep-alive connection idles and a download runs.
    idle = hbtest.Conn(srv.port)
    idle.send(get("/real.ipxe"))
    st, hd, body = idle.response()
    check_eq(hd.get("cache-control"), "public, max-age=60",
             "cache-control before the reload")
    dl = socket.create_connection(("127.0.0.1", srv.port))
    dl.sendall(get("/slow.img"))
    got = b""
    while len(got) < 100000:
        got += dl.recv(4096)
    engine = srv.engine_pid()
    check(srv.reload(BLOCK % "public, max-age=5", POLICY % "snponly.efi"),
          "reloaded")
    check_eq(srv.engine_pid(), engine, "same engine after the reload")
    dl.settimeout(30)
    while True:
        d = dl.recv(1 << 20)
        if not d:
            break
        got += d
        if got.count(b"\r\n\r\n") and len(got) >= len(blob) + \
                got.index(b"\r\n\r\n") + 4:
            break
    body = got[got.index(b"\r\n\r\n") + 4:]
    check(body == blob, "the download in progress completed byte-exact")
    dl.close()
    idle.send(get("/real.ipxe"))
    st, hd, body = idle.response()
    check(st == 200 and hd.get("cache-control") == "public, max-age=5",
          "the idle connection is served with the new cache-control")
    idle.close()
    st, hd, body = curl(srv.url("/boot.ipxe?arch=x64-uefi"))
    check(b"chain snponly.efi" in body, "the new policy applies")
finally:
    if nbtest._failures:
        print(srv.log()[-3000:])
    srv.stop()
    root.cleanup()
    ns.delete()
nbtest.done()
