#!/bin/sh
# Runs the C reference (bench/baseline/cpu_ref.c; or cpu_ref.c in $LIFGPU_BASELINES,
# or the file $CPU_REF) on workload W1 beside the Go benchmark output in $1 (default
# /tmp/lifgpu-bench.txt) and prints the ratios.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${LIFGPU_BASELINES:-}" ]; then
  src=${CPU_REF:-$LIFGPU_BASELINES/cpu_ref.c}
else
  src=${CPU_REF:-$here/bench/baseline/cpu_ref.c}
fi
gobench=${1:-/tmp/lifgpu-bench.txt}
if ! command -v gcc >/dev/null 2>&1; then
  echo "C reference skipped: gcc not found on PATH"; exit 0
fi
if [ ! -f "$src" ]; then
  echo "C reference skipped: no $src"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/cpu_ref
gcc -O3 -march=native -ffp-contract=off -fopenmp -o "$bin" "$src"
threads=$(nproc)
step=$(OMP_NUM_THREADS=$threads "$bin" 1000000 1000 step)
blocked=$(OMP_NUM_THREADS=$threads "$bin" 1000000 1000 blocked)
echo "$step"
echo "$blocked"
num() { echo "$1" | sed -n "s/.*\"$2\": *\([0-9.e+]*\).*/\1/p"; }
cs=$(num "$step" updates_per_s); cb=$(num "$blocked" updates_per_s)
echo
echo "W1, N = 10^6, 1000 steps, $threads threads, $(date -u +%Y-%m-%d), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-40s %14s %10s %10s\n' benchmark updates/s "vs C step" "vs C blk"
printf '%-40s %14.3g %10s %10s\n' "c-ref/step" "$cs" 1.00 "$(awk "BEGIN{printf \"%.2f\", $cs/$cb}")"
printf '%-40s %14.3g %10s %10s\n' "c-ref/blocked" "$cb" "$(awk "BEGIN{printf \"%.2f\", $cb/$cs}")" 1.00
if [ -f "$gobench" ]; then
  grep 'neuron-updates/s' "$gobench" | while read -r name _ rest; do
    v=$(echo "$rest" | sed -n 's/.*[[:space:]]\([0-9.e+]*\) neuron-updates\/s.*/\1/p')
    [ -n "$v" ] && printf '%-40s %14.3g %10.2f %10.2f\n' "lifgpu/${name#Benchmark}" "$v" "$(awk "BEGIN{print $v/$cs}")" "$(awk "BEGIN{print $v/$cb}")"
  done
fi
