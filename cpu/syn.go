package cpu

import (
	"math"

	"github.com/lifgpu/lifgpu/internal/f32"
)

// A synBlock is the synaptic step of one block of neurons at one step (DESIGN.md, "One
// step n, per neuron j"), fused with the drive that the block kernel takes. For each
// neuron i < n and each port P (ex, in):
//
//	a = ring_P[i]; ring_P[i] = 0; s = float32(a) * scale         (exact)
//	delta port (dec_P[i]'s sign bit set): syn_P = s, i_P[i] untouched
//	else:   c = i_P[i] * dec_P[i]; c = c + s; i_P[i] = c; syn_P = c
//
// then syn = syn_ex + syn_in, I = in[i] + syn and e[i] = r[i]*I (Euler) or
// uRest[i] + r[i]*I (exact): each float32 operation rounded on its own and flushed to
// zero when it underflows, in the contract's operand order. in holds the input before
// the synapses, ((((bias + sched) + x) + noise) + poisson); e may be in itself.
//
// The field order is read by the assembly versions: keep it in step with syn_amd64.s.
type synBlock struct {
	e, in          *float32
	ringEx, ringIn *int32 // the block's entries of the step's ring slot: read and cleared
	iEx, iIn       *float32
	decEx, decIn   *float32 // the decay, or -1 for a delta port (see portDecay)
	r, uRest       *float32 // uRest: the exact method only
	n              int      // neurons, any count
	scale          float32  // 2^-q
}

// synKernel runs one synBlock; which one runs is chosen at start-up with the block kernels (see kernelSets).
type synKernel func(b *synBlock)

// synEulerGo is the portable synaptic step for the Euler method.
func synEulerGo(b *synBlock) { synGo(b, false) }

// synExactGo is the portable synaptic step for the exact method.
func synExactGo(b *synBlock) { synGo(b, true) }

func synGo(b *synBlock, exact bool) {
	n := b.n
	if n <= 0 {
		return
	}
	e, in := unsafeSlice(b.e, n), unsafeSlice(b.in, n)
	ringEx, ringIn := unsafeSlice(b.ringEx, n), unsafeSlice(b.ringIn, n)
	iEx, iIn := unsafeSlice(b.iEx, n), unsafeSlice(b.iIn, n)
	decEx, decIn := unsafeSlice(b.decEx, n), unsafeSlice(b.decIn, n)
	r := unsafeSlice(b.r, n)
	scale := b.scale
	for i := range n {
		sx := f32.Mul(float32(ringEx[i]), scale)
		ringEx[i] = 0
		if !isDelta(decEx[i]) {
			c := f32.Mul(iEx[i], decEx[i])
			c = f32.Add(c, sx)
			iEx[i] = c
			sx = c
		}
		si := f32.Mul(float32(ringIn[i]), scale)
		ringIn[i] = 0
		if !isDelta(decIn[i]) {
			c := f32.Mul(iIn[i], decIn[i])
			c = f32.Add(c, si)
			iIn[i] = c
			si = c
		}
		I := f32.Add(in[i], f32.Add(sx, si))
		e[i] = f32.Mul(r[i], I)
	}
	if exact {
		uRest := unsafeSlice(b.uRest, n)
		for i := range n {
			e[i] = f32.Add(uRest[i], e[i])
		}
	}
}

// isDelta reports whether a port's decay marks a delta port: its sign bit is set.
func isDelta(dec float32) bool { return math.Float32bits(dec)>>31 != 0 }
