#!/usr/bin/env bash
# Build and run every realmkit test: the normal build (warnings are errors),
# gcc Debug and Release builds (warnings are errors: gcc warns differently
# at -O0 and -O3), a clang ThreadSanitizer build of the threaded tests, then
# a clang ASan+UBSan build that also runs the libFuzzer target for a bounded
# time.  Installs what it needs first
# (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== build: gcc, -Wall -Wextra -Werror"
cmake -S . -B build -DREALMKIT_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

# Debug: sanitizers given the way packagers and IDEs give them, through
# CMAKE_C_FLAGS.  Built; of its tests only the install test runs (a VMM
# built against the installed libraries must link like them), as the
# other builds run the rest with optimisation and with sanitizers.
# Release: built and tested, as -O3 and NDEBUG are what a packager ships.
echo "== build: gcc Debug, -Werror, ASan + UBSan through CMAKE_C_FLAGS"
CC=gcc cmake -S . -B build-debug -DCMAKE_BUILD_TYPE=Debug -DREALMKIT_WERROR=ON \
	"-DCMAKE_C_FLAGS=-fsanitize=address,undefined -fno-omit-frame-pointer" >/dev/null
cmake --build build-debug -j"$jobs"
ctest --test-dir build-debug --output-on-failure -R pkgconfig_consumer

echo "== build: gcc Release, -Werror"
CC=gcc cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DREALMKIT_WERROR=ON >/dev/null
cmake --build build-release -j"$jobs"
ctest --test-dir build-release --output-on-failure -j"$jobs"

# The tests that run several threads (vCPU threads, VMs on threads, the RMM's hash
# workers, shared pages under running vCPUs), under TSan.
echo "== build: clang, ThreadSanitizer (threaded tests)"
CC=clang cmake -S . -B build-tsan -DREALMKIT_WERROR=ON -DREALMKIT_TSAN=ON >/dev/null
cmake --build build-tsan -j"$jobs" --target test_threads test_guests realmkit test_vmm_run test_measure \
	test_measurement test_shared_mem
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure \
	-R '^(test_threads|test_guests|vmm_run|test_measure|test_measurement|test_shared_mem)$'

echo "== build: clang, AddressSanitizer + UndefinedBehaviorSanitizer, fuzz targets"
CC=clang cmake -S . -B build-san -DREALMKIT_WERROR=ON -DREALMKIT_SANITIZE=ON \
	-DREALMKIT_FUZZ=ON >/dev/null
cmake --build build-san -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-san --output-on-failure -j"$jobs"
