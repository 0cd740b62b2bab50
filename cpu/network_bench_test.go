package cpu

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu"
)

// cuba is the Vogels & Abbott network of Brian2's examples/CUBA.py, as current-based
// LIF neurons (R = 1 MOhm, so the synaptic currents in nA are Brian's ge and gi in mV):
// n neurons, the first 80% excitatory (w = 1.62 nA, tau_syn_ex = 5 ms), the rest
// inhibitory (w = -9 nA, tau_syn_in = 10 ms), u_rest = -49 mV (above threshold: every
// neuron fires on its own), u_reset = -60, u_th = -50, tau_m = 20 ms, t_ref = 5 ms,
// u0 uniform in [u_reset, u_th], dt = 0.1 ms, delays of one step, Bernoulli rows of
// p = k/n (in-degree k on average; the weights scaled by 80/k, so that the mean input
// is CUBA's whatever k), exact integration (Brian's choice for linear equations).
func cuba(n, k int, procedural bool) lifgpu.Config {
	r := rand.New(rand.NewPCG(1, 2))
	u0 := make([]float32, n)
	for i := range u0 {
		u0[i] = float32(-60 + 10*r.Float64())
	}
	cfg := lifgpu.Config{N: n, Seed: 7}
	cfg.Params = lifgpu.Params{Method: lifgpu.Exact, Dt: 0.1, TauM: lifgpu.Scalar(20), R: lifgpu.Scalar(1),
		URest: lifgpu.Scalar(-49), UReset: lifgpu.Scalar(-60), UTh: lifgpu.Scalar(-50), TRef: lifgpu.Scalar(5),
		U0: lifgpu.Float32s(u0)}
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Scalar(5), TauSynIn: lifgpu.Scalar(10)}
	p, scale := float64(k)/float64(n), 80/float64(k)
	ne := n * 4 / 5
	cfg.Projections = []lifgpu.Projection{
		{Name: "excitatory", PreRange: lifgpu.Range{Lo: 0, Hi: ne}, PostRange: lifgpu.Range{Lo: 0, Hi: n}, P: p,
			WeightDist: lifgpu.Dist{Mean: 1.62 * scale}, DelayDist: lifgpu.Dist{Mean: 0.1}, Procedural: procedural},
		{Name: "inhibitory", PreRange: lifgpu.Range{Lo: ne, Hi: n}, PostRange: lifgpu.Range{Lo: 0, Hi: n}, P: p,
			WeightDist: lifgpu.Dist{Mean: -9 * scale}, DelayDist: lifgpu.Dist{Mean: 0.1}, Procedural: procedural},
	}
	return cfg
}

// events counts the synapse activations of the spikes counted in counts: exactly, from
// the stored rows, or, for procedural rows, as the spikes times the mean row length of
// each projection (p times its post range).
func (p *Population) events(counts []uint32) (ev float64, exact bool) {
	net := p.m.Net
	for i, c := range counts {
		if c == 0 {
			continue
		}
		ev += float64(c) * float64(net.RowStart[i+1]-net.RowStart[i])
		for _, g := range net.Proc {
			if i >= g.Pre.Lo && i < g.Pre.Hi {
				ev += float64(c) * g.Gap.P * float64(g.Post.Len())
			}
		}
	}
	return ev, len(net.Proc) == 0
}

// BenchmarkNetwork runs CUBA-like networks (see cuba): Brian2's CUBA at n = 4000 and at
// 400,000 (in-degree 80), 1000 steps from the start as CUBA.py runs; 10^6 neurons with
// 10^8 stored synapses (in-degree 100) and 10^6 neurons with 10^9 procedural ones
// (in-degree 1000), a few hundred steps after 500 steps of warm-up (every neuron has
// fired by then). It reports neuron-updates/s, synaptic events/s (synapse activations),
// the time per step and the mean rate; the network's build (model.Resolve, in New) is
// timed apart, once.
func BenchmarkNetwork(b *testing.B) {
	for _, c := range []struct {
		name        string
		n, k        int
		procedural  bool
		warm, steps int
	}{
		{"cuba4000", 4000, 80, false, 0, 1000},
		{"cuba400k", 400_000, 80, false, 0, 1000},
		{"stored1e8", 1_000_000, 100, false, 500, 300},
		{"procedural1e9", 1_000_000, 1000, true, 500, 200},
	} {
		b.Run(fmt.Sprintf("%s/n=%d/k=%d", c.name, c.n, c.k), func(b *testing.B) {
			cfg := cuba(c.n, c.k, c.procedural)
			debug.FreeOSMemory() // the last case's network
			t0 := time.Now()
			pop, err := New(cfg, Options{})
			if err != nil {
				b.Fatal(err)
			}
			build := time.Since(t0)
			defer pop.Close()
			if err := pop.Run(c.warm); err != nil {
				b.Fatal(err)
			}
			init, err := pop.State()
			if err != nil {
				b.Fatal(err)
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.Logf("%s, %d CPUs: %s: n = %d, %d steps after %d, %s, build %v, heap %.2f GB, %d synapses (%d stored), q = %d; compare BenchmarkW1 (uncoupled) on the same machine",
				time.Now().Format(time.DateOnly), runtime.NumCPU(), c.name, c.n, c.steps, c.warm, pop.Backend(), build.Round(time.Millisecond),
				float64(ms.HeapAlloc)/1e9, pop.m.Net.Synapses, pop.m.Net.Stored, pop.m.Net.Q)
			counts := make([]uint32, c.n)
			var ev float64
			exact := false
			for b.Loop() {
				b.StopTimer()
				if err := pop.Restore(init); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := pop.Run(c.steps); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				pop.Counts(counts)
				for i := range counts {
					counts[i] -= init.Counts[i] // the spikes of the timed steps
				}
				ev, exact = pop.events(counts)
				b.StartTimer()
			}
			var spikes uint64
			for _, x := range counts {
				spikes += uint64(x)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(c.n)*float64(c.steps)/sec, "neuron-updates/s")
			b.ReportMetric(ev/sec, "events/s")
			b.ReportMetric(sec/float64(c.steps)*1e3, "ms/step")
			b.ReportMetric(float64(spikes)/float64(c.n)/(float64(c.steps)*1e-4), "Hz")
			b.ReportMetric(build.Seconds(), "build-s")
			if !exact {
				b.Logf("events estimated from the mean row length (procedural rows)")
			}
		})
	}
}
