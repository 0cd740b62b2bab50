package compare

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// fake is a population that only holds what compare reads.
type fake struct {
	u      []float32
	ref    []int32
	counts []uint32
	steps  int64
	spiked []int32
	rec    lifgpu.Recording
	err    error        // returned by Potentials and State
	syn    lifgpu.State // the synaptic part of the state
}

func (p *fake) Len() int                     { return len(p.u) }
func (p *fake) StepCount() int64             { return p.steps }
func (p *fake) Forward(lifgpu.Values) error  { return errors.ErrUnsupported }
func (p *fake) Run(int) error                { return errors.ErrUnsupported }
func (p *fake) Refractory(dst []int32) error { copy(dst, p.ref); return nil }
func (p *fake) Counts(dst []uint32) error    { copy(dst, p.counts); return nil }
func (p *fake) Spiked() ([]int32, error)     { return slices.Clone(p.spiked), nil }
func (p *fake) ClearRecording() error        { return errors.ErrUnsupported }
func (p *fake) State() (lifgpu.State, error) {
	if p.err != nil {
		return lifgpu.State{}, p.err
	}
	return lifgpu.State{Step: p.steps, U: slices.Clone(p.u), Ref: slices.Clone(p.ref), Counts: slices.Clone(p.counts),
		IEx: slices.Clone(p.syn.IEx), IIn: slices.Clone(p.syn.IIn), RingEx: slices.Clone(p.syn.RingEx), RingIn: slices.Clone(p.syn.RingIn)}, nil
}
func (p *fake) Restore(lifgpu.State) error            { return errors.ErrUnsupported }
func (p *fake) Backend() string                       { return "fake" }
func (p *fake) Close() error                          { return nil }
func (p *fake) Recording() (*lifgpu.Recording, error) { return p.rec.Clone(), nil }
func (p *fake) Potentials(dst []float32) error {
	copy(dst, p.u)
	return p.err
}

var (
	negZero = float32(math.Copysign(0, -1))
	nan1    = math.Float32frombits(0x7fc00001)
	nan2    = math.Float32frombits(0x7fc00002)
)

// newFake is a population of 4 neurons after 10 steps, with a recording of every kind;
// its u holds a NaN and a zero, whose bits the comparisons must see.
func newFake() *fake {
	return &fake{
		u:      []float32{-62.5, 0, nan1, -51},
		ref:    []int32{0, 3, 0, 4},
		counts: []uint32{1, 0, 2, 5},
		steps:  10,
		spiked: []int32{1},
		rec: lifgpu.Recording{
			Dt: 0.1, SpikeSteps: []int32{3, 7, 7}, SpikeIDs: []int32{0, 2, 3},
			Rate:     []uint32{0, 4, 1},
			TraceIDs: []int32{1, 2}, TraceSteps: []int32{0, 5},
			Traces: []float32{-62, 0, nan1, -60}, RecordSpike: true, RecordRate: true,
		},
		syn: lifgpu.State{IEx: []float32{0, 1.5, 0, 0}, IIn: []float32{0, 0, -0.25, -0.5},
			RingEx: []int32{0, 3, 0, 0, 0, 0, 0, 9}, RingIn: []int32{0, 0, 0, 0, -4, 0, 0, 0}},
	}
}

func TestPopulations(t *testing.T) {
	t.Parallel()
	if d := Populations(newFake(), newFake()); d != "" {
		t.Fatalf("equal populations: %q, want \"\"", d)
	}
	for _, c := range []struct {
		name   string
		change func(p *fake)
		want   string
	}{
		{"len", func(p *fake) { p.u = append(p.u, 0) }, "len 5, want 4"},
		{"step count", func(p *fake) { p.steps = 11 }, "step count 11, want 10"},
		{"u", func(p *fake) { p.u[0] = -62.500004 }, "u[0] = -62.500004 (0xc27a0001), want -62.5 (0xc27a0000)"},
		{"u -0 against +0", func(p *fake) { p.u[1] = negZero }, "u[1] = -0 (0x80000000), want 0 (0x00000000)"},
		{"u NaN payload", func(p *fake) { p.u[2] = nan2 }, "u[2] = NaN (0x7fc00002), want NaN (0x7fc00001)"},
		{"ref", func(p *fake) { p.ref[3] = 5 }, "ref[3] = 5, want 4"},
		{"counts", func(p *fake) { p.counts[2] = 3 }, "count[2] = 3, want 2"},
		{"first difference wins", func(p *fake) { p.counts[0] = 9; p.ref[3] = 9 }, "count[0] = 9, want 1"},
		{"last step's spikes", func(p *fake) { p.spiked = []int32{1, 2} }, "last step's spikes [1 2], want [1]"},
		{"no spikes in the last step", func(p *fake) { p.spiked = nil }, "last step's spikes [], want [1]"},
		{"error", func(p *fake) { p.err = errors.New("device lost") }, "device lost"},
		{"recording", func(p *fake) { p.rec.Rate[2] = 2 }, "rate[2] = 2, want 1"},
		{"synaptic current", func(p *fake) { p.syn.IIn[3] = 0.25 }, "i_in[3] = 0.25 (0x3e800000), want -0.5 (0xbf000000)"},
		{"synaptic current sign of zero", func(p *fake) { p.syn.IEx[0] = negZero }, "i_ex[0] = -0 (0x80000000), want 0 (0x00000000)"},
		{"delay ring", func(p *fake) { p.syn.RingEx[6] = 7 }, "ring_ex: slot 1 (arriving at step ≡ 1), neuron 2 = 7, want 0 (w_q units)"},
		{"no synaptic state", func(p *fake) { p.syn = lifgpu.State{} }, "0 values of i_ex, want 4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := newFake()
			c.change(got)
			if d := Populations(newFake(), got); d != c.want {
				t.Errorf("Populations = %q, want %q", d, c.want)
			}
		})
	}
}

func TestRecordings(t *testing.T) {
	t.Parallel()
	rec := func() *lifgpu.Recording { return newFake().rec.Clone() }
	if d := Recordings(rec(), rec()); d != "" {
		t.Fatalf("equal recordings: %q, want \"\"", d)
	}
	empty := &lifgpu.Recording{}
	if d := Recordings(empty, &lifgpu.Recording{}); d != "" {
		t.Fatalf("empty recordings: %q, want \"\"", d)
	}
	for _, c := range []struct {
		name   string
		change func(r *lifgpu.Recording)
		want   string
	}{
		{"spike count", func(r *lifgpu.Recording) { r.SpikeSteps, r.SpikeIDs = r.SpikeSteps[:2], r.SpikeIDs[:2] }, "2 spikes recorded, want 3"},
		{"spike neuron", func(r *lifgpu.Recording) { r.SpikeIDs[1] = 1 }, "spike 1 = (step 7, neuron 1), want (step 7, neuron 2)"},
		{"spike step", func(r *lifgpu.Recording) { r.SpikeSteps[2] = 8 }, "spike 2 = (step 8, neuron 3), want (step 7, neuron 3)"},
		{"rate", func(r *lifgpu.Recording) { r.Rate[1] = 5 }, "rate[1] = 5, want 4"},
		{"rate length", func(r *lifgpu.Recording) { r.Rate = r.Rate[:2] }, "rate has 2 steps, want 3"},
		{"rate longer", func(r *lifgpu.Recording) { r.Rate = append(r.Rate, 0) }, "rate has 4 steps, want 3"},
		{"trace ids", func(r *lifgpu.Recording) { r.TraceIDs[1] = 3 }, "trace ids/steps [1 3]/[0 5], want [1 2]/[0 5]"},
		{"trace steps", func(r *lifgpu.Recording) { r.TraceSteps[1] = 6 }, "trace ids/steps [1 2]/[0 6], want [1 2]/[0 5]"},
		{"trace length", func(r *lifgpu.Recording) { r.Traces = r.Traces[:3] }, "3 trace values, want 4"},
		{"trace value", func(r *lifgpu.Recording) { r.Traces[3] = -60.5 }, "trace of neuron 2 at step 5 = -60.5 (0xc2720000), want -60 (0xc2700000)"},
		{"trace -0 against +0", func(r *lifgpu.Recording) { r.Traces[1] = negZero }, "trace of neuron 2 at step 0 = -0 (0x80000000), want 0 (0x00000000)"},
		{"trace NaN payload", func(r *lifgpu.Recording) { r.Traces[2] = nan2 }, "trace of neuron 1 at step 5 = NaN (0x7fc00002), want NaN (0x7fc00001)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := rec()
			c.change(got)
			if d := Recordings(rec(), got); d != c.want {
				t.Errorf("Recordings = %q, want %q", d, c.want)
			}
			if d := Recordings(got, rec()); d == "" {
				t.Errorf("Recordings with the sides swapped finds no difference")
			}
		})
	}
}
