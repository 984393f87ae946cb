#!/bin/sh
# The realmkit command line: global options, help, the rmi options and their
# errors, reading scripts, exit statuses, and stdout/stderr ordering.
# (Malformed script lines are tests/rmi-bad/; example outputs run_rmi_scripts.cmake.)
# Usage: cli.sh REALMKIT VERSION
set -u
rk=$1
version=$2
. "$(dirname "$0")/cli_lib.sh"

script() { # script NAME LINES...: write a script, one argument per line
	name=$1
	shift
	printf '%s\n' "$@" >"$tmp/$name"
}

# ---- global options and help ----
run 0 --version
[ "$(cat "$tmp/out")" = "realmkit $version" ] || fail "--version prints '$(cat "$tmp/out")'"
run 0 -V
has out "realmkit $version"
for args in --help -h help; do
	run 0 $args
	has out "usage: realmkit"
	has out "  rmi "
	has out "  help "
done
run 2
has err "usage: realmkit"
run 2 frobnicate
has err "unknown command 'frobnicate'"
run 2 --frobnicate
has err "unknown option '--frobnicate'"
run 2 --version=2
has err "--version takes no value"
for args in "help rmi" "rmi --help" "rmi -h"; do
	run 0 $args
	has out "usage: realmkit rmi"
	has out "--dram-size SIZE"
	has out "--expect-success"
	has out "exit status"
done
run 2 help frobnicate
has err "unknown command 'frobnicate'"

# ---- rmi options ----
script census.rmi census
run 0 rmi --dram-size 2G "$tmp/census.rmi"
has out "census UNDELEGATED=524288 "
run 0 rmi --dram-size=8k "$tmp/census.rmi"
has out "census UNDELEGATED=2 "
run 0 rmi --dram-size 0x10000 --dram-base=4G "$tmp/census.rmi"
has out "census UNDELEGATED=16 "
run 0 rmi "$tmp/census.rmi" --dram-size 1M # options after the file
has out "census UNDELEGATED=256 "
run 2 rmi --dram-size
has err "realmkit rmi: --dram-size needs a value"
run 2 rmi --dram-size=
has err "realmkit rmi: --dram-size needs a value"
run 2 rmi --dram-base
has err "realmkit rmi: --dram-base needs a value"
run 2 rmi --dram-size 17179869184G "$tmp/census.rmi"
has err "--dram-size: '17179869184G' is too large"
run 2 rmi --dram-size 18446744073709551616 "$tmp/census.rmi"
has err "--dram-size: '18446744073709551616' is too large"
for bad in -1 1.5G 2GB 0x 12abc " 4096" +4096; do
	run 2 rmi --dram-size "$bad" "$tmp/census.rmi"
	has err "--dram-size: '$bad' is not a size"
done
# DRAM the machine cannot have: the option and the reason, not a script line.
run 2 rmi --dram-size 0x1001 "$tmp/census.rmi"
has err "realmkit rmi: --dram-size: 0x1001 bytes is not a multiple of 4 KiB"
lacks err "census.rmi"
run 2 rmi --dram-size 0 "$tmp/census.rmi"
has err "realmkit rmi: --dram-size: DRAM cannot be empty"
run 2 rmi --dram-base 0x80000800 "$tmp/census.rmi"
has err "realmkit rmi: --dram-base: 0x80000800 is not 4 KiB-aligned"
run 2 rmi --dram-base 0xfffffffffffff000 --dram-size 8K "$tmp/census.rmi"
has err "runs past the top of the 64-bit physical address space"
run 2 rmi --check=yes "$tmp/census.rmi"
has err "realmkit rmi: --check takes no value"
run 2 rmi --frobnicate "$tmp/census.rmi"
has err "realmkit rmi: unknown option '--frobnicate'"
run 2 rmi -q "$tmp/census.rmi"
has err "realmkit rmi: unknown option '-q'"
run 0 rmi --print-default
has out "realm-basic.rmi"
# '--' ends the options: a script whose name starts with '-'.
script -census.rmi census
desc="realmkit rmi -- -census.rmi"
(cd "$tmp" && "$rk" rmi -- -census.rmi >out 2>err) || fail "$desc: exit $?"
has out "census UNDELEGATED="
(cd "$tmp" && "$rk" rmi -census.rmi >out 2>err)
[ $? -eq 2 ] || fail "rmi -census.rmi (no --) should be an unknown option"
run 0 rmi - <"$tmp/census.rmi"
has out "census UNDELEGATED="

# ---- reading the script ----
run 2 rmi "$tmp"
has err "realmkit rmi: '$tmp' is a directory, not a script"
run 2 rmi "$tmp/absent.rmi"
has err "realmkit rmi: cannot open '$tmp/absent.rmi': No such file or directory"
run 2 rmi "$tmp/census.rmi" "$tmp/census.rmi"
has err "one script at a time"
# A file name with control characters is echoed escaped.
esc=$(printf '\033')
run 2 rmi "$tmp/${esc}[31mred"
has err '\x1b[31mred'
if grep -q "$esc" "$tmp/err"; then fail "raw ESC echoed to the terminal"; fi

# ---- ordering: stdout is flushed before every error, so a shared log is in order ----
script order.rmi "call VERSION 0x10000" "call FEATURES 0" "frobnicate"
"$rk" rmi "$tmp/order.rmi" >"$tmp/log" 2>&1
sed -n 1p "$tmp/log" | grep -q "^VERSION status=SUCCESS" &&
	sed -n 2p "$tmp/log" | grep -q "^FEATURES status=SUCCESS" &&
	sed -n 3p "$tmp/log" | grep -q "order.rmi:3: unknown statement 'frobnicate'" ||
	{
		cp "$tmp/log" "$tmp/out"
		fail ">log 2>&1: lines out of order"
	}

# ---- negative numbers where RMI values are signed ----
script signed.rmi "realm_params 0x80000000 rtt_level_start=-1" "call RTT_READ_ENTRY 0 0 -1"
run 0 rmi "$tmp/signed.rmi"
has out "RTT_READ_ENTRY status=ERROR_INPUT"

# ---- expectations: --expect-success and 'expect' ----
script fails.rmi "call VERSION 0x10000" "call GRANULE_UNDELEGATE 0x80000000" "census"
run 0 rmi "$tmp/fails.rmi" # a failing call is output, not an error...
run 3 rmi --expect-success "$tmp/fails.rmi" # ...unless success is expected
has err "fails.rmi:2: GRANULE_UNDELEGATE returned ERROR_INPUT index=0, not SUCCESS"
has out "GRANULE_UNDELEGATE status=ERROR_INPUT"
lacks out "census"
script fails-end.rmi "call GRANULE_UNDELEGATE 0x80000000"
run 3 rmi --expect-success "$tmp/fails-end.rmi" # the last line too
has err "fails-end.rmi:1: GRANULE_UNDELEGATE returned ERROR_INPUT"
script expected.rmi "call GRANULE_UNDELEGATE 0x80000000" "# the host never delegated it" "" \
	"expect ERROR_INPUT index=0" "call VERSION 0x10000" "expect SUCCESS x1=0x10000 x2=65536"
run 0 rmi --expect-success "$tmp/expected.rmi"
run 0 rmi --expect-success --json "$tmp/expected.rmi"
script wrong.rmi "call GRANULE_UNDELEGATE 0x80000000" "expect ERROR_REALM" "census"
run 3 rmi "$tmp/wrong.rmi"
has err "wrong.rmi:2: expect: GRANULE_UNDELEGATE on line 1 returned ERROR_INPUT index=0, not ERROR_REALM"
lacks out "census"
script wrong-reg.rmi "call VERSION 0x10000" "expect SUCCESS x1=0x10001"
run 3 rmi "$tmp/wrong-reg.rmi"
has err "wrong-reg.rmi:2: expect: VERSION on line 1 returned x1=0x10000, not 0x10001"
script wrong-index.rmi "call REALM_CREATE 0x80000000 0x80001000" "expect ERROR_INPUT index=1"
run 3 rmi "$tmp/wrong-index.rmi"
has err "wrong-index.rmi:2: expect: REALM_CREATE on line 1 returned index=0, not 1"

# ---- --json ----
script json.rmi "call VERSION 0x10000" "call GRANULE_UNDELEGATE -1" "census"
run 0 rmi --json --dram-size 8K "$tmp/json.rmi"
cat >"$tmp/want" <<'EOF'
{"type":"call","line":1,"command":"VERSION","args":["0x10000"],"x0":"0x0","status":"SUCCESS","index":0,"out":{"x1":"0x10000","x2":"0x10000"}}
{"type":"call","line":2,"command":"GRANULE_UNDELEGATE","args":["0xffffffffffffffff"],"x0":"0x1","status":"ERROR_INPUT","index":0}
{"type":"census","line":3,"granules":{"UNDELEGATED":2,"DELEGATED":0,"RD":0,"REC":0,"REC_AUX":0,"DATA":0,"RTT":0},"nonzero_delegated":0}
EOF
cmp -s "$tmp/out" "$tmp/want" || fail "--json output differs: $(diff "$tmp/want" "$tmp/out")"

# ---- fill: a zero fill gives whole granules back; partial ones are written ----
realm="realm_params 0x80000000 s2sz=40 num_bps=1 num_wps=1 vmid=1 rtt_base=0x80011000 \
rtt_level_start=1 rtt_num_start=2"
measure() { # measure NAME FILL...: the RIM of one measured page after the fills
	name=$1
	shift
	script "$name" "$@" "$realm" "call GRANULE_DELEGATE 0x80010000" \
		"call GRANULE_DELEGATE 0x80011000" "call GRANULE_DELEGATE 0x80012000" \
		"call REALM_CREATE 0x80010000 0x80000000" "call GRANULE_DELEGATE 0x80020000" \
		"call GRANULE_DELEGATE 0x80021000" "call RTT_CREATE 0x80010000 0x80020000 0 2" \
		"call RTT_CREATE 0x80010000 0x80021000 0 3" "call RTT_INIT_RIPAS 0x80010000 0 0x1000" \
		"call GRANULE_DELEGATE 0x80030000" \
		"call DATA_CREATE 0x80010000 0x80030000 0 0x80100000 1" "measurements 0x80010000"
	"$rk" rmi --expect-success "$tmp/$name" | grep '^rim'
}
zero=$(measure zero.rmi "fill 0x80100000 0x1000 0")
refilled=$(measure refilled.rmi "fill 0x80000000 0x200000 0xaa" "fill 0x80000000 0x200000 0")
partial=$(measure partial.rmi "fill 0x80100000 0x1000 0xaa" "fill 0x80100001 0xfff 0")
full=$(measure full.rmi "fill 0x80100000 0x1000 0xaa")
[ -n "$zero" ] && [ "$zero" = "$refilled" ] || fail "fill 0 over 0xaa: $refilled, not $zero"
[ -n "$partial" ] && [ "$partial" != "$zero" ] && [ "$partial" != "$full" ] ||
	fail "fill 0 of part of a granule: $partial (zero $zero, 0xaa $full)"
script fill-delegated.rmi "call GRANULE_DELEGATE 0x80003000" "fill 0x80000000 0x10000 0xaa"
run 1 rmi "$tmp/fill-delegated.rmi"
has err "fill-delegated.rmi:2: granule 0x80003000 is not host memory (delegated)"

[ "$failures" -eq 0 ] || {
	echo "$failures failed"
	exit 1
}
echo "all passed"
