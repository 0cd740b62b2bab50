package model_test

import (
	"math"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
)

func TestCheckSteps(t *testing.T) {
	t.Parallel()
	if err := model.CheckSteps(0, lifgpu.MaxSteps); err != nil {
		t.Error(err)
	}
	if err := model.CheckSteps(1, lifgpu.MaxSteps); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("overflow: %v", err)
	}
	if err := model.CheckSteps(0, -1); err == nil {
		t.Error("negative steps accepted")
	}
}

func TestResolveDefaults(t *testing.T) {
	t.Parallel()
	m, err := model.Resolve(lifgpu.Config{N: 2})
	if err != nil {
		t.Fatal(err)
	}
	if m.Alpha.Scalar != float32(0.1/10.0) || m.RefSteps.Scalar != 50 || m.U0.Scalar != -62 || m.UTh.Scalar != -52 || m.R.Scalar != 20 {
		t.Errorf("defaults resolved to %+v", m)
	}
	m, _ = model.Resolve(lifgpu.Config{N: 1, Params: lifgpu.Params{Dt: 0.1, TRef: lifgpu.Scalar(0.25)}})
	if m.RefSteps.Scalar != 3 { // 2.5 rounds half away from zero
		t.Errorf("t_ref 0.25 / dt 0.1 gave %d steps, want 3", m.RefSteps.Scalar)
	}
	m, _ = model.Resolve(lifgpu.Config{N: 2, Params: lifgpu.Params{URest: lifgpu.Float32s([]float32{-60, -65})}})
	if m.U0.At(1) != -65 {
		t.Errorf("u0 defaults to per-neuron u_rest: got %v", m.U0.At(1))
	}
}

// TestFlushInputs: subnormal inputs reach the backends as zeros of the same sign, and
// the model keeps the notes that say so.
func TestFlushInputs(t *testing.T) {
	cfg := lifgpu.Config{N: 2, Input: lifgpu.Input{Bias: lifgpu.Float64s([]float64{-1e-40, 2})}}
	cfg.Params.URest = lifgpu.Scalar(1e-39)
	m, err := model.Resolve(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if b := math.Float32bits(m.Bias.At(0)); b != 0x80000000 {
		t.Errorf("bias[0] = %#08x, want -0", b)
	}
	if m.Bias.At(1) != 2 || m.URest.Scalar != 0 || math.Signbit(float64(m.URest.Scalar)) {
		t.Errorf("bias %v, u_rest %v", m.Bias.Values, m.URest.Scalar)
	}
	if len(m.Notes) != 2 {
		t.Errorf("notes %q, want two", m.Notes)
	}
}
