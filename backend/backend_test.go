package backend_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/gpu"
)

func TestChoose(t *testing.T) {
	hw, _ := gpu.Probe()
	want := backend.CPU
	if hw {
		want = backend.GPU
	}
	for _, k := range []backend.Kind{"", backend.Auto} {
		if got, err := backend.Choose(k); err != nil || got != want {
			t.Errorf("Choose(%q) = %q, %v; want %q (hardware GPU: %v)", k, got, err, want, hw)
		}
	}
	for _, k := range []backend.Kind{backend.CPU, backend.GPU} {
		if got, err := backend.Choose(k); err != nil || got != k {
			t.Errorf("Choose(%q) = %q, %v", k, got, err)
		}
	}
	// A device past EGL's list is an error for Auto, not a reason to run on the CPU.
	k := 64
	got, err := backend.ChooseFor(backend.Options{GPU: gpu.Options{Device: &k}})
	var de *gpu.DeviceError
	if _, derr := gpu.Devices(); derr == nil && !errors.As(err, &de) {
		t.Errorf("ChooseFor(auto, device 64) = %q, %v; want a *gpu.DeviceError", got, err)
	}
	var fe *lifgpu.FieldError
	if _, err := backend.Choose("cuda"); !errors.As(err, &fe) || fe.Field != "backend" {
		t.Errorf("Choose(cuda): %v, want a FieldError naming the backend", err)
	}
}

func TestNew(t *testing.T) {
	cfg := lifgpu.Config{N: 10}
	p, err := backend.New(cfg, backend.Options{Kind: backend.CPU, CPU: cpu.Options{Kernel: "reference"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if !strings.Contains(p.Backend(), "reference") {
		t.Errorf("the CPU options did not reach the CPU backend: %s", p.Backend())
	}
	if _, err := backend.New(lifgpu.Config{N: 0}, backend.Options{Kind: backend.CPU}); err == nil {
		t.Error("a bad config made a population")
	}
	// GPU by name: a population on whatever GL device there is (llvmpipe in CI), or an
	// error wrapping ErrNoGPU that says the backend.
	g, err := backend.New(cfg, backend.Options{Kind: backend.GPU})
	switch {
	case err == nil:
		if _, ok := g.(*gpu.Population); !ok {
			t.Errorf("Kind GPU made a %T", g)
		}
		g.Close()
	case !errors.Is(err, lifgpu.ErrNoGPU) || !strings.Contains(err.Error(), "backend gpu"):
		t.Errorf("GPU: %v", err)
	case os.Getenv("LIFGPU_REQUIRE_GPU") == "1":
		t.Errorf("LIFGPU_REQUIRE_GPU=1 and %v", err)
	}
}
