package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
)

// Every flushCopy gives model.X32N's values and verdict on float32 input (specials,
// subnormals, NaNs with payloads) of every length 0..300, and writes nothing past n.
func TestFlushCopy(t *testing.T) {
	if flushCopies[len(flushCopies)-1].name != "go" {
		t.Fatal("flushCopies must end with the portable one")
	}
	rng := rand.New(rand.NewPCG(12, 13))
	for _, fc := range flushCopies {
		for n := 0; n <= 300; n++ {
			src := make([]float32, n)
			for i := range src {
				src[i] = driveValue(rng)
				if rng.IntN(8) != 0 && (src[i] != src[i] || math.IsInf(float64(src[i]), 0)) {
					src[i] = 1 // most inputs finite, so that both verdicts occur
				}
			}
			dst := make([]float32, n+driveGuard)
			for i := range dst {
				dst[i] = driveGuardF32
			}
			ok := fc.fn(dst[:n], src)
			want := make([]float32, n)
			wantOK := model.X32N(want, lifgpu.Float32s(src), 0) < 0
			if ok != wantOK {
				t.Fatalf("%s: n=%d: verdict %v, X32N's %v", fc.name, n, ok, wantOK)
			}
			for i := range n {
				bothNaN := dst[i] != dst[i] && want[i] != want[i] // a refused x: payloads may differ (X32N's float64 round trip quiets them)
				if math.Float32bits(dst[i]) != math.Float32bits(want[i]) && !bothNaN {
					t.Fatalf("%s: n=%d: dst[%d] = %#08x, X32N %#08x (src %#08x)", fc.name, n, i,
						math.Float32bits(dst[i]), math.Float32bits(want[i]), math.Float32bits(src[i]))
				}
			}
			for i := n; i < len(dst); i++ {
				if math.Float32bits(dst[i]) != math.Float32bits(driveGuardF32) {
					t.Fatalf("%s: n=%d: wrote dst[%d] past the end", fc.name, n, i)
				}
			}
		}
	}
}
