//go:build cgo && egl

package gpu

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// TestFaultConsistent injects a failure at many points, also inside a dispatch that
// overflowed the spike list and is redone in halves (of the steps, then of the chunks),
// and in place (no spike list): afterwards the population either refuses to give its
// state, or gives exactly the reference's state at the step it reports, with no spike
// recorded past it.
func TestFaultConsistent(t *testing.T) {
	cfg := lifgpu.Config{N: 4000, Record: lifgpu.Record{Spikes: true, Rate: true}}
	cfg.Params.TRef = lifgpu.Scalar(0) // spikes every few steps: the list overflows
	cfg.Input.Bias = lifgpu.Scalar(6)
	noSpikes := cfg
	noSpikes.Record = lifgpu.Record{Rate: true}
	opts := Options{StepsPerDispatch: 4}
	for _, c := range []struct {
		name  string
		cfg   lifgpu.Config
		hooks gpuhook.Hooks
	}{
		{"overflow", cfg, gpuhook.Hooks{SpikeBuffer: 1000, MaxBlockSize: 16 << 10}},
		{"inplace", noSpikes, gpuhook.Hooks{MaxBlockSize: 16 << 10}},
	} {
		for _, after := range []int{3, 9, 16, 17, 20, 25, 40} {
			t.Run(fmt.Sprintf("%s/after%d", c.name, after), func(t *testing.T) {
				h := c.hooks
				h.FaultAfter = after
				p := newHooked(t, c.cfg, opts, h)
				// 60 steps of 4 a dispatch over 4 chunks are 60 dispatches or more: a
				// hook that never fires is a bug, not a reason to skip.
				if err := p.Run(60); err == nil {
					t.Fatalf("no fault in 60 steps (%d dispatches) with FaultAfter = %d", p.stats.dispatches, after)
				} else if !strings.Contains(err.Error(), "injected fault") {
					t.Fatalf("Run: %v, want the injected fault", err)
				}
				ref := mustRef(t, c.cfg)
				defer ref.Close()
				st, err := p.State()
				if err != nil {
					// Torn: stepping on is refused until a Restore, which makes the
					// population whole again.
					if err := p.Run(1); err == nil {
						t.Fatal("a torn population stepped on")
					}
					if err := ref.Run(7); err != nil {
						t.Fatal(err)
					}
					good, _ := ref.State()
					ref.ClearRecording() // both record from step 7 on
					if err := p.Restore(good); err != nil {
						t.Fatal(err)
					}
					if err := p.Run(10); err != nil {
						t.Fatal(err)
					}
					ref.Run(10)
					if d := conformance.Diff(ref, p); d != "" {
						t.Fatalf("after Restore: %s", d)
					}
					return
				}
				if err := ref.Run(int(st.Step)); err != nil {
					t.Fatal(err)
				}
				want, _ := ref.State()
				for i := range want.U {
					if math.Float32bits(want.U[i]) != math.Float32bits(st.U[i]) || want.Ref[i] != st.Ref[i] || want.Counts[i] != st.Counts[i] {
						t.Fatalf("after the fault the population says step %d, but neuron %d holds another step's state", st.Step, i)
					}
				}
				rec, _ := p.Recording()
				for _, s := range rec.SpikeSteps {
					if int64(s) >= st.Step {
						t.Fatalf("spike at step %d recorded, state at step %d", s, st.Step)
					}
				}
				if len(rec.Rate) != int(st.Step) {
					t.Fatalf("rate of %d steps recorded, state at step %d", len(rec.Rate), st.Step)
				}
			})
		}
	}
}

func mustRef(t *testing.T, cfg lifgpu.Config) lifgpu.Population {
	t.Helper()
	p, err := conformance.Reference(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
