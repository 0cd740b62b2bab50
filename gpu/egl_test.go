//go:build cgo && egl

package gpu

import (
	"errors"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// TestPlatforms makes a context through each platform alone, where it exists, and
// checks the error when every attempt fails. Not parallel: it sets skipAttempt.
func TestPlatforms(t *testing.T) {
	defer func() { skipAttempt = nil }()
	d, err := Info()
	noGPU(t, err)
	t.Logf("default: %s", d.Platform)
	for _, only := range []string{"device platform", "surfaceless platform", "default display"} {
		skipAttempt = func(name string) bool { return !strings.HasPrefix(name, only) }
		d, err := Info()
		if err != nil {
			t.Logf("%s alone: %v", only, err)
			continue
		}
		t.Logf("%s alone: %s, %s", only, d.Platform, d.Renderer)
	}
	skipAttempt = func(string) bool { return true }
	_, err = New(lifgpu.Config{N: 1}, Options{})
	if !errors.Is(err, lifgpu.ErrNoGPU) || !strings.Contains(err.Error(), "surfaceless platform: skipped") {
		t.Fatalf("with every attempt skipped: %v, want ErrNoGPU naming each attempt", err)
	}
}

// TestTwoPopulations keeps two populations (two contexts on one display) alive at
// once: closing one must leave the other working.
func TestTwoPopulations(t *testing.T) {
	cfg := w1(1000, lifgpu.Record{Spikes: true})
	a := newPop(t, cfg, Options{})
	b := newPop(t, cfg, Options{})
	if err := a.Run(100); err != nil {
		t.Fatal(err)
	}
	if err := b.Run(50); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Run(50); err != nil {
		t.Fatal(err)
	}
	u := make([]float32, cfg.N)
	if err := b.Potentials(u); err != nil {
		t.Fatal(err)
	}
	ra, _ := a.Recording()
	rb, _ := b.Recording()
	if ra != nil || rb == nil || len(rb.SpikeSteps) == 0 {
		t.Fatalf("recordings %v %v", ra, rb)
	}
}
