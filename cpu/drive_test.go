package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lifgpu/lifgpu/internal/f32"
)

// driveGuard values follow dst in its array: an implementation that writes past
// len(dst) is caught.
const driveGuard = 32

var driveGuardF32 = math.Float32frombits(0x7fa5a5a5) // a signalling NaN nobody computes

// driveValue draws an input: mostly specials (signed zeros, subnormals, huge values that
// overflow, infinities, NaNs with payloads), else ordinary values of any magnitude or
// random bits.
func driveValue(rng *rand.Rand) float32 {
	specials := [...]float32{0, float32(math.Copysign(0, -1)), math.Float32frombits(1),
		math.Float32frombits(0x80000123), math.Float32frombits(0x007fffff), 1e-38, -1e-38,
		math.MaxFloat32, -math.MaxFloat32, 3e38, -3e38, 1e30, -1e30,
		float32(math.Inf(1)), float32(math.Inf(-1)), math.Float32frombits(0x7fc01234),
		math.Float32frombits(0xffc05678), math.Float32frombits(0x7f800321), 1, -1, 0.5, -70, 15}
	switch rng.IntN(4) {
	case 0:
		return specials[rng.IntN(len(specials))]
	case 1:
		return math.Float32frombits(rng.Uint32())
	default:
		return float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30)))
	}
}

// driveInputs returns k slices of n random values each, at random offsets in arrays
// whose values past n are guards (so misaligned starts and reads past n are covered).
func driveInputs(rng *rand.Rand, n, k int) [][]float32 {
	out := make([][]float32, k)
	for j := range out {
		off := rng.IntN(16)
		a := make([]float32, off+n+driveGuard)
		for i := range a {
			a[i] = driveGuardF32
		}
		for i := range n {
			a[off+i] = driveValue(rng)
		}
		out[j] = a[off : off+n : off+n]
	}
	return out
}

// nanFirst models the NaN rule of x86 arithmetic: a NaN operand gives itself, quieted,
// the first source first. With the operands in Go expression order, this is what the
// assembly versions must give bit for bit (the compiled Go may order r*t and uRest + t
// the other way: see drive_amd64.s).
func nanFirst(a, b float32, op func(a, b float32) float32) float32 {
	if a != a {
		return math.Float32frombits(math.Float32bits(a) | 0x00400000)
	}
	if b != b {
		return math.Float32frombits(math.Float32bits(b) | 0x00400000)
	}
	return op(a, b)
}

func add32(a, b float32) float32 { return f32.Add(a, b) }
func mul32(a, b float32) float32 { return f32.Mul(a, b) }

// driveCall runs one of the three loops of set d on in (b, s, x, r, uRest) into a fresh
// dst of n values followed by guards, and returns dst with its guards.
func driveCall(d driveSet, op string, n int, in [][]float32) []float32 {
	dst := make([]float32, n+driveGuard)
	for i := range dst {
		dst[i] = driveGuardF32
	}
	switch op {
	case "euler":
		d.euler(dst[:n], in[0], in[1], in[2], in[3])
	case "exact":
		d.exact(dst[:n], in[0], in[1], in[2], in[3], in[4])
	case "input":
		d.input(dst[:n], in[0], in[1], in[2])
	}
	return dst
}

// driveModel is the loop in expression order with the NaN rule of nanFirst.
func driveModel(op string, i int, in [][]float32) float32 {
	t := nanFirst(nanFirst(in[0][i], in[1][i], add32), in[2][i], add32)
	switch op {
	case "euler":
		t = nanFirst(in[3][i], t, mul32)
	case "exact":
		t = nanFirst(in[3][i], t, mul32)
		t = nanFirst(in[4][i], t, add32)
	}
	return t
}

var driveOps = []string{"euler", "exact", "input"}

// TestDrive compares every assembly implementation with the portable one on every
// length 0..600, bit for bit (two NaNs count as equal there: which payload survives when
// both operands are NaNs follows the operand order the Go compiler picks), and with the
// expression-order model bit for bit, NaN payloads included; the portable one with the
// model (two NaNs equal), so that no implementation is only compared with itself; and
// checks that nothing past len(dst) is written and the inputs are left alone.
func TestDrive(t *testing.T) {
	if driveSets[len(driveSets)-1].name != "go" {
		t.Fatalf("driveSets must end with the portable set")
	}
	if driveEuler == nil || driveExact == nil || driveInput == nil {
		t.Fatalf("drive loops not set")
	}
	rng := rand.New(rand.NewPCG(8, 9))
	for _, d := range driveSets {
		for _, op := range driveOps {
			t.Run(op+"/"+d.name, func(t *testing.T) {
				bad := 0
				report := func(format string, args ...any) {
					if bad++; bad <= 10 {
						t.Errorf(format, args...)
					}
				}
				for n := 0; n <= 600; n++ {
					in := driveInputs(rng, n, 5)
					saved := make([][]float32, len(in))
					for j := range in {
						saved[j] = append([]float32(nil), in[j]...)
					}
					portable := d.name == "go"
					var want []float32
					if !portable {
						want = driveCall(driveSets[len(driveSets)-1], op, n, in)
					}
					got := driveCall(d, op, n, in)
					for i := range n {
						m := driveModel(op, i, in)
						w := m
						if !portable {
							w = want[i]
						}
						if kernelBitsDiffer(got[i], w) {
							report("n=%d: dst[%d] = %v (%#08x), want %v (%#08x)", n, i,
								got[i], math.Float32bits(got[i]), w, math.Float32bits(w))
						}
						if !portable && math.Float32bits(got[i]) != math.Float32bits(m) {
							report("n=%d: dst[%d] = %#08x, want %#08x in expression order", n, i,
								math.Float32bits(got[i]), math.Float32bits(m))
						}
					}
					for i := n; i < len(got); i++ {
						if math.Float32bits(got[i]) != math.Float32bits(driveGuardF32) {
							report("n=%d: wrote dst[%d] past the end (%#08x)", n, i, math.Float32bits(got[i]))
						}
					}
					for j := range in {
						for i := range n {
							if math.Float32bits(in[j][i]) != math.Float32bits(saved[j][i]) {
								report("n=%d: wrote into input %d at %d", n, j, i)
							}
						}
					}
				}
				if bad > 10 {
					t.Errorf("... %d differences in all", bad)
				}
			})
		}
	}
}

// BenchmarkDrive times each loop of each implementation on one block of 512 neurons.
func BenchmarkDrive(b *testing.B) {
	const n = blockSize
	rng := rand.New(rand.NewPCG(1, 2))
	in := make([][]float32, 5)
	for j := range in {
		in[j] = make([]float32, n)
		for i := range in[j] {
			in[j][i] = float32(rng.NormFloat64() * 30)
		}
	}
	dst := make([]float32, n)
	for _, op := range driveOps {
		for _, d := range driveSets {
			b.Run(op+"/"+d.name, func(b *testing.B) {
				switch op {
				case "euler":
					for b.Loop() {
						d.euler(dst, in[0], in[1], in[2], in[3])
					}
				case "exact":
					for b.Loop() {
						d.exact(dst, in[0], in[1], in[2], in[3], in[4])
					}
				case "input":
					for b.Loop() {
						d.input(dst, in[0], in[1], in[2])
					}
				}
				b.ReportMetric(b.Elapsed().Seconds()*1e9/(float64(b.N)*n), "ns/element")
			})
		}
	}
}
