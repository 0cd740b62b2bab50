package conn

import (
	"math"

	"github.com/lifgpu/lifgpu/internal/rng"
)

// MaxGapLen is the most thresholds a Geometric table holds.
const MaxGapLen = 4096

// Geometric draws the gaps of a Bernoulli row of probability P: the number of failures
// before the next success. It is immutable and safe for concurrent use.
type Geometric struct {
	P float64
	// T are the thresholds: a uniform word u gives the gap #{k : T[k] < u} when that is
	// below len(T), else at least len(T) (move on by len(T) and draw again). Empty when
	// P is 0 or 1 (no draws are made: no targets, or all of them).
	T []uint32

	// idx narrows the search for a word's gap: idx[b] is the number of thresholds
	// below b<<idxShift, so a word u in bucket b = u>>idxShift has its gap in
	// [idx[b], idx[b+1]]. Only a speed-up: count gives the same gaps without it.
	idx []uint16
}

// idxBits is the number of a word's high bits that pick its bucket in Geometric.idx.
const (
	idxBits  = 12
	idxShift = 32 - idxBits
)

// NewGeometric builds the gap table of probability p in [0, 1].
func NewGeometric(p float64) *Geometric {
	g := &Geometric{P: p}
	if p <= 0 || p >= 1 {
		return g
	}
	l1p := math.Log1p(-p)
	for k := range MaxGapLen {
		cdf := -math.Expm1(float64(k+1) * l1p) // 1 - (1-p)^(k+1)
		t := math.Round(cdf*(1<<32)) - 1
		if t >= math.MaxUint32 {
			g.T = append(g.T, math.MaxUint32)
			break // every word is at or below it: the table ends here
		}
		g.T = append(g.T, uint32(max(t, 0)))
	}
	g.idx = make([]uint16, 1<<idxBits+1)
	k := 0
	for b := range g.idx {
		for k < len(g.T) && uint64(g.T[k]) < uint64(b)<<idxShift {
			k++
		}
		g.idx[b] = uint16(k)
	}
	return g
}

// count is the gap of word u: the number of thresholds below u (they never decrease),
// len(T) when u is above them all.
func (g *Geometric) count(u uint32) int {
	lo, hi := 0, len(g.T) // the first index with T >= u is in [lo, hi]
	if g.idx != nil {
		b := u >> idxShift
		lo, hi = int(g.idx[b]), int(g.idx[b+1])
	}
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if g.T[mid] < u {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// words hands out a row's uniform words: those of its Philox blocks 0, 1, 2, ... in the
// structure stream, four a block.
type words struct {
	seed   uint64
	stream uint32
	neuron uint32
	block  uint64
	buf    [4]uint32
	next   int
}

func newWords(seed uint64, stream uint32, neuron int) words {
	return words{seed: seed, stream: stream, neuron: uint32(neuron), next: 4}
}

func (w *words) word() uint32 {
	if w.next == 4 {
		w.buf = rng.Draw(w.seed, w.stream, w.neuron, w.block)
		w.block++
		w.next = 0
	}
	u := w.buf[w.next]
	w.next++
	return u
}

// Row calls emit(m, j) for the targets j of row neuron pre among post, in increasing
// order, m counting them from 0 (the synapse's index in the row, which keys its weight
// and delay draws). The structure's words come from stream, neuron pre.
func (g *Geometric) Row(seed uint64, stream uint32, pre int, post Range, emit func(m, j int)) {
	r := g.start(seed, stream, pre, post)
	for {
		j, ok := r.next()
		if !ok {
			return
		}
		emit(r.m-1, j)
	}
}

// rowDraw is a row being drawn (Row's loop, a target at a time): r.next() returns the
// next target, r.m counts those returned.
type rowDraw struct {
	g     *Geometric
	w     words
	j, hi int
	m     int
}

func (g *Geometric) start(seed uint64, stream uint32, pre int, post Range) rowDraw {
	return rowDraw{g: g, w: newWords(seed, stream, pre), j: post.Lo, hi: post.Hi}
}

// next returns the row's next target, or false at its end.
func (r *rowDraw) next() (int, bool) {
	g := r.g
	switch {
	case g.P <= 0:
		return 0, false
	case g.P >= 1:
		if r.j >= r.hi {
			return 0, false
		}
		r.j++
		r.m++
		return r.j - 1, true
	}
	if r.j >= r.hi {
		return 0, false
	}
	L := len(g.T)
	j := r.j
	for { // the gap: whole tables while the word is above every threshold
		c := g.count(r.w.word())
		j += c
		if c < L || j >= r.hi {
			break
		}
	}
	if j >= r.hi {
		r.j = j
		return 0, false
	}
	r.j = j + 1
	r.m++
	return j, true
}
