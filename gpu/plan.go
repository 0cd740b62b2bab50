package gpu

import (
	"fmt"
	"math"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// wg is the workgroup size of lif.comp (local_size_x).
const wg = 256

// stateWords is the size of one neuron's State record on the device, in 32-bit words:
// u, ref, count, and a network's two synaptic currents.
const (
	stateWords    = 3
	netStateWords = 5
)

// layout is the shape of a population's device data, from its Model.
type layout struct {
	fields      []pnField // per-neuron parameters, in their order in a Params record
	schedPN     bool      // some schedule entry is per neuron
	stateCopies int       // 2 when the spike list is kept (a dispatch can be redone), else 1
	list        bool      // the spike list is kept: recorded, or a network's to propagate
	traces      int
	rate        bool

	// Random inputs (Model.Random). noise: the normal table is bound (one buffer for
	// all chunks). poisson: the Poisson term is added; poissonLen thresholds a neuron
	// (0: every rate is 0, no table); poissonPN: one table a neuron, in each chunk's
	// own buffer (else one shared table, one buffer for all chunks).
	noise, poisson bool
	poissonLen     int
	poissonPN      bool

	net *netLayout // a network's synapses (netplan.go), nil without one
}

// stateBytes is the size of one neuron's State record.
func (l layout) stateBytes() int {
	if l.net != nil {
		return 4 * netStateWords
	}
	return 4 * stateWords
}

// Binding points of lif.comp; numBindings is one more than the highest.
const (
	bindStateIn   = 0
	bindStateOut  = 1
	bindParams    = 2
	bindSched     = 3
	bindX         = 4
	bindSpikes    = 5
	bindRate      = 6
	bindTrace     = 7
	bindTraceList = 8
	bindLast      = 9
	bindNormal    = 10
	bindPoisson   = 11
	bindRingEx    = 12
	bindRingIn    = 13
	numBindings   = 14
)

// storage returns the most storage blocks one variant of lif.comp for l declares (a
// per-neuron Forward x counted: it may come at any call), and the binding points it
// needs: one more than the highest binding it uses. New compares them with
// GL_MAX_COMPUTE_SHADER_STORAGE_BLOCKS and GL_MAX_SHADER_STORAGE_BUFFER_BINDINGS.
func (l layout) storage() (blocks, bindings int) {
	blocks = 1 + 1 + 1 // state in, x, last
	bindings = bindLast + 1
	if l.stateCopies == 2 {
		blocks += 2 // state out, spike list (a network's always has both)
	}
	if len(l.fields) > 0 {
		blocks++
	}
	if l.schedPN {
		blocks++
	}
	if l.rate {
		blocks++
	}
	if l.traces > 0 {
		blocks += 2
	}
	if l.noise {
		blocks++
		bindings = bindNormal + 1
	}
	if l.poisson && l.poissonLen > 0 {
		blocks++
		bindings = bindPoisson + 1
	}
	if l.net != nil {
		blocks += 2 // the rings
		bindings = bindRingIn + 1
	}
	return blocks, bindings
}

// pnField is a per-neuron parameter: its #define name and where its values come from.
type pnField struct {
	def string // PN_ALPHA, ...
	f32 *model.Field[float32]
	i32 *model.Field[int32]
}

// namedField is a float32 parameter and the #define that places it in a Params record
// when it is per neuron.
type namedField struct {
	def string
	v   *model.Field[float32]
}

func layoutOf(m *model.Model) layout {
	l := layout{stateCopies: 1, traces: len(m.Record.Traces), rate: m.Record.Rate}
	l.list = m.Record.Spikes || m.Net != nil
	if l.list {
		l.stateCopies = 2 // a dispatch may be done again (a network's: its spike list may overflow)
	}
	for _, f := range []namedField{{"PN_ALPHA", &m.Alpha}, {"PN_R", &m.R}, {"PN_UREST", &m.URest}, {"PN_URESET", &m.UReset}, {"PN_UTH", &m.UTh}, {"PN_BIAS", &m.Bias}} {
		if !f.v.IsScalar() {
			l.fields = append(l.fields, pnField{def: f.def, f32: f.v})
		}
	}
	if !m.RefSteps.IsScalar() {
		l.fields = append(l.fields, pnField{def: "PN_REF", i32: &m.RefSteps})
	}
	var random []namedField
	if m.HasNoise {
		l.noise = true
		random = append(random, namedField{"PN_NMEAN", &m.NoiseMean}, namedField{"PN_NSTD", &m.NoiseStd})
	}
	if m.HasPoisson {
		l.poisson = true
		l.poissonLen = m.PoissonTable.Len()
		l.poissonPN = l.poissonLen > 0 && !m.PoissonTable.Shared()
		random = append(random, namedField{"PN_PWEIGHT", &m.PoissonWeight})
	}
	for _, f := range random {
		if !f.v.IsScalar() {
			l.fields = append(l.fields, pnField{def: f.def, f32: f.v})
		}
	}
	if m.Net != nil {
		l.net = netLayoutOf(m)
		for _, pt := range []struct {
			suffix string
			port   *model.Port
		}{{"EX", &m.Ex}, {"IN", &m.In}} {
			if !pt.port.Delta.IsScalar() || !pt.port.Decay.IsScalar() { // both or neither, as lif.comp reads them
				l.fields = append(l.fields, pnField{def: "PN_DELTA_" + pt.suffix, i32: &pt.port.Delta},
					pnField{def: "PN_DECAY_" + pt.suffix, f32: &pt.port.Decay})
			}
		}
	}
	for _, e := range m.Schedule {
		if !e.Value.IsScalar() {
			l.schedPN = true
		}
	}
	return l
}

// plan is how a population of n neurons is cut into chunks and what it allocates.
type plan struct {
	lay               layout
	dev               Device
	hooks             gpuhook.Hooks // lowered limits, a small spike list
	n, chunkN, chunks int
	maxBlock          int64      // bytes, the largest binding
	groups            int        // the largest dispatch (workgroups)
	spikeCap          int        // initial spike list capacity (spikes)
	spikeCapMax       int        // the most one binding holds
	rows              []rowChunk // a network's stored synapses, cut into storage blocks
	maxSpikes         int        // the most spikes one propagation takes (its grid's limit)
	rateCap           int        // steps in the rate buffer
	traceCap          int        // floats in the trace buffer
	perNeuron, fixed  int64      // device bytes: perNeuron*n + fixed
}

func planFor(n int, l layout, d Device, h gpuhook.Hooks) plan {
	p := plan{lay: l, dev: d, hooks: h, n: n, maxBlock: d.MaxBlockSize, groups: d.MaxGroupCount}
	if h.MaxBlockSize > 0 && int64(h.MaxBlockSize) < p.maxBlock {
		p.maxBlock = int64(h.MaxBlockSize)
	}
	if h.MaxGroupCount > 0 && h.MaxGroupCount < p.groups {
		p.groups = h.MaxGroupCount
	}
	perBinding := int64(max(l.stateBytes(), 4*len(l.fields)))
	if l.poissonPN {
		perBinding = max(perBinding, 4*int64(l.poissonLen))
	}
	if l.net != nil {
		perBinding = max(perBinding, 4*int64(l.net.D)) // a port's ring: D slots a neuron
	}
	c := (p.maxBlock - 64) / perBinding
	c = min(c, int64(p.groups)*wg, math.MaxInt32)
	if c >= wg {
		c -= c % wg
	}
	p.chunkN = int(max(1, min(c, int64(n))))
	p.chunks = (n + p.chunkN - 1) / p.chunkN

	p.spikeCapMax = int((p.maxBlock - int64(l.spikeHeader())) / 8)
	p.spikeCap = h.SpikeBuffer
	if p.spikeCap <= 0 {
		p.spikeCap = max(1<<16, min(n, 1<<22))
	}
	p.spikeCap = max(1, min(p.spikeCap, p.spikeCapMax))
	if l.rate {
		p.rateCap = int(min(p.maxBlock/4, 1<<20))
	}
	if l.traces > 0 {
		p.traceCap = int(min(p.maxBlock/4, int64(max(l.traces, 1<<20))))
	}

	// Per neuron: the state (twice when a dispatch may be redone), the parameter
	// records (random-input parameters among them), the per-neuron schedule and x
	// buffers, the last step's spike list, the per-neuron Poisson thresholds.
	p.perNeuron = int64(l.stateBytes()*l.stateCopies + 4*len(l.fields) + 4 + 4)
	if l.schedPN {
		p.perNeuron += 4
	}
	if l.poissonPN {
		p.perNeuron += 4 * int64(l.poissonLen)
	}
	p.fixed = 8*int64(p.spikeCap) + int64(l.spikeHeader()) + 4*int64(p.rateCap) + 4*int64(p.traceCap) + 8*int64(l.traces) + 8*int64(p.chunks)
	// The normal table and a shared Poisson table: one buffer each for all chunks.
	if l.noise {
		p.fixed += 4 * rng.NormalLen
	}
	if l.poisson && !l.poissonPN {
		p.fixed += 4 * int64(l.poissonLen)
	}
	if l.net != nil {
		p.planNet()
	}
	return p
}

func (p plan) bytes() int64 { return p.perNeuron*int64(p.n) + p.fixed }

// maxN is the largest population of this shape that fits in avail bytes (the recording
// buffers grow with n, so it searches).
func (p plan) maxN(avail int64) int {
	fits := func(n int) bool { return planFor(n, p.lay, p.dev, p.hooks).bytes() <= avail }
	if !fits(1) {
		return 0
	}
	lo, hi := 1, lifgpu.MaxN // fits(lo); look for the last n that fits
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// checkMemory refuses a plan that does not fit in avail bytes (0: unknown, no check).
func (p plan) checkMemory(avail int64) error {
	if avail <= 0 || p.bytes() <= avail {
		return nil
	}
	if p.lay.net != nil {
		return p.netMemoryError(avail)
	}
	return fmt.Errorf("%w: %d neurons need %s of device memory (%d B a neuron + %s of recording buffers), %s is available; at most %d neurons of this configuration fit",
		lifgpu.ErrOutOfDeviceMemory, p.n, mib(p.bytes()), p.perNeuron, mib(p.fixed), mib(avail), p.maxN(avail))
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
