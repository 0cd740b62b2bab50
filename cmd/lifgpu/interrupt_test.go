package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildSpec is a network whose synapses take seconds to draw (64 million, fixed
// in-degree: 8 s on the 2-core development machine, then as long again for the CPU
// population's own copy).
const buildSpec = `
n = 8000
steps = 100
[synapses]
tau_syn_ex = 5.0
[[projection]]
pre = [0, 8000]
post = [0, 8000]
in_degree = 8000
weight = 0.001
delay = 1.0
`

// TestSignalWhileBuilding: the first SIGINT ends a run that is building its network,
// outside the step loop, at once: status 130, a message that says nothing was written,
// no folder left. It used to be noted only: the run built the network, then the
// population's copy, and stopped at its first step, a quarter of a minute later.
func TestSignalWhileBuilding(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocesses")
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "net.toml")
	os.WriteFile(spec, []byte(buildSpec), 0o644)
	out := filepath.Join(dir, "out")
	cmd := command("run", "-config", spec, "-o", out, "-backend", "cpu")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The run takes its folder once the spec is read, then draws the synapses.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(out); err == nil {
			break
		}
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	took := time.Since(start)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit %v, want %d\n%s", err, exitInterrupted, stderr.String())
	}
	if took > 3*time.Second {
		t.Errorf("the run took %v to stop after the signal", took.Round(time.Millisecond))
	}
	msg := stderr.String()
	if !strings.Contains(msg, "interrupted while building the network, before the run started: nothing was written") &&
		!strings.Contains(msg, "interrupted while making the population, before the run started") {
		t.Errorf("message:\n%s", msg)
	}
	if strings.Contains(msg, "resume with") {
		t.Errorf("a resume hint for a run that never started:\n%s", msg)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the run that never started left its folder")
	}
}
