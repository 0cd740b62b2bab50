package batch

import (
	"fmt"
	"math"
	"slices"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conn"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/npy"
)

// checkpoint is checkpoint.npz: the state, the parts of recordings that precede it, and
// the hash of the model that made it. The generator needs no position: its draws are a
// function of (seed, neuron, step), and the step is in the state. A network adds its
// synaptic state: the currents i_ex and i_in (float32, n) and the delay rings ring_ex
// and ring_in (int32, shape (D, n), in w_q units of 2^-q nA: row s mod D holds the input
// arriving at step s), the layout of lifgpu.State.
//
// Each part is recorded with the step it ends at (part_ends, int64) and the SHA-256 of
// each kind's file (part_sha256, uint8 (parts, 3, 32), in partKinds' order, zero for a
// kind the run does not record), so that a resume finds a missing or damaged part
// before it simulates anything.
type checkpoint struct {
	state lifgpu.State
	parts []partRecord
	hash  [32]byte
}

// partRecord is what a checkpoint keeps of one part: the step it ends at (it holds the
// steps from the previous part's end) and the SHA-256 of each kind's file.
type partRecord struct {
	end  int64
	sums [3][32]byte // by partKinds' index
}

func writeCheckpoint(path string, c checkpoint) error {
	st := c.state
	ends := make([]int64, len(c.parts))
	sums := make([]uint8, 0, len(c.parts)*3*32)
	for k, p := range c.parts {
		ends[k] = p.end
		for _, s := range p.sums {
			sums = append(sums, s[:]...)
		}
	}
	arrays := []npy.Array{
		{Name: "u", Data: st.U},
		{Name: "ref", Data: st.Ref},
		{Name: "counts", Data: st.Counts},
		{Name: "step", Data: []int64{st.Step}, Shape: []int{}},
		{Name: "parts", Data: []int64{int64(len(c.parts))}, Shape: []int{}},
		{Name: "part_ends", Data: ends},
		{Name: "part_sha256", Data: sums, Shape: []int{len(c.parts), 3, 32}},
		{Name: "model_hash", Data: c.hash[:]},
	}
	if st.IEx != nil {
		n := len(st.U)
		d := len(st.RingEx) / max(n, 1)
		arrays = append(arrays,
			npy.Array{Name: "i_ex", Data: st.IEx},
			npy.Array{Name: "i_in", Data: st.IIn},
			npy.Array{Name: "ring_ex", Data: st.RingEx, Shape: []int{d, n}},
			npy.Array{Name: "ring_in", Data: st.RingIn, Shape: []int{d, n}},
		)
	}
	return npy.WriteNPZ(path, arrays...)
}

// readCheckpoint reads the checkpoint at path of a run of m for total steps, and checks
// it before it is used: the archive's directory and headers against the model first (so
// that nothing is allocated for what cannot be this run's checkpoint, and no more than
// limit bytes, when limit > 0), then each entry's CRC-32 as it is read, then every value
// against what the model can produce.
func readCheckpoint(path string, m *model.Model, total int64, limit int64) (*checkpoint, error) {
	bad := func(what string) error {
		return fmt.Errorf("%s is damaged or not this run's checkpoint: %s; rerun from the start (or from an older copy)", path, what)
	}
	hs, err := npy.ReadNPZHeaders(path)
	if err != nil {
		return nil, err
	}
	if err := checkHeaders(hs, m, limit); err != nil {
		return nil, bad(err.Error())
	}
	arr, err := npy.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	var c checkpoint
	c.state.U = arr["u"].Data.([]float32)
	c.state.Ref = arr["ref"].Data.([]int32)
	c.state.Counts = arr["counts"].Data.([]uint32)
	c.state.Step = arr["step"].Data.([]int64)[0]
	copy(c.hash[:], arr["model_hash"].Data.([]uint8))
	if m.Net != nil {
		c.state.IEx, c.state.IIn = arr["i_ex"].Data.([]float32), arr["i_in"].Data.([]float32)
		c.state.RingEx, c.state.RingIn = arr["ring_ex"].Data.([]int32), arr["ring_in"].Data.([]int32)
	}
	ends, sums := arr["part_ends"].Data.([]int64), arr["part_sha256"].Data.([]uint8)
	if p := arr["parts"].Data.([]int64)[0]; p != int64(len(ends)) {
		return nil, bad(fmt.Sprintf("it names %d parts and records %d", p, len(ends)))
	}
	c.parts = make([]partRecord, len(ends))
	for k := range c.parts {
		c.parts[k].end = ends[k]
		for kind := range partKinds {
			copy(c.parts[k].sums[kind][:], sums[(k*3+kind)*32:])
		}
	}
	if err := checkValues(&c, m, total); err != nil {
		return nil, bad(err.Error())
	}
	return &c, nil
}

// checkHeaders checks a checkpoint's arrays, from their headers, against model m: the
// names, the types and the shapes, all exact but the number of parts; limit (if > 0)
// bounds the bytes the entries declare.
func checkHeaders(hs map[string]npy.Header, m *model.Model, limit int64) error {
	n := m.N
	type array struct {
		typ   string
		shape []int // nil: checked below
	}
	want := map[string]array{
		"u": {"float32", []int{n}}, "ref": {"int32", []int{n}}, "counts": {"uint32", []int{n}},
		"step": {"int64", []int{}}, "parts": {"int64", []int{}}, "model_hash": {"uint8", []int{32}},
		"part_ends": {"int64", nil}, "part_sha256": {"uint8", nil},
	}
	if m.Net != nil {
		d := m.Net.D
		want["i_ex"], want["i_in"] = array{"float32", []int{n}}, array{"float32", []int{n}}
		want["ring_ex"], want["ring_in"] = array{"int32", []int{d, n}}, array{"int32", []int{d, n}}
	}
	var declared int64
	for name, h := range hs {
		w, ok := want[name]
		if !ok {
			return fmt.Errorf("an array %s that no checkpoint of this run holds", name)
		}
		if h.Type != w.typ || w.shape != nil && !slices.Equal(h.Shape, w.shape) {
			return fmt.Errorf("%s is %s %s, want %s %s", name, h.Type, shapeText(h.Shape), w.typ, shapeText(w.shape))
		}
		declared = addSat(declared, h.Bytes)
	}
	for name := range want {
		if _, ok := hs[name]; !ok {
			return fmt.Errorf("no array %s", name)
		}
	}
	ends, sums := hs["part_ends"].Shape, hs["part_sha256"].Shape
	if len(ends) != 1 || len(sums) != 3 || sums[0] != ends[0] || sums[1] != 3 || sums[2] != 32 {
		return fmt.Errorf("part_ends %s and part_sha256 %s, want (parts,) and (parts, 3, 32)", shapeText(ends), shapeText(sums))
	}
	if limit > 0 && declared > limit {
		return fmt.Errorf("its arrays declare %s, more than the %s of memory available", HumanBytes(declared), HumanBytes(limit))
	}
	return nil
}

// checkValues checks a checkpoint's values against what a run of m for total steps
// can have produced: the step within the run, spike counts at most one a step,
// refractory counters within [0, ref_steps], the parts' ends rising to the step, a
// SHA-256 for each recorded kind and none for the others, and a network's currents and
// delay rings within the fixed point's bounds and of their port's sign.
func checkValues(c *checkpoint, m *model.Model, total int64) error {
	st := c.state
	if err := model.CheckState(st, m); err != nil {
		return err
	}
	if st.Step < 0 || st.Step > total {
		return fmt.Errorf("step %d is outside the run's steps 0..%d", st.Step, total)
	}
	for i, k := range st.Counts {
		if int64(k) > st.Step {
			return fmt.Errorf("neuron %d has %d spikes in %d steps (at most one a step)", i, k, st.Step)
		}
	}
	for i, r := range st.Ref {
		if most := m.RefSteps.At(i); r > most {
			return fmt.Errorf("neuron %d is refractory for %d more steps, more than its t_ref of %d steps", i, r, most)
		}
	}
	if len(c.parts) == 0 || c.parts[len(c.parts)-1].end != st.Step {
		return fmt.Errorf("its parts do not end at its step %d", st.Step)
	}
	recorded := recordedKinds(m)
	prev := int64(0)
	for k, p := range c.parts {
		if p.end < prev {
			return fmt.Errorf("part %d ends at step %d, before part %d (step %d)", k+1, p.end, k, prev)
		}
		prev = p.end
		for kind, name := range partKinds {
			zero := p.sums[kind] == [32]byte{}
			if zero == slices.Contains(recorded, name) {
				return fmt.Errorf("part %d: the SHA-256 of its %s file is %s", k+1, name, map[bool]string{true: "missing", false: "there, but the run records none"}[zero])
			}
		}
	}
	if m.Net == nil {
		return nil
	}
	for _, port := range []struct {
		name string
		cur  []float32
		ring []int32
		sign int32
	}{{"ex", st.IEx, st.RingEx, 1}, {"in", st.IIn, st.RingIn, -1}} {
		for i, x := range port.cur {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) || x*float32(port.sign) < 0 {
				return fmt.Errorf("i_%s[%d] = %g: the %s port's current is finite and of its weights' sign", port.name, i, x, port.name)
			}
		}
		for k, q := range port.ring {
			if q*port.sign < 0 || q*port.sign > conn.MaxInput {
				return fmt.Errorf("ring_%s[%d, %d] = %d: the %s port's input in flight is within 0..%d in units of 2^-q, of its weights' sign", port.name, k/m.N, k%m.N, q, port.name, conn.MaxInput)
			}
		}
	}
	return nil
}

// shapeText formats a shape as NumPy does; nil (any) as (...).
func shapeText(shape []int) string {
	if shape == nil {
		return "(...)"
	}
	return npy.FormatShape(shape)
}

// addSat and mulSat add and multiply non-negative int64s, saturating at MaxInt64: a
// size estimate that overflows must stay too large, not wrap to a small one.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func mulSat(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}
