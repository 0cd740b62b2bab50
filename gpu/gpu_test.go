//go:build cgo && egl

package gpu

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
	"github.com/lifgpu/lifgpu/internal/model"
)

// w1 is workload W1 (shared/bench/README.md) for n neurons: dt 0.1, tau_m 10, R 1,
// u_rest = u_reset = -70, u_th = -50, t_ref 2 ms, bias I_i = 15 + 30 i/n.
func w1(n int, rec lifgpu.Record) lifgpu.Config {
	bias := make([]float32, n)
	for i := range bias {
		bias[i] = float32(15 + 30*float64(i)/float64(n))
	}
	cfg := lifgpu.Config{N: n, Record: rec}
	cfg.Params = lifgpu.Params{Dt: 0.1, TauM: lifgpu.Scalar(10), R: lifgpu.Scalar(1), URest: lifgpu.Scalar(-70),
		UReset: lifgpu.Scalar(-70), UTh: lifgpu.Scalar(-50), TRef: lifgpu.Scalar(2)}
	cfg.Input.Bias = lifgpu.Float32s(bias)
	return cfg
}

// perNeuron is a config with every parameter per neuron and a schedule with scalar and
// per-neuron entries.
func perNeuron(rng *rand.Rand, n int, method lifgpu.Method) lifgpu.Config {
	arr := func(lo, hi float64) lifgpu.Values {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(lo + (hi-lo)*rng.Float64())
		}
		return lifgpu.Float32s(v)
	}
	cfg := lifgpu.Config{N: n}
	cfg.Params = lifgpu.Params{Method: method, Dt: 0.1, TauM: arr(5, 30), R: arr(5, 30), URest: arr(-72, -60),
		UReset: arr(-75, -65), UTh: arr(-55, -45), TRef: arr(0, 3), U0: arr(-70, -50)}
	cfg.Input.Bias = arr(0, 2)
	cfg.Input.Schedule = []lifgpu.ScheduleEntry{{Step: 5, Value: arr(-1, 2)}, {Step: 40, Value: lifgpu.Scalar(1.5)}, {Step: 77, Value: arr(0, 3)}}
	cfg.Record = lifgpu.Record{Spikes: true, Rate: true, Traces: []int{n - 1, 0, n / 2, 300}, TraceEvery: 3}
	return cfg
}

type call struct {
	run int     // Run(run) when > 0
	x   float64 // else Forward(x), per neuron when perN
	pn  bool
}

// compare steps a GPU population (with the hooks h) and a reference CPU population
// through calls and compares them bit for bit after each call.
func compare(t *testing.T, cfg lifgpu.Config, opts Options, h gpuhook.Hooks, calls []call) *Population {
	t.Helper()
	got := newHooked(t, cfg, opts, h)
	want, err := cpu.New(cfg, cpu.Options{Kernel: "reference"})
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	for k, c := range calls {
		for _, p := range []lifgpu.Population{want, got} {
			var err error
			if c.run > 0 {
				err = p.Run(c.run)
			} else if c.pn {
				r := rand.New(rand.NewPCG(uint64(k), 9))
				v := make([]float64, cfg.N)
				for i := range v {
					v[i] = r.NormFloat64() * 3
				}
				err = p.Forward(lifgpu.Float64s(v))
			} else {
				err = p.Forward(lifgpu.Scalar(c.x))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if d := conformance.Diff(want, got); d != "" {
			t.Fatalf("after call %d (%+v): %s", k, c, d)
		}
	}
	return got
}

var mixed = []call{{run: 3}, {x: 2}, {pn: true}, {run: 50}, {x: -1}, {run: 1}, {pn: true}, {run: 97}, {x: 4}, {run: 60}}

func TestW1(t *testing.T) {
	n := 1<<16 + 123
	p := compare(t, w1(n, lifgpu.Record{Spikes: true, Rate: true, Traces: []int{0, n - 1, 777}}), Options{}, gpuhook.Hooks{}, []call{{run: 1000}})
	rec, _ := p.Recording()
	if len(rec.SpikeSteps) == 0 {
		t.Fatal("no spikes")
	}
	t.Logf("%d spikes, %d dispatches, %d redone, spike list grew %d times", len(rec.SpikeSteps), p.stats.dispatches, p.stats.redone, p.stats.grown)
}

// TestSplit limits storage blocks to 64 KiB: the population is cut into chunks.
func TestSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, method := range []lifgpu.Method{lifgpu.Euler, lifgpu.Exact} {
		t.Run(string(method), func(t *testing.T) {
			cfg := perNeuron(rng, 40_000+rng.IntN(1000), method)
			p := compare(t, cfg, Options{}, gpuhook.Hooks{MaxBlockSize: 64 << 10}, mixed)
			if len(p.chunks) < 2 {
				t.Fatalf("%d chunks, want several", len(p.chunks))
			}
			t.Logf("%d neurons in %d chunks of %d", cfg.N, len(p.chunks), p.plan.chunkN)
		})
	}
}

// TestGroupLimit limits dispatches to 3 workgroups: chunks of 768 neurons.
func TestGroupLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	cfg := perNeuron(rng, 5000, lifgpu.Euler)
	p := compare(t, cfg, Options{}, gpuhook.Hooks{MaxGroupCount: 3}, mixed)
	if p.plan.chunkN != 3*wg || len(p.chunks) != 7 {
		t.Fatalf("chunks of %d (%d chunks), want %d (7)", p.plan.chunkN, len(p.chunks), 3*wg)
	}
}

// TestOverflow starts with a tiny spike list: dispatches overflow it and are redone,
// first by growing it, then (when one block cannot hold more) by splitting the steps
// and the chunks. No spike may be lost.
func TestOverflow(t *testing.T) {
	cfg := w1(20_000, lifgpu.Record{Spikes: true, Rate: true})
	cfg.Params.TRef = lifgpu.Scalar(0) // some neurons spike every step
	cfg.Params.UTh = lifgpu.Scalar(-69.5)
	t.Run("grow", func(t *testing.T) {
		p := compare(t, cfg, Options{}, gpuhook.Hooks{SpikeBuffer: 10}, []call{{run: 100}, {x: 1}, {run: 20}})
		if p.stats.grown == 0 {
			t.Errorf("the spike list never grew: %+v", p.stats)
		}
	})
	t.Run("split", func(t *testing.T) {
		p := compare(t, cfg, Options{StepsPerDispatch: 64}, gpuhook.Hooks{SpikeBuffer: 10, MaxBlockSize: 128 << 10}, []call{{run: 100}, {x: 1}, {run: 20}})
		if p.stats.redone == 0 || len(p.chunks) < 2 {
			t.Errorf("no dispatch redone or no chunks: %+v, %d chunks", p.stats, len(p.chunks))
		}
		t.Logf("%+v, %d chunks, spike list %d", p.stats, len(p.chunks), p.spikeCap)
	})
}

// TestRandom runs random specs from the shared suite with small limits and fixed
// dispatch lengths, which put chunk and dispatch boundaries everywhere.
func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 6 {
		cfg := conformance.RandomConfig(rng, 20_000, 200)
		h := gpuhook.Hooks{MaxBlockSize: 1 << (12 + rng.IntN(6))}
		opts := Options{StepsPerDispatch: 1 + rng.IntN(40)}
		h.SpikeBuffer = 1 + rng.IntN(5000)
		var calls []call
		for range 8 {
			switch rng.IntN(3) {
			case 0:
				calls = append(calls, call{run: 1 + rng.IntN(60)})
			case 1:
				calls = append(calls, call{x: float64(rng.IntN(9)) - 2})
			default:
				calls = append(calls, call{pn: true})
			}
		}
		t.Run("", func(t *testing.T) {
			t.Logf("n %d, %s, %+v, %+v", cfg.N, cfg.Params.Method, opts, h)
			compare(t, cfg, opts, h, calls)
		})
	}
}

func TestShaderCompileError(t *testing.T) {
	ctx, err := openContext(nil)
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.close()
	src := "#version 430 core\nlayout(local_size_x = 1) in;\nvoid main() {\n\tint x = ;\n}\n"
	err = ctx.th.call(func() error {
		_, err := compileCompute("broken.comp", src, []string{"WG 64", "EXACT"})
		return err
	})
	var se *ShaderError
	if !errors.As(err, &se) {
		t.Fatalf("compiling a broken shader: %v, want a *ShaderError", err)
	}
	if se.File != "broken.comp" || se.Line != 4 || se.Stage != "compute shader" || !strings.Contains(err.Error(), "broken.comp:4") {
		t.Errorf("error %q (file %q, line %d, stage %q), want broken.comp:4 in a compute shader", err, se.File, se.Line, se.Stage)
	}
	t.Log(err)
}

func TestOutOfMemory(t *testing.T) {
	cfg := w1(1_000_000, lifgpu.Record{Spikes: true})
	_, err := newPopulation(cfg, Options{}, gpuhook.Hooks{AvailableMemory: 8 << 20})
	noGPU(t, err)
	if !errors.Is(err, lifgpu.ErrOutOfDeviceMemory) {
		t.Fatalf("1e6 neurons in 8 MiB: %v, want ErrOutOfDeviceMemory", err)
	}
	t.Log(err)
	for _, s := range []string{"1000000 neurons need", "8.0 MiB is available", "at most"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	// The largest n it names fits; one more does not.
	l := layoutOf(mustResolve(t, cfg))
	d := Device{MaxBlockSize: 128 << 20, MaxGroupCount: 65535}
	maxN := planFor(cfg.N, l, d, gpuhook.Hooks{}).maxN(8 << 20) // llvmpipe's limits
	if !strings.Contains(err.Error(), "at most "+itoa(maxN)) {
		t.Errorf("error %q, want at most %d", err, maxN)
	}
	if p := newHooked(t, w1(maxN, lifgpu.Record{Spikes: true}), Options{}, gpuhook.Hooks{AvailableMemory: 8 << 20}); p.Len() != maxN {
		t.Fatal(p.Len())
	}
	if _, err := newPopulation(w1(maxN+1, lifgpu.Record{Spikes: true}), Options{}, gpuhook.Hooks{AvailableMemory: 8 << 20}); !errors.Is(err, lifgpu.ErrOutOfDeviceMemory) {
		t.Errorf("n = %d (one more than fits): %v, want ErrOutOfDeviceMemory", maxN+1, err)
	}
}

func mustResolve(t *testing.T, cfg lifgpu.Config) *model.Model {
	m, err := model.Resolve(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestClose(t *testing.T) {
	p := newPop(t, lifgpu.Config{N: 10, Record: lifgpu.Record{Spikes: true}}, Options{})
	if err := p.Run(5); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, e1 := p.Spiked()
	_, e2 := p.Recording()
	for k, err := range []error{p.Run(1), p.Forward(lifgpu.Scalar(1)), p.Potentials(make([]float32, 10)),
		p.Refractory(make([]int32, 10)), p.Counts(make([]uint32, 10)), e1, e2} {
		if !errors.Is(err, lifgpu.ErrClosed) {
			t.Errorf("call %d after Close: %v, want ErrClosed", k, err)
		}
	}
}

func TestBackend(t *testing.T) {
	p := newPop(t, lifgpu.Config{N: 1}, Options{})
	b := p.Backend()
	if !strings.HasPrefix(b, "gpu (") || !strings.Contains(b, "OpenGL 4.") {
		t.Errorf("Backend() = %q", b)
	}
	t.Log(b)
}
