//go:build purego

package cpu

import (
	"slices"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// With the purego tag nothing but the portable Go runs: the tag's promise.
func TestPureGo(t *testing.T) {
	if got := Kernels(); !slices.Equal(got, []string{"go", "reference"}) {
		t.Errorf("Kernels() = %v, want [go reference] under purego", got)
	}
	if len(driveSets) != 1 || driveSets[0].name != "go" {
		t.Errorf("drive sets %v, want only the portable one", driveSets)
	}
	if len(flushCopies) != 1 || flushCopies[0].name != "go" {
		t.Errorf("%d flushCopy implementations, want only the portable one", len(flushCopies))
	}
	p, err := New(lifgpu.Config{N: 1}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.kern.name != "go" {
		t.Errorf("default kernel %q, want go", p.kern.name)
	}
}
