//go:build cgo && egl

package gpu

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu"
)

// This file turns what the driver reports at a boundary of the population's work into
// the population's state: a GPU reset loses the context (lost), GL_OUT_OF_MEMORY in
// work that writes the device state leaves it untrusted (torn). Either way the state is
// never read back as a checkpoint afterwards.

// glContextLost is GL_CONTEXT_LOST (KHR_robustness, GL 4.5): every call of a lost
// context may raise it.
const glContextLost = 0x0507

// resetNames names glGetGraphicsResetStatus's answers.
var resetNames = map[uint32]string{
	gl.GUILTY_CONTEXT_RESET:   "GL_GUILTY_CONTEXT_RESET",
	gl.INNOCENT_CONTEXT_RESET: "GL_INNOCENT_CONTEXT_RESET",
	gl.UNKNOWN_CONTEXT_RESET:  "GL_UNKNOWN_CONTEXT_RESET",
}

// check is checkGL at a boundary inside a dispatch (after the dispatches of a batch,
// after their read-back), with the reset status and the injected faults: a reset loses
// the population, GL_OUT_OF_MEMORY tears its state. It runs on the GL thread.
func (p *Population) check(op string) error {
	err := checkGL(op)
	if h := p.hooks; h.OutOfMemoryAfter > 0 && !p.oomInjected && p.stats.dispatches > h.OutOfMemoryAfter {
		p.oomInjected = true
		codes := []uint32{gl.OUT_OF_MEMORY}
		if e, ok := err.(*glError); ok {
			codes = append(e.Codes, codes...)
		}
		err = &glError{Op: op + " [GL_OUT_OF_MEMORY injected by gpuhook.Hooks.OutOfMemoryAfter]", Codes: codes}
	}
	return p.judge(op, err, true)
}

// guard is check for the work of one call on the GL thread (p.do), whose own errors
// name what failed: it looks for a reset after the work, and classifies err. writes:
// the work may have changed the device state.
func (p *Population) guard(err error, writes bool) error {
	return p.judge("after the last call", err, writes)
}

// judge looks for a GPU reset and classifies err, a GL error seen during op. It runs on
// the GL thread.
func (p *Population) judge(op string, err error, writes bool) error {
	if _, ok := errors.AsType[*ResetError](err); ok {
		return err // seen already, at a check inside the work
	}
	if rerr := p.resetError(op, err); rerr != nil {
		return rerr
	}
	var ge *glError
	if errors.As(err, &ge) && slices.Contains(ge.Codes, gl.OUT_OF_MEMORY) && !errors.Is(err, lifgpu.ErrOutOfDeviceMemory) {
		tail := ""
		if writes {
			p.torn = true
			tail = "; the device state is not trusted after it: Restore a checkpoint (into a smaller population, or once device memory is free)"
		}
		return fmt.Errorf("%w: %w: the driver ran out of device memory during the work, not at an allocation%s", lifgpu.ErrOutOfDeviceMemory, err, tail)
	}
	if errors.Is(err, lifgpu.ErrOutOfDeviceMemory) && writes {
		p.torn = true
	}
	return err
}

// resetError returns a *ResetError, and marks the population lost, when the context
// reports a GPU reset (or the hooks inject one), or when err holds GL_CONTEXT_LOST.
func (p *Population) resetError(op string, err error) error {
	status, injected := p.resetStatus()
	name := resetNames[status]
	if name == "" {
		var ge *glError
		if !errors.As(err, &ge) || !slices.Contains(ge.Codes, glContextLost) {
			return nil
		}
		name = "GL_CONTEXT_LOST"
	}
	rerr := &ResetError{Op: op, Status: name, Injected: injected}
	if injected && !p.lost {
		p.scribble()
	}
	p.lost = true
	p.lostWhy = rerr.Error()
	return rerr
}

// resetStatus is glGetGraphicsResetStatus's answer (GL_NO_ERROR without the query), or
// GL_UNKNOWN_CONTEXT_RESET, injected, after gpuhook.Hooks.ResetAfter dispatches.
func (p *Population) resetStatus() (status uint32, injected bool) {
	if h := p.hooks.ResetAfter; h > 0 && p.stats.dispatches > h {
		return gl.UNKNOWN_CONTEXT_RESET, true
	}
	if p.ctx.resetStatus == nil {
		return gl.NO_ERROR, false
	}
	return p.ctx.resetStatus(), false
}

// scribble fills the state buffers with NaNs, as the garbage a real reset may leave:
// an injected reset that some path failed to honour would then show in the results.
func (p *Population) scribble() {
	nan := uint32(0x7fc00001)
	for _, c := range p.chunks {
		for _, b := range c.state {
			if b != nil {
				gl.ClearNamedBufferSubData(b.id, gl.R32UI, 0, b.size, gl.RED_INTEGER, gl.UNSIGNED_INT, unsafe.Pointer(&nan))
			}
		}
	}
}

// lostError is the error of a population whose context is lost, for what (stepping,
// reading the state).
func (p *Population) lostError(what string) error {
	return fmt.Errorf("gpu: %s: the context was lost (%s): make a new population and Restore a checkpoint into it", what,
		cmp.Or(p.lostWhy, "injected fault: gpuhook.Hooks.FaultLost"))
}

// doRead is do for work that only reads the device: GL_OUT_OF_MEMORY there fails the
// read but leaves the device state trusted.
func (p *Population) doRead(f func() error) error {
	if err := p.h.Open(); err != nil {
		return err
	}
	return p.ctx.th.call(func() error { return p.guard(f(), false) })
}

// deviceNotes is what Backend says of the device after its buffers: the EGL device,
// and a software renderer as such.
func deviceNotes(d Device) string {
	var s string
	if d.EGL.Index >= 0 {
		s += ", " + d.EGL.Where()
	}
	if d.Software {
		s += "; software renderer: for testing, slower than the CPU backend"
	}
	return s
}
