//go:build !purego

package cpu

import "golang.org/x/sys/cpu"

// flushCopyAVX512 is flushCopyGo on AVX-512 (xcopy_amd64.s) for n values.
//
//go:noescape
func flushCopyAVX512(dst, src *float32, n int) bool

func init() {
	if cpu.X86.HasAVX512F {
		fn := func(dst, src []float32) bool {
			if len(src) == 0 {
				return true
			}
			_ = dst[len(src)-1]
			return flushCopyAVX512(&dst[0], &src[0], len(src))
		}
		flushCopies = append([]struct {
			name string
			fn   func(dst, src []float32) bool
		}{{"avx512", fn}}, flushCopies...)
		flushCopy = fn
	}
}
