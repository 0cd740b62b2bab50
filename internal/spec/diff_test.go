package spec_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/lifgpu/lifgpu/internal/spec"
)

func TestDiff(t *testing.T) {
	old := "n = 10\nsteps = 100\n[input]\nbias = 0.4\n[[projection]]\npre = [0, 5]\np = 0.1\n"
	cases := []struct {
		new  string
		want []string
	}{
		{"# same\nn=10\nsteps   = 100\n[input]\nbias = 0.4\n[[projection]]\np = 0.1\npre = [0, 5]\n", nil},
		{"n = 10\nsteps = 200\n[input]\nbias = 0.5\n[[projection]]\npre = [0, 5]\np = 0.2\n",
			[]string{"input.bias: 0.4 -> 0.5", "projection[0].p: 0.1 -> 0.2", "steps: 100 -> 200"}},
		{"n = 10\n[input]\nbias = \"b.npy\"\nnoise = { std = 1.0 }\n",
			[]string{"input.bias: 0.4 -> \"b.npy\"", "input.noise.std: (unset) -> 1", "projection.count: 1 -> (unset)",
				"projection[0].p: 0.1 -> (unset)", "projection[0].pre: [0 5] -> (unset)", "steps: 100 -> (unset)"}},
	}
	for _, c := range cases {
		got, err := spec.Diff([]byte(old), []byte(c.new))
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q:\n got %q, %v\nwant %q", c.new, got, err, c.want)
		}
	}
	if _, err := spec.Diff([]byte(old), []byte("n = = 3")); err == nil {
		t.Error("a text that does not parse gave no error")
	}
}

func TestFiles(t *testing.T) {
	s, err := spec.Parse("f.toml", []byte("n = 3\n[neuron]\ntau_m = \"tau.npy\"\n[input]\nbias = \"/abs/b.npy\"\nschedule = [{ step = 0, value = \"tau.npy\" }]\n[[projection]]\nfile = \"c.npz\"\n"), "/d")
	if err != nil {
		t.Fatal(err)
	}
	want := []spec.File{{Key: "neuron.tau_m", Name: "tau.npy", Path: filepath.Join("/d", "tau.npy")}, {Key: "input.bias", Name: "/abs/b.npy", Path: "/abs/b.npy"},
		{Key: "projection[0].file", Name: "c.npz", Path: filepath.Join("/d", "c.npz")}}
	if got := s.Files(); !slices.Equal(got, want) {
		t.Errorf("Files() = %v, want %v", got, want)
	}
}
