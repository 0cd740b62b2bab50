package cpu_test

import (
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

func TestConformance(t *testing.T) {
	for _, k := range cpu.Kernels() {
		t.Run(k, func(t *testing.T) {
			t.Parallel()
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

func TestResume(t *testing.T) {
	for _, k := range cpu.Kernels() {
		t.Run(k, func(t *testing.T) {
			conformance.Resume(t, factory(cpu.Options{Kernel: k}), conformance.Scale{MaxN: 3000, MaxSteps: 300, Cases: 12})
		})
	}
}
