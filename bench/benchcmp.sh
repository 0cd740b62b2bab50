#!/bin/sh
# Compares the Go benchmarks of two commits with benchstat:
#   bench/benchcmp.sh OLD [NEW]      (NEW defaults to the working tree)
# BENCH picks the benchmarks (default W1 of the CPU backend), COUNT the repetitions.
set -eu
cd "$(dirname "$0")/.."
old=${1:?usage: bench/benchcmp.sh OLD [NEW]}
new=${2:-}
bench=${BENCH:-BenchmarkW1$}
count=${COUNT:-6}
pkgs=${PKGS:-./cpu/}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; [ -n "$new" ] && git worktree remove --force "$tmp/new" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
run() { (cd "$1" && go test -tags egl -run '^$' -bench "$bench" -count "$count" $pkgs) > "$2"; }
git worktree add --detach -q "$tmp/old" "$old"
run "$tmp/old" "$tmp/old.txt"
if [ -n "$new" ]; then
  git worktree add --detach -q "$tmp/new" "$new"
  run "$tmp/new" "$tmp/new.txt"
else
  run . "$tmp/new.txt"
fi
go tool benchstat "old=$tmp/old.txt" "new=$tmp/new.txt"
