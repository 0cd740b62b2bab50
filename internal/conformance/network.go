package conformance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// Networks: the coupling of DESIGN.md, "Networks" (current-based synapses, two ports,
// integer delays, int32 fixed-point sums).

// HandComputed is three neurons and one synapse into each port of neuron 2, with the
// post neuron's potential worked out here step by step from the contract: neuron 0
// (bias 4 nA: spikes at steps 13, 77, ...) excites neuron 2 with w = +2 nA after 1 ms,
// through a port with tau_syn_ex = 5 ms; neuron 1 (bias 6 nA) inhibits it with
// w = -1.5 nA after 0.5 ms through a delta port (tau_syn_in = 0). Neuron 2 has no bias.
// The resolution is q = 22: 3.5 * 2^22 <= 2^24 - 1 < 3.5 * 2^23.
func HandComputed(t *testing.T, f Factory) {
	cfg := lifgpu.Config{N: 3, Record: lifgpu.Record{Spikes: true}}
	cfg.Input.Bias = lifgpu.Float32s([]float32{4, 6, 0})
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Scalar(5), TauSynIn: lifgpu.Scalar(0)}
	cfg.Projections = []lifgpu.Projection{{Name: "hand", Pre: []int32{0, 1}, Post: []int32{2, 2},
		Weight: []float64{2, -1.5}, Delay: []float64{1, 0.5}}}
	p := mustNew(t, f, cfg)
	defer p.Close()

	// The contract, for neuron 2 alone, given its inputs' spike steps.
	const steps = 400
	spikes0 := stepsOf(4, steps) // neuron 0's own spikes: no input reaches it
	spikes1 := stepsOf(6, steps)
	alpha := float32(0.1 / 10.0)
	decay := float32(math.Exp(-0.1 / 5))
	exAt, inAt := map[int]bool{}, map[int]bool{}
	for _, s := range spikes0 {
		exAt[s+10] = true // 1 ms
	}
	for _, s := range spikes1 {
		inAt[s+5] = true // 0.5 ms
	}
	var u, iex float32 = -62, 0
	ref := int32(0)
	u2 := make([]float32, steps)
	for n := range steps {
		var sEx, sIn float32
		if exAt[n] {
			sEx = 2 // 8388608 * 2^-22, exactly
		}
		if inAt[n] {
			sIn = -1.5
		}
		// Each operation rounded on its own: an explicit conversion forbids fusing.
		iex = float32(iex * decay)
		iex = float32(iex + sEx)
		syn := float32(iex + sIn)
		if ref > 0 {
			ref--
		} else {
			I := float32(float32(0) + syn) // bias 0 (no schedule, x, noise or Poisson)
			d := float32(u - (-62))
			e := float32(float32(20) * I)
			ff := float32(d - e)
			g := float32(alpha * ff)
			u = float32(u - g)
			if u >= -52 {
				u, ref = -62, 50
			}
		}
		u2[n] = u
	}
	got := make([]float32, 3)
	for n := range steps {
		if err := p.Run(1); err != nil {
			t.Fatal(err)
		}
		if err := p.Potentials(got); err != nil {
			t.Fatal(err)
		}
		if math.Float32bits(got[2]) != math.Float32bits(u2[n]) {
			t.Fatalf("after step %d: u[2] = %v (%#08x), the contract gives %v (%#08x)", n, got[2], math.Float32bits(got[2]), u2[n], math.Float32bits(u2[n]))
		}
	}
	st, err := p.State()
	if err != nil {
		t.Fatal(err)
	}
	if math.Float32bits(st.IEx[2]) != math.Float32bits(iex) || st.IIn[2] != 0 {
		t.Errorf("i_ex[2] = %v, i_in[2] = %v; want %v and 0 (a delta port keeps no current)", st.IEx[2], st.IIn[2], iex)
	}
}

// stepsOf lists the spike steps of a lone default neuron under a bias of I nA.
func stepsOf(I float32, steps int) []int {
	var out []int
	var u float32 = -62
	ref := int32(0)
	alpha := float32(0.1 / 10.0)
	for n := range steps {
		if ref > 0 {
			ref--
			continue
		}
		d := float32(u - (-62))
		e := float32(float32(20) * I)
		ff := float32(d - e)
		g := float32(alpha * ff)
		u = float32(u - g)
		if u >= -52 {
			u, ref = -62, 50
			out = append(out, n)
		}
	}
	return out
}

// RandomNetwork draws a network that exercises the coupling: heterogeneous delays,
// both ports, delta and exponential currents (scalar or per neuron), Euler or exact,
// explicit, Bernoulli and in-degree projections (some procedural), noise and Poisson
// input, every recording.
func RandomNetwork(r *rand.Rand, maxN int) lifgpu.Config {
	cfg := RandomConfig(r, maxN, 100)
	for cfg.N < 8 {
		cfg = RandomConfig(r, maxN, 100)
	}
	n := cfg.N
	cfg.Record.Traces = nil
	if r.IntN(2) == 0 {
		cfg.Record.Traces = []int{0, n - 1}
	}
	if r.IntN(3) == 0 {
		cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(0.2 + r.Float64())}
	}
	if r.IntN(3) == 0 {
		cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(500 + 2000*r.Float64()), Weight: lifgpu.Scalar(0.3)}
	}
	tau := func() lifgpu.Values {
		switch r.IntN(3) {
		case 0:
			return lifgpu.Scalar(0)
		case 1:
			return lifgpu.Scalar(1 + 5*r.Float64())
		}
		v := make([]float64, n)
		for i := range v {
			if r.IntN(4) > 0 {
				v[i] = 1 + 9*r.Float64()
			}
		}
		return lifgpu.Float64s(v)
	}
	cfg.Synapses = lifgpu.Synapses{TauSynEx: tau(), TauSynIn: tau()}
	half := lifgpu.Range{Lo: 0, Hi: n / 2}
	all := lifgpu.Range{Lo: 0, Hi: n}
	dt := cfg.Params.Dt
	if dt == 0 {
		dt = lifgpu.DefaultDt
	}
	m := 20 + r.IntN(200)
	ex := lifgpu.Projection{Name: "explicit"}
	for range m {
		ex.Pre = append(ex.Pre, int32(r.IntN(n)))
		ex.Post = append(ex.Post, int32(r.IntN(n)))
		ex.Weight = append(ex.Weight, 4*r.NormFloat64())
		ex.Delay = append(ex.Delay, dt*float64(1+r.IntN(12)))
	}
	bern := lifgpu.Projection{Name: "bernoulli", PreRange: half, PostRange: all, P: 0.05 + 0.2*r.Float64(),
		WeightDist: lifgpu.Dist{Mean: 1 + r.Float64(), Std: 0.5}, DelayDist: lifgpu.Dist{Mean: 4 * dt, Std: 2 * dt},
		Procedural: r.IntN(2) == 0, NoAutapses: r.IntN(2) == 0}
	inh := lifgpu.Projection{Name: "in-degree", PreRange: lifgpu.Range{Lo: n / 2, Hi: n}, PostRange: all, InDegree: 1 + r.IntN(max(1, n/4)),
		WeightDist: lifgpu.Dist{Mean: -2 - r.Float64()}, DelayDist: lifgpu.Dist{Mean: dt * float64(1+r.IntN(3))}, NoMultapses: r.IntN(2) == 0}
	cfg.Projections = []lifgpu.Projection{ex, bern, inh}
	return cfg
}

// Network compares f with the reference on random networks, bit for bit, the synaptic
// currents and delay rings included, after every call of a random plan.
func Network(t *testing.T, f Factory, sc Scale) {
	r := rand.New(rand.NewPCG(11, 12))
	for c := range sc.Cases {
		cfg := RandomNetwork(r, sc.MaxN)
		plan := randomPlan(r, sc.MaxSteps)
		t.Run(fmt.Sprintf("case%d_n%d_%s", c, cfg.N, cfg.Params.Method), func(t *testing.T) {
			lockstep(t, f, cfg, plan)
		})
	}
}

// StoredProcedural checks that a Bernoulli projection gives the same bits stored and
// procedural, on one backend.
func StoredProcedural(t *testing.T, f Factory) {
	r := rand.New(rand.NewPCG(21, 22))
	for c := range 4 {
		cfg := RandomNetwork(r, 600)
		cfg.Projections[1].Procedural = false
		proc := cfg
		proc.Projections = append([]lifgpu.Projection(nil), cfg.Projections...)
		proc.Projections[1].Procedural = true
		t.Run(fmt.Sprint("case", c), func(t *testing.T) {
			a, b := mustNew(t, f, cfg), mustNew(t, f, proc)
			defer a.Close()
			defer b.Close()
			for _, p := range []lifgpu.Population{a, b} {
				if err := p.Run(150); err != nil {
					t.Fatal(err)
				}
			}
			if d := Diff(a, b); d != "" {
				t.Fatalf("stored against procedural: %s", d)
			}
		})
	}
}
