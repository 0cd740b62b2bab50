package cpu

import (
	"math"
	"math/rand/v2"
	"testing"
)

// synCase is the input of one synaptic step: the block's arrays, each followed by
// guards.
type synCase struct {
	n              int
	e, in          []float32 // e == in when the step works in place
	ringEx, ringIn []int32
	iEx, iIn       []float32
	decEx, decIn   []float32
	r, uRest       []float32
	scale          float32
	inPlace        bool
}

const synGuard = 16

var synGuardI32 = int32(-0x5a5a5a5b)

func guarded[T any](n int, guard T, v func(i int) T) []T {
	a := make([]T, n+synGuard)
	for i := range a {
		if i < n {
			a[i] = v(i)
		} else {
			a[i] = guard
		}
	}
	return a
}

// randomSynCase draws a block: ring sums within the contract's bound 2^24 - 1 (zero
// often), currents and inputs of any kind (driveValue: specials too), ports that are
// delta currents (a negative decay, -0 included) on some lanes, all or none.
func randomSynCase(rng *rand.Rand, n int) *synCase {
	ring := func(int) int32 {
		switch rng.IntN(3) {
		case 0:
			return 0
		case 1:
			return int32(rng.IntN(1<<25)) - (1<<24 - 1)
		}
		return []int32{1, -1, 1<<24 - 1, -(1<<24 - 1)}[rng.IntN(4)]
	}
	mode := func() int { return rng.IntN(3) } // 0: all delta, 1: none, 2: mixed
	dec := func(mode int) func(int) float32 {
		return func(int) float32 {
			if mode == 0 || (mode == 2 && rng.IntN(2) == 0) {
				return []float32{-1, float32(math.Copysign(0, -1)), -0.5, -driveValue(rng)}[rng.IntN(4)]
			}
			if rng.IntN(4) == 0 {
				return driveValue(rng)
			}
			return float32(rng.Float64())
		}
	}
	val := func(int) float32 { return driveValue(rng) }
	mEx, mIn := mode(), mode()
	c := &synCase{n: n, scale: float32(math.Ldexp(1, -rng.IntN(31))), inPlace: rng.IntN(2) == 0}
	c.in = guarded(n, driveGuardF32, val)
	c.e = guarded(n, driveGuardF32, val)
	c.ringEx, c.ringIn = guarded(n, synGuardI32, ring), guarded(n, synGuardI32, ring)
	c.iEx, c.iIn = guarded(n, driveGuardF32, val), guarded(n, driveGuardF32, val)
	c.decEx, c.decIn = guarded(n, driveGuardF32, dec(mEx)), guarded(n, driveGuardF32, dec(mIn))
	c.r, c.uRest = guarded(n, driveGuardF32, val), guarded(n, driveGuardF32, val)
	return c
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }

// run calls k on a copy of c and returns the copy.
func (c *synCase) run(k synKernel) *synCase {
	d := *c
	d.e, d.in, d.ringEx, d.ringIn = clone(c.e), clone(c.in), clone(c.ringEx), clone(c.ringIn)
	d.iEx, d.iIn, d.decEx, d.decIn = clone(c.iEx), clone(c.iIn), clone(c.decEx), clone(c.decIn)
	d.r, d.uRest = clone(c.r), clone(c.uRest)
	e := d.e
	if d.inPlace {
		e = d.in
	}
	k(&synBlock{e: &e[0], in: &d.in[0], ringEx: &d.ringEx[0], ringIn: &d.ringIn[0], iEx: &d.iEx[0], iIn: &d.iIn[0],
		decEx: &d.decEx[0], decIn: &d.decIn[0], r: &d.r[0], uRest: &d.uRest[0], n: d.n, scale: d.scale})
	return &d
}

// out is the drive the step wrote.
func (c *synCase) out() []float32 {
	if c.inPlace {
		return c.in
	}
	return c.e
}

// synModel is the step on c in place, in expression order with the NaN rule of nanFirst.
func synModel(c *synCase, exact bool) *synCase {
	d := *c
	d.e, d.in, d.ringEx, d.ringIn = clone(c.e), clone(c.in), clone(c.ringEx), clone(c.ringIn)
	d.iEx, d.iIn = clone(c.iEx), clone(c.iIn)
	out := d.out()
	port := func(ring []int32, cur, dec []float32, i int) float32 {
		s := mul32(float32(ring[i]), d.scale)
		ring[i] = 0
		if isDelta(dec[i]) {
			return s
		}
		x := nanFirst(cur[i], dec[i], mul32)
		x = nanFirst(x, s, add32)
		cur[i] = x
		return x
	}
	for i := range d.n {
		sx := port(d.ringEx, d.iEx, d.decEx, i)
		si := port(d.ringIn, d.iIn, d.decIn, i)
		I := nanFirst(d.in[i], nanFirst(sx, si, add32), add32)
		e := nanFirst(d.r[i], I, mul32)
		if exact {
			e = nanFirst(d.uRest[i], e, add32)
		}
		out[i] = e
	}
	return &d
}

// TestSyn compares every synaptic step with the portable one (two NaNs equal) and with
// the expression-order model (bit for bit, NaN payloads included), the portable one
// with the model (two NaNs equal), on blocks of 16 to 1024 neurons: the drive, both
// rings (read and cleared), both currents (left alone on delta lanes), and the guards
// after every array.
func TestSyn(t *testing.T) {
	if kernelSets[len(kernelSets)-1].name != "go" {
		t.Fatalf("kernelSets must end with the portable set")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range kernelSets {
		for _, exact := range []bool{false, true} {
			name, k := "euler", s.synEuler
			if exact {
				name, k = "exact", s.synExact
			}
			t.Run(name+"/"+s.name, func(t *testing.T) {
				bad := 0
				report := func(format string, args ...any) {
					if bad++; bad <= 10 {
						t.Errorf(format, args...)
					}
				}
				goK := kernelSets[len(kernelSets)-1].synEuler
				if exact {
					goK = kernelSets[len(kernelSets)-1].synExact
				}
				for trial := range 300 {
					n := lanes * (1 + trial%64)
					c := randomSynCase(rng, n)
					got, model := c.run(k), synModel(c, exact)
					wants := []*synCase{model}
					if s.name != "go" {
						wants = append(wants, c.run(goK))
					}
					for w, want := range wants {
						nanEqual := s.name == "go" || w == 1
						f32s := func(what string, a, b []float32) {
							for i := range a {
								if (nanEqual && kernelBitsDiffer(a[i], b[i])) || (!nanEqual && math.Float32bits(a[i]) != math.Float32bits(b[i])) {
									report("n=%d (against %d): %s[%d] = %v (%#08x), want %v (%#08x)", n, w, what, i, a[i], math.Float32bits(a[i]), b[i], math.Float32bits(b[i]))
								}
							}
						}
						i32s := func(what string, a, b []int32) {
							for i := range a {
								if a[i] != b[i] {
									report("n=%d: %s[%d] = %d, want %d", n, what, i, a[i], b[i])
								}
							}
						}
						f32s("drive", got.out(), want.out())
						if !c.inPlace {
							f32s("in", got.in, want.in)
						}
						f32s("i_ex", got.iEx, want.iEx)
						f32s("i_in", got.iIn, want.iIn)
						i32s("ring_ex", got.ringEx, want.ringEx)
						i32s("ring_in", got.ringIn, want.ringIn)
						f32s("dec_ex", got.decEx, c.decEx)
						f32s("dec_in", got.decIn, c.decIn)
						f32s("r", got.r, c.r)
						f32s("u_rest", got.uRest, c.uRest)
					}
				}
				if bad > 10 {
					t.Errorf("... %d differences in all", bad)
				}
			})
		}
	}
}

// BenchmarkSyn times each synaptic step on one block of 512 neurons, both ports
// exponential.
func BenchmarkSyn(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := randomSynCase(rng, blockSize)
	for i := range blockSize {
		c.decEx[i], c.decIn[i] = 0.98, 0.99
		c.iEx[i], c.iIn[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		c.in[i], c.r[i], c.uRest[i] = float32(rng.NormFloat64()), 1, -60
	}
	for _, s := range kernelSets {
		for _, exact := range []bool{false, true} {
			name, k := "euler", s.synEuler
			if exact {
				name, k = "exact", s.synExact
			}
			blk := synBlock{e: &c.e[0], in: &c.in[0], ringEx: &c.ringEx[0], ringIn: &c.ringIn[0], iEx: &c.iEx[0], iIn: &c.iIn[0],
				decEx: &c.decEx[0], decIn: &c.decIn[0], r: &c.r[0], uRest: &c.uRest[0], n: blockSize, scale: c.scale}
			b.Run(name+"/"+s.name, func(b *testing.B) {
				for b.Loop() {
					k(&blk)
				}
				b.ReportMetric(b.Elapsed().Seconds()*1e9/(float64(b.N)*blockSize), "ns/neuron")
			})
		}
	}
}
