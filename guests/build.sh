#!/bin/sh
# Build every realmkit guest into raw binaries.
#
#   guests/build.sh [OUTDIR]      (default: guests/bin beside this script)
#
# Needs Debian's aarch64-linux-gnu-gcc/binutils (CROSS_COMPILE overrides the
# prefix).  The output is reproducible: no paths, build ids or timestamps reach
# a raw binary, so rebuilding from the same sources with the same compiler
# gives the same bytes (the guests_reproducible test checks guests/bin).
# Each guest is also checked here: entry (_start) at 0x80000000 and no
# FP/SIMD register anywhere in the disassembly.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/bin}
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
CC=${cross}gcc
OBJCOPY=${cross}objcopy
OBJDUMP=${cross}objdump
NM=${cross}nm

# Every guests/<name>.c is a guest (plus guests/<name>.S when present);
# GUESTS="a b" builds only those.
if [ -z "${GUESTS:-}" ]; then
	GUESTS=$(cd "$here" && for f in *.c; do printf '%s ' "${f%.c}"; done)
fi

CFLAGS="-std=c11 -O2 -ffreestanding -nostdlib -nostartfiles -static
	-mgeneral-regs-only -mstrict-align -march=armv8-a -mno-outline-atomics
	-mbranch-protection=none -fno-pic -fno-pie -fno-stack-protector -fno-common
	-fno-asynchronous-unwind-tables -fno-unwind-tables
	-fno-tree-loop-distribute-patterns
	-ffile-prefix-map=$here=guests -fdebug-prefix-map=$here=guests
	-Wall -Wextra -Werror -Wno-unused-parameter -I$here/lib"
LDFLAGS="-no-pie -Wl,--build-id=none -Wl,-T,$here/lib/guest.ld
	-Wl,--no-warn-rwx-segments -Wl,-z,noexecstack"

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for g in $GUESTS; do
	srcs="$here/lib/start.S $here/lib/probe.S $here/lib/rt.c $here/$g.c"
	[ -f "$here/$g.S" ] && srcs="$srcs $here/$g.S"
	# shellcheck disable=SC2086
	$CC $CFLAGS $LDFLAGS -o "$tmp/$g.elf" $srcs

	entry=$($NM "$tmp/$g.elf" | awk '$3 == "_start" { print $1 }')
	if [ "$entry" != "0000000080000000" ]; then
		echo "build.sh: $g: _start is at '$entry', not 0x80000000" >&2
		exit 1
	fi
	# FP/SIMD registers as operands: v0.., q0.., d0.., s0.., h0.., b0.. (not s3_7_c15_c15_7).
	if $OBJDUMP -d "$tmp/$g.elf" | grep -E '^ +[0-9a-f]+:' |
		grep -Eq '[[:space:],{[]([vqdshb][0-9]{1,2})([].,}[:space:]]|$)'; then
		echo "build.sh: $g: FP/SIMD instructions in the image:" >&2
		$OBJDUMP -d "$tmp/$g.elf" | grep -E '[[:space:],{[]([vqdshb][0-9]{1,2})([].,}[:space:]]|$)' >&2
		exit 1
	fi
	$OBJCOPY -O binary "$tmp/$g.elf" "$out/$g.bin"
done
