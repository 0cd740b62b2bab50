//go:build !purego

package rng

import "golang.org/x/sys/cpu"

// Kernels in draw_amd64.s; they give the words of drawGo. The params come by value (a
// pointer passed through drawImpl's func value would send them to the heap at every
// call). len(w0) must be a multiple
// of the block (8 for AVX-512, 4 for AVX2), and w1, w2, w3 nil or as long as w0.

//go:noescape
func drawAVX512(p philoxParams, neuron0 uint32, w0, w1, w2, w3 []uint32)

//go:noescape
func drawAVX2(p philoxParams, neuron0 uint32, w0, w1, w2, w3 []uint32)

func init() {
	var impls []drawImpl
	// x/sys/cpu reports these only when the OS also saves the vector registers (XCR0).
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
		impls = append(impls, drawImpl{name: "avx512", block: 8, kernel: drawAVX512})
	}
	if cpu.X86.HasAVX2 {
		impls = append(impls, drawImpl{name: "avx2", block: 4, kernel: drawAVX2})
	}
	drawImpls = append(impls, drawImpls...)
}
