// Package conn makes the synapses of a network (lifgpu.Projection) the same way on
// every backend: explicit arrays resolved to steps and fixed point, and generated
// connectivity drawn from Philox keyed by the seed and the projection, so that the
// same synapses come out whatever the workers, the chunks, the backend, or whether a
// projection is stored or procedural (its rows drawn again at each spike).
//
// # Draws
//
// Projection k owns three Philox streams (rng.Draw's fourth counter word):
// StreamBase + 3k for the structure (gaps of a Bernoulli row, the picks of a fixed
// in-degree), +1 for weights and +2 for delays. The counter's neuron word is the row's
// neuron: the pre neuron of a Bernoulli row, the post neuron of an in-degree column.
// Its step words count the row's Philox blocks: the structure's uniforms are the words
// of blocks 0, 1, 2, ... in order (four a block); synapse m of a row draws its weight
// from block m of the weight stream (words 0 and 1, as the noise input's Gaussian
// does), its delay from block m of the delay stream.
//
// # Bernoulli rows
//
// Each pair (i, j) of a projection with probability p is a synapse independently. A row
// is drawn by skipping: the gaps between successive targets are geometric, G = the
// failures before a success, P(G <= k) = 1 - (1-p)^(k+1). A host-built table (Geometric)
// holds the uint32 thresholds T[k] = round(P(G <= k) 2^32) - 1 for k < L (L at most
// 4096, fewer when the tail beyond is below 2^-33); a uniform word u gives the gap
// #{k : T[k] < u}, found by binary search, unless u exceeds every threshold: then G >= L,
// and by the gap's memorylessness the row moves on by L and draws again. Integer work
// only: the GPU finds the same targets. Autapses are drawn and then dropped when
// NoAutapses is set (the pairs left are still independent Bernoulli trials), keeping
// their index m, so the other synapses' weights and delays do not move.
//
// # Fixed in-degree
//
// Post neuron j draws InDegree pre neurons from its pre range (R neurons) with uniform
// words: pre = lo + floor(u R / 2^32). With multapses allowed a draw is kept as it is
// (a draw of j itself is drawn again when NoAutapses); without, Floyd's algorithm
// picks InDegree distinct ones. These rows are stored only.
//
// # Weights and delays
//
// A constant weight w gives w_q = round(w 2^q) (float64, half away from zero), as an
// explicit weight does. A drawn one is float32: z from the Gaussian table, p = std*z,
// w = mean + p (the contract's rounded float32 operations), clipped to 0 when its sign
// is not the mean's, then w_q = round(w 2^q) half away from zero (w 2^q is exact). A
// constant delay is round(delay/dt) steps (float64); a drawn one is
// x = float32(mean/dt) + float32(std/dt)*z in float32 and round(x) half away from zero,
// clipped to [1, lifgpu.MaxDelaySteps].
//
// # Resolution
//
// q is the largest integer in [0, 30] such that, for every post neuron, the sum of |w_q|
// over its synapses is at most 2^24 - 1 (DESIGN.md): then no int32 accumulator can
// overflow and float32(acc) is exact. It is found with integers only, so the same q comes
// out whatever the order of the sums: the exact sums at q = 30 bound every other q's to
// within the synapse count, and the few candidates left are summed exactly.
package conn
