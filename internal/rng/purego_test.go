//go:build purego

package rng

import "testing"

// With the purego tag the batches run the portable Go only: the tag's promise.
func TestPureGo(t *testing.T) {
	if len(drawImpls) != 1 || drawImpls[0].name != "go" {
		t.Errorf("draw implementations %v, want only the portable one", implNames())
	}
	if len(normalImpls) != 1 || normalImpls[0].name != "go" {
		t.Errorf("%d SampleN implementations, the first %q; want only the portable one", len(normalImpls), normalImpls[0].name)
	}
	if len(poissonImpls) != 1 || poissonImpls[0].name != "go" {
		t.Errorf("%d Poisson SampleN implementations, the first %q; want only the portable one", len(poissonImpls), poissonImpls[0].name)
	}
}
