package batch

import (
	"fmt"
	"path/filepath"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/regular"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// Recipe is how a spec was made: a built-in spec or a file's text, then the
// command-line overrides. job.json stores it, so that a resume remakes the same spec
// (and the model hash then proves it).
type Recipe struct {
	Builtin string  `json:"builtin,omitempty"` // "default" or "check" when no file was given
	File    string  `json:"file,omitempty"`    // the spec file as named
	Dir     string  `json:"dir,omitempty"`     // its folder, absolute: relative names resolve here
	Text    string  `json:"text,omitempty"`    // its content when the job started
	N       *int    `json:"n,omitempty"`
	Steps   *int    `json:"steps,omitempty"`
	Seed    *uint64 `json:"seed,omitempty"`
	Backend string  `json:"backend,omitempty"`
	Device  *int    `json:"device,omitempty"` // the GPU backend's EGL device
	// Shard, if set, runs only that shard of the spec's neurons (see Shard).
	Shard *Shard `json:"shard,omitempty"`
}

// FromFile makes a recipe from a spec file.
func FromFile(path string) (Recipe, error) {
	text, err := regular.ReadFile(path)
	if err != nil {
		return Recipe{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Recipe{}, err
	}
	return Recipe{File: path, Dir: filepath.Dir(abs), Text: string(text)}, nil
}

// Spec remakes the spec and its validated Config.
func (r Recipe) Spec() (*spec.Spec, lifgpu.Config, error) {
	var s *spec.Spec
	switch {
	case r.Text != "" || r.File != "":
		var err error
		if s, err = spec.Parse(r.File, []byte(r.Text), r.Dir); err != nil {
			return nil, lifgpu.Config{}, err
		}
	case r.Builtin == "default", r.Builtin == "":
		if err := builtinFits(r.N, 16); err != nil {
			return nil, lifgpu.Config{}, err
		}
		s = builtin(spec.DefaultN, r.N)
	case r.Builtin == "check":
		if err := builtinFits(r.N, 8*8+4*8); err != nil {
			return nil, lifgpu.Config{}, err
		}
		s = builtin(spec.CheckDefault, r.N)
	default:
		return nil, lifgpu.Config{}, fmt.Errorf("unknown built-in spec %q: there are \"default\" and \"check\"", r.Builtin)
	}
	if r.N != nil {
		s.N = *r.N
	}
	if r.Steps != nil {
		s.Steps = *r.Steps
	}
	if r.Seed != nil {
		s.Seed = *r.Seed
	}
	if r.Backend != "" {
		s.Backend = r.Backend
	}
	if r.Device != nil {
		s.Device = r.Device
	}
	cfg, err := s.Config()
	if err != nil && r.File != "" {
		err = fmt.Errorf("%s: %w", r.File, err)
	}
	return s, cfg, err
}

// builtin makes a built-in spec, for n neurons when n is given: its arrays are per
// neuron, so the spec is remade rather than resized.
func builtin(def func(int) *spec.Spec, n *int) *spec.Spec {
	if n != nil && *n != 0 {
		return def(*n)
	}
	return def(0)
}

// builtinFits refuses to build a built-in spec whose per-neuron arrays (perNeuron
// bytes a neuron, before the run's own memory) would not fit: the resource check
// comes after the spec is made, too late for its arrays.
func builtinFits(n *int, perNeuron int64) error {
	if n == nil || *n < 1 || *n > lifgpu.MaxN {
		return nil // the default size, or a size that validation refuses
	}
	need := int64(*n) * perNeuron
	if mem, err := memoryAvailable(); err == nil && need > mem.Avail/2 {
		return &ResourceError{Resource: "memory", Need: need, Avail: mem.Avail, Limit: mem.Source,
			Detail: fmt.Sprintf("n = %d: the built-in spec's per-neuron arrays alone, before the run's own memory; a spec with scalar values needs none", *n)}
	}
	return nil
}
