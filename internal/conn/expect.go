package conn

import (
	"math"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// Expectation is a network foreseen from its Config alone, without drawing a synapse:
// what a check of memory and disk needs before Build, which for 10^9 synapses takes
// long.
type Expectation struct {
	// Stored and Procedural are the expected synapse counts: an explicit projection's
	// length, p |pre| |post| for a Bernoulli one (the pairs i == j left out with
	// NoAutapses), InDegree |post| for a fixed in-degree. Explicit and in-degree counts
	// are exact; a Bernoulli count varies by about its square root.
	Stored, Procedural int64
	// D and MinDelay are what Build finds, exactly: the delay ring's slots (the longest
	// delay a projection can make, plus one; a drawn delay bounded through the Gaussian
	// table's largest |z|, rng.NormalTable.MaxAbs) and the shortest delay, in steps.
	D, MinDelay int
}

// Expect foresees the network of cfg at step dt (see Expectation); nt is the Gaussian
// table the drawn delays use. cfg must be valid (lifgpu.Config.Validate).
func Expect(cfg lifgpu.Config, dt float64, nt *rng.NormalTable) Expectation {
	e := Expectation{MinDelay: math.MaxInt}
	for k, p := range cfg.Projections {
		r := newRule(k, p, cfg.Seed, dt, nt)
		if r.units() > 0 { // as Build bounds the ring
			lo, hi := r.delayBounds()
			e.MinDelay, e.D = min(e.MinDelay, lo), max(e.D, hi+1)
		}
		c := expectedCount(p)
		if p.Procedural {
			e.Procedural += c
		} else {
			e.Stored += c
		}
	}
	if e.D == 0 {
		e.MinDelay, e.D = 1, 2
	}
	return e
}

// expectedCount is the expected number of synapses of p, rounded up.
func expectedCount(p lifgpu.Projection) int64 {
	switch {
	case p.Explicit():
		return int64(len(p.Pre))
	case p.InDegree > 0:
		return int64(p.InDegree) * int64(p.PostRange.Len())
	}
	pairs := float64(p.PreRange.Len()) * float64(p.PostRange.Len())
	if p.NoAutapses {
		lo, hi := max(p.PreRange.Lo, p.PostRange.Lo), min(p.PreRange.Hi, p.PostRange.Hi)
		pairs -= float64(max(0, hi-lo))
	}
	return int64(math.Ceil(p.P * pairs))
}
