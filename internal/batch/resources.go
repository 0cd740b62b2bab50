package batch

import (
	"fmt"
	"runtime"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/internal/conn"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// Needs is what a run will take, estimated before it starts.
type Needs struct {
	Memory int64 // host bytes: state, parameters, network, recordings held between checkpoints
	Disk   int64 // bytes written: final files, checkpoint and parts (at the peak, both)
	// Network is the network foreseen from the Config (nil without one): its expected
	// synapse counts and its delay ring.
	Network *conn.Expectation
	// Spike recordings come on top, 12 bytes a spike on disk and 8 in memory: their
	// number is not known before the run.
	Detail string
}

// Estimate returns what running s (resolved into cfg, and m) on kind (CPU or GPU, as
// backend.Choose resolved it) needs; plot: the figures are drawn, which joins every
// recording in memory. m need not have its network yet (model.ResolveNeurons): the
// network is foreseen from cfg (model.Expect), so that a run that cannot fit is refused
// before the build, which for 10^9 synapses takes long.
func Estimate(s *spec.Spec, cfg lifgpu.Config, m *model.Model, kind backend.Kind, plot bool) Needs {
	n, steps := int64(m.N), int64(s.Steps)
	held := steps // steps whose recordings are held in memory at once
	if s.CheckpointEvery > 0 {
		held = min(held, int64(s.CheckpointEvery))
	}
	// Both backends: the model's per-neuron inputs, and a copy of the state (12 bytes a
	// neuron) when it is read for a checkpoint or state.npz. The CPU backend also keeps
	// the state (12 bytes) and, for the kernels, a copy of each per-neuron parameter (4
	// bytes; scalars cost nothing); the GPU backend keeps those on the device (gpu.New
	// checks its memory) and a chunk at a time on the host.
	perNeuron := int64(12)
	if kind != backend.GPU {
		perNeuron += 12
	}
	for _, f := range []model.Field[float32]{m.Alpha, m.R, m.URest, m.UReset, m.UTh, m.U0, m.Bias, m.NoiseMean, m.NoiseStd, m.PoissonWeight} {
		if !f.IsScalar() {
			perNeuron += 4
		}
	}
	if !m.RefSteps.IsScalar() {
		perNeuron += 4
	}
	if kind != backend.GPU { // the kernels' copies
		for _, f := range []model.Field[float32]{m.Alpha, m.R, m.URest, m.UReset, m.UTh, m.Bias} {
			if !f.IsScalar() {
				perNeuron += 4
			}
		}
		if !m.RefSteps.IsScalar() {
			perNeuron += 4
		}
	}
	var poisson int64
	if m.HasPoisson {
		poisson = int64(len(m.PoissonTable.Thresholds())) * 4
	}
	// Every product saturates: an estimate that overflows stays too large to fit, where
	// a wrapped one could pass as small.
	k := int64(len(m.Record.Traces))
	rows := func(st int64) int64 { return (st + int64(m.Record.Every()) - 1) / int64(m.Record.Every()) }
	var rate, traces int64
	if m.Record.Rate {
		rate = mulSat(12, steps)
	}
	if k > 0 {
		traces = mulSat(rows(steps), addSat(8, mulSat(4, k)))
	}
	memRec := addSat(mulSat(rows(held), mulSat(4, k)), mulSat(4, held))
	// The final files are written a part at a time; only the figures join the whole rate
	// and traces (and the spike list, uncounted) in memory.
	var joined int64
	if plot {
		if m.Record.Rate {
			joined = rate
		}
		joined = addSat(joined, traces)
	}
	net := networkNeeds(cfg, kind)
	// The population's recording buffers keep their capacity, and a part is written from
	// a copy: held twice; at the end the joined arrays come on top.
	state := addSat(mulSat(perNeuron, n), poisson)
	needs := Needs{Memory: addSat(addSat(state, mulSat(2, memRec)), addSat(joined, net.memory)), Network: net.expect}
	var final int64
	if s.Record.State {
		final += 8 * n
		if net.expect != nil {
			final += 8 * n // i_ex, i_in
		}
	}
	if m.Record.Spikes {
		final += 4 * n
	}
	// A checkpoint is written beside the one it replaces, then renamed over it: two at once.
	checkpoint := mulSat(2, mulSat(addSat(12, net.state), n))
	needs.Disk = addSat(addSat(final, mulSat(2, addSat(rate, traces))), checkpoint)
	needs.Detail = fmt.Sprintf("state and parameters %s, recordings held %s, joined for the figures %s%s; on disk: rate %s, traces %s, state and counts %s, checkpoint %s",
		HumanBytes(state), HumanBytes(memRec), HumanBytes(joined), net.detail, HumanBytes(rate), HumanBytes(traces), HumanBytes(final), HumanBytes(checkpoint))
	return needs
}

// netNeeds is a network's share of the memory, foreseen from the Config.
type netNeeds struct {
	expect *conn.Expectation // nil without a network
	memory int64             // host bytes
	state  int64             // bytes a neuron of synaptic state: currents and rings
	detail string
}

// Per stored synapse, conn.Network's arrays: post (int32), w_q (int32), delay (uint16).
const bytesPerSynapse = 10

// buildPerNeuron is what conn.Build holds per neuron while it builds, besides the rows'
// starts (8 bytes, kept): each post neuron's sum of |w| and synapse count, each pre
// neuron's row length and fill cursor, and the exact sums of a resolution's check.
const buildPerNeuron = 40

// networkNeeds foresees the memory of cfg's network on kind: the stored synapses once
// (the batch builds them and hands them to the backend: model.Offer), the
// build's transients, the ports' per-neuron time constants, and the synaptic state (the
// currents i_ex and i_in and the two delay rings of D slots, 8 + 8D bytes a neuron):
// the CPU population holds it, and every backend copies it to the host for a checkpoint.
func networkNeeds(cfg lifgpu.Config, kind backend.Kind) netNeeds {
	if !cfg.HasNetwork() {
		return netNeeds{}
	}
	e := model.Expect(cfg)
	n := int64(cfg.N)
	stored := addSat(mulSat(bytesPerSynapse, e.Stored), 8*(n+1))
	if kind != backend.GPU && e.Stored > 0 {
		// The CPU's workers split each stored row by post at precomputed cuts: 4 bytes
		// a row for each worker but the first.
		stored = addSat(stored, mulSat(4*int64(runtime.GOMAXPROCS(0)-1), n))
	}
	build := buildPerNeuron * n
	var ports int64
	for _, tau := range []lifgpu.Values{cfg.Synapses.TauSynEx, cfg.Synapses.TauSynIn} {
		if tau.IsSet() && !tau.IsScalar() {
			ports += 8 * n // Delta (int32) and Decay (float32)
		}
	}
	state := 8 + 8*int64(e.D)
	copies := int64(1)
	if kind != backend.GPU {
		copies = 2
	}
	syn := mulSat(copies, mulSat(state, n))
	detail := fmt.Sprintf(", network: %d stored synapses %s", e.Stored, HumanBytes(stored))
	if e.Procedural > 0 {
		detail += fmt.Sprintf(" (and %d procedural ones, drawn again at each spike: not stored)", e.Procedural)
	}
	detail += fmt.Sprintf(", building them %s, synaptic currents and delay rings (D = %d slots) %s", HumanBytes(build), e.D, HumanBytes(syn+ports))
	return netNeeds{expect: &e, memory: addSat(addSat(stored, build), addSat(ports, syn)), state: state, detail: detail}
}

// Preflight refuses, with a *ResourceError, a run that would not fit in the memory the
// limits on this process leave (AvailableMemory) or on the disk of dir ("": memory
// only). m need not have its network yet (see Estimate).
func Preflight(s *spec.Spec, cfg lifgpu.Config, m *model.Model, kind backend.Kind, dir string, plot bool) error {
	need := Estimate(s, cfg, m, kind, plot)
	if err := fitsMemory(need.Memory, need.Detail, need.Network != nil); err != nil {
		return err
	}
	if dir == "" {
		return nil
	}
	if free, err := diskFree(dir); err == nil && need.Disk > free {
		return &ResourceError{Resource: "disk", Need: need.Disk, Avail: free, Dir: dir, Detail: need.Detail}
	}
	return nil
}

// PreflightCheck refuses, with a *ResourceError, what lifgpu check would not fit in
// memory: the spec on the CPU and on the GPU (its host side) at once, each holding its
// recordings for the whole run.
func PreflightCheck(s *spec.Spec, cfg lifgpu.Config, m *model.Model) error {
	whole := *s
	whole.CheckpointEvery = 0
	c, g := Estimate(&whole, cfg, m, backend.CPU, false), Estimate(&whole, cfg, m, backend.GPU, false)
	return fitsMemory(addSat(c.Memory, g.Memory), "the CPU's population "+HumanBytes(c.Memory)+" and the GPU's host side "+HumanBytes(g.Memory)+" at once", c.Network != nil)
}

// fitsMemory refuses need bytes of memory that the limits do not leave.
func fitsMemory(need int64, detail string, network bool) error {
	mem, err := memoryAvailable()
	if err != nil || need <= mem.Avail {
		return nil
	}
	re := &ResourceError{Resource: "memory", Need: need, Avail: mem.Avail, Limit: mem.Source, Detail: detail}
	if network {
		re.Remedy = "lower n or the synapses (p, in_degree), make Bernoulli projections procedural (none stored), or shorten the longest delay"
	}
	return re
}

// diskFree is what Preflight compares with; tests replace it.
var diskFree = freeDisk

// DiskFree is the bytes free for this user on the file system that would hold dir (or
// the nearest folder above it that exists): what Preflight checks the disk against.
func DiskFree(dir string) (int64, error) { return diskFree(dir) }

// HumanBytes formats a byte count in B, KiB, MiB, GiB, TiB, PiB or EiB.
func HumanBytes(b int64) string {
	switch {
	case b >= 1<<60:
		return fmt.Sprintf("%.1f EiB", float64(b)/(1<<60))
	case b >= 1<<50:
		return fmt.Sprintf("%.1f PiB", float64(b)/(1<<50))
	case b >= 1<<40:
		return fmt.Sprintf("%.1f TiB", float64(b)/(1<<40))
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}
