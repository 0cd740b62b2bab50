//go:build cgo && egl

package gpu

import (
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// TestLoopCap is the repro of llvmpipe's silent loop limit: 100 neurons, default
// options, Run(200000). The steps per dispatch grow to 167,772 by the time-based sizing
// (the first is 2^22/N), far past the 65,535 loop iterations llvmpipe runs in one
// invocation; before the bound, u[0] ended at -62 where the CPU gives -55.21. With
// random input (inner loops a step) the bound is lower. The result must be the
// reference's, bit for bit.
func TestLoopCap(t *testing.T) {
	plain := lifgpu.Config{N: 100}
	plain.Input.Bias = lifgpu.Scalar(0.4)
	random := plain
	random.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(0.3)}
	random.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(3000), Weight: lifgpu.Scalar(0.2)}
	for name, cfg := range map[string]lifgpu.Config{"plain": plain, "random": random} {
		t.Run(name, func(t *testing.T) {
			want, err := conformance.Reference(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer want.Close()
			got := newPop(t, cfg, Options{})
			steps := 200_000
			if name == "random" {
				steps = 60_000 // 3,000 steps a dispatch on llvmpipe: the cap bites at 20x fewer steps
			}
			for _, p := range []lifgpu.Population{want, got} {
				if err := p.Run(steps); err != nil {
					t.Fatal(err)
				}
			}
			if d := conformance.Diff(want, got); d != "" {
				t.Fatalf("after Run(%d): %s", steps, d)
			}
			t.Logf("%s: loop cap %d steps a dispatch, %d dispatches", name, got.lay.loopCap(), got.stats.dispatches)
		})
	}
}

// TestTruncated: a dispatch that a driver cuts short is refused, not committed: with the
// cap removed, a 70,000-step dispatch on llvmpipe fails naming the limit; with the spike
// list (two state copies) the state stays at the dispatch's start; in place, the
// population is torn and refuses to step on. On a hardware GPU (no known limit) the
// same dispatch must run whole and give the reference's bits.
func TestTruncated(t *testing.T) {
	dev := newPop(t, lifgpu.Config{N: 1}, Options{}).Device()
	for _, spikes := range []bool{true, false} {
		cfg := lifgpu.Config{N: 64, Record: lifgpu.Record{Spikes: spikes, Rate: !spikes}}
		cfg.Input.Bias = lifgpu.Scalar(0.6)
		p, err := newPopulation(cfg, Options{StepsPerDispatch: 70_000}, gpuhook.Hooks{LoopCap: -1})
		noGPU(t, err)
		if err != nil {
			t.Fatal(err)
		}
		err = p.Run(70_000)
		if !dev.Software {
			ref, _ := conformance.Reference(cfg)
			if rerr := ref.Run(70_000); rerr != nil || err != nil {
				t.Fatalf("70,000 steps in one dispatch: %v (reference: %v)", err, rerr)
			}
			if d := conformance.Diff(ref, p); d != "" {
				t.Errorf("70,000 steps in one dispatch: %s", d)
			}
			ref.Close()
			p.Close()
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "ended the step loop early") {
			t.Fatalf("spikes %v: Run: %v, want the truncation refused", spikes, err)
		}
		if _, serr := p.State(); spikes && (serr != nil || p.StepCount() != 0) {
			t.Errorf("double-buffered: state %v at step %d, want the untouched step 0", serr, p.StepCount())
		} else if !spikes && (serr == nil || p.Run(1) == nil) {
			t.Errorf("in place: the truncated state was readable or stepped on")
		}
		p.Close()
	}
}
