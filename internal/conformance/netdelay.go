package conformance

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lifgpu/lifgpu"
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
