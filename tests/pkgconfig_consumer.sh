#!/bin/sh
# Install realmkit into a scratch prefix and build examples/vmm/minimal-vmm.c
# against it with pkg-config only: the public headers and libraries must be
# self-contained.  Usage: pkgconfig_consumer.sh BUILD_DIR SOURCE_DIR
# CONSUMER_CFLAGS and CONSUMER_LDFLAGS: how the build was configured (e.g.
# sanitizers), which the installed static libraries need at link time too.
set -eu
build=$1
src=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cmake --install "$build" --prefix "$stage" >/dev/null
pc=$(find "$stage" -name realmkit.pc -printf '%h')
export PKG_CONFIG_PATH="$pc"
# shellcheck disable=SC2046,SC2086 # the flags are lists of words
${CC:-cc} ${CONSUMER_CFLAGS:-} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	"$src/examples/vmm/minimal-vmm.c" $(pkg-config --define-prefix --cflags --libs realmkit) \
	${CONSUMER_LDFLAGS:-} -o "$stage/minimal-vmm"
"$stage/minimal-vmm"
