package conformance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// Subnormal cases: SpikingJelly-style units (u_rest = u_reset = 0, u_th = 1, R = 1),
// where a silent neuron decays toward 0 through the range where float32 results
// underflow, and inputs small enough that the currents' products underflow too. The
// contract flushes every result that underflows to a zero of its sign (DESIGN.md;
// internal/f32), so the backends agree there only if each flushes exactly so.

// SubnormalCase is one configuration of the subnormal suite and how long to run it.
type SubnormalCase struct {
	Name  string
	Cfg   lifgpu.Config
	Steps int
}

// SubnormalCases are Euler and exact, without input, with a schedule and Forward's x
// that bring the potential back into the tiny range, with Gaussian noise whose
// std*z products straddle 2^-126, and with Poisson input of a tiny weight.
func SubnormalCases(n int) []SubnormalCase {
	base := func(method lifgpu.Method) lifgpu.Config {
		r := rand.New(rand.NewPCG(uint64(n), 126))
		u0 := make([]float32, n)
		for i := range u0 {
			u0[i] = float32(r.Float64()) * 0.99 // in (0, 1): below threshold
			if i%7 == 3 {
				u0[i] = -u0[i] // the negative side: -0 where it flushes
			}
		}
		return lifgpu.Config{N: n, Seed: 5, Record: lifgpu.Record{Spikes: true, Rate: true, Traces: []int{0, n - 1}},
			Params: lifgpu.Params{Method: method, Dt: 0.1, TauM: lifgpu.Scalar(1), R: lifgpu.Scalar(1),
				URest: lifgpu.Scalar(0), UReset: lifgpu.Scalar(0), UTh: lifgpu.Scalar(1), TRef: lifgpu.Scalar(0.5),
				U0: lifgpu.Float32s(u0)}}
	}
	var out []SubnormalCase
	for _, m := range []lifgpu.Method{lifgpu.Euler, lifgpu.Exact} {
		silent := base(m)
		out = append(out, SubnormalCase{"silent-" + string(m), silent, 1200})

		sched := base(m)
		sched.Input.Schedule = []lifgpu.ScheduleEntry{{Step: 0, Value: lifgpu.Scalar(0)}, {Step: 700, Value: lifgpu.Scalar(3e-37)},
			{Step: 900, Value: lifgpu.Scalar(-2e-37)}, {Step: 1000, Value: lifgpu.Scalar(0)}}
		out = append(out, SubnormalCase{"schedule-" + string(m), sched, 1200})

		noise := base(m)
		noise.Input.Noise = lifgpu.Noise{Mean: lifgpu.Scalar(1e-37), Std: lifgpu.Scalar(2e-36)}
		out = append(out, SubnormalCase{"noise-" + string(m), noise, 1200})

		poisson := base(m)
		poisson.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(2000), Weight: lifgpu.Scalar(-0x1p-120)}
		out = append(out, SubnormalCase{"poisson-" + string(m), poisson, 1200})
	}
	return out
}

// Subnormal compares f with the reference on the subnormal cases, bit for bit, through
// Run and Forward (with x in the tiny range, and subnormal x, which reads as zero).
func Subnormal(t *testing.T, f Factory, n int) {
	for _, c := range SubnormalCases(n) {
		t.Run(c.Name, func(t *testing.T) {
			want, got := pair(t, Reference, f, c.Cfg)
			defer want.Close()
			defer got.Close()
			xs := []lifgpu.Values{lifgpu.Scalar(2e-38), lifgpu.Scalar(1e-40), lifgpu.Scalar(-3e-39)}
			done := 0
			for k := 0; done < c.Steps; k++ {
				steps := min(c.Steps-done, 97+k*31)
				for _, p := range []lifgpu.Population{want, got} {
					if err := p.Run(steps); err != nil {
						t.Fatal(err)
					}
					if err := p.Forward(xs[k%len(xs)]); err != nil {
						t.Fatal(err)
					}
				}
				done += steps + 1
				if d := Diff(want, got); d != "" {
					t.Fatalf("after step %d: %s", done, d)
				}
			}
		})
	}
}

// SubnormalPrediction checks where the flushes put the silent neurons, computed here in
// float64 from the rule itself: with Euler, u decays (u -= alpha*u) until the product
// alpha*u underflows, and then stays where it is, far above the subnormal range; with
// the exact method, u = u*decay until that product underflows, and then u is a zero of
// u's sign.
func SubnormalPrediction(t *testing.T, f Factory) {
	const n, steps = 64, 1200
	for _, c := range SubnormalCases(n) {
		if c.Name != "silent-euler" && c.Name != "silent-exact" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			p := mustNew(t, f, c.Cfg)
			defer p.Close()
			if err := p.Run(steps); err != nil {
				t.Fatal(err)
			}
			got := make([]float32, n)
			if err := p.Potentials(got); err != nil {
				t.Fatal(err)
			}
			alpha := float32(0.1 / 1.0)
			decay := float32(math.Exp(-0.1))
			u0 := c.Cfg.Params.U0
			frozen := 0
			for i := range n {
				want := predictSilent(float32(u0.At(i)), alpha, decay, c.Cfg.Params.Method, steps)
				if math.Float32bits(got[i]) != math.Float32bits(want) {
					t.Fatalf("neuron %d (u0 = %g): u after %d steps = %g (%#08x), the rule gives %g (%#08x)",
						i, u0.At(i), steps, got[i], math.Float32bits(got[i]), want, math.Float32bits(want))
				}
				if want != 0 {
					frozen++
				}
			}
			switch {
			case c.Cfg.Params.Method == lifgpu.Euler && frozen != n:
				t.Errorf("%d of %d neurons stopped moving above 0: the case does not reach the underflow", frozen, n)
			case c.Cfg.Params.Method == lifgpu.Exact && frozen != 0:
				t.Errorf("%d of %d neurons are not at 0: the case does not reach the underflow", frozen, n)
			}
		})
	}
}

// predictSilent is the potential of a neuron without input after steps steps, from u0,
// by the contract's rule computed in float64: a product of two float32 values is exact
// in float64; it underflows (becomes a zero of its sign) below 2^-126 - 2^-151, and is
// otherwise rounded to float32; a difference of float32 values here is never below
// 2^-126 unless it is 0.
func predictSilent(u0, alpha, decay float32, m lifgpu.Method, steps int) float32 {
	const tiny = 0x1p-126 - 0x1p-151
	mul := func(a, b float32) float32 {
		x := float64(a) * float64(b)
		if math.Abs(x) < tiny {
			return float32(math.Copysign(0, x))
		}
		return float32(x)
	}
	u := u0
	for range steps {
		if m == lifgpu.Exact {
			// v = uRest + R*0 = +0; t = u - v = u; t = t*decay; u = v + t, which is +0
			// when t is a zero of either sign.
			u = mul(u, decay)
			if u == 0 {
				u = 0
			}
		} else {
			g := mul(alpha, u) // d = u - 0 = u, f = d - 0 = u
			u = float32(float64(u) - float64(g))
		}
	}
	return u
}

func (c SubnormalCase) String() string { return fmt.Sprintf("%s (%d neurons)", c.Name, c.Cfg.N) }
