package rng

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lifgpu/lifgpu/internal/f32"
)

// Layout of the Gaussian table (NormalTable.Values), shared with draws.glsl.
const (
	// NormalBits is the number of high bits of the first draw word that pick a cell
	// of the main table; the remaining 32-NormalBits bits (fewer than 24, so exact in
	// float32) are the position within the cell.
	NormalBits = 12
	// NormalCells is the number of equal-probability cells of the main table.
	NormalCells = 1 << NormalBits
	// NormalTailBits says where the tails start: a first word whose top NormalTailBits
	// bits are all 0 (all 1) lies in the lowest (highest) 2^-NormalTailBits of
	// probability, which the tail table serves.
	NormalTailBits = 6
	// NormalTailOffset is the index of the first tail entry in Values.
	NormalTailOffset = NormalCells + 1
	// NormalTailLevels is the number of dyadic levels of the tail table: level m
	// covers the positions v in [2^-(m+1), 2^-m) of the tail.
	NormalTailLevels = 32
	// NormalTailSubBits is the number of bits after the leading one of the second
	// word that pick one of a level's 2^NormalTailSubBits equal cells.
	NormalTailSubBits = 5
	// NormalTailStride is the number of entries per tail level (cells + 1).
	NormalTailStride = 1<<NormalTailSubBits + 1
	// NormalLen is the length of Values.
	NormalLen = NormalTailOffset + NormalTailLevels*NormalTailStride
)

// NormalTable turns two uint32 draw words into a standard normal sample with float32
// +, -, * alone. It is an inverse-CDF table: the first word u (read as a probability
// u/2^32) falls into one of NormalCells equal cells, and the sample is the straight
// line between the normal quantiles at the cell's two ends, at u's position inside it.
//
// Equal cells fit the tails badly (the outermost has an infinite end, and the quantile
// bends sharply in the next ones), so the lowest and highest 2^-6 of probability go to
// a tail table instead, with cells of equal relative width. It is read with the second
// word r2 as the position v = r2/2^32 in the tail (probability 2^-6 * v): the number m
// of leading zeros of r2 picks the octave [2^-(m+1), 2^-m) of v, the next 5 bits one of
// its 32 equal cells, and the 24 bits after those the position in that cell. The upper
// tail is the lower one negated. This reaches v = 2^-32, that is probability 2^-38: the
// largest |z| is -Quantile(2^-38) = 6.852 (MaxAbs; P(|Z| > 6.852) = 7e-12).
//
// Against N(0,1), the distribution Sample realises (with uniform positions) has a CDF
// within 1e-6 of Phi everywhere, a variance 1 + 3e-6, and tail probabilities within
// 0.02% of the true ones (TestNormalTableAccuracy). Table values are float64 quantiles
// (gonum's distuv.UnitNormal) rounded to float32; the lower half is computed and the
// upper half mirrored, so the table is exactly antisymmetric.
//
// A NormalTable is immutable and safe for concurrent use.
type NormalTable struct {
	v []float32
	// pairs[b] holds v[b] (low half) and v[b+1]-v[b] (high half, the f32.Sub that
	// Sample computes), for b < NormalLen-1: one 64-bit gather fetches both operands of
	// a sample (normal_amd64.s). Same bits as computing the difference per sample.
	pairs []uint64
}

// NewNormalTable builds the standard normal table. It always gives the same values;
// the tests pin their hash.
func NewNormalTable() *NormalTable { return newNormalTable(1) }

// newNormalTable builds the table of N(0, sigma^2) (sigma != 1 only in tests, to show
// that the statistical tests reject a wrong table).
func newNormalTable(sigma float64) *NormalTable {
	q := func(p float64) float32 { return float32(sigma * distuv.UnitNormal.Quantile(p)) }
	v := make([]float32, NormalLen)
	// Main table: v[i] = Q(i/NormalCells), exactly antisymmetric about i = NormalCells/2.
	for i := 1; i <= NormalCells/2; i++ {
		z := q(float64(i) / NormalCells)
		if i == NormalCells/2 {
			z = 0
		}
		v[i] = z
		v[NormalCells-i] = -z
	}
	// Tail: level m, point j at v = 2^-(m+1) * (1 + j/32) of the lower tail, that is
	// probability 2^-NormalTailBits * v. (Main entries 1..63 and their mirrors are
	// never read; they are kept so that the main table is simply Q(i/4096).)
	for m := 0; m < NormalTailLevels; m++ {
		for j := 0; j <= 1<<NormalTailSubBits; j++ {
			p := math.Ldexp(1+float64(j)/(1<<NormalTailSubBits), -(NormalTailBits + m + 1))
			v[NormalTailOffset+m*NormalTailStride+j] = q(p)
		}
	}
	// The ends of the main table (infinite quantiles) are never read; they hold the
	// extreme values so that the table reads as a whole.
	v[0] = v[NormalTailOffset+(NormalTailLevels-1)*NormalTailStride]
	v[NormalCells] = -v[0]
	pairs := make([]uint64, NormalLen-1)
	for b := range pairs {
		pairs[b] = uint64(math.Float32bits(v[b])) | uint64(math.Float32bits(f32.Sub(v[b+1], v[b])))<<32
	}
	return &NormalTable{v: v, pairs: pairs}
}

// Values returns the table to upload to the device (NormalLen float32, std430 layout
// of float[]): the main table at [0, NormalCells], the tail from NormalTailOffset, level
// m's NormalTailStride points from NormalTailOffset + NormalTailStride*m. The caller must
// not modify it.
func (t *NormalTable) Values() []float32 { return t.v }

// MaxAbs returns the largest |z| that Sample can return.
func (t *NormalTable) MaxAbs() float32 { return -t.v[0] }

// Sample returns the standard normal sample of the draw words r (cell and position)
// and r2 (read in the tails only: one draw in 32). Its operations are those of
// normal_sample in draws.glsl, one by one: integer work picks a table index b and a
// position f in [0, 1), then z = v[b] + (v[b+1]-v[b])*f, negated in the upper tail.
func (t *NormalTable) Sample(r, r2 uint32) float32 {
	b, f, neg := normalIndex(r, r2)
	z := lerp(t.v[b], t.v[b+1], f)
	if neg {
		z = -z
	}
	return z
}

// normalIndex returns the table index, the position in the cell and whether the
// sample is negated.
func normalIndex(r, r2 uint32) (b uint32, f float32, neg bool) {
	top := r >> (32 - NormalTailBits)
	if top != 0 && top != 1<<NormalTailBits-1 {
		b = r >> (32 - NormalBits)
		f = float32(r&(1<<(32-NormalBits)-1)) * (1.0 / (1 << (32 - NormalBits))) // exact: below 2^20, times 2^-20
		return b, f, false
	}
	m := uint32(min(bits.LeadingZeros32(r2), NormalTailLevels-1)) // r2 = 0 and 1 share the last point
	x := r2 << m << 1                                             // drop the leading one; two shifts, each below 32
	j := x >> (32 - NormalTailSubBits)
	f = float32(x<<NormalTailSubBits>>8) * 0x1p-24 // the next 24 bits, exact
	return NormalTailOffset + m*NormalTailStride + j, f, top != 0
}

// lerp returns a + (b-a)*f as three separately rounded float32 operations, each flushed
// to zero when it underflows (none does for this table's values, whose neighbours
// differ by more than 1e-4; the flush keeps the rule the same everywhere).
func lerp(a, b, f float32) float32 {
	d := f32.Sub(b, a)
	e := f32.Mul(d, f)
	return f32.Add(a, e)
}
