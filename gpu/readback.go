//go:build cgo && egl

package gpu

import (
	"slices"
	"unsafe"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/f32"
)

// readState copies the chunks' state to the host, calling f for every neuron, and a
// network's delay rings to ex and in (unless nil).
func (p *Population) readState(f func(i int, s stateRec), ex, in []int32) error {
	if err := p.usable("reading the state", "a failed dispatch left the device state between steps: it cannot be read as a whole; the last checkpoint stands"); err != nil {
		return err
	}
	return p.doRead(func() error {
		w := p.lay.stateBytes() / 4
		buf := make([]uint32, w*p.plan.chunkN)
		for _, c := range p.chunks {
			c.state[c.cur].read(0, 4*w*c.n, unsafe.Pointer(&buf[0]))
			for i := range c.n {
				f(c.base+i, getState(buf, i, w))
			}
			if ex != nil {
				p.readRings(c, ex, in)
			}
		}
		return checkGL("reading the state back")
	})
}

// readRings copies chunk c's delay rings into the state's, slot-major over all the
// neurons (slot s of neuron j at s*N + j).
func (p *Population) readRings(c *chunk, ex, in []int32) {
	D, n := p.lay.net.D, p.m.N
	buf := make([]int32, D*c.n)
	for _, r := range []struct {
		b   *buffer
		dst []int32
	}{{c.ringEx, ex}, {c.ringIn, in}} {
		r.b.read(0, 4*len(buf), unsafe.Pointer(&buf[0]))
		for s := range D {
			copy(r.dst[s*n+c.base:s*n+c.base+c.n], buf[s*c.n:(s+1)*c.n])
		}
	}
}

// writeState uploads st into the chunks' current state buffers (and a network's
// rings), flushing subnormal inputs, and empties the chunks' last-step spikes. It runs
// on the GL thread.
func (p *Population) writeState(st lifgpu.State) {
	w := p.lay.stateBytes() / 4
	buf := make([]uint32, w*p.plan.chunkN)
	for _, c := range p.chunks {
		for i := range c.n {
			j := c.base + i
			s := stateRec{U: f32.Flush(st.U[j]), Ref: st.Ref[j], Cnt: st.Counts[j]}
			if p.lay.net != nil {
				s.IEx, s.IIn = f32.Flush(st.IEx[j]), f32.Flush(st.IIn[j])
			}
			putState(buf, i, w, s)
		}
		c.state[c.cur].write(0, 4*w*c.n, unsafe.Pointer(&buf[0]))
		c.last.clear(0, 4)
		if p.lay.net != nil {
			p.writeRings(c, st.RingEx, st.RingIn)
		}
	}
}

// writeRings uploads chunk c's part of the state's delay rings.
func (p *Population) writeRings(c *chunk, ex, in []int32) {
	D, n := p.lay.net.D, p.m.N
	buf := make([]int32, D*c.n)
	for _, r := range []struct {
		b   *buffer
		src []int32
	}{{c.ringEx, ex}, {c.ringIn, in}} {
		for s := range D {
			copy(buf[s*c.n:(s+1)*c.n], r.src[s*n+c.base:s*n+c.base+c.n])
		}
		r.b.write(0, 4*len(buf), unsafe.Pointer(&buf[0]))
	}
}

// Potentials copies u into dst (len N).
func (p *Population) Potentials(dst []float32) error {
	p.h.CheckLen(len(dst), "Potentials")
	return p.readState(func(i int, s stateRec) { dst[i] = s.U }, nil, nil)
}

// Refractory copies the refractory counters into dst (len N).
func (p *Population) Refractory(dst []int32) error {
	p.h.CheckLen(len(dst), "Refractory")
	return p.readState(func(i int, s stateRec) { dst[i] = s.Ref }, nil, nil)
}

// Counts copies the spike counts into dst (len N).
func (p *Population) Counts(dst []uint32) error {
	p.h.CheckLen(len(dst), "Counts")
	return p.readState(func(i int, s stateRec) { dst[i] = s.Cnt }, nil, nil)
}

// State copies the whole state in one read-back.
func (p *Population) State() (lifgpu.State, error) {
	n := p.m.N
	st := lifgpu.State{Step: p.h.Step, U: make([]float32, n), Ref: make([]int32, n), Counts: make([]uint32, n)}
	if nl := p.lay.net; nl != nil {
		st.IEx, st.IIn = make([]float32, n), make([]float32, n)
		st.RingEx, st.RingIn = make([]int32, nl.D*n), make([]int32, nl.D*n)
	}
	err := p.readState(func(i int, s stateRec) {
		st.U[i], st.Ref[i], st.Counts[i] = s.U, s.Ref, s.Cnt
		if st.IEx != nil {
			st.IEx[i], st.IIn[i] = s.IEx, s.IIn
		}
	}, st.RingEx, st.RingIn)
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
