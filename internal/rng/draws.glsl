// draws.glsl: values from draw words, the same operations as internal/rng (normal.go,
// poisson.go, current.go), one by one. Every float operation is `precise`, so that the
// compiler cannot fuse a*b+c into one FMA, and goes through internal/f32's f32_add,
// f32_sub, f32_mul (flush to zero). Paste after f32.glsl and philox.glsl.
//
// Before pasting it, the includer declares the table buffers and defines how they are
// read (the names must be declared before these functions use them), for example
//   layout(std430, binding = 5) readonly buffer NormalTab  { float normal_table[]; };
//   layout(std430, binding = 6) readonly buffer PoissonTab { uint poisson_thr[]; };
//   #define NORMAL_TABLE(i)      normal_table[i]
//   #define POISSON_THRESHOLD(i) poisson_thr[i]
// NORMAL_TABLE holds rng.NormalTable.Values() (NORMAL_LEN floats), POISSON_THRESHOLD
// rng.PoissonTable.Thresholds(). Either may be left undefined when it is not used.

// Layout of the normal table (rng.NormalBits and the constants after it).
const uint NORMAL_BITS = 12u;
const uint NORMAL_CELLS = 4096u;
const uint NORMAL_TAIL_BITS = 6u;
const uint NORMAL_TAIL_OFFSET = 4097u;
const uint NORMAL_TAIL_LEVELS = 32u;
const uint NORMAL_TAIL_SUB_BITS = 5u;
const uint NORMAL_TAIL_STRIDE = 33u;
const uint NORMAL_LEN = 5153u;

#ifdef NORMAL_TABLE
// Standard normal sample of the words r and r2 (r2 read in the tails only). Integer
// work picks the table index b and the position f in [0, 1); then
// z = T[b] + (T[b+1]-T[b])*f in three rounded operations, negated in the upper tail.
float normal_sample(uint r, uint r2) {
	uint top = r >> (32u - NORMAL_TAIL_BITS);
	uint b;
	uint fbits; // the position: an integer below 2^24 ...
	precise float fscale; // ... times this power of two
	bool neg = false;
	if (top != 0u && top != (1u << NORMAL_TAIL_BITS) - 1u) {
		b = r >> (32u - NORMAL_BITS);
		fbits = r & 0xFFFFFu;
		fscale = 9.5367431640625e-7; // 2^-20
	} else {
		// Tail: the leading zeros of r2 pick the octave (r2 = 0 counts as 31), the 5 bits
		// after the leading one the cell, the 24 after those the position.
		uint m = uint(min(31 - findMSB(r2), int(NORMAL_TAIL_LEVELS) - 1));
		uint x = (r2 << m) << 1u;
		b = NORMAL_TAIL_OFFSET + m * NORMAL_TAIL_STRIDE + (x >> (32u - NORMAL_TAIL_SUB_BITS));
		fbits = (x << NORMAL_TAIL_SUB_BITS) >> 8u;
		fscale = 5.9604644775390625e-8; // 2^-24
		neg = top != 0u;
	}
	precise float f = float(fbits) * fscale; // exact
	precise float a = NORMAL_TABLE(b);
	precise float c = NORMAL_TABLE(b + 1u);
	precise float d = f32_sub(c, a);
	precise float e = f32_mul(d, f);
	precise float z = f32_add(a, e);
	if (neg) {
		z = -z;
	}
	return z;
}
#endif

#ifdef POISSON_THRESHOLD
// Poisson count of the word r against the kmax thresholds from index base (the neuron's
// base: 0 for a shared table, global neuron * kmax for per-neuron tables, minus the
// first index of the buffer chunk bound). Counts thresholds below r; stops at the first
// that is not (they are nondecreasing).
uint poisson_sample(uint base, uint kmax, uint r) {
	uint k = 0u;
	for (uint j = 0u; j < kmax; j++) {
		if (r <= POISSON_THRESHOLD(base + j)) {
			break;
		}
		k++;
	}
	return k;
}
#endif

// Gaussian current: p = std*z, then mean + p, each flushed to zero when it underflows.
float noise_current(float mean, float sd, float z) {
	precise float p = f32_mul(sd, z);
	precise float c = f32_add(mean, p);
	return c;
}

// Current of k input spikes: float(k) * weight (float(k) exact for k < 2^24).
float poisson_current(float weight, uint k) {
	precise float c = f32_mul(float(k), weight);
	return c;
}
