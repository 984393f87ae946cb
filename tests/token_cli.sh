#!/bin/sh
# `realmkit token` and `realmkit platform` from the command line: every exit
# status of token verify, the input encodings, --json, and the platform's
# key file handling (0600, exists, damaged, foreign).
# Usage: token_cli.sh REALMKIT VECTORS_DIR
set -u
rk=$1
v=$2
. "$(dirname "$0")/cli_lib.sh"

# Patterns here are regular expressions.
has() { grep -q -- "$2" "$tmp/$1" || fail "$desc: no '$2' in $1"; }

tok=$v/rust-cca-token-01.cbor
pub=$v/go-tf-rmm-cca_platform.pub

# show: binary, hex, base64 (with line breaks), stdin; every claim named.
run 0 token show "$tok"
has out 'format: CCA token collection (CBOR tag 399)'
has out 'implementation ID (2396)'
has out 'software components (2399): 4'
has out 'RAK public key (44237, raw point)'
has out 'REM3 (44239\[3\])'
xxd -p "$tok" >"$tmp/tok.hex"
base64 "$tok" >"$tmp/tok.b64"
cp "$tmp/out" "$tmp/bin.out"
run 0 token show "$tmp/tok.hex"
cmp -s "$tmp/out" "$tmp/bin.out" || fail "hex input shows differently"
run 0 token show "$tmp/tok.b64"
cmp -s "$tmp/out" "$tmp/bin.out" || fail "base64 input shows differently"
"$rk" token show - <"$tok" >"$tmp/out" 2>"$tmp/err" || fail "stdin"
run 0 token show --json "$tok"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["format"]=="collection-399" and len(d["realm"]["extensible-measurements"])==4' "$tmp/out" ||
	fail "show --json"

# verify: every exit status.
run 0 token verify "$tok" --cpak "$pub" --refvals "$v/rust-rv.json"
has out '^PASS binding'
has out '^VERIFIED$'
run 0 token verify --json "$tok" --cpak "$v/rust-cpak.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verdict"]=="pass" and d["exit"]==0' "$tmp/out" ||
	fail "verify --json"
run 0 token verify "$v/rust-cca-token-draft-ffm-00.cbor" --cpak "$v/rust-ta-tfa.json"
has out '^PASS platform identity'
cp "$tok" "$tmp/badsig.cbor"
printf '\001' | dd of="$tmp/badsig.cbor" bs=1 seek=1221 conv=notrunc 2>/dev/null
run 5 token verify "$tmp/badsig.cbor" --cpak "$pub"
has out '^FAIL realm signature'
run 5 token verify "$tok" --cpak "$v/rust-ta.json"
has out '^FAIL platform signature'
run 6 token verify "$v/rust-bug-33-repro.cbor" --cpak "$v/rust-ta-tfa.json"
has out '^FAIL binding'
run 7 token verify "$tok" --cpak "$pub" --challenge 00
has out '^FAIL challenge'
sed 's/"initial-measurement": "0000/"initial-measurement": "1111/' "$v/rust-rv.json" >"$tmp/rv.json"
run 8 token verify "$tok" --cpak "$pub" --refvals "$tmp/rv.json"
has out 'cca.rim (claim 44238)'
run 4 token verify "$v/rust-cca-token-02.cbor" --cpak "$v/rust-ta-02-ok.json"
has out 'claim 44238 (RIM) is 64 bytes'
head -c 600 "$tok" >"$tmp/trunc.cbor"
run 4 token verify "$tmp/trunc.cbor" --cpak "$pub"
has err 'truncated'
run 4 token show "$tmp/trunc.cbor"
run 4 token show "$v/rust-ta.json"
has err 'text, but not the hex or base64'
xxd -p "$tmp/trunc.cbor" >"$tmp/trunc.hex"
run 4 token show "$tmp/trunc.hex"
has err 'truncated'
run 2 token verify "$tok"
has err 'needs --cpak'
run 2 token verify "$tmp/nonexistent" --cpak "$pub"
run 2 token verify "$tok" --cpak "$v/rust-ta-02-bad.json"
has err 'not on P-256'
run 2 token verify "$tok" --cpak "$pub" --challenge xyz
run 2 token verify "$tok" --cpak "$pub" --refvals "$tok"
run 2 token frobnicate "$tok"

# An RMM 2.0's token (realm#2.0.0, cca_platform#2.0.0) from a running realm:
# every 2.0 claim named by show (and --json), verify with the challenge and
# measure's 2.0 reference values; 1.0 reference values, another challenge, a
# flipped signature and a realm instance ID that is not a RAND UEID give
# their exit statuses.  The platform identity is the default one (no state
# directory), for run and export-cpak alike.
x=$tmp/xdg
chal=$(printf 'c3%.0s' $(seq 64))
XDG_DATA_HOME=$x REALMKIT_RMM=2.0 "$rk" run --console none --challenge "$chal" \
	--token-out "$tmp/t2.cbor" >"$tmp/out" 2>"$tmp/err" || fail "run on RMM 2.0"
XDG_DATA_HOME=$x REALMKIT_RMM=1.0 "$rk" run --console none --challenge "$chal" \
	--token-out "$tmp/t1.cbor" >"$tmp/out" 2>"$tmp/err" || fail "run on RMM 1.0"
XDG_DATA_HOME=$x "$rk" platform export-cpak --format pem >"$tmp/dflt.pem" || fail "export-cpak"
run 0 token show "$tmp/t2.cbor"
has out 'profile (265) *tag:arm.com,2024:realm#2.0.0'
has out 'profile (265) *tag:arm.com,2024:cca_platform#2.0.0'
has out 'realm instance ID (256) *01[0-9a-f]\{64\}$'
has out 'MEC policy (44243) *0 (shared)'
has out 'client ID (2394) *1 (RMSD)'
run 0 token show --json "$tmp/t2.cbor"
python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); r=d["realm"]; p=d["platform"]
assert r["profile"]=="tag:arm.com,2024:realm#2.0.0" and r["mec-policy"]==0
assert len(r["realm-instance-id"])==66 and r["realm-instance-id"][:2]=="01"
assert p["profile"]=="tag:arm.com,2024:cca_platform#2.0.0" and p["client-id"]==1' "$tmp/out" ||
	fail "show --json of a 2.0 token"
inst=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["realm"]["realm-instance-id"])' "$tmp/out")
run 0 token show "$tmp/t1.cbor"
has out 'profile (265) *tag:arm.com,2023:realm#1.0.0'
if grep -q 'realm instance ID\|MEC policy\|client ID' "$tmp/out"; then fail "2.0 claims in a 1.0 token"; fi
"$rk" measure -q --rmm 2.0 --refvals "$tmp/rv2.json" --name demo || fail "measure --rmm 2.0"
"$rk" measure -q --rmm 1.0 --refvals "$tmp/rv1.json" --name demo || fail "measure --rmm 1.0"
run 0 token verify "$tmp/t2.cbor" --cpak "$tmp/dflt.pem" --challenge "$chal" --refvals "$tmp/rv2.json"
has out '^PASS realm profile *tag:arm.com,2024:realm#2.0.0'
has out '^PASS platform profile *tag:arm.com,2024:cca_platform#2.0.0'
has out '^PASS realm reference values'
has out '^VERIFIED$'
run 0 token verify "$tmp/t1.cbor" --cpak "$tmp/dflt.pem" --challenge "$chal" --refvals "$tmp/rv1.json"
run 8 token verify "$tmp/t2.cbor" --cpak "$tmp/dflt.pem" --refvals "$tmp/rv1.json"
has out '^FAIL realm reference values'
run 7 token verify "$tmp/t2.cbor" --cpak "$tmp/dflt.pem" --challenge 00
python3 -c 'import sys
b=bytearray(open(sys.argv[1],"rb").read()); b[-1]^=1; open(sys.argv[2],"wb").write(b)' "$tmp/t2.cbor" "$tmp/t2-sig.cbor"
run 5 token verify "$tmp/t2-sig.cbor" --cpak "$tmp/dflt.pem"
has out '^FAIL realm signature'
python3 -c 'import sys
b=bytearray(open(sys.argv[1],"rb").read()); i=b.find(bytes.fromhex(sys.argv[3]))
assert i>0; b[i]=2; open(sys.argv[2],"wb").write(b)' "$tmp/t2.cbor" "$tmp/t2-inst.cbor" "$inst" ||
	fail "realm instance ID not found in the token"
run 4 token verify "$tmp/t2-inst.cbor" --cpak "$tmp/dflt.pem"
has out '^FAIL realm profile *claim 256 (realm instance ID) is not 0x01 and 32 bytes'

# platform: init writes a 0600 key, refuses to overwrite, show/export use it.
d=$tmp/plat
run 0 platform init --platform-dir "$d"
[ "$(stat -c %a "$d/cpak.pem")" = 600 ] || fail "cpak.pem mode $(stat -c %a "$d/cpak.pem")"
run 1 platform init --platform-dir "$d"
has err 'exists'
run 0 platform init --force --platform-dir "$d"
run 0 platform show --platform-dir "$d"
has out "key:                    $d/cpak.pem"
run 0 platform show --json --platform-dir "$d"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["cpak"]["crv"]=="P-384" and len(d["instance-id"])==66' "$tmp/out" ||
	fail "platform show --json"
run 0 platform export-cpak --format pem --platform-dir "$d"
openssl pkey -pubin -noout -in "$tmp/out" 2>/dev/null || fail "export-cpak pem is not a public key"
run 0 platform export-cpak --format ta-store --platform-dir "$d"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["pkey"]["kty"]=="EC"' "$tmp/out" ||
	fail "export-cpak ta-store"
run 0 platform show --refvals
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["platform"][0]["sw-components"])==3' "$tmp/out" ||
	fail "platform show --refvals"
has out '"component-type": "RMM"'
run 0 platform show --platform-dir "$tmp/empty"
has out 'default identity'
echo garbage >"$tmp/damaged.pem"
run 1 platform show --platform-key "$tmp/damaged.pem"
has err 'not a PEM private key'
openssl genrsa -out "$tmp/rsa.pem" 2048 2>/dev/null
run 1 platform show --platform-key "$tmp/rsa.pem"
has err 'not an EC P-384 private key'
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/p256.pem" 2>/dev/null
run 1 platform export-cpak --platform-key "$tmp/p256.pem"
has err 'not an EC P-384'
run 2 platform export-cpak --format der
run 2 platform bogus

echo "token_cli: $failures failure(s)"
[ "$failures" -eq 0 ]
