//go:build cgo && egl

package gpu

import (
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// factory makes GPU populations with the hooks h for the shared suite, skipping
// without a context.
func factory(t *testing.T, opts Options, h gpuhook.Hooks) conformance.Factory {
	return func(cfg lifgpu.Config) (lifgpu.Population, error) {
		p, err := newPopulation(cfg, opts, h)
		noGPU(t, err)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
}

func TestConformance(t *testing.T) {
	conformance.Run(t, factory(t, Options{}, gpuhook.Hooks{}), conformance.Scale{MaxN: 20_000, MaxSteps: 400, Cases: 24})
}

// TestConformanceSplit runs the suite with storage blocks limited to 4 KiB, so that
// populations are cut into chunks of 256 neurons (the split path), and a tiny spike
// list, so that dispatches overflow it and are redone.
func TestConformanceSplit(t *testing.T) {
	conformance.Random(t, factory(t, Options{}, gpuhook.Hooks{MaxBlockSize: 4 << 10, SpikeBuffer: 16}), conformance.Scale{MaxN: 5000, MaxSteps: 300, Cases: 12})
}

// TestResume restores the reference's state into GPU populations (split into chunks
// too) and checks that they go on with the same bits.
func TestResume(t *testing.T) {
	conformance.Resume(t, factory(t, Options{}, gpuhook.Hooks{}), conformance.Scale{MaxN: 5000, MaxSteps: 300, Cases: 12})
	conformance.Resume(t, factory(t, Options{StepsPerDispatch: 7}, gpuhook.Hooks{MaxBlockSize: 8 << 10}), conformance.Scale{MaxN: 3000, MaxSteps: 200, Cases: 8})
}

// TestFlushVariants runs lif.comp both ways whatever the driver: with the explicit
// flush to zero (F32_FLUSH), the subnormal cases must give the reference's bits; with
// the plain operators, the ordinary random cases must (no result underflows there), and
// the subnormal cases must agree with the reference exactly when the start-up probe
// says the driver flushes as the contract does. On llvmpipe, which keeps subnormals,
// the probe says it does not, and the plain variant must differ somewhere.
func TestFlushVariants(t *testing.T) {
	explicit := factory(t, Options{}, gpuhook.Hooks{Flush: gpuhook.FlushExplicit})
	conformance.Subnormal(t, explicit, 700)
	conformance.SubnormalPrediction(t, explicit)

	plain := factory(t, Options{}, gpuhook.Hooks{Flush: gpuhook.FlushNative})
	conformance.Random(t, plain, conformance.Scale{MaxN: 3000, MaxSteps: 200, Cases: 6})

	ctx, err := openContext(nil)
	noGPU(t, err)
	var native bool
	var why string
	err = ctx.th.call(func() error {
		var err error
		native, why, err = ctx.nativeFlush()
		return err
	})
	ctx.close()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("probe: native flush %v (%s)", native, why)
	differ := 0
	for _, c := range conformance.SubnormalCases(500) {
		want, err := conformance.Reference(c.Cfg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := plain(c.Cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []lifgpu.Population{want, got} {
			if err := p.Run(c.Steps); err != nil {
				t.Fatal(err)
			}
		}
		if d := conformance.Diff(want, got); d != "" {
			differ++
			t.Logf("%s, plain operators: %s", c.Name, d)
		}
		want.Close()
		got.Close()
	}
	switch {
	case native && differ > 0:
		t.Errorf("the probe says the driver flushes as the contract does, yet %d subnormal cases differ with the plain operators", differ)
	case !native && differ == 0:
		t.Errorf("the probe says the driver does not flush as the contract does (%s), yet every subnormal case agrees with the plain operators: the cases or the probe miss something", why)
	}
}
