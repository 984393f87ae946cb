#!/bin/sh
# CTest guests_reproducible: rebuild every guest into OUTDIR with build.sh and
# compare each image byte for byte with the committed guests/bin.  Exits 77
# (CTest SKIP_RETURN_CODE) when the cross compiler is not installed.
#
#   guests/check_reproducible.sh OUTDIR
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: check_reproducible.sh OUTDIR}
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}

if ! command -v "${cross}gcc" >/dev/null 2>&1; then
	echo "SKIP: ${cross}gcc not found (Debian: apt-get install gcc-aarch64-linux-gnu);" \
		"guests/bin was not rebuilt or compared"
	exit 77
fi

rm -rf "$out"
mkdir -p "$out"
sh "$here/build.sh" "$out"

status=0
n=0
for f in "$out"/*.bin; do
	name=$(basename "$f")
	n=$((n + 1))
	if [ ! -f "$here/bin/$name" ]; then
		echo "guests/bin/$name is missing (run guests/build.sh and commit it)"
		status=1
	elif ! cmp "$here/bin/$name" "$f"; then
		echo "guests/bin/$name differs from a rebuild from source (run guests/build.sh)"
		status=1
	fi
done
for f in "$here"/bin/*.bin; do
	[ -f "$out/$(basename "$f")" ] && continue
	echo "guests/bin/$(basename "$f") is not built by build.sh any more"
	status=1
done
[ "$status" -eq 0 ] && echo "guests_reproducible: $n guest images identical to guests/bin"
exit "$status"
