//go:build !amd64

package rng

// Other architectures use the portable kernels of batch.go alone (drawGo,
// normalSampleGo); drawImpls and normalImpls hold only those.
