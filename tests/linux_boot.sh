#!/bin/sh
# How far a real arm64 Linux Image boots as a realm (docs/LINUX-BOOT.md).
# Runs only when $REALMKIT_LINUX_IMAGE names an Image file; otherwise it
# prints SKIP and passes.  When it runs it checks the documented stage, not
# just the exit status: the Image is loaded as a Linux Image at the start of
# RAM, the realm runs, prints nothing on the console (earlycon is never
# reached) and ends with the fatal exit of the MMU switch-on (ending "fault",
# exit status 4, no memory-fault exit), for --ripas kvm and --ripas vmm.
# A kernel or CPU model that gets further fails the test on purpose: update
# docs/LINUX-BOOT.md and this script together.
#   linux_boot.sh REALMKIT TMPDIR
set -u
rk=$1
tmp=$2
img=${REALMKIT_LINUX_IMAGE:-}
if [ -z "$img" ] || [ ! -f "$img" ]; then
	echo "SKIP: set REALMKIT_LINUX_IMAGE to an arm64 Linux Image" \
		"(docs/LINUX-BOOT.md says how to get one); linux_boot not run"
	exit 0
fi
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0

# has FILE PATTERN WHAT: fail unless FILE matches the fixed string PATTERN.
has() {
	if ! grep -q -F -- "$2" "$1"; then
		echo "FAIL ($mode): $3: '$2' not in $(head -c 400 "$1")" >&2
		fails=$((fails + 1))
	fi
}

for mode in kvm vmm; do
	"$rk" run -k "$img" -p "console=ttyS0 earlycon" -m 256 --timeout 30 --json \
		--ripas "$mode" </dev/null >"$tmp/out.$mode" 2>"$tmp/err.$mode"
	st=$?
	if [ "$st" -ne 4 ]; then
		echo "FAIL ($mode): exit status $st, want 4 (the documented fault)" >&2
		cat "$tmp/err.$mode" >&2
		fails=$((fails + 1))
	fi
	out=$tmp/out.$mode
	has "$out" '"ending":"fault"' "ending"
	has "$out" '"exit_code":4' "exit code"
	has "$out" 'an exit KVM cannot handle' "KVM_RUN's fatal exit"
	has "$out" '"entry_pc":"0x80000000"' "entry at the start of RAM"
	has "$out" '{"image":"kernel","gpa":"0x80000000"' "kernel placed as a Linux Image"
	has "$out" '"memory_fault":0' "no RIPAS fault before the stop"
	has "$out" '"token_complete":false' "no attestation"
	if [ -s "$tmp/err.$mode" ]; then
		echo "FAIL ($mode): the console printed something; the documented stage" \
			"prints nothing:" >&2
		head -c 2000 "$tmp/err.$mode" >&2
		fails=$((fails + 1))
	fi
	[ "$fails" -eq 0 ] && echo "ok: --ripas $mode: $(head -c 160 "$out")..."
done
if [ "$fails" -ne 0 ]; then
	echo "linux_boot: $fails check(s) failed; if the boot got further, update" \
		"docs/LINUX-BOOT.md" >&2
	exit 1
fi
echo "linux_boot: $(basename "$img") stops at the documented stage"
