// Package compare finds the first difference between two populations or recordings,
// bit for bit: the check that the backends agree, used by the tests and by lifgpu check.
package compare

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/lifgpu/lifgpu"
)

// Populations compares two populations' full state and recording bit for bit and
// describes the first difference, or returns "".
func Populations(want, got lifgpu.Population) string {
	n := want.Len()
	if got.Len() != n {
		return fmt.Sprintf("len %d, want %d", got.Len(), n)
	}
	if got.StepCount() != want.StepCount() {
		return fmt.Sprintf("step count %d, want %d", got.StepCount(), want.StepCount())
	}
	a, err1 := want.State()
	b, err2 := got.State()
	if err := errors.Join(err1, err2); err != nil {
		return err.Error()
	}
	if d := States(a, b); d != "" {
		return d
	}
	return lastAndRecording(want, got)
}

// States compares two states bit for bit (the synaptic state too) and describes the
// first difference, or returns "".
func States(want, got lifgpu.State) string {
	n := len(want.U)
	if len(got.U) != n || len(got.Ref) != len(want.Ref) || len(got.Counts) != len(want.Counts) {
		return fmt.Sprintf("state of %d neurons, want %d", len(got.U), n)
	}
	if got.Step != want.Step {
		return fmt.Sprintf("state at step %d, want %d", got.Step, want.Step)
	}
	uw, ug, rw, rg, cw, cg := want.U, got.U, want.Ref, got.Ref, want.Counts, got.Counts
	for i := range n {
		if math.Float32bits(uw[i]) != math.Float32bits(ug[i]) {
			return fmt.Sprintf("u[%d] = %v (%#08x), want %v (%#08x)", i, ug[i], math.Float32bits(ug[i]), uw[i], math.Float32bits(uw[i]))
		}
		if rw[i] != rg[i] {
			return fmt.Sprintf("ref[%d] = %d, want %d", i, rg[i], rw[i])
		}
		if cw[i] != cg[i] {
			return fmt.Sprintf("count[%d] = %d, want %d", i, cg[i], cw[i])
		}
	}
	for _, c := range []struct {
		name      string
		want, got []float32
	}{{"i_ex", want.IEx, got.IEx}, {"i_in", want.IIn, got.IIn}} {
		if len(c.want) != len(c.got) {
			return fmt.Sprintf("%d values of %s, want %d", len(c.got), c.name, len(c.want))
		}
		for i := range c.want {
			if math.Float32bits(c.want[i]) != math.Float32bits(c.got[i]) {
				return fmt.Sprintf("%s[%d] = %v (%#08x), want %v (%#08x)", c.name, i, c.got[i], math.Float32bits(c.got[i]), c.want[i], math.Float32bits(c.want[i]))
			}
		}
	}
	for _, c := range []struct {
		name      string
		want, got []int32
	}{{"ring_ex", want.RingEx, got.RingEx}, {"ring_in", want.RingIn, got.RingIn}} {
		if len(c.want) != len(c.got) {
			return fmt.Sprintf("%d entries of %s, want %d", len(c.got), c.name, len(c.want))
		}
		for k := range c.want {
			if c.want[k] != c.got[k] {
				return fmt.Sprintf("%s: slot %d (arriving at step ≡ %d), neuron %d = %d, want %d (w_q units)", c.name, k/n, k/n, k%n, c.got[k], c.want[k])
			}
		}
	}
	return ""
}

// lastAndRecording compares the last step's spikes and the recordings.
func lastAndRecording(want, got lifgpu.Population) string {
	sw, err1 := want.Spiked()
	sg, err2 := got.Spiked()
	if err1 != nil || err2 != nil {
		return fmt.Sprint(err1, err2)
	}
	if !slices.Equal(sw, sg) {
		return fmt.Sprintf("last step's spikes %v, want %v", head(sg), head(sw))
	}
	a, err1 := want.Recording()
	b, err2 := got.Recording()
	if err1 != nil || err2 != nil {
		return fmt.Sprint(err1, err2)
	}
	return Recordings(a, b)
}

// Recordings compares two recordings bit for bit and describes the first difference,
// or returns "".
func Recordings(a, b *lifgpu.Recording) string {
	if len(a.SpikeSteps) != len(b.SpikeSteps) {
		return fmt.Sprintf("%d spikes recorded, want %d", len(b.SpikeSteps), len(a.SpikeSteps))
	}
	for k := range a.SpikeSteps {
		if a.SpikeSteps[k] != b.SpikeSteps[k] || a.SpikeIDs[k] != b.SpikeIDs[k] {
			return fmt.Sprintf("spike %d = (step %d, neuron %d), want (step %d, neuron %d)", k, b.SpikeSteps[k], b.SpikeIDs[k], a.SpikeSteps[k], a.SpikeIDs[k])
		}
	}
	if !slices.Equal(a.Rate, b.Rate) {
		for k := range min(len(a.Rate), len(b.Rate)) {
			if a.Rate[k] != b.Rate[k] {
				return fmt.Sprintf("rate[%d] = %d, want %d", k, b.Rate[k], a.Rate[k])
			}
		}
		return fmt.Sprintf("rate has %d steps, want %d", len(b.Rate), len(a.Rate))
	}
	if !slices.Equal(a.TraceIDs, b.TraceIDs) || !slices.Equal(a.TraceSteps, b.TraceSteps) {
		return fmt.Sprintf("trace ids/steps %v/%v, want %v/%v", b.TraceIDs, head(b.TraceSteps), a.TraceIDs, head(a.TraceSteps))
	}
	if len(a.Traces) != len(b.Traces) {
		return fmt.Sprintf("%d trace values, want %d", len(b.Traces), len(a.Traces))
	}
	for k := range a.Traces {
		if x, y := math.Float32bits(a.Traces[k]), math.Float32bits(b.Traces[k]); x != y {
			if nc := len(a.TraceIDs); nc > 0 && k/nc < len(a.TraceSteps) {
				return fmt.Sprintf("trace of neuron %d at step %d = %v (%#08x), want %v (%#08x)", a.TraceIDs[k%nc], a.TraceSteps[k/nc], b.Traces[k], y, a.Traces[k], x)
			}
			return fmt.Sprintf("trace value %d = %v (%#08x), want %v (%#08x)", k, b.Traces[k], y, a.Traces[k], x)
		}
	}
	return ""
}

func head[T any](s []T) []T { return s[:min(len(s), 10)] }
