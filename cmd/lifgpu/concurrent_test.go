package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// together starts one lifgpu process per argument list at once and waits for all:
// their exit codes and their stderr.
func together(t *testing.T, runs ...[]string) ([]int, []string) {
	t.Helper()
	cmds := make([]*exec.Cmd, len(runs))
	errs := make([]bytes.Buffer, len(runs))
	for k, args := range runs {
		cmds[k] = command(args...)
		cmds[k].Stderr = &errs[k]
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	codes := make([]int, len(runs))
	stderr := make([]string, len(runs))
	for k, c := range cmds {
		c.Wait()
		codes[k], stderr[k] = c.ProcessState.ExitCode(), errs[k].String()
	}
	return codes, stderr
}

// oneWins checks that exactly one of two processes succeeded and the other was refused
// with a message that says why (one of says).
func oneWins(t *testing.T, what string, codes []int, stderr []string, says ...string) {
	t.Helper()
	won := 0
	for k, c := range codes {
		switch {
		case c == 0:
			won++
		case c != 1 || !containsAny(stderr[k], says):
			t.Errorf("%s: process %d exited %d, want 0 or a refusal saying one of %q:\n%s", what, k, c, says, stderr[k])
		}
	}
	if won != 1 {
		t.Errorf("%s: %d of %d processes succeeded, want exactly one:\n%s", what, won, len(codes), strings.Join(stderr, "\n---\n"))
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestConcurrentRuns starts real lifgpu processes together on one output folder: two
// runs into one new folder, two runs with -f into one existing folder, two resumes of
// one interrupted run. Each time exactly one runs and the other is refused, and the
// folder holds the files of one run, byte-identical to a run alone. Before the folder
// was locked (and made atomically), both ran, and the folder held the spikes of both,
// job.json from one and run.json from the other; two resumes failed with "directory
// not empty".
func TestConcurrentRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocesses")
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.toml")
	os.WriteFile(spec, []byte(killSpec), 0o644)
	whole := filepath.Join(dir, "whole")
	if out, err := command("run", "-config", spec, "-o", whole, "-backend", "cpu").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	runInto := func(out string, extra ...string) []string {
		return append([]string{"run", "-config", spec, "-o", out, "-backend", "cpu"}, extra...)
	}
	for trial := range 2 {
		out := filepath.Join(dir, fmt.Sprint("new", trial))
		codes, stderr := together(t, runInto(out), runInto(out))
		oneWins(t, "two runs into one new folder", codes, stderr, "is using "+out, "output folder "+out+" exists")
		sameOutputs(t, whole, out, "two runs into one new folder")
	}
	out := filepath.Join(dir, "new0") // finished: taken over with -f
	codes, stderr := together(t, runInto(out, "-f"), runInto(out, "-f"))
	oneWins(t, "two runs with -f into one folder", codes, stderr, "is using "+out)
	sameOutputs(t, whole, out, "two runs with -f into one folder")

	// An interrupted run, resumed twice at once.
	out = filepath.Join(dir, "stopped")
	cmd := command(runInto(out)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(out, "checkpoint.npz")); err == nil {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err == nil || cmd.ProcessState.ExitCode() != exitInterrupted {
		t.Fatalf("interrupted run: %v", err)
	}
	codes, stderr = together(t, []string{"run", "-resume", out}, []string{"run", "-resume", out})
	oneWins(t, "two resumes of one run", codes, stderr, "is using "+out, "nothing to resume")
	sameOutputs(t, whole, out, "two resumes of one run")
}
