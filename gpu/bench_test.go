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
					p.rec.SpikeSteps, p.rec.SpikeIDs = p.rec.SpikeSteps[:0], p.rec.SpikeIDs[:0]
				}
				b.ReportMetric(float64(n)*steps*float64(b.N)/b.Elapsed().Seconds(), "neuron-updates/s")
				b.ReportMetric(float64(p.k), "steps/dispatch")
			})
		}
	}
}
