package cpu

import (
	"math"
	"slices"
	"unsafe"

	"github.com/lifgpu/lifgpu/internal/model"
)

// network is what the fast path keeps of a network besides the state (the currents and
// the rings live in Population): the ports as the synaptic step reads them, and the
// step itself.
type network struct {
	decEx, decIn param[float32] // see portDecay
	scale        float32        // 2^-q

	// cuts[i*(W-1)+w-1], for W workers and w in [1, W): where worker w's posts begin
	// in stored row i, as an offset from its start (rows are sorted by post). Worker w
	// propagates the part between its cut and the next, so no worker searches a row.
	cuts []uint32
}

func newNetwork(m *model.Model) *network {
	return &network{
		decEx: newParam(portDecay(m.Ex, m.N), m.N), decIn: newParam(portDecay(m.In, m.N), m.N),
		scale: float32(math.Ldexp(1, -m.Net.Q)),
	}
}

// rowCuts computes the cuts (see network) of every stored row for the workers' post
// ranges, once, with the workers.
func (p *Population) rowCuts(ranges [][2]int) {
	net, W := p.m.Net, len(ranges)
	if net.Stored == 0 || W < 2 {
		return
	}
	cuts := make([]uint32, p.n*(W-1))
	per := (p.n + W - 1) / W
	p.team.run(W, func(t int) {
		for i := t * per; i < min((t+1)*per, p.n); i++ {
			row := net.Post[net.RowStart[i]:net.RowStart[i+1]]
			for w := 1; w < W; w++ {
				x, _ := slices.BinarySearch(row, int32(ranges[w][0]))
				cuts[i*(W-1)+w-1] = uint32(x)
			}
		}
	})
	p.net.cuts = cuts
}

// portDecay is a port as the synaptic step reads it: each neuron's decay, or -1 where
// the port is a delta current (a decay is never negative: the sign bit tells them apart).
func portDecay(pt model.Port, n int) model.Field[float32] {
	dec := func(i int) float32 {
		if pt.Delta.At(i) != 0 {
			return -1
		}
		return pt.Decay.At(i)
	}
	if pt.Delta.IsScalar() && pt.Decay.IsScalar() {
		return model.Field[float32]{Scalar: dec(0)}
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = dec(i)
	}
	return model.Field[float32]{Values: v}
}

// synDrive takes the synaptic input of neurons [lo, hi) at step s out of the rings and
// turns their input in (without the synapses) into the drive e, which may be in itself.
// hi may run into the padding (the rings' slots are p.stride = npad long).
func (p *Population) synDrive(e, in []float32, lo, hi int, s int64) {
	nt := p.net
	at := int(s%int64(p.m.Net.D))*p.stride + lo
	b := synBlock{
		e: &e[0], in: &in[0], ringEx: &p.ringEx[at], ringIn: &p.ringIn[at],
		iEx: &p.iEx[lo], iIn: &p.iIn[lo], decEx: nt.decEx.at(lo), decIn: nt.decIn.at(lo),
		r: p.r.at(lo), uRest: p.uRest.at(lo), n: hi - lo, scale: nt.scale,
	}
	if p.m.Method == "exact" {
		p.kern.synExact(&b)
	} else {
		p.kern.synEuler(&b)
	}
}

// rowRef is one drawn procedural row of a spike in a chunk: the spike's step in the
// chunk, and its synapses in the worker's row buffer.
type rowRef struct {
	j      int32
	lo, hi int
}

// rowBuf holds the procedural rows a worker drew in a chunk, each sorted by post.
type rowBuf struct {
	refs []rowRef
	post []int32
	wq   []int32
	d    []uint16
}

func (r *rowBuf) reset() {
	r.refs, r.post, r.wq, r.d = r.refs[:0], r.post[:0], r.wq[:0], r.d[:0]
}

// drawRows draws the procedural rows of the spikes o.ev into o.rows, each once: the
// worker that found a spike draws its rows, and every worker scatters its part of them.
func (p *Population) drawRows(o *workerOut) {
	rb := &o.rows
	rb.reset()
	procs := p.m.Net.Proc
	if len(procs) == 0 {
		return
	}
	for _, ev := range o.ev {
		i := int(ev.i)
		for _, g := range procs {
			if i < g.Pre.Lo || i >= g.Pre.Hi {
				continue
			}
			lo := len(rb.post)
			rb.post, rb.wq, rb.d = g.AppendRow(i, rb.post, rb.wq, rb.d)
			if len(rb.post) > lo {
				rb.refs = append(rb.refs, rowRef{j: ev.j, lo: lo, hi: len(rb.post)})
			}
		}
	}
}

// propagateChunk adds the synapses of the chunk's spikes (every worker's o.ev, o.rows) into
// the delay rings, each at its arrival step s + d, by the sign of its weight. The
// workers split the post neurons, not the spikes: each takes, from every row, the part
// whose posts are its own (rows are sorted by post), so no two write the same entry and
// no lock is needed. The sums are of integers: any order gives the same bits.
func (p *Population) propagateChunk(outs []workerOut, ranges [][2]int, s0 int64) {
	net := p.m.Net
	D := net.D
	p.team.run(len(ranges), func(w int) {
		lo, hi := int32(ranges[w][0]), int32(min(ranges[w][1], p.n))
		if lo >= hi {
			return
		}
		sc := scatter{ringEx: p.ringEx, ringIn: p.ringIn, n: p.stride, D: D}
		for k := range outs {
			o := &outs[k]
			if net.Stored > 0 {
				W := len(ranges)
				for _, ev := range o.ev {
					a, b := net.RowStart[ev.i], net.RowStart[ev.i+1]
					if W > 1 { // this worker's part of the row
						c := p.net.cuts[int(ev.i)*(W-1):]
						if w > 0 {
							a += int64(c[w-1])
						}
						if w < W-1 {
							b = net.RowStart[ev.i] + int64(c[w])
						}
					}
					if a < b {
						sc.add(net.Post[a:b], net.Wq[a:b], net.Delay[a:b], int((s0+int64(ev.j))%int64(D)))
					}
				}
			}
			rb := &o.rows
			for _, rr := range rb.refs {
				sc.row(rb.post[rr.lo:rr.hi], rb.wq[rr.lo:rr.hi], rb.d[rr.lo:rr.hi], lo, hi, int((s0+int64(rr.j))%int64(D)))
			}
		}
	})
}

// scatter adds synapses into the rings.
type scatter struct {
	ringEx, ringIn []int32
	n, D           int // n: the slots' stride
}

// row adds the synapses of one row (sorted by post) whose posts are in [lo, hi), for
// a spike in ring slot sd. The inner loop indexes the rings without bounds checks: a
// post is a neuron (< n <= the stride) and a slot is < D, so every index is in the ring.
func (sc *scatter) row(post, wq []int32, d []uint16, lo, hi int32, sd int) {
	a, b := 0, len(post)
	if post[0] < lo {
		a, _ = slices.BinarySearch(post, lo)
	}
	if post[b-1] >= hi {
		b, _ = slices.BinarySearch(post, hi)
	}
	if a >= b {
		return
	}
	sc.add(post[a:b], wq[a:b], d[a:b], sd)
}

// add adds the synapses of a row part, all of whose posts are the worker's, for a spike
// in ring slot sd.
func (sc *scatter) add(post, wq []int32, d []uint16, sd int) {
	wq, d = wq[:len(post)], d[:len(post)]
	n, D := sc.n, sc.D
	rings := [2]unsafe.Pointer{unsafe.Pointer(&sc.ringEx[0]), unsafe.Pointer(&sc.ringIn[0])}
	for k, j := range post {
		t := sd + int(d[k])
		if t >= D {
			t -= D
		}
		w := wq[k]
		// The ring by the weight's sign bit; a weight of 0 adds nothing to either.
		at := (*int32)(unsafe.Add(rings[uint32(w)>>31], 4*(t*n+int(j))))
		*at += w
	}
}
