#!/bin/sh
# Install realmkit into a scratch prefix and build examples/vmm/minimal-vmm.c
# against it with pkg-config only: the public headers and libraries must be
# self-contained.  Usage: pkgconfig_consumer.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cmake --install "$build" --prefix "$stage" >/dev/null
pc=$(find "$stage" -name realmkit.pc -printf '%h')
export PKG_CONFIG_PATH="$pc"
${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror "$src/examples/vmm/minimal-vmm.c" \
	$(pkg-config --define-prefix --cflags --libs realmkit) ${SAN_FLAGS:-} -o "$stage/minimal-vmm"
"$stage/minimal-vmm"
