#!/bin/sh
# `realmkit measure` from the command line: every input kind, the outputs,
# one clear error (and exit status) per bad input, and agreement with
# realmkit run's real RIM and with tools/rim_vectors.py's independent model.
# Usage: measure_cli.sh REALMKIT SOURCE_DIR
set -u
rk=$1
src=$2
. "$(dirname "$0")/cli_lib.sh"

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
has out '"rim":"39c5a71e0cd81c004902fd23d685ca9467ac6c84cc2034149fbd9326f7904d77"'
run 0 measure --manifest "$ex/kvm-default.json" --rmm 1.0 --base64
has out "RIM  9zxWz/t3Z3HZn6fmvm1g8GW2QrNoY1P40asMipHVc38="
run 0 measure --manifest "$ex/kvm-default.json" --rmm 1.0 --expect-rim f73c56cffb776771d99fa7e6be6d60f065b642b3686353f8d1ab0c8a91d5737f
run 3 measure --manifest "$ex/kvm-default.json" --expect-rim 00
has err "not the expected one"
run 0 measure --manifest "$ex/vmm-ripas.json" --rmm 1.0 --corim "$tmp/c.cbor" --comid-json "$tmp/c.json" --refvals "$tmp/rv.json" --name demo
[ -s "$tmp/c.cbor" ] && [ "$(head -c 3 "$tmp/c.cbor" | od -An -tx1 | tr -d ' ')" = "d901f5" ] || fail "CoRIM does not start with tag 501"
grep -q '"sha-512;' "$tmp/c.json" || fail "CoMID JSON lacks sha-512 registers"
grep -q '"sha-512;f64KL6ofCcB/YyJl' "$tmp/c.json" || fail "CoMID JSON lacks the RIM"
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
# Without -d the layout generates the VMM's DTB: a valid tree, kvmtool's 64 KiB slot.
run 0 measure --vmm kvmtool -k "$tmp/Image" -m 256 -c 2 -p "quiet" --dump-dtb "$tmp/kt.dtb"
[ "$(wc -c <"$tmp/kt.dtb")" -eq 65536 ] && passes=$((passes + 1)) || fail "kvmtool DTB is not 64 KiB"
if command -v dtc >/dev/null 2>&1; then
	dtc -I dtb -O dts -o "$tmp/kt.dts" "$tmp/kt.dtb" 2>/dev/null
	desc="dtc of the generated kvmtool DTB"
	has kt.dts 'bootargs = " console=hvc0 root=/dev/vda rw  quiet";'
	has kt.dts "cpu@1 {"
	has kt.dts 'reg = <0x00 0x3fff0000 0x00 0x10000 0x00 0x3ffb0000 0x00 0x40000>;'
fi
# kvmtool's 33 IPA bits cannot hold RAM that ends above 4 GiB in the protected half.
run 1 measure --vmm kvmtool -k "$tmp/Image" -m 3072
has err "outside the protected IPA space [0, 0x100000000)"
run 1 measure --vmm qemu -m 256 --ipa-bits 40
has err "needs 41 IPA bits; --ipa-bits 40 is less"
run 1 measure --vmm qemu -i "$tmp/initrd" -m 256
has err "--initrd needs --kernel"
run 2 measure --vmm qemu -m 256 --pmu-counters 32
has err "--pmu-counters: '32' is not 0 to 31"
run 2 measure --vmm lkvm -k "$tmp/Image"
has err "neither kvmtool nor qemu"

# ---- published RIMs: veraison/cca-realm-measurements tests/cmdline.rs at 08aaf5a ----
# Their tool (the model at that same commit: src/kvmtool.rs, src/qemu.rs, src/fdt.rs,
# src/realm.rs) run with the arguments in the comment gives these RIMs; measure must give the
# same with the equivalent options (RMM 1.0: their model's rules).  Their inputs: a firmware
# file "FW CONTENT", an initrd "INITRD CONTENT", testdata/linux.bin (tests/measure/README.md).
printf 'FW CONTENT' >"$tmp/firmware"
printf 'INITRD CONTENT' >"$tmp/initrd14"
lb=$src/tests/measure/linux.bin
published() { # published RIM-prefix measure-args...
	published_rim=$1
	shift
	run 0 measure --rmm 1.0 --num-wps 6 --num-bps 6 "$@"
	has out "RIM  $published_rim"
}
kt="--vmm kvmtool -c 1 -m 512"
# kvmtool_params "minimum working kvmtool cmdline": kvmtool --realm -c 1 -m 512M
published 998dfdf6401d69f73ed88ac53d62d5ea2cfac6320b887ce4599aa8671791d4d $kt
# kvmtool_measurements "measure firmware": -f FW kvmtool --realm --firmware firmware -c 1 -m 512M
published cf37146fce0ad50e1be1a04580c1024e5449b430b0dd96b6ef5c9a2b73767bf5 $kt --firmware "$tmp/firmware"
# ... and with --print-b64
published zzcUb84K1Q4b4aBFgMECTlRJtDCw3Za271yaK3N2e/U= $kt --firmware "$tmp/firmware" --base64
# qemu_params (--ipa-bits 52 --pmu-num-ctrs 6: host limits; QEMU's default -m 128M, SHA-512):
# "no arguments" (also -cpu pmu=off, and --pmu true with pmu=off)
qp="--vmm qemu -m 128"
published cf409055d866eea6c8d5e7862b540ff1cac9b11f125d088587d5ae97a0e3341667cf8fb3983e7377bca5c01d037bd97081ebf3b4dcb648442149749f4d65eeb0 $qp
# -cpu pmu=on (the host's 6 counters)
published 8120ef921a987a3f8b9d4bb5e40f8489e2b4fc69c5e1b17b1a9b040884a1211d99b2bddc3fddcc99ec99f4244743fe3dcd3d9020583b47f7b66a2ec66bb897b9 $qp --pmu-counters 6
# -cpu pmu=on,num-pmu-counters=2
published ef4e6f78ea9630f66146b33a405a07b669ef94dd9aca6935d4fd23fea32f98f964241a2f9a9c20c9fcd74e20031c51c4beb8e577873e0348e891ee2d727e2807 $qp --pmu-counters 2
# qemu_measurements: -object rme-guest,measurement-algorithm=sha256 -smp 2 -m 1G
qm="--vmm qemu -m 1024 -c 2 --measurement-algo sha256"
# -bios firmware (also -bios firmware -kernel Image: the kernel goes through fw_cfg)
published cbf533a94009dfa6b83016a89b428d1d910fb3593856bb386d7b2bd07a1bc834 $qm --firmware "$tmp/firmware"
# -bios firmware -kernel Image -append root=/dev/vda2: only the DTB's bootargs reach the RIM
published fd3ce1072c3e95cd3a4d1a07729756564f260f9f7e95014418b416673a268b7a $qm --firmware "$tmp/firmware" -p root=/dev/vda2
# -kernel Image
published e8862e21b8eb6b4bdeeff244dc59d2935c26d92c52d346f06e224fe712267a6 $qm -k "$lb"
# -kernel Image -initrd initrd
published 9af47a8e4d6ac775e05f8a8893f9e383694688719d1bbb4281ed1c25056e0911 $qm -k "$lb" -i "$tmp/initrd14"
# -kernel Image -initrd initrd -append root=/dev/vda2
published 22d398e695e776385bc268454587b418dde16e34bc69d9a24fc96abb3050a24e $qm -k "$lb" -i "$tmp/initrd14" -p root=/dev/vda2
# qemu_dtb "generate dtb": measurement-algorithm=sha512 -smp 2 -m 1G -bios firmware
published 3175b3c0c201081ad410defe6c32e145fd77ff03e63518a9f00831b12b6ec2070f743f43f0ff3290902ecebd4e6bea8d5926dca19dc1a06fb8d51d551a4a2b79 --vmm qemu -m 1024 -c 2 --firmware "$tmp/firmware" --dump-dtb "$tmp/qemu.dtb"
# ... and "input exact dtb": that DTB given back with -d (and -smp 8, which it then ignores)
published 3175b3c0c201081ad410defe6c32e145fd77ff03e63518a9f00831b12b6ec2070f743f43f0ff3290902ecebd4e6bea8d5926dca19dc1a06fb8d51d551a4a2b79 --vmm qemu -m 1024 -c 8 --firmware "$tmp/firmware" -d "$tmp/qemu.dtb"
# A change in any input changes the RIM (the vectors are not reproduced by accident).
run 0 measure --rmm 1.0 --num-wps 6 --num-bps 6 $kt -c 2
if grep -q 998dfdf6401d69f7 "$tmp/out"; then fail "kvmtool -c 2 gives -c 1's RIM"; else passes=$((passes + 1)); fi

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
