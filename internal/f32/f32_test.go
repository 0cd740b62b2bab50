package f32

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lifgpu/lifgpu/internal/glslcheck"
)

// ftzHardware is what x86's MXCSR.FTZ gives for a product, computed another way: the
// exact product's rounding to 24 bits with an unbounded exponent, found from its float64
// bits (the exact product fits in float64).
func ftzProduct(a, b float32) float32 {
	x := float64(a) * float64(b)
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return float32(x)
	}
	m, e := math.Frexp(math.Abs(x)) // |x| = m * 2^e, m in [0.5, 1)
	// Round m to 24 bits (ties to even) at the unbounded exponent.
	r := math.RoundToEven(m*(1<<24)) / (1 << 24)
	if math.Ldexp(r, e) < MinNormal {
		return float32(math.Copysign(0, x))
	}
	return float32(x)
}

func TestMulBoundary(t *testing.T) {
	ulp := math.Ldexp(1, -150)
	cases := []struct {
		x    float64 // the exact product, as float64
		want float32
	}{
		{MinNormal, MinNormal},
		{MinNormal - ulp, 0},     // 2^-126 - 2^-150: tiny, though gradual rounding gives 2^-126
		{math.Ldexp(1, -130), 0}, // deep in the subnormal range
		{math.Ldexp(1.5, -126), float32(math.Ldexp(1.5, -126))},
	}
	for _, c := range cases {
		// Find a float32 pair whose product is exactly c.x: a = c.x * 2^40, b = 2^-40
		// when a is a float32 (24 bits); the cases above are.
		a := float32(math.Ldexp(c.x, 40))
		b := float32(math.Ldexp(1, -40))
		if float64(a)*float64(b) != c.x {
			t.Fatalf("case %g is not a product of float32s", c.x)
		}
		for _, s := range []float32{1, -1} {
			got := Mul(s*a, b)
			want := s * c.want
			if c.want == 0 {
				want = float32(math.Copysign(0, float64(s)))
			}
			if math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("Mul(%g, %g) = %g (%#08x), want %g", s*a, b, got, math.Float32bits(got), want)
			}
		}
	}
	// The midpoint 2^-126 - 2^-151 = (2^25 - 1) 2^-151 = (31*601) (1801) 2^-151: a tie,
	// rounded to even, which is 2^-126: kept.
	a, b := float32(math.Ldexp(31*601, -30)), float32(math.Ldexp(1801, -121))
	if float64(a)*float64(b) != MinNormal-ulp/2 {
		t.Fatal("the midpoint case is wrong")
	}
	if got := Mul(a, b); got != MinNormal {
		t.Errorf("Mul at the midpoint = %g, want 2^-126", got)
	}
}

// TestMulRandom: Mul agrees with the hardware rule on random products near the
// underflow threshold and everywhere else.
func TestMulRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		a := math.Float32frombits(r.Uint32())
		// b so that a*b lands near 2^-126 half the time.
		var b float32
		if r.IntN(2) == 0 {
			b = math.Float32frombits(r.Uint32())
		} else {
			b = float32(math.Ldexp(1+r.Float64(), -126-int(math.Ilogb(float64(a)))-1+r.IntN(3)))
		}
		if IsNaN(a) || IsNaN(b) || a != Flush(a) || b != Flush(b) {
			continue
		}
		got, want := Mul(a, b), ftzProduct(a, b)
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("Mul(%g, %g) = %g, want %g", a, b, got, want)
		}
	}
	// Products within a few 2^-150 of 2^-126, where the rounding decides: a in
	// [1/4, 1/2) with 24 random bits, b the float32 nearest x/a for a target x there.
	window := 0
	for range 1_000_000 {
		a := float32(math.Ldexp(float64(1<<23|r.Uint32()&(1<<23-1)), -25))
		x := MinNormal + math.Ldexp(r.Float64()*8-4, -150)
		b := float32(x / float64(a))
		if p := float64(a) * float64(b); p >= MinNormal-math.Ldexp(1, -150) && p < MinNormal-math.Ldexp(1, -151) {
			window++
		}
		for _, s := range []float32{1, -1} {
			got, want := Mul(s*a, b), ftzProduct(s*a, b)
			if math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("Mul(%g, %g) = %g, want %g", s*a, b, got, want)
			}
		}
	}
	if window < 1000 {
		t.Errorf("only %d products fell where plain rounding and FTZ differ", window)
	}
	t.Logf("%d products in [2^-126 - 2^-150, 2^-126 - 2^-151)", window)
}

func IsNaN(x float32) bool { return x != x }

func TestAddSub(t *testing.T) {
	tiny := float32(math.Ldexp(1, -140))
	a := float32(math.Ldexp(1, -125)) + tiny*0 // normal
	b := float32(math.Ldexp(1.0000001, -125))
	if got := Sub(b, a); got != 0 || math.Signbit(float64(got)) {
		t.Errorf("Sub(%g, %g) = %g, want +0", b, a, got)
	}
	if got := Sub(a, b); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("Sub(%g, %g) = %g, want -0", a, b, got)
	}
	if got := Add(float32(MinNormal), 0); got != MinNormal {
		t.Errorf("Add(2^-126, 0) = %g", got)
	}
	if got := Flush(float32(math.Ldexp(-1, -149))); math.Float32bits(got) != 0x80000000 {
		t.Errorf("Flush(-2^-149) = %#08x, want -0", math.Float32bits(got))
	}
}

// TestGLSLPrecise: f32.glsl's own arithmetic passes the precise lint, and removing any
// one of its precise qualifiers fails it.
func TestGLSLPrecise(t *testing.T) {
	files := []glslcheck.File{{Name: "f32.glsl", Src: GLSL}}
	for _, p := range glslcheck.Check(files...) {
		t.Error(p)
	}
	ms := glslcheck.Mutants(GLSL)
	if len(ms) < 5 {
		t.Fatalf("%d precise qualifiers found in f32.glsl", len(ms))
	}
	for _, m := range ms {
		ps := glslcheck.Check(glslcheck.File{Name: "f32.glsl", Src: m.Src})
		if !slices.ContainsFunc(ps, func(p glslcheck.Problem) bool { return p.At("f32.glsl", m.Line) }) {
			t.Errorf("f32.glsl:%d: removing this precise leaves the lint green", m.Line)
		}
	}
}
