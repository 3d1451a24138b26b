#!/bin/sh
# Runs one harness for a bounded time over its seed corpora:
#	run.sh harness dict seconds seeddir...
# New inputs go to a scratch directory, never into the seeds.  libFuzzer
# exits non-zero on a crash, a sanitizer report, a leak, a timeout of one
# input or an input that takes more memory than allowed; so does this.
set -u
exe=$1 dict=$2 secs=$3
shift 3

work=$(mktemp -d "${TMPDIR:-/tmp}/nb-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/crash"
opts="-max_total_time=$secs -timeout=10 -rss_limit_mb=2048
    -malloc_limit_mb=2048 -error_exitcode=77 -timeout_exitcode=78
    -detect_leaks=1 -print_final_stats=1 -close_fd_mask=2"
[ -f "$dict" ] && opts="$opts -dict=$dict"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$exe" $opts -artifact_prefix="$work/crash/" "$work/corpus" "$@"
rc=$?
# A failing input, dumped as hex, so that the test log holds it.
for f in "$work"/crash/*; do
	[ -f "$f" ] || continue
	echo "failing input $(basename "$f"):"
	od -An -tx1 -v "$f" | head -64
done
exit $rc
