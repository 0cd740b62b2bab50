package cpu

import "github.com/lifgpu/lifgpu/internal/f32"

// A block is up to blockSize neurons (a multiple of lanes) advanced through many steps
// while their state stays in the L1 cache. The drive e is constant over the call.
//
// Euler: e = R*I and u = u - alpha*((u - uRest) - e).
// Exact: e = uRest + R*I (v) and u = v + (u - v)*decay, with decay in alpha; uRest unused.
//
// For each step j and each group of 16 neurons w, masks[j*(n/16)+w] gets bit b set
// when neuron 16w+b spiked in that step.
//
// The field order is read by the assembly kernels: keep it in step with kernel_amd64.s.
type block struct {
	u        *float32
	ref      *int32
	e        *float32
	alpha    *float32
	uRest    *float32
	uReset   *float32
	uTh      *float32
	refSteps *int32
	masks    *uint16
	n        int // neurons, a multiple of lanes
	steps    int
}

const (
	lanes     = 16  // neurons per mask word
	blockSize = 512 // neurons per block: 9 arrays x 4 B x 512 = 18 KiB, inside L1
)

// kernel advances one block; which one runs is chosen at start-up (see kernels).
type kernel func(b *block)

// eulerGo is the portable block kernel for Euler: the contract's float32 operations,
// each rounded on its own and flushed to zero when it underflows (internal/f32).
func eulerGo(b *block) {
	n := b.n
	u := unsafeSlice(b.u, n)
	ref := unsafeSlice(b.ref, n)
	e := unsafeSlice(b.e, n)
	alpha := unsafeSlice(b.alpha, n)
	uRest := unsafeSlice(b.uRest, n)
	uReset := unsafeSlice(b.uReset, n)
	uTh := unsafeSlice(b.uTh, n)
	refSteps := unsafeSlice(b.refSteps, n)
	masks := unsafeSlice(b.masks, b.steps*n/lanes)
	for j := 0; j < b.steps; j++ {
		mrow := masks[j*n/lanes : (j+1)*n/lanes]
		for w := range mrow {
			var m uint16
			for l := 0; l < lanes; l++ {
				i := w*lanes + l
				if ref[i] > 0 {
					ref[i]--
					continue
				}
				d := f32.Sub(u[i], uRest[i])
				f := f32.Sub(d, e[i])
				g := f32.Mul(alpha[i], f)
				v := f32.Sub(u[i], g)
				if f32.GE(v, uTh[i]) {
					m |= 1 << l
					v = uReset[i]
					ref[i] = refSteps[i]
				}
				u[i] = v
			}
			mrow[w] = m
		}
	}
}

// exactGo is the portable block kernel for the exact method.
func exactGo(b *block) {
	n := b.n
	u := unsafeSlice(b.u, n)
	ref := unsafeSlice(b.ref, n)
	vv := unsafeSlice(b.e, n)
	decay := unsafeSlice(b.alpha, n)
	uReset := unsafeSlice(b.uReset, n)
	uTh := unsafeSlice(b.uTh, n)
	refSteps := unsafeSlice(b.refSteps, n)
	masks := unsafeSlice(b.masks, b.steps*n/lanes)
	for j := 0; j < b.steps; j++ {
		mrow := masks[j*n/lanes : (j+1)*n/lanes]
		for w := range mrow {
			var m uint16
			for l := 0; l < lanes; l++ {
				i := w*lanes + l
				if ref[i] > 0 {
					ref[i]--
					continue
				}
				t := f32.Sub(u[i], vv[i])
				t = f32.Mul(t, decay[i])
				v := f32.Add(vv[i], t)
				if f32.GE(v, uTh[i]) {
					m |= 1 << l
					v = uReset[i]
					ref[i] = refSteps[i]
				}
				u[i] = v
			}
			mrow[w] = m
		}
	}
}

// kernelSet is a pair of block kernels and the synaptic steps of the same instruction
// set (syn.go), with the name that run.json reports.
type kernelSet struct {
	name               string
	euler, exact       kernel
	synEuler, synExact synKernel
}

// kernelSets lists the kernels this machine can run, fastest first; architecture files
// prepend theirs in init. The portable set is always last.
var kernelSets = []kernelSet{{name: "go", euler: eulerGo, exact: exactGo, synEuler: synEulerGo, synExact: synExactGo}}
