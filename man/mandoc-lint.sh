#!/bin/sh
# mandoc -T lint on one page: warnings and worse fail; without mandoc the
# test skips (77) and names the package.
if ! command -v mandoc >/dev/null 2>&1; then
	echo "SKIP: mandoc is not installed (Debian package mandoc, which" \
	    "scripts/test installs)"
	exit 77
fi
exec mandoc -T lint -W warning "$1"
