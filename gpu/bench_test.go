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

// brunel is a sparse balanced network of n neurons (80% excitatory), each neuron
// receiving about 100 synapses (p = 100/n, Bernoulli), delays of 1.5 ms (pairs of 15
// steps), noisy drive near threshold: a few to tens of Hz.
func brunel(n int, procedural bool) lifgpu.Config {
	cfg := lifgpu.Config{N: n, Seed: 7}
	cfg.Params = lifgpu.Params{Dt: 0.1, TRef: lifgpu.Scalar(2)}
	cfg.Input.Bias = lifgpu.Scalar(0.45)
	cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(0.5)}
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Scalar(0.5), TauSynIn: lifgpu.Scalar(0.5)}
	exc := lifgpu.Range{Lo: 0, Hi: 4 * n / 5}
	all := lifgpu.Range{Lo: 0, Hi: n}
	p := 100 / float64(n)
	cfg.Projections = []lifgpu.Projection{
		{Name: "E", PreRange: exc, PostRange: all, P: p, Procedural: procedural,
			WeightDist: lifgpu.Dist{Mean: 0.1}, DelayDist: lifgpu.Dist{Mean: 1.5}},
		{Name: "I", PreRange: lifgpu.Range{Lo: exc.Hi, Hi: n}, PostRange: all, P: p, Procedural: procedural,
			WeightDist: lifgpu.Dist{Mean: -0.5, Std: 0.05}, DelayDist: lifgpu.Dist{Mean: 1.5}},
	}
	return cfg
}

// BenchmarkNetwork runs the brunel network (1000 steps a run, spike counts only),
// stored and procedural, and reports neuron updates and synaptic events (a spike times
// its row's synapses) a second.
func BenchmarkNetwork(b *testing.B) {
	const steps = 1000
	for _, n := range []int{10_000, 100_000} {
		for _, proc := range []bool{false, true} {
			b.Run(fmt.Sprintf("procedural=%v/n=%d", proc, n), func(b *testing.B) {
				cfg := brunel(n, proc)
				p := newPop(b, cfg, Options{})
				b.Logf("%s, %s, N = %d, %d steps, %d synapses", p.Backend(), time.Now().Format(time.DateOnly), n, steps, p.m.Net.Synapses)
				if err := p.Run(steps); err != nil { // compile, size the dispatches
					b.Fatal(err)
				}
				before := make([]uint32, n)
				after := make([]uint32, n)
				if err := p.Counts(before); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if err := p.Run(steps); err != nil {
						b.Fatal(err)
					}
				}
				if err := p.Counts(after); err != nil {
					b.Fatal(err)
				}
				spikes, events := 0.0, 0.0
				rows := rowLens(p)
				for i := range n {
					s := float64(after[i] - before[i])
					spikes += s
					events += s * float64(rows[i])
				}
				sec := b.Elapsed().Seconds()
				b.ReportMetric(float64(n)*steps*float64(b.N)/sec, "neuron-updates/s")
				b.ReportMetric(events/sec, "synaptic-events/s")
				b.ReportMetric(spikes/float64(n)/(float64(b.N)*steps*0.1e-3), "Hz")
			})
		}
	}
}

// rowLens is every neuron's synapses as a pre neuron, stored and procedural.
func rowLens(p *Population) []int {
	net := p.m.Net
	out := make([]int, p.m.N)
	for i := range out {
		out[i] = int(net.RowStart[i+1] - net.RowStart[i])
	}
	for _, g := range net.Proc {
		for i := g.Pre.Lo; i < g.Pre.Hi; i++ {
			g.Row(i, func(int, int32, int) { out[i]++ })
		}
	}
	return out
}
