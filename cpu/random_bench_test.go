package cpu_test

import (
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/cpu"
)

// BenchmarkRandom is workload W1 with bench's random inputs (Gaussian noise of std 2
// nA; Poisson input of 800 Hz x 0.5 nA; both) in a fused Run, and with Forward once per
// step, at N = 10^5 for 100 steps a run, on the default kernel. ns/neuron-step is the
// wall time per neuron-update over all workers.
func BenchmarkRandom(b *testing.B) {
	const n, steps = 100_000, 100
	cases := []struct {
		name           string
		noise, poisson bool
		forward        bool
	}{
		{"run", false, false, false},
		{"run+noise", true, false, false},
		{"run+poisson", false, true, false},
		{"run+noise+poisson", true, true, false},
		{"forward+noise", true, false, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			cfg := bench.W1(n, false)
			if c.noise {
				cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(2)}
			}
			if c.poisson {
				cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(800), Weight: lifgpu.Scalar(0.5)}
			}
			pop, err := cpu.New(cfg, cpu.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer pop.Close()
			x := lifgpu.Scalar(0)
			for b.Loop() {
				if c.forward {
					for range steps {
						if err := pop.Forward(x); err != nil {
							b.Fatal(err)
						}
					}
				} else if err := pop.Run(steps); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e9/(float64(n)*steps*float64(b.N)), "ns/neuron-step")
		})
	}
}
