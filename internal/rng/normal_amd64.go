//go:build !purego

package rng

import "golang.org/x/sys/cpu"

// normalSampleAVX512 is normalSampleGo for AVX-512 (normal_amd64.s): z[i] for i < n
// from r[i], r2[i] and the table at v (NormalLen entries).
//
//go:noescape
func normalSampleAVX512(v *float32, r, r2 *uint32, z *float32, n int)

// normalSamplePairsAVX512 is the same from the table's pairs (NormalLen-1 entries):
// one 64-bit gather per lane instead of two 32-bit ones.
//
//go:noescape
func normalSamplePairsAVX512(pairs *uint64, r, r2 *uint32, z *float32, n int)

// poissonCountAVX512 is poissonSampleGo for AVX-512 (poisson_amd64.s): k[i] for i < n
// from r[i] and the kmax thresholds at t + i*stride.
//
//go:noescape
func poissonCountAVX512(t *uint32, kmax, stride int, r, k *uint32, n int)

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512CD {
		normalImpls = append([]normalImpl{{name: "avx512-pairs", sample: func(t *NormalTable, r, r2 []uint32, z []float32) {
			if len(z) == 0 {
				return
			}
			_ = t.pairs[NormalLen-2]
			r, r2 = r[:len(z)], r2[:len(z)]
			normalSamplePairsAVX512(&t.pairs[0], &r[0], &r2[0], &z[0], len(z))
		}}, {name: "avx512", sample: func(t *NormalTable, r, r2 []uint32, z []float32) {
			if len(z) == 0 {
				return
			}
			v := t.v
			_ = v[NormalLen-1]
			r, r2 = r[:len(z)], r2[:len(z)]
			normalSampleAVX512(&v[0], &r[0], &r2[0], &z[0], len(z))
		}}}, normalImpls...)
	}
}

func init() {
	if cpu.X86.HasAVX512F {
		poissonImpls = append([]poissonImpl{{name: "avx512", sample: func(t []uint32, kmax, stride int, r, k []uint32) {
			n := len(k)
			if n == 0 {
				return
			}
			_ = t[(n-1)*stride+kmax-1]
			r = r[:n]
			poissonCountAVX512(&t[0], kmax, stride, &r[0], &k[0], n)
		}}}, poissonImpls...)
	}
}
