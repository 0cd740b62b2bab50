package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// clusterSpec has every recording, noise and Poisson input, and traced neurons out of
// order.
const clusterSpec = `
n = 20000
steps = 400
seed = 3
checkpoint_every = 100
[input]
bias = 0.45
noise = { std = 0.6 }
poisson = { rate = 700.0, weight = 0.3 }
[record]
spikes = true
rate = true
traces = [19999, 2, 10000, 7]
trace_every = 2
state = true
`

func writeSpec(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("lifgpu %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// TestShardCommands: run -shard k/m for every k, then merge, gives the whole run's
// files byte for byte; the shards' summaries and run.json name their ranges.
func TestShardCommands(t *testing.T) {
	spec := writeSpec(t, clusterSpec)
	tmp := t.TempDir()
	whole := filepath.Join(tmp, "whole")
	mustRun(t, "run", "-config", spec, "-o", whole, "-backend", "cpu", "-log", "json")
	var dirs []string
	for _, k := range []string{"0", "1", "2"} {
		d := filepath.Join(tmp, "shard-"+k)
		out := mustRun(t, "run", "-config", spec, "-shard", k+"/3", "-o", d, "-backend", "cpu", "-log", "json")
		if !strings.Contains(out, "shard            "+k+"/3: neurons [") {
			t.Errorf("summary of shard %s lacks its range:\n%s", k, out)
		}
		dirs = append(dirs, d)
	}
	b, err := os.ReadFile(filepath.Join(dirs[1], "run.json"))
	if err != nil || !strings.Contains(string(b), `"lo": 6666`) || !strings.Contains(string(b), `"hi": 13333`) {
		t.Errorf("run.json of shard 1/3 lacks its range [6666, 13333): %v\n%s", err, b)
	}
	merged := filepath.Join(tmp, "merged")
	out := mustRun(t, append([]string{"merge", "-o", merged, "-log", "json"}, dirs[2], dirs[0], dirs[1])...)
	if !strings.Contains(out, "neurons          20000") {
		t.Errorf("merge summary:\n%s", out)
	}
	sameOutputs(t, whole, merged, "merged shards")
}

// TestClusterErrors: bad shards, merges and combinations are refused with the value and
// the remedy, before anything is written.
func TestClusterErrors(t *testing.T) {
	spec := writeSpec(t, clusterSpec)
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "-config", spec, "-shard", "5/4", "-o", out}, "shard 5/4: k = 5 is not one of the 4 shards 0..3"},
		{[]string{"run", "-config", spec, "-shard", "x", "-o", out}, "want k/m"},
		{[]string{"run", "-config", "../../testdata/specs/network.toml", "-shard", "0/2", "-o", out}, "a network (synapses) cannot be split into shards"},
		{[]string{"run", "-config", spec, "-shard", "0/2", "-devices", "0", "-o", out}, "not with -shard"},
		{[]string{"run", "-config", spec, "-devices", "0", "-device", "0", "-o", out}, "not with -device"},
		{[]string{"run", "-config", spec, "-devices", "0", "-backend", "cpu", "-o", out}, "not with -backend cpu"},
		{[]string{"run", "-config", spec, "-devices", "x", "-o", out}, `-devices "x": want all, or EGL device indices`},
		{[]string{"run", "-config", spec, "-replicas", "0", "-o", out}, "-replicas 0: want at least 1"},
		{[]string{"run", "-resume", out, "-shard", "0/2"}, "only -backend, -device and -log may change"},
		{[]string{"merge", "-o", out, tmp}, "is not the folder of a lifgpu run -shard k/m"},
		{[]string{"merge", "-o", out}, "no shard folders given"},
		{[]string{"slurm", "-config", "../../testdata/specs/network.toml", "-shards", "2", "-o", out}, "cannot be split into shards"},
		{[]string{"slurm", "-config", spec, "-shards", "30000", "-o", out}, "more shards than the 20000 neurons"},
	} {
		code, _, errs := run(t, c.args...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("lifgpu %s: exit %d, %q; want %q", strings.Join(c.args, " "), code, errs, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("lifgpu %s left %s", strings.Join(c.args, " "), out)
		}
	}
}

// TestReplicasFlag: -replicas r writes r folders, seeds seed, seed+1, ...
func TestReplicasFlag(t *testing.T) {
	spec := writeSpec(t, "n = 100\nsteps = 300\nseed = 7\n[input]\nbias = 0.5\nnoise = { std = 1.0 }\n[record]\nspikes = true\n")
	tmp := t.TempDir()
	out := mustRun(t, "run", "-config", spec, "-replicas", "2", "-o", filepath.Join(tmp, "reps"), "-backend", "cpu")
	if !strings.Contains(out, "replica 1") {
		t.Errorf("summary:\n%s", out)
	}
	single := filepath.Join(tmp, "seed8")
	mustRun(t, "run", "-config", spec, "-seed", "8", "-o", single, "-backend", "cpu")
	a, _ := os.ReadFile(filepath.Join(single, "spikes.npz"))
	b, err := os.ReadFile(filepath.Join(tmp, "reps", "replica-001", "spikes.npz"))
	if err != nil || string(a) != string(b) {
		t.Errorf("replica 1 differs from a run with seed 8 (%v)", err)
	}
}

// TestSlurmScripts runs lifgpu slurm's scripts as Slurm would (each array task with its
// SLURM_ARRAY_TASK_ID, then the merge job), with this test binary as lifgpu: the merged
// files are the whole run's. -submit goes through a fake sbatch on the PATH.
func TestSlurmScripts(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	spec := writeSpec(t, clusterSpec)
	tmp := t.TempDir()
	// lifgpu: this test binary, its arguments passed as TestMain reads them.
	wrapper := filepath.Join(tmp, "lifgpu")
	script := "#!/bin/bash\nIFS=$'\\n'\nLIFGPU_TEST_MAIN=\"$*\" exec " + os.Args[0] + " -test.run='^$'\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	whole := filepath.Join(tmp, "whole")
	mustRun(t, "run", "-config", spec, "-o", whole, "-backend", "cpu", "-log", "json")
	dir := filepath.Join(tmp, "cluster")
	out := mustRun(t, "slurm", "-config", spec, "-shards", "3", "-o", dir, "-lifgpu", wrapper, "-backend", "cpu", "-partition", "debug")
	if !strings.Contains(out, "3 tasks") || !strings.Contains(out, "afterok") {
		t.Errorf("summary:\n%s", out)
	}
	for _, id := range []string{"2", "0", "1", "1"} { // task 1 twice: as a requeue finds it, complete
		cmd := exec.Command("bash", filepath.Join(dir, "slurm", "array.sbatch"))
		cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID="+id)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("task %s: %v\n%s", id, err, b)
		}
	}
	if b, err := exec.Command("bash", filepath.Join(dir, "slurm", "merge.sbatch")).CombinedOutput(); err != nil {
		t.Fatalf("merge job: %v\n%s", err, b)
	}
	sameOutputs(t, whole, filepath.Join(dir, "merged"), "the Slurm scripts' merge")

	bin := t.TempDir()
	fake := "#!/bin/bash\necho \"$*\" >> " + filepath.Join(tmp, "sbatch.log") + "\nif [[ \"$*\" == *merge* ]]; then echo 8; else echo 7; fi\n"
	if err := os.WriteFile(filepath.Join(bin, "sbatch"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out = mustRun(t, "slurm", "-config", spec, "-shards", "2", "-o", filepath.Join(tmp, "sub"), "-submit")
	if !strings.Contains(out, "array job        7") || !strings.Contains(out, "merge job        8") {
		t.Errorf("-submit printed:\n%s", out)
	}
	b, _ := os.ReadFile(filepath.Join(tmp, "sbatch.log"))
	if !strings.Contains(string(b), "--dependency=afterok:7") {
		t.Errorf("sbatch was called with\n%s", b)
	}
}
