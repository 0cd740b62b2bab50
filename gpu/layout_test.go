package gpu

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestFileSizes keeps the package split by concern: no file over 500 lines (a file
// that grows past it does more than one job; split it, as buffers.go, program.go,
// dispatch.go, readback.go and the EGL files are split).
func TestFileSizes(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte("\n")); n > 500 {
			t.Errorf("%s has %d lines, over 500: split it by concern", f, n)
		}
	}
}
