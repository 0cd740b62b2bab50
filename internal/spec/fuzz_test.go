package spec_test

import (
	"os"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/internal/spec"
)

// FuzzParse feeds the spec parser arbitrary text: it must return a spec or an error,
// never panic or hang, and a spec it accepts must resolve or give an error that says
// what is wrong. Seeds: the corpus in testdata/fuzz/FuzzParse (network specs among them) and the
// example specs.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"example.toml", "network.toml"} {
		if b, err := os.ReadFile("../../testdata/specs/" + name); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("n = 3\nsteps = 10\n[neuron]\ntau_m = [1, 2, 3]\n[input]\nnoise = { std = 1.0 }\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		s, err := spec.Parse("fuzz.toml", []byte(text), dir)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.toml") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		if s.N > 1<<16 || s.N < -1<<16 {
			return // a valid huge n would only allocate
		}
		if _, err := s.Config(); err != nil && err.Error() == "" {
			t.Error("empty error")
		}
	})
}
