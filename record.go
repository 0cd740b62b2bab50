package lifgpu

import (
	"fmt"
	"slices"
)

// Record says what a population records as it runs. Spike counts per neuron are
// always kept.
type Record struct {
	Spikes     bool  // the spike list: (step, neuron) pairs
	Rate       bool  // the population's spike count in each step
	Traces     []int // neurons whose potential u is recorded
	TraceEvery int   // record traces every TraceEvery steps; 0 means 1
}

func (r Record) validate(n int) error {
	if r.TraceEvery < 0 || r.TraceEvery > MaxSteps {
		// Bounded by the step counter: rows*every and the steps of a trace row must fit
		// in the integers that hold them (near 2^63 they wrapped).
		return &FieldError{Field: "record.trace_every", Value: r.TraceEvery, Rule: fmt.Sprintf("must be in 0..%d steps (0 means every step)", MaxSteps)}
	}
	seen := make(map[int]bool, len(r.Traces))
	for k, id := range r.Traces {
		if id < 0 || id >= n {
			return &FieldError{Field: fmt.Sprintf("record.traces[%d]", k), Value: id, Rule: fmt.Sprintf("must be a neuron index in 0..%d", n-1)}
		}
		if seen[id] {
			return &FieldError{Field: fmt.Sprintf("record.traces[%d]", k), Value: id, Rule: "is listed twice", Remedy: "list each neuron once"}
		}
		seen[id] = true
	}
	return nil
}

// Every returns the trace interval, at least 1.
func (r Record) Every() int { return max(r.TraceEvery, 1) }

// Recording is what a population recorded since it was made. Spikes are sorted by step,
// then neuron. Times are steps; multiply by Dt for ms.
//
// A spike found in step n has step n (reported at t = n*dt). Rate[k] is the number of
// spikes in step Start+k. Trace row k holds u at the start of step TraceSteps[k] (before
// that step's update, as Brian2's StateMonitor records), for the neurons TraceIDs.
//
// Start is the step at which this recording began: 0, or the step of the last
// ClearRecording or Restore.
type Recording struct {
	Dt          float64
	Start       int64
	SpikeSteps  []int32
	SpikeIDs    []int32
	Rate        []uint32
	TraceIDs    []int32
	TraceSteps  []int32
	Traces      []float32 // len(TraceSteps) rows of len(TraceIDs)
	RecordSpike bool
	RecordRate  bool
}

// State is a population's whole dynamic state, what a checkpoint holds: with the
// Config (and its seed) it determines every later step.
type State struct {
	Step   int64
	U      []float32
	Ref    []int32
	Counts []uint32

	// A network's synaptic state (nil without one): each port's current (nA), and its
	// delay ring of D slots, the input still to arrive, in fixed point (w_q, 2^-q nA):
	// the input that arrives at step s for neuron j is Ring[(s mod D)*N + j].
	IEx, IIn       []float32
	RingEx, RingIn []int32
}

// Clone returns a deep copy of r.
func (r *Recording) Clone() *Recording {
	c := *r
	c.SpikeSteps = slices.Clone(r.SpikeSteps)
	c.SpikeIDs = slices.Clone(r.SpikeIDs)
	c.Rate = slices.Clone(r.Rate)
	c.TraceIDs = slices.Clone(r.TraceIDs)
	c.TraceSteps = slices.Clone(r.TraceSteps)
	c.Traces = slices.Clone(r.Traces)
	return &c
}

// Reset empties r, keeping what it records, so that it starts again at step start.
func (r *Recording) Reset(start int64) {
	r.Start = start
	r.SpikeSteps, r.SpikeIDs, r.Rate = r.SpikeSteps[:0], r.SpikeIDs[:0], r.Rate[:0]
	r.TraceSteps, r.Traces = r.TraceSteps[:0], r.Traces[:0]
}
