#!/usr/bin/env bash
# Install the Debian 12 packages realmkit needs to build, test and fuzz.
# Safe to run repeatedly: it only calls apt-get when something is missing.
#
#   libssl-dev          OpenSSL libcrypto: SHA-256/SHA-512 for measurements
#   clang, libclang-rt-14-dev
#                       libFuzzer and the sanitizer runtimes for fuzz/ and the ASan/UBSan build
#   libunicorn-dev      Unicorn 2: the emulated AArch64 CPU that runs realm code
#   gcc-aarch64-linux-gnu
#                       rebuilds the guest programs in guests/ to check the committed binaries
#   libcbor-dev         CBOR for attestation tokens (src/attest: EAT claims, COSE_Sign1, collections)
#   libjansson-dev      JSON input: reference values, JWK keys and trust-anchor stores (src/attest, CLI)
#   libfdt-dev          libfdt: `realmkit run` writes the realm's device tree with it
#   device-tree-compiler, tmux
#                       tests only: dtc reads the generated DTB back; tmux drives the
#                       interactive console test (skipped when absent); jansson (above)
#                       also reads `realmkit run --json` (test and bench)
#   cmake, make, gcc, pkg-config
#                       the build itself
set -euo pipefail

pkgs=(build-essential cmake pkg-config libssl-dev clang libclang-rt-14-dev libunicorn-dev
	gcc-aarch64-linux-gnu libcbor-dev libjansson-dev libfdt-dev device-tree-compiler tmux)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
