package rng

import (
	"math"
	"testing"
)

// Noise is p = std*z then mean + p, each rounded to float32; PoissonCurrent one rounded
// product. The reference computes in float64 and rounds after each operation (exact
// for float32 +, -, *: a float64 holds more than twice float32's precision). A fused
// multiply-add gives other bits for some inputs, which the test also finds, so it
// would notice a fused Noise.
func TestCurrentTermsRounding(t *testing.T) {
	t.Parallel()
	fused := 0
	for i := range uint32(100000) {
		w := Draw(1, 2, i, 0)
		mean := math.Float32frombits(w[0]&0x807fffff | 0x40000000) // +-[2, 4)
		sd := math.Float32frombits(w[1]&0x007fffff | 0x3f000000)   // [0.5, 1)
		z := math.Float32frombits(w[2]&0x807fffff | 0x3f800000)    // +-[1, 2)
		p := float32(float64(sd) * float64(z))
		want := float32(float64(mean) + float64(p))
		if got := Noise(mean, sd, z); got != want {
			t.Fatalf("Noise(%v, %v, %v) = %v, want %v", mean, sd, z, got, want)
		}
		if float32(math.FMA(float64(sd), float64(z), float64(mean))) != want {
			fused++
		}
		k := w[3] % (MaxPoissonLen + 1)
		if got, want := PoissonCurrent(sd, k), float32(float64(k)*float64(sd)); got != want {
			t.Fatalf("PoissonCurrent(%v, %d) = %v, want %v", sd, k, got, want)
		}
	}
	if fused == 0 {
		t.Error("a fused multiply-add agreed with Noise everywhere: the test cannot tell them apart")
	}
	t.Logf("a fused multiply-add differs from Noise on %d of 100000 inputs", fused)
}
