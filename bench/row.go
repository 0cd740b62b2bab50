package bench

import (
	"fmt"
	"time"

	"github.com/lifgpu/lifgpu"
)

// Row is one measurement: a backend or baseline on one workload size.
type Row struct {
	Name        string  `json:"name"` // "lifgpu/cpu/run", "c-ref/blocked", ...
	Backend     string  `json:"backend,omitempty"`
	Mode        string  `json:"mode,omitempty"`
	Method      string  `json:"method,omitempty"`
	N           int     `json:"n"`
	Steps       int     `json:"steps"`
	Seconds     float64 `json:"seconds"`
	UpdatesPerS float64 `json:"updates_per_s"`
	StateGBps   float64 `json:"state_gb_per_s"`
	MsPerStep   float64 `json:"ms_per_step"`
	Spikes      uint64  `json:"spikes"`
	Baseline    string  `json:"baseline,omitempty"`
	Ratio       float64 `json:"ratio,omitempty"`
	Device      string  `json:"device,omitempty"`
	Date        string  `json:"date"`
	// Skipped says why a baseline did not run (no gcc, no python3, no GPU); the row
	// then holds no measurement.
	Skipped string `json:"skipped,omitempty"`

	// A network workload's: its synapses, synaptic events (a spike reaching a
	// synapse) per second of wall time, wall seconds per second of model time, and the
	// dynamics (mean rate, ISI CV) that show it simulated the same network.
	Synapses    int64   `json:"synapses,omitempty"`
	EventsPerS  float64 `json:"synaptic_events_per_s,omitempty"`
	SecPerBioS  float64 `json:"wall_s_per_model_s,omitempty"`
	RateHz      float64 `json:"rate_hz,omitempty"`
	CV          float64 `json:"isi_cv,omitempty"`
	BuildSecond float64 `json:"build_s,omitempty"` // making the network (or Brian2's generation and compilation)
}

// StateBytes is the state traffic that one neuron-update implies when the state lives
// in memory: u and ref, each read and written (4 B each way). Fused runs keep the state
// in registers or cache and move far less; the column then says how far past the
// memory's bandwidth the fusion went.
const StateBytes = 16

// Modes of a measurement.
const (
	ModeRun       = "run"        // fused Run, spike counts only
	ModeRunSpikes = "run+spikes" // fused Run with the spike list
	ModeForward   = "forward"    // Forward once per step
	// Fused Run with random input, for its cost over the plain run: Gaussian noise
	// (std 2 nA), Poisson input (800 Hz of 0.5 nA), both.
	ModeRunNoise   = "run+noise"
	ModeRunPoisson = "run+poisson"
	ModeRunBoth    = "run+noise+poisson"
)

// Modes lists every mode.
var Modes = []string{ModeRun, ModeRunSpikes, ModeForward, ModeRunNoise, ModeRunPoisson, ModeRunBoth}

// Factory makes a population for a benchmark.
type Factory func(cfg lifgpu.Config) (lifgpu.Population, error)

// Measure runs workload W1 for n neurons and steps steps in one mode and method, reps
// times after a short warm-up, and returns the fastest.
func Measure(f Factory, backend, mode string, method lifgpu.Method, n, steps, reps int) (Row, error) {
	cfg := W1(n, mode == ModeRunSpikes)
	cfg.Params.Method = method
	if mode == ModeRunNoise || mode == ModeRunBoth {
		cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(2)}
	}
	if mode == ModeRunPoisson || mode == ModeRunBoth {
		cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(800), Weight: lifgpu.Scalar(0.5)}
	}
	row := Row{Name: "lifgpu/" + backend + "/" + mode, Backend: backend, Mode: mode, Method: string(method),
		N: n, Steps: steps, Date: time.Now().UTC().Format("2006-01-02")}
	if method == lifgpu.Exact {
		row.Name += "/exact"
	}
	best := time.Duration(1<<63 - 1)
	for range max(reps, 1) {
		pop, err := f(cfg)
		if err != nil {
			return row, err
		}
		row.Device = pop.Backend()
		// The warm-up (shader compile, first dispatch) is undone by restoring the initial
		// state, so that the timed steps are steps 0..steps, like the baselines', and
		// give the same spikes.
		st0, err := pop.State()
		var el time.Duration
		if err == nil {
			el, err = timeRun(pop, mode, min(steps, 10), steps, func() error { return pop.Restore(st0) })
		}
		if err == nil {
			row.Spikes, err = totalSpikes(pop)
		}
		pop.Close()
		if err != nil {
			return row, err
		}
		best = min(best, el)
	}
	row.fill(best.Seconds())
	return row, nil
}

func totalSpikes(pop lifgpu.Population) (uint64, error) {
	c := make([]uint32, pop.Len())
	if err := pop.Counts(c); err != nil {
		return 0, err
	}
	var t uint64
	for _, x := range c {
		t += uint64(x)
	}
	return t, nil
}

// timeRun warms pop up with warm steps (not timed), calls warmed, then times steps more.
func timeRun(pop lifgpu.Population, mode string, warm, steps int, warmed func() error) (time.Duration, error) {
	step := func(k int) error {
		if mode != ModeForward {
			return pop.Run(k)
		}
		x := lifgpu.Scalar(0)
		for range k {
			if err := pop.Forward(x); err != nil {
				return err
			}
		}
		return nil
	}
	if err := step(warm); err != nil {
		return 0, err
	}
	if err := warmed(); err != nil {
		return 0, err
	}
	if _, err := pop.Spiked(); err != nil { // waits for the device
		return 0, err
	}
	start := time.Now()
	if err := step(steps); err != nil {
		return 0, err
	}
	if _, err := pop.Spiked(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func (r *Row) fill(seconds float64) {
	r.Seconds = seconds
	r.UpdatesPerS = float64(r.N) * float64(r.Steps) / seconds
	r.StateGBps = r.UpdatesPerS * StateBytes / 1e9
	r.MsPerStep = seconds / float64(r.Steps) * 1e3
}

// String formats r as a table line.
func (r Row) String() string {
	if r.Mode == "first-step" {
		return fmt.Sprintf("%-36s %11d %6d  %.3f s from process start to the first step done", r.Name, r.N, r.Steps, r.Seconds)
	}
	if r.Skipped != "" {
		return fmt.Sprintf("%-36s %11s %6s  skipped: %s", r.Name, "", "", r.Skipped)
	}
	if r.Name == "copy" {
		return fmt.Sprintf("%-36s %11s %6s %12s %8.1f  device-to-device copy, read+write", r.Name, "", "", "", r.StateGBps)
	}
	ratio := ""
	if r.Baseline != "" {
		ratio = fmt.Sprintf("%.2fx %s", r.Ratio, r.Baseline)
	}
	return fmt.Sprintf("%-36s %11d %6d %12.3g %8.1f %10.4f  %s", r.Name, r.N, r.Steps, r.UpdatesPerS, r.StateGBps, r.MsPerStep, ratio)
}

// Header is the table header that matches Row.String.
const Header = "name                                           n  steps  neuron-upd/s  state-GB/s  ms/step  ratio to baseline"
