package lifgpu

import (
	"fmt"
	"math"
)

// Method is the integration scheme of the membrane equation.
type Method string

const (
	// Euler is forward Euler: u -= alpha*((u-uRest) - R*I), alpha = dt/tauM. The default.
	Euler Method = "euler"
	// Exact is exponential integration (as GeNN and NEST use):
	// v = uRest + R*I; u = v + (u-v)*exp(-dt/tauM).
	Exact Method = "exact"
)

// The seed's defaults: time in ms, potential in mV, R in MOhm, current in nA.
const (
	DefaultTauM   = 10.0
	DefaultR      = 20.0
	DefaultURest  = -62.0
	DefaultUReset = -62.0
	DefaultUTh    = -52.0
	DefaultDt     = 0.1
	DefaultTRef   = 5.0
)

// minDt and maxDt bound dt so that every time (step*dt ms, step <= MaxSteps) and every
// rate (a spike a step is 1000/dt Hz) of the results is a finite float64, as run.json
// needs: round numbers inside the limits (1000/MaxFloat64 and MaxFloat64/MaxSteps).
const (
	minDt = 1e-300
	maxDt = 1e298
)

// MaxSteps bounds a population's step counter: steps are stored as int32 in the spike
// list and on the device.
const MaxSteps = math.MaxInt32

// Params are the neuron parameters. Any field left unset takes the seed's default; U0
// defaults to URest (per neuron when URest is).
type Params struct {
	TauM, R, URest, UReset, UTh, TRef, U0 Values
	Dt                                    float64 // ms; 0 means DefaultDt
	Method                                Method  // "" means Euler
}

// WithDefaults returns p with every unset field given the seed's default.
func (p Params) WithDefaults() Params {
	def := func(v *Values, d float64) {
		if !v.IsSet() {
			*v = Scalar(d)
		}
	}
	def(&p.TauM, DefaultTauM)
	def(&p.R, DefaultR)
	def(&p.URest, DefaultURest)
	def(&p.UReset, DefaultUReset)
	def(&p.UTh, DefaultUTh)
	def(&p.TRef, DefaultTRef)
	if !p.U0.IsSet() {
		p.U0 = p.URest
	}
	if p.Dt == 0 {
		p.Dt = DefaultDt
	}
	if p.Method == "" {
		p.Method = Euler
	}
	return p
}

// validate checks p (defaults applied) for n neurons.
func (p Params) validate(n int) error {
	if math.IsNaN(p.Dt) || math.IsInf(p.Dt, 0) || p.Dt <= 0 {
		return &FieldError{Field: "dt", Value: p.Dt, Rule: "must be a finite number > 0 (ms)", Remedy: "use e.g. dt = 0.1"}
	}
	if p.Dt < minDt || p.Dt > maxDt {
		return &FieldError{Field: "dt", Value: p.Dt, Rule: fmt.Sprintf("must be in [%g, %g] ms: beyond, the times (step*dt, up to %d steps) or the rates (1/dt) of the results overflow a float64", minDt, maxDt, MaxSteps),
			Remedy: "use e.g. dt = 0.1"}
	}
	if p.Method != Euler && p.Method != Exact {
		return &FieldError{Field: "method", Value: fmt.Sprintf("%q", p.Method), Rule: `must be "euler" or "exact"`}
	}
	fields := []struct {
		name string
		v    Values
	}{{"tau_m", p.TauM}, {"r", p.R}, {"u_rest", p.URest}, {"u_reset", p.UReset}, {"u_th", p.UTh}, {"t_ref", p.TRef}, {"u0", p.U0}}
	for _, f := range fields {
		if err := f.v.Check(f.name, n); err != nil {
			return err
		}
	}
	for i := 0; i < p.TauM.Len(); i++ {
		tau := p.TauM.At(i)
		if tau <= 0 {
			return &FieldError{Field: "tau_m" + index(p.TauM, i), Value: tau, Rule: "must be > 0 (ms)"}
		}
		if p.Method == Euler && p.Dt/tau >= 1 {
			return &FieldError{Field: "tau_m" + index(p.TauM, i), Value: tau,
				Rule:   fmt.Sprintf("dt/tau_m = %g >= 1 makes forward Euler unstable", p.Dt/tau),
				Remedy: fmt.Sprintf("use dt < %g, or method = \"exact\"", tau)}
		}
	}
	for i := 0; i < p.TRef.Len(); i++ {
		tr := p.TRef.At(i)
		if tr < 0 {
			return &FieldError{Field: "t_ref" + index(p.TRef, i), Value: tr, Rule: "must be >= 0 (ms)"}
		}
		if math.Round(tr/p.Dt) > math.MaxInt32 {
			return &FieldError{Field: "t_ref" + index(p.TRef, i), Value: tr, Rule: fmt.Sprintf("t_ref/dt must be at most %d steps", math.MaxInt32)}
		}
	}
	m := max(p.UTh.Len(), p.UReset.Len())
	for i := 0; i < m; i++ {
		th, rs := float32(p.UTh.At(min(i, p.UTh.Len()-1))), float32(p.UReset.At(min(i, p.UReset.Len()-1)))
		if th <= rs {
			at := ""
			if m > 1 {
				at = fmt.Sprintf(" at neuron %d", i)
			}
			return &FieldError{Field: "u_th", Value: th, Rule: fmt.Sprintf("must be above u_reset = %g%s", rs, at),
				Remedy: "a neuron reset at or above threshold would spike every step it is not refractory"}
		}
	}
	return nil
}
