package conn

import (
	"math"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/f32"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// Range is lifgpu.Range: the neurons [Lo, Hi).
type Range = lifgpu.Range

// StreamBase is the first Philox stream of the connectivity (rng's inputs use 0 and 1).
const StreamBase = 2

// Streams returns the structure, weight and delay streams of projection k.
func Streams(k int) (structure, weight, delay uint32) {
	s := uint32(StreamBase + 3*k)
	return s, s + 1, s + 2
}

// RoundHalfAway rounds x to the nearest integer, halves away from zero (math.Round).
func RoundHalfAway(x float64) float64 { return math.Round(x) }

// Quantize returns w_q = round(w * 2^q), half away from zero, saturated to ±2^40 (a
// weight that large cannot fit any resolution: the sums refuse it).
func Quantize(w float64, q int) int64 {
	x := math.Round(math.Ldexp(w, q))
	return int64(max(-1<<40, min(1<<40, x)))
}

// DrawnWeight is the weight of synapse m of row neuron key drawn from Dist{mean, std}
// (float32; see the package documentation): Gaussian z from the words of block m of
// the weight stream, w = mean + std*z in the contract's float32 operations, clipped to
// 0 when its sign is not the mean's.
func DrawnWeight(seed uint64, stream uint32, key, m int, mean, std float32, nt *rng.NormalTable) float32 {
	b := rng.Draw(seed, stream, uint32(key), uint64(m))
	z := nt.Sample(b[0], b[1])
	w := f32.Add(mean, f32.Mul(std, z))
	if mean != 0 && (w < 0) != (mean < 0) {
		return 0
	}
	return w
}

// DrawnDelay is the delay in steps of synapse m of row neuron key drawn with mean and
// std already in steps (float32(mean/dt), float32(std/dt)): x = mean + std*z in float32,
// rounded half away from zero, clipped to [1, lifgpu.MaxDelaySteps].
func DrawnDelay(seed uint64, stream uint32, key, m int, mean, std float32, nt *rng.NormalTable) int {
	b := rng.Draw(seed, stream, uint32(key), uint64(m))
	z := nt.Sample(b[0], b[1])
	x := f32.Add(mean, f32.Mul(std, z))
	return ClipDelay(math.Round(float64(x)))
}

// ClipDelay clips a delay in steps to [1, lifgpu.MaxDelaySteps].
func ClipDelay(d float64) int {
	return int(max(1, min(lifgpu.MaxDelaySteps, d)))
}

// StepsOf is a constant delay in steps: round(ms/dt), half away from zero.
func StepsOf(ms, dt float64) int { return int(math.Round(ms / dt)) }

// addMul is mean + std*z in the contract's float32 operations.
func addMul(mean, std, z float32) float32 { return f32.Add(mean, f32.Mul(std, z)) }
