package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lifgpu/lifgpu/internal/batch"
)

// TestMemoryLimit runs lifgpu under a real address-space limit (sh's ulimit -v, as a
// batch system sets one) with a spec that needs more than the limit leaves but less
// than the machine has: run, check and validate refuse it, naming the limit, and run
// leaves no folder. Before the preflight read the limits (MemAvailable only), run and
// check died with Go's "fatal error: out of memory" and a long trace, and validate
// said ok.
func TestMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocesses")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh for ulimit")
	}
	// 350 million neurons on the CPU: about 7.8 GiB; the limit: 3.8 GiB of address space.
	const need = 7_800 << 20
	if mem, err := batch.AvailableMemory(); err != nil || mem.Avail < need+(1<<30) {
		t.Skipf("the machine itself leaves %d MiB (%v): the limit would not be what binds", mem.Avail>>20, err)
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "big.toml")
	os.WriteFile(spec, []byte("n = 350000000\nsteps = 10\nbackend = \"cpu\"\n"), 0o644)
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"run", "-config", spec, "-o", out},
		{"check", "-config", spec},
		{"validate", spec},
	} {
		cmd := exec.Command(sh, "-c", `ulimit -v 4000000 && exec "$0" -test.run='^$'`, os.Args[0])
		cmd.Env = append(os.Environ(), "LIFGPU_TEST_MAIN="+strings.Join(args, "\n"))
		b, _ := cmd.CombinedOutput()
		msg := string(b)
		t.Logf("%s: %.200s", args[0], msg)
		if code := cmd.ProcessState.ExitCode(); code != 1 || strings.Contains(msg, "fatal error") ||
			!strings.Contains(msg, "of memory") || !strings.Contains(msg, "RLIMIT_AS (ulimit -v)") {
			t.Errorf("%s under ulimit -v: exit %d, want 1 and a refusal naming RLIMIT_AS:\n%.600s", args[0], code, msg)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the refused run left its folder")
	}
}

// TestDiskFull fills a real disk (a 2 MiB tmpfs; mounting one needs root) with a run
// whose spikes, which the preflight cannot foresee, need more: the run stops saying
// the disk is full, that its checkpoint is intact, and how to resume (the message used
// not to mention -resume); with room made, the resume gives the files of a run never
// stopped.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	disk := filepath.Join(dir, "disk")
	os.Mkdir(disk, 0o755)
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=2m"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	defer syscall.Unmount(disk, 0)
	spec := filepath.Join(dir, "spikes.toml")
	os.WriteFile(spec, []byte("n = 20000\nsteps = 2000\ncheckpoint_every = 100\n[input]\nbias = 1.2\n[record]\nspikes = true\nrate = true\ntraces = [0, 19999]\nstate = true\n"), 0o644)
	whole := filepath.Join(dir, "whole")
	if code, _, errs := run(t, "run", "-config", spec, "-o", whole, "-backend", "cpu"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	out := filepath.Join(disk, "out")
	code, _, errs := run(t, "run", "-config", spec, "-o", out, "-backend", "cpu")
	for _, want := range []string{"the disk of " + out + " is full", "no space left on device", "are intact", "free some space", "then resume with: lifgpu run -resume " + out} {
		if code != 1 || !strings.Contains(errs, want) {
			t.Errorf("exit %d, want 1 and %q in:\n%s", code, want, errs)
		}
	}
	if err := syscall.Mount("tmpfs", disk, "tmpfs", syscall.MS_REMOUNT, "size=64m"); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "run", "-resume", out); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errs)
	}
	sameOutputs(t, whole, out, "resumed after the disk was full")
}
