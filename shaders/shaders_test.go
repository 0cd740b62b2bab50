package shaders

import (
	"slices"
	"strings"
	"testing"
)

func TestSource(t *testing.T) {
	if !slices.Contains(Names(), "lif.comp") {
		t.Fatalf("Names() = %v, want lif.comp among them", Names())
	}
	src, err := Source("lif.comp")
	if err != nil || !strings.HasPrefix(src, "#version 430") {
		t.Fatalf("Source(lif.comp) = %.40q, %v", src, err)
	}
	if _, err := Source("nope.comp"); err == nil || !strings.Contains(err.Error(), "lif.comp") {
		t.Fatalf("Source(nope.comp): %v, want an error listing the shaders", err)
	}
}
