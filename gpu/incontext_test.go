//go:build cgo && egl

package gpu

import (
	"errors"
	"math"
	"testing"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// callerCtx is a Context as a caller would make one: an EGL context current on a
// thread of the test's own, which runs the population's work posted through Do.
type callerCtx struct {
	th  *thread
	egl *eglContext
	dos int // calls of Do
}

func newCallerCtx(t testing.TB) *callerCtx {
	t.Helper()
	c := &callerCtx{}
	th, err := newThread(func() error {
		e, err := newEGLContext(false, nil)
		c.egl = e
		return err
	})
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	c.th = th
	return c
}

func (c *callerCtx) Do(f func()) {
	c.dos++
	c.th.call(func() error { f(); return nil })
}

func (c *callerCtx) ProcAddress(name string) unsafe.Pointer { return eglProcAddress(name) }

func (c *callerCtx) close() {
	c.th.call(func() error { return c.egl.destroy() })
	c.th.stop()
}

// inContext is a population in a callerCtx, which it closes after itself.
type inContext struct {
	*Population
	ctx *callerCtx
}

func (p inContext) Close() error {
	err := p.Population.Close()
	if p.ctx != nil {
		p.ctx.close()
	}
	return err
}

func callerFactory(t *testing.T, h gpuhook.Hooks) conformance.Factory {
	return func(cfg lifgpu.Config) (lifgpu.Population, error) {
		ctx := newCallerCtx(t)
		p, err := newPopulationWith(cfg, Options{}, h, func() (*glContext, error) { return openCallerContext(ctx) })
		if err != nil {
			ctx.close()
			return nil, err
		}
		return inContext{p, ctx}, nil
	}
}

// TestInContextConformance: a population in a caller's context gives the reference's
// bits, split into chunks too, networks included, and every GL call goes through Do.
func TestInContextConformance(t *testing.T) {
	f := callerFactory(t, gpuhook.Hooks{})
	t.Run("Random", func(t *testing.T) { conformance.Random(t, f, conformance.Scale{MaxN: 3000, MaxSteps: 200, Cases: 6}) })
	split := callerFactory(t, gpuhook.Hooks{MaxBlockSize: 4 << 10, SpikeBuffer: 16})
	t.Run("Split", func(t *testing.T) {
		conformance.Random(t, split, conformance.Scale{MaxN: 2000, MaxSteps: 150, Cases: 4})
	})
	t.Run("Network", func(t *testing.T) { conformance.HandComputed(t, f) })
	t.Run("Closed", func(t *testing.T) { conformance.Closed(t, f) })

	ctx := newCallerCtx(t)
	defer ctx.close()
	p, err := NewInContext(lifgpu.Config{N: 100}, Options{}, ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := ctx.dos
	if err := p.Run(10); err != nil {
		t.Fatal(err)
	}
	if ctx.dos == before {
		t.Error("Run made no call of Do")
	}
	if d := p.Device(); d.Platform != "the caller's context (NewInContext)" || d.EGL.Index != -1 {
		t.Errorf("Device: platform %q, EGL index %d", d.Platform, d.EGL.Index)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// The context is still the caller's, and usable.
	ctx.Do(func() {
		if s := glString(gl.VERSION); s == "" {
			t.Error("the caller's context is gone after Close")
		}
	})
	dev := 0
	if _, err := NewInContext(lifgpu.Config{N: 10}, Options{Device: &dev}, ctx); err == nil {
		t.Error("NewInContext with Options.Device: no error")
	}
}

// TestStateBuffers: the buffers hold the state that State reads back, chunk by chunk,
// 3 words a neuron (5 in a network); after a step they are the other copies (unless
// the population steps in place: nothing recorded).
func TestStateBuffers(t *testing.T) {
	ctx := newCallerCtx(t)
	defer ctx.close()
	plain := lifgpu.Config{N: 1000}
	plain.Input.Bias = lifgpu.Scalar(0.7)
	rec := plain
	rec.Record.Spikes = true
	net := lifgpu.Config{N: 600, Input: plain.Input, Synapses: lifgpu.Synapses{TauSynEx: lifgpu.Scalar(2)},
		Projections: []lifgpu.Projection{{PreRange: lifgpu.Range{Lo: 0, Hi: 600}, PostRange: lifgpu.Range{Lo: 0, Hi: 600}, P: 0.05,
			WeightDist: lifgpu.Dist{Mean: 0.3, Std: 0.2}, DelayDist: lifgpu.Dist{Mean: 1, Std: 0.3}}}}
	for _, c := range []struct {
		name  string
		cfg   lifgpu.Config
		words int
		swap  bool
	}{{"inplace", plain, 3, false}, {"spikes", rec, 3, true}, {"network", net, 5, true}} {
		t.Run(c.name, func(t *testing.T) {
			p, err := newPopulationWith(c.cfg, Options{}, gpuhook.Hooks{MaxBlockSize: 4 << 10},
				func() (*glContext, error) { return openCallerContext(ctx) })
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			var prev []StateBuffer
			for range 3 {
				if err := p.Run(37); err != nil {
					t.Fatal(err)
				}
				bufs, err := p.StateBuffers()
				if err != nil {
					t.Fatal(err)
				}
				if len(bufs) < 2 {
					t.Fatalf("%d buffers: want the population cut into chunks", len(bufs))
				}
				// In place, the state never moves; with two copies it is in whichever
				// the last dispatch wrote (how many it made depends on the batching).
				if !c.swap && prev != nil && bufs[0].Buffer != prev[0].Buffer {
					t.Errorf("an in-place population's state moved from buffer %d to %d", prev[0].Buffer, bufs[0].Buffer)
				}
				for k, b := range bufs {
					if ch := p.chunks[k]; b.Buffer != ch.state[ch.cur].id {
						t.Errorf("chunk %d: StateBuffers gives buffer %d, the current state is in %d", k, b.Buffer, ch.state[ch.cur].id)
					}
				}
				prev = bufs
				checkBuffers(t, ctx, p, bufs, c.words)
			}
		})
	}
	own := newPop(t, plain, Options{})
	if _, err := own.StateBuffers(); err == nil {
		t.Error("StateBuffers of a population with its own context: no error")
	}
	own.Close()
	if _, err := own.StateBuffers(); err == nil {
		t.Error("StateBuffers after Close: no error")
	}
}

// checkBuffers reads the buffers in the caller's context and compares them with State.
func checkBuffers(t *testing.T, ctx *callerCtx, p *Population, bufs []StateBuffer, words int) {
	t.Helper()
	st, err := p.State()
	if err != nil {
		t.Fatal(err)
	}
	next := 0
	for _, b := range bufs {
		if b.First != next || b.Words != words {
			t.Fatalf("buffer %+v: want first %d, %d words", b, next, words)
		}
		next += b.N
		w := make([]uint32, b.N*b.Words)
		ctx.Do(func() { gl.GetNamedBufferSubData(b.Buffer, 0, 4*len(w), unsafe.Pointer(&w[0])) })
		for i := range b.N {
			j := b.First + i
			r := w[i*words:]
			if r[0] != math.Float32bits(st.U[j]) || int32(r[1]) != st.Ref[j] || r[2] != st.Counts[j] {
				t.Fatalf("neuron %d: buffer (%#x, %d, %d), State (%#x, %d, %d)", j, r[0], int32(r[1]), r[2],
					math.Float32bits(st.U[j]), st.Ref[j], st.Counts[j])
			}
			if words == 5 && (r[3] != math.Float32bits(st.IEx[j]) || r[4] != math.Float32bits(st.IIn[j])) {
				t.Fatalf("neuron %d: currents differ", j)
			}
		}
	}
	if next != p.Len() {
		t.Fatalf("buffers cover %d neurons of %d", next, p.Len())
	}
}

// TestGLTable: a loader that gives the table's pointers shares it; one that differs is
// refused while the table has users, and reloads it once none is left.
func TestGLTable(t *testing.T) {
	names := []string{"glA", "glB", "glC"}
	fills := 0
	tab := &glTable{fill: func(load func(string) unsafe.Pointer) error {
		fills++
		for _, n := range names {
			if load(n) == nil {
				return errors.New(n)
			}
		}
		return nil
	}}
	var funcs [2 * 3]byte // where the fake functions are: names[k] at k, or at 3+k when it is the odd one
	loader := func(odd string) procLoader {
		return func(name string) unsafe.Pointer {
			for k, n := range names {
				if n == name {
					if n == odd {
						k += 3
					}
					return unsafe.Pointer(&funcs[k])
				}
			}
			return nil
		}
	}
	egl, same, other := loader(""), loader(""), loader("glB")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tab.acquire("EGL", egl))
	must(tab.acquire("EGL", egl)) // the same kind: no reload, no comparison
	must(tab.acquire("", same))   // a caller's loader with the same pointers shares
	if fills != 1 || tab.users != 3 {
		t.Fatalf("%d fills, %d users; want 1, 3", fills, tab.users)
	}
	err := tab.acquire("", other)
	var mixed *MixedContextsError
	if !errors.As(err, &mixed) || mixed.Function != "glB" || mixed.Users != 3 {
		t.Fatalf("a loader that differs while the table has users: %v", err)
	}
	for range 3 {
		tab.release()
	}
	must(tab.acquire("", other)) // no user left: reloaded
	if fills != 2 || tab.loaded["glB"] != other("glB") {
		t.Fatalf("%d fills, glB at %p: want the other loader's table", fills, tab.loaded["glB"])
	}
	if err := tab.acquire("EGL", egl); !errors.As(err, &mixed) {
		t.Fatalf("EGL's loader against the caller's table: %v", err)
	}
	tab.release()
	broken := func(string) unsafe.Pointer { return nil }
	if err := tab.acquire("", broken); !errors.Is(err, lifgpu.ErrNoGPU) || tab.loaded != nil || tab.users != 0 {
		t.Fatalf("a loader missing functions: %v, table %v, %d users", err, tab.loaded, tab.users)
	}
}
