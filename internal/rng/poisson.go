package rng

import (
	"fmt"
	"math"
	"sync"
)

// MaxPoissonLen is the longest threshold table NewPoissonTable accepts, per mean. It is
// reached at a mean of about 168 events per step (MaxPoissonMean).
const MaxPoissonLen = 256

// PoissonNever is the threshold no draw exceeds: it pads the tables of neurons whose
// mean needs fewer than Len entries.
const PoissonNever uint32 = math.MaxUint32

// PoissonTable turns one uint32 draw r into a Poisson count k with integer comparisons
// alone. For a mean lambda it holds thresholds T[0..L-1], and
//
//	k = the number of j with r > T[j]
//
// T[j] + 1 is P(K <= j) * 2^32 rounded to the nearest integer (at least 1), so
// P(k <= j) = (T[j]+1) / 2^32 exactly: each cumulative probability is off by at most
// 2^-33, or 2^-32 where it is below 2^-33 (the "at least 1"). The table ends at the
// first j whose rounded P(K <= j) is 2^32 (the tail above j is below 2^-33), so k <= L.
// The thresholds are nondecreasing, so the count may stop at the first T[j] >= r: both
// backends do.
//
// A table holds one mean for all neurons, or one mean per neuron: then neuron i's
// thresholds are Thresholds()[i*Len() : (i+1)*Len()], padded with PoissonNever.
//
// A PoissonTable is immutable and safe for concurrent use.
type PoissonTable struct {
	t      []uint32
	kmax   int
	shared bool
}

// NewPoissonTable builds the thresholds of the Poisson means lambdas (expected events
// per step, rate*dt/1000 for a rate in Hz and dt in ms): one value for all neurons, or
// one per neuron. A mean that is negative, not finite, or so large that its table would
// be longer than MaxPoissonLen is an error.
func NewPoissonTable(lambdas ...float64) (*PoissonTable, error) {
	if len(lambdas) == 0 {
		return nil, fmt.Errorf("rng: NewPoissonTable needs at least one mean")
	}
	tabs := make([][]uint32, len(lambdas))
	built := map[float64][]uint32{} // neurons often share a rate: build each table once
	kmax := 0
	for i, l := range lambdas {
		t, ok := built[l]
		if !ok {
			var err error
			if t, err = poissonThresholds(l); err != nil {
				if len(lambdas) > 1 {
					return nil, fmt.Errorf("neuron %d: %w", i, err)
				}
				return nil, err
			}
			built[l] = t
		}
		tabs[i] = t
		kmax = max(kmax, len(t))
	}
	flat := make([]uint32, len(lambdas)*kmax)
	for i, t := range tabs {
		row := flat[i*kmax : (i+1)*kmax]
		copy(row, t)
		for j := len(t); j < kmax; j++ {
			row[j] = PoissonNever
		}
	}
	return &PoissonTable{t: flat, kmax: kmax, shared: len(lambdas) == 1}, nil
}

// Len returns the number of thresholds per neuron (the largest count a sample can
// give). It is 0 when every mean is 0.
func (p *PoissonTable) Len() int { return p.kmax }

// Shared reports whether one table serves all neurons (Base is then always 0).
func (p *PoissonTable) Shared() bool { return p.shared }

// Base returns the index in Thresholds of the first threshold of neuron i.
func (p *PoissonTable) Base(neuron int) int {
	if p.shared {
		return 0
	}
	return neuron * p.kmax
}

// Thresholds returns the flat threshold table to upload to the device (uint[] in
// std430): Len() entries for the shared mean, or Len() entries per neuron in neuron
// order. The caller must not modify it.
func (p *PoissonTable) Thresholds() []uint32 { return p.t }

// Sample returns the Poisson count of neuron i for the draw word r, as poisson_sample
// in draws.glsl does: the number of thresholds below r, stopping at the first that is
// not.
func (p *PoissonTable) Sample(neuron int, r uint32) uint32 {
	return countBelow(p.t[p.Base(neuron):p.Base(neuron)+p.kmax], r)
}

// countBelow is the Poisson count of draw r: the number of thresholds of t (which
// never decrease) that r exceeds. draws.glsl's poisson_sample stops at the same one.
func countBelow(t []uint32, r uint32) uint32 {
	k := uint32(0)
	for _, c := range t {
		if r <= c {
			break
		}
		k++
	}
	return k
}

// poissonThresholds returns the thresholds of one mean.
func poissonThresholds(lambda float64) ([]uint32, error) {
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("rng: Poisson mean %v per step is not a finite number >= 0", lambda)
	}
	t := thresholds(lambda, MaxPoissonLen)
	if t == nil {
		return nil, fmt.Errorf("rng: Poisson mean %g events per step needs more than %d thresholds "+
			"(the limit, reached at a mean of about %.4g); lower rate*dt, or model the input as "+
			"Gaussian noise of mean lambda*weight and standard deviation sqrt(lambda)*weight",
			lambda, MaxPoissonLen, MaxPoissonMean())
	}
	return t, nil
}

// thresholds returns the table of lambda, or nil if it needs more than limit entries.
// It works in float64: the pmf by its recurrence p[j] = p[j-1]*lambda/j from
// p[0] = exp(-lambda) (no underflow below lambda = 700, far above the limit), P(K <= j)
// summed from below while it is below 1/2, and 1 - P(K > j), the tail summed from
// above, after that.
func thresholds(lambda float64, limit int) []uint32 {
	if lambda == 0 {
		return []uint32{}
	}
	if lambda > 700 {
		return nil // far beyond any limit; exp(-lambda) would underflow
	}
	// Enough terms that the tail beyond them is far below 2^-33 (mean + 40 sd + 50).
	n := int(lambda+40*math.Sqrt(lambda)) + 50
	pmf := make([]float64, n)
	pmf[0] = math.Exp(-lambda)
	for j := 1; j < n; j++ {
		pmf[j] = pmf[j-1] * lambda / float64(j)
	}
	above := make([]float64, n) // above[j] = P(K > j)
	for j := n - 2; j >= 0; j-- {
		above[j] = above[j+1] + pmf[j+1]
	}
	var t []uint32
	below := 0.0 // P(K <= j)
	prev := uint64(0)
	for j := 0; j < n; j++ {
		below += pmf[j]
		var c uint64
		if below < 0.5 {
			c = uint64(math.Round(math.Ldexp(below, 32)))
		} else {
			c = 1<<32 - uint64(math.Round(math.Ldexp(above[j], 32)))
		}
		c = max(c, prev, 1)
		if c >= 1<<32 {
			return t
		}
		if len(t) == limit {
			return nil
		}
		t = append(t, uint32(c-1))
		prev = c
	}
	panic("rng: Poisson table did not end") // unreachable: the tail sum reaches 0
}

// MaxPoissonMean returns the largest mean whose table fits in MaxPoissonLen entries
// (to 4 significant digits, found once by bisection).
var MaxPoissonMean = sync.OnceValue(func() float64 {
	lo, hi := 1.0, 1000.0
	for hi-lo > 1e-3 {
		mid := (lo + hi) / 2
		if thresholds(mid, MaxPoissonLen) != nil {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
})
