package conn

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/lifgpu/lifgpu"
)

func netConfig(n int, seed uint64) lifgpu.Config {
	r := rand.New(rand.NewPCG(seed, 3))
	ex := lifgpu.Projection{Name: "explicit"}
	for range 300 {
		ex.Pre = append(ex.Pre, int32(r.IntN(n)))
		ex.Post = append(ex.Post, int32(r.IntN(n)))
		ex.Weight = append(ex.Weight, 3*r.NormFloat64())
		ex.Delay = append(ex.Delay, 0.1*float64(1+r.IntN(20)))
	}
	return lifgpu.Config{N: n, Seed: seed, Projections: []lifgpu.Projection{
		ex,
		{Name: "EE", PreRange: lifgpu.Range{Lo: 0, Hi: n * 4 / 5}, PostRange: lifgpu.Range{Lo: 0, Hi: n}, P: 0.05,
			WeightDist: lifgpu.Dist{Mean: 1.62, Std: 0.3}, DelayDist: lifgpu.Dist{Mean: 1.5, Std: 0.75}, NoAutapses: true},
		{Name: "IE", PreRange: lifgpu.Range{Lo: n * 4 / 5, Hi: n}, PostRange: lifgpu.Range{Lo: 0, Hi: n}, InDegree: 12,
			WeightDist: lifgpu.Dist{Mean: -9}, DelayDist: lifgpu.Dist{Mean: 0.8}, NoMultapses: true},
		{Name: "proc", PreRange: lifgpu.Range{Lo: 0, Hi: n}, PostRange: lifgpu.Range{Lo: n / 2, Hi: n}, P: 0.02,
			WeightDist: lifgpu.Dist{Mean: 0.5, Std: 0.5}, DelayDist: lifgpu.Dist{Mean: 0.3}, Procedural: true},
	}}
}

// all is every synapse of net as (pre, post, wq, d), sorted.
func allSynapses(net *Network, n int) [][4]int {
	var out [][4]int
	for i := range n {
		post, wq, d := net.Row(i)
		for k := range post {
			out = append(out, [4]int{i, int(post[k]), int(wq[k]), int(d[k])})
		}
		for _, g := range net.Proc {
			if i >= g.Pre.Lo && i < g.Pre.Hi {
				g.Row(i, func(j int, w int32, dd int) { out = append(out, [4]int{i, j, int(w), dd}) })
			}
		}
	}
	slices.SortFunc(out, func(a, b [4]int) int { return slices.Compare(a[:], b[:]) })
	return out
}

// TestBuildWorkers: the network does not depend on the number of workers.
func TestBuildWorkers(t *testing.T) {
	cfg := netConfig(700, 5)
	a, err := Build(cfg, 0.1, nt, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(cfg, 0.1, nt, 5)
	if err != nil {
		t.Fatal(err)
	}
	if a.Q != b.Q || a.D != b.D || a.MinDelay != b.MinDelay || !slices.Equal(a.RowStart, b.RowStart) ||
		!slices.Equal(a.Post, b.Post) || !slices.Equal(a.Wq, b.Wq) || !slices.Equal(a.Delay, b.Delay) {
		t.Fatalf("1 worker and 5 workers built different networks")
	}
	t.Logf("q %d, D %d, min delay %d, %d synapses (%d stored), %v a projection", a.Q, a.D, a.MinDelay, a.Synapses, a.Stored, a.Projected)
}

// TestResolution: q is the largest integer in [0, 30] for which every neuron's sum of
// |w_q| is at most 2^24 - 1, found by brute force here.
func TestResolution(t *testing.T) {
	for seed := range uint64(6) {
		cfg := netConfig(200+int(seed)*50, seed)
		// Scale the weights so that the resolution lands anywhere in [0, 30].
		scale := math.Ldexp(1, int(seed)*5-13)
		for k := range cfg.Projections {
			p := &cfg.Projections[k]
			for i := range p.Weight {
				p.Weight[i] *= scale
			}
			p.WeightDist.Mean *= scale
			p.WeightDist.Std *= scale
		}
		net, err := Build(cfg, 0.1, nt, 2)
		if err != nil {
			t.Fatal(err)
		}
		sums := func(q int) int64 {
			s := make([]int64, cfg.N)
			b := &builder{n: cfg.N, workers: 1}
			for k, p := range cfg.Projections {
				b.rules = append(b.rules, newRule(k, p, cfg.Seed, 0.1, nt))
			}
			for _, r := range b.rules {
				for u := range r.units() {
					r.visit(u, func(sy synapse) { s[sy.post] += abs64(Quantize(sy.w, q)) })
				}
			}
			return slices.Max(s)
		}
		want := -1
		for q := MaxQ; q >= 0; q-- {
			if sums(q) <= MaxInput {
				want = q
				break
			}
		}
		if net.Q != want {
			t.Errorf("seed %d (weights x %g): q = %d, brute force %d", seed, scale, net.Q, want)
		}
		if net.Q < MaxQ && sums(net.Q+1) <= MaxInput {
			t.Errorf("seed %d: q+1 fits too", seed)
		}
	}
}

func TestRequestedResolution(t *testing.T) {
	cfg := netConfig(300, 1)
	net, err := Build(cfg, 0.1, nt, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Synapses.WeightResolution = math.Ldexp(1, -(net.Q - 2))
	coarse, err := Build(cfg, 0.1, nt, 0)
	if err != nil || coarse.Q != net.Q-2 {
		t.Fatalf("coarser resolution: q %v, %v", coarse, err)
	}
	cfg.Synapses.WeightResolution = math.Ldexp(1, -(net.Q + 1))
	_, err = Build(cfg, 0.1, nt, 0)
	var re *ResolutionError
	if !errors.As(err, &re) || !re.Requested || re.Finest != net.Q || re.Need <= MaxInput {
		t.Fatalf("too fine a resolution: %v", err)
	}
	t.Log(err)
}

// TestStoredProcedural: a Bernoulli projection's procedural rows are its stored rows.
func TestStoredProcedural(t *testing.T) {
	cfg := netConfig(500, 9)
	proc := cfg
	proc.Projections = slices.Clone(cfg.Projections)
	proc.Projections[1].Procedural = true
	cfg.Projections = slices.Clone(cfg.Projections)
	cfg.Projections[3].Procedural = false
	a, err := Build(cfg, 0.1, nt, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(proc, 0.1, nt, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.Q != b.Q || a.Synapses != b.Synapses {
		t.Fatalf("q %d/%d, synapses %d/%d", a.Q, b.Q, a.Synapses, b.Synapses)
	}
	if !slices.Equal(allSynapses(a, cfg.N), allSynapses(b, cfg.N)) {
		t.Fatal("stored and procedural rows differ")
	}
}

// TestInDegree: without multapses a post neuron's pre neurons are distinct (and never
// itself without autapses); with them, the picks are uniform over the pre range.
func TestInDegree(t *testing.T) {
	p := lifgpu.Projection{PreRange: lifgpu.Range{Lo: 10, Hi: 60}, PostRange: lifgpu.Range{Lo: 0, Hi: 100}, InDegree: 49,
		WeightDist: lifgpu.Dist{Mean: 1}, DelayDist: lifgpu.Dist{Mean: 0.1}, NoMultapses: true, NoAutapses: true}
	r := newRule(0, p, 4, 0.1, nt)
	for j := range 100 {
		picks := r.inDegree(j)
		seen := map[int]bool{}
		for _, pre := range picks {
			if seen[pre] || pre < 10 || pre >= 60 || pre == j {
				t.Fatalf("post %d: picks %v", j, picks)
			}
			seen[pre] = true
		}
		if len(picks) != 49 {
			t.Fatalf("post %d: %d picks", j, len(picks))
		}
	}
	p.NoMultapses, p.NoAutapses, p.InDegree = false, false, 400
	r = newRule(0, p, 4, 0.1, nt)
	counts := make([]float64, 50)
	for j := range 100 {
		for _, pre := range r.inDegree(j) {
			counts[pre-10]++
		}
	}
	exp := make([]float64, 50)
	for i := range exp {
		exp[i] = 100 * 400 / 50.0
	}
	chiSquare(t, "in-degree picks", counts, exp, 1e-3)
}

// TestDrawnValues: drawn weights have the Dist's mean and std (clipped at 0 against the
// mean's sign), drawn delays are rounded and clipped to at least one step.
func TestDrawnValues(t *testing.T) {
	var ws, ds []float64
	neg := 0
	for key := range 200 {
		for m := range 100 {
			w := DrawnWeight(1, 3, key, m, 1.62, 0.5, nt)
			ws = append(ws, float64(w))
			if w < 0 {
				neg++
			}
			ds = append(ds, float64(DrawnDelay(1, 4, key, m, 15, 7.5, nt)))
		}
	}
	mw, sw := stat.MeanStdDev(ws, nil)
	if math.Abs(mw-1.62) > 0.02 || math.Abs(sw-0.5) > 0.02 || neg != 0 {
		t.Errorf("weights: mean %g, std %g, %d negative", mw, sw, neg)
	}
	if slices.Min(ds) != 1 {
		t.Errorf("delays: the shortest is %g steps, want the clip at 1", slices.Min(ds))
	}
	md, _ := stat.MeanStdDev(ds, nil)
	if math.Abs(md-15.2) > 0.5 { // the clip at 1 lifts the mean slightly
		t.Errorf("delays: mean %g steps", md)
	}
	// A weight clipped at 0: mean 0.1, std 1 gives 0 for about 46% of the draws.
	zero := 0
	for m := range 10000 {
		if DrawnWeight(2, 3, 0, m, 0.1, 1, nt) == 0 {
			zero++
		}
	}
	if zero < 4300 || zero > 4900 {
		t.Errorf("%d of 10000 weights clipped, want about 4600", zero)
	}
}
