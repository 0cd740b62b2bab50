package cpu

import "math"

// flushCopy copies src to dst (as long) as the update reads an input: a subnormal value
// becomes a zero of its sign (f32.Flush), and reports whether every value is finite
// (no NaN or ±Inf, which lifgpu.Values.Check refuses). Forward runs it on a float32 x
// (the fastest of flushCopies, set in init on amd64).
var flushCopy = flushCopyGo

// flushCopies lists the implementations this machine can run, fastest first; the
// portable one is always last.
var flushCopies = []struct {
	name string
	fn   func(dst, src []float32) bool
}{{"go", flushCopyGo}}

// flushCopyGo is the portable flushCopy.
func flushCopyGo(dst, src []float32) bool {
	dst = dst[:len(src)]
	ok := true
	for i, v := range src {
		b := math.Float32bits(v)
		switch b & 0x7f800000 {
		case 0x7f800000:
			ok = false
		case 0:
			b &= 0x80000000
		}
		dst[i] = math.Float32frombits(b)
	}
	return ok
}
