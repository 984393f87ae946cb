#!/usr/bin/env bash
# Build and run every realmkit test: the normal build (warnings are errors),
# then a clang ASan+UBSan build that also runs the libFuzzer target for a
# bounded time.  Installs what it needs first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== build: gcc, -Wall -Wextra -Werror"
cmake -S . -B build -DREALMKIT_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== build: clang, AddressSanitizer + UndefinedBehaviorSanitizer, fuzz targets"
CC=clang cmake -S . -B build-san -DREALMKIT_WERROR=ON -DREALMKIT_SANITIZE=ON \
	-DREALMKIT_FUZZ=ON >/dev/null
cmake --build build-san -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-san --output-on-failure -j"$jobs"
