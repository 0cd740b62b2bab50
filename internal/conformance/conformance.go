// Package conformance is the test suite that every lifgpu backend passes: written once,
// called from each backend's tests with a factory (as gonum's testblas does for BLAS).
//
// The reference it compares against is the CPU backend's plain contract loop. Every
// comparison is of bits: the contract makes the backends bit-identical. The reference
// itself is never compared with itself (the comparisons refuse two populations of the
// same Backend): it passes [Standalone], the checks against the seed's goldens and the
// closed forms, and every other path's comparison is one with it; [ResumeAgainst]
// resumes it from another path's state.
package conformance

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/compare"
)

// Factory makes a population of the backend under test.
type Factory func(cfg lifgpu.Config) (lifgpu.Population, error)

// Reference makes the plain reference population.
func Reference(cfg lifgpu.Config) (lifgpu.Population, error) {
	return cpu.New(cfg, cpu.Options{Kernel: "reference"})
}

// Scale sets the sizes the suite uses; slow backends (llvmpipe) pass a smaller one.
type Scale struct {
	MaxN     int // largest random population
	MaxSteps int // longest random run
	Cases    int // random cases
}

// Run runs the whole suite against f: Standalone, and Random against the reference.
func Run(t *testing.T, f Factory, sc Scale) {
	Standalone(t, f, sc)
	t.Run("Random", func(t *testing.T) { Random(t, f, sc) })
	t.Run("Subnormal", func(t *testing.T) { Subnormal(t, f, min(sc.MaxN, 1000)) })
}

// Standalone runs the checks that need no second path: the seed's goldens, the closed
// forms, the errors, the membrane statistics under random input and the independence
// of the draws. They are how the reference path itself is tested.
func Standalone(t *testing.T, f Factory, sc Scale) {
	t.Run("SeedGolden", func(t *testing.T) { SeedGolden(t, f) })
	t.Run("SeedGoldenRun", func(t *testing.T) { SeedGoldenRun(t, f) })
	t.Run("Closed", func(t *testing.T) { Closed(t, f) })
	t.Run("Errors", func(t *testing.T) { Errors(t, f) })
	t.Run("Stationary", func(t *testing.T) { Stationary(t, f, sc) })
	t.Run("DrawsIndependent", func(t *testing.T) { DrawsIndependent(t, f) })
	t.Run("SubnormalPrediction", func(t *testing.T) { SubnormalPrediction(t, f) })
	t.Run("Shards", func(t *testing.T) { Shards(t, f) })
}

// pair makes the two populations of a comparison and refuses to compare a path with
// itself: a comparison of the reference with the reference passes whatever it does.
func pair(t *testing.T, want, got Factory, cfg lifgpu.Config) (lifgpu.Population, lifgpu.Population) {
	t.Helper()
	w := mustNew(t, want, cfg)
	g, err := got(cfg)
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	if w.Backend() == g.Backend() {
		w.Close()
		g.Close()
		t.Fatalf("conformance: %s compared with itself; test the reference with Standalone and ResumeAgainst", g.Backend())
	}
	return w, g
}

// SeedGolden checks the seed's own example: default parameters, one neuron, Forward(4)
// every step: spikes at steps 13, 77, 141, ... (every 64 steps).
func SeedGolden(t *testing.T, f Factory) {
	pop := mustNew(t, f, lifgpu.Config{N: 1})
	defer pop.Close()
	var got []int64
	for s := int64(0); s < 1000; s++ {
		if err := pop.Forward(lifgpu.Scalar(4)); err != nil {
			t.Fatal(err)
		}
		sp, err := pop.Spiked()
		if err != nil {
			t.Fatal(err)
		}
		if len(sp) > 0 {
			got = append(got, s)
		}
	}
	for k, s := range got {
		if want := int64(13 + 64*k); s != want {
			t.Fatalf("spike %d at step %d, want %d (all: %v)", k, s, want, got)
		}
	}
	if len(got) != 16 {
		t.Fatalf("%d spikes in 1000 steps, want 16: %v", len(got), got)
	}
}

// SeedGoldenRun is the seed golden through Run with a bias of 4 and the spike list.
func SeedGoldenRun(t *testing.T, f Factory) {
	cfg := lifgpu.Config{N: 3, Record: lifgpu.Record{Spikes: true, Rate: true}}
	cfg.Input.Bias = lifgpu.Scalar(4)
	pop := mustNew(t, f, cfg)
	defer pop.Close()
	if err := pop.Run(1000); err != nil {
		t.Fatal(err)
	}
	rec, err := pop.Recording()
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.SpikeSteps) != 48 {
		t.Fatalf("%d spikes, want 48", len(rec.SpikeSteps))
	}
	for k := range rec.SpikeSteps {
		step, id := rec.SpikeSteps[k], rec.SpikeIDs[k]
		if want := int32(13 + 64*(k/3)); step != want || id != int32(k%3) {
			t.Fatalf("spike %d = (step %d, neuron %d), want (%d, %d)", k, step, id, want, k%3)
		}
	}
}

// Random compares the backend with the reference on random specs: random n (also not
// multiples of any block or workgroup size), per-neuron arrays, schedules, both methods,
// all recordings, and Forward and Run interleaved. It compares bits.
func Random(t *testing.T, f Factory, sc Scale) {
	rng := rand.New(rand.NewPCG(1, 2))
	for c := range sc.Cases {
		cfg := RandomConfig(rng, sc.MaxN, sc.MaxSteps)
		plan := randomPlan(rng, sc.MaxSteps)
		t.Run(fmt.Sprintf("case%d_n%d_%s", c, cfg.N, cfg.Params.Method), func(t *testing.T) {
			lockstep(t, f, cfg, plan)
		})
	}
}

// op is one call in a plan: Run(steps), or Forward with a scalar or per-neuron x.
type op struct {
	run   int
	x     float64
	perN  bool
	seedX uint64
}

func (o op) String() string {
	if o.run > 0 {
		return fmt.Sprintf("Run(%d)", o.run)
	}
	if o.perN {
		return "Forward(per-neuron)"
	}
	return fmt.Sprintf("Forward(%g)", o.x)
}

func (o op) apply(t *testing.T, p lifgpu.Population, n int) {
	t.Helper()
	if o.run > 0 {
		if err := p.Run(o.run); err != nil {
			t.Fatal(err)
		}
		return
	}
	x := lifgpu.Scalar(o.x)
	if o.perN {
		r := rand.New(rand.NewPCG(o.seedX, 7))
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64() * 2)
		}
		x = lifgpu.Float32s(v)
	}
	if err := p.Forward(x); err != nil {
		t.Fatal(err)
	}
}

// lockstep runs plan on the reference and on f side by side and compares their bits
// after each operation.
func lockstep(t *testing.T, f Factory, cfg lifgpu.Config, plan []op) {
	t.Helper()
	want, got := pair(t, Reference, f, cfg)
	defer want.Close()
	defer got.Close()
	for _, op := range plan {
		op.apply(t, want, cfg.N)
		op.apply(t, got, cfg.N)
		if d := Diff(want, got); d != "" {
			t.Fatalf("after %s: %s", op, d)
		}
	}
}

func randomPlan(rng *rand.Rand, maxSteps int) []op {
	var plan []op
	left := maxSteps
	for left > 0 {
		switch rng.IntN(4) {
		case 0:
			plan = append(plan, op{x: float64(rng.IntN(9)) - 2})
			left--
		case 1:
			plan = append(plan, op{perN: true, seedX: rng.Uint64()})
			left--
		default:
			k := 1 + rng.IntN(max(1, left))
			plan = append(plan, op{run: k})
			left -= k
		}
	}
	return plan
}

// RandomConfig draws a spec that exercises every feature: per-neuron or scalar
// parameters, bias, a schedule, both methods, every recording.
func RandomConfig(rng *rand.Rand, maxN, maxSteps int) lifgpu.Config {
	n := 1 + rng.IntN(maxN)
	arr := func(lo, hi float64) lifgpu.Values {
		if rng.IntN(2) == 0 {
			return lifgpu.Scalar(lo + (hi-lo)*rng.Float64())
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(lo + (hi-lo)*rng.Float64())
		}
		return lifgpu.Float32s(v)
	}
	cfg := lifgpu.Config{N: n}
	cfg.Params.Method = lifgpu.Euler
	if rng.IntN(2) == 0 {
		cfg.Params.Method = lifgpu.Exact
	}
	cfg.Params.Dt = []float64{0.1, 0.05, 0.25}[rng.IntN(3)]
	cfg.Params.TauM = arr(5, 30)
	cfg.Params.R = arr(5, 30)
	cfg.Params.URest = arr(-72, -60)
	cfg.Params.UReset = arr(-75, -65)
	cfg.Params.UTh = arr(-55, -45)
	cfg.Params.TRef = arr(0, 4)
	if rng.IntN(2) == 0 {
		cfg.Params.U0 = arr(-70, -50)
	}
	cfg.Input.Bias = arr(0, 3)
	for s, k := int64(0), rng.IntN(4); k > 0; k-- {
		s += int64(rng.IntN(max(1, maxSteps/2)))
		cfg.Input.Schedule = append(cfg.Input.Schedule, lifgpu.ScheduleEntry{Step: s, Value: arr(-1, 2)})
		s++
	}
	cfg.Seed = rng.Uint64()
	switch rng.IntN(4) {
	case 0:
		cfg.Input.Noise = lifgpu.Noise{Mean: arr(-0.5, 0.5), Std: arr(0, 1.5)}
	case 1:
		cfg.Input.Poisson = lifgpu.Poisson{Rate: arr(0, 2000), Weight: arr(0, 1)}
	case 2:
		cfg.Input.Noise = lifgpu.Noise{Std: arr(0, 1)}
		cfg.Input.Poisson = lifgpu.Poisson{Rate: arr(100, 900)}
	}
	cfg.Record.Spikes = rng.IntN(4) != 0
	cfg.Record.Rate = rng.IntN(2) == 0
	if rng.IntN(2) == 0 {
		cfg.Record.Traces = append(cfg.Record.Traces, rng.Perm(n)[:min(n, 1+rng.IntN(5))]...)
		cfg.Record.TraceEvery = rng.IntN(4)
	}
	return cfg
}

func head[T any](s []T) []T { return s[:min(len(s), 10)] }

// Diff compares two populations bit for bit; see compare.Populations.
func Diff(want, got lifgpu.Population) string { return compare.Populations(want, got) }

// DiffRecording compares two recordings bit for bit; see compare.Recordings.
func DiffRecording(a, b *lifgpu.Recording) string { return compare.Recordings(a, b) }

func mustNew(t *testing.T, f Factory, cfg lifgpu.Config) lifgpu.Population {
	t.Helper()
	p, err := f(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
