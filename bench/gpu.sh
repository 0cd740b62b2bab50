#!/usr/bin/env bash
# The whole GPU comparison in one go.
#
#   bench/gpu.sh prepare   here (no GPU needed): build bin/lifgpu and bin/gpu.test with
#                          -tags egl, fetch the GL loader packages into .gl (both
#                          git-ignored)
#   bench/gpu.sh run       on the GPU machine, from the repository root: GPU tests, lifgpu
#                          info, lifgpu check, lifgpu bench beside the GPU peers (CUDA,
#                          torch: bench/baseline/peers_gpu.py, built into bin/lifgpu), a
#                          10^9-neuron run; logs and JSON in $OUT (or
#                          bench/results/gpu-DATE); the short table last
#
# SIZES overrides the ladder (default 2^20, 2^24, 2^28); BILLION=0 skips the 10^9 run.
set -euo pipefail
cd "$(dirname "$0")/.."

prepare() {
  mkdir -p bin
  go build -tags egl -o bin/lifgpu ./cmd/lifgpu
  go test -c -tags egl -o bin/gpu.test ./gpu
  grep -qx '/.gl/' .git/info/exclude 2>/dev/null || echo /.gl/ >> .git/info/exclude
  if [ ! -d .gl ] || [ -z "$(ls .gl/*.deb 2>/dev/null)" ]; then
    mkdir -p .gl /tmp/amd64/partial
    o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    apt-get $o update -qq
    (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  fi
  echo "ready: carry bin and .gl; then run: bench/gpu.sh run"
}

run() {
  out=${OUT:-bench/results/gpu-$(date -u +%Y-%m-%d)}
  mkdir -p "$out"
  if ls .gl/*.deb >/dev/null 2>&1; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  nv=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -f "$nv" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$nv
  sizes=${SIZES:-1048576,16777216,268435456}
  {
    date -u; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true
    bin/lifgpu info
  } 2>&1 | tee "$out/info.txt"
  # The GPU tests on this card: precise must stop the driver fusing multiply-adds.
  { LIFGPU_REQUIRE_GPU=1 bin/gpu.test -test.count=1 -test.timeout=5m 2>&1 || true; } | tail -20 | tee "$out/gpu-tests.txt"
  { bin/lifgpu check 2>&1 || true; } | tee "$out/check.txt"
  bin/lifgpu bench -backend gpu -n "$sizes" -steps 1000 -modes run,run+spikes,forward \
    -json "$out/bench.json" -plot "$out/bench.png" 2>&1 | tee "$out/bench.txt"
  if [ "${BILLION:-1}" != 0 ]; then
    timer=""
    [ -x /usr/bin/time ] && timer="/usr/bin/time -v"
    { $timer bin/lifgpu run -config testdata/specs/billion.toml -o /tmp/billion -f -log json 2>&1 || true; } \
      | { grep -E 'neurons|steps|spikes|rate|wall|updates|backend|Maximum resident|lifgpu:' || true; } | tee "$out/billion.txt"
    nvidia-smi --query-gpu=memory.used,memory.total --format=csv 2>/dev/null | tee -a "$out/billion.txt" || true
  fi
  echo
  echo "== short table ($(date -u +%Y-%m-%d)) =="
  grep -E '^(lifgpu/gpu|cuda|torch|copy)' "$out/bench.txt" || true
  grep -E 'bit-identical|DIFFERENT' "$out/check.txt" || true
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bench/gpu.sh prepare|run"; exit 2 ;;
esac
