// Package slurm writes the Slurm job scripts that run a spec's shards (and replicas)
// as a job array, and the job that merges them once every task has succeeded; it can
// submit both with sbatch.
//
// # Layout
//
// A plan into DIR writes DIR/slurm/array.sbatch (task i of the array runs shard
// i mod m of replica i / m) and, when there is something to merge, DIR/slurm/merge.sbatch;
// the tasks' logs go to DIR/slurm/. The runs go to
//
//	DIR/shard-K                 m shards, one replica; merged into DIR/merged
//	DIR/replica-I               r replicas, whole (m = 1)
//	DIR/replica-I/shard-K       both; each replica merged into DIR/replica-I/merged
//
// # Preemption and requeue
//
// A task finds its folder as a previous attempt left it: complete (run.json: it does
// nothing), started (job.json: it resumes from the last checkpoint, lifgpu run
// -resume), or neither (it starts, with -f, which replaces only lifgpu's own files).
// Slurm sends SIGTERM to a task it cancels, preempts or requeues; lifgpu then writes a
// checkpoint and exits (status 130), so a requeued task goes on from there; the spec's
// checkpoint_every bounds what a kill without warning loses. The array asks for
// --requeue, and the merge job waits for every task with --dependency=afterok.
package slurm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Plan is what to run, and how to ask Slurm for it.
type Plan struct {
	Lifgpu   string   // the lifgpu binary, absolute
	Spec     string   // the spec file, absolute ("": lifgpu's built-in spec)
	Dir      string   // the output folder, absolute
	Shards   int      // m >= 1
	Replicas int      // r >= 1
	Seed     uint64   // the first replica's seed
	SetSeed  bool     // pass -seed (always with replicas)
	RunArgs  []string // more flags for lifgpu run (-backend, -n, -steps)
	// sbatch options: "" (or 0) leaves Slurm's default.
	Partition   string
	Time        string
	GPUsPerTask int
	JobName     string
}

// Scripts are the files a plan wrote.
type Scripts struct {
	Array string // DIR/slurm/array.sbatch
	Merge string // DIR/slurm/merge.sbatch, "" when there is nothing to merge (m = 1)
	Tasks int    // the array's tasks: r*m
}

// Base is the folder of replica i's runs: DIR, or DIR/replica-I with replicas.
func (p Plan) Base(i int) string {
	if p.Replicas > 1 {
		return filepath.Join(p.Dir, fmt.Sprintf("replica-%03d", i))
	}
	return p.Dir
}

// RunDir is the folder of replica i's shard k.
func (p Plan) RunDir(i, k int) string {
	if p.Shards > 1 {
		return filepath.Join(p.Base(i), fmt.Sprintf("shard-%d", k))
	}
	return p.Base(i)
}

// MergedDir is the folder replica i's shards are merged into.
func (p Plan) MergedDir(i int) string { return filepath.Join(p.Base(i), "merged") }

// Write writes the plan's scripts into DIR/slurm.
func (p Plan) Write() (Scripts, error) {
	if p.Shards < 1 || p.Replicas < 1 {
		return Scripts{}, fmt.Errorf("slurm: %d shards and %d replicas: want at least 1 of each", p.Shards, p.Replicas)
	}
	for _, s := range []struct{ what, v string }{{"-partition", p.Partition}, {"-time", p.Time}, {"job name", p.JobName}} {
		if strings.ContainsAny(s.v, " \t\n'\"\\$`") {
			return Scripts{}, fmt.Errorf("slurm: %s %q: no spaces, quotes or shell characters", s.what, s.v)
		}
	}
	// The folder appears unquoted in the #SBATCH --output lines, which sbatch splits at
	// white space and in which % starts a file name pattern.
	if strings.ContainsAny(p.Dir, " \t\n\r%") {
		return Scripts{}, fmt.Errorf("slurm: -o %q: a folder for Slurm's logs may hold no white space or %%: choose one without (a symbolic link to it will do)", p.Dir)
	}
	dir := filepath.Join(p.Dir, "slurm")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Scripts{}, err
	}
	sc := Scripts{Array: filepath.Join(dir, "array.sbatch"), Tasks: p.Shards * p.Replicas}
	if err := os.WriteFile(sc.Array, []byte(p.array()), 0o755); err != nil {
		return Scripts{}, err
	}
	if p.Shards > 1 {
		sc.Merge = filepath.Join(dir, "merge.sbatch")
		if err := os.WriteFile(sc.Merge, []byte(p.merge()), 0o755); err != nil {
			return Scripts{}, err
		}
	}
	return sc, nil
}

func (p Plan) name() string {
	if p.JobName != "" {
		return p.JobName
	}
	return "lifgpu"
}

// header is the #SBATCH lines common to both scripts.
func (p Plan) header(b *strings.Builder, name, log string) {
	fmt.Fprintf(b, "#!/bin/bash\n")
	fmt.Fprintf(b, "#SBATCH --job-name=%s\n", name)
	fmt.Fprintf(b, "#SBATCH --output=%s\n", filepath.Join(p.Dir, "slurm", log))
	fmt.Fprintf(b, "#SBATCH --ntasks=1\n")
	if p.Partition != "" {
		fmt.Fprintf(b, "#SBATCH --partition=%s\n", p.Partition)
	}
	if p.Time != "" {
		fmt.Fprintf(b, "#SBATCH --time=%s\n", p.Time)
	}
}

// array is the job array's script: task i runs shard i mod m of replica i / m.
func (p Plan) array() string {
	var b strings.Builder
	p.header(&b, p.name(), "task-%A_%a.out")
	fmt.Fprintf(&b, "#SBATCH --array=0-%d\n", p.Shards*p.Replicas-1)
	if p.GPUsPerTask > 0 {
		fmt.Fprintf(&b, "#SBATCH --gpus-per-task=%d\n", p.GPUsPerTask)
	}
	fmt.Fprintf(&b, "#SBATCH --requeue\n#SBATCH --open-mode=append\n")
	what := p.Spec
	if what == "" {
		what = "the built-in spec"
	}
	fmt.Fprintf(&b, "# Written by lifgpu slurm: %d shard(s) x %d replica(s) of %s.\n", p.Shards, p.Replicas, what)
	fmt.Fprintf(&b, "# A task resumes its folder when an earlier attempt started it (requeued,\n# preempted); it does nothing when the folder is complete.\nset -euo pipefail\n")
	fmt.Fprintf(&b, "lifgpu=%s\nspec=%s\ndir=%s\nm=%d\n", quote(p.Lifgpu), quote(p.Spec), quote(p.Dir), p.Shards)
	if p.SetSeed || p.Replicas > 1 {
		// Each replica's seed, seed + i modulo 2^64 as lifgpu run -replicas counts them,
		// written out: bash's arithmetic is signed 64-bit and would wrap a seed past
		// 2^63 - 1 to a negative one.
		seeds := make([]string, p.Replicas)
		for i := range seeds {
			seeds[i] = strconv.FormatUint(p.Seed+uint64(i), 10)
		}
		fmt.Fprintf(&b, "seeds=(%s)\n", strings.Join(seeds, " "))
	}
	fmt.Fprintf(&b, "id=${SLURM_ARRAY_TASK_ID:?not in a Slurm job array}\nrep=$((id / m))\nk=$((id %% m))\n")
	fmt.Fprintf(&b, "out=$dir\n")
	if p.Replicas > 1 {
		fmt.Fprintf(&b, "out=$out/$(printf 'replica-%%03d' \"$rep\")\n")
	}
	if p.Shards > 1 {
		fmt.Fprintf(&b, "out=$out/shard-$k\n")
	}
	var args []string
	if p.Spec != "" {
		args = append(args, `-config "$spec"`)
	}
	if p.Shards > 1 {
		args = append(args, `-shard "$k/$m"`)
	}
	if p.SetSeed || p.Replicas > 1 {
		args = append(args, `-seed "${seeds[$rep]}"`)
	}
	for _, a := range p.RunArgs {
		args = append(args, quote(a))
	}
	args = append(args, `-o "$out" -f -log json`)
	fmt.Fprintf(&b, "if [ -f \"$out/run.json\" ]; then\n\techo \"lifgpu slurm: $out is complete\"\n\texit 0\nfi\n")
	fmt.Fprintf(&b, "if [ -f \"$out/job.json\" ]; then\n\texec \"$lifgpu\" run -resume \"$out\" -log json\nfi\n")
	fmt.Fprintf(&b, "exec \"$lifgpu\" run %s\n", strings.Join(args, " "))
	return b.String()
}

// merge is the merge job's script: each replica's shards into its merged folder.
func (p Plan) merge() string {
	var b strings.Builder
	p.header(&b, p.name()+"-merge", "merge-%j.out")
	fmt.Fprintf(&b, "# Written by lifgpu slurm: merges the %d shards of each replica once every task\n# of the array succeeded (submitted with --dependency=afterok).\nset -euo pipefail\n", p.Shards)
	fmt.Fprintf(&b, "lifgpu=%s\n", quote(p.Lifgpu))
	for i := range p.Replicas {
		var dirs []string
		for k := range p.Shards {
			dirs = append(dirs, quote(p.RunDir(i, k)))
		}
		fmt.Fprintf(&b, "\"$lifgpu\" merge -f -o %s %s\n", quote(p.MergedDir(i)), strings.Join(dirs, " "))
	}
	return b.String()
}

// quote quotes s for the shell.
func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:,@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Submit submits the scripts with sbatch (the program named, "" for sbatch on the
// PATH): the array, then the merge job depending on it (afterok: every task
// succeeded). It returns their job ids (merge "" without a merge script).
func Submit(ctx context.Context, sbatch string, sc Scripts) (array, merge string, err error) {
	if sbatch == "" {
		sbatch = "sbatch"
	}
	if _, err := exec.LookPath(sbatch); err != nil {
		return "", "", fmt.Errorf("slurm: %s not found (%v): submit from a Slurm login node, or run the scripts yourself: sbatch %s", sbatch, err, sc.Array)
	}
	if array, err = run(ctx, sbatch, "--parsable", sc.Array); err != nil {
		return "", "", err
	}
	if sc.Merge == "" {
		return array, "", nil
	}
	merge, err = run(ctx, sbatch, "--parsable", "--dependency=afterok:"+array, "--kill-on-invalid-dep=yes", sc.Merge)
	return array, merge, err
}

// run runs sbatch with args and returns the job id it prints (--parsable: "id" or
// "id;cluster").
func run(ctx context.Context, sbatch string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, sbatch, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("slurm: %s %s: %v: %s", sbatch, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";")
	if id == "" || strings.Trim(id, "0123456789_") != "" {
		return "", errors.New("slurm: sbatch printed no job id: " + strings.TrimSpace(out.String()))
	}
	return id, nil
}
