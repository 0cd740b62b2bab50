// conn.glsl: procedural rows in GLSL, the twin of internal/conn (geometric.go, conn.go,
// procedural.go), word for word: the same structure words, targets, synapse indices,
// weights and delays as Geometric.Row, DrawnWeight, Quantize and DrawnDelay.
//
// Paste after f32.glsl, philox.glsl and draws.glsl (normal_sample needs NORMAL_TABLE),
// with the macro CONN_GAP_TABLE(i) defined before it: the row's Geometric thresholds
// (Geometric.T), for example
//   layout(std430, binding = 6) readonly buffer GapTab { uint gap_table[]; };
//   #define CONN_GAP_TABLE(i) gap_table[i]
// Integer work picks the targets; the weights and delays are the contract's float32
// operations (f32_add, f32_mul: flush to zero), bound to precise variables.
//
// A row is walked with a conn_row: conn_row_start, then conn_row_next until it returns
// false. Every loop here ends by its own test; a driver that cuts loops short (llvmpipe's
// iteration limit, gpu's loopcap.go) is caught by the includer (a canary loop after the
// walk), not here.

const uint CONN_MAX_GAP_LEN = 4096u; // conn.MaxGapLen
const uint CONN_MAX_DELAY = 65535u;  // lifgpu.MaxDelaySteps

#ifdef CONN_GAP_TABLE
// The walk of a Bernoulli row: its structure words are those of Philox blocks 0, 1, 2,
// ... of (seed, stream, neuron pre), four a block (conn's words); j is the next
// candidate target, m the index of the next synapse drawn.
struct conn_row {
	uvec2 seed;
	uint stream;
	uint pre;
	uint block; // the next block to draw
	uvec4 buf;  // the words of the last block drawn
	uint next;  // the next word of buf; 4: draw a block
	uint j;
	uint m;
};

conn_row conn_row_start(uvec2 seed, uint stream, uint pre, uint lo) {
	return conn_row(seed, stream, pre, 0u, uvec4(0u), 4u, lo, 0u);
}

uint conn_word(inout conn_row r) {
	if (r.next == 4u) {
		r.buf = rng_draw(r.seed, r.stream, r.pre, uvec2(r.block, 0u));
		r.block++;
		r.next = 0u;
	}
	uint u = r.buf[r.next];
	r.next++;
	return u;
}

// conn_gap is the gap of word u: the number of the len thresholds below u (they never
// decrease), len when u is above them all (Geometric.count).
uint conn_gap(uint u, uint len) {
	uint lo = 0u;
	uint hi = len;
	while (lo < hi) {
		uint mid = (lo + hi) >> 1u;
		if (CONN_GAP_TABLE(mid) < u) {
			lo = mid + 1u;
		} else {
			hi = mid;
		}
	}
	return lo;
}

// conn_row_next moves r to the row's next target below hi, with len thresholds
// (0 < P < 1): it returns true with the target in j and its synapse index in m, or
// false at the row's end. Targets come in increasing order, so a walk may stop at any
// hi at or below the post range's end and find the same targets below it.
bool conn_row_next(inout conn_row r, uint len, uint hi, out uint j, out uint m) {
	for (;;) { // the gap: whole tables while the word is above every threshold
		uint c = conn_gap(conn_word(r), len);
		r.j += c;
		if (c < len || r.j >= hi) {
			break;
		}
	}
	j = r.j;
	m = r.m;
	r.j++;
	r.m++;
	return j < hi;
}
#endif

// conn_round rounds x half away from zero (math.Round), |x| < 2^31: t = trunc(x) and
// x - t are exact.
int conn_round(float x) {
	precise float t = trunc(x);
	precise float f = f32_sub(x, t);
	int r = int(t);
	if (f >= 0.5) {
		r++;
	} else if (f <= -0.5) {
		r--;
	}
	return r;
}

// conn_z is the Gaussian of synapse m of row neuron key in stream: words 0 and 1 of its
// block m.
float conn_z(uvec2 seed, uint stream, uint key, uint m) {
	uvec4 b = rng_draw(seed, stream, key, uvec2(m, 0u));
	return normal_sample(b.x, b.y);
}

// conn_weight_q is the fixed-point weight of a drawn weight (DrawnWeight, then
// Quantize): w = mean + sd*z, 0 when its sign is not the mean's, then round(w * scale)
// half away from zero, scale = 2^q (the product is exact).
int conn_weight_q(uvec2 seed, uint stream, uint key, uint m, float mean, float sd, float scale) {
	precise float z = conn_z(seed, stream, key, m);
	precise float p = f32_mul(sd, z);
	precise float w = f32_add(mean, p);
	if (mean != 0.0 && (w < 0.0) != (mean < 0.0)) {
		return 0;
	}
	precise float x = f32_mul(w, scale);
	return conn_round(x);
}

// conn_delay is a drawn delay in steps (DrawnDelay): x = mean + sd*z (mean and sd in
// steps), rounded half away from zero, clipped to [1, CONN_MAX_DELAY]. x is clamped
// first so that the rounding cannot overflow; the clip gives the same result.
uint conn_delay(uvec2 seed, uint stream, uint key, uint m, float mean, float sd) {
	precise float z = conn_z(seed, stream, key, m);
	precise float p = f32_mul(sd, z);
	precise float x = f32_add(mean, p);
	x = clamp(x, 0.0, 65536.0);
	return uint(clamp(conn_round(x), 1, int(CONN_MAX_DELAY)));
}
