package lifgpu_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
)

func TestValidation(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	three := lifgpu.Float32s([]float32{10, 10, 10})
	cases := []struct {
		name  string
		cfg   lifgpu.Config
		field string // the FieldError's field
		says  string // part of the message
	}{
		{"n zero", lifgpu.Config{N: 0}, "n", "must be in 1.."},
		{"n negative", lifgpu.Config{N: -5}, "n", "-5"},
		{"dt zero", lifgpu.Config{N: 1, Params: lifgpu.Params{Dt: -0.1}}, "dt", "> 0"},
		{"dt nan", lifgpu.Config{N: 1, Params: lifgpu.Params{Dt: nan}}, "dt", "finite"},
		{"tau zero", lifgpu.Config{N: 1, Params: lifgpu.Params{TauM: lifgpu.Scalar(0)}}, "tau_m", "> 0"},
		{"tau nan", lifgpu.Config{N: 1, Params: lifgpu.Params{TauM: lifgpu.Scalar(nan)}}, "tau_m", "finite"},
		{"euler unstable", lifgpu.Config{N: 1, Params: lifgpu.Params{Dt: 1, TauM: lifgpu.Scalar(0.5)}}, "tau_m", "unstable"},
		{"t_ref negative", lifgpu.Config{N: 1, Params: lifgpu.Params{TRef: lifgpu.Scalar(-1)}}, "t_ref", ">= 0"},
		{"threshold below reset", lifgpu.Config{N: 1, Params: lifgpu.Params{UTh: lifgpu.Scalar(-70)}}, "u_th", "above u_reset"},
		{"threshold equal reset", lifgpu.Config{N: 2, Params: lifgpu.Params{UTh: lifgpu.Float32s([]float32{-50, -62})}}, "u_th", "neuron 1"},
		{"array length", lifgpu.Config{N: 4, Params: lifgpu.Params{TauM: three}}, "tau_m", "one value per neuron"},
		{"inf in array", lifgpu.Config{N: 3, Params: lifgpu.Params{R: lifgpu.Float64s([]float64{1, math.Inf(1), 1})}}, "r[1]", "finite"},
		{"bias length", lifgpu.Config{N: 2, Input: lifgpu.Input{Bias: three}}, "input.bias", "one value per neuron"},
		{"schedule order", lifgpu.Config{N: 1, Input: lifgpu.Input{Schedule: []lifgpu.ScheduleEntry{{Step: 5, Value: lifgpu.Scalar(1)}, {Step: 5, Value: lifgpu.Scalar(2)}}}}, "input.schedule[1].step", "greater"},
		{"schedule negative", lifgpu.Config{N: 1, Input: lifgpu.Input{Schedule: []lifgpu.ScheduleEntry{{Step: -1, Value: lifgpu.Scalar(1)}}}}, "input.schedule[0].step", "0.."},
		{"schedule no value", lifgpu.Config{N: 1, Input: lifgpu.Input{Schedule: []lifgpu.ScheduleEntry{{Step: 1}}}}, "input.schedule[0].value", "needs a value"},
		{"trace out of range", lifgpu.Config{N: 3, Record: lifgpu.Record{Traces: []int{3}}}, "record.traces[0]", "0..2"},
		{"trace twice", lifgpu.Config{N: 3, Record: lifgpu.Record{Traces: []int{1, 1}}}, "record.traces[1]", "twice"},
		{"method", lifgpu.Config{N: 1, Params: lifgpu.Params{Method: "rk4"}}, "method", "euler"},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		var fe *lifgpu.FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want a FieldError", c.name, err)
			continue
		}
		if fe.Field != c.field || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: got %q (field %q), want field %q and %q in the message", c.name, err, fe.Field, c.field, c.says)
		}
	}
	if err := (lifgpu.Config{N: 1}).Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if err := (lifgpu.Config{N: 1, Params: lifgpu.Params{Method: lifgpu.Exact, Dt: 1, TauM: lifgpu.Scalar(0.5)}}).Validate(); err != nil {
		t.Errorf("exact with dt > tau_m is stable: %v", err)
	}
}

// TestFloat32Range: values finite in float64 but beyond float32 are refused, naming the
// field; subnormal ones are accepted and noted as flushed.
func TestFloat32Range(t *testing.T) {
	t.Parallel()
	bad := []struct {
		cfg   lifgpu.Config
		field string
	}{
		{lifgpu.Config{N: 1, Input: lifgpu.Input{Bias: lifgpu.Scalar(3.5e38)}}, "input.bias"},
		{lifgpu.Config{N: 2, Params: lifgpu.Params{R: lifgpu.Float64s([]float64{1, -4e38})}}, "r[1]"},
		{lifgpu.Config{N: 1, Input: lifgpu.Input{Noise: lifgpu.Noise{Std: lifgpu.Scalar(1e39)}}}, "input.noise.std"},
	}
	for _, c := range bad {
		err := c.cfg.Validate()
		var fe *lifgpu.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(err.Error(), "float32") {
			t.Errorf("%s: %v, want a refusal naming the field and float32", c.field, err)
		}
	}
	cfg := lifgpu.Config{N: 3, Input: lifgpu.Input{Bias: lifgpu.Float64s([]float64{1, 1e-40, -2e-39})}}
	cfg.Params.URest = lifgpu.Scalar(1e-45)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(cfg.Notes(), "\n")
	for _, want := range []string{"input.bias[1] = 1e-40 is subnormal in float32", "as are 1 more", "u_rest = 1e-45", "flushed to 0"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	if n := (lifgpu.Config{N: 1}).Notes(); len(n) != 0 {
		t.Errorf("defaults gave notes %v", n)
	}
	exact := lifgpu.Config{N: 1, Params: lifgpu.Params{Method: lifgpu.Exact, Dt: 1, TauM: lifgpu.Scalar(0.0113)}} // exp(-88.5)
	if n := strings.Join(exact.Notes(), ""); !strings.Contains(n, "decay = exp(-dt/tau_m) of tau_m = 0.0113") {
		t.Errorf("an underflowing decay is not noted: %q", n)
	}
}
