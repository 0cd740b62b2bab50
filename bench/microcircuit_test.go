package bench_test

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/internal/npy"
	"github.com/lifgpu/lifgpu/internal/spec"
)

func TestPSCFromPSP(t *testing.T) {
	// NEST's microcircuit: 0.15 mV gives 87.8 pA with C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms.
	if got := bench.PSCFromPSP(0.15, 250, 10, 0.5); math.Abs(got-87.81) > 0.01 {
		t.Errorf("PSC %g pA, want 87.81", got)
	}
}

// TestMicrocircuit: the full-scale network has the published size, about 3e8
// synapses, and the doubled L4E -> L2/3E weight; a scaled one keeps the in-degrees.
func TestMicrocircuit(t *testing.T) {
	full, err := bench.Microcircuit(1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if full.N != 77169 || len(full.Groups) != 8 {
		t.Fatalf("n %d, %d groups", full.N, len(full.Groups))
	}
	var syn float64
	for _, p := range full.Projections {
		syn += float64(p.InDegree * p.PostRange.Len())
		if p.Name == "L4E->L23E" && math.Abs(p.WeightDist.Mean-2*0.08781) > 1e-4 {
			t.Errorf("L4E->L23E weight %g nA", p.WeightDist.Mean)
		}
	}
	if syn < 2.9e8 || syn > 3.1e8 {
		t.Errorf("%g synapses at full scale, want about 3e8", syn)
	}
	tenth, err := bench.Microcircuit(0.1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := tenth.Validate(); err != nil {
		t.Fatal(err)
	}
	if tenth.N < 7700 || tenth.N > 7730 || tenth.Projections[0].InDegree != full.Projections[0].InDegree {
		t.Errorf("scale 0.1: n %d, in-degree %d (full %d)", tenth.N, tenth.Projections[0].InDegree, full.Projections[0].InDegree)
	}
	t.Logf("full scale: %d neurons, %.3g synapses, %d projections", full.N, syn, len(full.Projections))
}

var update = flag.Bool("update", false, "rewrite testdata/specs/microcircuit*.toml and their arrays")

// TestMicrocircuitSpecs: testdata/specs/microcircuit.toml (full scale) and
// microcircuit-0.1.toml are what bench.MicrocircuitSpec writes, and load as the same
// network as bench.Microcircuit.
func TestMicrocircuitSpecs(t *testing.T) {
	dir := filepath.Join("..", "testdata", "specs")
	for _, c := range []struct {
		scale float64
		name  string
	}{{1, "microcircuit"}, {0.1, "microcircuit-0.1"}} {
		text, u0, rate, err := bench.MicrocircuitSpec(c.scale, 1, 10_000, c.name+"_u0.npy", c.name+"_rate.npy")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, c.name+".toml")
		if *update {
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := npy.WriteNPY(filepath.Join(dir, c.name+"_u0.npy"), npy.Array{Data: u0}); err != nil {
				t.Fatal(err)
			}
			if err := npy.WriteNPY(filepath.Join(dir, c.name+"_rate.npy"), npy.Array{Data: rate}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != text {
			t.Fatalf("%s differs from what bench.MicrocircuitSpec writes (%v): go test ./bench -run TestMicrocircuitSpecs -update", path, err)
		}
		s, err := spec.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := s.Config()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := bench.Microcircuit(c.scale, 1)
		if cfg.N != want.N || len(cfg.Projections) != len(want.Projections) {
			t.Fatalf("%s: %d neurons, %d projections; want %d, %d", path, cfg.N, len(cfg.Projections), want.N, len(want.Projections))
		}
		for k, p := range cfg.Projections {
			w := want.Projections[k]
			if p.PreRange != w.PreRange || p.PostRange != w.PostRange || p.InDegree != w.InDegree || p.WeightDist != w.WeightDist || p.DelayDist != w.DelayDist {
				t.Fatalf("%s: projection %d is %+v, want %+v", path, k, p, w)
			}
		}
		for i := range cfg.N {
			if cfg.Params.U0.At(i) != want.Params.U0.At(i) || cfg.Input.Poisson.Rate.At(i) != want.Input.Poisson.Rate.At(i) {
				t.Fatalf("%s: neuron %d's u0 or rate differs", path, i)
			}
		}
	}
}
