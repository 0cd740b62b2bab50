package model

import (
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// The draws' layout is part of the hash of a model with random input, so that a
// checkpoint made under layout 1 (one Philox block per step) is refused by a build of
// layout 2 instead of resuming with other draws; a model without random input hashes as
// before, and its checkpoints still resume.
func TestHashLayout(t *testing.T) {
	t.Parallel()
	if rng.Layout != 2 {
		t.Fatalf("rng.Layout = %d: update this test with the new layout", rng.Layout)
	}
	noise := lifgpu.Config{N: 3}
	noise.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(1)}
	poisson := lifgpu.Config{N: 3}
	poisson.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(100), Weight: lifgpu.Scalar(1)}
	plain := lifgpu.Config{N: 3}
	plain.Input.Bias = lifgpu.Scalar(1)
	for name, c := range map[string]struct {
		cfg    lifgpu.Config
		random bool
	}{"noise": {noise, true}, "poisson": {poisson, true}, "plain": {plain, false}} {
		m, err := Resolve(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if m.Hash() != m.hash(rng.Layout) {
			t.Errorf("%s: Hash is not hash(rng.Layout)", name)
		}
		if differ := m.hash(1) != m.hash(2); differ != c.random {
			t.Errorf("%s: hashes under layouts 1 and 2 differ: %v, want %v", name, differ, c.random)
		}
	}
}
