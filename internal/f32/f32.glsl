// f32.glsl: the contract's float32 arithmetic in GLSL, the twin of internal/f32 (f32.go):
// each operation rounded on its own (every result is bound to a `precise` variable) and a
// result that underflows replaced by a zero of its sign, subnormal operands read as
// zeros.
//
// Paste after the shader's #version and #extension lines. With F32_FLUSH defined the
// flush is explicit: f32_add, f32_sub and f32_mul are functions that test the result's
// exponent bits (and, for a product below 2^-125, decide on the exact product in double,
// which holds it); use this where the driver keeps subnormals, as Mesa's llvmpipe does.
// Without F32_FLUSH they are the plain operators, for a driver that a start-up probe
// found to flush exactly so (gpu's probe.go).
//
// The tininess rule is x86's (FTZ in MXCSR): a product is flushed when its exact value is
// below 2^-126 - 2^-151 in magnitude (see internal/f32's package documentation).

#ifdef F32_FLUSH
// The exact product's bounds, as doubles: below 2^-126 - 2^-151 it underflows; from
// there to 2^-126 it rounds to 2^-126.
#define F32_MUL_TINY packDouble2x32(uvec2(0xf0000000u, 0x380fffffu))
#define F32_MIN_NORMAL packDouble2x32(uvec2(0u, 0x38100000u))

// f32_flush returns x, or a zero of its sign when x is subnormal.
float f32_flush(float x) {
	uint b = floatBitsToUint(x);
	if ((b & 0x7f800000u) == 0u) {
		return uintBitsToFloat(b & 0x80000000u);
	}
	return x;
}

float f32_add(float a, float b) {
	precise float r = f32_flush(a) + f32_flush(b);
	return f32_flush(r);
}

float f32_sub(float a, float b) {
	precise float r = f32_flush(a) - f32_flush(b);
	return f32_flush(r);
}

float f32_mul(float a, float b) {
	precise float fa = f32_flush(a);
	precise float fb = f32_flush(b);
	precise float r = fa * fb;
	if ((floatBitsToUint(r) & 0x7f800000u) > 0x00800000u) {
		return r; // at least 2^-125 (or Inf, NaN): no underflow, whatever the rule
	}
	// Below 2^-125 the driver's rounding and flushing rules could differ from the
	// contract's: decide on the exact product. (Only bit patterns are built here, so no
	// conversion's rounding matters.)
	precise double x = double(fa) * double(fb); // exact: 24 + 24 bits
	uint sign = (floatBitsToUint(fa) ^ floatBitsToUint(fb)) & 0x80000000u;
	if (abs(x) < F32_MUL_TINY) {
		return uintBitsToFloat(sign);
	}
	if (abs(x) < F32_MIN_NORMAL) {
		return uintBitsToFloat(sign | 0x00800000u); // rounds up to 2^-126
	}
	return r; // at least 2^-126 exactly: no underflow under any rule
}
#else
#define f32_add(a, b) ((a) + (b))
#define f32_sub(a, b) ((a) - (b))
#define f32_mul(a, b) ((a) * (b))
#endif
