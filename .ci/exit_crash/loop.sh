#!/usr/bin/env bash
# Runs one short-lived Deno process N times and counts the runs that die by a signal
# (exit status >= 128: SIGSEGV 139, SIGABRT 134 after a glibc heap message).
#
#   .ci/exit_crash/loop.sh N run  .ci/exit_crash/gpu_worker_exit.ts
#   .ci/exit_crash/loop.sh N test src/backend_test.ts src/train/trainer_yield_test.ts
#
# Every run is under `nice -n 19`. Prints "K crashes in N runs", the exit statuses, and the
# distinct last stderr lines of the crashed runs (the glibc message, when there is one).
# Exits 1 when any run crashed, 2 when a run failed without a signal.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
if [ $# -lt 3 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || { [ "$2" != run ] && [ "$2" != test ]; }; then
  echo "usage: $0 N run|test FILE [ARGS...]" >&2
  exit 2
fi
n=$1
mode=$2
shift 2
out=$(mktemp)
msgs=$(mktemp)
trap 'rm -f "$out" "$msgs"' EXIT
crashes=0
other=0
codes=""
for _ in $(seq "$n"); do
  if [ "$mode" = test ]; then
    NO_COLOR=1 nice -n 19 deno test -A --no-check "$@" >"$out" 2>&1
  else
    NO_COLOR=1 nice -n 19 deno run -A "$@" >"$out" 2>&1
  fi
  rc=$?
  if [ "$rc" -ge 128 ]; then
    crashes=$((crashes + 1))
    codes="$codes $rc"
    grep -v '^$' "$out" | tail -n 1 >>"$msgs"
  elif [ "$rc" -ne 0 ]; then
    other=$((other + 1))
    tail -n 5 "$out" >&2
  fi
done
echo "$crashes crashes in $n runs (exit statuses:${codes:- none}); $other other failures"
if [ -s "$msgs" ]; then
  echo "last lines of the crashed runs:"
  sort "$msgs" | uniq -c
fi
[ "$other" -gt 0 ] && exit 2
[ "$crashes" -gt 0 ] && exit 1
exit 0
