//go:build !purego

package cpu

import "golang.org/x/sys/cpu"

// Block kernels in kernel_amd64.s; they give the bits of eulerGo and exactGo.

//go:noescape
func eulerAVX512(b *block)

//go:noescape
func exactAVX512(b *block)

//go:noescape
func eulerAVX2(b *block)

//go:noescape
func exactAVX2(b *block)

func init() {
	var sets []kernelSet
	// x/sys/cpu reports these only when the OS also saves the vector registers (XCR0).
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL {
		sets = append(sets, kernelSet{name: "avx512", euler: eulerAVX512, exact: exactAVX512, synEuler: synEulerAVX512, synExact: synExactAVX512})
	}
	if cpu.X86.HasAVX2 {
		sets = append(sets, kernelSet{name: "avx2", euler: eulerAVX2, exact: exactAVX2, synEuler: synEulerAVX2, synExact: synExactAVX2})
	}
	kernelSets = append(sets, kernelSets...)
}
