#!/usr/bin/env bash
# make test-slurm: a one-node Slurm cluster on this machine (munged, slurmctld and slurmd,
# started here in the foreground of their own processes and stopped on exit), a spec of
# 10^6 neurons run as a 4-task job array and its merge job (lifgpu slurm -submit), one
# task requeued mid-run (scontrol requeue: SIGTERM, then the task starts again and
# resumes its checkpoint), and the merged files compared byte for byte with a run never
# split. Debian's slurm-wlm and munge are installed when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "test-slurm: FAIL: $*" >&2; exit 1; }

need=()
for c in munged slurmctld slurmd sbatch; do
  command -v "$c" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "$c" >/dev/null 2>&1 || need+=("$c")
done
export PATH="$PATH:/usr/sbin:/usr/local/go/bin"
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "missing ${need[*]} and not root: install Debian's slurm-wlm and munge (apt-get install slurm-wlm munge)"
  echo "test-slurm: installing slurm-wlm and munge (missing: ${need[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends slurm-wlm munge || fail "apt-get install slurm-wlm munge failed"
fi
[ "$(id -u)" = 0 ] || fail "the one-node cluster runs its daemons as root (SlurmUser=root); run as root"

GO=${GO:-go}
$GO build -tags "$(test -f /usr/include/EGL/egl.h && echo egl)" -o bin/lifgpu ./cmd/lifgpu
LIFGPU=$PWD/bin/lifgpu

T=$(mktemp -d /tmp/lifgpu-slurm.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    scancel --quiet --user=root >/dev/null 2>&1 || true
  fi
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  # A task slurmd started and the daemons' end left behind (slurmstepd's children).
  pkill -f "$T/" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    echo "test-slurm: logs in $T (kept)" >&2
    for f in "$T"/*.log "$T"/cluster/slurm/*.out; do [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; } >&2; done
  else
    rm -rf "$T"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munge: its own key, socket and files, so that nothing of the machine's is touched.
mkdir -p "$T/munge" && chmod 711 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
munged --foreground --force --key-file="$T/munge/munge.key" --socket="$T/munge/munge.sock" \
  --pid-file="$T/munge/munged.pid" --log-file="$T/munged.log" --seed-file="$T/munge/seed" > "$T/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$T/munge/munge.sock" ] && break; sleep 0.1; done
[ -S "$T/munge/munge.sock" ] || fail "munged did not start (see $T/munged.log)"

# Free ports for the two daemons (not Slurm's defaults: a real cluster may be here).
port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 30000))
  fi
}
CTLD_PORT=$(port); SLURMD_PORT=$(port)
NODE=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2/1024*0.8)}' /proc/meminfo)
mkdir -p "$T/state" "$T/spool"
export SLURM_CONF=$T/slurm.conf
cat > "$SLURM_CONF" <<EOF
ClusterName=lifgputest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
KillWait=30
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" > "$T/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$NODE" > "$T/slurmd.out" 2>&1 &
pids+=($!)
state=
for _ in $(seq 100); do
  state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.3
done
[ "$state" = idle ] || fail "the node did not come up idle (state '$state'; see $T/slurmctld.log and $T/slurmd.log)"
echo "test-slurm: one-node cluster up: $NODE, $CPUS CPUs ($(sinfo --version))"

# 10^6 neurons, Poisson input and noise, every recording, a checkpoint every 100 steps.
cat > "$T/spec.toml" <<'EOF'
n = 1000000
steps = 1000
seed = 14
backend = "cpu"
checkpoint_every = 100
[input]
bias = 0.42
noise = { std = 1.0 }
poisson = { rate = 300.0, weight = 0.4 }
[record]
spikes = true
rate = true
traces = [999999, 0, 500000, 250001, 750000]
trace_every = 5
state = true
EOF

echo "test-slurm: $(date +%T) submitting"
out=$("$LIFGPU" slurm -config "$T/spec.toml" -shards 4 -o "$T/cluster" -partition debug -time 10:00 -submit)
echo "$out"
array=$(awk '/^array job/ {print $3}' <<<"$out")
merge=$(awk '/^merge job/ {print $3}' <<<"$out")
[ -n "$array" ] && [ -n "$merge" ] || fail "lifgpu slurm -submit printed no job ids"

# Requeue task 1 once it has written a checkpoint, before it finishes.
requeued=
for _ in $(seq 600); do
  d=$T/cluster/shard-1
  if [ -f "$d/checkpoint.npz" ] && [ ! -f "$d/run.json" ]; then
    scontrol requeue "${array}_1" || fail "scontrol requeue ${array}_1 failed (see above)"
    requeued=yes
    echo "test-slurm: $(date +%T) requeued task ${array}_1 mid-run, after its first checkpoint"
    break
  fi
  [ -f "$d/run.json" ] && break
  sleep 0.2
done
[ -n "$requeued" ] || fail "task 1 finished before it could be requeued mid-run (make the spec longer)"
# Slurm holds a requeued job back (reason BeginTime) for a while; let it start at once.
for _ in $(seq 100); do
  st=$(squeue -h -j "${array}_1" -o '%T %r' 2>/dev/null || true)
  if [[ "$st" == PENDING* ]]; then
    echo "test-slurm: task ${array}_1 is $st; releasing it now"
    scontrol update JobId="${array}_1" StartTime=now || true
    break
  fi
  sleep 0.1
done

# Every job ends (the merge runs after the array: afterok).
for _ in $(seq 1500); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 0.2
done
[ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && true || fail "jobs still queued after 300 s: $(squeue)"
echo "test-slurm: $(date +%T) every job ended"
[ -f "$T/cluster/merged/run.json" ] || fail "the merge job wrote no merged/run.json"
grep -q '"msg":"resume"' "$T"/cluster/slurm/task-*_1.out || fail "the requeued task did not resume its checkpoint"
echo "test-slurm: task 1's log: $(grep -oh '"msg":"[a-z ]*"' "$T"/cluster/slurm/task-*_1.out | sort | uniq -c | tr -s ' \n' ' ')"

echo "test-slurm: the unsharded run"
"$LIFGPU" run -config "$T/spec.toml" -o "$T/whole" -log json 2>/dev/null | grep -E '^(spikes|wall)'
for f in spikes.npz rate.npz traces.npz state.npz; do
  cmp "$T/whole/$f" "$T/cluster/merged/$f" || fail "$f of the merged shards differs from the unsharded run's"
done
echo "test-slurm: PASS: 4 array tasks (task 1 requeued mid-run and resumed) and their merge give the unsharded run's files byte for byte"
