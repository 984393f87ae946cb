#!/bin/sh
# `realmkit run` refuses bad input with one clear line on stderr naming the
# problem, exit status 2 and nothing on stdout; under the ASan build a leak
# or a crash changes the status and fails the case.
#   vmm_errors.sh REALMKIT GUESTS_DIR TMPDIR
set -u
rk=$1
guests=$2
tmp=$3
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0
passes=0

# expect STATUS PATTERN ARGS...: exit STATUS, one stderr line matching PATTERN, empty stdout.
expect() {
	want=$1
	pat=$2
	shift 2
	"$rk" run "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$st" -ne "$want" ] || [ "$lines" -ne 1 ] || [ -s "$tmp/out" ] ||
		! grep -q -- "^realmkit run: .*$pat" "$tmp/err"; then
		echo "FAIL: realmkit run $*: status $st (want $want), stderr:" >&2
		cat "$tmp/err" >&2
		echo "  (wanted one line matching '$pat'; stdout $(wc -c <"$tmp/out") bytes)" >&2
		fails=$((fails + 1))
	else
		echo "ok: $* -> $(cat "$tmp/err")"
		passes=$((passes + 1))
	fi
}

head -c 5242880 /dev/zero >"$tmp/5m.bin"
head -c 3145728 /dev/zero >"$tmp/3m.bin"
: >"$tmp/empty.bin"
mkfifo "$tmp/fifo"
printf 'not a device tree at all, just text' >"$tmp/bad.dtb"
"$rk" run --console none --dump-dtb "$tmp/good.dtb" >/dev/null 2>&1
head -c 100 "$tmp/good.dtb" >"$tmp/short.dtb"
head -c 70000 /dev/zero >"$tmp/big.dtb"
hello=$guests/hello.bin

# The generated DTB is one dtc reads back (skipped without dtc).
if command -v dtc >/dev/null 2>&1; then
	if dtc -q -I dtb -O dts -o "$tmp/good.dts" "$tmp/good.dtb" &&
		grep -q 'compatible = "ns16550a"' "$tmp/good.dts" &&
		grep -q 'method = "smc"' "$tmp/good.dts"; then
		echo "ok: dtc -I dtb reads the generated DTB"
		passes=$((passes + 1))
	else
		echo "FAIL: dtc cannot read the generated DTB" >&2
		fails=$((fails + 1))
	fi
else
	echo "skip: dtc not installed (device-tree-compiler)"
fi

# Images
expect 2 "kernel '$tmp/missing.bin': No such file or directory" -k "$tmp/missing.bin"
expect 2 "kernel '$tmp': not a regular file" -k "$tmp"
expect 2 "kernel '$tmp/fifo': not a regular file" -k "$tmp/fifo"
expect 2 "kernel '$tmp/empty.bin': empty file" -k "$tmp/empty.bin"
expect 2 "initrd '$tmp/missing': No such file" -k "$hello" -i "$tmp/missing"
expect 2 "larger than the realm's memory (4 MiB)" -k "$tmp/5m.bin" -m 4
expect 2 "kernel \[0x80000000, 0x80300000) overlaps dtb \[0x80200000, 0x80210000)" \
	-k "$tmp/3m.bin" -m 4
expect 2 "initrd (3145728 bytes) does not fit below the DTB" -k "$hello" -i "$tmp/3m.bin" -m 4
expect 2 "dtb '$tmp/bad.dtb' is not a valid device tree: FDT_ERR_BADMAGIC" -k "$hello" \
	-d "$tmp/bad.dtb"
expect 2 "dtb '$tmp/short.dtb' is not a valid device tree: FDT_ERR_TRUNCATED" -k "$hello" \
	-d "$tmp/short.dtb"
expect 2 "dtb '$tmp/big.dtb' is larger than 64 KiB" -k "$hello" -d "$tmp/big.dtb"
expect 2 "--initrd and --dtb need a --kernel or --firmware" -i "$hello"
expect 2 "--dump-dtb '$tmp/no/such/dir/x.dtb': No such file or directory" \
	--dump-dtb "$tmp/no/such/dir/x.dtb"
# Option values
expect 2 "--mem: 'abc' is not a number from 4 to 3072" -m abc
expect 2 "--mem: '0' is not a number from 4 to 3072" --mem 0
expect 2 "--mem: '4096' is not a number from 4 to 3072" --mem 4096
expect 2 "--mem: '-5' is not a number" --mem=-5
expect 2 "--cpus: '9' is not a number from 1 to 8" -c 9
expect 2 "--cpus: '2x' is not a number" --cpus 2x
expect 2 "--ipa-bits: '32' is not a number from 33 to 48" --ipa-bits 32
expect 2 "--mem 2049 MiB: RAM would reach past the protected half of a 33-bit IPA space" \
	--ipa-bits 33 -m 2049
expect 2 "--measurement-algo: 'md5' is not sha256 or sha512" --measurement-algo md5
expect 2 "--realm-pv: expected up to 64 bytes as an even number of hex digits" --realm-pv xyz
expect 2 "--realm-pv: expected up to 64 bytes" --realm-pv 123
expect 2 "--challenge: expected up to 64 bytes" \
	--challenge "$(printf '%0130d' 0)"
expect 2 "--ripas: 'foo' is not kvm, vmm or images" --ripas foo
expect 2 "--measure: 'kernal' is not kernel, initrd, dtb, firmware, all or none" \
	--measure kernal
expect 2 "--no-measure: an empty list" --no-measure ""
expect 2 "--populate-chunk: '0' is not a number from 1 to" --populate-chunk 0
expect 2 "--console: 'tty' is not stdio, out or none" --console tty
expect 2 "--timeout: '-1' is not a number of seconds" --timeout -1
expect 2 "--timeout: 'soon' is not a number of seconds" --timeout soon
expect 2 "unknown option '--bogus'" --bogus
expect 2 "unknown option '-z'" -z
expect 2 "unexpected argument 'extra'" extra
expect 2 "-k needs a value" -k
expect 2 "--kernel needs a value" --kernel

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
