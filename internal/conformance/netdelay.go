package conformance

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/compare"
)

// LongDelays returns cfg with every delay of its projections made longer by extra
// steps (the explicit ones and the drawn ones' means), so that its shortest delay is
// more than extra steps: a backend may advance that many steps before it must propagate
// spikes, and these networks test that it does so right.
func LongDelays(cfg lifgpu.Config, extra int) lifgpu.Config {
	dt := cfg.Params.Dt
	if dt == 0 {
		dt = lifgpu.DefaultDt
	}
	cfg.Projections = slices.Clone(cfg.Projections)
	for k := range cfg.Projections {
		p := &cfg.Projections[k]
		if p.Explicit() {
			p.Delay = slices.Clone(p.Delay)
			for i := range p.Delay {
				p.Delay[i] += float64(extra) * dt
			}
			continue
		}
		p.DelayDist.Mean += float64(extra) * dt
	}
	return cfg
}

// NetworkLongDelays is Network on random networks whose shortest delay is 2 to 40
// steps.
func NetworkLongDelays(t *testing.T, f Factory, sc Scale) {
	r := rand.New(rand.NewPCG(31, 32))
	for c := range sc.Cases {
		cfg := LongDelays(RandomNetwork(r, sc.MaxN), 1+r.IntN(40))
		plan := randomPlan(r, sc.MaxSteps)
		t.Run(fmt.Sprintf("case%d_n%d_%s", c, cfg.N, cfg.Params.Method), func(t *testing.T) {
			lockstep(t, f, cfg, plan)
		})
	}
}

// NetworkResumeDelays checks checkpoints of random networks, half of them with long
// delays (LongDelays), across backends: a population of f restored from the reference's
// state (the currents and the delay rings with their spikes in flight) reads that state
// back and goes on with the reference's bits, and so does the reference restored from
// f's state.
func NetworkResumeDelays(t *testing.T, f Factory, sc Scale) {
	r := rand.New(rand.NewPCG(41, 42))
	for c := range max(2, sc.Cases) {
		cfg := RandomNetwork(r, sc.MaxN)
		if c%2 == 1 {
			cfg = LongDelays(cfg, 1+r.IntN(20))
		}
		first, second := 1+r.IntN(sc.MaxSteps), 1+r.IntN(sc.MaxSteps)
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
				if err := whole.Run(second); err != nil {
					t.Fatal(err)
				}
				if err := resumed.Run(second); err != nil {
					t.Fatal(err)
				}
				if d := Diff(whole, resumed); d != "" {
					t.Fatal(d)
				}
			})
		}
	}
}
