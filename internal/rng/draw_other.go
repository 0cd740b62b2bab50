//go:build !amd64 || purego

package rng

// Other architectures, and every build with the purego tag, use the portable kernels
// of batch.go alone (drawGo, normalSampleGo); drawImpls and normalImpls hold only those.
