//go:build !purego

package rng

import "golang.org/x/sys/cpu"

// normalSampleAVX512 is normalSampleGo for AVX-512 (normal_amd64.s): z[i] for i < n
// from r[i], r2[i] and the table at v (NormalLen entries).
//
//go:noescape
func normalSampleAVX512(v *float32, r, r2 *uint32, z *float32, n int)

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512CD {
		normalImpls = append([]normalImpl{{name: "avx512", sample: func(v []float32, r, r2 []uint32, z []float32) {
			if len(z) == 0 {
				return
			}
			_ = v[NormalLen-1]
			r, r2 = r[:len(z)], r2[:len(z)]
			normalSampleAVX512(&v[0], &r[0], &r2[0], &z[0], len(z))
		}}}, normalImpls...)
	}
}
