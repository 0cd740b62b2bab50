package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run the command in a subprocess: with LIFGPU_TEST_MAIN set, the
// test binary is lifgpu, its arguments separated by newlines in that variable.
func TestMain(m *testing.M) {
	if args := os.Getenv("LIFGPU_TEST_MAIN"); args != "" {
		os.Exit(Main(strings.Split(args, "\n"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LIFGPU_TEST_MAIN="+strings.Join(args, "\n"))
	return cmd
}

// killSpec runs for about half a second on the 2-core CPU backend (a second or two on
// llvmpipe), checkpointing 33 times.
const killSpec = `
n = 40000
steps = 5000
seed = 5
checkpoint_every = 150
[input]
bias = 0.45
schedule = [ { step = 0, value = 0.0 }, { step = 1000, value = 0.2 } ]
noise = { std = 0.5 }
[record]
spikes = true
rate = true
traces = [0, 39999]
state = true
`

// killNetSpec is a network of about the same cost on the CPU's reference loop (the one
// networks take for now): stored and procedural projections, drawn weights and delays,
// input in flight at every checkpoint.
const killNetSpec = `
n = 3000
steps = 4000
seed = 5
checkpoint_every = 150
[input]
bias = 0.45
noise = { std = 0.5 }
[groups]
E = 2400
I = 600
[synapses]
tau_syn_ex = 5.0
tau_syn_in = 10.0
[[projection]]
pre = "E"
post = [0, 3000]
p = 0.02
weight = { mean = 0.1, std = 0.02 }
delay = { mean = 1.5, std = 0.5 }
[[projection]]
pre = "I"
post = [0, 3000]
p = 0.02
weight = -0.4
delay = 0.8
procedural = true
[record]
spikes = true
rate = true
traces = [0, 2999]
state = true
`

// killSeed seeds the moments of the kills: fixed, so that a failure can be replayed
// (the moments are fractions of a measured run, so the timing itself still varies);
// LIFGPU_KILL_SEED sets another. Seed 9 kills at 0.41, 0.65, 0.80, 0.02, 0.03 and 0.52
// of a run: before the first checkpoint, between checkpoints, near the end.
func killSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(9)
	if s := os.Getenv("LIFGPU_KILL_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			t.Fatalf("LIFGPU_KILL_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("kill moments from seed %d (LIFGPU_KILL_SEED=%d replays them)", seed, seed)
	return seed
}

// killAndResume kills runs of specText with SIGKILL at random moments on backend,
// resumes each once on resumeOn, and compares the files with a run never killed. A
// resume that fails fails the test.
func killAndResume(t *testing.T, specText, backend, resumeOn string, trials int) {
	seed := killSeed(t)
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.toml")
	os.WriteFile(spec, []byte(specText), 0o644)
	whole := filepath.Join(dir, "whole")
	if out, err := command("run", "-config", spec, "-o", whole, "-backend", "cpu").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	start := time.Now()
	if out, err := command("run", "-config", spec, "-o", filepath.Join(dir, "timing"), "-backend", backend).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	full := time.Since(start)
	rng := rand.New(rand.NewPCG(seed, 1))
	resumed := 0
	for trial := range trials {
		out := filepath.Join(dir, "killed", string(rune('a'+trial)))
		frac := rng.Float64()
		delay := time.Duration(frac * float64(full))
		what := fmt.Sprintf("seed %d, trial %d (killed after %v, %.3f of a %v run)", seed, trial, delay.Round(time.Millisecond), frac, full.Round(time.Millisecond))
		cmd := command("run", "-config", spec, "-o", out, "-backend", backend)
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil {
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("%s: the run failed before the kill: %v\n%s", what, err, logs.String())
			}
		}
		t.Log(what)
		if _, err := os.Stat(filepath.Join(out, "job.json")); err != nil {
			t.Logf("trial %d: killed before the job started: nothing to resume", trial)
			continue
		}
		if _, err := os.Stat(filepath.Join(out, "run.json")); err == nil {
			// The run had ended; at most the removal of the checkpoint was cut short,
			// which a resume finishes, saying there is nothing to resume.
			if _, err := os.Stat(filepath.Join(out, "checkpoint.npz")); err == nil {
				res, err := command("run", "-resume", out, "-backend", resumeOn).CombinedOutput()
				if err == nil || !strings.Contains(string(res), "nothing to resume") {
					t.Fatalf("%s: resume of a complete run: %v\n%s", what, err, res)
				}
				if _, err := os.Stat(filepath.Join(out, "checkpoint.npz")); err == nil {
					t.Fatalf("%s: the resume of a complete run left its checkpoint", what)
				}
			}
		} else {
			res, err := command("run", "-resume", out, "-backend", resumeOn).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: resume failed: %v\n%s", what, err, res)
			}
			resumed++
		}
		sameOutputs(t, whole, out, what)
	}
	if resumed == 0 {
		t.Errorf("seed %d: no trial was resumed: every kill came before the job started or after it ended", seed)
	}
}

func sameOutputs(t *testing.T, a, b, what string) {
	t.Helper()
	for _, f := range []string{"spikes.npz", "rate.npz", "traces.npz", "state.npz"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil || !bytes.Equal(x, y) {
			t.Fatalf("%s: %s differs from the uninterrupted run (%v)", what, f, err)
		}
	}
}

func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocesses")
	}
	killAndResume(t, killSpec, "cpu", "cpu", 6)
}

// TestKill9Network: the same with a network: the checkpoints carry the synaptic
// currents and the delay rings.
func TestKill9Network(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocesses")
	}
	killAndResume(t, killNetSpec, "cpu", "cpu", 4)
}

// TestKill9GPU: the same on the GPU backend, resumed on the CPU (the bits are shared).
func TestKill9GPU(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocesses")
	}
	needGPU(t)
	killAndResume(t, killSpec, "gpu", "cpu", 3)
}

// TestKill9GPUNetwork: a network killed on the GPU resumes on the CPU (it runs once the
// GPU backend runs networks; see needGPUNetworks).
func TestKill9GPUNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocesses")
	}
	needGPUNetworks(t)
	killAndResume(t, killNetSpec, "gpu", "cpu", 2)
}

// TestSignals: SIGTERM writes a checkpoint and exits with status 130, saying how to
// resume, and the resumed run matches one never stopped; two SIGINTs in a row stop at
// once, and what is on disk still resumes to the same files.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocesses")
	}
	dir := t.TempDir()
	specs := map[string]string{
		"plain":   strings.Replace(killSpec, "steps = 5000", "steps = 12000", 1),
		"network": strings.Replace(killNetSpec, "steps = 4000", "steps = 8000", 1),
	}
	wholes := map[string]string{}
	for name, text := range specs {
		spec := filepath.Join(dir, name+".toml")
		os.WriteFile(spec, []byte(text), 0o644)
		whole := filepath.Join(dir, "whole-"+name)
		if out, err := command("run", "-config", spec, "-o", whole, "-backend", "cpu").CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		wholes[name] = whole
	}
	for _, c := range []struct {
		name, spec string
		sigs       []syscall.Signal
	}{
		{"term", "plain", []syscall.Signal{syscall.SIGTERM}},
		{"int-int", "plain", []syscall.Signal{syscall.SIGINT, syscall.SIGINT}},
		{"network-term", "network", []syscall.Signal{syscall.SIGTERM}},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec, whole := filepath.Join(dir, c.spec+".toml"), wholes[c.spec]
			out := filepath.Join(dir, c.name)
			cmd := command("run", "-config", spec, "-o", out, "-backend", "cpu")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if _, err := os.Stat(filepath.Join(out, "checkpoint.npz")); err == nil {
					break
				}
			}
			for _, sig := range c.sigs {
				cmd.Process.Signal(sig)
			}
			err := cmd.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitInterrupted {
				t.Fatalf("exit %v, want %d\n%s", err, exitInterrupted, stderr.String())
			}
			if len(c.sigs) == 1 && !strings.Contains(stderr.String(), "lifgpu run -resume "+out) {
				t.Errorf("no resume hint:\n%s", stderr.String())
			}
			if res, err := command("run", "-resume", out).CombinedOutput(); err != nil {
				t.Fatalf("resume: %v\n%s", err, res)
			}
			sameOutputs(t, whole, out, c.name)
		})
	}
}
