//go:build cgo && egl

package gpu

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// randomInputs are the random-input shapes the GPU tests cover: noise and Poisson
// input, alone and together, with scalar and per-neuron parameters, a shared and a
// per-neuron Poisson table (with means that need tables of different lengths, so that
// short ones are padded), and rates that are all 0 (a table of length 0).
func randomInputs(r *rand.Rand, n int) map[string]lifgpu.Input {
	arr := func(lo, hi float64) lifgpu.Values {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(lo + (hi-lo)*r.Float64())
		}
		return lifgpu.Float32s(v)
	}
	rates := make([]float64, n) // many rates: 0 Hz, low, and high (long tables)
	for i := range rates {
		switch i % 4 {
		case 0:
		case 1:
			rates[i] = 100 + 900*r.Float64()
		default:
			rates[i] = 5000 + 45000*r.Float64()
		}
	}
	return map[string]lifgpu.Input{
		"noise/scalar":       {Noise: lifgpu.Noise{Mean: lifgpu.Scalar(0.3), Std: lifgpu.Scalar(1.5)}},
		"noise/pn":           {Noise: lifgpu.Noise{Mean: arr(-0.5, 0.5), Std: arr(0, 3)}},
		"noise/stdonly":      {Noise: lifgpu.Noise{Std: arr(0, 2)}},
		"poisson/scalar":     {Poisson: lifgpu.Poisson{Rate: lifgpu.Scalar(3000), Weight: lifgpu.Scalar(0.7)}},
		"poisson/pnweight":   {Poisson: lifgpu.Poisson{Rate: lifgpu.Scalar(20000), Weight: arr(-1, 2)}},
		"poisson/pn":         {Poisson: lifgpu.Poisson{Rate: lifgpu.Float64s(rates), Weight: arr(0, 1.5)}},
		"poisson/zero":       {Poisson: lifgpu.Poisson{Rate: lifgpu.Scalar(0), Weight: lifgpu.Scalar(-2)}},
		"poisson/defaultw":   {Poisson: lifgpu.Poisson{Rate: arr(0, 8000)}},
		"both/scalar":        {Noise: lifgpu.Noise{Std: lifgpu.Scalar(1)}, Poisson: lifgpu.Poisson{Rate: lifgpu.Scalar(1000), Weight: lifgpu.Scalar(0.5)}},
		"both/pn":            {Noise: lifgpu.Noise{Mean: arr(-1, 1), Std: arr(0, 2)}, Poisson: lifgpu.Poisson{Rate: lifgpu.Float64s(rates), Weight: arr(-0.5, 1)}},
		"both/pnnoise-scpoi": {Noise: lifgpu.Noise{Mean: arr(-1, 1), Std: lifgpu.Scalar(0.8)}, Poisson: lifgpu.Poisson{Rate: lifgpu.Scalar(9000), Weight: arr(0, 1)}},
	}
}

// TestRandomInputs compares the GPU with the CPU reference bit for bit under noise and
// Poisson input: every input shape, both methods, per-neuron and scalar parameters,
// Forward and Run interleaved, with the population whole, cut into chunks (so that the
// per-neuron Poisson thresholds are split with the neurons) and with fixed dispatch
// lengths from 1 step to whole runs.
func TestRandomInputs(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const n = 3001
	ins := randomInputs(r, n)
	for k, name := range slices.Sorted(maps.Keys(ins)) {
		in := ins[name]
		for mi, method := range []lifgpu.Method{lifgpu.Euler, lifgpu.Exact} {
			for _, split := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/split=%v", name, method, split), func(t *testing.T) {
					var cfg lifgpu.Config
					if (k+mi)%2 == 0 {
						cfg = perNeuron(r, n, method) // per-neuron parameters, a schedule, every recording
						cfg.Input.Noise, cfg.Input.Poisson = in.Noise, in.Poisson
					} else {
						cfg = lifgpu.Config{N: n, Input: in, Record: lifgpu.Record{Spikes: true, Rate: true, Traces: []int{0, n - 1}}}
						cfg.Params.Method = method
						cfg.Input.Bias = lifgpu.Scalar(0.4)
					}
					cfg.Seed = r.Uint64()
					opts := Options{StepsPerDispatch: []int{1, 7, 64, 1000}[r.IntN(4)]}
					var h gpuhook.Hooks
					if split {
						h.MaxBlockSize = 1 << (11 + r.IntN(3)) // 2..8 KiB: chunks of tens to hundreds of neurons
						h.SpikeBuffer = 64
					}
					p := compare(t, cfg, opts, h, mixed)
					m := p.m
					if !m.HasRandom() || p.lay.noise != m.HasNoise || p.lay.poisson != m.HasPoisson {
						t.Fatalf("layout %+v for noise %v, Poisson %v", p.lay, m.HasNoise, m.HasPoisson)
					}
					if m.HasPoisson && p.lay.poissonPN != (m.PoissonTable.Len() > 0 && !m.PoissonTable.Shared()) {
						t.Fatalf("poissonPN %v, table shared %v len %d", p.lay.poissonPN, m.PoissonTable.Shared(), m.PoissonTable.Len())
					}
					if split && len(p.chunks) < 2 {
						t.Fatalf("%d chunks, want several", len(p.chunks))
					}
					pl := ""
					if m.HasPoisson {
						pl = fmt.Sprintf(", Poisson table len %d shared %v", m.PoissonTable.Len(), m.PoissonTable.Shared())
					}
					t.Logf("%d chunks of %d, %d steps/dispatch, %d dispatches%s", len(p.chunks), p.plan.chunkN, opts.StepsPerDispatch, p.stats.dispatches, pl)
				})
			}
		}
	}
}

// TestRandomMatters checks that the random terms reach the GPU's update: the same
// population without them, or with another seed, ends elsewhere.
func TestRandomMatters(t *testing.T) {
	const n = 2000
	base := w1(n, lifgpu.Record{})
	end := func(in lifgpu.Input, seed uint64) []float32 {
		cfg := base
		cfg.Input.Noise, cfg.Input.Poisson, cfg.Seed = in.Noise, in.Poisson, seed
		p := newPop(t, cfg, Options{})
		if err := p.Run(100); err != nil {
			t.Fatal(err)
		}
		u := make([]float32, n)
		if err := p.Potentials(u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	differ := func(a, b []float32) int {
		d := 0
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				d++
			}
		}
		return d
	}
	plain := end(lifgpu.Input{}, 1)
	for name, in := range map[string]lifgpu.Input{
		"noise":   {Noise: lifgpu.Noise{Std: lifgpu.Scalar(2)}},
		"poisson": {Poisson: lifgpu.Poisson{Rate: lifgpu.Scalar(2000), Weight: lifgpu.Scalar(3)}},
	} {
		a, b := end(in, 1), end(in, 2)
		if d := differ(plain, a); d < n/2 {
			t.Errorf("%s: %d of %d neurons differ from the run without it", name, d, n)
		}
		if d := differ(a, b); d < n/2 {
			t.Errorf("%s: %d of %d neurons differ between seeds 1 and 2", name, d, n)
		}
	}
}

// TestStepHighHalf runs the kernel across step 2^32, where the draws' counter carries
// into its high word, and compares with Model.Random at the 64-bit steps. lifgpu caps
// steps at MaxSteps (2^31-1), so the high half is always 0 through the public API: the
// test sets the step counter directly and calls advance, which Run would refuse. The
// fused dispatches cross 2^32 inside one dispatch (the shader's carry) and at a
// dispatch boundary (the host's split of the step), and start above 2^32 (the host's
// high half).
func TestStepHighHalf(t *testing.T) {
	const n, steps = 600, 12
	cfg := lifgpu.Config{N: n, Seed: 0x9E3779B97F4A7C15}
	cfg.Params = lifgpu.Params{UTh: lifgpu.Scalar(-61), TRef: lifgpu.Scalar(0.2)} // spikes and refractory steps
	cfg.Input.Bias = lifgpu.Scalar(0.2)
	cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(1)}
	cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(4000), Weight: lifgpu.Scalar(0.5)}
	m := mustResolve(t, cfg)
	for _, c := range []struct {
		start int64
		k     int
	}{{1<<32 - 5, 16}, {1<<32 - 5, 3}, {1<<32 - 5, 1}, {5<<32 + 7, 5}, {1<<33 - 2, 4}} {
		t.Run(fmt.Sprintf("start=%#x/k=%d", c.start, c.k), func(t *testing.T) {
			want, wantRef := stepsFrom(m, c.start, steps, func(s int64) uint64 { return uint64(s) })
			low, _ := stepsFrom(m, c.start, steps, func(s int64) uint64 { return uint64(uint32(s)) })
			if d := countDiff(want, low); d < n/2 {
				t.Fatalf("the high half changes only %d of %d neurons: the test cannot see it", d, n)
			}
			p := newPop(t, cfg, Options{StepsPerDispatch: c.k})
			p.h.Step = c.start
			if err := p.do(func() error { return p.advance(steps, input{}) }); err != nil {
				t.Fatal(err)
			}
			got, gotRef := make([]float32, n), make([]int32, n)
			if err := p.Potentials(got); err != nil {
				t.Fatal(err)
			}
			if err := p.Refractory(gotRef); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) || gotRef[i] != wantRef[i] {
					t.Fatalf("neuron %d: u %v ref %d, want u %v ref %d (with the step's low half only: u %v)", i, got[i], gotRef[i], want[i], wantRef[i], low[i])
				}
			}
		})
	}
}

// stepsFrom is the contract's Euler step (DESIGN.md) for a model with a bias, noise and
// Poisson input and no schedule, from step start, with the draws at counter(s).
func stepsFrom(m *model.Model, start int64, steps int, counter func(int64) uint64) ([]float32, []int32) {
	u, ref := make([]float32, m.N), make([]int32, m.N)
	for i := range u {
		u[i] = m.U0.At(i)
	}
	for s := start; s < start+int64(steps); s++ {
		c := counter(s)
		for i := range u {
			if ref[i] > 0 {
				ref[i]--
				continue
			}
			I := m.Current(i, nil, 0)
			r, r2 := rng.NoiseWords(m.Seed, uint32(i), c)
			I = float32(I + rng.Noise(m.NoiseMean.At(i), m.NoiseStd.At(i), m.Normal.Sample(r, r2)))
			I = float32(I + rng.PoissonCurrent(m.PoissonWeight.At(i), m.PoissonTable.Sample(i, rng.PoissonWord(m.Seed, uint32(i), c))))
			d := float32(u[i] - m.URest.At(i))
			e := float32(m.R.At(i) * I)
			f := float32(d - e)
			g := float32(m.Alpha.At(i) * f)
			v := float32(u[i] - g)
			if v >= m.UTh.At(i) {
				v = m.UReset.At(i)
				ref[i] = m.RefSteps.At(i)
			}
			u[i] = v
		}
	}
	return u, ref
}

func countDiff(a, b []float32) int {
	d := 0
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			d++
		}
	}
	return d
}

// TestRandomLayout checks the bindings and the memory estimate of the random inputs.
func TestRandomLayout(t *testing.T) {
	const n = 1000
	rates := make([]float64, n)
	for i := range rates {
		rates[i] = float64(i) * 20 // 0 .. 20 kHz: per-neuron tables
	}
	cfg := w1(n, lifgpu.Record{Spikes: true, Rate: true, Traces: []int{1}})
	plain := mustResolve(t, cfg)
	cfg.Input.Noise = lifgpu.Noise{Mean: lifgpu.Scalar(0.1), Std: lifgpu.Float64s(rates)}
	cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Float64s(rates), Weight: lifgpu.Scalar(0.5)}
	m := mustResolve(t, cfg)
	l0, l := layoutOf(plain), layoutOf(m)
	if blocks, bindings := l0.storage(); blocks != 9 || bindings != 10 {
		t.Errorf("without random input: %d blocks, %d bindings, want 9, 10", blocks, bindings)
	}
	if blocks, bindings := l.storage(); blocks != 11 || bindings != 12 {
		t.Errorf("with noise and per-neuron Poisson: %d blocks, %d bindings, want 11, 12", blocks, bindings)
	}
	L := m.PoissonTable.Len()
	if !l.poissonPN || l.poissonLen != L || L < 5 || len(l.fields) != len(l0.fields)+1 {
		t.Fatalf("layout %+v (Poisson len %d)", l, L)
	}
	d := Device{MaxBlockSize: 128 << 20, MaxGroupCount: 65535}
	p0, p := planFor(n, l0, d, gpuhook.Hooks{}), planFor(n, l, d, gpuhook.Hooks{})
	if got, want := p.perNeuron-p0.perNeuron, int64(4+4*L); got != want { // the std record word, the thresholds
		t.Errorf("per-neuron bytes grew by %d, want %d", got, want)
	}
	if got, want := p.fixed-p0.fixed, int64(4*rng.NormalLen); got != want {
		t.Errorf("fixed bytes grew by %d, want %d (the normal table)", got, want)
	}
	// A chunk's thresholds fit one binding.
	small := planFor(n, l, Device{MaxBlockSize: 16 << 10, MaxGroupCount: 65535}, gpuhook.Hooks{})
	if int64(4*L*small.chunkN) > 16<<10 {
		t.Errorf("chunks of %d neurons hold %d bytes of thresholds, above the 16 KiB block", small.chunkN, 4*L*small.chunkN)
	}
	// A shared table is fixed, not per neuron.
	cfg.Input.Poisson.Rate = lifgpu.Scalar(5000)
	ls := layoutOf(mustResolve(t, cfg))
	ps := planFor(n, ls, d, gpuhook.Hooks{})
	if ls.poissonPN || ps.perNeuron != p0.perNeuron+4 || ps.fixed != p0.fixed+4*rng.NormalLen+4*int64(ls.poissonLen) {
		t.Errorf("shared table: layout %+v, per neuron %d (plain %d), fixed %d (plain %d)", ls, ps.perNeuron, p0.perNeuron, ps.fixed, p0.fixed)
	}

	pop := newPop(t, cfg, Options{})
	dev := pop.Device()
	t.Logf("device: %d storage blocks per compute shader, %d binding points", dev.MaxStorageBlocks, dev.MaxStorageBindings)
	if blocks, bindings := l.storage(); dev.MaxStorageBlocks < blocks || dev.MaxStorageBindings < bindings {
		t.Errorf("New accepted a layout of %d blocks, %d bindings on a device with %d, %d", blocks, bindings, dev.MaxStorageBlocks, dev.MaxStorageBindings)
	}
}

// TestIncludeError checks that a compile error inside pasted GLSL names the included
// file and its own line, and that an error after the paste names the shader's line.
func TestIncludeError(t *testing.T) {
	ctx, err := openContext(nil)
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.close()
	src := "#version 430 core\nlayout(local_size_x = 1) in;\n#pragma lifgpu include lib\nvoid main() {\n\tint x = f();\n\tint y = ;\n}\n"
	for _, c := range []struct {
		lib, file string
		line      int
	}{
		{"int f() { return 1; }\n", "shader.comp", 6},                      // the shader's line 6
		{"int g() { return 1; }\n\nint f() { return 1 }\n", "lib.glsl", 3}, // the include's line 3
	} {
		err := ctx.th.call(func() error {
			_, err := compileCompute("shader.comp", src, nil, include{name: "lib", file: "lib.glsl", src: c.lib})
			return err
		})
		var se *ShaderError
		if !errors.As(err, &se) {
			t.Fatalf("%v, want a *ShaderError", err)
		}
		if se.File != c.file || se.Line != c.line || !strings.Contains(err.Error(), fmt.Sprintf("%s:%d", c.file, c.line)) {
			t.Errorf("error %q (file %q, line %d), want %s:%d", err, se.File, se.Line, c.file, c.line)
		}
	}
}

// TestBallot runs the recording paths with the per-subgroup aggregation of the spike
// list's and the rate's atomics forced on (where the extensions exist: llvmpipe has
// them) and off: dense spiking, a spike list that overflows (grown, then split), the
// rate alone, and random specs with noise and Poisson input. Not parallel: it sets
// ballotMode.
func TestBallot(t *testing.T) {
	defer func() { ballotMode = 0 }()
	dense := w1(20_000, lifgpu.Record{Spikes: true, Rate: true})
	dense.Params.TRef = lifgpu.Scalar(0) // some neurons spike every step
	dense.Params.UTh = lifgpu.Scalar(-69.5)
	rateOnly := dense
	rateOnly.Record = lifgpu.Record{Rate: true}
	noisy := dense
	noisy.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(0.5)}
	noisy.Seed = 3
	calls := []call{{run: 100}, {x: 1}, {pn: true}, {run: 20}}
	for _, mode := range []int{1, -1} {
		ballotMode = mode
		r := rand.New(rand.NewPCG(31, 32))
		t.Run(fmt.Sprintf("mode=%d", mode), func(t *testing.T) {
			for name, c := range map[string]struct {
				cfg   lifgpu.Config
				opts  Options
				hooks gpuhook.Hooks
			}{
				"grow":     {dense, Options{}, gpuhook.Hooks{SpikeBuffer: 10}},
				"split":    {dense, Options{StepsPerDispatch: 64}, gpuhook.Hooks{SpikeBuffer: 10, MaxBlockSize: 128 << 10}},
				"rateonly": {rateOnly, Options{StepsPerDispatch: 33}, gpuhook.Hooks{}},
				"noise":    {noisy, Options{StepsPerDispatch: 17}, gpuhook.Hooks{MaxBlockSize: 64 << 10, SpikeBuffer: 100}},
				// A network's spike list is appended to whether recorded or not.
				"network":    {netConfig(rand.New(rand.NewPCG(53, 54)), 2000, 2, lifgpu.Exact, true), Options{StepsPerDispatch: 20}, gpuhook.Hooks{SpikeBuffer: 10}},
				"network-nr": {netConfig(rand.New(rand.NewPCG(55, 56)), 2000, 1, lifgpu.Euler, false), Options{}, gpuhook.Hooks{MaxBlockSize: 64 << 10}},
			} {
				p := compare(t, c.cfg, c.opts, c.hooks, calls)
				ext := p.ctx.ext
				want := mode > 0 && (ext["GL_KHR_shader_subgroup"] || ext["GL_ARB_shader_ballot"] && ext["GL_ARB_gpu_shader_int64"])
				if p.ballot != want {
					t.Fatalf("%s: ballot %v, want %v", name, p.ballot, want)
				}
				t.Logf("%s: ballot %v (KHR subgroups %v), %+v", name, p.ballot, p.subgroupKHR, p.stats)
			}
			for range 4 {
				cfg := conformance.RandomConfig(r, 8000, 150)
				h := gpuhook.Hooks{MaxBlockSize: 1 << (12 + r.IntN(6))}
				opts := Options{StepsPerDispatch: 1 + r.IntN(40)}
				h.SpikeBuffer = 1 + r.IntN(500)
				compare(t, cfg, opts, h, []call{{run: 1 + r.IntN(80)}, {x: 2}, {run: 1 + r.IntN(80)}, {pn: true}})
			}
		})
	}
}
