package lifgpu

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/lifgpu/lifgpu/internal/rng"
)

// Config is everything needed to make a population.
type Config struct {
	N      int
	Params Params
	Input  Input
	Record Record
	Seed   uint64 // keys the random inputs (noise, Poisson); any value is valid
}

// Population is a group of N uncoupled LIF neurons, stepped by Forward or Run. Both
// backends implement it with the same bits. A Population is not safe for concurrent
// use.
type Population interface {
	// Len is the number of neurons.
	Len() int
	// StepCount is the number of steps taken so far.
	StepCount() int64
	// Forward advances one step with the external current x added to the held input
	// (the seed's forward(x)); x is a scalar or has one value per neuron.
	Forward(x Values) error
	// Run advances steps steps with the held input only (bias and schedule).
	Run(steps int) error
	// Potentials copies u into dst (len N).
	Potentials(dst []float32) error
	// Refractory copies the refractory counters into dst (len N).
	Refractory(dst []int32) error
	// Counts copies each neuron's spike count since creation into dst (len N).
	Counts(dst []uint32) error
	// Spiked returns the neurons that spiked in the last step, ascending.
	Spiked() ([]int32, error)
	// Recording returns what was recorded since creation or the last ClearRecording
	// or Restore (a copy).
	Recording() (*Recording, error)
	// ClearRecording drops what was recorded so far (after it was written out, say);
	// recording goes on from the current step.
	ClearRecording() error
	// Restore sets the whole state (a checkpoint's, from this or another backend:
	// they share the bits), clears the recording and the last step's spikes.
	Restore(State) error
	// Backend names the implementation and its device, for run.json.
	Backend() string
	// Close frees the population's resources. It is safe to call twice.
	Close() error
}

// Model is a validated Config, resolved into the float32 values that the update uses.
// Backends build from a Model; the conversions here happen once, on the host, in
// float64 then rounded to float32, so that every backend starts from the same bits.
type Model struct {
	N        int
	Method   Method
	Dt       float64
	Alpha    Field32 // Euler: float32(dt/tau_m). Exact: float32(exp(-dt/tau_m)).
	R        Field32
	URest    Field32
	UReset   Field32
	UTh      Field32
	RefSteps FieldI32 // int(round(t_ref/dt)), half away from zero
	U0       Field32
	Bias     Field32 // 0 when unset
	Schedule []ResolvedEntry
	Record   Record

	// Random inputs: Seed keys the generator. HasNoise: noise = NoiseMean + NoiseStd*z.
	// HasPoisson: poisson = float32(k)*PoissonWeight with k drawn from PoissonTable.
	Seed          uint64
	HasNoise      bool
	NoiseMean     Field32
	NoiseStd      Field32
	Normal        *rng.NormalTable
	HasPoisson    bool
	PoissonTable  *rng.PoissonTable
	PoissonWeight Field32
}

// ResolvedEntry is a schedule entry in float32.
type ResolvedEntry struct {
	Step  int64
	Value Field32
}

// MaxN is the largest population: neuron indices are int32 in the spike list and on
// the device.
const MaxN = math.MaxInt32

// Validate checks c and returns the first problem found.
func (c Config) Validate() error {
	_, err := c.Resolve()
	return err
}

// Resolve validates c and returns its Model.
func (c Config) Resolve() (*Model, error) {
	if c.N < 1 || c.N > MaxN {
		return nil, &FieldError{Field: "n", Value: c.N, Rule: fmt.Sprintf("must be in 1..%d", MaxN)}
	}
	p := c.Params.withDefaults()
	if err := p.validate(c.N); err != nil {
		return nil, err
	}
	if err := c.Input.validate(c.N); err != nil {
		return nil, err
	}
	if err := c.Record.validate(c.N); err != nil {
		return nil, err
	}
	m := &Model{N: c.N, Method: p.Method, Dt: p.Dt, Record: c.Record}
	dt := p.Dt
	if p.Method == Exact {
		m.Alpha = map32(p.TauM, c.N, func(tau float64) float64 { return math.Exp(-dt / tau) })
	} else {
		m.Alpha = map32(p.TauM, c.N, func(tau float64) float64 { return dt / tau })
	}
	m.R = to32(p.R, c.N)
	m.URest = to32(p.URest, c.N)
	m.UReset = to32(p.UReset, c.N)
	m.UTh = to32(p.UTh, c.N)
	m.U0 = to32(p.U0, c.N)
	if c.Input.Bias.IsSet() {
		m.Bias = to32(c.Input.Bias, c.N)
	}
	if p.TRef.IsScalar() {
		m.RefSteps = FieldI32{Scalar: int32(math.Round(p.TRef.ScalarValue() / dt))}
	} else {
		v := make([]int32, c.N)
		for i := range v {
			v[i] = int32(math.Round(p.TRef.At(i) / dt))
		}
		m.RefSteps = FieldI32{Values: v}
	}
	for _, e := range c.Input.Schedule {
		m.Schedule = append(m.Schedule, ResolvedEntry{Step: e.Step, Value: to32(e.Value, c.N)})
	}
	m.Seed = c.Seed
	if nz := c.Input.Noise; nz.Enabled() {
		m.HasNoise, m.Normal = true, normalTable()
		if nz.Mean.IsSet() {
			m.NoiseMean = to32(nz.Mean, c.N)
		}
		if nz.Std.IsSet() {
			m.NoiseStd = to32(nz.Std, c.N)
		}
	}
	if po := c.Input.Poisson; po.Enabled() {
		lambdas := make([]float64, po.Rate.Len())
		for i := range lambdas {
			lambdas[i] = po.Rate.At(i) * dt / 1000
		}
		t, err := rng.NewPoissonTable(lambdas...)
		if err != nil {
			// Name the neuron with the largest mean: the one that needs the longest table.
			at := 0
			for i, l := range lambdas {
				if l > lambdas[at] {
					at = i
				}
			}
			msg := strings.TrimPrefix(err.Error(), "rng: ")
			if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "neuron ") {
				msg = rest
			}
			return nil, &FieldError{Field: "input.poisson.rate" + index(po.Rate, at), Value: fmt.Sprintf("%g Hz with dt = %g ms", po.Rate.At(at), dt),
				Rule: strings.TrimPrefix(msg, "rng: ")}
		}
		m.HasPoisson, m.PoissonTable = true, t
		m.PoissonWeight = Field32{Scalar: 1}
		if po.Weight.IsSet() {
			m.PoissonWeight = to32(po.Weight, c.N)
		}
	}
	return m, nil
}

// CheckSteps returns an error if taking steps more steps from step would be negative or
// overflow the step counter.
func CheckSteps(step int64, steps int) error {
	if steps < 0 {
		return &FieldError{Field: "steps", Value: steps, Rule: "must be >= 0"}
	}
	if step+int64(steps) > MaxSteps {
		return &FieldError{Field: "steps", Value: steps,
			Rule:   fmt.Sprintf("step %d + %d would pass the step counter's limit %d", step, steps, MaxSteps),
			Remedy: "split the simulation into populations or lower the step count"}
	}
	return nil
}

// CheckX returns an error if Forward's x has the wrong length for n neurons.
func CheckX(x Values, n int) error {
	if !x.IsSet() {
		return &FieldError{Field: "x", Value: "unset", Rule: "Forward needs a current", Remedy: "pass lifgpu.Scalar(0) for none"}
	}
	return x.check("x", n)
}

// normalTable is the one Gaussian table every population shares.
var normalTable = sync.OnceValue(rng.NewNormalTable)

// Current returns ((bias + sched) + x) for neuron i in float32, the input a step adds
// before the random terms. sched may be nil (no schedule entry in force).
func (m *Model) Current(i int, sched *Field32, x float32) float32 {
	var s float32
	if sched != nil {
		s = sched.At(i)
	}
	b := m.Bias.At(i)
	I := b + s
	I = I + x
	return I
}

// Random adds the random terms of neuron i at step to base, the value Current gave:
// ((base + noise) + poisson), each term only when configured.
func (m *Model) Random(i int, step int64, base float32) float32 {
	I := base
	if m.HasNoise {
		w := rng.Draw(m.Seed, rng.StreamNoise, uint32(i), uint64(step))
		z := m.Normal.Sample(w[0], w[1])
		I = I + rng.Noise(m.NoiseMean.At(i), m.NoiseStd.At(i), z)
	}
	if m.HasPoisson {
		w := rng.Draw(m.Seed, rng.StreamPoisson, uint32(i), uint64(step))
		k := m.PoissonTable.Sample(i, w[0])
		I = I + rng.PoissonCurrent(m.PoissonWeight.At(i), k)
	}
	return I
}

// HasRandom reports whether the input has a random term, so that it changes every step.
func (m *Model) HasRandom() bool { return m.HasNoise || m.HasPoisson }

// StateReader is a Population that reads its whole state in one pass (the GPU: one
// read-back of the device's state instead of three).
type StateReader interface {
	State() (State, error)
}

// ReadState copies a population's whole state.
func ReadState(p Population) (State, error) {
	if sr, ok := p.(StateReader); ok {
		return sr.State()
	}
	n := p.Len()
	s := State{Step: p.StepCount(), U: make([]float32, n), Ref: make([]int32, n), Counts: make([]uint32, n)}
	if err := p.Potentials(s.U); err != nil {
		return State{}, err
	}
	if err := p.Refractory(s.Ref); err != nil {
		return State{}, err
	}
	if err := p.Counts(s.Counts); err != nil {
		return State{}, err
	}
	return s, nil
}
