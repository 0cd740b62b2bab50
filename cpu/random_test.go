package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	rngpkg "github.com/lifgpu/lifgpu/internal/rng"
)

// randomCase is one combination of terms of randomArgs.
type randomCase struct {
	noise, poisson bool
	drive          string // "" (dst = I), "euler", "exact"
}

func (c randomCase) String() string {
	return fmt.Sprintf("noise=%v/poisson=%v/drive=%q", c.noise, c.poisson, c.drive)
}

var randomCases = func() []randomCase {
	var out []randomCase
	for _, noise := range []bool{false, true} {
		for _, poisson := range []bool{false, true} {
			for _, drive := range []string{"", "euler", "exact"} {
				out = append(out, randomCase{noise, poisson, drive})
			}
		}
	}
	return out
}()

// randomInputsFor returns the inputs of one call: base, z, mean, std, w, r, uRest (as
// driveInputs makes them: specials, subnormals, NaNs, guards past n) and the counts k
// (0 mostly, up to 256, the longest Poisson table).
func randomInputsFor(rng *rand.Rand, n int) ([][]float32, []uint32) {
	in := driveInputs(rng, n, 7)
	k := make([]uint32, n+driveGuard)
	for i := range k {
		switch {
		case i >= n:
			k[i] = 0xa5a5a5a5
		case rng.IntN(2) == 0:
			k[i] = 0
		default:
			k[i] = uint32(rng.IntN(257))
		}
	}
	return in, k[:n:n]
}

// randomCall runs impl on the inputs for case c into a fresh dst followed by guards.
func randomCall(impl func(*randomArgs), c randomCase, n int, in [][]float32, k []uint32) []float32 {
	dst := make([]float32, n+driveGuard)
	for i := range dst {
		dst[i] = driveGuardF32
	}
	ptr := func(s []float32) *float32 { return unsafe.SliceData(s) }
	a := randomArgs{dst: &dst[0], base: ptr(in[0]), n: n}
	if c.noise {
		a.z, a.mean, a.std = ptr(in[1]), ptr(in[2]), ptr(in[3])
	}
	if c.poisson {
		a.k, a.w = unsafe.SliceData(k), ptr(in[4])
	}
	if c.drive != "" {
		a.r = ptr(in[5])
		if c.drive == "exact" {
			a.uRest = ptr(in[6])
		}
	}
	impl(&a)
	return dst
}

// randomModel is randomGo's expression in operand order with the NaN rule of nanFirst.
func randomModel(c randomCase, i int, in [][]float32, k []uint32) float32 {
	t := in[0][i]
	if c.noise {
		p := nanFirst(in[3][i], in[1][i], mul32)
		t = nanFirst(t, nanFirst(in[2][i], p, add32), add32)
	}
	if c.poisson {
		t = nanFirst(t, nanFirst(float32(k[i]), in[4][i], mul32), add32)
	}
	if c.drive != "" {
		t = nanFirst(in[5][i], t, mul32)
		if c.drive == "exact" {
			t = nanFirst(in[6][i], t, add32)
		}
	}
	return t
}

// TestRandom compares every assembly implementation of the random step input with the
// portable one (two NaNs equal) and with the expression-order model (NaN payloads
// included) on every length 0..600 and every combination of terms; the portable one with
// the model (two NaNs equal); nothing past n is written.
func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	portable := driveSets[len(driveSets)-1]
	for _, d := range driveSets {
		for _, c := range randomCases {
			t.Run(d.name+"/"+c.String(), func(t *testing.T) {
				bad := 0
				report := func(format string, args ...any) {
					if bad++; bad <= 10 {
						t.Errorf(format, args...)
					}
				}
				for n := 0; n <= 600; n++ {
					in, k := randomInputsFor(rng, n)
					got := randomCall(d.random, c, n, in, k)
					want := randomCall(portable.random, c, n, in, k)
					for i := range n {
						m := randomModel(c, i, in, k)
						if kernelBitsDiffer(got[i], want[i]) || kernelBitsDiffer(got[i], m) {
							report("n=%d: dst[%d] = %#08x, portable %#08x, model %#08x", n, i,
								math.Float32bits(got[i]), math.Float32bits(want[i]), math.Float32bits(m))
						}
						if d.name != "go" && math.Float32bits(got[i]) != math.Float32bits(m) {
							report("n=%d: dst[%d] = %#08x, want %#08x in expression order", n, i,
								math.Float32bits(got[i]), math.Float32bits(m))
						}
					}
					for i := n; i < len(got); i++ {
						if math.Float32bits(got[i]) != math.Float32bits(driveGuardF32) {
							report("n=%d: wrote dst[%d] past the end (%#08x)", n, i, math.Float32bits(got[i]))
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

// TestRandomSubnormal: results that underflow are flushed (a product of two tiny
// values, a sum that cancels to a subnormal), subnormal inputs read as zeros, and an
// absent term leaves -0 alone.
func TestRandomSubnormal(t *testing.T) {
	tiny := float32(0x1p-70)
	sub := math.Float32frombits(0x00000123)
	negZero := float32(math.Copysign(0, -1))
	cases := []struct {
		name                     string
		base, z, mean, std, w, r float32
		k                        uint32
		c                        randomCase
		want                     float32
	}{
		{"product underflows", 0, tiny, 0, tiny, 0, 0, 0, randomCase{noise: true}, 0},
		{"sum cancels to a subnormal", 0x1p-125, 1, -0x1.8p-126, 0x1p-126, 0, 0, 0, randomCase{noise: true}, 0x1p-125},
		{"subnormal base", sub, 0, 0, 0, 1, 0, 0, randomCase{poisson: true}, 0},
		{"subnormal r", 1, 0, 0, 0, 0, 0x1p-127, 0, randomCase{drive: "euler"}, 0},
		{"drive underflows", tiny, 0, 0, 0, 0, tiny, 0, randomCase{drive: "exact"}, 0},
		{"absent terms keep -0", negZero, 0, 0, 0, 0, 0, 0, randomCase{}, negZero},
		{"k = 0 adds +0", negZero, 0, 0, 0, 3, 0, 0, randomCase{poisson: true}, 0},
	}
	for _, d := range driveSets {
		for _, tc := range cases {
			in := [][]float32{{tc.base}, {tc.z}, {tc.mean}, {tc.std}, {tc.w}, {tc.r}, {0}}
			got := randomCall(d.random, tc.c, 1, in, []uint32{tc.k})[0]
			if math.Float32bits(got) != math.Float32bits(tc.want) {
				t.Errorf("%s: %s: got %g (%#08x), want %g (%#08x)", d.name, tc.name, got, math.Float32bits(got), tc.want, math.Float32bits(tc.want))
			}
		}
	}
}

// TestRandomPoisson: the kernels that count the Poisson input in the drive's pass give
// the bits of randomPoissonGo, and that the counts of rng.PoissonTable.Sample with the
// expression-order model: tables of 1 to 40 thresholds, draws at and beside them, every
// length 0..600, each drive, guards past n.
func TestRandomPoisson(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 15))
	var tables []*rngpkg.PoissonTable
	for _, l := range []float64{1e-9, 0.01, 0.08, 0.6, 1.6, 5, 20} {
		pt, err := rngpkg.NewPoissonTable(l)
		if err != nil {
			t.Fatal(err)
		}
		tables = append(tables, pt)
	}
	impls := 0
	for _, d := range driveSets {
		if d.randomPoisson == nil {
			continue
		}
		impls++
		for _, drive := range []string{"", "euler", "exact"} {
			c := randomCase{poisson: true, drive: drive}
			t.Run(d.name+"/"+c.String(), func(t *testing.T) {
				for n := 0; n <= 600; n++ {
					pt := tables[n%len(tables)]
					thr := pt.Thresholds()
					in, _ := randomInputsFor(rng, n)
					pr := make([]uint32, n)
					k := make([]uint32, n)
					for i := range pr {
						switch rng.IntN(3) {
						case 0:
							pr[i] = thr[rng.IntN(len(thr))] + uint32(rng.IntN(3)) - 1
						default:
							pr[i] = rng.Uint32()
						}
						k[i] = pt.Sample(0, pr[i])
					}
					call := func(f func(*randomArgs)) []float32 {
						dst := make([]float32, n+driveGuard)
						for i := range dst {
							dst[i] = driveGuardF32
						}
						a := randomArgs{dst: &dst[0], base: unsafe.SliceData(in[0]), w: unsafe.SliceData(in[4]), n: n,
							pr: unsafe.SliceData(pr), thr: &thr[0], kmax: len(thr)}
						if drive != "" {
							a.r = unsafe.SliceData(in[5])
							if drive == "exact" {
								a.uRest = unsafe.SliceData(in[6])
							}
						}
						f(&a)
						return dst
					}
					got, want := call(d.randomPoisson), call(randomPoissonGo)
					for i := range n {
						m := randomModel(c, i, in, k)
						if kernelBitsDiffer(got[i], want[i]) || math.Float32bits(got[i]) != math.Float32bits(m) {
							t.Fatalf("n=%d kmax=%d: dst[%d] = %#08x, portable %#08x, model %#08x (r %#x, k %d)", n, len(thr), i,
								math.Float32bits(got[i]), math.Float32bits(want[i]), math.Float32bits(m), pr[i], k[i])
						}
					}
					for i := n; i < len(got); i++ {
						if math.Float32bits(got[i]) != math.Float32bits(driveGuardF32) {
							t.Fatalf("n=%d: wrote dst[%d] past the end", n, i)
						}
					}
				}
			})
		}
	}
	t.Logf("%d implementations", impls)
}
