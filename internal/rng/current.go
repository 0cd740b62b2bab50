package rng

import "github.com/lifgpu/lifgpu/internal/f32"

// Noise returns the Gaussian current of one neuron at one step, mean + std*z, as two
// float32 operations in this order: p = std*z, then mean + p, each rounded and flushed
// to zero when it underflows (internal/f32). The GLSL noise_current does the same.
func Noise(mean, std, z float32) float32 {
	p := f32.Mul(std, z)
	return f32.Add(mean, p)
}

// PoissonCurrent returns the current of k input spikes of weight each, float32(k)*weight
// (one rounding; float32(k) is exact since k <= MaxPoissonLen; no underflow, since
// weight is 0 or at least 2^-126). The GLSL poisson_current does the same.
func PoissonCurrent(weight float32, k uint32) float32 {
	return f32.Mul(float32(k), weight)
}
