package rng

// Noise returns the Gaussian current of one neuron at one step, mean + std*z, as two
// float32 operations in this order: p = std*z (rounded), then mean + p (rounded). The
// GLSL noise_current does the same.
func Noise(mean, std, z float32) float32 {
	p := float32(std * z)
	return float32(mean + p)
}

// PoissonCurrent returns the current of k input spikes of weight each, float32(k)*weight
// (one rounding; float32(k) is exact since k <= MaxPoissonLen). The GLSL
// poisson_current does the same.
func PoissonCurrent(weight float32, k uint32) float32 {
	return float32(float32(k) * weight)
}
