//go:build !purego

package cpu

// Synaptic steps in syn_amd64.s; they give the bits of synEulerGo and synExactGo (see
// syn_amd64.s on NaN payloads) for blocks of whole vectors (n a multiple of lanes).
// kernel_amd64.go puts them in the kernel sets of their instruction sets.

//go:noescape
func synEulerAVX512(b *synBlock)

//go:noescape
func synExactAVX512(b *synBlock)

//go:noescape
func synEulerAVX2(b *synBlock)

//go:noescape
func synExactAVX2(b *synBlock)
