package gpu

import (
	"fmt"
	"math"
	"math/bits"
	"sort"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conn"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// A network on the device (DESIGN.md, "Networks"):
//   - each chunk of neurons has its two delay rings (int32, slot-major: slot s of the
//     chunk's neuron j at s*n + j), so rings are split by post range with the chunks;
//   - the stored synapses (zero weights dropped) are tiled: for each ring chunk, the
//     synapses into its neurons in pre-neuron order (rows are sorted by post, so a row's
//     synapses into one ring chunk are a run of it), cut into row chunks that each fit
//     one storage block (a long row may span chunks); a row chunk holds its synapses
//     and, for its pre neurons, where each row's part starts, and is propagated into its
//     ring chunk alone: one dispatch a row chunk, each synapse visited once;
//   - procedural projections keep only their gap table; the rows are drawn again at
//     each spike (propagate.comp, with internal/conn's GLSL).
// A dispatch pair advances at most MinDelay steps (lif.comp), then propagates the
// spikes of those steps (propagate.comp): their synapses arrive at or after the pair's
// end, so no step of a pair needs the input of a spike of the same pair.

// Workgroup sizes and work of propagate.comp: a stored row's synapses are taken propWG
// at a time, propPer an invocation, so one workgroup serves propWG*propPer synapses of a
// row and longer rows take several; one invocation draws a procedural row.
const (
	propWG    = 64
	propPer   = 4
	clearWG   = wg
	maxGroupY = 65535 // GL_MAX_COMPUTE_WORK_GROUP_COUNT's guaranteed minimum, in y
	// netSpikeHeader is a network's spike list header: spikeCount, spikeCap and
	// propagate.comp's six words (32 bytes).
	netSpikeHeader = 32
)

// netLayout is the device shape of a network's synapses.
type netLayout struct {
	D, minDelay, q   int
	exDelta, inDelta bool // the port is a delta current for every neuron
	synWords         int  // 2: (post, w_q<<dBits | delay); 3: (post, w_q, delay)
	dBits            int
	net              *conn.Network
	stored           int64              // stored synapses with w_q != 0: those on the device
	proc             []*conn.Procedural // procedural projections that can make a synapse (P > 0)
	drawn            bool               // some procedural projection draws weights or delays
}

func netLayoutOf(m *model.Model) *netLayout {
	net := m.Net
	nl := &netLayout{D: net.D, minDelay: max(1, net.MinDelay), q: net.Q}
	nl.exDelta = m.Ex.Delta.IsScalar() && m.Ex.Delta.Scalar != 0
	nl.inDelta = m.In.Delta.IsScalar() && m.In.Delta.Scalar != 0
	nl.net = net
	maxAbs := int32(0)
	for _, w := range net.Wq {
		maxAbs = max(maxAbs, w, -w)
	}
	nl.stored = net.Stored - net.Zero
	nl.dBits = max(1, bits.Len(uint(nl.D-1)))
	nl.synWords = 3
	if bits.Len32(uint32(maxAbs))+1+nl.dBits <= 32 {
		nl.synWords = 2 // w_q's bits, its sign and the delay's fit one word
	}
	for _, g := range net.Proc {
		if g.Gap.P > 0 && g.Pre.Len() > 0 && g.Post.Len() > 0 {
			nl.proc = append(nl.proc, g)
			nl.drawn = nl.drawn || !g.WConst || !g.DConst
		}
	}
	return nl
}

// spikeHeader is the size of the spike list's header.
func (l layout) spikeHeader() int {
	if l.net != nil {
		return netSpikeHeader
	}
	return 8
}

// rowChunk is a run of the stored synapses into one ring chunk that fits one storage
// block: the rows, or parts of rows, of the pre neurons [preLo, preHi), synapses
// [synLo, synHi) of those into the ring chunk (ringRows' numbering). Row i's part starts
// at off[i-preLo] of the chunk (off has preHi-preLo+1 entries).
type rowChunk struct {
	ring         int // the ring chunk: p.chunks[ring]
	preLo, preHi int
	synLo, synHi int64
	groups       int // workgroups a spike: the longest part over propWG*propPer
}

// ringRows numbers the device's synapses into the posts [lo, hi) (zero weights dropped):
// row i's are [start[i], start[i+1]).
func (nl *netLayout) ringRows(lo, hi int) (start []int64) {
	net := nl.net
	n := len(net.RowStart) - 1
	start = make([]int64, n+1)
	for i := range n {
		a, b := nl.runOf(i, lo, hi)
		k := b - a
		if net.Zero > 0 {
			k = 0
			for _, w := range net.Wq[a:b] {
				if w != 0 {
					k++
				}
			}
		}
		start[i+1] = start[i] + k
	}
	return start
}

// runOf is the run [a, b) of row i's synapses (net's indices) into the posts [lo, hi):
// rows are sorted by post.
func (nl *netLayout) runOf(i, lo, hi int) (a, b int64) {
	net := nl.net
	a, b = net.RowStart[i], net.RowStart[i+1]
	post := net.Post[a:b]
	first := sort.Search(len(post), func(k int) bool { return int(post[k]) >= lo })
	last := first + sort.Search(len(post)-first, func(k int) bool { return int(post[first+k]) >= hi })
	return a + int64(first), a + int64(last)
}

// planRows cuts the rows start (start[i], start[i+1]: row i) into chunks of at most
// maxSyn synapses and maxPre pre neurons. A row longer than maxSyn is split; rows with
// nothing left are in no chunk.
func planRows(start []int64, maxSyn int64, maxPre int) []rowChunk {
	n := len(start) - 1
	var out []rowChunk
	pre, syn := 0, start[0]
	for {
		for pre < n && syn >= start[pre+1] {
			pre++ // nothing (left) in this row
		}
		if pre == n {
			return out
		}
		lo, synLo := pre, syn
		hi := lo // rows [lo, hi) are whole in the chunk (row lo from synLo)
		for hi < n && hi-lo < maxPre && start[hi+1]-synLo <= maxSyn {
			hi++
		}
		synHi := synLo
		if hi > lo {
			synHi = start[hi]
		}
		pre = hi
		if hi < n && hi-lo < maxPre && synHi-synLo < maxSyn {
			synHi = synLo + maxSyn // the first part of row hi, which does not fit whole
			pre, hi = hi, hi+1
		}
		syn = synHi
		rc := rowChunk{preLo: lo, preHi: hi, synLo: synLo, synHi: synHi}
		longest := int64(0)
		for i := lo; i < hi; i++ {
			longest = max(longest, min(start[i+1], synHi)-max(start[i], synLo))
		}
		rc.groups = int((longest + propWG*propPer - 1) / (propWG * propPer))
		out = append(out, rc)
	}
}

// off is the chunk's row offsets: where each of its rows' part starts.
func (rc rowChunk) off(start []int64) []uint32 {
	out := make([]uint32, rc.preHi-rc.preLo+1)
	for k := range out {
		out[k] = uint32(min(max(start[rc.preLo+k], rc.synLo), rc.synHi) - rc.synLo)
	}
	return out
}

// planNet adds a network's rings, synapses and tables to the plan.
func (p *plan) planNet() {
	nl := p.lay.net
	room := p.maxBlock - 64
	p.rows = nil
	for c := 0; c*p.chunkN < p.n && nl.stored > 0; c++ {
		start := nl.ringRows(c*p.chunkN, min((c+1)*p.chunkN, p.n))
		for _, rc := range planRows(start, room/int64(4*nl.synWords), int(room/4)-1) {
			rc.ring = c
			p.rows = append(p.rows, rc)
		}
	}
	g := 1
	for _, rc := range p.rows {
		g = max(g, rc.groups)
	}
	// A pair's propagation grid is spikes*groups workgroups in x and y, a count that
	// PREP computes in 32 bits.
	p.maxSpikes = int(min(int64(p.groups)*maxGroupY/int64(g), math.MaxUint32/int64(g), math.MaxInt32))
	p.perNeuron += 2 * 4 * int64(nl.D) // both rings
	p.fixed += p.synBytes() + 16*int64(len(p.rows)+len(nl.proc)+1)
	for _, rc := range p.rows {
		p.fixed += 4 * int64(rc.preHi-rc.preLo+1) // the row offsets
	}
	for _, g := range nl.proc {
		p.fixed += 4 * int64(len(g.Gap.T)+1)
	}
	if nl.drawn && !p.lay.noise {
		p.fixed += 4 * rng.NormalLen
	}
}

// synBytes is the device memory of the stored synapses.
func (p plan) synBytes() int64 { return 4 * int64(p.lay.net.synWords) * p.lay.net.stored }

// netMemoryError refuses a network that does not fit in avail bytes, with the numbers.
func (p plan) netMemoryError(avail int64) error {
	nl := p.lay.net
	return fmt.Errorf("%w: a network of %d neurons and %d stored synapses needs %s of device memory "+
		"(%d B a neuron, both delay rings of %d slots included; %s of synapses at %d B each; %s of recording buffers and tables), %s is available; "+
		"remedy: make Bernoulli projections procedural (no synapse stored), shorten the longest delay, or use a device with more memory",
		lifgpu.ErrOutOfDeviceMemory, p.n, nl.stored, mib(p.bytes()), p.perNeuron, nl.D, mib(p.synBytes()), 4*nl.synWords,
		mib(p.fixed-p.synBytes()), mib(avail))
}
