#!/usr/bin/env bash
# Fresh-clone wall times, one commit after the other (issue 12, item 8): for each COMMIT,
# clone this repository, then with an empty pip cache time `make install`, `make demo` until
# the review app answers its health check, and `make test`. Run it on an otherwise idle
# machine with Debian's chromium and postgresql already installed (else the first run pays
# for apt). Usage: bench/fresh_clone.sh OUT_DIR COMMIT [COMMIT ...]; times go to OUT_DIR/times.txt,
# the load average every 30 s to OUT_DIR/load.log.
set -u
out=$(realpath "$1"); shift
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
mkdir -p "$out"
( while true; do echo "$(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 30; done ) > "$out/load.log" &
logger=$!
trap 'kill $logger 2>/dev/null' EXIT
port=8700
for commit in "$@"; do
  port=$((port + 1)); dir="$out/$commit"
  rm -rf "$dir"; git clone -q "$repo" "$dir" && git -C "$dir" checkout -q "$commit" || exit 1
  cd "$dir" || exit 1
  export PIP_CACHE_DIR; PIP_CACHE_DIR=$(mktemp -d)
  s=$(date +%s); make install > "$out/$commit-install.log" 2>&1; rc=$?
  echo "$commit install rc=$rc $(( $(date +%s) - s )) s" >> "$out/times.txt"
  # older Makefiles have no PORT and serve on 8501: wait for whichever answers
  s=$(date +%s); setsid make demo PORT=$port > "$out/$commit-demo.log" 2>&1 & demo=$!
  until curl -sf "http://localhost:$port/_stcore/health" >/dev/null 2>&1 ||
        curl -sf "http://localhost:8501/_stcore/health" >/dev/null 2>&1; do
    sleep 2; kill -0 $demo 2>/dev/null || break
  done
  echo "$commit demo-until-app-answers $(( $(date +%s) - s )) s" >> "$out/times.txt"
  kill -- -$demo 2>/dev/null; sleep 3
  s=$(date +%s); make test > "$out/$commit-test.log" 2>&1; rc=$?
  echo "$commit test rc=$rc $(( $(date +%s) - s )) s :: $(grep -E '[0-9]+ passed' "$out/$commit-test.log" | tail -1)" >> "$out/times.txt"
  rm -rf "$PIP_CACHE_DIR"
done
