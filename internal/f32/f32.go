// Package f32 is float32 arithmetic as the lifgpu contract defines it: each operation
// correctly rounded on its own (no fused multiply-add), and every result that underflows
// replaced by a zero of the same sign (flush to zero, FTZ).
//
// # Underflow
//
// A result underflows when it is nonzero and tiny: its exact value, rounded to
// float32's 24-bit precision with an unbounded exponent range, is below 2^-126 (the
// smallest normal float32) in magnitude. This is IEEE 754's "tininess after rounding",
// and what x86's MXCSR.FTZ does, so the SIMD kernels get these bits from the hardware
// by setting FTZ (and DAZ: subnormal inputs read as zero; the contract never lets one
// in). Here, and on a GPU, it is done explicitly.
//
// Inputs are flushed too (x86's DAZ): a subnormal operand counts as a zero of its sign.
// The contract never lets one in (parameters and inputs are flushed when the model is
// resolved), so this only makes the functions agree with the hardware on any bits.
//
// For a sum or difference of two float32 values, a result below 2^-126 is exact (every
// float32 is a multiple of 2^-149), so Add and Sub flush whatever the plain result is
// below 2^-126. A product is not exact: Mul decides on the exact product (a float64
// holds it: 24+24 bits), and flushes it when it is below 2^-126 - 2^-151, the midpoint
// between the largest float32 below 2^-126 at full precision, 2^-126 - 2^-150, and
// 2^-126. A product in [2^-126 - 2^-151, 2^-126) rounds to 2^-126 and is kept. (Plain
// float32 rounding with gradual underflow, then a flush of what is below 2^-126, would
// give 2^-126 instead of zero for products in [2^-126 - 2^-150, 2^-126 - 2^-151): the
// two rules differ there, and the contract follows the hardware's.)
package f32

import (
	_ "embed"
	"math"
)

// MinNormal is 2^-126, the smallest normal float32.
const MinNormal = 0x1p-126

// mulTiny is the magnitude below which a product underflows: 2^-126 - 2^-151.
const mulTiny = 0x1p-126 - 0x1p-151

// Flush returns x, or a zero of x's sign when x is subnormal.
func Flush(x float32) float32 {
	b := math.Float32bits(x)
	if b&0x7f800000 == 0 {
		return math.Float32frombits(b & 0x80000000)
	}
	return x
}

// GE reports a >= b with subnormal operands read as zeros (x86's DAZ applies to
// comparisons too), false when either is a NaN.
func GE(a, b float32) bool { return Flush(a) >= Flush(b) }

// Add returns a + b, flushed.
func Add(a, b float32) float32 { return Flush(float32(Flush(a) + Flush(b))) }

// Sub returns a - b, flushed.
func Sub(a, b float32) float32 { return Flush(float32(Flush(a) - Flush(b))) }

// Mul returns a * b, correctly rounded, or a zero of the product's sign when the
// product underflows.
func Mul(a, b float32) float32 {
	a, b = Flush(a), Flush(b)
	r := float32(a * b)
	if math.Float32bits(r)&0x7f800000 > 0x00800000 { // at least 2^-125: no underflow
		return r
	}
	x := float64(a) * float64(b) // exact
	if math.Abs(x) < mulTiny {
		return math.Float32frombits((math.Float32bits(a) ^ math.Float32bits(b)) & 0x80000000)
	}
	return float32(x)
}

// GLSL is f32.glsl: f32_add, f32_sub and f32_mul, the GLSL twins of Add, Sub and Mul
// (explicit when the shader defines F32_FLUSH, the plain operators otherwise). It has no
// #version line: paste it after the shader's #version and #extension lines.
//
//go:embed f32.glsl
var GLSL string
