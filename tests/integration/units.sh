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

# The systemd pieces of the install tree, checked by systemd's own tools:
# systemd-analyze verify on each unit (clean: no word from it), its
# security exposure offline (OK or better; the scores go to the README),
# systemd-sysusers and systemd-tmpfiles applied to a root of their own.
# The units name the installed binaries; copies of them name the staged
# ones, which is what verify checks exist.
set -u
build=$1 prefix=$2
for t in systemd-analyze systemd-sysusers systemd-tmpfiles; do
	command -v $t >/dev/null || {
		echo "SKIP: $t is not installed (Debian package systemd," \
		    "which scripts/test installs)"
		exit 77
	}
done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fail=0
bad() { echo "FAILED: $*"; fail=1; }

meson install -C "$build" --destdir "$stage/tree" --no-rebuild --quiet ||
    { echo "FAILED: meson install"; exit 1; }
find_one() {
	find "$stage/tree" -path "*/$1" | head -n 1
}

mkdir "$stage/units"
for d in tftpd httpbootd dhcpd-proxy; do
	svc=$(find_one "systemd/system/$d.service")
	sock=$(find_one "systemd/system/$d.socket")
	if [ -z "$svc" ] || [ -z "$sock" ]; then
		bad "$d: no $d.service or $d.socket in the install tree"
		continue
	fi
	sed "s|$prefix/sbin/|$stage/tree$prefix/sbin/|g" "$svc" \
	    >"$stage/units/$d.service"
	cp "$sock" "$stage/units/$d.socket"
	# man is not in every root: the pages are checked below instead.
	out=$(systemd-analyze verify --man=no "$stage/units/$d.service" \
	    "$stage/units/$d.socket" 2>&1)
	if [ $? -eq 0 ] && [ -z "$out" ]; then
		echo "ok: systemd-analyze verify $d.service $d.socket: clean"
	else
		bad "systemd-analyze verify $d.service $d.socket:"
		echo "$out" | sed 's/^/  /'
	fi
	for page in $(sed -n 's/^Documentation=//p' "$svc"); do
		page=${page#man:}
		sec=${page##*(}
		sec=${sec%)}
		f=$stage/tree$prefix/share/man/man$sec/${page%(*}.$sec
		[ -f "$f" ] && echo "ok: $d.service: $page is installed" ||
		    bad "$d.service: $page is not installed"
	done
	# OK is 1.0 to 4.9, SAFE below 1.0: the threshold is 4.9.
	out=$(systemd-analyze security --offline=true --threshold=49 \
	    "$stage/units/$d.service" 2>&1)
	rc=$?
	level=$(echo "$out" | sed -n 's/.*Overall exposure level for .*: //p')
	case "$rc:$level" in
	0:*OK*|0:*SAFE*|0:*PERFECT*)
		echo "ok: systemd-analyze security $d.service: $level" ;;
	*)	bad "systemd-analyze security $d.service: $level (status $rc)"
		echo "$out" | grep '✗' | sed 's/^/  /' ;;
	esac
done

f=$(find_one "sysusers.d/netboot.conf")
if [ -z "$f" ]; then
	bad "no sysusers.d/netboot.conf in the install tree"
else
	mkdir -p "$stage/root/etc"
	if systemd-sysusers --root="$stage/root" "$f"; then
		for u in _tftpd _httpbootd _dhcpd-proxy; do
			grep -q "^$u:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$" \
			    "$stage/root/etc/passwd" &&
			    echo "ok: sysusers.d/netboot.conf makes $u" ||
			    bad "sysusers.d/netboot.conf does not make $u"
		done
	else
		bad "systemd-sysusers refuses sysusers.d/netboot.conf"
	fi
fi

f=$(find_one "tmpfiles.d/netboot.conf")
if [ -z "$f" ]; then
	bad "no tmpfiles.d/netboot.conf in the install tree"
elif systemd-tmpfiles --root="$stage/root" --create "$f"; then
	for dir in /run/netboot /run/dhcpd-proxy /srv/netboot; do
		got=$(stat -c '%U:%G %a' "$stage/root$dir" 2>/dev/null)
		[ "$got" = "root:root 755" ] &&
		    echo "ok: tmpfiles.d/netboot.conf makes $dir root's, 755" ||
		    bad "tmpfiles.d/netboot.conf: $dir is '$got'"
	done
else
	bad "systemd-tmpfiles refuses tmpfiles.d/netboot.conf"
fi
exit $fail
