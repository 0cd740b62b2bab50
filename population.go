package lifgpu

import (
	"fmt"
	"math"
)

// Config is everything needed to make a population.
type Config struct {
	N      int
	Params Params
	Input  Input
	Record Record
	Seed   uint64 // keys the random inputs (noise, Poisson) and generated synapses; any value is valid
	// First is the global index of neuron 0 when the population is one shard of a
	// larger one (see [Config.Shard]): neuron i draws its random inputs as neuron
	// First+i of the whole population does, so the shard gives exactly that
	// population's bits for its neurons. 0 for a whole population.
	First int

	// A network: names for ranges of neurons (optional), the synapses' settings, and
	// the projections that make the synapses (none: uncoupled neurons).
	Groups      []Group
	Synapses    Synapses
	Projections []Projection
}

// HasNetwork reports whether c couples its neurons (it has projections).
func (c Config) HasNetwork() bool { return len(c.Projections) > 0 }

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
	// State copies the whole dynamic state (what a checkpoint holds).
	State() (State, error)
	// Restore sets the whole state (a checkpoint's, from this or another backend:
	// they share the bits), clears the recording and the last step's spikes. A
	// subnormal u is flushed to a zero of its sign, as every input is.
	Restore(State) error
	// Backend names the implementation and its device, for run.json.
	Backend() string
	// Close frees the population's resources. It is safe to call twice.
	Close() error
}

// MaxN is the largest population: neuron indices are int32 in the spike list and on
// the device.
const MaxN = math.MaxInt32

// Validate checks c and returns the first problem found, a *FieldError that names
// the field, the value, the rule and the remedy.
func (c Config) Validate() error {
	if c.N < 1 || c.N > MaxN {
		return &FieldError{Field: "n", Value: c.N, Rule: fmt.Sprintf("must be in 1..%d", MaxN)}
	}
	if c.First < 0 || c.First > MaxN-c.N {
		return &FieldError{Field: "first", Value: c.First, Rule: fmt.Sprintf("must be in 0..%d, so that the global indices first..first+n-1 (n = %d) stay below 2^31-1", MaxN-c.N, c.N),
			Remedy: "give the shard's first global neuron index (Config.Shard sets it)"}
	}
	if c.First != 0 && c.HasNetwork() {
		return &FieldError{Field: "first", Value: c.First, Rule: "must be 0 for a network: a shard of a network would need the spikes of the other shards",
			Remedy: "run the network whole"}
	}
	p := c.Params.WithDefaults()
	if err := p.validate(c.N); err != nil {
		return err
	}
	if err := c.Input.validate(c.N, p.Dt); err != nil {
		return err
	}
	if err := c.validateNetwork(p.Dt); err != nil {
		return err
	}
	return c.Record.validate(c.N)
}
