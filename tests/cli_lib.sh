# Shared by the shell tests of the realmkit command (cli.sh, token_cli.sh,
# measure_cli.sh), sourced after the caller has set rk (the realmkit binary):
# a scratch directory removed at exit, and
#   run STATUS ARGS...   run realmkit; stdout in $tmp/out, stderr in $tmp/err
#   has out|err TEXT     the last run's stdout/stderr contains TEXT (fixed string)
#   lacks out|err TEXT   ... does not contain it
# counting $passes and $failures; fail prints both outputs of the last run.
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
	if [ "$status" -eq "$want" ]; then
		passes=$((passes + 1))
	else
		fail "$desc: exit $status, expected $want"
	fi
}

has() {
	if grep -qF -- "$2" "$tmp/$1"; then passes=$((passes + 1)); else fail "$desc: $1 lacks '$2'"; fi
}

lacks() {
	if grep -qF -- "$2" "$tmp/$1"; then fail "$desc: $1 has '$2'"; else passes=$((passes + 1)); fi
}
