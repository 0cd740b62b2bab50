package rng

// Philox4x32-10 constants (Random123, philox.h).
const (
	philoxM0 = 0xD2511F53 // multiplier of counter word 0
	philoxM1 = 0xCD9E8D57 // multiplier of counter word 2
	philoxW0 = 0x9E3779B9 // key-schedule increment of key word 0 (golden ratio)
	philoxW1 = 0xBB67AE85 // key-schedule increment of key word 1 (sqrt(3)-1)
)

// Streams: the fourth counter word, one per kind of randomness, so that the Gaussian
// noise and the Poisson input of a neuron at a step never share a draw.
const (
	StreamNoise   uint32 = 0 // Gaussian current noise
	StreamPoisson uint32 = 1 // Poisson input spikes
)

// Philox4x32 is the Philox4x32-10 block function of Random123: ten rounds of the
// counter under the key, the key bumped by (W0, W1) between rounds.
func Philox4x32(ctr [4]uint32, key [2]uint32) [4]uint32 {
	c0, c1, c2, c3 := ctr[0], ctr[1], ctr[2], ctr[3]
	k0, k1 := key[0], key[1]
	c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	for range 9 {
		k0 += philoxW0
		k1 += philoxW1
		c0, c1, c2, c3 = philoxRound(c0, c1, c2, c3, k0, k1)
	}
	return [4]uint32{c0, c1, c2, c3}
}

// philoxRound is one Philox4x32 round: two 32x32->64 multiplies, then xor with the
// other words and the key.
func philoxRound(c0, c1, c2, c3, k0, k1 uint32) (uint32, uint32, uint32, uint32) {
	p0 := uint64(philoxM0) * uint64(c0)
	p1 := uint64(philoxM1) * uint64(c2)
	return uint32(p1>>32) ^ c1 ^ k0, uint32(p1), uint32(p0>>32) ^ c3 ^ k1, uint32(p0)
}

// Key returns the Philox key of a seed: its low and high 32-bit halves.
func Key(seed uint64) [2]uint32 {
	return [2]uint32{uint32(seed), uint32(seed >> 32)}
}

// Counter returns the Philox counter of a draw: (neuron, low and high halves of step,
// stream).
func Counter(stream, neuron uint32, step uint64) [4]uint32 {
	return [4]uint32{neuron, uint32(step), uint32(step >> 32), stream}
}

// Draw returns the four random words of one neuron at one step in one stream:
// Philox4x32(Counter(stream, neuron, step), Key(seed)). It is a pure function; the
// GLSL rng_draw gives the same words.
func Draw(seed uint64, stream, neuron uint32, step uint64) [4]uint32 {
	return Philox4x32(Counter(stream, neuron, step), Key(seed))
}

// How the per-step inputs use the draws: one Philox block serves NoiseSteps consecutive
// steps of a neuron's Gaussian noise (two words a step) and PoissonSteps steps of its
// Poisson input (one word a step), so that a step costs half a block, or a quarter,
// instead of one. The block of step s is the draw at counter step s/NoiseSteps (or
// s/PoissonSteps); s%NoiseSteps (s%PoissonSteps) picks the words. Layout names this
// layout: a model hash that includes it keeps a checkpoint made under another layout
// from resuming.
const (
	NoiseSteps   = 2
	PoissonSteps = 4
	Layout       = 2 // 1: one block per step and stream, words 0 and 1 (lifgpu 0.1.0)
)

// NoiseWords returns the two draw words of neuron's Gaussian noise at step: words 0 and
// 1 of Draw(seed, StreamNoise, neuron, step/2) at even steps, words 2 and 3 at odd ones.
// The GLSL rng_noise_words gives the same words.
func NoiseWords(seed uint64, neuron uint32, step uint64) (r, r2 uint32) {
	w := Draw(seed, StreamNoise, neuron, step/NoiseSteps)
	j := 2 * (step % NoiseSteps)
	return w[j], w[j+1]
}

// PoissonWord returns the draw word of neuron's Poisson input at step: word step%4 of
// Draw(seed, StreamPoisson, neuron, step/4). The GLSL rng_poisson_word gives the same
// word.
func PoissonWord(seed uint64, neuron uint32, step uint64) uint32 {
	w := Draw(seed, StreamPoisson, neuron, step/PoissonSteps)
	return w[step%PoissonSteps]
}
