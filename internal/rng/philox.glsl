// philox.glsl: Philox4x32-10 (Salmon et al. 2011, Random123) and lifgpu's draw mapping,
// the same functions as internal/rng/philox.go, word for word.
//
// Paste after the shader's #version and #extension lines (GLSL 4.30 core; umulExtended
// is core since 4.00). Integer arithmetic only: every backend gives the same words.

const uint PHILOX_M0 = 0xD2511F53u;
const uint PHILOX_M1 = 0xCD9E8D57u;
const uint PHILOX_W0 = 0x9E3779B9u;
const uint PHILOX_W1 = 0xBB67AE85u;

const uint RNG_STREAM_NOISE = 0u;
const uint RNG_STREAM_POISSON = 1u;

// One Philox round: two 32x32->64 multiplies, then xor with the other words and the key.
uvec4 philox4x32_round(uvec4 c, uvec2 k) {
	uint hi0, lo0, hi1, lo1;
	umulExtended(PHILOX_M0, c.x, hi0, lo0);
	umulExtended(PHILOX_M1, c.z, hi1, lo1);
	return uvec4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
}

// Ten rounds, the key bumped by (W0, W1) between rounds.
uvec4 philox4x32_10(uvec4 ctr, uvec2 key) {
	ctr = philox4x32_round(ctr, key);
	for (int i = 1; i < 10; i++) {
		key += uvec2(PHILOX_W0, PHILOX_W1);
		ctr = philox4x32_round(ctr, key);
	}
	return ctr;
}

// rng_draw: the four words of one neuron at one step in one stream.
//   seed: (low, high) 32-bit halves of the 64-bit seed   -> key = seed
//   step: (low, high) 32-bit halves of the 64-bit step   -> counter = (neuron, step.x, step.y, stream)
uvec4 rng_draw(uvec2 seed, uint stream, uint neuron, uvec2 step) {
	return philox4x32_10(uvec4(neuron, step.x, step.y, stream), seed);
}

// rng_noise_words: the two words of neuron's Gaussian noise at step (rng.NoiseWords):
// words (x, y) of the draw at counter step step/2 at even steps, (z, w) at odd ones.
uvec2 rng_noise_words(uvec2 seed, uint neuron, uvec2 step) {
	uvec2 c = uvec2((step.x >> 1u) | (step.y << 31u), step.y >> 1u);
	uvec4 w = rng_draw(seed, RNG_STREAM_NOISE, neuron, c);
	return (step.x & 1u) == 0u ? w.xy : w.zw;
}

// rng_poisson_word: the word of neuron's Poisson input at step (rng.PoissonWord): word
// step%4 of the draw at counter step step/4.
uint rng_poisson_word(uvec2 seed, uint neuron, uvec2 step) {
	uvec2 c = uvec2((step.x >> 2u) | (step.y << 30u), step.y >> 2u);
	uvec4 w = rng_draw(seed, RNG_STREAM_POISSON, neuron, c);
	return w[step.x & 3u];
}
