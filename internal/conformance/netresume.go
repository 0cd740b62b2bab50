package conformance

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/compare"
)

// NetworkResume checks checkpoints of random networks, every other one with long
// delays (LongDelays), across backends: a population of f restored from the
// reference's state (the currents and the delay rings with their spikes in flight)
// reads that state back unchanged and goes on with the reference's bits, one Forward
// right after the Restore in some cases; and so does the reference restored from f's
// state.
func NetworkResume(t *testing.T, f Factory, sc Scale) {
	r := rand.New(rand.NewPCG(31, 32))
	for c := range sc.Cases + max(2, sc.Cases) {
		cfg := RandomNetwork(r, sc.MaxN)
		if c%2 == 1 {
			cfg = LongDelays(cfg, 1+r.IntN(20))
		}
		first, second := 1+r.IntN(sc.MaxSteps), 1+r.IntN(sc.MaxSteps)
		forward := r.IntN(2) == 0 // one Forward right after the Restore
		for _, dir := range []struct {
			name     string
			from, to Factory
		}{{"reference-to-backend", Reference, f}, {"backend-to-reference", f, Reference}} {
			t.Run(fmt.Sprintf("case%d_n%d_%d+%d/%s", c, cfg.N, first, second, dir.name), func(t *testing.T) {
				whole, resumed := pair(t, dir.from, dir.to, cfg)
				defer whole.Close()
				defer resumed.Close()
				if err := whole.Run(first); err != nil {
					t.Fatal(err)
				}
				st, err := whole.State()
				if err != nil {
					t.Fatal(err)
				}
				if st.RingEx == nil || st.IEx == nil {
					t.Fatal("a network's state without its rings and currents")
				}
				if err := whole.ClearRecording(); err != nil {
					t.Fatal(err)
				}
				if err := resumed.Run(3); err != nil { // a state that Restore must replace
					t.Fatal(err)
				}
				if err := resumed.Restore(st); err != nil {
					t.Fatal(err)
				}
				back, err := resumed.State()
				if err != nil {
					t.Fatal(err)
				}
				if d := compare.States(st, back); d != "" {
					t.Fatalf("State after Restore: %s", d)
				}
				for _, p := range []lifgpu.Population{whole, resumed} {
					if forward {
						if err := p.Forward(lifgpu.Scalar(1.5)); err != nil {
							t.Fatal(err)
						}
					}
					if err := p.Run(second); err != nil {
						t.Fatal(err)
					}
				}
				if d := Diff(whole, resumed); d != "" {
					t.Fatal(d)
				}
			})
		}
	}
}
