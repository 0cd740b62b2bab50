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
	_, sW, sD := g.Stream, g.Stream+1, g.Stream+2
	g.Gap.Row(g.seed, g.Stream, i, g.Post, func(m, j int) {
		if g.NoAutapses && j == i {
			return
		}
		wq := g.WqConst
		if !g.WConst {
			w := DrawnWeight(g.seed, sW, i, m, g.WMean, g.WStd, g.nt)
			wq = int32(Quantize(float64(w), g.Q))
		}
		d := g.DSteps
		if !g.DConst {
			d = DrawnDelay(g.seed, sD, i, m, g.DMean, g.DStd, g.nt)
		}
		emit(j, wq, d)
	})
}
