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
