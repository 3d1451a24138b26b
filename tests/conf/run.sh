#!/bin/bash
#
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
#
# run.sh CASEFILE: checks `$NB_DAEMON -n -f CASEFILE' against the case.
#
# A case under valid/ must be accepted with exit status 0 and no output.
# A case under invalid/ carries its errors in comments, one per line of
# output and in the order printed, without the file name:
#	# expect: 12: menu "main" not defined
# and must be refused with exit status 1 and exactly those lines on
# stderr, each prefixed with CASEFILE and a colon.

set -u

if [ $# -ne 1 ]; then
	echo "usage: run.sh casefile" >&2
	exit 99
fi
casefile=$1
if [ -z "${NB_DAEMON:-}" ]; then
	echo "run.sh: NB_DAEMON is not set" >&2
	exit 99
fi
if [ ! -r "$casefile" ]; then
	echo "run.sh: cannot read $casefile" >&2
	exit 99
fi

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

sed -n 's/^.*#[[:space:]]*expect:[[:space:]]*//p' "$casefile" |
while IFS= read -r line; do
	printf '%s:%s\n' "$casefile" "$line"
done >"$tmp/want"

case $(basename "$(dirname "$casefile")") in
invalid)
	if [ ! -s "$tmp/want" ]; then
		echo "run.sh: $casefile: no '# expect:' lines" >&2
		exit 99
	fi
	want_status=1
	;;
*)
	if [ -s "$tmp/want" ]; then
		echo "run.sh: $casefile: '# expect:' lines in a valid case" >&2
		exit 99
	fi
	want_status=0
	;;
esac

"$NB_DAEMON" -n -f "$casefile" >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?

fail=0
if [ "$status" -ne "$want_status" ]; then
	echo "exit status $status, want $want_status"
	fail=1
fi
if [ -s "$tmp/out" ]; then
	echo "unexpected output on stdout:"
	cat "$tmp/out"
	fail=1
fi
if ! cmp -s "$tmp/want" "$tmp/err"; then
	echo "stderr differs (- want, + got):"
	diff -u "$tmp/want" "$tmp/err" | tail -n +3
	fail=1
fi
exit $fail
