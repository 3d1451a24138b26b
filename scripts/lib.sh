# Shared by scripts/demo, scripts/test and .ci/run: the Debian packages
# netboot needs, and how to install the missing ones.

BUILD_PKGS="gcc meson ninja-build pkg-config bison libbsd-dev libcap-dev
libsystemd-dev libseccomp-dev libmd-dev"
DEMO_PKGS="iproute2 tftp-hpa curl util-linux"
TEST_PKGS="$DEMO_PKGS python3 python3-scapy atftp nftables dnsmasq-base
isc-dhcp-relay wget mandoc nginx-light qemu-system-x86 ovmf ipxe-qemu"

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
	apt-get update -qq &&
	    apt-get install -y -qq --no-install-recommends $missing >/dev/null
	rc=$?
	[ -n "$norc" ] && rm -f /usr/sbin/policy-rc.d
	return $rc
}

# Configures (once) and builds into build/.
build() {
	if [ -f build/build.ninja ]; then
		meson setup --reconfigure build "$@" >/dev/null
	else
		meson setup build "$@" >/dev/null
	fi && meson compile -C build
}
