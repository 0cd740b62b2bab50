#!/usr/bin/env bash
# A GPU machine's whole visit in one script: every check under its own time budget, the
# logs in one folder, a verdict table last.
#
#   bench/gpu.sh prepare    here (no GPU needed): build lifgpu, gpu.test and batch.test
#                           into bin/ (-tags egl -trimpath: they run from any folder) with
#                           bin/build.txt, and fetch the GL loader packages into .gl (both
#                           git-ignored). Carry ["bin", ".gl"] to the GPU machine.
#   bench/gpu.sh run        on the GPU machine, from the repository root: the steps below;
#                           logs in $OUT (or bench/results/gpu-DATE); the VERDICT TABLE
#                           last (also in $OUT/verdict.txt). Exit status 0 only when no row
#                           failed. On a software renderer (llvmpipe, softpipe, swrast) or
#                           without an NVIDIA device every GPU row says FAIL: "software
#                           renderer: not a GPU result", whatever the step itself gave.
#   bench/gpu.sh selftest   here, on Mesa's llvmpipe, in about 30 s: run twice with tiny
#                           sizes into a temporary folder; passes when run produced every
#                           row, refused the software renderer (every GPU row FAIL, exit
#                           nonzero) with the steps passing underneath, and, behind a
#                           stand-in lifgpu whose info names NVIDIA, kept each verdict.
#
# The steps of run and their budgets on the card, in seconds (each step's timeout: SIGTERM
# 2 s before the end, SIGKILL at it; a budget left unspent is not passed on). On an H200
# every step should take a fraction of its budget; the budgets bound a hang, and they add
# up to 475 s, under 8 minutes (progress.txt in $OUT has each step as it ends):
#   setup            10  install the .gl loader packages, point EGL at NVIDIA's vendor file
#   info             15  nvidia-smi, lifgpu info: the renderer decides whether rows can pass
#   gpu-tests        60  bin/gpu.test with LIFGPU_REQUIRE_GPU=1 (precise, ballot, split, ...)
#   batch-tests      20  bin/batch.test's GPU tests (checkpoint across backends, faults)
#   check            40  lifgpu check, the built-in spec (2^20 x 2000 steps, every input)
#   check-ballot     30  the same with LIFGPU_GPU_BALLOT=1 (per-subgroup spike atomics)
#   subnormal-euler  10  lifgpu check -config testdata/specs/subnormal-euler.toml
#   subnormal-exact  10  ... subnormal-exact.toml
#   subnormal-noise  10  ... subnormal-noise.toml (noise and Poisson input)
#   network          15  lifgpu check -config testdata/specs/network.toml: a CUBA network,
#                        synaptic currents and delay rings compared with the CPU's
#   billion          45  lifgpu run -config testdata/specs/billion.toml (10^9 neurons x 1000
#                        steps): wall time, GPU memory (nvidia-smi, sampled), host max RSS
#   bench           115  lifgpu bench -backend gpu at SIZES, modes run and forward, beside the
#                        GPU peers (bench/baseline/peers_gpu.py: CUDA, torch; ~30-60 s of it
#                        is CuPy's and torch.compile's compiling)
#   bench-input      40  the cost of noise and Poisson input (INPUT_SIZES, no peers)
#   bench-spikes     25  the cost of the spike list (SPIKE_SIZES, no peers)
#   cuba             30  lifgpu bench -workload cuba -backend gpu at 40,000 and 400,000 neurons
#                        (32 million synapses): wall time per model second, synaptic events/s
#
# Environment of run (defaults for the card):
#   OUT           folder for the logs (bench/results/gpu-DATE)
#   BIN           folder of the binaries (bin)
#   SIZES         bench's ladder (1048576,16777216,268435456: 2^20, 2^24, 2^28)
#   INPUT_SIZES   bench-input's sizes (16777216,268435456)
#   SPIKE_SIZES   bench-spikes' sizes (1048576,16777216: a spike list at 2^28 x 1000 steps
#                 would hold ~1.8e9 spikes)
#   STEPS         steps of each bench measurement (1000)
#   BILLION       0: skip the 10^9 run; another number: that many neurons (1: 10^9)
#   CHECK_ARGS    flags added to the two built-in checks (the selftest: -n 65536 -steps 200)
#   GPU_TESTS     a -test.run pattern for bin/gpu.test (all tests)
#   GL_INSTALL    0: leave .gl alone and use the machine's GL loader (install)
#   BUDGET_<step> a step's budget in seconds, '-' as '_' (BUDGET_gpu_tests=90)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-bin}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
STEPS_ORDER=(setup info gpu-tests batch-tests check check-ballot subnormal-euler subnormal-exact
  subnormal-noise network billion bench bench-input bench-spikes cuba)
declare -A BUDGET=([setup]=10 [info]=15 [gpu-tests]=60 [batch-tests]=20 [check]=40 [check-ballot]=30
  [subnormal-euler]=10 [subnormal-exact]=10 [subnormal-noise]=10 [network]=15 [billion]=45 [bench]=115
  [bench-input]=40 [bench-spikes]=25 [cuba]=30)
LIMIT=480 # seconds of script time the card gives

build_bins() {
  local flags=(-tags egl -trimpath "-ldflags=-s -w")
  mkdir -p "$BIN" &&
    ${GO:-go} build "${flags[@]}" -o "$BIN/lifgpu" ./cmd/lifgpu &&
    ${GO:-go} test -c "${flags[@]}" -o "$BIN/gpu.test" ./gpu &&
    ${GO:-go} test -c "${flags[@]}" -o "$BIN/batch.test" ./internal/batch &&
    {
      echo "commit  $(git describe --always --dirty 2>/dev/null || echo unknown)"
      echo "built   $(date -u '+%Y-%m-%d %H:%M:%S') UTC on $(uname -n), $(${GO:-go} version)"
    } > "$BIN/build.txt"
}

prepare() {
  set -e
  build_bins
  if git rev-parse --git-dir >/dev/null 2>&1; then
    ex=$(git rev-parse --git-path info/exclude)
    grep -qx '/.gl/' "$ex" 2>/dev/null || echo /.gl/ >> "$ex"
  fi
  if [ ! -d .gl ] || [ -z "$(ls .gl/*.deb 2>/dev/null)" ]; then
    mkdir -p .gl /tmp/amd64/partial
    o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    apt-get $o update -qq
    (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  fi
  du -sh "$BIN" .gl
  echo "ready: carry [\"bin\", \".gl\"] (64 MiB at most) and run, from the repository root: bench/gpu.sh run"
}

# ---- run's machinery ----

now() { printf '%s' "${EPOCHREALTIME:-$SECONDS}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
budget() { local v="BUDGET_${1//-/_}"; echo "${!v:-${BUDGET[$1]}}"; }
timed_out() { [ "$1" = 124 ] || [ "$1" = 137 ]; }
# left: seconds of the current step's budget left (at least 1).
left() { local l=$((DEADLINE - SECONDS)); [ "$l" -lt 1 ] && l=1; echo "$l"; }
# limit: the timeout command for the rest of the current step's budget: SIGTERM 2 s
# before its end, SIGKILL at its end (none without a timeout command).
limit() {
  local l; l=$(left)
  [ -n "$TIMEOUT" ] && echo timeout -k 2 $((l > 3 ? l - 2 : 1))
}
# within CMD...: CMD under the rest of the current step's budget.
within() {
  # shellcheck disable=SC2046 # limit's words
  $(limit) "$@"
}
# oneline TEXT: TEXT on one line of at most 200 characters.
oneline() { tr '\n\t' '  ' <<<"$1" | sed 's/  */ /g; s/^ //; s/ $//' | cut -c1-200; }

ROWS=() # name|kind|verdict|seconds|budget|detail
# step NAME KIND: run step_NAME (which sets V and D) with NAME's budget; KIND gpu rows
# can pass only on a hardware NVIDIA renderer.
step() {
  local name=$1 kind=$2 b t0
  b=$(budget "$name")
  V=FAIL D="(the step gave no verdict)"
  printf '== %-16s (budget %3d s) ... ' "$name" "$b"
  t0=$(now)
  DEADLINE=$((SECONDS + b))
  "step_${name//-/_}" "$b"
  local s; s=$(elapsed "$t0")
  D=$(oneline "$D")
  ROWS+=("$name|$kind|$V|$s|$b|$D")
  local note=""
  [ "$kind" = gpu ] && [ "$HW" != 1 ] && [ "$name" != info ] && note=" [$REFUSAL: not a GPU result]"
  printf '%s in %s s%s: %s\n' "$V" "$s" "$note" "$D"
  printf '%-16s %s in %s s (budget %s s): %s\n' "$name" "$V" "$s" "$b" "$D" >> "$OUT/progress.txt"
}

# fail_from LOG RC BUDGET: V and D for a command that did not succeed.
fail_from() {
  V=FAIL
  if timed_out "$2"; then
    D="timed out after $3 s (budget); last line: $(grep -v '^\s*$' "$1" | tail -1)"
  else
    D="exit $2: $(grep -v '^\s*$' "$1" | tail -1)"
  fi
}

step_setup() {
  local log=$OUT/setup.txt msg=()
  : > "$log"
  if [ ! -x "$BIN/lifgpu" ] || [ ! -x "$BIN/gpu.test" ]; then
    D="no $BIN/lifgpu or $BIN/gpu.test: run bench/gpu.sh prepare here and carry bin"
    return
  fi
  cat "$BIN/build.txt" >> "$log" 2>/dev/null
  local debs=(); [ -d .gl ] && debs=(.gl/*.deb)
  [ -e "${debs[0]:-}" ] || debs=()
  if [ "${GL_INSTALL:-1}" = 0 ]; then
    msg+=("GL_INSTALL=0: the machine's GL loader")
  elif [ ${#debs[@]} = 0 ]; then
    msg+=("no .gl/*.deb: the machine's GL loader")
  elif ! command -v dpkg >/dev/null; then
    msg+=("no dpkg to unpack .gl: the machine's GL loader")
  elif [ "$(id -u)" = 0 ]; then
    local f
    for f in "${debs[@]}"; do
      echo "dpkg -x $f /" >> "$log"
      within dpkg -x "$f" / >> "$log" 2>&1 || { D="dpkg -x $f / failed (setup.txt)"; return; }
    done
    within ldconfig >> "$log" 2>&1 || { D="ldconfig failed (setup.txt)"; return; }
    msg+=("${#debs[@]} loader packages unpacked into /")
  else
    # Not root: unpack beside the logs and put the libraries first on the search path.
    local f r=$SCRATCH/gl
    for f in "${debs[@]}"; do
      echo "dpkg -x $f $r" >> "$log"
      within dpkg -x "$f" "$r" >> "$log" 2>&1 || { D="dpkg -x $f $r failed (setup.txt)"; return; }
    done
    export LD_LIBRARY_PATH=$r/usr/lib/x86_64-linux-gnu:$r/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    msg+=("not root: ${#debs[@]} loader packages in $r, on LD_LIBRARY_PATH")
  fi
  local nv=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  if [ -f "$nv" ]; then
    export __EGL_VENDOR_LIBRARY_FILENAMES=$nv
    msg+=("EGL vendor file $nv")
  else
    msg+=("no NVIDIA EGL vendor file")
  fi
  { echo "__EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-}"
    echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"; echo; ldd "$BIN/lifgpu"; } >> "$log" 2>&1
  local missing; missing=$(ldd "$BIN/lifgpu" 2>/dev/null | awk '/not found/ { print $1 }' | paste -sd, -)
  if [ -n "$missing" ]; then
    D="bin/lifgpu misses $missing; ${msg[*]}"
    return
  fi
  V=PASS
  D=$(IFS=';'; echo "${msg[*]}" | sed 's/;/; /g')
}

HW=0
REFUSAL="renderer unknown (lifgpu info gave none)"
step_info() {
  local log=$OUT/info.txt rc
  { date -u; uname -a; echo "$(nproc) CPUs"; echo
    if command -v nvidia-smi >/dev/null; then
      within nvidia-smi -L
      within nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv
    else
      echo "no nvidia-smi"
    fi
    echo; } > "$log" 2>&1
  within "$BIN/lifgpu" info >> "$log" 2>&1
  rc=$?
  if [ $rc != 0 ]; then fail_from "$log" $rc "$1"; return; fi
  local renderer vendor ctx mem devs
  devs=$(sed -n 's/^devices *\([0-9]* EGL devices*\).*/\1/p' "$log" | head -1)
  renderer=$(sed -n 's/^renderer *//p' "$log" | head -1)
  vendor=$(sed -n 's/^vendor *//p' "$log" | head -1)
  ctx=$(sed -n 's/^context *//p' "$log" | head -1)
  mem=$(sed -n 's/^memory *//p' "$log" | head -1)
  if [ -z "$renderer" ]; then
    REFUSAL="no GL device"
    D="$REFUSAL: not a GPU result ($(sed -n 's/^gpu *//p' "$log" | head -1))"
  elif grep -qiE 'llvmpipe|softpipe|swrast|software' <<<"$renderer $ctx"; then
    REFUSAL="software renderer"
    D="$REFUSAL: not a GPU result ($renderer; $ctx)"
  elif ! grep -qi nvidia <<<"$renderer $vendor"; then
    REFUSAL="no NVIDIA device"
    D="$REFUSAL: not a GPU result ($renderer, $vendor)"
  else
    HW=1 V=PASS
    D="$renderer ($vendor); $ctx; memory $mem${devs:+; $devs}"
  fi
}

# gotest LOG BINARY PATTERN: a test binary, from a scratch folder (so that it depends on
# nothing in the source tree), with LIFGPU_REQUIRE_GPU=1.
gotest() {
  local log=$1 bin=$2 pat=$3 rc
  if [ ! -x "$bin" ]; then V=SKIP D="no $bin (bench/gpu.sh prepare builds it)"; return; fi
  # Go's own test timeout first, so that a hang leaves its goroutines in the log.
  local args=(-test.count=1 -test.v -test.timeout="$(( $(left) > 8 ? $(left) - 6 : 2 ))s")
  [ -n "$pat" ] && args+=(-test.run "$pat")
  (cd "$SCRATCH" && LIFGPU_REQUIRE_GPU=1 within "$bin" "${args[@]}") > "$log" 2>&1
  rc=$?
  local pass fails skips
  pass=$(grep -c '^--- PASS' "$log")
  skips=$(grep -c '^--- SKIP' "$log")
  fails=$(grep '^--- FAIL' "$log" | awk '{ print $3 }' | paste -sd, -)
  if [ $rc = 0 ] && [ -z "$fails" ] && [ "$pass" -gt 0 ]; then
    V=PASS D="$pass passed, $skips skipped"
  elif [ -n "$fails" ]; then
    V=FAIL D="$pass passed, failed: $fails; first: $(grep -m1 -E '^\s+\S+_test\.go:[0-9]+:|^\s+\S+\.go:[0-9]+:' "$log" | sed 's/^ *//')"
  elif timed_out $rc || grep -q '^panic: test timed out' "$log"; then
    V=FAIL D="timed out after $4 s (budget) in $(grep '^=== RUN' "$log" | tail -1 | awk '{ print $3 }'), $pass passed"
  else
    fail_from "$log" $rc "$4"
  fi
}

step_gpu_tests() { gotest "$OUT/gpu-tests.txt" "$BIN/gpu.test" "${GPU_TESTS:-}" "$1"; }
step_batch_tests() { gotest "$OUT/batch-tests.txt" "$BIN/batch.test" 'AcrossBackends|GPU' "$1"; }

# lifcheck LOG BUDGET BALLOT ARGS...: lifgpu check, the ballot path on (1) or off (0).
lifcheck() {
  local log=$1 b=$2 ballot=$3 rc
  shift 3
  echo "LIFGPU_GPU_BALLOT=$ballot lifgpu check $*" > "$log"
  if [ "$ballot" = 1 ]; then
    within env LIFGPU_GPU_BALLOT=1 "$BIN/lifgpu" check "$@" >> "$log" 2>&1
  else
    within env -u LIFGPU_GPU_BALLOT "$BIN/lifgpu" check "$@" >> "$log" 2>&1
  fi
  rc=$?
  local what spikes times
  what=$(sed -n 's/^checking \(.*\), method \(.*\)$/\1, \2/p' "$log" | head -1)
  if [ $rc = 0 ] && grep -q '^bit-identical' "$log"; then
    spikes=$(sed -n 's/^bit-identical:.* \([0-9]*\) spikes,.*/\1/p' "$log")
    times=$(sed -n 's/^time: //p' "$log")
    V=PASS D="bit-identical: $what, $spikes spikes; $times"
  elif grep -q DIFFERENT "$log"; then
    V=FAIL D="$what: $(grep -m1 DIFFERENT "$log" | sed 's/^lifgpu: //; s/ (state compared every [0-9]* steps)//')"
  else
    fail_from "$log" $rc "$b"
  fi
  [ "$ballot" = 1 ] && D="$D (LIFGPU_GPU_BALLOT=1)"
}

# shellcheck disable=SC2086 # CHECK_ARGS is a list of flags
step_check() { lifcheck "$OUT/check.txt" "$1" 0 ${CHECK_ARGS:-}; }
# shellcheck disable=SC2086
step_check_ballot() { lifcheck "$OUT/check-ballot.txt" "$1" 1 ${CHECK_ARGS:-}; }
step_subnormal_euler() { lifcheck "$OUT/subnormal-euler.txt" "$1" 0 -config testdata/specs/subnormal-euler.toml; }
step_subnormal_exact() { lifcheck "$OUT/subnormal-exact.txt" "$1" 0 -config testdata/specs/subnormal-exact.toml; }
step_subnormal_noise() { lifcheck "$OUT/subnormal-noise.txt" "$1" 0 -config testdata/specs/subnormal-noise.toml; }
step_network() { lifcheck "$OUT/network.txt" "$1" 0 -config testdata/specs/network.toml ${NETWORK_ARGS:-}; }

# maxrss CMD...: CMD, then its largest resident set (of it and its children) on stderr, in
# KiB ("max RSS <k> KiB"); python3 if the machine has it, else GNU time, else nothing.
maxrss() {
  if command -v python3 >/dev/null; then
    python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:])
print("max RSS %d KiB" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(rc)' "$@"
  elif [ -x /usr/bin/time ]; then
    /usr/bin/time -f 'max RSS %M KiB' "$@"
  else
    "$@"
  fi
}

step_billion() {
  local log=$OUT/billion.txt n=${BILLION:-1} nflag=() rc
  if [ "$n" = 0 ]; then V=SKIP D="BILLION=0"; return; fi
  [ "$n" != 1 ] && nflag=(-n "$n")
  local dir=$SCRATCH/billion smi=$SCRATCH/gpumem.txt pid=
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$smi" 2>/dev/null &
    pid=$!
  fi
  echo "lifgpu run -config testdata/specs/billion.toml ${nflag[*]} -o $dir -f" > "$log"
  # shellcheck disable=SC2046
  maxrss $(limit) "$BIN/lifgpu" run -config testdata/specs/billion.toml "${nflag[@]}" \
    -o "$dir" -f >> "$log" 2>&1
  rc=$?
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
  cp "$dir/run.json" "$OUT/billion-run.json" 2>/dev/null
  rm -rf "$dir"
  local gpumem=""
  if [ -s "$smi" ]; then
    gpumem=$(awk 'NR == 1 { a = $1 } $1 > m { m = $1 } END { printf "GPU memory %d MiB at most (%d before)", m, a }' "$smi")
    echo "$gpumem (nvidia-smi, every 200 ms)" >> "$log"
  fi
  if [ $rc != 0 ] || ! grep -q '^neurons' "$log"; then fail_from "$log" $rc "$1"; return; fi
  field() { sed -n "s/^$1 *//p" "$log" | head -1; }
  V=PASS
  D="$(field neurons) x $(field steps | cut -d' ' -f1) steps: wall $(field 'wall time'), $(field 'neuron-updates\/s') upd/s"
  D="$D, $(field backend | grep -o '[0-9.]* [KMG]iB of device buffers')${gpumem:+; $gpumem}"
  local rss; rss=$(grep -o 'max RSS [0-9]* KiB' "$log" | awk '{ printf "host max RSS %d MiB", $3 / 1024 }')
  D="$D${rss:+; $rss}"
}

# benchsum LOG: the project's rows at the largest N of a bench log, on one line.
benchsum() {
  awk '
    $1 ~ /^lifgpu\/gpu\// && $1 !~ /first-step/ && $2 ~ /^[0-9]+$/ {
      n = $2 + 0; mode = substr($1, 12)
      r = mode " " $4; if ($7 ~ /x$/) r = r " (" $7 " " $8 ")"
      row[n] = (k[n]++ > 0) ? row[n] "; " r : r
      if (n > max) max = n
    }
    END {
      if (max == 0) exit
      p = log(max) / log(2); lbl = (p == int(p)) ? "2^" p : max
      printf "N = %s: %s", lbl, row[max]
    }' "$1"
}

# lifbench LOG BUDGET ARGS...: lifgpu bench -backend gpu.
lifbench() {
  local log=$1 b=$2 rc
  shift 2
  echo "lifgpu bench -backend gpu $*" > "$log"
  within "$BIN/lifgpu" bench -backend gpu "$@" >> "$log" 2>&1
  rc=$?
  if [ $rc != 0 ]; then fail_from "$log" $rc "$b"; return; fi
  V=PASS D=$(benchsum "$log")
  [ -n "$D" ] || { V=FAIL D="no lifgpu/gpu rows in $(basename "$log")"; }
}

SIZES=${SIZES:-1048576,16777216,268435456}
INPUT_SIZES=${INPUT_SIZES:-16777216,268435456}
SPIKE_SIZES=${SPIKE_SIZES:-1048576,16777216}
STEPS=${STEPS:-1000}
step_bench() {
  # The peers get at most 70 s (torch.compile for three sizes can take longer): the
  # project's rows must fit in the step's budget after them.
  lifbench "$OUT/bench.txt" "$1" -n "$SIZES" -steps "$STEPS" -modes run,forward -reps 3 -peers-timeout 70s \
    -json "$OUT/bench.json" -plot "$OUT/bench.png"
  # The peers' state in a few words: measured, or why not.
  local peers
  peers=$(grep -E '^(cuda|torch|copy)[^ ]* .*skipped:' "$OUT/bench.txt" | sed 's/  */ /g; s/ skipped: / (/' |
    cut -c1-60 | sed 's/$/)/' | paste -sd';' - | sed 's/;/; /g')
  [ -n "$peers" ] && D="$D; peers skipped: $peers"
}
step_bench_input() {
  lifbench "$OUT/bench-input.txt" "$1" -n "$INPUT_SIZES" -steps "$STEPS" -modes run,run+noise,run+poisson \
    -reps 2 -no-baseline -json "$OUT/bench-input.json"
}
step_cuba() {
  lifbench "$OUT/cuba.txt" "$1" -workload cuba -n "${CUBA_SIZES:-40000,400000}" -no-baseline -json "$OUT/cuba.json"
}
step_bench_spikes() {
  lifbench "$OUT/bench-spikes.txt" "$1" -n "$SPIKE_SIZES" -steps "$STEPS" -modes run,run+spikes \
    -reps 3 -no-baseline -json "$OUT/bench-spikes.json"
}

run() {
  OUT=${OUT:-bench/results/gpu-$(date -u +%Y-%m-%d)}
  mkdir -p "$OUT" || exit 1
  OUT=$(cd "$OUT" && pwd)
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/lifgpu-gpush.XXXXXX") || exit 1
  trap 'rm -rf "$SCRATCH"' EXIT
  TIMEOUT=$(command -v timeout || true)
  local total=0 name
  for name in "${STEPS_ORDER[@]}"; do total=$((total + $(budget "$name"))); done
  echo "bench/gpu.sh run: $(date -u '+%Y-%m-%d %H:%M:%S') UTC, logs in $OUT"
  echo "budgets add up to $total s (the card gives $LIMIT s)"
  [ "$total" -gt "$LIMIT" ] && echo "WARNING: the budgets add up to more than $LIMIT s"
  [ -z "$TIMEOUT" ] && echo "WARNING: no timeout command: a hung step is not stopped"
  local t0; t0=$(now)
  : > "$OUT/progress.txt"
  for name in "${STEPS_ORDER[@]}"; do
    case $name in setup) step "$name" host ;; *) step "$name" gpu ;; esac
  done
  local spent; spent=$(elapsed "$t0")
  {
    echo
    echo "== bench rows (lifgpu bench: $SIZES; input $INPUT_SIZES; spikes $SPIKE_SIZES; $STEPS steps) =="
    grep -hE '^(lifgpu/gpu|cuda|torch|copy)' "$OUT"/bench{,-input,-spikes}.txt 2>/dev/null
  } | tee "$OUT/bench-rows.txt"

  # The verdict table: a GPU row passes only on a hardware NVIDIA renderer.
  local row kind v s b d npass=0 nfail=0 nskip=0 device table=$OUT/verdict.txt
  device=$(sed -n 's/^renderer *//p' "$OUT/info.txt" 2>/dev/null | head -1)
  {
    echo
    echo "== VERDICT TABLE: $(date -u +%Y-%m-%d), ${device:-no GL device}, $(sed -n 's/^commit *//p' "$BIN/build.txt" 2>/dev/null) =="
    printf '%-16s %-7s %8s %6s  %s\n' step verdict seconds budget detail
  } > "$table"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name kind v s b d <<<"$row"
    if [ "$kind" = gpu ] && [ "$HW" != 1 ] && [ "$name" != info ] && [ "$v" != SKIP ]; then
      d="$REFUSAL: not a GPU result (ran: $v, $d)"
      v=FAIL
    fi
    case $v in PASS) npass=$((npass + 1)) ;; FAIL) nfail=$((nfail + 1)) ;; *) nskip=$((nskip + 1)) ;; esac
    printf '%-16s %-7s %8s %6s  %s\n' "$name" "$v" "$s" "$b" "$(cut -c1-240 <<<"$d")" >> "$table"
  done
  v=PASS; [ $nfail -gt 0 ] && v=FAIL
  printf '%-16s %-7s %8s %6s  %s\n' total "$v" "$spent" "$total" "$npass PASS, $nfail FAIL, $nskip SKIP; logs in $OUT" >> "$table"
  cat "$table"
  [ $nfail = 0 ]
}

# selftest: run, twice, on this machine's software renderer with tiny sizes.
#  1. As it is: run must produce every row, refuse the renderer (exit nonzero, every GPU
#     row FAIL "software renderer: not a GPU result"), and underneath, every step must
#     have passed.
#  2. With a wrapper in front of lifgpu whose "info" names an NVIDIA renderer: the table
#     must then keep each step's own verdict (the same as underneath in 1), skip the
#     10^9 run (BILLION=0), and exit 0 exactly when no row failed. This checks the
#     table's other half; nothing in run itself can be told to trust a renderer.
selftest() {
  local tmp rc rc2
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/lifgpu-selftest.XXXXXX") || exit 1
  echo "selftest: building into $tmp/bin"
  (BIN=$tmp/bin; build_bins) || { echo "selftest: FAIL: the build failed"; exit 1; }
  local small=(GL_INSTALL=0 SIZES=65536 INPUT_SIZES=65536 SPIKE_SIZES=65536 STEPS=100
    "CHECK_ARGS=-n 65536 -steps 200"
    "GPU_TESTS=^(TestConformance|TestW1|TestInfo|TestBackend)\$/^(Closed|SeedGolden|SeedGoldenRun)\$"
    BUDGET_gpu_tests=40 BUDGET_check=30 BUDGET_check_ballot=30 BUDGET_bench=40 BUDGET_bench_input=30
    BUDGET_bench_spikes=20 BUDGET_billion=20 "NETWORK_ARGS=-steps 300" CUBA_SIZES=2000 BUDGET_network=30 BUDGET_cuba=40)
  env "${small[@]}" OUT="$tmp/out" BIN="$tmp/bin" BILLION=65536 bash "$ROOT/bench/gpu.sh" run > "$tmp/run.log" 2>&1
  rc=$?
  local table=$tmp/out/verdict.txt bad=() name line
  if [ ! -s "$table" ]; then
    cat "$tmp/run.log"
    echo "selftest: FAIL: no verdict table (run exited $rc; kept $tmp)"
    exit 1
  fi
  sed -n '/== VERDICT TABLE/,$p' "$tmp/run.log"
  [ $rc != 0 ] || bad+=("run exited 0 on a software renderer")
  for name in "${STEPS_ORDER[@]}" total; do
    line=$(grep -E "^$name +" "$table") || { bad+=("no $name row"); continue; }
    case $name in
    setup) grep -qE '^setup +PASS ' <<<"$line" || bad+=("setup did not pass") ;;
    total) grep -qE '^total +FAIL ' <<<"$line" || bad+=("total is not FAIL") ;;
    *)
      grep -qE "^$name +FAIL .*not a GPU result" <<<"$line" || bad+=("$name is not refused")
      [ "$name" = info ] || grep -q '(ran: PASS' <<<"$line" || bad+=("$name did not pass underneath")
      ;;
    esac
  done

  # 2. The same run behind a lifgpu whose info says NVIDIA.
  mkdir -p "$tmp/nv"
  ln -s "$tmp/bin/gpu.test" "$tmp/bin/batch.test" "$tmp/bin/build.txt" "$tmp/nv/"
  cat > "$tmp/nv/lifgpu" <<EOS
#!/bin/sh
# selftest's stand-in: lifgpu, whose "info" names an NVIDIA renderer.
if [ "\$1" = info ]; then
  "$tmp/bin/lifgpu" info | sed -e 's|^renderer .*|renderer   NVIDIA H200/PCIe/SSE2|' \
    -e 's|^vendor .*|vendor     NVIDIA Corporation|' -e 's| (software)||'
else
  exec "$tmp/bin/lifgpu" "\$@"
fi
EOS
  chmod +x "$tmp/nv/lifgpu"
  echo
  echo "selftest: again, behind a lifgpu whose info names an NVIDIA renderer"
  env "${small[@]}" OUT="$tmp/out-nv" BIN="$tmp/nv" BILLION=0 bash "$ROOT/bench/gpu.sh" run > "$tmp/run-nv.log" 2>&1
  rc2=$?
  local table2=$tmp/out-nv/verdict.txt v1 v2 nfail
  if [ ! -s "$table2" ]; then
    cat "$tmp/run-nv.log"
    bad+=("no verdict table behind the NVIDIA stand-in")
  else
    sed -n '/== VERDICT TABLE/,$p' "$tmp/run-nv.log"
    grep -q 'not a GPU result' "$table2" && bad+=("a row refused behind the NVIDIA stand-in")
    grep -qE '^info +PASS .*NVIDIA' "$table2" || bad+=("info did not pass behind the NVIDIA stand-in")
    grep -qE '^billion +SKIP +.*BILLION=0' "$table2" || bad+=("billion not skipped with BILLION=0")
    for name in "${STEPS_ORDER[@]}"; do
      case $name in info | billion) continue ;; esac
      v1=$(grep -E "^$name +" "$table" | sed -n 's/.*(ran: \([A-Z]*\),.*/\1/p')
      [ "$name" = setup ] && v1=PASS
      v2=$(grep -E "^$name +" "$table2" | awk '{ print $2 }')
      [ "$v1" = "$v2" ] || bad+=("$name: $v2 behind the NVIDIA stand-in, $v1 underneath the refusal")
    done
    nfail=$(grep -cE '^[a-z-]+ +FAIL ' "$table2")
    if grep -qE '^total +FAIL ' "$table2"; then nfail=$((nfail - 1)); fi
    { [ "$nfail" = 0 ] && [ $rc2 = 0 ]; } || { [ "$nfail" != 0 ] && [ $rc2 != 0 ]; } ||
      bad+=("behind the NVIDIA stand-in: $nfail rows failed and run exited $rc2")
  fi
  if [ ${#bad[@]} -gt 0 ]; then
    printf 'selftest: FAIL: %s\n' "${bad[@]}"
    echo "selftest: the runs' output and logs are in $tmp"
    exit 1
  fi
  rm -rf "$tmp"
  echo "selftest: ok (run refused the software renderer and exited $rc; behind an NVIDIA stand-in it kept each step's verdict and exited $rc2)"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  selftest) selftest ;;
  *) echo "usage: bench/gpu.sh prepare|run|selftest"; exit 2 ;;
esac
