#!/bin/sh
# Install realmkit into a scratch prefix and build examples/vmm/minimal-vmm.c
# against it with pkg-config only: the public headers and libraries must be
# self-contained, and the plain README commands must work:
#   cmake --install BUILD --prefix DIR
#   PKG_CONFIG_PATH=DIR/lib/pkgconfig pkg-config --cflags --libs realmkit
# (no --define-prefix), also after DIR is moved.  The headers must also work
# from C99 and after the system's <linux/kvm.h> (tests/consumer_headers.c).
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

# build_headers_consumer STD [-DWITH_LINUX_KVM_H]: tests/consumer_headers.c, built and run.
build_headers_consumer() {
	# shellcheck disable=SC2046,SC2086 # the flags are lists of words
	${CC:-cc} ${CONSUMER_CFLAGS:-} -std="$1" -pedantic -Wall -Wextra -Werror ${2:-} \
		"$src/tests/consumer_headers.c" $(pkg-config --cflags --libs realmkit) \
		${CONSUMER_LDFLAGS:-} -o "$stage/consumer"
	"$stage/consumer" >/dev/null
}

cmake --install "$build" --prefix "$stage/prefix" >/dev/null
build_vmm "$stage/prefix"
for std in c99 c11; do
	build_headers_consumer $std
	if [ -f /usr/include/linux/kvm.h ]; then
		build_headers_consumer $std -DWITH_LINUX_KVM_H
	fi
done
mv "$stage/prefix" "$stage/moved"
build_vmm "$stage/moved"
