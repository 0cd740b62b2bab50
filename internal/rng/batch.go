package rng

// Batched draws: DrawWords (DrawN), NormalTable.SampleN and PoissonTable.SampleN give,
// for a run of consecutive neurons, exactly the words and values of Draw,
// NormalTable.Sample and PoissonTable.Sample, one neuron after another. The CPU backend
// uses them to draw a whole block of neurons at a time; they run on the vector units
// where they can (draw_amd64.s, normal_amd64.s, poisson_amd64.s): a Philox block costs
// about 0.7 ns a neuron on AVX-512 instead of tens in scalar Go.

import "fmt"

// DrawN writes words 0 and 1 of Draw(seed, stream, neuron0+uint32(i), ctr) to w0[i]
// and w1[i], for i in [0, len(w0)): DrawWords with w2 and w3 nil.
func DrawN(seed uint64, stream, neuron0 uint32, ctr uint64, w0, w1 []uint32) {
	DrawWords(seed, stream, neuron0, ctr, w0, w1, nil, nil)
}

// DrawWords writes the four words of Draw(seed, stream, neuron0+uint32(i), ctr) to
// w0[i], w1[i], w2[i] and w3[i], for i in [0, len(w0)). The neuron index is a uint32 and
// wraps like one: neuron0+uint32(i) is taken modulo 2^32, as the scalar addition would.
// w1, w2 and w3 may be nil (a word nobody needs is not stored); otherwise each must be
// at least as long as w0 (DrawWords panics if one is shorter) and only its first len(w0)
// words are written.
func DrawWords(seed uint64, stream, neuron0 uint32, ctr uint64, w0, w1, w2, w3 []uint32) {
	drawWith(drawImpls[0], seed, stream, neuron0, ctr, [4][]uint32{w0, w1, w2, w3})
}

// drawImpl is one implementation of the batched draw. Its kernel fills w0 (and w1, w2,
// w3 where not nil, then of the same length) for neurons neuron0, neuron0+1, ... from
// the precomputed params; len(w0) must be a multiple of block.
type drawImpl struct {
	name   string
	block  int
	kernel func(p philoxParams, neuron0 uint32, w0, w1, w2, w3 []uint32)
}

// drawImpls lists the implementations this machine can run, fastest first;
// architecture files prepend theirs in init. The portable one is always last. DrawN
// uses the first; the tests run every one.
var drawImpls = []drawImpl{{name: "go", block: 1, kernel: drawGo}}

// drawNWith is DrawN on the implementation d.
func drawNWith(d drawImpl, seed uint64, stream, neuron0 uint32, ctr uint64, w0, w1 []uint32) {
	drawWith(d, seed, stream, neuron0, ctr, [4][]uint32{w0, w1})
}

// drawWith is DrawWords on the implementation d: the kernel takes the largest multiple
// of its block, and the rest (fewer than block neurons) goes through one more block
// into buffers on the stack.
func drawWith(d drawImpl, seed uint64, stream, neuron0 uint32, ctr uint64, w [4][]uint32) {
	n := len(w[0])
	for j := 1; j < 4; j++ {
		if w[j] != nil {
			if len(w[j]) < n {
				panic(fmt.Sprintf("rng: DrawWords: len(w%d) = %d < len(w0) = %d", j, len(w[j]), n))
			}
			w[j] = w[j][:n:n]
		}
	}
	if n == 0 {
		return
	}
	p := newPhiloxParams(seed, stream, ctr)
	m := n - n%d.block
	if m > 0 {
		var head [4][]uint32
		for j := range w {
			if w[j] != nil {
				head[j] = w[j][:m]
			}
		}
		d.kernel(p, neuron0, head[0], head[1], head[2], head[3])
	}
	if m == n {
		return
	}
	var buf [4][maxDrawBlock]uint32
	var tail [4][]uint32
	for j := range w {
		if w[j] != nil {
			tail[j] = buf[j][:d.block]
		}
	}
	d.kernel(p, neuron0+uint32(m), tail[0], tail[1], tail[2], tail[3])
	for j := range w {
		if w[j] != nil {
			copy(w[j][m:], buf[j][:n-m])
		}
	}
}

// maxDrawBlock is the largest block of any kernel.
const maxDrawBlock = 16

// philoxParams holds what a batch of draws shares (everything but the neuron), with the
// first two rounds folded in as far as they do not depend on the neuron. Every field is
// a uint32 value in a uint64 (the kernels broadcast 64-bit lanes and read their low
// halves). For a batch, the counter (n, s0, s1, st) under the key (k0, k1) has only
// n varying, so:
//
//	round 1: c1*M1 is a constant: c0 = hi(M1*s1)^s0^k0 and c1 = lo(M1*s1) are
//	         constants A and B; c2 = hi(M0*n)^(st^k1) and c3 = lo(M0*n) vary;
//	round 2: c0*M0 = P is a constant: c0 = hi(M1*c2)^(B^k0'), c1 = lo(M1*c2),
//	         c2 = lo(M0*n)^(hi(P)^k1'), and c3 = lo(P) a constant, which round 3 only
//	         xors into c2 with its key word k1'', so it joins that key word.
//
// The kernels then run rounds 3 to 10 with c3 = 0 entering round 3.
type philoxParams struct {
	x1   uint64     // st ^ k1 of round 1
	x2   uint64     // B ^ k0 of round 2
	x3   uint64     // hi(P) ^ k1 of round 2
	keys [16]uint64 // k0, k1 of rounds 3..10; k1 of round 3 has lo(P) folded in
}

func newPhiloxParams(seed uint64, stream uint32, step uint64) philoxParams {
	var ks0, ks1 [10]uint32
	k0, k1 := uint32(seed), uint32(seed>>32)
	for r := range 10 {
		ks0[r], ks1[r] = k0, k1
		k0 += philoxW0
		k1 += philoxW1
	}
	s0, s1, st := uint32(step), uint32(step>>32), stream
	p1 := uint64(philoxM1) * uint64(s1)
	a := uint32(p1>>32) ^ s0 ^ ks0[0]
	b := uint32(p1)
	pp := uint64(philoxM0) * uint64(a)
	var p philoxParams
	p.x1 = uint64(st ^ ks1[0])
	p.x2 = uint64(b ^ ks0[1])
	p.x3 = uint64(uint32(pp>>32) ^ ks1[1])
	for r := 2; r < 10; r++ {
		p.keys[2*(r-2)] = uint64(ks0[r])
		p.keys[2*(r-2)+1] = uint64(ks1[r])
	}
	p.keys[1] ^= uint64(uint32(pp))
	return p
}

// drawGo is the portable kernel (block 1): the scalar Philox with the folded first
// rounds, a neuron at a time.
func drawGo(p philoxParams, neuron0 uint32, w0, w1, w2, w3 []uint32) {
	x1, x2, x3 := uint32(p.x1), uint32(p.x2), uint32(p.x3)
	var k [16]uint32
	for i, v := range p.keys {
		k[i] = uint32(v)
	}
	for i := range w0 {
		n := neuron0 + uint32(i)
		t := uint64(philoxM0) * uint64(n)
		c2 := uint32(t>>32) ^ x1
		q := uint64(philoxM1) * uint64(c2)
		c0 := uint32(q>>32) ^ x2
		c1 := uint32(q)
		c2 = uint32(t) ^ x3
		c3 := uint32(0)
		for r := 0; r < 16; r += 2 {
			p0 := uint64(philoxM0) * uint64(c0)
			p1 := uint64(philoxM1) * uint64(c2)
			c0, c1, c2, c3 = uint32(p1>>32)^c1^k[r], uint32(p1), uint32(p0>>32)^c3^k[r+1], uint32(p0)
		}
		w0[i] = c0
		if w1 != nil {
			w1[i] = c1
		}
		if w2 != nil {
			w2[i] = c2
		}
		if w3 != nil {
			w3[i] = c3
		}
	}
}

// SampleN writes t.Sample(r[i], r2[i]) to z[i] for i in [0, len(z)); r and r2 must be
// at least as long as z (SampleN panics otherwise).
func (t *NormalTable) SampleN(r, r2 []uint32, z []float32) {
	n := len(z)
	if len(r) < n || len(r2) < n {
		panic(fmt.Sprintf("rng: NormalTable.SampleN: len(r) = %d, len(r2) = %d < len(z) = %d", len(r), len(r2), n))
	}
	normalImpls[0].sample(t, r, r2, z)
}

// normalImpl is one implementation of NormalTable.SampleN on the table t; r and r2 are
// as long as z.
type normalImpl struct {
	name   string
	sample func(t *NormalTable, r, r2 []uint32, z []float32)
}

// normalImpls lists the SampleN implementations this machine can run, fastest first,
// as drawImpls does; the portable one is always last.
var normalImpls = []normalImpl{{name: "go", sample: normalSampleGo}}

// normalSampleGo is the portable SampleN: the main cells inline, the tails (one draw in
// 32) through Sample.
func normalSampleGo(t *NormalTable, r, r2 []uint32, z []float32) {
	v := t.v
	r, r2 = r[:len(z)], r2[:len(z)]
	for i, u := range r {
		top := u >> (32 - NormalTailBits)
		if top != 0 && top != 1<<NormalTailBits-1 {
			b := u >> (32 - NormalBits)
			f := float32(u&(1<<(32-NormalBits)-1)) * (1.0 / (1 << (32 - NormalBits)))
			a := v[b]
			z[i] = lerp(a, v[b+1], f)
			continue
		}
		b, f, neg := normalIndex(u, r2[i])
		x := lerp(v[b], v[b+1], f)
		if neg {
			x = -x
		}
		z[i] = x
	}
}

// SampleN writes p.Sample(neuron0+i, r[i]) to k[i] for i in [0, len(k)); r must be at
// least as long as k (SampleN panics otherwise).
func (p *PoissonTable) SampleN(neuron0 int, r []uint32, k []uint32) {
	if len(r) < len(k) {
		panic(fmt.Sprintf("rng: PoissonTable.SampleN: len(r) = %d < len(k) = %d", len(r), len(k)))
	}
	r = r[:len(k)]
	if p.kmax == 0 {
		clear(k)
		return
	}
	if p.shared {
		poissonImpls[0].sample(p.t[:p.kmax], p.kmax, 0, r, k)
		return
	}
	poissonImpls[0].sample(p.t[neuron0*p.kmax:(neuron0+len(k))*p.kmax], p.kmax, p.kmax, r, k)
}

// poissonImpl is one implementation of PoissonTable.SampleN: k[i] is the count of r[i]
// against the kmax thresholds t[i*stride:] (stride 0: one table for all, kmax: one per
// neuron); kmax > 0, r as long as k, t long enough.
type poissonImpl struct {
	name   string
	sample func(t []uint32, kmax, stride int, r, k []uint32)
}

// poissonImpls lists the implementations this machine can run, fastest first, as
// drawImpls does; the portable one is always last.
var poissonImpls = []poissonImpl{{name: "go", sample: poissonSampleGo}}

// poissonSampleGo is the portable SampleN, a neuron at a time.
func poissonSampleGo(t []uint32, kmax, stride int, r, k []uint32) {
	r = r[:len(k)]
	for i, u := range r {
		b := i * stride
		k[i] = countBelow(t[b:b+kmax], u)
	}
}
