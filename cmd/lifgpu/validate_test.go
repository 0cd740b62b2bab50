package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateFloat32: validate refuses a value that float32 cannot hold, naming the
// field, and accepts a subnormal one with a note that it is flushed to zero.
func TestValidateFloat32(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := write("big.toml", "n = 10\nsteps = 10\n[input]\nbias = 3.5e38\n")
	code, _, errs := run(t, "validate", big)
	if code != 1 || !strings.Contains(errs, "input.bias = 3.5e+38") || !strings.Contains(errs, "float32") {
		t.Errorf("3.5e38: exit %d, %q", code, errs)
	}
	tiny := write("tiny.toml", "n = 10\nsteps = 10\n[neuron]\nu_rest = -1e-40\n")
	code, out, errs := run(t, "validate", tiny)
	if code != 0 || !strings.Contains(out, "note: u_rest = -1e-40 is subnormal in float32") || !strings.Contains(out, "flushed to -0") {
		t.Errorf("1e-40: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
