package cpu_test

import (
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/cpu"
)

// BenchmarkForward is one Forward step of workload W1 at N = 10^6 with the default
// kernel and a scalar x = 0: the per-step path, where the drive is recomputed each call.
func BenchmarkForward(b *testing.B) {
	const n = 1_000_000
	pop, err := cpu.New(bench.W1(n, false), cpu.Options{})
	if err != nil {
		b.Fatal(err)
	}
	x := lifgpu.Scalar(0)
	for b.Loop() {
		if err := pop.Forward(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "neuron-updates/s")
}

// BenchmarkForwardPerNeuron is BenchmarkForward with a per-neuron x (float32, every
// value 0.5): the call checks and converts x, then steps.
func BenchmarkForwardPerNeuron(b *testing.B) {
	const n = 1_000_000
	pop, err := cpu.New(bench.W1(n, false), cpu.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer pop.Close()
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = 0.5
	}
	x := lifgpu.Float32s(xs)
	for b.Loop() {
		if err := pop.Forward(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "neuron-updates/s")
}
