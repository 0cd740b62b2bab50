package cpu_test

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/compare"
	"github.com/lifgpu/lifgpu/internal/conformance"
)

// TestNetworkMixedOps: a network with random input, driven by a mix of Run of odd
// lengths, Forward (scalar and per-neuron x) and a Restore to an earlier state, on 3
// workers with 5-step chunks, against the reference doing the same.
func TestNetworkMixedOps(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		cfg := conformance.RandomNetwork(rand.New(rand.NewPCG(seed, 99)), 1500)
		cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(1.1)}
		cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(900), Weight: lifgpu.Scalar(0.3)}
		want, err := cpu.New(cfg, cpu.Options{Kernel: "reference"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := cpu.New(cfg, cpu.Options{Workers: 3, ChunkSteps: 5})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, cfg.N)
		r := rand.New(rand.NewPCG(seed, 7))
		var saved lifgpu.State
		for op := range 60 {
			var do func(p lifgpu.Population) error
			if op == 10 {
				saved, _ = want.State()
			}
			switch r.IntN(4) {
			case 0:
				k := 1 + r.IntN(9)
				do = func(p lifgpu.Population) error { return p.Run(k) }
			case 1:
				v := r.Float64()
				do = func(p lifgpu.Population) error { return p.Forward(lifgpu.Scalar(v)) }
			case 2:
				for i := range x {
					x[i] = float32(r.NormFloat64())
				}
				do = func(p lifgpu.Population) error { return p.Forward(lifgpu.Float32s(x)) }
			case 3:
				if saved.U != nil && op > 20 {
					do = func(p lifgpu.Population) error { return p.Restore(saved) }
				} else {
					do = func(p lifgpu.Population) error { return p.ClearRecording() }
				}
			}
			for _, p := range []lifgpu.Population{want, got} {
				if err := do(p); err != nil {
					t.Fatal(err)
				}
			}
			if d := compare.Populations(want, got); d != "" {
				t.Fatalf("seed %d, op %d: %s", seed, op, d)
			}
		}
		want.Close()
		got.Close()
	}
}

// TestDroppedPopulations: populations dropped without Close (their workers' parts
// unbalanced: traced blocks slow the caller's range, so the helper parks first, still
// holding the job it last saw) are cleaned up, helpers and all.
func TestDroppedPopulations(t *testing.T) {
	settle := func() {
		for range 5 {
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
		}
	}
	settle()
	before := runtime.NumGoroutine()
	for range 20 {
		cfg := lifgpu.Config{N: 1 << 16, Params: lifgpu.Params{Dt: 0.1}, Input: lifgpu.Input{Bias: lifgpu.Scalar(3)}}
		for i := 1<<16 - 1; i >= 1<<15; i -= 64 {
			cfg.Record.Traces = append(cfg.Record.Traces, i)
		}
		p, err := cpu.New(cfg, cpu.Options{Workers: 2, ChunkSteps: 200})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(200); err != nil {
			t.Fatal(err)
		}
	}
	settle()
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Errorf("%d goroutines before 20 dropped populations, %d after: their helpers were kept", before, after)
	}
}
