package spec

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// Diff compares two spec texts key by key, as TOML values (comments, spacing and order
// do not count), and returns one line per key that differs, sorted: "input.bias: 0.4 ->
// 0.5", "steps: 1200 -> (unset)". An error says that a text does not parse.
func Diff(old, new []byte) ([]string, error) {
	var a, b map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(old)).Decode(&a); err != nil {
		return nil, fmt.Errorf("the earlier text: %w", err)
	}
	if _, err := toml.NewDecoder(bytes.NewReader(new)).Decode(&b); err != nil {
		return nil, err
	}
	fa, fb := map[string]any{}, map[string]any{}
	flatten("", a, fa)
	flatten("", b, fb)
	var out []string
	for k, va := range fa {
		vb, ok := fb[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: %s -> (unset)", k, show(va)))
		case !reflect.DeepEqual(va, vb):
			out = append(out, fmt.Sprintf("%s: %s -> %s", k, show(va), show(vb)))
		}
	}
	for k, vb := range fb {
		if _, ok := fa[k]; !ok {
			out = append(out, fmt.Sprintf("%s: (unset) -> %s", k, show(vb)))
		}
	}
	slices.Sort(out)
	return out, nil
}

// flatten puts the values of table t into out under dotted keys; arrays of tables
// ([[projection]]) are keyed by index: projection[1].p.
func flatten(prefix string, t map[string]any, out map[string]any) {
	for k, v := range t {
		key := prefix + k
		switch x := v.(type) {
		case map[string]any:
			flatten(key+".", x, out)
		case []map[string]any:
			for i, e := range x {
				flatten(fmt.Sprintf("%s[%d].", key, i), e, out)
			}
			out[key+".count"] = len(x)
		default:
			out[key] = v
		}
	}
}

// show formats a TOML value for a message, a long array by its length.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []any:
		if len(x) > 8 {
			return fmt.Sprintf("[%d values]", len(x))
		}
	}
	return strings.TrimSpace(fmt.Sprint(v))
}

// Files lists the files the spec reads (.npy values, explicit projections' .npz), as
// named in the spec, each once, in the order the spec resolves them, with where each is
// named: "input.bias".
func (s *Spec) Files() []File {
	var out []File
	add := func(where, name string) {
		if name == "" {
			return
		}
		path := s.path(name)
		for _, f := range out {
			if f.Path == path {
				return
			}
		}
		out = append(out, File{Key: where, Name: name, Path: path})
	}
	n := s.Neuron
	for _, f := range []struct {
		key string
		v   Value
	}{{"neuron.tau_m", n.TauM}, {"neuron.r", n.R}, {"neuron.u_rest", n.URest}, {"neuron.u_reset", n.UReset},
		{"neuron.u_th", n.UTh}, {"neuron.t_ref", n.TRef}, {"neuron.u0", n.U0}, {"input.bias", s.Input.Bias}} {
		add(f.key, f.v.File)
	}
	for k, e := range s.Input.Schedule {
		add(fmt.Sprintf("input.schedule[%d].value", k), e.Value.File)
	}
	if nz := s.Input.Noise; nz != nil {
		add("input.noise.mean", nz.Mean.File)
		add("input.noise.std", nz.Std.File)
	}
	if po := s.Input.Poisson; po != nil {
		add("input.poisson.rate", po.Rate.File)
		add("input.poisson.weight", po.Weight.File)
	}
	if sy := s.Synapses; sy != nil {
		add("synapses.tau_syn_ex", sy.TauSynEx.File)
		add("synapses.tau_syn_in", sy.TauSynIn.File)
	}
	for k, p := range s.Projection {
		add(fmt.Sprintf("projection[%d].file", k), p.File)
	}
	return out
}

// File is a file a spec reads: the key that names it, the name as written, and its
// path (relative names resolved against the spec's folder).
type File struct {
	Key, Name, Path string
}
