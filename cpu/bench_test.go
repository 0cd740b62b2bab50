package cpu_test

import (
	"fmt"
	"testing"

	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/cpu"
)

// BenchmarkW1 runs workload W1 (1000 steps) at N = 10^6 on each kernel, counting
// spikes only and with the spike list.
func BenchmarkW1(b *testing.B) {
	const n = 1_000_000
	for _, k := range cpu.Kernels() {
		if k == "reference" {
			continue
		}
		for _, spikes := range []bool{false, true} {
			b.Run(fmt.Sprintf("kernel=%s/spikes=%v", k, spikes), func(b *testing.B) {
				var total uint64
				cfg := bench.W1(n, spikes)
				for b.Loop() {
					b.StopTimer()
					pop, err := cpu.New(cfg, cpu.Options{Kernel: k})
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if err := pop.Run(bench.W1Steps); err != nil {
						b.Fatal(err)
					}
					c := make([]uint32, n)
					pop.Counts(c)
					total = 0
					for _, x := range c {
						total += uint64(x)
					}
				}
				b.ReportMetric(float64(n)*bench.W1Steps*float64(b.N)/b.Elapsed().Seconds(), "neuron-updates/s")
				b.ReportMetric(float64(total), "spikes")
			})
		}
	}
}

// BenchmarkW1Reference is the plain contract loop, for scale (one N, fewer steps).
func BenchmarkW1Reference(b *testing.B) {
	const n, steps = 100_000, 100
	for b.Loop() {
		pop, _ := cpu.New(bench.W1(n, false), cpu.Options{Kernel: "reference"})
		pop.Run(steps)
	}
	b.ReportMetric(float64(n)*steps*float64(b.N)/b.Elapsed().Seconds(), "neuron-updates/s")
}
