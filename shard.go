package lifgpu

import (
	"errors"
	"fmt"
)

// ErrNetworkShard refuses to split a network: its neurons are coupled, so a shard
// would need the spikes of the others every step.
var ErrNetworkShard = errors.New("a network (synapses) cannot be split into shards: each shard would need the other shards' spikes every step; run it whole, on one device, or run independent replicas (seeds seed, seed+1, ...) instead")

// Shard returns the neurons [lo, hi) of c as a population of their own: every
// per-neuron array cut to the range, the traced neurons in it (renumbered from lo, in
// c's order), and First = c.First + lo, so that each neuron draws its random inputs
// as it does in c. Its bits are then those of the same neurons in c, step for step
// (the neurons are uncoupled). A network is refused with [ErrNetworkShard]. The
// arrays are shared with c, not copied.
func (c Config) Shard(lo, hi int) (Config, error) {
	if c.HasNetwork() {
		return Config{}, ErrNetworkShard
	}
	if lo < 0 || hi > c.N || lo >= hi {
		return Config{}, &FieldError{Field: "shard", Value: fmt.Sprintf("[%d, %d)", lo, hi),
			Rule: fmt.Sprintf("must be a non-empty range of the %d neurons", c.N), Remedy: fmt.Sprintf("give 0 <= lo < hi <= %d", c.N)}
	}
	s := c
	s.N, s.First = hi-lo, c.First+lo
	s.Groups, s.Synapses, s.Projections = nil, Synapses{}, nil
	p := &s.Params
	for _, v := range []*Values{&p.TauM, &p.R, &p.URest, &p.UReset, &p.UTh, &p.TRef, &p.U0} {
		*v = v.slice(c.N, lo, hi)
	}
	in := &s.Input
	in.Bias = in.Bias.slice(c.N, lo, hi)
	in.Schedule = make([]ScheduleEntry, len(c.Input.Schedule))
	for k, e := range c.Input.Schedule {
		in.Schedule[k] = ScheduleEntry{Step: e.Step, Value: e.Value.slice(c.N, lo, hi)}
	}
	if len(c.Input.Schedule) == 0 {
		in.Schedule = c.Input.Schedule
	}
	in.Noise.Mean, in.Noise.Std = in.Noise.Mean.slice(c.N, lo, hi), in.Noise.Std.slice(c.N, lo, hi)
	in.Poisson.Rate, in.Poisson.Weight = in.Poisson.Rate.slice(c.N, lo, hi), in.Poisson.Weight.slice(c.N, lo, hi)
	s.Record.Traces = nil
	for _, id := range c.Record.Traces {
		if id >= lo && id < hi {
			s.Record.Traces = append(s.Record.Traces, id-lo)
		}
	}
	return s, nil
}

// slice is v, of n neurons, for the neurons [lo, hi): a scalar (or an unset v) as it
// is, and an array of another length than n too (the shard's validation names it).
func (v Values) slice(n, lo, hi int) Values {
	switch {
	case v.Len() != n:
	case v.f32 != nil:
		v.f32 = v.f32[lo:hi:hi]
	case v.f64 != nil:
		v.f64 = v.f64[lo:hi:hi]
	}
	return v
}
