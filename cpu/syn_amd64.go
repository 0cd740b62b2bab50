//go:build !purego

package cpu

import "golang.org/x/sys/cpu"

// Synaptic steps in syn_amd64.s; they give the bits of synEulerGo and synExactGo (see
// syn_amd64.s on NaN payloads) for blocks of whole vectors (n a multiple of lanes).

//go:noescape
func synEulerAVX512(b *synBlock)

//go:noescape
func synExactAVX512(b *synBlock)

//go:noescape
func synEulerAVX2(b *synBlock)

//go:noescape
func synExactAVX2(b *synBlock)

func init() {
	var sets []synSet
	// x/sys/cpu reports these only when the OS also saves the vector registers (XCR0).
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL {
		sets = append(sets, synSet{name: "avx512", euler: synEulerAVX512, exact: synExactAVX512})
	}
	if cpu.X86.HasAVX2 {
		sets = append(sets, synSet{name: "avx2", euler: synEulerAVX2, exact: synExactAVX2})
	}
	synSets = append(sets, synSets...)
}
