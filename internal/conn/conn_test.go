package conn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"strconv"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/rng"
)

var nt = rng.NewNormalTable()

// chiSquare tests observed counts against expected ones (cells with expectation below 5
// pooled into their neighbours) at level alpha, and returns the statistic and critical
// value.
func chiSquare(t *testing.T, name string, obs []float64, exp []float64, alpha float64) {
	t.Helper()
	var o, e []float64
	var co, ce float64
	for i := range obs {
		co += obs[i]
		ce += exp[i]
		if ce >= 5 {
			o, e = append(o, co), append(e, ce)
			co, ce = 0, 0
		}
	}
	if len(o) > 0 {
		o[len(o)-1] += co
		e[len(e)-1] += ce
	}
	x2 := 0.0
	for i := range o {
		x2 += (o[i] - e[i]) * (o[i] - e[i]) / e[i]
	}
	crit := distuv.ChiSquared{K: float64(len(o) - 1)}.Quantile(1 - alpha)
	if x2 > crit {
		t.Errorf("%s: chi-square %.1f > critical %.1f (%d cells, alpha %g)", name, x2, crit, len(o), alpha)
	}
	t.Logf("%s: chi-square %.1f, critical %.1f (%d cells)", name, x2, crit, len(o))
}

// TestBernoulliRows: row lengths follow Binomial(R, p), each post is hit with
// probability p (in-degrees Binomial too), and the gaps are geometric, for p from
// dense to sparse (where a gap needs several tables).
func TestBernoulliRows(t *testing.T) {
	for _, c := range []struct {
		p    float64
		rows int
		R    int
	}{{0.5, 2000, 200}, {0.02, 4000, 4000}, {8e-5, 2000, 100_000}} {
		g := NewGeometric(c.p)
		lens := make([]float64, c.R+1)
		in := make([]int, c.R)
		for i := range c.rows {
			prev := -1
			n := 0
			g.Row(7, 2, i, Range{Lo: 0, Hi: c.R}, func(m, j int) {
				if m != n || j <= prev {
					t.Fatalf("p %g row %d: synapse %d at %d after %d", c.p, i, m, j, prev)
				}
				prev = j
				in[j]++
				n++
			})
			lens[n]++
		}
		bin := distuv.Binomial{N: float64(c.R), P: c.p}
		exp := make([]float64, len(lens))
		for k := range exp {
			exp[k] = float64(c.rows) * bin.Prob(float64(k))
		}
		chiSquare(t, "row lengths, p="+ftoa(c.p), lens, exp, 1e-3)
		// in-degrees: Binomial(rows, p)
		inHist := make([]float64, c.rows+1)
		for _, k := range in {
			inHist[k]++
		}
		binIn := distuv.Binomial{N: float64(c.rows), P: c.p}
		expIn := make([]float64, len(inHist))
		for k := range expIn {
			expIn[k] = float64(c.R) * binIn.Prob(float64(k))
		}
		chiSquare(t, "in-degrees, p="+ftoa(c.p), inHist, expIn, 1e-3)
	}
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func TestGeometricEnds(t *testing.T) {
	var got []int
	NewGeometric(1).Row(1, 2, 0, Range{Lo: 3, Hi: 7}, func(m, j int) { got = append(got, j) })
	if !slices.Equal(got, []int{3, 4, 5, 6}) {
		t.Errorf("p = 1: %v", got)
	}
	NewGeometric(0).Row(1, 2, 0, Range{Lo: 3, Hi: 7}, func(m, j int) { t.Errorf("p = 0 made %d", j) })
	g := NewGeometric(0.3)
	if g.T[len(g.T)-1] != math.MaxUint32 || len(g.T) >= MaxGapLen {
		t.Errorf("p = 0.3: the table should end where its last threshold takes every word: %d entries, last %d", len(g.T), g.T[len(g.T)-1])
	}
	if g := NewGeometric(1e-6); len(g.T) != MaxGapLen {
		t.Errorf("p = 1e-6: %d thresholds, want the cap %d", len(g.T), MaxGapLen)
	}
}

// TestGeometricIndex: the bucket index gives every word the gap of the plain binary
// search over all the thresholds.
func TestGeometricIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range []float64{1e-7, 1e-4, 1e-3, 0.02, 0.3, 0.5, 0.97} {
		g := NewGeometric(p)
		plain := &Geometric{P: g.P, T: g.T}
		words := []uint32{0, 1, math.MaxUint32, math.MaxUint32 - 1}
		for _, x := range g.T {
			words = append(words, x-1, x, x+1)
		}
		for range 200_000 {
			words = append(words, r.Uint32())
		}
		for _, u := range words {
			if a, b := g.count(u), plain.count(u); a != b {
				t.Fatalf("p = %g, word %#x: gap %d with the index, %d without", p, u, a, b)
			}
		}
	}
}

// TestProceduralRows: a procedural projection's rows, by Row and by AppendRow, are the
// rows a stored copy of it holds.
func TestProceduralRows(t *testing.T) {
	const n = 3000
	for k, p := range []lifgpu.Projection{
		{PreRange: Range{Lo: 0, Hi: n}, PostRange: Range{Lo: 0, Hi: n}, P: 0.01, WeightDist: lifgpu.Dist{Mean: 0.5}, DelayDist: lifgpu.Dist{Mean: 1}},
		{PreRange: Range{Lo: 100, Hi: 2000}, PostRange: Range{Lo: 500, Hi: n}, P: 0.2, NoAutapses: true,
			WeightDist: lifgpu.Dist{Mean: -1, Std: 0.7}, DelayDist: lifgpu.Dist{Mean: 0.5, Std: 0.3}},
		{PreRange: Range{Lo: 0, Hi: n}, PostRange: Range{Lo: 0, Hi: n}, P: 1, WeightDist: lifgpu.Dist{Mean: 2}, DelayDist: lifgpu.Dist{Mean: 0.2}},
		{PreRange: Range{Lo: 0, Hi: n}, PostRange: Range{Lo: 0, Hi: n}, P: 2e-5, WeightDist: lifgpu.Dist{Mean: 2}, DelayDist: lifgpu.Dist{Mean: 0.2}},
	} {
		cfg := lifgpu.Config{N: n, Seed: 99}
		p.Procedural = false
		cfg.Projections = []lifgpu.Projection{p}
		stored, err := Build(cfg, 0.1, nt, 2)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Projections[0].Procedural = true
		proc, err := Build(cfg, 0.1, nt, 2)
		if err != nil {
			t.Fatal(err)
		}
		g := proc.Proc[0]
		for i := p.PreRange.Lo; i < p.PreRange.Hi; i++ {
			post, wq, d := stored.Row(i)
			var rp, rw []int32
			var rd []uint16
			g.Row(i, func(j int, w int32, dd int) {
				rp, rw, rd = append(rp, int32(j)), append(rw, w), append(rd, uint16(dd))
			})
			ap, aw, ad := g.AppendRow(i, nil, nil, nil)
			// The stored row is sorted by post, then weight, then delay; a drawn one by
			// post (a Bernoulli row has each post once).
			for _, got := range [][3]any{{rp, rw, rd}, {ap, aw, ad}} {
				if !slices.Equal(got[0].([]int32), post) || !slices.Equal(got[1].([]int32), wq) || !slices.Equal(got[2].([]uint16), d) {
					t.Fatalf("projection %d, row %d: drawn %v %v %v, stored %v %v %v", k, i, got[0], got[1], got[2], post, wq, d)
				}
			}
		}
	}
}
