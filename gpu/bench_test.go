//go:build cgo && egl

package gpu

import (
	"fmt"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu"
)

// benchSizes is the size ladder of the GPU benchmarks. llvmpipe runs about 1e9 updates
// a second on two cores, so the ladder stops at 2^20 there; on a GPU go further with
// -bench and a larger ladder.
var benchSizes = []int{1 << 16, 1 << 20}

// BenchmarkRunW1 is workload W1 (1000 steps) through fused Run, recording spike
// counts only or the spike list too, and through Forward, one dispatch a step.
func BenchmarkRunW1(b *testing.B) {
	const steps = 1000
	for _, n := range benchSizes {
		for _, mode := range []string{"counts", "spikes", "forward"} {
			b.Run(fmt.Sprintf("%s/n=%d", mode, n), func(b *testing.B) {
				rec := lifgpu.Record{Spikes: mode == "spikes"}
				p := newPop(b, w1(n, rec), Options{})
				b.Logf("%s, %s, N = %d, %d steps, W1", p.Backend(), time.Now().Format(time.DateOnly), n, steps)
				// one warm-up run compiles the shader and sizes the dispatches
				if err := p.Run(steps); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if mode == "forward" {
						for range steps {
							if err := p.Forward(lifgpu.Scalar(0)); err != nil {
								b.Fatal(err)
							}
						}
					} else if err := p.Run(steps); err != nil {
						b.Fatal(err)
					}
					// keep the host recording from growing over iterations
					p.h.Rec.SpikeSteps, p.h.Rec.SpikeIDs = p.h.Rec.SpikeSteps[:0], p.h.Rec.SpikeIDs[:0]
				}
				b.ReportMetric(float64(n)*steps*float64(b.N)/b.Elapsed().Seconds(), "neuron-updates/s")
				b.ReportMetric(float64(p.k), "steps/dispatch")
			})
		}
	}
}

// BenchmarkRandomW1 is workload W1 through fused Run (counts only) with random input
// beside the plain one: Gaussian noise (std 5 nA), Poisson input (1 kHz of 2 nA
// events: 0.1 a step) and both, to show what the draws cost.
func BenchmarkRandomW1(b *testing.B) {
	const steps = 1000
	inputs := []struct {
		name string
		in   lifgpu.Input
	}{
		{"plain", lifgpu.Input{}},
		{"noise", lifgpu.Input{Noise: lifgpu.Noise{Std: lifgpu.Scalar(5)}}},
		{"poisson", lifgpu.Input{Poisson: lifgpu.Poisson{Rate: lifgpu.Scalar(1000), Weight: lifgpu.Scalar(2)}}},
		{"both", lifgpu.Input{Noise: lifgpu.Noise{Std: lifgpu.Scalar(5)}, Poisson: lifgpu.Poisson{Rate: lifgpu.Scalar(1000), Weight: lifgpu.Scalar(2)}}},
	}
	for _, n := range benchSizes {
		for _, in := range inputs {
			b.Run(fmt.Sprintf("%s/n=%d", in.name, n), func(b *testing.B) {
				cfg := w1(n, lifgpu.Record{})
				cfg.Input.Noise, cfg.Input.Poisson, cfg.Seed = in.in.Noise, in.in.Poisson, 1
				p := newPop(b, cfg, Options{})
				b.Logf("%s, %s, N = %d, %d steps, W1 + %s", p.Backend(), time.Now().Format(time.DateOnly), n, steps, in.name)
				if err := p.Run(steps); err != nil { // compile, size the dispatches
					b.Fatal(err)
				}
				for b.Loop() {
					if err := p.Run(steps); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*steps*float64(b.N)/b.Elapsed().Seconds(), "neuron-updates/s")
				b.ReportMetric(float64(p.k), "steps/dispatch")
			})
		}
	}
}
