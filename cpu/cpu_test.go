package cpu_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
)

func factory(opts cpu.Options) conformance.Factory {
	return func(cfg lifgpu.Config) (lifgpu.Population, error) { return cpu.New(cfg, opts) }
}

var scale = conformance.Scale{MaxN: 3000, MaxSteps: 700, Cases: 30}

// TestConformance runs the suite on every kernel. The reference, which the others are
// compared with, is not compared with itself: it passes the checks against goldens and
// closed forms, and each other kernel's comparison is one with it.
func TestConformance(t *testing.T) {
	for _, k := range cpu.Kernels() {
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			if k == "reference" {
				conformance.Standalone(t, factory(cpu.Options{Kernel: k}), scale)
				return
			}
			conformance.Run(t, factory(cpu.Options{Kernel: k}), scale)
		})
	}
}

// TestWorkersAndChunks: results do not depend on the number of workers or the steps
// a block advances per call.
func TestWorkersAndChunks(t *testing.T) {
	for _, o := range []cpu.Options{{Workers: 1}, {Workers: 3, ChunkSteps: 7}, {Workers: 8, ChunkSteps: 1}, {Workers: 2, ChunkSteps: 1000}} {
		conformance.Random(t, factory(o), conformance.Scale{MaxN: 5000, MaxSteps: 300, Cases: 6})
	}
}

// TestW1Spikes checks workload W1 at N = 10^6 against the spike total that the C
// reference (../shared/bench/cpu_ref.c, gcc -ffp-contract=off) and DESIGN.md report for
// the same arithmetic: 6,670,161.
func TestW1Spikes(t *testing.T) {
	if testing.Short() {
		t.Skip("10^9 neuron-updates")
	}
	const n = 1_000_000
	pop, err := cpu.New(bench.W1(n, false), cpu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := pop.Run(bench.W1Steps); err != nil {
		t.Fatal(err)
	}
	c := make([]uint32, n)
	pop.Counts(c)
	var total uint64
	for _, x := range c {
		total += uint64(x)
	}
	if total != 6_670_161 {
		t.Errorf("W1 at N=10^6: %d spikes, the C reference gives 6670161", total)
	}
}

// TestResume restores every kernel from the reference's state, and the reference from
// the portable kernel's.
func TestResume(t *testing.T) {
	sc := conformance.Scale{MaxN: 3000, MaxSteps: 300, Cases: 12}
	for _, k := range cpu.Kernels() {
		t.Run(k, func(t *testing.T) {
			if k == "reference" {
				conformance.ResumeAgainst(t, factory(cpu.Options{Kernel: k}), factory(cpu.Options{Kernel: "go"}), sc)
				return
			}
			conformance.Resume(t, factory(cpu.Options{Kernel: k}), sc)
		})
	}
}

// TestNoSelfComparison: the suite refuses to compare the reference with itself, which
// would pass whatever the reference did. The refusals fail a test, so they run in a
// child process of the test binary.
func TestNoSelfComparison(t *testing.T) {
	ref := factory(cpu.Options{Kernel: "reference"})
	sc := conformance.Scale{MaxN: 10, MaxSteps: 10, Cases: 1}
	if os.Getenv("LIFGPU_TEST_SELF_COMPARISON") == "1" {
		t.Run("Random", func(t *testing.T) { conformance.Random(t, ref, sc) })
		t.Run("Resume", func(t *testing.T) { conformance.Resume(t, ref, sc) })
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSelfComparison$", "-test.v")
	cmd.Env = append(os.Environ(), "LIFGPU_TEST_SELF_COMPARISON=1")
	out, err := cmd.CombinedOutput()
	for _, sub := range []string{"Random", "Resume"} {
		if !strings.Contains(string(out), "--- FAIL: TestNoSelfComparison/"+sub) {
			t.Errorf("%s of the reference against itself did not fail", sub)
		}
	}
	if err == nil || strings.Count(string(out), "cpu (reference) compared with itself") < 2 {
		t.Errorf("want refusals naming the reference; exit %v:\n%s", err, out)
	}
}
