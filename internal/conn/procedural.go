package conn

import "github.com/lifgpu/lifgpu/internal/rng"

// Procedural is a Bernoulli projection whose rows are drawn again at each spike of a
// pre neuron instead of stored (GeNN's procedural connectivity): what a backend needs
// to draw them, on the host (Row) or in a shader (the same integer and float32 work).
type Procedural struct {
	Index      int   // the projection's index in the Config
	Pre, Post  Range // neurons [Lo, Hi)
	Gap        *Geometric
	Stream     uint32 // structure; Stream+1 weights, Stream+2 delays
	NoAutapses bool

	// Weights: constant (WConst: every synapse has WqConst) or drawn from
	// (WMean, WStd) in float32, then quantized at 2^-Q.
	WConst      bool
	WqConst     int32
	WMean, WStd float32
	Q           int
	DConst      bool
	DSteps      int     // the constant delay
	DMean, DStd float32 // the drawn delay's, in steps
	seed        uint64
	nt          *rng.NormalTable
}

func newProcedural(r *rule, q int) *Procedural {
	p := r.p
	g := &Procedural{Index: r.k, Pre: p.PreRange, Post: p.PostRange, Gap: r.gap, Stream: r.sStruct, NoAutapses: p.NoAutapses,
		WConst: p.WeightDist.Std == 0, WMean: r.wMean, WStd: r.wStd, Q: q,
		DConst: p.DelayDist.Std == 0, DSteps: r.dConst, DMean: r.dMean, DStd: r.dStd, seed: r.seed, nt: r.nt}
	if g.WConst {
		g.WqConst = int32(Quantize(p.WeightDist.Mean, q))
	}
	return g
}

// Row calls emit(post, wq, d) for the synapses of pre neuron i (which must be in Pre),
// in increasing post order: the synapses a stored copy of the projection holds.
func (g *Procedural) Row(i int, emit func(post int, wq int32, d int)) {
	r := g.Gap.start(g.seed, g.Stream, i, g.Post)
	for {
		j, ok := r.next()
		if !ok {
			return
		}
		if g.NoAutapses && j == i {
			continue
		}
		emit(j, g.weight(i, r.m-1), g.delay(i, r.m-1))
	}
}

// AppendRow appends the synapses of pre neuron i (which must be in Pre) to post, wq
// and d, in increasing post order, and returns the slices: Row's synapses, without a
// call per synapse.
func (g *Procedural) AppendRow(i int, post, wq []int32, d []uint16) ([]int32, []int32, []uint16) {
	r := g.Gap.start(g.seed, g.Stream, i, g.Post)
	for {
		j, ok := r.next()
		if !ok {
			return post, wq, d
		}
		if g.NoAutapses && j == i {
			continue
		}
		post = append(post, int32(j))
		wq = append(wq, g.weight(i, r.m-1))
		d = append(d, uint16(g.delay(i, r.m-1)))
	}
}

// weight is synapse m of row i's w_q.
func (g *Procedural) weight(i, m int) int32 {
	if g.WConst {
		return g.WqConst
	}
	w := DrawnWeight(g.seed, g.Stream+1, i, m, g.WMean, g.WStd, g.nt)
	return int32(Quantize(float64(w), g.Q))
}

// delay is synapse m of row i's delay in steps.
func (g *Procedural) delay(i, m int) int {
	if g.DConst {
		return g.DSteps
	}
	return DrawnDelay(g.seed, g.Stream+2, i, m, g.DMean, g.DStd, g.nt)
}
