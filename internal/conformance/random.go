package conformance

import (
	"math"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// Stationary checks the membrane statistics under random input against the closed form
// of the discrete map. Below threshold, x = u - u_inf follows
// x' = a*x + b*(I - mean(I)) with a = 1-alpha, b = alpha*R for Euler (a = decay,
// b = (1-decay)*R for the exact method), so after the transient u has mean
// u_rest + R*mean(I) and variance b^2 var(I) / (1 - a^2). For noise, mean(I) = mean and
// var(I) = std^2; for Poisson input, mean(I) = w*lambda and var(I) = w^2*lambda, with
// lambda = rate*dt/1000. The sample is u of every neuron at the last step; neurons are
// independent, so mean and variance are checked to 5 standard errors.
func Stationary(t *testing.T, f Factory, sc Scale) {
	n := min(max(sc.MaxN*4, 4000), 20000)
	const steps = 2000 // 20 tau_m: the transient is down to 2e-9
	cases := []struct {
		name       string
		method     lifgpu.Method
		noise      lifgpu.Noise
		poisson    lifgpu.Poisson
		mean, varI float64 // of the input current
	}{
		{"noise/euler", lifgpu.Euler, lifgpu.Noise{Mean: lifgpu.Scalar(0.1), Std: lifgpu.Scalar(0.5)}, lifgpu.Poisson{}, 0.1, 0.25},
		{"noise/exact", lifgpu.Exact, lifgpu.Noise{Mean: lifgpu.Scalar(-0.2), Std: lifgpu.Scalar(1)}, lifgpu.Poisson{}, -0.2, 1},
		{"poisson/euler", lifgpu.Euler, lifgpu.Noise{}, lifgpu.Poisson{Rate: lifgpu.Scalar(800), Weight: lifgpu.Scalar(0.5)}, 0.5 * 0.08, 0.25 * 0.08},
		{"both/euler", lifgpu.Euler, lifgpu.Noise{Std: lifgpu.Scalar(0.3)}, lifgpu.Poisson{Rate: lifgpu.Scalar(5000), Weight: lifgpu.Scalar(0.2)}, 0.2 * 0.5, 0.09 + 0.04*0.5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := lifgpu.Config{N: n, Seed: 42}
			cfg.Params = lifgpu.Params{Method: c.method, UTh: lifgpu.Scalar(1000)} // never fires
			cfg.Input.Noise, cfg.Input.Poisson = c.noise, c.poisson
			pop := mustNew(t, f, cfg)
			defer pop.Close()
			if err := pop.Run(steps); err != nil {
				t.Fatal(err)
			}
			u := make([]float32, n)
			if err := pop.Potentials(u); err != nil {
				t.Fatal(err)
			}
			var sum, sum2 float64
			for _, x := range u {
				sum += float64(x)
			}
			m := sum / float64(n)
			for _, x := range u {
				sum2 += (float64(x) - m) * (float64(x) - m)
			}
			v := sum2 / float64(n-1)

			alpha := lifgpu.DefaultDt / lifgpu.DefaultTauM
			a, b := 1-alpha, alpha*lifgpu.DefaultR
			if c.method == lifgpu.Exact {
				d := math.Exp(-alpha)
				a, b = d, (1-d)*lifgpu.DefaultR
			}
			wantM := lifgpu.DefaultURest + lifgpu.DefaultR*c.mean
			wantV := b * b * c.varI / (1 - a*a)
			seM := math.Sqrt(wantV / float64(n))
			seV := wantV * math.Sqrt(2/float64(n-1))
			if math.Abs(m-wantM) > 5*seM {
				t.Errorf("mean u = %.5f, closed form %.5f (more than 5 standard errors of %.2g)", m, wantM, seM)
			}
			if math.Abs(v-wantV) > 5*seV {
				t.Errorf("var u = %.5f, closed form %.5f (more than 5 standard errors of %.2g)", v, wantV, seV)
			}
		})
	}
}

// DrawsIndependent checks that a neuron's random input does not depend on the
// population's size or on how its steps are split between Forward and Run.
func DrawsIndependent(t *testing.T, f Factory) {
	mk := func(n int) lifgpu.Config {
		cfg := lifgpu.Config{N: n, Seed: 7}
		cfg.Input.Bias = lifgpu.Scalar(0.3)
		cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(1)}
		cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(1000), Weight: lifgpu.Scalar(0.3)}
		return cfg
	}
	small := mustNew(t, f, mk(100))
	defer small.Close()
	big := mustNew(t, f, mk(5003))
	defer big.Close()
	split := mustNew(t, f, mk(100))
	defer split.Close()
	if err := small.Run(600); err != nil {
		t.Fatal(err)
	}
	if err := big.Run(600); err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 600; {
		if s%3 == 0 {
			if err := split.Forward(lifgpu.Scalar(0)); err != nil {
				t.Fatal(err)
			}
			s++
			continue
		}
		k := min(37, 600-s)
		if err := split.Run(k); err != nil {
			t.Fatal(err)
		}
		s += k
	}
	us, ub, up := make([]float32, 100), make([]float32, 5003), make([]float32, 100)
	small.Potentials(us)
	big.Potentials(ub)
	split.Potentials(up)
	for i := range us {
		if math.Float32bits(us[i]) != math.Float32bits(ub[i]) {
			t.Fatalf("neuron %d: u = %v in a population of 100, %v in one of 5003", i, us[i], ub[i])
		}
		if math.Float32bits(us[i]) != math.Float32bits(up[i]) {
			t.Fatalf("neuron %d: u = %v after Run, %v after Forward and Run interleaved", i, us[i], up[i])
		}
	}
}
