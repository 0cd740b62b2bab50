// Package spec reads the TOML run specification of the lifgpu CLI and turns it into a
// lifgpu.Config.
//
// # Format
//
//	n = 1000
//	steps = 10000
//	dt = 0.1
//	seed = 1
//	backend = "auto"
//	device = 0                 # EGL device for the GPU backend (lifgpu info lists them); absent: automatic
//	method = "euler"
//	checkpoint_every = 10000   # steps; 0 (default): no periodic checkpoint
//	[neuron]            # tau_m, r, u_rest, u_reset, u_th, t_ref, u0: each a number,
//	tau_m = 10.0        # an array of n numbers, or the name of a .npy file (float32 or float64)
//	[input]
//	bias = 4.0          # a number, an array of n numbers, or a .npy file
//	schedule = [ { step = 0, value = 0.0 }, { step = 1000, value = 2.5 } ]
//	noise = { mean = 0.0, std = 1.0 }              # Gaussian current noise, nA
//	poisson = { rate = 800.0, weight = 0.5 }       # Poisson input: Hz, nA per input spike
//	[record]
//	spikes = true
//	rate = true
//	traces = [0, 1]
//	trace_every = 1
//	state = true
//	[groups]            # optional names for consecutive ranges of neurons, in this order;
//	E = 800             # the sizes sum to n
//	I = 200
//	[synapses]
//	tau_syn_ex = 5.0    # ms: a number, an array of n, or a .npy; 0 is a delta current
//	tau_syn_in = 10.0
//	weight_resolution = 0.0   # nA, 2^-q; 0: the finest that cannot overflow
//	[[projection]]      # explicit: arrays i, j (int32 or int64), w (nA), delay (ms)
//	file = "conn.npz"
//	[[projection]]      # generated
//	name = "EE"                        # optional, for messages
//	pre = "E"                          # a group's name, or [lo, hi)
//	post = [0, 1000]
//	p = 0.02                           # pairwise Bernoulli; or in_degree = 80
//	weight = 1.62                      # nA, or { mean = 1.62, std = 0.16 }
//	delay = { mean = 1.5, std = 0.75 } # ms, or a number
//	procedural = false                 # draw each spike's targets again instead of storing them (p only)
//	multapses = true                   # in_degree only; default true
//	autapses = true                    # default true
//
// Unknown keys are errors that name the key. Relative file names resolve against the
// spec file's folder.
package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/npy"
	"github.com/lifgpu/lifgpu/internal/regular"
)

// Spec is a run specification. Zero fields take the defaults of lifgpu.
type Spec struct {
	N       int     `toml:"n" json:"n"`
	Steps   int     `toml:"steps" json:"steps"`
	Dt      float64 `toml:"dt" json:"dt"`
	Seed    uint64  `toml:"seed" json:"seed"`
	Backend string  `toml:"backend" json:"backend"`
	// Device, when set, is the EGL device the GPU backend runs on (gpu.Options.Device);
	// unset, the backend chooses.
	Device *int   `toml:"device" json:"device,omitempty"`
	Method string `toml:"method" json:"method"`
	// CheckpointEvery, when > 0, writes a checkpoint and flushes the recordings every
	// so many steps (see lifgpu run -resume).
	CheckpointEvery int    `toml:"checkpoint_every" json:"checkpoint_every,omitempty"`
	Neuron          Neuron `toml:"neuron" json:"neuron"`
	Input           Input  `toml:"input" json:"input"`
	Record          Record `toml:"record" json:"record"`

	// A network (DESIGN.md, "Networks"): named ranges of neurons, the synapses'
	// settings, and the projections that make the synapses.
	Groups     Groups       `toml:"groups" json:"groups,omitempty"`
	Synapses   *Synapses    `toml:"synapses" json:"synapses,omitempty"`
	Projection []Projection `toml:"projection" json:"projection,omitempty"`

	// Dir is the folder that relative file names resolve against.
	Dir string `toml:"-" json:"-"`
}

// Neuron holds the neuron parameters.
type Neuron struct {
	TauM   Value `toml:"tau_m" json:"tau_m,omitzero"`
	R      Value `toml:"r" json:"r,omitzero"`
	URest  Value `toml:"u_rest" json:"u_rest,omitzero"`
	UReset Value `toml:"u_reset" json:"u_reset,omitzero"`
	UTh    Value `toml:"u_th" json:"u_th,omitzero"`
	TRef   Value `toml:"t_ref" json:"t_ref,omitzero"`
	U0     Value `toml:"u0" json:"u0,omitzero"`
}

// Input holds the held input current.
type Input struct {
	Bias     Value           `toml:"bias" json:"bias,omitzero"`
	Schedule []ScheduleEntry `toml:"schedule" json:"schedule,omitempty"`
	Noise    *Noise          `toml:"noise" json:"noise,omitempty"`
	Poisson  *Poisson        `toml:"poisson" json:"poisson,omitempty"`
}

// Noise is Gaussian current noise: noise = mean + std*z each step (nA).
type Noise struct {
	Mean Value `toml:"mean" json:"mean,omitzero"`
	Std  Value `toml:"std" json:"std,omitzero"`
}

// Poisson is Poisson input: k ~ Poisson(rate*dt/1000) spikes a step, each adding weight nA.
type Poisson struct {
	Rate   Value `toml:"rate" json:"rate,omitzero"`
	Weight Value `toml:"weight" json:"weight,omitzero"`
}

// ScheduleEntry is one (step, value) pair of the schedule.
type ScheduleEntry struct {
	Step  int64 `toml:"step" json:"step"`
	Value Value `toml:"value" json:"value"`
}

// Record says what to record and write.
type Record struct {
	Spikes     bool  `toml:"spikes" json:"spikes"`
	Rate       bool  `toml:"rate" json:"rate"`
	Traces     []int `toml:"traces" json:"traces,omitempty"`
	TraceEvery int   `toml:"trace_every" json:"trace_every,omitempty"`
	State      bool  `toml:"state" json:"state"`
}

// Value is a number, an array of numbers, or the name of a .npy file.
type Value struct {
	set    bool
	Number float64
	Array  []float64
	File   string
	// Formula, when set, is how a generated Array was made; run.json shows it instead
	// of the numbers.
	Formula string
}

// IsZero reports whether the value was not given (for JSON's omitzero).
func (v Value) IsZero() bool { return !v.set }

// Num returns a Value holding x.
func Num(x float64) Value { return Value{set: true, Number: x} }

// UnmarshalTOML takes a number, an array of numbers or a file name.
func (v *Value) UnmarshalTOML(data any) error {
	v.set = true
	switch d := data.(type) {
	case int64:
		v.Number = float64(d)
	case float64:
		v.Number = d
	case string:
		if d == "" {
			return errors.New("empty file name")
		}
		v.File = d
	case []any:
		v.Array = make([]float64, len(d))
		for k, e := range d {
			switch x := e.(type) {
			case int64:
				v.Array[k] = float64(x)
			case float64:
				v.Array[k] = x
			default:
				return fmt.Errorf("element %d is %v (%T), want a number", k, e, e)
			}
		}
	default:
		return fmt.Errorf("%v (%T) is not a number, an array of numbers or a .npy file name", data, data)
	}
	return nil
}

// MarshalJSON writes the value as given: a number, an array or a file name.
func (v Value) MarshalJSON() ([]byte, error) {
	var x any = v.Number
	switch {
	case v.File != "":
		x = v.File
	case v.Formula != "":
		x = v.Formula
	case v.Array != nil:
		x = v.Array
	}
	return json.Marshal(x)
}

// Parse reads a spec from TOML text; dir is where relative file names resolve. name is
// used in error messages.
func Parse(name string, text []byte, dir string) (*Spec, error) {
	var s Spec
	md, err := toml.NewDecoder(bytes.NewReader(text)).Decode(&s)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			if pe.LastKey != "" {
				return nil, fmt.Errorf("%s: line %d: %s: %s", name, pe.Position.Line, pe.LastKey, pe.Message)
			}
			return nil, fmt.Errorf("%s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		where := ""
		if k[0] == "projection" {
			where = fmt.Sprintf(" in projection[%d]", projectionOf(md, k))
		}
		return nil, fmt.Errorf("%s: unknown key %q%s (known %s)", name, k.String(), where, knownKeys(k))
	}
	if md.IsDefined("seed") {
		// TOML integers are int64, and the decoder wraps a negative one into the uint64
		// seed (-1 became 2^64-1); -seed refuses it. One rule for both: 0..2^64-1.
		var raw struct {
			Seed any `toml:"seed"`
		}
		if _, err := toml.NewDecoder(bytes.NewReader(text)).Decode(&raw); err == nil {
			if v, ok := raw.Seed.(int64); ok && v < 0 {
				return nil, fmt.Errorf("%s: %w", name, &lifgpu.FieldError{Field: "seed", Value: v, Rule: "must be in 0..18446744073709551615", Remedy: "a seed is a non-negative integer"})
			}
		}
	}
	s.Groups.order(md)
	s.Dir = dir
	return &s, nil
}

func knownKeys(k toml.Key) string {
	switch {
	case len(k) > 1 && k[0] == "neuron":
		return "in [neuron]: tau_m, r, u_rest, u_reset, u_th, t_ref, u0"
	case len(k) > 1 && k[0] == "input":
		if len(k) > 2 && k[1] == "noise" {
			return "in input.noise: mean, std"
		}
		if len(k) > 2 && k[1] == "poisson" {
			return "in input.poisson: rate, weight"
		}
		return "in [input]: bias, schedule (entries: step, value), noise (mean, std), poisson (rate, weight)"
	case len(k) > 1 && k[0] == "record":
		return "in [record]: spikes, rate, traces, trace_every, state"
	case len(k) > 1 && k[0] == "synapses":
		return "in [synapses]: tau_syn_ex, tau_syn_in, weight_resolution"
	case len(k) > 1 && k[0] == "projection":
		return "in [[projection]]: name, file; or pre, post, p or in_degree, weight, delay, procedural, multapses, autapses"
	}
	return "at the top: n, steps, dt, seed, backend, device, method, checkpoint_every, [neuron], [input], [record], [groups], [synapses], [[projection]]"
}

// projectionOf is the index of the [[projection]] table where key k first appears.
func projectionOf(md toml.MetaData, k toml.Key) int {
	at := -1
	for _, key := range md.Keys() {
		if len(key) == 1 && key[0] == "projection" {
			at++
		}
		if key.String() == k.String() {
			break
		}
	}
	return max(at, 0)
}

// Load reads a spec file.
func Load(path string) (*Spec, error) {
	text, err := regular.ReadFile(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, text, filepath.Dir(abs))
}

// Check validates the run-level fields that lifgpu.Config does not hold.
func (s *Spec) Check() error {
	if s.Steps < 0 || s.Steps > lifgpu.MaxSteps {
		return &lifgpu.FieldError{Field: "steps", Value: s.Steps, Rule: fmt.Sprintf("must be in 0..%d", lifgpu.MaxSteps)}
	}
	if s.CheckpointEvery < 0 || s.CheckpointEvery > lifgpu.MaxSteps {
		return &lifgpu.FieldError{Field: "checkpoint_every", Value: s.CheckpointEvery, Rule: fmt.Sprintf("must be in 0..%d steps (0: no periodic checkpoints)", lifgpu.MaxSteps)}
	}
	if !slices.Contains([]string{"", "auto", "cpu", "gpu"}, s.Backend) {
		return &lifgpu.FieldError{Field: "backend", Value: fmt.Sprintf("%q", s.Backend), Rule: `must be "auto", "cpu" or "gpu"`}
	}
	if s.Device != nil && (*s.Device < 0 || *s.Device > MaxDevice) {
		return &lifgpu.FieldError{Field: "device", Value: *s.Device, Rule: fmt.Sprintf("must be an EGL device index in 0..%d", MaxDevice),
			Remedy: "`lifgpu info` lists the devices; leave it out for the automatic choice"}
	}
	return nil
}

// MaxDevice is the largest EGL device index a spec may name (the GPU backend reads the
// first 64 devices of EGL's list).
const MaxDevice = 63

// Config resolves the spec into a lifgpu.Config, reading .npy files, and validates it.
func (s *Spec) Config() (lifgpu.Config, error) {
	if err := s.Check(); err != nil {
		return lifgpu.Config{}, err
	}
	cfg := lifgpu.Config{N: s.N, Seed: s.Seed}
	if s.N < 1 || s.N > lifgpu.MaxN {
		return cfg, &lifgpu.FieldError{Field: "n", Value: s.N, Rule: fmt.Sprintf("must be in 1..%d", lifgpu.MaxN)}
	}
	p := &cfg.Params
	p.Dt = s.Dt
	p.Method = lifgpu.Method(s.Method)
	fields := []field{
		{"neuron.tau_m", s.Neuron.TauM, &p.TauM}, {"neuron.r", s.Neuron.R, &p.R},
		{"neuron.u_rest", s.Neuron.URest, &p.URest}, {"neuron.u_reset", s.Neuron.UReset, &p.UReset},
		{"neuron.u_th", s.Neuron.UTh, &p.UTh}, {"neuron.t_ref", s.Neuron.TRef, &p.TRef},
		{"neuron.u0", s.Neuron.U0, &p.U0}, {"input.bias", s.Input.Bias, &cfg.Input.Bias},
	}
	if nz := s.Input.Noise; nz != nil {
		if !nz.Mean.set && !nz.Std.set {
			return cfg, &lifgpu.FieldError{Field: "input.noise", Value: "{}", Rule: "needs mean or std (nA)", Remedy: "e.g. noise = { mean = 0.0, std = 1.0 }"}
		}
		fields = append(fields, field{"input.noise.mean", nz.Mean, &cfg.Input.Noise.Mean},
			field{"input.noise.std", nz.Std, &cfg.Input.Noise.Std})
	}
	if po := s.Input.Poisson; po != nil {
		if !po.Rate.set {
			return cfg, &lifgpu.FieldError{Field: "input.poisson.rate", Value: "missing", Rule: "Poisson input needs a rate (Hz)", Remedy: "e.g. poisson = { rate = 800.0, weight = 0.5 }"}
		}
		fields = append(fields, field{"input.poisson.rate", po.Rate, &cfg.Input.Poisson.Rate},
			field{"input.poisson.weight", po.Weight, &cfg.Input.Poisson.Weight})
	}
	for _, f := range fields {
		v, err := s.values(f.name, f.v)
		if err != nil {
			return cfg, err
		}
		*f.dst = v
	}
	for k, e := range s.Input.Schedule {
		v, err := s.values(fmt.Sprintf("input.schedule[%d].value", k), e.Value)
		if err != nil {
			return cfg, err
		}
		cfg.Input.Schedule = append(cfg.Input.Schedule, lifgpu.ScheduleEntry{Step: e.Step, Value: v})
	}
	cfg.Record = lifgpu.Record{Spikes: s.Record.Spikes, Rate: s.Record.Rate, Traces: s.Record.Traces, TraceEvery: s.Record.TraceEvery}
	if err := s.network(&cfg, p.WithDefaults().Dt); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// field is a spec value and where its resolved Values go.
type field struct {
	name string
	v    Value
	dst  *lifgpu.Values
}

func (s *Spec) values(name string, v Value) (lifgpu.Values, error) {
	switch {
	case !v.set:
		return lifgpu.Values{}, nil
	case v.File != "":
		path := s.path(v.File)
		a, err := npy.ReadFile(path)
		if err != nil {
			return lifgpu.Values{}, fmt.Errorf("%s: %w", name, err)
		}
		// One value a neuron, shape (n,): a (5, 2) array for n = 10 is not flattened.
		if len(a.Shape) != 1 || a.Shape[0] != s.N {
			n := 1
			for _, d := range a.Shape {
				n *= d
			}
			return lifgpu.Values{}, &lifgpu.FieldError{Field: name, Value: path,
				Rule:   fmt.Sprintf("holds %d values of shape %s, want one per neuron: shape (%d,)", n, npy.FormatShape(a.Shape), s.N),
				Remedy: "save a one-dimensional array, e.g. numpy.save(path, a.reshape(-1)) if the order is right"}
		}
		x, err := a.Float64s()
		if err != nil {
			return lifgpu.Values{}, fmt.Errorf("%s: %s: %w", name, path, err)
		}
		if f, ok := a.Data.([]float32); ok {
			return lifgpu.Float32s(f), nil
		}
		return lifgpu.Float64s(x), nil
	case v.Array != nil:
		if len(v.Array) != s.N {
			return lifgpu.Values{}, &lifgpu.FieldError{Field: name, Value: fmt.Sprintf("an array of %d numbers", len(v.Array)),
				Rule: fmt.Sprintf("needs one value per neuron (n = %d)", s.N), Remedy: "give a single number for all neurons"}
		}
		for k, x := range v.Array {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return lifgpu.Values{}, &lifgpu.FieldError{Field: fmt.Sprintf("%s[%d]", name, k), Value: x, Rule: "must be finite"}
			}
		}
		return lifgpu.Float64s(v.Array), nil
	}
	return lifgpu.Scalar(v.Number), nil
}

// Default is the built-in spec that `lifgpu run` uses without -config: 100,000 neurons
// with the seed's parameters and a bias that rises across the population from 0.4 to
// 1.2 nA (rheobase is 0.5 nA), so that the silent, the slow and the fast regimes all
// show, for one second of model time.
func Default() *Spec { return DefaultN(100_000) }

// DefaultN is the built-in spec for n neurons (0 means 100,000): the same bias ramp,
// traces of four neurons spread over it.
func DefaultN(n int) *Spec {
	if n == 0 {
		n = 100_000
	}
	if n < 1 {
		return &Spec{N: n}
	}
	bias := make([]float64, n)
	for i := range bias {
		bias[i] = 0.4 + 0.8*float64(i)/float64(n)
	}
	return &Spec{
		N: n, Steps: 10_000, Dt: lifgpu.DefaultDt, Seed: 1, Backend: "auto", Method: "euler",
		Input:  Input{Bias: Value{set: true, Array: bias, Formula: "0.4 + 0.8*i/n for neuron i"}},
		Record: Record{Spikes: true, Rate: true, Traces: traces(n), State: true},
	}
}

// String describes where a Value came from, for messages.
func (v Value) String() string {
	switch {
	case !v.set:
		return "unset"
	case v.File != "":
		return v.File
	case v.Array != nil:
		return fmt.Sprintf("[%d numbers]", len(v.Array))
	}
	return strings.TrimRight(fmt.Sprintf("%g", v.Number), " ")
}

// traces picks up to four neurons spread over the bias ramp, where a ramp of n gives
// a silent, a slow and two fast neurons.
func traces(n int) []int {
	var out []int
	for _, f := range []float64{0.1, 0.5, 0.75, 1} {
		i := min(int(f*float64(n)), n-1)
		if len(out) == 0 || out[len(out)-1] != i {
			out = append(out, i)
		}
	}
	return out
}

// CheckDefault is the built-in spec of `lifgpu check` for n neurons (0 means 2^20): it
// turns every feature on, so that one run compares all of it between the backends.
// Every parameter is a per-neuron array drawn from a fixed generator, the schedule has
// scalar and per-neuron values, Gaussian noise (per-neuron std) and Poisson input are
// on, and spikes, rate, traces and the final state are recorded; 2000 steps.
func CheckDefault(n int) *Spec {
	if n == 0 {
		n = 1 << 20
	}
	if n < 1 {
		return &Spec{N: n}
	}
	r := uint64(0x9E3779B97F4A7C15)
	uniform := func(lo, hi float64) Value {
		v := make([]float64, n)
		for i := range v {
			r ^= r << 13
			r ^= r >> 7
			r ^= r << 17
			v[i] = float64(float32(lo + (hi-lo)*float64(r>>11)/(1<<53)))
		}
		return Value{set: true, Array: v, Formula: fmt.Sprintf("uniform(%g, %g) per neuron, xorshift64", lo, hi)}
	}
	return &Spec{
		N: n, Steps: 2000, Dt: 0.1, Seed: 1, Backend: "auto", Method: "euler",
		Neuron: Neuron{
			TauM: uniform(5, 30), R: uniform(5, 30), URest: uniform(-72, -60), UReset: uniform(-75, -65),
			UTh: uniform(-55, -45), TRef: uniform(0, 4), U0: uniform(-70, -50),
		},
		Input: Input{
			Bias: uniform(0, 1.5),
			Schedule: []ScheduleEntry{
				{Step: 0, Value: Num(0)}, {Step: 500, Value: uniform(-0.5, 1.5)}, {Step: 1500, Value: Num(0.25)},
			},
			Noise:   &Noise{Mean: Num(0.05), Std: uniform(0, 0.5)},
			Poisson: &Poisson{Rate: Num(800), Weight: Num(0.2)},
		},
		Record: Record{Spikes: true, Rate: true, Traces: traces(n), TraceEvery: 1, State: true},
	}
}

// path is the path of a file the spec names: as written when absolute, else relative
// to the spec's folder.
func (s *Spec) path(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(s.Dir, name)
}
