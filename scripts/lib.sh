# Shared by scripts/demo, scripts/test and .ci/run: the Debian packages
# netboot needs, and how to install the missing ones.

# A bare Debian 12 (debootstrap minbase) lacks more than it seems: gcc
# without its recommends has no libc6-dev (crti.o), and ps and sysctl come
# with procps.  .ci/fresh-root runs the suite on such a system, so a
# package missing here fails CI.
BUILD_PKGS="gcc libc6-dev meson ninja-build pkg-config bison libbsd-dev
libcap-dev libsystemd-dev libseccomp-dev libmd-dev"
# scripts/test's second build (clang with ASan and UBSan, the fuzz
# harnesses) and its static analysis (scan-build); llvm for
# llvm-symbolizer, which names the frames of a sanitizer's report.
SANITIZE_PKGS="clang libclang-rt-14-dev clang-tools-14 llvm"
DEMO_PKGS="iproute2 procps tftp-hpa curl util-linux"
# The firmware suite (tests/integration/firmware) and demo --vm: QEMU with
# OVMF, SeaBIOS and iPXE, AAVMF for arm64, GRUB to build the payload from,
# Debian's signed shim and GRUB, tshark for the captures of failed runs.
# The arm64 GRUB modules (grub-efi-arm64-bin, arm64 only) are fetched by
# the test itself with a private apt state, not installed.
VM_PKGS="qemu-system-x86 ovmf ipxe-qemu grub-efi-amd64-bin"
FIRMWARE_PKGS="$VM_PKGS qemu-system-arm qemu-efi-aarch64 ipxe grub-pc-bin
grub-efi-amd64-signed shim-signed tshark"
# systemd brings systemd-socket-activate (the lifecycle tests), grub-common
# grub-script-check, GRUB's own parser for the rendered GRUB scripts;
# pxelinux and syslinux-common lpxelinux.0 and ldlinux.c32, which read the
# rendered PXELINUX menus in httpbootd-pxelinux.
TEST_PKGS="$DEMO_PKGS python3 python3-scapy atftp nftables dnsmasq-base
isc-dhcp-relay wget mandoc nginx-light $FIRMWARE_PKGS
systemd grub-common pxelinux syslinux-common"

# Installs what is missing, without starting any service it brings.
install_packages() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q '^install ok installed$' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages:$missing; run this as root" >&2
		exit 1
	fi
	echo "installing:$missing"
	norc=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		norc=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	log=$(mktemp /tmp/netboot-apt.XXXXXX)
	if apt-get update -q >"$log" 2>&1 &&
	    apt-get install -y -q --no-install-recommends $missing \
	    >>"$log" 2>&1; then
		rc=0
	else
		rc=1
		echo "apt-get failed; its output:" >&2
		cat "$log" >&2
	fi
	rm -f "$log"
	[ -n "$norc" ] && rm -f /usr/sbin/policy-rc.d
	return $rc
}

# Configures (once) and builds into build/, or the directory given with
# -C DIR as first arguments.  meson's own output is kept from the
# terminal unless it fails, and then shown whole.
build() {
	local dir=build
	if [ "${1:-}" = -C ]; then
		dir=$2
		shift 2
	fi
	log=$(mktemp /tmp/netboot-meson.XXXXXX)
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >"$log" 2>&1
	else
		meson setup "$dir" "$@" >"$log" 2>&1
	fi
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "meson setup failed; its output:" >&2
		cat "$log" >&2
		[ -f "$dir/meson-logs/meson-log.txt" ] &&
		    echo "(whole log: $dir/meson-logs/meson-log.txt)" >&2
	fi
	rm -f "$log"
	[ $rc -eq 0 ] || return $rc
	meson compile -C "$dir" ||
	    { echo "meson compile failed in $dir" >&2; return 1; }
}
