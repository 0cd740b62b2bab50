package conn

import (
	"math"
	"sort"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// rule is one projection's synapses, enumerated by units (the rows it is drawn by: pre
// neurons of a Bernoulli rule, post neurons of an in-degree rule, blocks of an explicit
// projection's arrays), so that workers can share them.
type rule struct {
	k    int // the projection's index
	p    lifgpu.Projection
	seed uint64
	dt   float64
	nt   *rng.NormalTable
	gap  *Geometric // Bernoulli

	sStruct, sW, sD uint32
	wMean, wStd     float32 // drawn weights
	dMean, dStd     float32 // drawn delays, in steps
	dConst          int     // constant delay, steps
}

// explicitUnit is the number of an explicit projection's synapses in one unit.
const explicitUnit = 1 << 16

func newRule(k int, p lifgpu.Projection, seed uint64, dt float64, nt *rng.NormalTable) *rule {
	r := &rule{k: k, p: p, seed: seed, dt: dt, nt: nt}
	r.sStruct, r.sW, r.sD = Streams(k)
	if p.Explicit() {
		return r
	}
	if p.P != 0 {
		r.gap = NewGeometric(p.P)
	}
	r.wMean, r.wStd = float32(p.WeightDist.Mean), float32(p.WeightDist.Std)
	r.dMean, r.dStd = float32(p.DelayDist.Mean/dt), float32(p.DelayDist.Std/dt)
	r.dConst = StepsOf(p.DelayDist.Mean, dt)
	return r
}

// units is how many units the rule has.
func (r *rule) units() int {
	switch {
	case r.p.Explicit():
		return (len(r.p.Pre) + explicitUnit - 1) / explicitUnit
	case r.gap != nil:
		return r.p.PreRange.Len()
	}
	return r.p.PostRange.Len()
}

// synapse is one synapse as a rule makes it: the weight before quantizing (float64:
// an explicit or constant weight, or a drawn float32 one), the delay in steps.
type synapse struct {
	pre, post int
	w         float64
	d         int
}

// visit calls f for every synapse of unit u.
func (r *rule) visit(u int, f func(s synapse)) {
	p := r.p
	switch {
	case p.Explicit():
		lo, hi := u*explicitUnit, min((u+1)*explicitUnit, len(p.Pre))
		for i := lo; i < hi; i++ {
			f(synapse{int(p.Pre[i]), int(p.Post[i]), p.Weight[i], StepsOf(p.Delay[i], r.dt)})
		}
	case r.gap != nil:
		pre := p.PreRange.Lo + u
		r.gap.Row(r.seed, r.sStruct, pre, p.PostRange, func(m, j int) {
			if p.NoAutapses && j == pre {
				return
			}
			f(synapse{pre, j, r.weight(pre, m), r.delay(pre, m)})
		})
	default:
		post := p.PostRange.Lo + u
		for m, pre := range r.inDegree(post) {
			f(synapse{pre, post, r.weight(post, m), r.delay(post, m)})
		}
	}
}

// weight is synapse m of row neuron key's weight (a drawn one as float32).
func (r *rule) weight(key, m int) float64 {
	if r.p.WeightDist.Std == 0 {
		return r.p.WeightDist.Mean
	}
	return float64(DrawnWeight(r.seed, r.sW, key, m, r.wMean, r.wStd, r.nt))
}

// delay is synapse m of row neuron key's delay in steps.
func (r *rule) delay(key, m int) int {
	if r.p.DelayDist.Std == 0 {
		return r.dConst
	}
	return DrawnDelay(r.seed, r.sD, key, m, r.dMean, r.dStd, r.nt)
}

// inDegree returns the pre neurons post neuron j draws, in draw order.
func (r *rule) inDegree(j int) []int {
	p := r.p
	lo, R := p.PreRange.Lo, p.PreRange.Len()
	w := newWords(r.seed, r.sStruct, j)
	pick := func(n int) int { return int(uint64(w.word()) * uint64(n) >> 32) }
	out := make([]int, 0, p.InDegree)
	self := p.NoAutapses && j >= lo && j < lo+R
	if !p.NoMultapses {
		for len(out) < p.InDegree {
			if pre := lo + pick(R); !(self && pre == j) {
				out = append(out, pre)
			}
		}
		return out
	}
	// Floyd's algorithm over the candidates [0, n): all of the range, or all but j.
	n := R
	if self {
		n--
	}
	chosen := make(map[int]bool, p.InDegree)
	for top := n - p.InDegree; top < n; top++ {
		t := pick(top + 1)
		if chosen[t] {
			t = top
		}
		chosen[t] = true
		pre := lo + t
		if self && pre >= j {
			pre++ // skip j itself
		}
		out = append(out, pre)
	}
	return out
}

// delayBounds returns the shortest and longest delay a rule can make, in steps,
// without drawing: a drawn delay is monotone in z, which the Gaussian table bounds.
func (r *rule) delayBounds() (lo, hi int) {
	p := r.p
	switch {
	case p.Explicit():
		if len(p.Delay) == 0 {
			return 0, 0
		}
		lo, hi = math.MaxInt, 0
		for _, d := range p.Delay {
			s := StepsOf(d, r.dt)
			lo, hi = min(lo, s), max(hi, s)
		}
		return lo, hi
	case p.DelayDist.Std == 0:
		return r.dConst, r.dConst
	}
	z := r.nt.MaxAbs()
	at := func(z float32) int {
		return ClipDelay(math.Round(float64(addMul(r.dMean, r.dStd, z))))
	}
	return at(-z), at(z)
}

// sortRow orders a row's synapses by post, weight and delay: a canonical order,
// whatever order the workers filled it in.
func sortRow(post []int32, wq []int32, d []uint16) {
	sort.Sort(rowSorter{post, wq, d})
}

type rowSorter struct {
	post []int32
	wq   []int32
	d    []uint16
}

func (s rowSorter) Len() int { return len(s.post) }
func (s rowSorter) Less(a, b int) bool {
	if s.post[a] != s.post[b] {
		return s.post[a] < s.post[b]
	}
	if s.wq[a] != s.wq[b] {
		return s.wq[a] < s.wq[b]
	}
	return s.d[a] < s.d[b]
}
func (s rowSorter) Swap(a, b int) {
	s.post[a], s.post[b] = s.post[b], s.post[a]
	s.wq[a], s.wq[b] = s.wq[b], s.wq[a]
	s.d[a], s.d[b] = s.d[b], s.d[a]
}
