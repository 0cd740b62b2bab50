//go:build cgo && egl

package gpu

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// callerThread is the executor of a caller's context: its Do.
type callerThread struct{ ctx Context }

func (t callerThread) call(f func() error) error {
	var err error
	t.ctx.Do(func() { err = f() })
	return err
}

// stop does nothing: the thread is the caller's.
func (callerThread) stop() {}

// openCallerContext takes the caller's context: it loads GL through the context's
// loader (see glTable) and reads the device's limits, on the context's thread.
func openCallerContext(x Context) (*glContext, error) {
	c := &glContext{th: callerThread{x}, proc: x.ProcAddress, origin: contextOrigin{
		platform:   "the caller's context (NewInContext)",
		dev:        EGLDevice{Index: -1, CUDA: -1},
		robustness: "the caller's: as the caller made the context",
	}}
	t0 := time.Now()
	err := c.th.call(func() error {
		if err := glFunctions.acquire("", x.ProcAddress); err != nil {
			return err
		}
		var major, minor int32
		gl.GetIntegerv(gl.MAJOR_VERSION, &major)
		gl.GetIntegerv(gl.MINOR_VERSION, &minor)
		if major < 4 || major == 4 && minor < 3 {
			glFunctions.release()
			return fmt.Errorf("%w: the caller's context offers OpenGL %d.%d (%s); a population needs 4.3 (compute shaders and shader storage buffers)",
				errNoGPU, major, minor, glString(gl.VERSION))
		}
		if err := c.setUp(); err != nil {
			glFunctions.release()
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.dev.ContextTime = time.Since(t0)
	return c, nil
}

// NewInContext makes a population of cfg.N neurons in the caller's GL context ctx, as
// New does in a headless context of its own: the same bits, the same errors. Every GL
// call of the population runs through ctx.Do, on the context's thread. go-gl's table of
// GL functions is loaded through ctx.ProcAddress (unless it holds the same pointers
// already), so the caller may make go-gl calls of its own in the context while the
// population is open. While a population of another kind of context (New's, headless)
// is open and its loader gives other pointers, NewInContext fails with a
// *MixedContextsError (see the package documentation). opts.Device must be nil: the
// context is on whatever device the caller made it. Close frees the population's GL
// objects and leaves the context to the caller.
func NewInContext(cfg lifgpu.Config, opts Options, ctx Context) (*Population, error) {
	if opts.Device != nil {
		return nil, &lifgpu.FieldError{Field: "Options.Device", Value: fmt.Sprint(*opts.Device),
			Rule:   "picks an EGL device for a context of the population's own; NewInContext runs in the caller's context, on its device",
			Remedy: "leave Options.Device nil"}
	}
	return newPopulationWith(cfg, opts, gpuhook.Hooks{}, func() (*glContext, error) { return openCallerContext(ctx) })
}

// StateBuffers returns the buffers that hold the population's state now, in neuron
// order, one a chunk. Their writes are visible to the shader storage reads of any GL
// command the caller issues after the call (it issues the memory barrier). They are GL
// objects of the caller's context (a population made by NewInContext; for one with a
// context of its own it is an error), for reading only, and they stay the state only
// until the next call that steps or restores the population: a step writes the other
// of each chunk's two copies, unless the population steps in place (when it records
// nothing). Close deletes them.
func (p *Population) StateBuffers() ([]StateBuffer, error) {
	if p.ctx.egl != nil {
		return nil, errors.New("gpu: StateBuffers: the population has a GL context of its own, whose buffers no caller can use: make it with NewInContext")
	}
	if err := p.usable("StateBuffers", "StateBuffers: a failed dispatch left the device state between steps: Restore a state first"); err != nil {
		return nil, err
	}
	out := make([]StateBuffer, len(p.chunks))
	for k, c := range p.chunks {
		out[k] = StateBuffer{Buffer: c.state[c.cur].id, First: c.base, N: c.n, Words: p.lay.stateBytes() / 4}
	}
	err := p.doRead(func() error {
		gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT)
		return checkGL("StateBuffers")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
