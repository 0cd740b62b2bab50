//go:build cgo && egl

package gpu

import (
	"errors"
	"os"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// requireGPU is true when a missing GL context must fail the tests, not skip them
// (CI sets LIFGPU_REQUIRE_GPU=1, so that the GPU path runs on every commit).
var requireGPU = os.Getenv("LIFGPU_REQUIRE_GPU") == "1"

// noGPU skips (or, with LIFGPU_REQUIRE_GPU=1, fails) a test when err says that no GL
// context could be made. Every GPU test goes through it.
func noGPU(t testing.TB, err error) {
	t.Helper()
	if err == nil || !errors.Is(err, lifgpu.ErrNoGPU) {
		return
	}
	if requireGPU {
		t.Fatalf("LIFGPU_REQUIRE_GPU=1 and %v", err)
	}
	t.Skip(err)
}

// newPop makes a GPU population or skips the test when there is no GL context.
func newPop(t testing.TB, cfg lifgpu.Config, opts Options) *Population {
	t.Helper()
	return newHooked(t, cfg, opts, gpuhook.Hooks{})
}

// newHooked is newPop with test hooks.
func newHooked(t testing.TB, cfg lifgpu.Config, opts Options, h gpuhook.Hooks) *Population {
	t.Helper()
	p, err := newPopulation(cfg, opts, h)
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
