package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestValidateNetwork: validate prints a network's groups, synapse counts (stored,
// procedural, per projection), resolution, delays and the zero-weight note; a network
// too large for this machine is refused from its Config, before a synapse is drawn.
func TestValidateNetwork(t *testing.T) {
	code, out, errs := run(t, "validate", "../../testdata/specs/network.toml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"groups:      E [0, 3200), I [3200, 4000)", "synapses:    320518 (320518 stored, 0 procedural)",
		"  E          256097 stored", "resolution:  2^-15 nA (3.0517578125e-05 nA)", "the shortest 1 step (0.1 ms); delay ring D = 2 slots",
		"network: 320000 stored synapses"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zero := write("zero.toml", "n = 10\nsteps = 10\n[[projection]]\npre = [0, 10]\npost = [0, 10]\np = 1.0\nweight = 1e-12\ndelay = { mean = 1.0, std = 0.5 }\n"+
		"[[projection]]\nname = \"big\"\npre = [0, 1]\npost = [0, 1]\np = 1.0\nweight = 1000.0\ndelay = 0.1\nprocedural = true\n")
	code, out, errs = run(t, "validate", zero)
	for _, want := range []string{"note: 100 synapses have weights that round to 0 at the resolution 2^-14 nA", "synapses:    101 (100 stored, 1 procedural), 100 with a weight that rounds to 0",
		"projection[0] 100 stored", "big        1 procedural", "the shortest 1 step (0.1 ms); delay ring D = 45 slots (the longest delay, 44 steps, + 1)"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d, want %q\n%s%s", code, want, out, errs)
		}
	}
	// 10^12 synapses, 10 TB: refused at once, naming the synapses and the memory.
	huge := write("huge.toml", "n = 1000000\nsteps = 10\n[[projection]]\npre = [0, 1000000]\npost = [0, 1000000]\np = 1.0\nweight = 1e-6\ndelay = 1.0\n")
	start := time.Now()
	code, _, errs = run(t, "validate", huge)
	if code != 1 || !strings.Contains(errs, "of memory") || !strings.Contains(errs, "1000000000000 stored synapses") || time.Since(start) > 10*time.Second {
		t.Errorf("huge network: exit %d after %v: %s", code, time.Since(start), errs)
	}
	// A resolution that would overflow: named, with the numbers.
	over := write("over.toml", "n = 10\nsteps = 10\n[synapses]\nweight_resolution = 1.0\n[[projection]]\npre = [0, 10]\npost = [0, 10]\np = 1.0\nweight = 2e6\ndelay = 1.0\n")
	code, _, errs = run(t, "validate", over)
	if code != 1 || !strings.Contains(errs, "synapses.weight_resolution = 1 nA (2^-0)") || !strings.Contains(errs, "20000000 > 16777215") {
		t.Errorf("overflow: exit %d: %s", code, errs)
	}
}
