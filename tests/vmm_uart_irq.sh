#!/bin/sh
# The UART's receive interrupt (src/vmm/uart.c, docs/VMM.md): piped stdin
# reaches the ns16550a, which raises its SPI (INTID 32, declared in the DTB)
# while RX data waits and IER.RDI is set; the demo's echo mode reads the
# console only from its interrupt handler.  Input that is there before the
# realm enables the interrupt waits in the FIFO and raises it at the enable.
# Also: piped input a realm never reads changes nothing.
#   vmm_uart_irq.sh REALMKIT TMPDIR
set -u
rk=$1
tmp=$2
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0

check() { # check NAME FILE PATTERN: PATTERN is a line of FILE
	if grep -qx -- "$3" "$2"; then
		echo "ok: $1: '$3'"
	else
		echo "FAIL: $1: no line '$3' in:" >&2
		cat "$2" >&2
		fails=$((fails + 1))
	fi
}

# Echo by interrupt, through a pipe: upper-cased lines, then done.
printf 'abc q' | REALMKIT_RMM=1.0 timeout 60 "$rk" run --params echo >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" -eq 0 ] || { echo "FAIL: echo: status $st" >&2; cat "$tmp/err" >&2; fails=$((fails + 1)); }
check echo "$tmp/out" "echo: type characters, 'q' ends (UART receive interrupt, INTID 32)"
check echo "$tmp/out" "echo: A"
check echo "$tmp/out" "echo: B"
check echo "$tmp/out" "echo: C"
if grep -q "echo: Q" "$tmp/out"; then
	echo "FAIL: echo: the 'q' was echoed" >&2
	fails=$((fails + 1))
fi
# At least one receive interrupt; the whole input may come as one.
if grep -Eqx "echo: done \(([1-9][0-9]*) receive interrupts?\)" "$tmp/out"; then
	echo "ok: echo: $(grep 'echo: done' "$tmp/out")"
else
	echo "FAIL: echo: no 'echo: done (N receive interrupts)' line" >&2
	cat "$tmp/out" >&2
	fails=$((fails + 1))
fi

# Bytes that come while the realm waits in WFI: each wakes it with an interrupt.
(sleep 0.5; printf 'k'; sleep 0.5; printf 'q') |
	REALMKIT_RMM=1.0 timeout 60 "$rk" run --params echo >"$tmp/out4" 2>"$tmp/err4"
st=$?
[ "$st" -eq 0 ] || { echo "FAIL: late input: status $st" >&2; fails=$((fails + 1)); }
check late "$tmp/out4" "echo: K"
check late "$tmp/out4" "echo: done (2 receive interrupts)"

# A file as stdin works the same way.
printf 'xyq' >"$tmp/in"
REALMKIT_RMM=1.0 timeout 60 "$rk" run --params echo <"$tmp/in" >"$tmp/out2" 2>"$tmp/err2"
st=$?
[ "$st" -eq 0 ] || { echo "FAIL: file: status $st" >&2; fails=$((fails + 1)); }
check file "$tmp/out2" "echo: X"
check file "$tmp/out2" "echo: Y"

# Input the realm never reads (no echo mode): the demo ends as usual.
printf 'ignored input' | REALMKIT_RMM=1.0 timeout 60 "$rk" run >"$tmp/out3" 2>"$tmp/err3"
st=$?
[ "$st" -eq 0 ] || { echo "FAIL: unread input: status $st" >&2; cat "$tmp/err3" >&2; fails=$((fails + 1)); }
check unread "$tmp/out3" "== realm ended: system_off (exit status 0)"

[ "$fails" -eq 0 ] || { echo "$fails failed" >&2; exit 1; }
echo "all passed"
