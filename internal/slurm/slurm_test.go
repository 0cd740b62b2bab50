package slurm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fake writes a script that appends its arguments, one call a line, to log.
func fake(t *testing.T, dir, name, log, extra string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	body := "#!/bin/bash\necho \"$*\" >> " + quote(log) + "\n" + extra
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func lines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestScripts runs the array's script as Slurm would, task by task, with a fake lifgpu
// that records its arguments: each task runs its shard of its replica, resumes a
// started folder, skips a complete one; the merge script merges each replica.
func TestScripts(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	tmp := t.TempDir()
	log := filepath.Join(tmp, "calls")
	p := Plan{Lifgpu: fake(t, tmp, "lifgpu", log, ""), Spec: "/specs/my spec.toml", Dir: filepath.Join(tmp, "out"),
		Shards: 2, Replicas: 2, Seed: 40, RunArgs: []string{"-backend", "gpu"}, Partition: "gpu", Time: "01:00:00", GPUsPerTask: 1}
	sc, err := p.Write()
	if err != nil {
		t.Fatal(err)
	}
	arr, _ := os.ReadFile(sc.Array)
	for _, want := range []string{"#SBATCH --array=0-3", "#SBATCH --partition=gpu", "#SBATCH --time=01:00:00", "#SBATCH --gpus-per-task=1", "#SBATCH --requeue"} {
		if !strings.Contains(string(arr), want+"\n") {
			t.Errorf("array.sbatch lacks %q:\n%s", want, arr)
		}
	}
	task := func(id string) {
		t.Helper()
		cmd := exec.Command("bash", sc.Array)
		cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID="+id)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("task %s: %v: %s", id, err, out)
		}
	}
	for _, id := range []string{"0", "1", "2", "3"} {
		task(id)
	}
	o := p.Dir
	want := []string{
		"run -config /specs/my spec.toml -shard 0/2 -seed 40 -backend gpu -o " + o + "/replica-000/shard-0 -f -log json",
		"run -config /specs/my spec.toml -shard 1/2 -seed 40 -backend gpu -o " + o + "/replica-000/shard-1 -f -log json",
		"run -config /specs/my spec.toml -shard 0/2 -seed 41 -backend gpu -o " + o + "/replica-001/shard-0 -f -log json",
		"run -config /specs/my spec.toml -shard 1/2 -seed 41 -backend gpu -o " + o + "/replica-001/shard-1 -f -log json",
	}
	if got := lines(t, log); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tasks ran\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A requeued task finds its folder started, or complete.
	os.Remove(log)
	d := p.RunDir(1, 0)
	os.MkdirAll(d, 0o755)
	os.WriteFile(filepath.Join(d, "job.json"), []byte("{}"), 0o644)
	task("2")
	os.WriteFile(filepath.Join(d, "run.json"), []byte("{}"), 0o644)
	task("2")
	if got := lines(t, log); len(got) != 1 || got[0] != "run -resume "+d+" -log json" {
		t.Errorf("requeued task ran %q, want one resume of %s", got, d)
	}
	os.Remove(log)
	cmd := exec.Command("bash", sc.Merge)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("merge: %v: %s", err, out)
	}
	want = []string{
		"merge -f -o " + o + "/replica-000/merged " + o + "/replica-000/shard-0 " + o + "/replica-000/shard-1",
		"merge -f -o " + o + "/replica-001/merged " + o + "/replica-001/shard-0 " + o + "/replica-001/shard-1",
	}
	if got := lines(t, log); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("merge ran\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// One shard, no replicas: one task into DIR, the spec's seed, nothing to merge.
	one := Plan{Lifgpu: p.Lifgpu, Spec: "/s.toml", Dir: filepath.Join(tmp, "one"), Shards: 1, Replicas: 1}
	sc1, err := one.Write()
	if err != nil || sc1.Merge != "" || sc1.Tasks != 1 {
		t.Fatalf("%+v, %v", sc1, err)
	}
	os.Remove(log)
	cmd = exec.Command("bash", sc1.Array)
	cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got := lines(t, log); len(got) != 1 || got[0] != "run -config /s.toml -o "+one.Dir+" -f -log json" {
		t.Errorf("one task ran %q", got)
	}
	if _, err := (Plan{Lifgpu: "x", Spec: "y", Dir: tmp, Shards: 2, Replicas: 1, Partition: "a b"}).Write(); err == nil {
		t.Error("a partition with a space was written")
	}
}

// TestSubmit submits through a fake sbatch: the array, then the merge job after it.
func TestSubmit(t *testing.T) {
	tmp := t.TempDir()
	log := filepath.Join(tmp, "calls")
	n := filepath.Join(tmp, "n")
	os.WriteFile(n, []byte("41\n"), 0o644)
	sb := fake(t, tmp, "sbatch", log, "read k < "+n+"; k=$((k+1)); echo $k > "+n+"; echo \"$k;cluster\"\n")
	sc := Scripts{Array: "/d/slurm/array.sbatch", Merge: "/d/slurm/merge.sbatch"}
	a, m, err := Submit(context.Background(), sb, sc)
	if err != nil || a != "42" || m != "43" {
		t.Fatalf("Submit = %q, %q, %v", a, m, err)
	}
	want := "--parsable /d/slurm/array.sbatch\n--parsable --dependency=afterok:42 --kill-on-invalid-dep=yes /d/slurm/merge.sbatch"
	if got := strings.Join(lines(t, log), "\n"); got != want {
		t.Errorf("sbatch ran\n%s\nwant\n%s", got, want)
	}
	bad := fake(t, tmp, "sbatch-bad", log, "echo 'sbatch: error: invalid partition' >&2; exit 1\n")
	if _, _, err := Submit(context.Background(), bad, sc); err == nil || !strings.Contains(err.Error(), "invalid partition") {
		t.Errorf("a failing sbatch: %v", err)
	}
	if _, _, err := Submit(context.Background(), filepath.Join(tmp, "none"), sc); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("no sbatch: %v", err)
	}
}

// TestSeedsPast63Bits: replicas of a seed above 2^63 - 1 get seed + i modulo 2^64,
// as lifgpu run -replicas gives them (bash's signed arithmetic would make them negative).
func TestSeedsPast63Bits(t *testing.T) {
	p := Plan{Lifgpu: "/bin/echo", Dir: t.TempDir(), Shards: 1, Replicas: 3, Seed: 1<<64 - 2, SetSeed: true}
	sc, err := p.Write()
	if err != nil {
		t.Fatal(err)
	}
	for task, want := range []string{"-seed 18446744073709551614", "-seed 18446744073709551615", "-seed 0 "} {
		cmd := exec.Command("bash", sc.Array)
		cmd.Env = append(os.Environ(), fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", task))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatal(err, string(out))
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("task %d ran %q, want %s", task, strings.TrimSpace(string(out)), want)
		}
	}
}

// TestDirRefused: a folder whose name would break the #SBATCH --output lines.
func TestDirRefused(t *testing.T) {
	for _, d := range []string{"my runs", "run%1", "a\nb"} {
		p := Plan{Lifgpu: "/bin/echo", Dir: filepath.Join(t.TempDir(), d), Shards: 2, Replicas: 1}
		if _, err := p.Write(); err == nil || !strings.Contains(err.Error(), "no white space or %") {
			t.Errorf("-o %q: %v", d, err)
		}
	}
}
