package spec_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/npy"
	"github.com/lifgpu/lifgpu/internal/spec"
)

func TestExample(t *testing.T) {
	s, err := spec.Load("../../testdata/specs/example.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.N != 1000 || s.Steps != 5000 || cfg.Params.TauM.IsScalar() || cfg.Params.TauM.At(999) != 25 || cfg.Params.R.At(0) != 20 {
		t.Errorf("example resolved to n=%d steps=%d tau_m[999]=%v r=%v", cfg.N, s.Steps, cfg.Params.TauM.At(999), cfg.Params.R.At(0))
	}
	if len(cfg.Input.Schedule) != 2 || cfg.Input.Schedule[1].Step != 1000 || cfg.Input.Schedule[1].Value.At(0) != 0.5 {
		t.Errorf("schedule %+v", cfg.Input.Schedule)
	}
	if !cfg.Record.Spikes || len(cfg.Record.Traces) != 3 {
		t.Errorf("record %+v", cfg.Record)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	if err := npy.WriteNPY(filepath.Join(dir, "three.npy"), npy.Array{Data: []float64{1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.npy"), []byte("\x93NUMPY\x01\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteNPY(filepath.Join(dir, "five-by-two.npy"), npy.Array{Data: make([]float64, 10), Shape: []int{5, 2}}); err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteNPY(filepath.Join(dir, "scalar.npy"), npy.Array{Data: []float64{1}, Shape: []int{}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, text, says string }{
		{"unknown top", "n = 3\nsteps = 1\nstep = 4\n", `unknown key "step"`},
		{"unknown neuron", "n = 3\n[neuron]\ntau = 1\n", `unknown key "neuron.tau"`},
		{"unknown record", "n = 3\n[record]\nspike = true\n", `unknown key "record.spike"`},
		{"unknown section", "n = 3\n[noise]\nstd = 1\n", `unknown key "noise`},
		{"syntax", "n = 3\nsteps = = 4\n", "line 2"},
		{"type", "n = 3\n[neuron]\ntau_m = true\n", "tau_m"},
		{"array length", "n = 3\n[neuron]\nr = [1, 2]\n", "neuron.r"},
		{"array element", "n = 2\n[neuron]\nr = [1, \"x\"]\n", "element 1"},
		{"missing npy", "n = 3\n[neuron]\ntau_m = \"nope.npy\"\n", "nope.npy"},
		{"broken npy", "n = 3\n[neuron]\ntau_m = \"broken.npy\"\n", "broken.npy"},
		{"npy length", "n = 4\n[input]\nbias = \"three.npy\"\n", "holds 3 values"},
		{"npy shape", "n = 10\n[input]\nbias = \"five-by-two.npy\"\n", "holds 10 values of shape (5, 2), want one per neuron: shape (10,)"},
		{"npy scalar", "n = 1\n[input]\nbias = \"scalar.npy\"\n", "shape (), want one per neuron: shape (1,)"},
		{"npy folder", "n = 3\n[input]\nbias = \".\"\n", "is a folder, not a regular file"},
		{"seed negative", "n = 3\nseed = -1\n", "seed = -1: must be in 0..18446744073709551615"},
		{"checkpoint_every huge", "n = 3\ncheckpoint_every = 9223372036854775807\n", "checkpoint_every = 9223372036854775807: must be in 0..2147483647"},
		{"trace_every huge", "n = 3\n[record]\ntraces = [0]\ntrace_every = 9223372036854775807\n", "record.trace_every = 9223372036854775807: must be in 0..2147483647"},
		{"dt tiny", "n = 3\ndt = 1e-306\n[neuron]\nt_ref = 0.0\n", "dt = 1e-306: must be in [1e-300, 1e+298] ms"},
		{"dt huge", "n = 3\ndt = 1e300\nmethod = \"exact\"\n[neuron]\nt_ref = 0.0\n", "dt = 1e+300: must be in [1e-300, 1e+298] ms"},
		{"in_degree huge", "n = 3\n[[projection]]\npre = [0, 3]\npost = [0, 3]\nin_degree = 9223372036854775807\nweight = 0.1\ndelay = 1.0\n", "in_degree = 9223372036854775807: must be in 1..2147483647"},
		{"schedule length", "n = 3\n[input]\nschedule = [{step = 0, value = [1.0]}]\n", "input.schedule[0].value"},
		{"schedule key", "n = 3\n[input]\nschedule = [{at = 0, value = 1.0}]\n", `unknown key "input.schedule.at"`},
		{"backend", "n = 3\nbackend = \"tpu\"\n", "backend"},
		{"device negative", "n = 3\ndevice = -1\n", "device = -1: must be an EGL device index in 0..63"},
		{"device huge", "n = 3\ndevice = 64\n", "device = 64"},
		{"device type", "n = 3\ndevice = \"gpu1\"\n", "device"},
		{"steps", "n = 3\nsteps = -1\n", "steps"},
		{"n", "steps = 3\n", "n = 0"},
		{"model", "n = 3\n[neuron]\nu_th = -70.0\n", "above u_reset"},
	}
	for _, c := range cases {
		s, err := spec.Parse(c.name+".toml", []byte(c.text), dir)
		if err == nil {
			_, err = s.Config()
		}
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.says)
		}
	}
}

func TestRelativeFiles(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "params")
	os.Mkdir(sub, 0o755)
	if err := npy.WriteNPY(filepath.Join(sub, "bias.npy"), npy.Array{Data: []float32{1, 2}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "run.toml")
	os.WriteFile(path, []byte("n = 2\nsteps = 1\n[input]\nbias = \"params/bias.npy\"\n"), 0o644)
	t.Chdir(t.TempDir()) // the spec's folder counts, not the working directory
	s, err := spec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Input.Bias.At(1) != 2 {
		t.Errorf("bias[1] = %v", cfg.Input.Bias.At(1))
	}
}

func TestDefault(t *testing.T) {
	for _, n := range []int{1, 3, 100_000} {
		cfg, err := spec.DefaultN(n).Config()
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if cfg.N != n {
			t.Fatal(cfg.N)
		}
	}
	var fe *lifgpu.FieldError
	if _, err := spec.DefaultN(-1).Config(); !errors.As(err, &fe) {
		t.Errorf("n = -1: %v", err)
	}
}

func TestNoiseAndPoisson(t *testing.T) {
	s, err := spec.Parse("n.toml", []byte("n = 3\nseed = 9\n[input]\nnoise = { mean = 0.5, std = [1, 2, 3] }\npoisson = { rate = 800.0, weight = 0.5 }\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Seed != 9 || cfg.Input.Noise.Mean.At(2) != 0.5 || cfg.Input.Noise.Std.At(2) != 3 || cfg.Input.Poisson.Rate.At(0) != 800 || cfg.Input.Poisson.Weight.At(1) != 0.5 {
		t.Errorf("resolved to %+v", cfg.Input)
	}
	for _, c := range []struct{ text, says string }{
		{"n = 3\n[input]\nnoise = { sigma = 1.0 }\n", `unknown key "input.noise.sigma"`},
		{"n = 3\n[input]\nnoise = {}\n", "needs mean or std"},
		{"n = 3\n[input]\nnoise = { std = -1.0 }\n", "input.noise.std = -1"},
		{"n = 3\n[input]\npoisson = { weight = 1.0 }\n", "needs a rate"},
		{"n = 3\n[input]\npoisson = { rate = -5.0 }\n", "input.poisson.rate = -5"},
		{"n = 3\ndt = 1.0\n[neuron]\ntau_m = 20.0\n[input]\npoisson = { rate = 1e6 }\n", "thresholds"},
	} {
		s, err := spec.Parse("bad.toml", []byte(c.text), t.TempDir())
		if err == nil {
			_, err = s.Config()
		}
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: error %v, want %q", c.text, err, c.says)
		}
	}
}

func TestDevice(t *testing.T) {
	s, err := spec.Parse("spec.toml", []byte("n = 3\ndevice = 2\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Config(); err != nil || s.Device == nil || *s.Device != 2 {
		t.Fatalf("device = 2: %v, %v", s.Device, err)
	}
	s, err = spec.Parse("spec.toml", []byte("n = 3\n"), "")
	if err != nil || s.Device != nil {
		t.Fatalf("no device key: %v, %v (want nil: the automatic choice)", s.Device, err)
	}
}
