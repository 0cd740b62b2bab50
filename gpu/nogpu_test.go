//go:build !cgo || !egl

package gpu

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

func TestBuiltWithoutGPU(t *testing.T) {
	_, err := New(lifgpu.Config{N: 1}, Options{})
	if !errors.Is(err, lifgpu.ErrNoGPU) || !strings.Contains(err.Error(), "built without GPU support (needs cgo and -tags egl)") {
		t.Fatalf("New: %v", err)
	}
	if _, err := Info(); !errors.Is(err, lifgpu.ErrNoGPU) {
		t.Fatalf("Info: %v", err)
	}
	if hw, err := Probe(); hw || !errors.Is(err, lifgpu.ErrNoGPU) {
		t.Fatalf("Probe: %v, %v", hw, err)
	}
	if _, err := Devices(); !errors.Is(err, lifgpu.ErrNoGPU) {
		t.Fatalf("Devices: %v", err)
	}
	k := 0
	if hw, err := ProbeFor(&k); hw || !errors.Is(err, lifgpu.ErrNoGPU) {
		t.Fatalf("ProbeFor: %v, %v", hw, err)
	}
	if _, err := gpuhook.New(lifgpu.Config{N: 1}, Options{}, gpuhook.Hooks{}); !errors.Is(err, lifgpu.ErrNoGPU) {
		t.Fatalf("gpuhook.New: %v", err)
	}
	if os.Getenv("LIFGPU_REQUIRE_GPU") == "1" {
		t.Fatal("LIFGPU_REQUIRE_GPU=1, but this test binary was built without GPU support (needs cgo and -tags egl)")
	}
}
