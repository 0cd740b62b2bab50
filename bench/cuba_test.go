package bench_test

import (
	"math"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/bench"
)

func TestSpikeDynamics(t *testing.T) {
	// Neuron 0 fires every 10 steps (CV 0), neuron 1 at 0, 10, 30, 60 (ISIs 10, 20,
	// 30: CV = sqrt(2/3)*10/20), neuron 2 twice (not counted in the CV).
	rec := &lifgpu.Recording{}
	add := func(i int32, steps ...int32) {
		for _, s := range steps {
			rec.SpikeSteps = append(rec.SpikeSteps, s)
			rec.SpikeIDs = append(rec.SpikeIDs, i)
		}
	}
	add(0, 0, 10, 20, 30, 40)
	add(1, 0, 10, 30, 60)
	add(2, 5, 50)
	d := bench.SpikeDynamics(rec, 4, 0.5)
	if d.Spikes != 11 || d.RateHz != 11.0/4/0.5 {
		t.Errorf("spikes %d, rate %g", d.Spikes, d.RateHz)
	}
	want := (0 + math.Sqrt(200.0/3)/20) / 2
	if math.Abs(d.CV-want) > 1e-12 {
		t.Errorf("CV %g, want %g", d.CV, want)
	}
}

func TestAgree(t *testing.T) {
	a := bench.Dynamics{RateHz: 5.6, CV: 0.52}
	if ok, how := bench.Agree(a, bench.Dynamics{RateHz: 5.7, CV: 0.5}); !ok {
		t.Errorf("close dynamics disagree: %s", how)
	}
	if ok, _ := bench.Agree(a, bench.Dynamics{RateHz: 9, CV: 0.5}); ok {
		t.Error("a 60% rate difference agrees")
	}
	if ok, _ := bench.Agree(a, bench.Dynamics{RateHz: 5.6, CV: 0.9}); ok {
		t.Error("CVs 0.52 and 0.9 agree")
	}
}

// TestCUBA: the network is built as documented: 80% excitatory, p = 80/n, weights
// 1.62 and -9 nA, one-step delays, u0 in [-60, -50).
func TestCUBA(t *testing.T) {
	cfg := bench.CUBA(5000, 3)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e, i := cfg.Projections[0], cfg.Projections[1]
	if e.PreRange != (lifgpu.Range{Lo: 0, Hi: 4000}) || i.PreRange != (lifgpu.Range{Lo: 4000, Hi: 5000}) || e.P != 0.016 ||
		e.WeightDist.Mean != 1.62 || i.WeightDist.Mean != -9 || e.DelayDist.Mean != 0.1 {
		t.Errorf("projections %+v, %+v", e, i)
	}
	for k := range cfg.N {
		if u := cfg.Params.U0.At(k); u < -60 || u >= -50 {
			t.Fatalf("u0[%d] = %g", k, u)
		}
	}
}

// TestNetwork: the scaled workload keeps CUBA's mean input (p times the weight) at any
// in-degree, and marks its projections procedural when asked.
func TestNetwork(t *testing.T) {
	for _, k := range []int{80, 100, 1000} {
		cfg := bench.Network(1_000_000, k, k == 1000, 1)
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, pr := range cfg.Projections {
			if pr.Procedural != (k == 1000) {
				t.Errorf("k = %d: %s procedural %v", k, pr.Name, pr.Procedural)
			}
			want := 1.62 * 80 / 1e6
			if pr.Name == "I" {
				want = -9 * 80 / 1e6
			}
			if got := pr.P * pr.WeightDist.Mean; math.Abs(got-want) > 1e-12 {
				t.Errorf("k = %d: %s p*w = %g, want %g", k, pr.Name, got, want)
			}
		}
	}
}
