#!/bin/sh
# Install realmkit into a scratch prefix and build examples/vmm/minimal-vmm.c
# against it with pkg-config only: the public headers and libraries must be
# self-contained, and the plain README commands must work:
#   cmake --install BUILD --prefix DIR
#   PKG_CONFIG_PATH=DIR/lib/pkgconfig pkg-config --cflags --libs realmkit
# (no --define-prefix), also after DIR is moved.
# Usage: pkgconfig_consumer.sh BUILD_DIR SOURCE_DIR
# CONSUMER_CFLAGS and CONSUMER_LDFLAGS: how the build was configured (e.g.
# sanitizers), which the installed static libraries need at link time too.
set -eu
build=$1
src=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# build_vmm PREFIX: compile, link and run the VMM against the realmkit in PREFIX.
build_vmm() {
	pc=$(find "$1" -name realmkit.pc -printf '%h')
	headers=$(find "$1" -name host.h -path '*/realmkit/host.h' -printf '%h')
	export PKG_CONFIG_PATH="$pc"
	# The paths must lead into PREFIX, not to the prefix configured at build time.
	got=$(cd "$(pkg-config --variable=includedir realmkit)/realmkit" && pwd -P)
	want=$(cd "$headers" && pwd -P)
	if [ "$got" != "$want" ]; then
		echo "pkg-config includedir: $got, installed in $want" >&2
		exit 1
	fi
	# shellcheck disable=SC2046,SC2086 # the flags are lists of words
	${CC:-cc} ${CONSUMER_CFLAGS:-} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		"$src/examples/vmm/minimal-vmm.c" $(pkg-config --cflags --libs realmkit) \
		${CONSUMER_LDFLAGS:-} -o "$stage/minimal-vmm"
	"$stage/minimal-vmm"
}

cmake --install "$build" --prefix "$stage/prefix" >/dev/null
build_vmm "$stage/prefix"
mv "$stage/prefix" "$stage/moved"
build_vmm "$stage/moved"
