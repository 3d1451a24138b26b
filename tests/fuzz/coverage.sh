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
# harness without one is measured over its seeds.  tftp.c is measured
# once more over the TFTP request and transfer corpora together, and the
# decoders among the IPC harnesses' files function by function.  Needs
# clang and llvm-profdata/llvm-cov of the same version (Debian: clang,
# llvm).
set -eu
cd "$(dirname "$0")/../.."
build=$1 root=$2
prof="-fprofile-instr-generate -fcoverage-mapping"

if [ ! -d "$build" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dc_args="$prof" \
	    -Dc_link_args="$prof" >/dev/null
fi
ninja -C "$build" $(for h in dhcp dhcp6 tftp xfer http conf ipc ctl; do
	echo "tests/fuzz/fuzz_$h"; done) >/dev/null

# harness : the files it is about
for h in dhcp:dhcpd-proxy/dhcp.c dhcp6:dhcpd-proxy/dhcp6.c \
    tftp:"tftpd/tftp.c common/path.c" xfer:tftpd/tftp.c \
    http:"httpbootd/http.c common/path.c" conf:"common/parse.c common/conf.c" \
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
	# Sources of the library show as ../common/..., bison's output
	# (parse.y's actions) as common/parse.c.
	pat=$(echo "$files" | sed 's/\./\\./g; s/ /|/g')
	llvm-cov report "$build/tests/fuzz/fuzz_$name" \
	    -instr-profile="$build/$name.profdata" |
	    grep -E "^Filename|^(\.\./)?($pat) "
done

echo "== tftpd/tftp.c over the corpora of fuzz_tftp and fuzz_xfer"
llvm-profdata merge -sparse "$build/tftp.profraw" "$build/xfer.profraw" \
    -o "$build/tftp+xfer.profdata"
llvm-cov report "$build/tests/fuzz/fuzz_tftp" \
    -object "$build/tests/fuzz/fuzz_xfer" \
    -instr-profile="$build/tftp+xfer.profdata" tftpd/tftp.c |
    sed -n '/^[a-z]/p'
# Regions of each decoder function run at least once (llvm-cov's
# function view wants source paths as the mapping spells them).
for name in ipc ctl; do
	echo "== the decoders of fuzz_$name: regions run, function by function"
	llvm-cov export "$build/tests/fuzz/fuzz_$name" \
	    -instr-profile="$build/$name.profdata" | python3 -c '
import json, re, sys
want = re.compile(r"^(ipc_recv|ipc_take_fd|ipc_check|ipc_get|log_records|"
    r"log_record_parse|ctl_take_\w+|ctl_check_\w+|ctl_records|"
    r"ctl_query_check|ctl_\w+_ok|sysfilter_name)$")
for f in json.load(sys.stdin)["data"][0]["functions"]:
    name = f["name"].split(":")[-1]
    if not want.match(name):
        continue
    code = [r for r in f["regions"] if r[7] == 0]
    run = sum(1 for r in code if r[4] > 0)
    print("%-20s %3d/%-3d regions  called %d times" % (name, run,
        len(code), f["count"]))
'
done
