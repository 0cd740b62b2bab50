package cpu_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/compare"

	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
)

// netScale sizes the random networks compared with the reference.
var netScale = conformance.Scale{MaxN: 1500, MaxSteps: 400, Cases: 12}

// TestNetworkHandComputed checks every kernel against the post neuron's potential
// worked out from the contract.
func TestNetworkHandComputed(t *testing.T) {
	for _, k := range cpu.Kernels() {
		t.Run(k, func(t *testing.T) { conformance.HandComputed(t, factory(cpu.Options{Kernel: k})) })
	}
}

// TestNetworkStoredProcedural: a Bernoulli projection gives the same bits stored and
// procedural, on every kernel.
func TestNetworkStoredProcedural(t *testing.T) {
	for _, k := range cpu.Kernels() {
		t.Run(k, func(t *testing.T) { conformance.StoredProcedural(t, factory(cpu.Options{Kernel: k})) })
	}
}

// TestNetwork compares every kernel's fast path with the reference on random networks,
// bit for bit, rings and currents included, after every Run and Forward of a random plan.
func TestNetwork(t *testing.T) {
	for _, k := range cpu.Kernels() {
		if k == "reference" {
			continue
		}
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			conformance.Network(t, factory(cpu.Options{Kernel: k}), netScale)
		})
	}
}

// TestNetworkLongDelays: networks whose shortest delay lets the fast path advance
// blocks through several steps between propagations.
func TestNetworkLongDelays(t *testing.T) {
	for _, k := range cpu.Kernels() {
		if k == "reference" {
			continue
		}
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			conformance.NetworkLongDelays(t, factory(cpu.Options{Kernel: k}), netScale)
		})
	}
}

// TestNetworkWorkersAndChunks: a network's results do not depend on the number of
// workers or on the chunk length (which the shortest delay caps).
func TestNetworkWorkersAndChunks(t *testing.T) {
	sc := conformance.Scale{MaxN: 1200, MaxSteps: 150, Cases: 3}
	for _, o := range []cpu.Options{{Workers: 1}, {Workers: 3, ChunkSteps: 7}, {Workers: 8, ChunkSteps: 1}, {Workers: 2, ChunkSteps: 1000}} {
		t.Run(fmt.Sprintf("workers%d_chunk%d", o.Workers, o.ChunkSteps), func(t *testing.T) {
			conformance.Network(t, factory(o), sc)
			conformance.NetworkLongDelays(t, factory(o), sc)
		})
	}
}

// TestNetworkResume restores every kernel from the reference's state of a network
// (currents and rings with spikes in flight), and the reference from the kernel's.
func TestNetworkResume(t *testing.T) {
	sc := conformance.Scale{MaxN: 1500, MaxSteps: 200, Cases: 4}
	for _, k := range cpu.Kernels() {
		if k == "reference" {
			continue
		}
		t.Run(k, func(t *testing.T) { conformance.NetworkResume(t, factory(cpu.Options{Kernel: k}), sc) })
	}
}

// TestNetworkForward drives a network by Forward alone, a per-neuron x each step, on
// every kernel: bit for bit the reference's, the spikes of each step propagated before
// the next.
func TestNetworkForward(t *testing.T) {
	cfg := conformance.RandomNetwork(rand.New(rand.NewPCG(7, 8)), 2000)
	for _, k := range cpu.Kernels() {
		if k == "reference" {
			continue
		}
		t.Run(k, func(t *testing.T) {
			want, err := cpu.New(cfg, cpu.Options{Kernel: "reference"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := cpu.New(cfg, cpu.Options{Kernel: k})
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float32, cfg.N)
			xr := rand.New(rand.NewPCG(9, 10))
			for s := range 200 {
				for i := range x {
					x[i] = float32(xr.NormFloat64() * 3)
				}
				for _, p := range []lifgpu.Population{want, got} {
					if err := p.Forward(lifgpu.Float32s(x)); err != nil {
						t.Fatal(err)
					}
				}
				if s%20 == 19 {
					if d := compare.Populations(want, got); d != "" {
						t.Fatalf("after %d Forward steps: %s", s+1, d)
					}
				}
			}
		})
	}
}
