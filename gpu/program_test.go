//go:build cgo && egl

package gpu

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// uniformsSrc is a shader for TestResolveUniforms: uA always, uB with B, uDead read
// into a dead variable with DEAD (a compiler drops it), optional with OPT.
const uniformsSrc = `#version 430 core
layout(local_size_x = 1) in;
layout(std430, binding = 0) buffer O { float o[]; };
uniform float uA;
#ifdef B
uniform float uB;
#endif
#ifdef DEAD
uniform float uDead;
#ifdef OPT
#pragma lifgpu optional uDead
#endif
#endif
void main() {
#ifdef DEAD
	float dead = uDead;
#endif
#ifdef B
	o[0] = uA + uB;
#else
	o[0] = uA;
#endif
}
`

type uniformsAB struct {
	A int32 `glsl:"uA"`
	B int32 `glsl:"uB"`
}

type uniformsMisspelt struct {
	A int32 `glsl:"uAA"`
	B int32 `glsl:"uB"`
}

type uniformsA struct {
	A int32 `glsl:"uA"`
}

type uniformsDead struct {
	A    int32 `glsl:"uA"`
	Dead int32 `glsl:"uDead"`
}

// TestResolveUniforms checks the uniforms' resolution at link time: a misspelt name, a
// used uniform with no location or no field fail with errors that name the uniform and
// the variant; a uniform the defines drop, or a kept optional one, may have no location.
func TestResolveUniforms(t *testing.T) {
	ctx, err := openContext(nil)
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.close()
	link := func(f func() (string, error)) (string, error) {
		var what string
		err := ctx.th.call(func() error {
			var err error
			what, err = f()
			return err
		})
		return what, err
	}
	try := func(name string, defs []string, f func() (string, error), want string) {
		t.Helper()
		got, err := link(f)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case want == "":
			t.Logf("%s: %s", name, got)
		case err == nil:
			t.Errorf("%s: no error, want one saying %q", name, want)
		case !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "t.comp ["+strings.Join(defs, ", ")+"]"):
			t.Errorf("%s: %v, want %q and the variant", name, err, want)
		default:
			t.Logf("%s: %v", name, err)
		}
	}
	resolve := func(defs []string, check func(u uniformsAB) bool) func() (string, error) {
		return func() (string, error) {
			pr, err := linkSource[uniformsAB]("t.comp", uniformsSrc, defs, nil)
			if err != nil {
				return "", err
			}
			defer pr.Release()
			if !check(pr.u) {
				t.Errorf("%v: locations %+v", defs, pr.u)
			}
			return "ok", nil
		}
	}
	try("B dropped", nil, resolve(nil, func(u uniformsAB) bool { return u.A >= 0 && u.B == -1 }), "")
	try("B kept", []string{"B"}, resolve([]string{"B"}, func(u uniformsAB) bool { return u.A >= 0 && u.B >= 0 }), "")
	try("misspelt", []string{"B"}, func() (string, error) {
		_, err := linkSource[uniformsMisspelt]("t.comp", uniformsSrc, []string{"B"}, nil)
		return "", err
	}, "gpu.uniformsMisspelt.A names uniform uAA, which the shader does not declare (misspelt?)")
	try("no field", []string{"B"}, func() (string, error) {
		_, err := linkSource[uniformsA]("t.comp", uniformsSrc, []string{"B"}, nil)
		return "", err
	}, "uniform uB is used by the code this variant's #defines keep, but gpu.uniformsA has no field for it")
	try("optimised away", []string{"DEAD"}, func() (string, error) {
		_, err := linkSource[uniformsDead]("t.comp", uniformsSrc, []string{"DEAD"}, nil)
		return "", err
	}, "uniform uDead is used by the code this variant's #defines keep, but the linked program has no location for it")
	try("optional", []string{"DEAD", "OPT"}, func() (string, error) {
		pr, err := linkSource[uniformsDead]("t.comp", uniformsSrc, []string{"DEAD", "OPT"}, nil)
		if err != nil {
			return "", err
		}
		defer pr.Release()
		return "ok", nil
	}, "")
}

// TestDeviceBytes checks the buffers' handles against the plan: their bytes are the
// plan's estimate once Forward's x buffers exist (while the spike list has not grown),
// Backend reports them, and Close releases every one.
func TestDeviceBytes(t *testing.T) {
	const n = 3001
	cfg := perNeuron(rand.New(rand.NewPCG(41, 1)), n, lifgpu.Exact)
	in := randomInputs(rand.New(rand.NewPCG(42, 1)), n)["both/pn"]
	cfg.Input.Noise, cfg.Input.Poisson = in.Noise, in.Poisson
	p := newHooked(t, cfg, Options{}, gpuhook.Hooks{MaxBlockSize: 16 << 10})
	if len(p.chunks) < 2 || p.normalBuf == nil || p.chunks[0].poisson == nil || p.chunks[0].sched == nil {
		t.Fatalf("%d chunks; want several, with every kind of buffer", len(p.chunks))
	}
	if got, want := p.bufs.bytes(), p.plan.bytes()-4*int64(n); got != want {
		t.Errorf("before a per-neuron Forward: %d bytes of buffers, want the plan's %d less Forward's x", got, want)
	}
	x := make([]float32, n)
	if err := p.Forward(lifgpu.Float32s(x)); err != nil {
		t.Fatal(err)
	}
	if got, want := p.bufs.bytes(), p.plan.bytes(); got != want || p.stats.grown > 0 {
		t.Errorf("%d bytes of buffers, want the plan's %d (spike list grown %d times)", got, want, p.stats.grown)
	}
	if b := p.Backend(); !strings.Contains(b, mib(p.bufs.bytes())+" of device buffers") {
		t.Errorf("Backend() = %q, want %s of device buffers", b, mib(p.bufs.bytes()))
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if p.bufs.bytes() != 0 || len(p.bufs.owned) != 0 {
		t.Errorf("after Close: %d bytes in %d buffers", p.bufs.bytes(), len(p.bufs.owned))
	}
}
