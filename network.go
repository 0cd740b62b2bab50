package lifgpu

import (
	"fmt"
	"math"
)

// Synapses are the settings every projection of a network shares (DESIGN.md,
// "Networks"): current-based synapses with two ports chosen by the weight's sign, as
// NEST's iaf_psc_exp has. A spike of neuron i in step n adds a synapse's weight w to
// the synaptic input of its post neuron j that arrives at step n + d (d >= 1 steps):
// into the excitatory port when w > 0, the inhibitory one when w < 0. Each port's
// current decays with its time constant between inputs; a time constant of 0 makes the
// port a delta current, lasting the one step it arrives in.
//
// Input is summed in int32 fixed point, w_q = round(w * 2^q), so that the order of the
// additions (atomics on a GPU, workers on a CPU) cannot change a bit: q is the largest
// in [0, 30] for which no neuron's input can overflow (the sum of |w_q| into any neuron
// is at most 2^24 - 1), unless WeightResolution asks for a coarser one.
type Synapses struct {
	TauSynEx, TauSynIn Values  // ms, >= 0, scalar or per neuron; unset or 0: a delta current
	WeightResolution   float64 // nA, a power of two 2^-q; 0: the finest that cannot overflow
}

// Group names a range of consecutive neurons: the groups of a Config, in order, cover
// the population (the first group is neurons [0, N0), the next [N0, N0+N1), ...).
type Group struct {
	Name string
	N    int
}

// Range is the neurons [Lo, Hi).
type Range struct{ Lo, Hi int }

// Len is Hi - Lo.
func (r Range) Len() int { return r.Hi - r.Lo }

// Dist is a value drawn per synapse: Mean + Std*z with z ~ N(0, 1) (the same Gaussian
// table as the noise input), or Mean itself when Std is 0.
type Dist struct{ Mean, Std float64 }

// Projection is one set of synapses, given one of two ways.
//
// Explicit: Pre, Post, Weight (nA) and Delay (ms) hold one synapse each, all four the
// same length. A delay is rounded to steps, round(delay/dt), and must give at least one.
//
// Generated: from the neurons PreRange to the neurons PostRange, by one rule: pairwise
// Bernoulli with probability P (each pair connected independently), or a fixed
// InDegree (each post neuron draws that many pre neurons, uniformly). Weight and Delay
// are Dists: a weight drawn against its mean's sign is clipped to 0 (the sign of the
// mean kept); a delay is clipped below at one step. Autapses (i -> i) are made unless
// NoAutapses; with InDegree, one pre neuron may be drawn twice (a multapse) unless
// NoMultapses. The draws come from the Config's Seed and the projection's index, so the
// same synapses are made on every backend, whatever the workers, the chunks, or whether
// they are Procedural: then no synapse is stored, and a spike's targets are drawn again
// whenever it fires (Bernoulli rows only), which lets a network far larger than memory
// run.
type Projection struct {
	Name string // used in errors; "" names it by its index

	Pre, Post     []int32
	Weight, Delay []float64
	PreRange      Range
	PostRange     Range
	P             float64
	InDegree      int
	WeightDist    Dist
	DelayDist     Dist
	Procedural    bool
	NoAutapses    bool
	NoMultapses   bool
}

// Explicit reports whether p lists its synapses (else a rule generates them).
func (p Projection) Explicit() bool {
	return p.Pre != nil || p.Post != nil || p.Weight != nil || p.Delay != nil
}

// MaxDelaySteps is the longest synaptic delay, in steps.
const MaxDelaySteps = math.MaxUint16

// name is the projection's name for errors.
func (p Projection) name(k int) string {
	if p.Name != "" {
		return fmt.Sprintf("projection[%d] (%s)", k, p.Name)
	}
	return fmt.Sprintf("projection[%d]", k)
}

// validate checks the network part of c: groups, synapse settings and projections
// (their sizes and values; the fixed-point resolution is checked when the model is
// resolved, from the weights).
func (c Config) validateNetwork(dt float64) error {
	if len(c.Groups) > 0 {
		sum := 0
		seen := map[string]bool{}
		for k, g := range c.Groups {
			if g.N < 1 {
				return &FieldError{Field: fmt.Sprintf("groups[%d] (%s)", k, g.Name), Value: g.N, Rule: "must have at least one neuron"}
			}
			if seen[g.Name] {
				return &FieldError{Field: fmt.Sprintf("groups[%d]", k), Value: fmt.Sprintf("%q", g.Name), Rule: "is named twice", Remedy: "give each group its own name"}
			}
			seen[g.Name] = true
			sum += g.N
		}
		if sum != c.N {
			return &FieldError{Field: "groups", Value: sum, Rule: fmt.Sprintf("the groups' sizes must sum to n = %d", c.N)}
		}
	}
	s := c.Synapses
	for _, f := range []struct {
		name string
		v    Values
	}{{"synapses.tau_syn_ex", s.TauSynEx}, {"synapses.tau_syn_in", s.TauSynIn}} {
		if !f.v.IsSet() {
			continue
		}
		if err := f.v.Check(f.name, c.N); err != nil {
			return err
		}
		for i := 0; i < f.v.Len(); i++ {
			if tau := f.v.At(i); tau < 0 {
				return &FieldError{Field: f.name + index(f.v, i), Value: tau, Rule: "must be >= 0 (ms; 0 is a delta current)"}
			}
		}
	}
	if r := s.WeightResolution; r != 0 {
		q := -math.Log2(r)
		if math.IsNaN(r) || r < 0 || q != math.Round(q) || q < 0 || q > 30 {
			return &FieldError{Field: "synapses.weight_resolution", Value: r, Rule: "must be a power of two from 2^-30 to 1 nA",
				Remedy: "leave it at 0 for the finest resolution that cannot overflow, or give e.g. 0.001953125 (2^-9)"}
		}
	}
	for k, p := range c.Projections {
		if err := p.validate(k, c.N, dt); err != nil {
			return err
		}
	}
	return nil
}

func (p Projection) validate(k, n int, dt float64) error {
	name := p.name(k)
	bad := func(field string, v any, rule, remedy string) error {
		return &FieldError{Field: name + "." + field, Value: v, Rule: rule, Remedy: remedy}
	}
	if p.Explicit() {
		if p.P != 0 || p.InDegree != 0 || p.Procedural {
			return bad("pre", "arrays", "an explicit projection takes no rule (p, in_degree) and cannot be procedural", "give either the arrays or a rule")
		}
		m := len(p.Pre)
		for _, a := range []struct {
			field string
			n     int
		}{{"post", len(p.Post)}, {"weight", len(p.Weight)}, {"delay", len(p.Delay)}} {
			if a.n != m {
				return bad(a.field, a.n, fmt.Sprintf("must have one value per synapse: pre has %d", m), "give pre, post, weight and delay of equal length")
			}
		}
		for i := range m {
			switch {
			case p.Pre[i] < 0 || int(p.Pre[i]) >= n:
				return bad(fmt.Sprintf("pre[%d]", i), p.Pre[i], fmt.Sprintf("must be a neuron index in 0..%d", n-1), "")
			case p.Post[i] < 0 || int(p.Post[i]) >= n:
				return bad(fmt.Sprintf("post[%d]", i), p.Post[i], fmt.Sprintf("must be a neuron index in 0..%d", n-1), "")
			}
			if w := p.Weight[i]; math.IsNaN(w) || math.IsInf(w, 0) {
				return bad(fmt.Sprintf("weight[%d]", i), w, "must be a finite number (nA)", "")
			}
			if err := checkDelay(p.Delay[i], dt); err != "" {
				return bad(fmt.Sprintf("delay[%d]", i), p.Delay[i], err, "use a delay of at least dt")
			}
		}
		return nil
	}
	for _, r := range []struct {
		field string
		v     Range
	}{{"pre", p.PreRange}, {"post", p.PostRange}} {
		if r.v.Lo < 0 || r.v.Hi > n || r.v.Lo >= r.v.Hi {
			return bad(r.field, fmt.Sprintf("[%d, %d)", r.v.Lo, r.v.Hi), fmt.Sprintf("must be a nonempty range of neurons within [0, %d)", n), "")
		}
	}
	switch {
	case p.P != 0 && p.InDegree != 0:
		return bad("p", p.P, "a projection has one rule: p or in_degree, not both", "")
	case p.P == 0 && p.InDegree == 0:
		return bad("p", 0, "a generated projection needs a rule: p (pairwise Bernoulli) or in_degree", "")
	case p.P != 0 && (math.IsNaN(p.P) || p.P < 0 || p.P > 1):
		return bad("p", p.P, "must be a probability in [0, 1]", "")
	case p.InDegree < 0 || p.InDegree > MaxN:
		// Bounded as a neuron count: in_degree*|post| synapses must fit in an int64.
		return bad("in_degree", p.InDegree, fmt.Sprintf("must be in 1..%d", MaxN), "")
	case p.InDegree > 0 && p.Procedural:
		return bad("procedural", true, "procedural connectivity draws a spike's targets from its pre neuron's row: it takes p, not in_degree",
			"use p, or procedural = false")
	}
	if p.InDegree > 0 && p.NoMultapses {
		avail := p.PreRange.Len()
		if p.NoAutapses && p.PostRange.Lo < p.PreRange.Hi && p.PreRange.Lo < p.PostRange.Hi {
			avail--
		}
		if p.InDegree > avail {
			return bad("in_degree", p.InDegree, fmt.Sprintf("is more than the %d distinct pre neurons a post neuron can draw without multapses", avail),
				"lower in_degree, or allow multapses")
		}
	}
	for _, d := range []struct {
		field string
		v     Dist
	}{{"weight", p.WeightDist}, {"delay", p.DelayDist}} {
		if math.IsNaN(d.v.Mean) || math.IsInf(d.v.Mean, 0) || math.IsInf(float64(float32(d.v.Mean)), 0) {
			return bad(d.field, d.v.Mean, "must be a finite number within float32's range", "")
		}
		if math.IsNaN(d.v.Std) || d.v.Std < 0 || math.IsInf(float64(float32(d.v.Std)), 0) {
			return bad(d.field+".std", d.v.Std, "must be a finite number >= 0 within float32's range", "")
		}
	}
	if p.DelayDist.Std == 0 {
		if err := checkDelay(p.DelayDist.Mean, dt); err != "" {
			return bad("delay", p.DelayDist.Mean, err, "use a delay of at least dt")
		}
	} else if m := p.DelayDist.Mean / dt; m > MaxDelaySteps/2 {
		return bad("delay", p.DelayDist.Mean, fmt.Sprintf("is %g steps: at most %d", m, MaxDelaySteps/2), "")
	}
	return nil
}

// checkDelay is why a delay of ms milliseconds is refused at step dt, or "".
func checkDelay(ms, dt float64) string {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return "must be a finite number (ms)"
	}
	d := math.Round(ms / dt)
	switch {
	case d < 1:
		return fmt.Sprintf("rounds to %g steps of dt = %g ms: a synapse needs at least one", d, dt)
	case d > MaxDelaySteps:
		return fmt.Sprintf("is %g steps: at most %d", d, MaxDelaySteps)
	}
	return ""
}
