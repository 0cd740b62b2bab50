//go:build !purego

package cpu

import "golang.org/x/sys/cpu"

// Drive loops in drive_amd64.s; they give the bits of driveEulerGo, driveExactGo and
// inputGo (see drive_amd64.s on NaN payloads).

//go:noescape
func driveEulerAVX512(dst, b, s, x, r []float32)

//go:noescape
func driveExactAVX512(dst, b, s, x, r, uRest []float32)

//go:noescape
func inputAVX512(dst, b, s, x []float32)

//go:noescape
func driveEulerAVX2(dst, b, s, x, r []float32)

//go:noescape
func driveExactAVX2(dst, b, s, x, r, uRest []float32)

//go:noescape
func inputAVX2(dst, b, s, x []float32)

// randomAVX512 and randomAVX2 (random_amd64.s) give the bits of randomGo.
//
//go:noescape
func randomAVX512(a *randomArgs)

//go:noescape
func randomAVX2(a *randomArgs)

// randomPoissonAVX512 (random_amd64.s) gives the bits of randomPoissonGo.
//
//go:noescape
func randomPoissonAVX512(a *randomArgs)

func init() {
	var sets []driveSet
	// x/sys/cpu reports these only when the OS also saves the vector registers (XCR0).
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL {
		sets = append(sets, driveSet{name: "avx512", euler: driveEulerAVX512, exact: driveExactAVX512, input: inputAVX512, random: randomAVX512, randomPoisson: randomPoissonAVX512})
	}
	if cpu.X86.HasAVX2 {
		sets = append(sets, driveSet{name: "avx2", euler: driveEulerAVX2, exact: driveExactAVX2, input: inputAVX2, random: randomAVX2})
	}
	driveSets = append(sets, driveSets...)
	driveEuler, driveExact, driveInput = driveSets[0].euler, driveSets[0].exact, driveSets[0].input
	driveRandom, driveRandomPoisson = driveSets[0].random, driveSets[0].randomPoisson
}
