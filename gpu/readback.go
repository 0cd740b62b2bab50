//go:build cgo && egl

package gpu

import (
	"errors"
	"slices"
	"unsafe"

	"github.com/lifgpu/lifgpu"
)

// readState copies the chunks' state to the host, calling f for every neuron.
func (p *Population) readState(f func(i int, s stateRec)) error {
	switch {
	case p.lost:
		return p.lostError("reading the state")
	case p.torn:
		return errors.New("gpu: a failed dispatch left the device state between steps: it cannot be read as a whole; the last checkpoint stands")
	}
	return p.doRead(func() error {
		buf := make([]stateRec, p.plan.chunkN)
		for _, c := range p.chunks {
			c.state[c.cur].read(0, stateBytes*c.n, unsafe.Pointer(&buf[0]))
			for i, s := range buf[:c.n] {
				f(c.base+i, s)
			}
		}
		return checkGL("reading the state back")
	})
}

// Potentials copies u into dst (len N).
func (p *Population) Potentials(dst []float32) error {
	p.h.CheckLen(len(dst), "Potentials")
	return p.readState(func(i int, s stateRec) { dst[i] = s.U })
}

// Refractory copies the refractory counters into dst (len N).
func (p *Population) Refractory(dst []int32) error {
	p.h.CheckLen(len(dst), "Refractory")
	return p.readState(func(i int, s stateRec) { dst[i] = s.Ref })
}

// Counts copies the spike counts into dst (len N).
func (p *Population) Counts(dst []uint32) error {
	p.h.CheckLen(len(dst), "Counts")
	return p.readState(func(i int, s stateRec) { dst[i] = s.Cnt })
}

// State copies the whole state in one read-back.
func (p *Population) State() (lifgpu.State, error) {
	n := p.m.N
	st := lifgpu.State{Step: p.h.Step, U: make([]float32, n), Ref: make([]int32, n), Counts: make([]uint32, n)}
	err := p.readState(func(i int, s stateRec) { st.U[i], st.Ref[i], st.Counts[i] = s.U, s.Ref, s.Cnt })
	if err != nil {
		return lifgpu.State{}, err
	}
	return st, nil
}

// Spiked returns the neurons that spiked in the last step, ascending.
func (p *Population) Spiked() ([]int32, error) {
	if err := p.h.Open(); err != nil {
		return nil, err
	}
	if p.spikedValid {
		return slices.Clone(p.spiked), nil
	}
	if p.lost {
		return nil, p.lostError("reading the last step's spikes")
	}
	var out []int32
	err := p.doRead(func() error {
		for _, c := range p.chunks {
			var n uint32
			c.last.read(0, 4, unsafe.Pointer(&n))
			if n == 0 {
				continue
			}
			ids := make([]int32, n)
			c.last.read(8, 4*int(n), unsafe.Pointer(&ids[0]))
			out = append(out, ids...)
		}
		return checkGL("reading the last step's spikes")
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	p.spiked, p.spikedValid = out, true
	return slices.Clone(out), nil
}
