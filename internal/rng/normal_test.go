package rng

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// ksCritical is the asymptotic critical value of the one-sample Kolmogorov-Smirnov
// statistic at significance alpha for n samples: sqrt(-ln(alpha/2)/2)/sqrt(n)
// (1.9495/sqrt(n) at alpha = 0.001).
// mainFirst is the first main-table cell outside the lower tail.
const mainFirst = 1 << (NormalBits - NormalTailBits)

func ksCritical(n int, alpha float64) float64 {
	return math.Sqrt(-math.Log(alpha/2)/2) / math.Sqrt(float64(n))
}

// ksStatistic returns sup |F_n(x) - cdf(x)| of the samples x (sorted in place).
func ksStatistic(x []float64, cdf func(float64) float64) float64 {
	slices.Sort(x)
	n := float64(len(x))
	d := 0.0
	for i := 0; i < len(x); {
		j := i
		for j < len(x) && x[j] == x[i] { // ties: the empirical CDF jumps once
			j++
		}
		f := cdf(x[i])
		d = max(d, math.Abs(f-float64(i)/n), math.Abs(float64(j)/n-f))
		i = j
	}
	return d
}

// normalSamples returns n = neurons*steps samples of the table, from the noise stream of
// seed: neurons 0..neurons-1 at steps 0..steps-1, as a simulation draws them.
func normalSamples(nt *NormalTable, seed uint64, neurons, steps int) []float64 {
	x := make([]float64, 0, neurons*steps)
	for s := range uint64(steps) {
		for i := range uint32(neurons) {
			w := Draw(seed, StreamNoise, i, s)
			x = append(x, float64(nt.Sample(w[0], w[1])))
		}
	}
	return x
}

// The table's bits are pinned: a change of the table (or of the float64 quantile on
// some platform) changes every noise trace, and must be deliberate.
func TestNormalTablePinned(t *testing.T) {
	t.Parallel()
	v := NewNormalTable().Values()
	if len(v) != NormalLen {
		t.Fatalf("len(Values) = %d, want NormalLen = %d", len(v), NormalLen)
	}
	h := sha256.New()
	for _, x := range v {
		binary.Write(h, binary.LittleEndian, math.Float32bits(x))
	}
	const want = "62984796b8bc020c448f2e54e05ad02f601f021b91e0859a038df7df5266a24b"
	if got := fmt.Sprintf("%x", h.Sum(nil)); got != want {
		t.Errorf("sha256 of the table's bits = %s, pinned %s", got, want)
	}
}

func TestNormalTableShape(t *testing.T) {
	t.Parallel()
	nt := NewNormalTable()
	v := nt.Values()
	for i := 0; i <= NormalCells; i++ {
		if v[i] != -v[NormalCells-i] {
			t.Fatalf("main table not antisymmetric: v[%d] = %v, v[%d] = %v", i, v[i], NormalCells-i, v[NormalCells-i])
		}
		if i > 0 && !(v[i] > v[i-1]) {
			t.Fatalf("main table not increasing at %d: %v, %v", i, v[i-1], v[i])
		}
	}
	// Tail levels run from the tail's top (level 0's last point = the main table's first
	// point in use) down to the deepest point; each level's last point is the next
	// shallower level's first.
	tail := v[NormalTailOffset:]
	if top, first := tail[NormalTailStride-1], v[mainFirst]; top != first {
		t.Errorf("tail top %v != v[%d] = %v", top, mainFirst, first)
	}
	for m := 0; m < NormalTailLevels; m++ {
		row := tail[m*NormalTailStride : (m+1)*NormalTailStride]
		for j := 1; j < len(row); j++ {
			if !(row[j] > row[j-1]) {
				t.Fatalf("tail level %d not increasing at %d: %v", m, j, row)
			}
		}
		if m > 0 && row[NormalTailStride-1] != tail[(m-1)*NormalTailStride] {
			t.Fatalf("tail level %d does not join level %d", m, m-1)
		}
	}
	if got, want := nt.MaxAbs(), float32(6.85213); math.Abs(float64(got-want)) > 1e-5 {
		t.Errorf("MaxAbs = %v, want %v (= -Quantile(2^-38))", got, want)
	}
	if z := nt.Sample(0, 0); z != -nt.MaxAbs() {
		t.Errorf("Sample(0, 0) = %v, want -MaxAbs = %v", z, -nt.MaxAbs())
	}
	if z := nt.Sample(math.MaxUint32, 0); z != nt.MaxAbs() {
		t.Errorf("Sample(max, 0) = %v, want MaxAbs = %v", z, nt.MaxAbs())
	}
}

// Sample is nondecreasing in the first word through the main cells, and in the second
// word inside the lower tail cell, and the tail joins the main table.
func TestNormalSampleMonotone(t *testing.T) {
	t.Parallel()
	nt := NewNormalTable()
	prev := float32(math.Inf(-1))
	for r := uint64(mainFirst) << 20; r < (NormalCells-mainFirst)<<20; r += 997 {
		z := nt.Sample(uint32(r), 0)
		if z < prev {
			t.Fatalf("Sample(%#x) = %v < Sample of a smaller word %v", r, z, prev)
		}
		prev = z
	}
	prev = float32(math.Inf(-1))
	for r2 := uint64(0); r2 <= math.MaxUint32; r2 += 1<<20 - 3 {
		z := nt.Sample(0, uint32(r2))
		if z < prev {
			t.Fatalf("tail: Sample(0, %#x) = %v < %v", r2, z, prev)
		}
		prev = z
	}
	if z, top := nt.Sample(0, math.MaxUint32), nt.Sample(mainFirst<<20, 0); !(z <= top && top-z < 1e-5) {
		t.Errorf("tail ends at %v, main table starts at %v", z, top)
	}
}

// tableDistribution describes the distribution Sample realises when the position in a
// cell is uniform (the float32 rounding of the interpolation left out): its exact mean
// and variance, and its largest distances from the N(0,1) CDF.
type tableDistribution struct {
	mean, variance float64
	ks             float64 // sup |F_table - Phi|
	tailRel        float64 // sup |F_table/Phi - 1| in the lower tail (z below the main table)
}

func describeTable(nt *NormalTable) tableDistribution {
	var d tableDistribution
	v := nt.Values()
	phi := distuv.UnitNormal.CDF
	// A cell of probability p whose quantile runs linearly from a to b, starting at
	// cumulative probability p0.
	cell := func(p0, p float64, a, b float32) {
		x, y := float64(a), float64(b)
		d.mean += p * (x + y) / 2
		d.variance += p * (x*x + x*y + y*y) / 3
		for k := 0; k <= 16; k++ {
			z := x + (y-x)*float64(k)/16
			f := p0 + p*float64(k)/16
			d.ks = max(d.ks, math.Abs(f-phi(z)))
			if z < float64(v[mainFirst]) {
				d.tailRel = max(d.tailRel, math.Abs(f/phi(z)-1))
			}
		}
	}
	const pc = 1.0 / NormalCells
	const pt = 1.0 / (1 << NormalTailBits)
	for i := mainFirst; i < NormalCells-mainFirst; i++ {
		cell(float64(i)*pc, pc, v[i], v[i+1])
	}
	tail := v[NormalTailOffset:]
	for m := 0; m < NormalTailLevels; m++ {
		for j := 0; j < 1<<NormalTailSubBits; j++ {
			p := pt * math.Ldexp(1.0/(1<<NormalTailSubBits), -(m+1))
			p0 := pt * math.Ldexp(1+float64(j)/(1<<NormalTailSubBits), -(m+1))
			a, b := tail[m*NormalTailStride+j], tail[m*NormalTailStride+j+1]
			cell(p0, p, a, b)               // lower tail
			d.mean += -p * float64(a+b) / 2 // upper tail: the mirror (mean cancels, variance doubles)
			d.variance += p * (float64(a)*float64(a) + float64(a)*float64(b) + float64(b)*float64(b)) / 3
		}
	}
	// The last level's missing mass (v < 2^-32, probability 2^-38 per side) sits at the
	// ends; it changes nothing visible here.
	return d
}

// The table itself, before any sampling: close to N(0,1) in CDF, mean and variance.
func TestNormalTableAccuracy(t *testing.T) {
	t.Parallel()
	d := describeTable(NewNormalTable())
	t.Logf("table distribution: mean %.3g, variance - 1 = %.3g, sup|F-Phi| = %.3g, tail sup|F/Phi-1| = %.3g",
		d.mean, d.variance-1, d.ks, d.tailRel)
	if math.Abs(d.mean) > 1e-9 || math.Abs(d.variance-1) > 5e-6 || d.ks > 1e-6 || d.tailRel > 1e-3 {
		t.Errorf("table too far from N(0,1): %+v", d)
	}
}

// One million samples from consecutive counters (1000 neurons x 1000 steps) pass a
// Kolmogorov-Smirnov test against N(0,1) at significance 0.001, and their mean and
// variance lie within 5 standard errors of 0 and 1. The same samples through a table
// built for sigma = 1.05 must fail the KS test: that shows the test can fail.
func TestNormalKS(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("1e6 samples")
	}
	const alpha = 0.001
	n01 := distuv.Normal{Mu: 0, Sigma: 1}
	for _, c := range []struct {
		sigma  float64
		accept bool
	}{{1, true}, {1.05, false}, {0.97, false}} {
		x := normalSamples(newNormalTable(c.sigma), 20261126, 1000, 1000)
		n := len(x)
		mean, variance := stat.MeanVariance(x, nil)
		dks := ksStatistic(x, n01.CDF)
		crit := ksCritical(n, alpha)
		t.Logf("sigma %.2f: n %d, mean %.3g, variance %.5f, KS D %.3g (critical %.3g), min %.3f, max %.3f",
			c.sigma, n, mean, variance, dks, crit, x[0], x[n-1])
		if (dks <= crit) != c.accept {
			t.Errorf("sigma %.2f: KS D = %.4g, critical %.4g at %g: want accept=%v", c.sigma, dks, crit, alpha, c.accept)
		}
		if !c.accept {
			continue
		}
		if se := 1 / math.Sqrt(float64(n)); math.Abs(mean) > 5*se {
			t.Errorf("mean %.4g, more than 5 standard errors (%.3g) from 0", mean, se)
		}
		if se := math.Sqrt(2 / float64(n)); math.Abs(variance-1) > 5*se {
			t.Errorf("variance %.5g, more than 5 standard errors (%.3g) from 1", variance, se)
		}
	}
}

// The tails, which one million samples barely reach: draws forced into the lowest and
// highest 2^-6 of probability follow N(0,1) conditioned on that range (KS at 0.001),
// and no sample goes beyond MaxAbs.
func TestNormalTails(t *testing.T) {
	t.Parallel()
	const n, alpha = 200000, 0.001
	nt := NewNormalTable()
	pt := 1.0 / (1 << NormalTailBits)
	lowCDF := func(z float64) float64 { return min(distuv.UnitNormal.CDF(z)/pt, 1) }
	for _, upper := range []bool{false, true} {
		x := make([]float64, n)
		for i := range x {
			w := Draw(7, StreamNoise, uint32(i), 0)
			r := w[0] >> NormalTailBits // top bits 0: the lower tail
			if upper {
				r |= (1<<NormalTailBits - 1) << (32 - NormalTailBits)
			}
			z := float64(nt.Sample(r, w[1]))
			if math.Abs(z) > float64(nt.MaxAbs()) {
				t.Fatalf("|z| = %v > MaxAbs", z)
			}
			if upper {
				z = -z
			}
			x[i] = z
		}
		d := ksStatistic(x, lowCDF)
		t.Logf("upper=%v: KS D %.3g (critical %.3g), most extreme %.3f", upper, d, ksCritical(n, alpha), x[0])
		if d > ksCritical(n, alpha) {
			t.Errorf("upper=%v: tail KS D = %.4g > critical %.4g", upper, d, ksCritical(n, alpha))
		}
	}
}

// TestNormalNoUnderflow: no operation of a Gaussian sample can underflow, so the
// assembly sampler needs no flush to zero to give the contract's bits. Every table
// entry is 0 or above 2^-100 in magnitude and neighbours differ by more than 2^-100, so
// d = b - a is 0 or above 2^-100, e = d*f (f = 0 or at least 2^-24) is 0 or above
// 2^-124, and a + e can only fall below 2^-126 if a and -e agree to within it: then both
// are above 2^-100, multiples of 2^-123, and so is their sum, which is then 0.
func TestNormalNoUnderflow(t *testing.T) {
	v := NewNormalTable().Values()
	const tiny = 0x1p-100
	for i, x := range v {
		if x != 0 && math.Abs(float64(x)) < tiny {
			t.Fatalf("table[%d] = %g", i, x)
		}
		if i > 0 && x != v[i-1] && math.Abs(float64(x-v[i-1])) < tiny {
			t.Fatalf("table[%d] - table[%d] = %g", i, i-1, x-v[i-1])
		}
	}
}
