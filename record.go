package lifgpu

import "fmt"

// Record says what a population records as it runs. Spike counts per neuron are
// always kept.
type Record struct {
	Spikes     bool  // the spike list: (step, neuron) pairs
	Rate       bool  // the population's spike count in each step
	Traces     []int // neurons whose potential u is recorded
	TraceEvery int   // record traces every TraceEvery steps; 0 means 1
}

func (r Record) validate(n int) error {
	if r.TraceEvery < 0 {
		return &FieldError{Field: "record.trace_every", Value: r.TraceEvery, Rule: "must be >= 1 (0 means every step)"}
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
// spikes in step k. Trace row k holds u at the start of step TraceSteps[k] (before that
// step's update, as Brian2's StateMonitor records), for the neurons TraceIDs.
type Recording struct {
	Dt          float64
	SpikeSteps  []int32
	SpikeIDs    []int32
	Rate        []uint32
	TraceIDs    []int32
	TraceSteps  []int32
	Traces      []float32 // len(TraceSteps) rows of len(TraceIDs)
	RecordSpike bool
	RecordRate  bool
}
