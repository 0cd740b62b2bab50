package lifgpu

import (
	"fmt"
	"strings"

	"github.com/lifgpu/lifgpu/internal/rng"
)

// Input is the current that a population holds and applies on every step, Run and
// Forward alike. The total current of a step is
//
//	I = (((bias + sched) + x) + noise) + poisson
//
// added left to right in float32, where x is Forward's argument (0 in Run). Terms that
// are not configured are not added (noise and poisson), or are 0 (bias, sched, x).
type Input struct {
	Bias     Values          // constant current (nA), scalar or per neuron; unset is 0
	Schedule []ScheduleEntry // piecewise-constant current; before its first entry it is 0
	Noise    Noise           // Gaussian current noise, drawn fresh each step per neuron
	Poisson  Poisson         // Poisson input spikes, drawn each step per neuron
}

// Noise is Gaussian current noise with NEST's noise_generator semantics: each step,
// each neuron gets noise = mean + std*z with z ~ N(0, 1) drawn fresh (z from the
// counter-based generator, keyed by the population's seed, so the same neuron gets the
// same z at the same step on any backend). It is on when Std or Mean is set.
type Noise struct {
	Mean Values // nA, scalar or per neuron; unset is 0
	Std  Values // nA, scalar or per neuron, >= 0
}

// Enabled reports whether the noise term is on.
func (n Noise) Enabled() bool { return n.Mean.IsSet() || n.Std.IsSet() }

// Poisson is Poisson input: each step each neuron receives k ~ Poisson(rate*dt/1000)
// input spikes (rate in Hz, dt in ms), each adding Weight nA to that step's current.
// It is on when Rate is set.
type Poisson struct {
	Rate   Values // Hz, scalar or per neuron, >= 0
	Weight Values // nA per input spike, scalar or per neuron; unset is 1
}

// Enabled reports whether the Poisson term is on.
func (p Poisson) Enabled() bool { return p.Rate.IsSet() }

// ScheduleEntry sets the scheduled current from step Step on (until the next entry).
type ScheduleEntry struct {
	Step  int64
	Value Values
}

func (in Input) validate(n int, dt float64) error {
	if in.Bias.IsSet() {
		if err := in.Bias.Check("input.bias", n); err != nil {
			return err
		}
	}
	if in.Noise.Enabled() {
		for _, f := range []struct {
			name string
			v    Values
		}{{"input.noise.mean", in.Noise.Mean}, {"input.noise.std", in.Noise.Std}} {
			if f.v.IsSet() {
				if err := f.v.Check(f.name, n); err != nil {
					return err
				}
			}
		}
		for i := 0; in.Noise.Std.IsSet() && i < in.Noise.Std.Len(); i++ {
			if sd := in.Noise.Std.At(i); sd < 0 {
				return &FieldError{Field: "input.noise.std" + index(in.Noise.Std, i), Value: sd, Rule: "must be >= 0 (nA)"}
			}
		}
	}
	if in.Poisson.Weight.IsSet() && !in.Poisson.Enabled() {
		return &FieldError{Field: "input.poisson.rate", Value: "unset", Rule: "Poisson input needs a rate (Hz)", Remedy: "give input.poisson.rate, or drop the weight"}
	}
	if in.Poisson.Enabled() {
		if err := in.Poisson.Rate.Check("input.poisson.rate", n); err != nil {
			return err
		}
		for i := 0; i < in.Poisson.Rate.Len(); i++ {
			if r := in.Poisson.Rate.At(i); r < 0 {
				return &FieldError{Field: "input.poisson.rate" + index(in.Poisson.Rate, i), Value: r, Rule: "must be >= 0 (Hz)"}
			}
		}
		if in.Poisson.Weight.IsSet() {
			if err := in.Poisson.Weight.Check("input.poisson.weight", n); err != nil {
				return err
			}
		}
		if err := checkPoissonMeans(in.Poisson.Rate, dt); err != nil {
			return err
		}
	}
	for k, e := range in.Schedule {
		name := fmt.Sprintf("input.schedule[%d]", k)
		if e.Step < 0 || e.Step > MaxSteps {
			return &FieldError{Field: name + ".step", Value: e.Step, Rule: fmt.Sprintf("must be in 0..%d", MaxSteps)}
		}
		if k > 0 && e.Step <= in.Schedule[k-1].Step {
			return &FieldError{Field: name + ".step", Value: e.Step,
				Rule:   fmt.Sprintf("must be greater than the entry before it (%d)", in.Schedule[k-1].Step),
				Remedy: "list schedule entries in increasing step order, one per step"}
		}
		if !e.Value.IsSet() {
			return &FieldError{Field: name + ".value", Value: "missing", Rule: "each schedule entry needs a value"}
		}
		if err := e.Value.Check(name+".value", n); err != nil {
			return err
		}
	}
	return nil
}

// checkPoissonMeans refuses a rate whose mean events per step (rate*dt/1000) needs a
// longer threshold table than the device code reads (rng.MaxPoissonLen).
func checkPoissonMeans(rate Values, dt float64) error {
	seen := map[float64]bool{} // neurons often share a rate: check each once
	for i := 0; i < rate.Len(); i++ {
		r := rate.At(i)
		if seen[r] {
			continue
		}
		seen[r] = true
		if _, err := rng.NewPoissonTable(r * dt / 1000); err != nil {
			return &FieldError{Field: "input.poisson.rate" + index(rate, i), Value: fmt.Sprintf("%g Hz with dt = %g ms", r, dt),
				Rule: strings.TrimPrefix(err.Error(), "rng: ")}
		}
	}
	return nil
}
