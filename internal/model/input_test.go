package model

import (
	"math"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// X32N gives X32's values for per-neuron x of either precision (subnormals flushed,
// signs kept) and finds the first value that Values.Check refuses, from any offset.
func TestX32N(t *testing.T) {
	t.Parallel()
	v32 := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-40, 1.5, float32(math.NaN()), -3e38,
		float32(math.Inf(1)), 0x1p-126, -2}
	v64 := []float64{0, math.Copysign(0, -1), 1e-40, -1e-300, 1.5, 4e38, -3e38, math.NaN(), 0x1p-126, math.Inf(-1)}
	for _, x := range []lifgpu.Values{lifgpu.Float32s(v32), lifgpu.Float64s(v64)} {
		for lo := 0; lo < x.Len(); lo++ {
			for hi := lo; hi <= x.Len(); hi++ {
				dst := make([]float32, hi-lo)
				bad := X32N(dst, x, lo)
				wantBad := -1
				for i := lo; i < hi; i++ {
					y := X32(x, i)
					if math.IsNaN(float64(y)) || math.IsInf(float64(y), 0) {
						if wantBad < 0 {
							wantBad = i - lo
						}
						continue // the value of a refused x does not matter
					}
					if math.Float32bits(dst[i-lo]) != math.Float32bits(y) {
						t.Errorf("x[%d]: X32N gives %#08x, X32 %#08x", i, math.Float32bits(dst[i-lo]), math.Float32bits(y))
					}
				}
				if bad != wantBad {
					t.Errorf("[%d, %d): first bad %d, want %d", lo, hi, bad, wantBad)
				}
				if err := (lifgpu.Float64s(func() []float64 {
					out := make([]float64, hi-lo)
					for i := range out {
						out[i] = x.At(lo + i)
					}
					return out
				}())).Check("x", hi-lo); (err != nil) != (bad >= 0) {
					t.Errorf("[%d, %d): Check says %v, X32N's first bad is %d", lo, hi, err, bad)
				}
			}
		}
	}
}
