#!/bin/sh
# Line coverage of each parser by a corpus, with clang's source-based
# coverage: builds the harnesses once more with -fprofile-instr-generate
# -fcoverage-mapping in a build directory of its own, runs each over its
# corpus once (-runs=0: no fuzzing), and prints llvm-cov's report for the
# files the harness is about.
#
#	tests/fuzz/coverage.sh builddir corpusroot
#
# corpusroot holds one directory per harness (dhcp, dhcp6, ...); a
# harness without one is measured over its seeds.  Needs clang and
# llvm-profdata/llvm-cov of the same version (Debian: clang, llvm).
set -eu
cd "$(dirname "$0")/../.."
build=$1 root=$2
prof="-fprofile-instr-generate -fcoverage-mapping"

if [ ! -d "$build" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dc_args="$prof" \
	    -Dc_link_args="$prof" >/dev/null
fi
ninja -C "$build" >/dev/null

# harness : the files it is about
for h in dhcp:dhcpd-proxy/dhcp.c dhcp6:dhcpd-proxy/dhcp6.c \
    tftp:"tftpd/tftp.c common/path.c" xfer:tftpd/tftp.c \
    http:"httpbootd/http.c common/path.c" conf:"common/parse.y common/conf.c" \
    ipc:"common/ipc.c common/log.c common/ctl.c" \
    ctl:"common/ipc.c common/ctl.c"; do
	name=${h%%:*} files=${h#*:}
	corpus=$root/$name
	[ -d "$corpus" ] || corpus=tests/fuzz/corpus/$name
	[ "$name" = conf ] && [ ! -d "$root/conf" ] &&
	    corpus="tests/conf/valid tests/conf/invalid"
	rm -f "$build/$name.profraw"
	LLVM_PROFILE_FILE="$build/$name.profraw" \
	    "$build/tests/fuzz/fuzz_$name" -runs=0 -close_fd_mask=3 \
	    $corpus >/dev/null 2>&1
	llvm-profdata merge -sparse "$build/$name.profraw" \
	    -o "$build/$name.profdata"
	echo "== fuzz_$name over $corpus"
	# shellcheck disable=SC2086
	llvm-cov report "$build/tests/fuzz/fuzz_$name" \
	    -instr-profile="$build/$name.profdata" $files |
	    sed -n '1,2p;/^[a-z]/p'
done
