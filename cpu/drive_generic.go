package cpu

import "github.com/lifgpu/lifgpu/internal/f32"

// Drive loops of fillDrive: for a block of neurons, the input I = ((b + s) + x) and,
// unless random terms change it every step, the drive the kernels take: R*I for Euler,
// uRest + R*I for the exact method. Every float32 operation is rounded on its own and
// flushed when it underflows (internal/f32), in the contract's operand order. dst sets the length; the other slices must hold at least len(dst) values (the
// assembly versions do not check).
//
// Architecture files prepend faster versions to driveSets in init and point driveEuler,
// driveExact and driveInput at the first; the versions give the same bits (up to which
// NaN payload survives when two operands are NaNs: see drive_amd64.s).

// driveEulerGo sets dst[i] = r[i] * ((b[i] + s[i]) + x[i]).
func driveEulerGo(dst, b, s, x, r []float32) {
	b, s, x, r = b[:len(dst)], s[:len(dst)], x[:len(dst)], r[:len(dst)]
	for i := range dst {
		t := f32.Add(f32.Add(b[i], s[i]), x[i])
		dst[i] = f32.Mul(r[i], t)
	}
}

// driveExactGo sets dst[i] = uRest[i] + r[i] * ((b[i] + s[i]) + x[i]).
func driveExactGo(dst, b, s, x, r, uRest []float32) {
	b, s, x, r, uRest = b[:len(dst)], s[:len(dst)], x[:len(dst)], r[:len(dst)], uRest[:len(dst)]
	for i := range dst {
		t := f32.Add(f32.Add(b[i], s[i]), x[i])
		t = f32.Mul(r[i], t)
		dst[i] = f32.Add(uRest[i], t)
	}
}

// inputGo sets dst[i] = (b[i] + s[i]) + x[i].
func inputGo(dst, b, s, x []float32) {
	b, s, x = b[:len(dst)], s[:len(dst)], x[:len(dst)]
	for i := range dst {
		dst[i] = f32.Add(f32.Add(b[i], s[i]), x[i])
	}
}

// driveSet is one implementation of the three drive loops.
type driveSet struct {
	name  string
	euler func(dst, b, s, x, r []float32)
	exact func(dst, b, s, x, r, uRest []float32)
	input func(dst, b, s, x []float32)
	// random is the per-step input of a block with random terms (see randomArgs).
	random func(a *randomArgs)
	// randomPoisson is random for Poisson input alone, counted in the same pass from
	// the draw words and a shared table (randomArgs.pr); nil where there is no such
	// kernel (then the counts come from rng.PoissonTable.SampleN).
	randomPoisson func(a *randomArgs)
}

// driveSets lists the drive loops this machine can run, fastest first; the portable set
// is always last.
var driveSets = []driveSet{{name: "go", euler: driveEulerGo, exact: driveExactGo, input: inputGo, random: randomGo}}

// The drive loops fillDrive and randomInput call: the fastest of driveSets (set in init
// on amd64).
var (
	driveEuler  = driveEulerGo
	driveExact  = driveExactGo
	driveInput  = inputGo
	driveRandom = randomGo
	// driveRandomPoisson may be nil: see driveSet.randomPoisson.
	driveRandomPoisson func(a *randomArgs)
)
