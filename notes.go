package lifgpu

import (
	"fmt"
	"math"
)

// Notes lists what c asks for that the contract changes instead of refusing, one
// sentence each: values that are subnormal in float32 (nonzero, below 2^-126 = 1.18e-38
// in magnitude), which the update flushes to a zero of the same sign, and the float32
// constants derived from them (alpha, decay) that underflow. A run goes on with the
// flushed values; the CLI prints the notes and run.json keeps them. c should be valid.
func (c Config) Notes() []string {
	var out []string
	p := c.Params.WithDefaults()
	in := c.Input
	fields := []struct {
		name string
		v    Values
	}{{"r", p.R}, {"u_rest", p.URest}, {"u_reset", p.UReset}, {"u_th", p.UTh}, {"u0", c.Params.U0}, // u0 unset is u_rest
		{"input.bias", in.Bias}, {"input.noise.mean", in.Noise.Mean}, {"input.noise.std", in.Noise.Std},
		{"input.poisson.weight", in.Poisson.Weight}}
	for k, e := range in.Schedule {
		fields = append(fields, struct {
			name string
			v    Values
		}{fmt.Sprintf("input.schedule[%d].value", k), e.Value})
	}
	for _, f := range fields {
		if !f.v.IsSet() {
			continue
		}
		if n, first := f.v.subnormals(); n > 0 {
			out = append(out, subnormalNote(f.name+index(f.v, first), f.v.At(first), n))
		}
	}
	// The float32 constants the update multiplies by.
	what, derive := "alpha = dt/tau_m", func(tau float64) float64 { return p.Dt / tau }
	if p.Method == Exact {
		what, derive = "decay = exp(-dt/tau_m)", func(tau float64) float64 { return math.Exp(-p.Dt / tau) }
	}
	count, first := 0, -1
	for i := 0; i < p.TauM.Len(); i++ {
		if IsSubnormal32(float32(derive(p.TauM.At(i)))) {
			if count == 0 {
				first = i
			}
			count++
		}
	}
	if count > 0 {
		out = append(out, subnormalNote(fmt.Sprintf("%s of tau_m%s = %g", what, index(p.TauM, first), p.TauM.At(first)),
			derive(p.TauM.At(first)), count))
	}
	return out
}

func subnormalNote(field string, v float64, count int) string {
	s := fmt.Sprintf("%s = %g is subnormal in float32 (below 2^-126 = 1.18e-38): flushed to %v", field, v, math.Copysign(0, v))
	if count > 1 {
		s += fmt.Sprintf(", as are %d more values of the array", count-1)
	}
	return s
}
