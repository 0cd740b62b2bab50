#!/bin/sh
# Runs the C reference (../shared/bench/cpu_ref.c) on workload W1 beside the Go
# benchmark output in $1 (default /tmp/lifgpu-bench.txt) and prints the ratios.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
src=${CPU_REF:-$here/../shared/bench/cpu_ref.c}
gobench=${1:-/tmp/lifgpu-bench.txt}
if ! command -v gcc >/dev/null 2>&1 || [ ! -f "$src" ]; then
  echo "C reference skipped: needs gcc and $src"; exit 0
fi
bin=$(mktemp -d)/cpu_ref
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
