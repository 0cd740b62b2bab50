package rng

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// poissonCounts returns n = neurons*steps counts of neuron 0's table, drawn from the
// Poisson stream of seed.
func poissonCounts(pt *PoissonTable, seed uint64, neurons, steps int) []float64 {
	k := make([]float64, 0, neurons*steps)
	for s := range uint64(steps) {
		for i := range uint32(neurons) {
			k = append(k, float64(pt.Sample(0, Draw(seed, StreamPoisson, i, s)[0])))
		}
	}
	return k
}

// chiSquare returns Pearson's statistic of the counts k against the pmf of lambda and
// its degrees of freedom, pooling neighbouring bins until each expects at least 5.
func chiSquare(k []float64, lambda float64) (x2 float64, df int) {
	n := float64(len(k))
	obs := map[int]float64{}
	top := 0
	for _, v := range k {
		obs[int(v)]++
		top = max(top, int(v))
	}
	want := distuv.Poisson{Lambda: lambda}
	var o, e float64 // the bin being pooled
	bins := 0
	flush := func() {
		x2 += (o - e) * (o - e) / e
		bins++
		o, e = 0, 0
	}
	last := max(top, int(lambda+10*math.Sqrt(lambda))+10)
	for j := 0; j <= last; j++ {
		o += obs[j]
		e += n * want.Prob(float64(j))
		if e >= 5 && n*want.Survival(float64(j)) >= 5 {
			flush()
		}
	}
	// The last bin takes the rest of the tail; the loop flushed only while the rest
	// expected at least 5, so it does too.
	e += n * want.Survival(float64(last))
	flush()
	return x2, bins - 1
}

// Counts of lambda in {0.08, 0.5, 3, 20} pass a chi-square test against the Poisson
// pmf at significance 0.001, with mean and variance within 5 standard errors. The same
// draws must fail the test against lambda*1.05 (and the sample mean against it): that
// shows the test can fail.
func TestPoissonChiSquare(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("4e6 samples")
	}
	const alpha = 0.001
	for _, lambda := range []float64{0.08, 0.5, 3, 20} {
		pt, err := NewPoissonTable(lambda)
		if err != nil {
			t.Fatal(err)
		}
		k := poissonCounts(pt, 99, 1000, 1000)
		n := float64(len(k))
		x2, df := chiSquare(k, lambda)
		crit := distuv.ChiSquared{K: float64(df)}.Quantile(1 - alpha)
		mean, variance := stat.MeanVariance(k, nil)
		wrong, wdf := chiSquare(k, lambda*1.05)
		wcrit := distuv.ChiSquared{K: float64(wdf)}.Quantile(1 - alpha)
		t.Logf("lambda %g: Len %d, mean %.5g, variance %.5g, chi2 %.1f (df %d, critical %.1f); against 1.05*lambda %.0f (critical %.1f)",
			lambda, pt.Len(), mean, variance, x2, df, crit, wrong, wcrit)
		if x2 > crit {
			t.Errorf("lambda %g: chi2 = %.1f > critical %.1f (df %d, alpha %g)", lambda, x2, crit, df, alpha)
		}
		if wrong <= wcrit {
			t.Errorf("lambda %g: the counts pass against 1.05*lambda too (chi2 %.1f <= %.1f): the test is too weak", lambda, wrong, wcrit)
		}
		if se := math.Sqrt(lambda / n); math.Abs(mean-lambda) > 5*se {
			t.Errorf("lambda %g: mean %.5g, more than 5 standard errors (%.3g) away", lambda, mean, se)
		}
		// Var(sample variance) ~ (mu4 - sigma^4)/n, mu4 = lambda(1+3 lambda).
		if se := math.Sqrt((lambda + 2*lambda*lambda) / n); math.Abs(variance-lambda) > 5*se {
			t.Errorf("lambda %g: variance %.5g, more than 5 standard errors (%.3g) away", lambda, variance, se)
		}
	}
}

// Each threshold is P(K <= j)*2^32 (gonum's CDF) rounded, minus one: within 2^-33 of the
// true cumulative probability, or 2^-32 where that is below 2^-33; the table ends where
// the remaining tail is below 2^-33.
func TestPoissonThresholdsExact(t *testing.T) {
	t.Parallel()
	for _, lambda := range []float64{1e-6, 0.08, 0.5, 1, 3, 20, 60, 150} {
		pt, err := NewPoissonTable(lambda)
		if err != nil {
			t.Fatal(err)
		}
		p := distuv.Poisson{Lambda: lambda}
		tab := pt.Thresholds()
		for j, c := range tab {
			got := math.Ldexp(float64(c)+1, -32)
			tol := math.Ldexp(1, -33) * 1.001
			if p.CDF(float64(j)) < math.Ldexp(1, -33) {
				tol *= 2
			}
			if d := math.Abs(got - p.CDF(float64(j))); d > tol {
				t.Errorf("lambda %g: (T[%d]+1)/2^32 = %.12g, P(K<=%d) = %.12g: off by %.3g", lambda, j, got, j, p.CDF(float64(j)), d)
			}
			if j > 0 && c < tab[j-1] {
				t.Errorf("lambda %g: thresholds decrease at %d", lambda, j)
			}
		}
		l := len(tab)
		if tail := 1 - p.CDF(float64(l)); tail > math.Ldexp(1, -33)*1.001 {
			t.Errorf("lambda %g: table of %d ends with tail P(K > %d) = %.3g above 2^-33", lambda, l, l, tail)
		}
		// The extreme draws: 0 gives no event (every threshold is >= 0), the largest gives
		// Len events.
		if k := pt.Sample(0, 0); k != 0 {
			t.Errorf("lambda %g: Sample(r=0) = %d", lambda, k)
		}
		if k := pt.Sample(0, math.MaxUint32); int(k) != l {
			t.Errorf("lambda %g: Sample(r=max) = %d, want Len = %d", lambda, k, l)
		}
	}
}

func TestPoissonZeroMean(t *testing.T) {
	t.Parallel()
	pt, err := NewPoissonTable(0)
	if err != nil {
		t.Fatal(err)
	}
	if pt.Len() != 0 || len(pt.Thresholds()) != 0 {
		t.Fatalf("lambda 0: Len %d, %d thresholds; want none", pt.Len(), len(pt.Thresholds()))
	}
	for _, r := range []uint32{0, 1, 1 << 31, math.MaxUint32} {
		if k := pt.Sample(0, r); k != 0 {
			t.Errorf("lambda 0: Sample(%#x) = %d", r, k)
		}
	}
}

func TestPoissonRefused(t *testing.T) {
	t.Parallel()
	m := MaxPoissonMean()
	if _, err := NewPoissonTable(m); err != nil {
		t.Errorf("MaxPoissonMean %g refused: %v", m, err)
	}
	cases := []struct {
		lambdas []float64
		want    []string // in the error
	}{
		{[]float64{m * 1.01}, []string{"more than 256 thresholds", "about 168", "Gaussian noise"}},
		{[]float64{1e6}, []string{"1e+06", "256"}},
		{[]float64{0.5, 1000}, []string{"neuron 1", "1000"}},
		{[]float64{-0.1}, []string{"-0.1", ">= 0"}},
		{[]float64{math.NaN()}, []string{"NaN"}},
		{[]float64{math.Inf(1)}, []string{"+Inf"}},
		{nil, []string{"at least one"}},
	}
	for _, c := range cases {
		_, err := NewPoissonTable(c.lambdas...)
		if err == nil {
			t.Errorf("NewPoissonTable(%v): no error", c.lambdas)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("NewPoissonTable(%v): error %q does not say %q", c.lambdas, err, w)
			}
		}
	}
	t.Logf("largest mean: %.4g per step; error: %v", m, func() error { _, err := NewPoissonTable(200); return err }())
}

// Per-neuron means: one flat table of Len() entries per neuron, padded with
// PoissonNever; each neuron samples exactly as a table of its own mean would.
func TestPoissonPerNeuron(t *testing.T) {
	t.Parallel()
	lambdas := []float64{0.5, 0, 20, 0.08, 3}
	pt, err := NewPoissonTable(lambdas...)
	if err != nil {
		t.Fatal(err)
	}
	if pt.Shared() {
		t.Fatal("Shared() with per-neuron means")
	}
	if len(pt.Thresholds()) != len(lambdas)*pt.Len() {
		t.Fatalf("%d thresholds for %d neurons of Len %d", len(pt.Thresholds()), len(lambdas), pt.Len())
	}
	for i, l := range lambdas {
		own, _ := NewPoissonTable(l)
		if !own.Shared() || own.Base(i) != 0 {
			t.Fatal("a single mean must give a shared table")
		}
		if own.Len() > pt.Len() {
			t.Fatalf("neuron %d: own Len %d > Len %d", i, own.Len(), pt.Len())
		}
		row := pt.Thresholds()[pt.Base(i) : pt.Base(i)+pt.Len()]
		for j, c := range row {
			if j < own.Len() && c != own.Thresholds()[j] || j >= own.Len() && c != PoissonNever {
				t.Fatalf("neuron %d: threshold %d = %#x", i, j, c)
			}
		}
		for s := range uint64(20000) {
			r := Draw(5, StreamPoisson, uint32(i), s)[0]
			if a, b := pt.Sample(i, r), own.Sample(0, r); a != b {
				t.Fatalf("neuron %d, r %#x: %d in the flat table, %d in its own", i, r, a, b)
			}
			// Stopping at the first threshold >= r counts the same as counting all.
			full := uint32(0)
			for _, c := range row {
				if r > c {
					full++
				}
			}
			if a := pt.Sample(i, r); a != full {
				t.Fatalf("neuron %d, r %#x: early stop %d, full count %d", i, r, a, full)
			}
		}
	}
}
