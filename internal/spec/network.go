package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/npy"
)

// Groups name ranges of consecutive neurons, in the order the spec writes them: the
// first group is neurons [0, N0), the next [N0, N0+N1), ...; their sizes sum to n.
type Groups []Group

// Group is one named range's size.
type Group struct {
	Name string
	N    int
}

// UnmarshalTOML takes a table of group sizes. The table's order is lost here (TOML
// tables are maps); Parse restores it from the order of the keys in the text.
func (g *Groups) UnmarshalTOML(data any) error {
	m, ok := data.(map[string]any)
	if !ok {
		return fmt.Errorf("%v (%T) is not a table of group sizes (e.g. [groups] E = 3200)", data, data)
	}
	*g = (*g)[:0]
	for name, v := range m {
		n, ok := v.(int64)
		if !ok {
			return fmt.Errorf("group %q = %v (%T): want a number of neurons", name, v, v)
		}
		if n < 1 || n > lifgpu.MaxN {
			return fmt.Errorf("group %q = %d: must be in 1..%d neurons", name, n, lifgpu.MaxN)
		}
		*g = append(*g, Group{Name: name, N: int(n)})
	}
	sort.Slice(*g, func(a, b int) bool { return (*g)[a].Name < (*g)[b].Name })
	return nil
}

// order puts the groups in the order their keys have in the text.
func (g Groups) order(md toml.MetaData) {
	at := map[string]int{}
	for _, k := range md.Keys() {
		if len(k) == 2 && k[0] == "groups" {
			at[k[1]] = len(at)
		}
	}
	sort.SliceStable(g, func(a, b int) bool { return at[g[a].Name] < at[g[b].Name] })
}

// MarshalJSON writes the groups as an object in their order.
func (g Groups) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for k, e := range g {
		if k > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(e.Name)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s:%d", name, e.N)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Range finds a group's range of neurons.
func (g Groups) Range(name string) (lifgpu.Range, bool) {
	lo := 0
	for _, e := range g {
		if e.Name == name {
			return lifgpu.Range{Lo: lo, Hi: lo + e.N}, true
		}
		lo += e.N
	}
	return lifgpu.Range{}, false
}

// Synapses are the settings all projections share (lifgpu.Synapses).
type Synapses struct {
	TauSynEx Value `toml:"tau_syn_ex" json:"tau_syn_ex,omitzero"` // ms; 0: a delta current
	TauSynIn Value `toml:"tau_syn_in" json:"tau_syn_in,omitzero"`
	// WeightResolution is 2^-q nA; 0: the finest that cannot overflow.
	WeightResolution float64 `toml:"weight_resolution" json:"weight_resolution,omitempty"`
}

// Projection is one [[projection]] table: explicit synapses from an .npz file, or a
// rule that generates them (lifgpu.Projection).
type Projection struct {
	Name string `toml:"name" json:"name,omitempty"`
	// File is an .npz with arrays i, j (int32 or int64), w (nA) and delay (ms), one
	// synapse each.
	File       string   `toml:"file" json:"file,omitempty"`
	Pre        Range    `toml:"pre" json:"pre,omitzero"`
	Post       Range    `toml:"post" json:"post,omitzero"`
	P          *float64 `toml:"p" json:"p,omitempty"`
	InDegree   *int     `toml:"in_degree" json:"in_degree,omitempty"`
	Weight     Dist     `toml:"weight" json:"weight,omitzero"`
	Delay      Dist     `toml:"delay" json:"delay,omitzero"`
	Procedural bool     `toml:"procedural" json:"procedural,omitempty"`
	Multapses  *bool    `toml:"multapses" json:"multapses,omitempty"` // in_degree only (p makes none); default true
	Autapses   *bool    `toml:"autapses" json:"autapses,omitempty"`   // default true
}

// Range is a projection's pre or post neurons: a group's name, or [lo, hi).
type Range struct {
	set    bool
	Group  string
	Lo, Hi int
}

// IsZero reports whether the range was not given.
func (r Range) IsZero() bool { return !r.set }

// UnmarshalTOML takes a group name or an array [lo, hi].
func (r *Range) UnmarshalTOML(data any) error {
	r.set = true
	switch d := data.(type) {
	case string:
		if d == "" {
			return errors.New("empty group name")
		}
		r.Group = d
		return nil
	case []any:
		if len(d) == 2 {
			lo, ok1 := d[0].(int64)
			hi, ok2 := d[1].(int64)
			if ok1 && ok2 && lo >= math.MinInt32 && hi <= math.MaxInt32 {
				r.Lo, r.Hi = int(lo), int(hi)
				return nil
			}
		}
	}
	return fmt.Errorf("%v (%T) is neither a group's name nor a range [lo, hi) of two neuron indices", data, data)
}

// MarshalJSON writes the range as given.
func (r Range) MarshalJSON() ([]byte, error) {
	if r.Group != "" {
		return json.Marshal(r.Group)
	}
	return json.Marshal([2]int{r.Lo, r.Hi})
}

func (r Range) String() string {
	if r.Group != "" {
		return fmt.Sprintf("%q", r.Group)
	}
	return fmt.Sprintf("[%d, %d]", r.Lo, r.Hi)
}

// Dist is a value drawn per synapse: a number, or { mean = ..., std = ... }.
type Dist struct {
	set       bool
	Mean, Std float64
	table     bool
}

// IsZero reports whether the value was not given.
func (d Dist) IsZero() bool { return !d.set }

// UnmarshalTOML takes a number or a table with mean and std.
func (d *Dist) UnmarshalTOML(data any) error {
	d.set = true
	num := func(v any) (float64, bool) {
		switch x := v.(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		}
		return 0, false
	}
	if x, ok := num(data); ok {
		d.Mean = x
		return nil
	}
	m, ok := data.(map[string]any)
	if !ok {
		return fmt.Errorf("%v (%T) is neither a number nor { mean = ..., std = ... }", data, data)
	}
	d.table = true
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		x, ok := num(m[k])
		switch {
		case k != "mean" && k != "std":
			return fmt.Errorf("unknown key %q (known: mean, std)", k)
		case !ok:
			return fmt.Errorf("%s = %v (%T): want a number", k, m[k], m[k])
		case k == "mean":
			d.Mean = x
		default:
			d.Std = x
		}
	}
	if _, ok := m["mean"]; !ok {
		return errors.New("needs a mean")
	}
	return nil
}

// MarshalJSON writes a number, or {mean, std} when the spec gave a table.
func (d Dist) MarshalJSON() ([]byte, error) {
	if !d.table {
		return json.Marshal(d.Mean)
	}
	return json.Marshal(struct {
		Mean float64 `json:"mean"`
		Std  float64 `json:"std"`
	}{d.Mean, d.Std})
}

// HasNetwork reports whether the spec couples its neurons.
func (s *Spec) HasNetwork() bool { return len(s.Projection) > 0 }

// network resolves the groups, the synapses and the projections into cfg, reading the
// projections' files. dt is the step, for delays.
func (s *Spec) network(cfg *lifgpu.Config, dt float64) error {
	for _, g := range s.Groups {
		cfg.Groups = append(cfg.Groups, lifgpu.Group{Name: g.Name, N: g.N})
	}
	if len(s.Groups) > 0 {
		sum := 0
		for _, g := range s.Groups {
			sum += g.N
		}
		if sum != s.N {
			names := make([]string, len(s.Groups))
			for k, g := range s.Groups {
				names[k] = fmt.Sprintf("%s = %d", g.Name, g.N)
			}
			return &lifgpu.FieldError{Field: "groups", Value: strings.Join(names, ", "),
				Rule: fmt.Sprintf("sum to %d neurons: the groups must cover n = %d", sum, s.N), Remedy: "make the sizes sum to n"}
		}
	}
	if sy := s.Synapses; sy != nil {
		var err error
		if cfg.Synapses.TauSynEx, err = s.values("synapses.tau_syn_ex", sy.TauSynEx); err != nil {
			return err
		}
		if cfg.Synapses.TauSynIn, err = s.values("synapses.tau_syn_in", sy.TauSynIn); err != nil {
			return err
		}
		cfg.Synapses.WeightResolution = sy.WeightResolution
	}
	for k, p := range s.Projection {
		lp, err := s.projection(k, p, dt)
		if err != nil {
			return err
		}
		cfg.Projections = append(cfg.Projections, lp)
	}
	return nil
}

// projName names projection k for errors, as lifgpu's validation does.
func projName(k int, name string) string {
	if name != "" {
		return fmt.Sprintf("projection[%d] (%s)", k, name)
	}
	return fmt.Sprintf("projection[%d]", k)
}

func (s *Spec) projection(k int, p Projection, dt float64) (lifgpu.Projection, error) {
	name := projName(k, p.Name)
	bad := func(field string, v any, rule, remedy string) error {
		return &lifgpu.FieldError{Field: name + "." + field, Value: v, Rule: rule, Remedy: remedy}
	}
	if p.File != "" {
		for _, x := range []struct {
			key string
			set bool
		}{{"pre", p.Pre.set}, {"post", p.Post.set}, {"p", p.P != nil}, {"in_degree", p.InDegree != nil},
			{"weight", p.Weight.set}, {"delay", p.Delay.set}, {"procedural", p.Procedural},
			{"multapses", p.Multapses != nil}, {"autapses", p.Autapses != nil}} {
			if x.set {
				return lifgpu.Projection{}, bad(x.key, "given", fmt.Sprintf("a projection read from a file (%s) takes its synapses as they are: no rule, no %s", p.File, x.key),
					"give either file (and name) or a rule in a [[projection]] table")
			}
		}
		return s.explicit(name, p, dt)
	}
	out := lifgpu.Projection{Name: p.Name, Procedural: p.Procedural}
	var err error
	if out.PreRange, err = s.rangeOf(name+".pre", p.Pre); err != nil {
		return out, err
	}
	if out.PostRange, err = s.rangeOf(name+".post", p.Post); err != nil {
		return out, err
	}
	switch {
	case p.P != nil && p.InDegree != nil:
		return out, bad("p", *p.P, "a projection has one rule: p (pairwise Bernoulli) or in_degree, not both", "")
	case p.P == nil && p.InDegree == nil:
		return out, bad("p", "missing", "a projection needs file = \"...npz\", or a rule: p (pairwise Bernoulli) or in_degree", "e.g. p = 0.02")
	case p.P != nil && (math.IsNaN(*p.P) || *p.P <= 0 || *p.P > 1):
		return out, bad("p", *p.P, "must be a probability in (0, 1] (p = 0 makes no synapse: leave the projection out)", "")
	case p.InDegree != nil && *p.InDegree < 1:
		return out, bad("in_degree", *p.InDegree, "must be >= 1 (0 makes no synapse: leave the projection out)", "")
	}
	if p.P != nil {
		out.P = *p.P
	} else {
		out.InDegree = *p.InDegree
	}
	if !p.Weight.set {
		return out, bad("weight", "missing", "a generated projection needs a weight (nA): a number, or { mean = ..., std = ... }", "e.g. weight = 1.62")
	}
	if !p.Delay.set {
		return out, bad("delay", "missing", "a generated projection needs a delay (ms): a number, or { mean = ..., std = ... }", "e.g. delay = 1.5")
	}
	out.WeightDist = lifgpu.Dist{Mean: p.Weight.Mean, Std: p.Weight.Std}
	out.DelayDist = lifgpu.Dist{Mean: p.Delay.Mean, Std: p.Delay.Std}
	out.NoAutapses = p.Autapses != nil && !*p.Autapses
	out.NoMultapses = p.Multapses != nil && !*p.Multapses
	return out, nil
}

// rangeOf resolves a projection's pre or post neurons.
func (s *Spec) rangeOf(field string, r Range) (lifgpu.Range, error) {
	switch {
	case !r.set:
		return lifgpu.Range{}, &lifgpu.FieldError{Field: field, Value: "missing", Rule: "a generated projection needs its pre and post neurons",
			Remedy: "a group's name, or a range [lo, hi)"}
	case r.Group != "":
		if g, ok := s.Groups.Range(r.Group); ok {
			return g, nil
		}
		known := "there are no [groups]"
		if len(s.Groups) > 0 {
			names := make([]string, len(s.Groups))
			for k, g := range s.Groups {
				names[k] = g.Name
			}
			known = "the groups are " + strings.Join(names, ", ")
		}
		return lifgpu.Range{}, &lifgpu.FieldError{Field: field, Value: fmt.Sprintf("%q", r.Group), Rule: "is not a group: " + known,
			Remedy: "name a group of [groups], or give a range [lo, hi)"}
	}
	if r.Lo < 0 || r.Hi > s.N || r.Lo >= r.Hi {
		return lifgpu.Range{}, &lifgpu.FieldError{Field: field, Value: fmt.Sprintf("[%d, %d]", r.Lo, r.Hi),
			Rule: fmt.Sprintf("must be a nonempty range [lo, hi) of neurons within [0, %d)", s.N)}
	}
	return lifgpu.Range{Lo: r.Lo, Hi: r.Hi}, nil
}

// explicit reads an explicit projection's .npz: arrays i, j (int32 or int64), w (nA)
// and delay (ms), float32 or float64, all of one length. Every value is checked here,
// named as the file names it.
func (s *Spec) explicit(name string, p Projection, dt float64) (lifgpu.Projection, error) {
	arrs, err := npy.ReadNPZ(s.path(p.File))
	if err != nil {
		return lifgpu.Projection{}, fmt.Errorf("%s: %w", name, err)
	}
	bad := func(field string, v any, rule string) error {
		return &lifgpu.FieldError{Field: fmt.Sprintf("%s: %s: %s", name, p.File, field), Value: v, Rule: rule}
	}
	have := slices.Sorted(func(yield func(string) bool) {
		for k := range arrs {
			if !yield(k) {
				return
			}
		}
	})
	get := func(key string) (npy.Array, error) {
		a, ok := arrs[key]
		if !ok {
			return a, bad(key, "missing", fmt.Sprintf("the file needs arrays i, j (int32 or int64), w (nA) and delay (ms); it has %s", strings.Join(have, ", ")))
		}
		if len(a.Shape) != 1 {
			return a, bad(key, fmt.Sprintf("shape %v", a.Shape), "must be one-dimensional: one value a synapse")
		}
		return a, nil
	}
	out := lifgpu.Projection{Name: p.Name}
	if out.Name == "" {
		out.Name = filepath.Base(p.File)
	}
	var m int
	for _, key := range []string{"i", "j"} {
		a, err := get(key)
		if err != nil {
			return out, err
		}
		idx := make([]int32, a.Shape[0])
		check := func(at int, v int64) error {
			if v < 0 || v >= int64(s.N) {
				return bad(fmt.Sprintf("%s[%d]", key, at), v, fmt.Sprintf("must be a neuron index in 0..%d", s.N-1))
			}
			idx[at] = int32(v)
			return nil
		}
		switch d := a.Data.(type) {
		case []int32:
			for at, v := range d {
				if err := check(at, int64(v)); err != nil {
					return out, err
				}
			}
		case []int64:
			for at, v := range d {
				if err := check(at, v); err != nil {
					return out, err
				}
			}
		default:
			return out, bad(key, fmt.Sprintf("%T", a.Data), "must be int32 or int64 neuron indices")
		}
		if key == "i" {
			out.Pre, m = idx, len(idx)
		} else {
			out.Post = idx
		}
	}
	for _, key := range []string{"w", "delay"} {
		a, err := get(key)
		if err != nil {
			return out, err
		}
		var x []float64
		switch a.Data.(type) {
		case []float32, []float64:
			x, _ = a.Float64s()
		default:
			return out, bad(key, fmt.Sprintf("%T", a.Data), "must be float32 or float64")
		}
		if key == "w" {
			out.Weight = x
		} else {
			out.Delay = x
		}
	}
	for _, a := range []struct {
		key string
		n   int
	}{{"j", len(out.Post)}, {"w", len(out.Weight)}, {"delay", len(out.Delay)}} {
		if a.n != m {
			return out, bad(a.key, fmt.Sprintf("%d values", a.n), fmt.Sprintf("must have one value a synapse: i has %d", m))
		}
	}
	for at := range m {
		if w := out.Weight[at]; math.IsNaN(w) || math.IsInf(w, 0) {
			return out, bad(fmt.Sprintf("w[%d]", at), w, "must be a finite number (nA)")
		}
		d := out.Delay[at]
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return out, bad(fmt.Sprintf("delay[%d]", at), d, "must be a finite number (ms)")
		}
		switch steps := math.Round(d / dt); {
		case steps < 1:
			return out, bad(fmt.Sprintf("delay[%d]", at), d, fmt.Sprintf("rounds to %g steps of dt = %g ms: a synapse needs at least one (use a delay of at least dt)", steps, dt))
		case steps > lifgpu.MaxDelaySteps:
			return out, bad(fmt.Sprintf("delay[%d]", at), d, fmt.Sprintf("is %g steps of dt = %g ms: at most %d", steps, dt, lifgpu.MaxDelaySteps))
		}
	}
	return out, nil
}
