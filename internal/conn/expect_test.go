package conn

import (
	"math"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// TestExpect: the foreseen network has Build's ring and shortest delay exactly, its
// explicit and in-degree counts exactly, and Bernoulli counts within five standard
// deviations.
func TestExpect(t *testing.T) {
	const n, dt = 2000, 0.1
	cases := []struct {
		name  string
		projs []lifgpu.Projection
	}{
		{"none", nil},
		{"explicit", []lifgpu.Projection{{Pre: []int32{0, 1, 5}, Post: []int32{3, 3, 1999}, Weight: []float64{1, -2, 0.5}, Delay: []float64{0.1, 2.34, 0.7}}}},
		{"bernoulli", []lifgpu.Projection{{PreRange: Range{Lo: 0, Hi: 1600}, PostRange: Range{Lo: 0, Hi: n}, P: 0.05,
			WeightDist: lifgpu.Dist{Mean: 0.3}, DelayDist: lifgpu.Dist{Mean: 1.5}, NoAutapses: true}}},
		{"drawn delays", []lifgpu.Projection{
			{PreRange: Range{Lo: 1600, Hi: n}, PostRange: Range{Lo: 0, Hi: n}, P: 0.1, Procedural: true,
				WeightDist: lifgpu.Dist{Mean: -1, Std: 0.1}, DelayDist: lifgpu.Dist{Mean: 1.5, Std: 0.75}},
			{PreRange: Range{Lo: 0, Hi: 1600}, PostRange: Range{Lo: 0, Hi: 1600}, InDegree: 40, NoMultapses: true,
				WeightDist: lifgpu.Dist{Mean: 0.2}, DelayDist: lifgpu.Dist{Mean: 0.8, Std: 2}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := lifgpu.Config{N: n, Seed: 3, Projections: c.projs}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			e := Expect(cfg, dt, nt)
			net, err := Build(cfg, dt, nt, 2)
			if err != nil {
				t.Fatal(err)
			}
			if e.D != net.D || e.MinDelay != net.MinDelay {
				t.Errorf("foreseen D %d, min delay %d; built %d, %d", e.D, e.MinDelay, net.D, net.MinDelay)
			}
			var bernStored, bernProc float64 // expected Bernoulli counts
			for _, p := range c.projs {
				switch {
				case p.Explicit() || p.InDegree > 0:
				case p.Procedural:
					bernProc += float64(expectedCount(p))
				default:
					bernStored += float64(expectedCount(p))
				}
			}
			for _, x := range []struct {
				name       string
				got, built int64
				bern       float64
			}{{"stored", e.Stored, net.Stored, bernStored}, {"procedural", e.Procedural, net.Synapses - net.Stored, bernProc}} {
				if d := math.Abs(float64(x.got - x.built)); d > 5*math.Sqrt(x.bern)+1 {
					t.Errorf("%s: foreseen %d synapses, built %d", x.name, x.got, x.built)
				}
			}
			if bernStored+bernProc == 0 && (e.Stored != net.Stored || e.Procedural != net.Synapses-net.Stored) {
				t.Errorf("exact counts: foreseen %d + %d, built %d + %d", e.Stored, e.Procedural, net.Stored, net.Synapses-net.Stored)
			}
		})
	}
}
