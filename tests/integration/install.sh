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

# meson install with DESTDIR puts the daemons, the manual pages and the
# example configuration where the README says.
set -u
build=$1 prefix=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fail=0

meson install -C "$build" --destdir "$stage" --no-rebuild --quiet ||
    { echo "FAILED: meson install"; exit 1; }
for f in sbin/tftpd sbin/httpbootd sbin/dhcpd-proxy sbin/netbootctl \
    share/man/man5/netboot.conf.5 share/man/man8/tftpd.8 \
    share/man/man8/httpbootd.8 share/man/man8/dhcpd-proxy.8 \
    share/man/man8/netbootctl.8 \
    share/doc/netboot/examples/netboot.conf; do
	if [ -e "$stage$prefix/$f" ]; then
		echo "ok: $prefix/$f"
	else
		echo "FAILED: $prefix/$f is not installed"; fail=1
	fi
done
for d in tftpd httpbootd dhcpd-proxy; do
	if "$stage$prefix/sbin/$d" -n -f \
	    "$stage$prefix/share/doc/netboot/examples/netboot.conf"; then
		echo "ok: the installed $d accepts the installed example"
	else
		echo "FAILED: the installed $d refuses the installed example"
		fail=1
	fi
done
exit $fail
