// Package rng is the random-number layer of lifgpu: a counter-based generator and the
// host-built tables that turn its integer draws into Gaussian noise and Poisson counts
// with the same bits on the CPU (Go) and on the GPU (GLSL).
//
// # Draws
//
// Every random number comes from Philox4x32-10 (Salmon et al. 2011, the Random123
// library), a pure function of its inputs: [Draw](seed, stream, neuron, step) returns four
// uint32 words, and nothing else (population size, chunking, dispatch size, backend,
// thread) can change them. The inputs map onto Philox's key and counter as
//
//	key     = (uint32(seed), uint32(seed>>32))
//	counter = (neuron, uint32(step), uint32(step>>32), stream)
//
// so distinct (seed, stream, neuron, step) give distinct (key, counter) pairs, and each
// draw is one fresh block of the generator. Neuron is the global index (below 2^32).
// [StreamNoise] (0) feeds the Gaussian current, [StreamPoisson] (1) the Poisson input.
//
// # Which draw serves which step
//
// A block has four words; the noise takes two a step, the Poisson input one, so one
// block serves several consecutive steps of a neuron ([Layout] 2):
//
//	noise at step s:   words (0, 1) at even s, (2, 3) at odd s, of Draw(seed, StreamNoise, neuron, s/2)
//	Poisson at step s: word s%4 of Draw(seed, StreamPoisson, neuron, s/4)
//
// ([NoiseWords], [PoissonWord]; GLSL rng_noise_words, rng_poisson_word). The words of a
// step depend on (seed, neuron, s) alone, as before: a backend may keep a block for the
// steps it serves (the CPU does, a block of neurons at a time through a chunk of steps)
// or draw it again each step (the GPU does), and the results cannot tell. Layout 1 (lifgpu
// 0.1.0 before this change) drew one block per step and stream and took words 0 and 1;
// the model hash includes the layout, so a checkpoint of one is never resumed under the
// other.
//
// # Values from draws
//
// On the device only integer operations, exact conversions of integers below 2^24 to
// float32, and float32 +, -, * (each rounded on its own) turn draws into values:
//
//   - Gaussian: [NormalTable] holds the inverse normal CDF at 4096 equal steps of
//     probability and, for the outer 2^-6 of probability on each side, a finer table
//     indexed by a second draw word; a sample is a linear interpolation between two
//     table entries. Its largest |z| is 6.852.
//   - Poisson: [PoissonTable] holds, per mean, the uint32 thresholds T[j] below or at
//     which a draw gives at most j events; the count is the number of thresholds the
//     draw exceeds.
//
// [Noise] and [PoissonCurrent] are the per-step current terms, operation by operation.
//
// # Batches
//
// [DrawWords], [DrawN], [NormalTable.SampleN] and [PoissonTable.SampleN] do the same for
// a run of consecutive neurons at one counter step, with exactly the same bits:
// DrawWords(seed, stream, neuron0, ctr, w0, w1, w2, w3) gives the four words of Draw for
// neurons neuron0, neuron0+1, ... (uint32 indices, wrapping modulo 2^32; a nil slice
// skips its word), DrawN words 0 and 1. On amd64 they run on AVX-512 or AVX2
// (draw_amd64.s, normal_amd64.s, poisson_amd64.s), chosen at start-up; elsewhere, and
// in every build with the purego tag, in Go.
//
// # GLSL
//
// [GLSLPhilox] and [GLSLDraws] are the same functions in GLSL 4.30, to be pasted into a
// compute shader after its #version and #extension lines; draws.glsl reads the tables
// through the macros NORMAL_TABLE(i) and POISSON_THRESHOLD(i), which the includer defines.
//
// # Example
//
//	r, r2 := rng.NoiseWords(seed, 5, 7) // words 2 and 3 of the noise draw at counter step 3
//	z := nt.Sample(r, r2)
//	fmt.Printf("words %08x %08x, z = %.6f, noise = %.6f nA\n", r, r2, z, rng.Noise(0.1, 0.5, z))
//	k := pt.Sample(5, rng.PoissonWord(seed, 5, 7)) // word 3 of the Poisson draw at counter step 1
package rng
