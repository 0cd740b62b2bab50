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
// [DrawN], [NormalTable.SampleN] and [PoissonTable.SampleN] do the same for a run of
// consecutive neurons at one step, with exactly the same bits: DrawN(seed, stream,
// neuron0, step, w0, w1) gives words 0 and 1 of Draw for neurons neuron0, neuron0+1, ...
// (uint32 indices, wrapping modulo 2^32). On amd64 they run on AVX-512 or AVX2
// (draw_amd64.s, normal_amd64.s), chosen at start-up; elsewhere, and in every build
// with the purego tag, in Go.
//
// # GLSL
//
// [GLSLPhilox] and [GLSLDraws] are the same functions in GLSL 4.30, to be pasted into a
// compute shader after its #version and #extension lines; draws.glsl reads the tables
// through the macros NORMAL_TABLE(i) and POISSON_THRESHOLD(i), which the includer defines.
//
// # Example
//
//	w := rng.Draw(seed, rng.StreamNoise, 5, 7)
//	z := nt.Sample(w[0], w[1])
//	fmt.Printf("draw %08x, z = %.6f, noise = %.6f nA\n", w, z, rng.Noise(0.1, 0.5, z))
//	p := rng.Draw(seed, rng.StreamPoisson, 5, 7)
//	k := pt.Sample(5, p[0])
package rng
