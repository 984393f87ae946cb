#!/bin/sh
# `realmkit measure` from the command line: every input kind, the outputs,
# one clear error (and exit status) per bad input, and agreement with
# realmkit run's real RIM and with tools/rim_vectors.py's independent model.
# Usage: measure_cli.sh REALMKIT SOURCE_DIR
set -u
rk=$1
src=$2
case $rk in /*) ;; *) rk=$PWD/$rk ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0

fail() {
	echo "FAIL: $*"
	sed 's/^/  stdout: /' "$tmp/out"
	sed 's/^/  stderr: /' "$tmp/err"
	failures=$((failures + 1))
}

run() {
	want=$1
	shift
	desc="realmkit $*"
	"$rk" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -eq "$want" ]; then passes=$((passes + 1)); else fail "$desc: exit $status, expected $want"; fi
}

has() {
	if grep -qF -- "$2" "$tmp/$1"; then passes=$((passes + 1)); else fail "$desc: $1 lacks '$2'"; fi
}

lines() { # lines out|err N
	n=$(wc -l <"$tmp/$1")
	if [ "$n" -eq "$2" ]; then passes=$((passes + 1)); else fail "$desc: $1 has $n lines, not $2"; fi
}

rim_of() { sed -n 's/.*"rim":"\([0-9a-f]*\)".*/\1/p' "$tmp/out"; }

ex=$src/examples/measure

# ---- realmkit run's options: the dry run equals the running realm's RIM ----
# Both default to RMM 2.0 (no REALMKIT_RMM), the RMI Linux v14 drives.
unset REALMKIT_RMM
run 0 run --json --console none
real=$(rim_of)
run 0 measure --json
has out "\"rim\":\"$real\""
has out '"dry_run":true'
has out '"rmm":"2.0"'
run 0 run --json --console none --measurement-algo sha512 --ripas vmm -m 32 --realm-pv 0a0b
real=$(rim_of)
run 0 measure --json --measurement-algo sha512 --ripas vmm -m 32 --realm-pv 0a0b
has out "\"rim\":\"$real\""
has out '"rpv":"0a0b00'
# The same on an RMM 1.0 (RIPAS descriptors): the realm running on RMM 1.0 gives the RIM
# that measure --rmm 1.0 predicts and dry-runs, and it differs from the 2.0 one; with
# REALMKIT_RMM=1.0 measure follows run without --rmm.
run 0 measure --json
rim20=$(rim_of)
REALMKIT_RMM=1.0 "$rk" run --json --console none >"$tmp/out" 2>"$tmp/err"
real=$(rim_of)
run 0 measure --json --rmm 1.0
has out "\"rim\":\"$real\""
has out '"dry_run":true'
if [ -n "$real" ] && [ "$real" != "$rim20" ]; then passes=$((passes + 1)); else fail "RMM 1.0 RIM '$real' should differ from 2.0's '$rim20'"; fi
export REALMKIT_RMM=1.0
run 0 measure --json
has out "\"rim\":\"$real\""
has out '"rmm":"1.0"'
export REALMKIT_RMM=3.0
run 2 measure --json
has err 'REALMKIT_RMM="3.0" is not an RMM version'
unset REALMKIT_RMM
run 0 measure --engine-only -q
has out "RIM  "
lines out 5
run 2 measure --kernel /nonexistent/Image
lines err 1
has err "realmkit measure: "

# ---- manifests: the engine against the independent Python model ----
# (a manifest without "rmm" follows the default, 2.0; both RMMs are checked)
for f in "$ex"/*.json; do
	for r in 2.0 1.0; do
		run 0 measure --manifest "$f" --json --rmm $r
		if command -v python3 >/dev/null 2>&1; then
			model=$(python3 "$src/tools/rim_vectors.py" manifest "$f" --rmm $r)
			has out "\"rim\":\"$model\""
		fi
	done
done
run 0 measure --manifest "$ex/kvm-default.json" --json
has out '"rmm":"2.0"'
has out '"rim":"ff334e56846d9626ede593207289c91b6d957bd4c97c83c99adc4afef7955a43"'
run 0 measure --manifest "$ex/kvm-default.json" --rmm 1.0 --base64
has out "RIM  L0W0LDx1h2Mr+SdGT7XuFQhc7L3s3xUlEOpcIttG8eE="
run 0 measure --manifest "$ex/kvm-default.json" --rmm 1.0 --expect-rim 2f45b42c3c7587632bf927464fb5ee15085cecbdecdf152510ea5c22db46f1e1
run 3 measure --manifest "$ex/kvm-default.json" --expect-rim 00
has err "not the expected one"
run 0 measure --manifest "$ex/vmm-ripas.json" --rmm 1.0 --corim "$tmp/c.cbor" --comid-json "$tmp/c.json" --refvals "$tmp/rv.json" --name demo
[ -s "$tmp/c.cbor" ] && [ "$(head -c 3 "$tmp/c.cbor" | od -An -tx1 | tr -d ' ')" = "d901f5" ] || fail "CoRIM does not start with tag 501"
grep -q '"sha-512;' "$tmp/c.json" || fail "CoMID JSON lacks sha-512 registers"
grep -q '"sha-512;kB6pNbVflKd3P6fm' "$tmp/c.json" || fail "CoMID JSON lacks the RIM"
grep -q '"cca.rim"' "$tmp/rv.json" || fail "refvals lack cca.rim"
grep -q '"name": *"demo"' "$tmp/rv.json" || fail "refvals lack the name"

# ---- end to end: measure's refvals verify the token of the realm run launches ----
run 0 measure -q --refvals "$tmp/demo-rv.json" --name demo
if grep -q '"cca.rem0"' "$tmp/demo-rv.json"; then fail "REMs written though none is known"; fi
chal=$(printf '5a%.0s' $(seq 64))
run 0 run --console none --challenge "$chal" --token-out "$tmp/demo.tok"
run 0 platform export-cpak --format jwk
cp "$tmp/out" "$tmp/cpak.jwk"
run 0 token verify "$tmp/demo.tok" --cpak "$tmp/cpak.jwk" --refvals "$tmp/demo-rv.json" --challenge "$chal"
has out "PASS realm reference values"
run 0 measure -q --refvals "$tmp/bad-rv.json" -m 32
run 8 token verify "$tmp/demo.tok" --cpak "$tmp/cpak.jwk" --refvals "$tmp/bad-rv.json"
has out "FAIL realm reference values"

# ---- bad manifests: one line each, exit 1 ----
bad() { # bad 'JSON' 'expected message'
	printf '%s\n' "$1" >"$tmp/m.json"
	run 1 measure --manifest "$tmp/m.json"
	lines err 1
	has err "$2"
}
cp "$src/guests/bin/hello.bin" "$tmp/k.bin"
head='"version":1,"ram":[{"base":"0x80000000","size":"16M"}],"recs":[{"pc":"0x80000000"}]'
bad '{' "line 2"
bad '{"version":2}' "version: expected 1"
bad "{$head,\"colour\":1}" "unknown key 'colour'"
bad '{"version":1,"recs":[{"pc":0}]}' "ram: at least one range"
bad "{$head,\"regions\":[{\"file\":\"k.bin\",\"ipa\":\"0x80000800\"}]}" "IPA 0x80000800 is not 4 KiB aligned"
bad "{$head,\"regions\":[{\"name\":\"a\",\"file\":\"k.bin\",\"ipa\":\"0x80000000\"},{\"name\":\"b\",\"file\":\"k.bin\",\"ipa\":\"0x80001000\"}]}" "region 'a' [0x80000000, 0x80002000) overlaps region 'b'"
bad "{$head,\"ripas\":\"explicit\",\"regions\":[{\"file\":\"k.bin\",\"ipa\":\"0x8000000000\"}]}" "outside the protected IPA space"
bad "{$head,\"regions\":[{\"file\":\"k.bin\",\"ipa\":\"0x90000000\"}]}" "is not inside one RAM range"
bad "{$head,\"regions\":[{\"file\":\"missing.bin\",\"ipa\":\"0x80000000\"}]}" "cannot open"
bad "{$head,\"realm\":{\"hash-algo\":\"md5\"}}" "realm.hash-algo"
bad "{$head,\"realm\":{\"ipa-bits\":\"lots\"}}" "realm.ipa-bits: 'lots' is not a number"
bad "{$head,\"steps\":[{\"ripas\":{\"base\":0,\"size\":4096}}]}" "RIPAS steps need"
bad "{$head,\"ripas\":\"vmm\",\"steps\":[{\"ripas\":{\"base\":\"0x80000800\",\"size\":4096}}]}" "is not 4 KiB aligned"
run 2 measure --manifest "$tmp/none.json" --kernel x
has err "does not apply"

# ---- kvmtool and QEMU layouts ----
# A minimal arm64 Image: text_offset 0, image_size 0, the magic at 56.
{ head -c 56 /dev/zero; printf 'ARM\144'; head -c 8132 /dev/urandom; } >"$tmp/Image"
head -c 3000 /dev/urandom >"$tmp/initrd"
head -c 1500 /dev/urandom >"$tmp/dtb"
run 0 measure --vmm kvmtool -k "$tmp/Image" -i "$tmp/initrd" -d "$tmp/dtb" -m 256 --json
has out '"input":"kvmtool"'
has out '"ripas":0'
run 0 measure --vmm kvmtool -k "$tmp/Image" -i "$tmp/initrd" -d "$tmp/dtb" -m 256 --json --rmm 1.0
has out '"ripas":128'
run 0 measure --vmm qemu -k "$tmp/Image" -i "$tmp/initrd" -d "$tmp/dtb" -m 256 --measurement-log --json
has out '"hash_algo":"sha512"'
run 1 measure --vmm kvmtool -k "$tmp/initrd" -d "$tmp/dtb" -m 256
has err "is not an arm64 Image"
run 1 measure --vmm kvmtool -k "$tmp/Image" -m 256
has err "--dtb FILE is needed"
run 2 measure --vmm lkvm -k "$tmp/Image"
has err "neither kvmtool nor qemu"

# ---- event logs ----
head -c 100 /dev/urandom >"$tmp/garbage.log"
run 1 measure --event-log "$tmp/garbage.log"
lines err 1
has err "event log: event 0"
run 2 measure --event-log "$tmp/missing.log"
has err "No such file"
run 2 measure --image "$tmp/Image"
has err "--image goes with --event-log"

# ---- RMM 2.0 rules: no RIPAS descriptor ----
run 0 measure --manifest "$ex/kvm-default.json" --rmm 2.0 --json
has out '"rmm":"2.0"'
has out '"ripas":0'
run 2 measure --rmm 3.0
has err "neither 1.0 nor 2.0"

# ---- the progress bar: on a terminal only, not with --quiet ----
head -c 3000000 /dev/urandom >"$tmp/big.bin"
printf '{"version":1,"ram":[{"base":"0x80000000","size":"16M"}],"regions":[{"file":"big.bin","ipa":"0x80000000"}],"recs":[{"pc":"0x80000000"}]}\n' >"$tmp/big.json"
run 0 measure --manifest "$tmp/big.json"
lines err 0
if command -v script >/dev/null 2>&1; then
	script -qec "'$rk' measure --manifest '$tmp/big.json'" /dev/null >"$tmp/out" 2>"$tmp/err" </dev/null
	desc="measure on a terminal"
	has out "100% 2/2 MiB"
	script -qec "'$rk' measure --quiet --manifest '$tmp/big.json'" /dev/null >"$tmp/out" 2>"$tmp/err" </dev/null
	if grep -qF "100%" "$tmp/out"; then fail "--quiet still shows progress"; else passes=$((passes + 1)); fi
fi

# ---- options ----
run 0 measure --help
has out "usage: realmkit measure"
run 2 measure --manifest
has err "--manifest needs a value"
run 2 measure --manifest "$ex/kvm-default.json" --vmm qemu
has err "one input at a time"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
