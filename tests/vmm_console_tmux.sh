#!/bin/sh
# The interactive console: `realmkit run --params echo` in a tmux pane; keys
# typed into the pane reach the demo realm through the UART (stdin, RBR) and
# its answers come back on the screen.  Skipped (77) without tmux.
#   vmm_console_tmux.sh REALMKIT
set -u
rk=$1
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed (scripts/deps.sh installs it)"
	exit 77
fi
sock="rk-vmm-test-$$"
sess=console
T() { tmux -L "$sock" "$@"; }
cleanup() { T kill-server >/dev/null 2>&1; }
trap cleanup EXIT INT TERM

# wait_for TEXT: poll the pane (up to 20 s) until TEXT is on the screen.
wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		if T capture-pane -p -t "$sess" -S -100 2>/dev/null | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL: '$1' never appeared; the screen:" >&2
	T capture-pane -p -t "$sess" -S -100 >&2
	return 1
}

T new-session -d -s "$sess" -x 200 -y 50 \
	"$rk run --params echo --timeout 60; echo rk-status=\$?; sleep 30" || exit 1
wait_for "echo: type characters, 'q' ends" || exit 1
T send-keys -t "$sess" -l "ab" || exit 1
wait_for "echo: A" || exit 1
wait_for "echo: B" || exit 1
T send-keys -t "$sess" -l "z" || exit 1
wait_for "echo: Z" || exit 1
T send-keys -t "$sess" -l "q" || exit 1
wait_for "echo: done" || exit 1
wait_for "== realm ended: system_off (exit status 0)" || exit 1
wait_for "rk-status=0" || exit 1
# Typed characters are not echoed by the terminal: the realm's answers are the only copy.
if T capture-pane -p -t "$sess" -S -100 | grep -q "^abzq"; then
	echo "FAIL: the terminal echoed the input" >&2
	exit 1
fi
echo "interactive console: ok"
