package model

import (
	"fmt"

	"github.com/lifgpu/lifgpu"
)

// Host is the host-side bookkeeping that every backend's population keeps the same
// way: the model, the step counter, the closed flag and the recording, with the checks
// that Forward, Run and Restore make before a backend does its own work. A backend
// keeps one in a field and forwards Len, StepCount, Recording and ClearRecording to it.
type Host struct {
	M      *Model
	Step   int64 // steps taken; the backend advances it
	Rec    lifgpu.Recording
	closed bool
}

// NewHost returns the bookkeeping of a new population of m: step 0, an empty recording
// of what m records.
func NewHost(m *Model) Host {
	h := Host{M: m, Rec: lifgpu.Recording{Dt: m.Dt, RecordSpike: m.Record.Spikes, RecordRate: m.Record.Rate}}
	for _, id := range m.Record.Traces {
		h.Rec.TraceIDs = append(h.Rec.TraceIDs, int32(id))
	}
	return h
}

// Len is the number of neurons.
func (h *Host) Len() int { return h.M.N }

// StepCount is the number of steps taken.
func (h *Host) StepCount() int64 { return h.Step }

// Closed reports whether Close was called.
func (h *Host) Closed() bool { return h.closed }

// Close marks the population closed and reports whether it was already.
func (h *Host) Close() (already bool) {
	already, h.closed = h.closed, true
	return already
}

// Open returns lifgpu.ErrClosed after Close, else nil.
func (h *Host) Open() error {
	if h.closed {
		return lifgpu.ErrClosed
	}
	return nil
}

// Recording returns a copy of what was recorded.
func (h *Host) Recording() (*lifgpu.Recording, error) {
	if h.closed {
		return nil, lifgpu.ErrClosed
	}
	return h.Rec.Clone(), nil
}

// ClearRecording drops what was recorded so far; recording goes on from this step.
func (h *Host) ClearRecording() error {
	if h.closed {
		return lifgpu.ErrClosed
	}
	h.Rec.Reset(h.Step)
	return nil
}

// CheckForward checks a Forward call: the population is open, x fits it, and one more
// step fits the step counter.
func (h *Host) CheckForward(x lifgpu.Values) error {
	if h.closed {
		return lifgpu.ErrClosed
	}
	if !x.IsSet() {
		return &lifgpu.FieldError{Field: "x", Value: "unset", Rule: "Forward needs a current", Remedy: "pass lifgpu.Scalar(0) for none"}
	}
	if err := x.Check("x", h.M.N); err != nil {
		return err
	}
	return CheckSteps(h.Step, 1)
}

// CheckForwardShape is CheckForward but for the values of a per-neuron x, which it
// leaves to the caller: the caller scans them (X32N finds the first bad one) before it
// changes any state, and returns x.Check's error for them, so that the errors are
// CheckForward's.
func (h *Host) CheckForwardShape(x lifgpu.Values) error {
	if x.IsScalar() {
		return h.CheckForward(x)
	}
	if h.closed {
		return lifgpu.ErrClosed
	}
	if x.Len() != h.M.N {
		return x.Check("x", h.M.N) // the length error
	}
	return CheckSteps(h.Step, 1)
}

// CheckRun checks a Run call of steps steps.
func (h *Host) CheckRun(steps int) error {
	if h.closed {
		return lifgpu.ErrClosed
	}
	return CheckSteps(h.Step, steps)
}

// CheckRestore checks a state to Restore: the population is open and s fits it.
func (h *Host) CheckRestore(s lifgpu.State) error {
	if h.closed {
		return lifgpu.ErrClosed
	}
	return CheckState(s, h.M)
}

// Restored records that the state of step was restored: the step counter moves there
// and the recording starts again from it.
func (h *Host) Restored(step int64) {
	h.Step = step
	h.Rec.Reset(step)
}

// CheckLen panics (a programmer's error) when a destination slice does not have one
// element per neuron.
func (h *Host) CheckLen(n int, what string) {
	if n != h.M.N {
		panic(fmt.Sprintf("lifgpu: %s: len(dst) = %d, population has %d neurons", what, n, h.M.N))
	}
}

// CheckSteps returns an error if taking steps more steps from step would be negative or
// overflow the step counter.
func CheckSteps(step int64, steps int) error {
	if steps < 0 {
		return &lifgpu.FieldError{Field: "steps", Value: steps, Rule: "must be >= 0"}
	}
	if step+int64(steps) > lifgpu.MaxSteps {
		return &lifgpu.FieldError{Field: "steps", Value: steps,
			Rule:   fmt.Sprintf("step %d + %d would pass the step counter's limit %d", step, steps, lifgpu.MaxSteps),
			Remedy: "split the simulation into populations or lower the step count"}
	}
	return nil
}

// CheckState returns an error if s does not fit a population of m.
func CheckState(s lifgpu.State, m *Model) error {
	n := m.N
	if len(s.U) != n || len(s.Ref) != n || len(s.Counts) != n {
		return &lifgpu.FieldError{Field: "state", Value: fmt.Sprintf("%d u, %d ref, %d counts", len(s.U), len(s.Ref), len(s.Counts)),
			Rule: fmt.Sprintf("needs %d of each", n), Remedy: "resume with the spec the checkpoint was made with"}
	}
	if m.Net == nil {
		if s.IEx != nil || s.IIn != nil || s.RingEx != nil || s.RingIn != nil {
			return &lifgpu.FieldError{Field: "state", Value: "synaptic state", Rule: "a population without synapses has none",
				Remedy: "resume with the spec the checkpoint was made with"}
		}
	} else {
		ring := m.Net.D * n
		if len(s.IEx) != n || len(s.IIn) != n || len(s.RingEx) != ring || len(s.RingIn) != ring {
			return &lifgpu.FieldError{Field: "state", Value: fmt.Sprintf("%d i_ex, %d i_in, %d ring_ex, %d ring_in", len(s.IEx), len(s.IIn), len(s.RingEx), len(s.RingIn)),
				Rule:   fmt.Sprintf("a network of %d neurons with a delay ring of %d slots needs %d currents of each port and %d ring entries", n, m.Net.D, n, ring),
				Remedy: "resume with the spec the checkpoint was made with"}
		}
	}
	if s.Step < 0 || s.Step > lifgpu.MaxSteps {
		return &lifgpu.FieldError{Field: "state.step", Value: s.Step, Rule: fmt.Sprintf("must be in 0..%d", lifgpu.MaxSteps)}
	}
	for i, r := range s.Ref {
		if r < 0 {
			return &lifgpu.FieldError{Field: fmt.Sprintf("state.ref[%d]", i), Value: r, Rule: "must be >= 0"}
		}
	}
	return nil
}
