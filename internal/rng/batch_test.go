package rng

import (
	"fmt"
	"math"
	"testing"
)

// drawNCases are the (seed, stream, neuron0, step) of the DrawN tests: seeds with high
// bits set, both streams and others, steps across 2^32, and neuron0 near 2^32-1 so
// that neuron0+i wraps.
func drawNCases() [][4]uint64 {
	var cs [][4]uint64
	seeds := []uint64{0, 1, 2026, 0xffffffff, 1 << 32, 0x0123456789abcdef, 0xfedcba9876543210, math.MaxUint64}
	streams := []uint64{uint64(StreamNoise), uint64(StreamPoisson), 7, math.MaxUint32}
	neurons := []uint64{0, 5, 1000, 1<<31 - 3, math.MaxUint32 - 50, math.MaxUint32 - 7, math.MaxUint32}
	steps := []uint64{0, 7, 123456, 1<<32 - 1, 1 << 32, 0x0000000500000003, math.MaxUint64}
	for i, s := range seeds {
		for j, st := range streams {
			for k, n := range neurons {
				step := steps[(i+j+k)%len(steps)]
				cs = append(cs, [4]uint64{s, st, n, step})
			}
		}
	}
	return cs
}

// drawNLengths are the batch lengths tested: 0..100 and 1000.
func drawNLengths() []int {
	var ls []int
	for n := 0; n <= 100; n++ {
		ls = append(ls, n)
	}
	return append(ls, 1000)
}

// drawNMasks are the sets of words stored in the checkDrawN calls (bit j: word j;
// word 0 always): all, word 0 alone, the pairs that the noise takes, the single words
// that the Poisson input takes.
var drawNMasks = []int{0b1111, 0b0001, 0b0011, 0b1101, 0b1001, 0b0101}

// checkDrawN compares one implementation's DrawWords with Draw on every case and
// length, with each set of words stored, and returns the first mismatch.
func checkDrawN(d drawImpl) error {
	const pad = 3 // words past the end must stay untouched
	for _, c := range drawNCases() {
		seed, stream, neuron0, step := c[0], uint32(c[1]), uint32(c[2]), c[3]
		for _, n := range drawNLengths() {
			var want [4][]uint32
			for j := range want {
				want[j] = make([]uint32, n)
			}
			for i := range n {
				w := Draw(seed, stream, neuron0+uint32(i), step)
				for j := range want {
					want[j][i] = w[j]
				}
			}
			for _, mask := range drawNMasks {
				var bufs, args [4][]uint32
				for j := range bufs {
					bufs[j] = make([]uint32, n+pad)
					for i := range bufs[j] {
						bufs[j][i] = 0xdeadbeef
					}
					if mask>>j&1 == 1 {
						args[j] = bufs[j][:n]
					}
				}
				drawWith(d, seed, stream, neuron0, step, args)
				for j := range bufs {
					for i := range n {
						if mask>>j&1 == 1 && bufs[j][i] != want[j][i] {
							return fmt.Errorf("seed %#x stream %d neuron0 %d step %#x n %d words %04b: word %d of neuron %d = %08x, Draw gives %08x",
								seed, stream, neuron0, step, n, mask, j, i, bufs[j][i], want[j][i])
						}
						if mask>>j&1 == 0 && bufs[j][i] != 0xdeadbeef {
							return fmt.Errorf("n %d words %04b: word %d not asked for, yet written", n, mask, j)
						}
					}
					for i := n; i < n+pad; i++ {
						if bufs[j][i] != 0xdeadbeef {
							return fmt.Errorf("n %d: wrote word %d past the end at %d", n, j, i)
						}
					}
				}
			}
		}
	}
	return nil
}

// Every implementation gives the words of Draw.
func TestDrawN(t *testing.T) {
	t.Parallel()
	if len(drawImpls) == 0 || drawImpls[len(drawImpls)-1].name != "go" {
		t.Fatalf("drawImpls must end with the portable kernel: %v", drawImpls)
	}
	for _, d := range drawImpls {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			if err := checkDrawN(d); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Logf("%d implementations: %v", len(drawImpls), implNames())
}

func implNames() []string {
	var s []string
	for _, d := range drawImpls {
		s = append(s, d.name)
	}
	return s
}

// DrawN uses the first implementation, and the wrap of neuron indices is that of
// uint32: a batch across 2^32 continues at neuron 0.
func TestDrawNWrap(t *testing.T) {
	t.Parallel()
	w0 := make([]uint32, 40)
	w1 := make([]uint32, 40)
	DrawN(9, StreamNoise, math.MaxUint32-19, 1<<33, w0, w1)
	for i := range 40 {
		want := Draw(9, StreamNoise, uint32(int64(i)-20+(1<<32)), 1<<33) // i = 20 is neuron 0
		if w0[i] != want[0] || w1[i] != want[1] {
			t.Fatalf("word %d = (%08x, %08x), want %08x", i, w0[i], w1[i], want[:2])
		}
	}
	if w := Draw(9, StreamNoise, 0, 1<<33); w0[20] != w[0] {
		t.Fatalf("the batch did not wrap to neuron 0")
	}
}

func TestDrawNShortW1Panics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("DrawN with len(w1) < len(w0) did not panic")
		}
	}()
	DrawN(1, 0, 0, 0, make([]uint32, 10), make([]uint32, 9))
}

// The test can fail: the kernels take their keys from philoxParams, so a wrong key
// word (what a wrong round constant W0 or W1 gives from round 3 on, or a wrong folded
// constant of rounds 1-2) changes the words, and checkDrawN must see it. (A wrong
// multiplier in the assembly is caught the same way: every round's output passes
// through both multipliers, so the words differ from Draw's; Philox's known answers
// pin Draw itself.) Each implementation's kernel is run with one params word flipped.
func TestDrawNCanFail(t *testing.T) {
	t.Parallel()
	for _, d := range drawImpls {
		for field := range 19 {
			bad := d
			bad.kernel = func(p philoxParams, neuron0 uint32, w0, w1, w2, w3 []uint32) {
				q := p
				switch {
				case field == 0:
					q.x1 ^= 1
				case field == 1:
					q.x2 ^= 1 << 31
				case field == 2:
					q.x3 ^= 1 << 7
				default:
					q.keys[field-3] += philoxW0 // a round key one step off
				}
				d.kernel(q, neuron0, w0, w1, w2, w3)
			}
			// Every word is checked: no wrong params word may go unnoticed (k0 of
			// round 9 and k1 of round 10 reach words 2 and 3 alone).
			if err := checkDrawN(bad); err == nil {
				t.Errorf("%s: params word %d wrong: checkDrawN = %v", d.name, field, err)
			}
		}
		// The high halves of the params are not read: garbage there changes nothing.
		junk := d
		junk.kernel = func(p philoxParams, neuron0 uint32, w0, w1, w2, w3 []uint32) {
			q := p
			q.x1 |= 0xabcd << 32
			q.x2 |= 0x1234 << 40
			q.x3 |= 1 << 63
			for i := range q.keys {
				q.keys[i] |= uint64(i+1) << 33
			}
			d.kernel(q, neuron0, w0, w1, w2, w3)
		}
		if err := checkDrawN(junk); err != nil {
			t.Errorf("%s: high halves of the params were read: %v", d.name, err)
		}
	}
}

// normalWords returns n draw-word pairs for the SampleN tests: Philox words, with every
// fifth pair forced to an edge (the borders of the tails and of the main table, r2 at 0,
// 1, powers of two, all ones) and every third into a tail.
func normalWords(n int, seed uint64) (r, r2 []uint32) {
	edges := []uint32{0, 1, 2, 3, 1 << 20, 1<<26 - 1, 1 << 26, 1<<26 + 1, 1 << 31, 1<<31 - 1,
		0xfc000000 - 1, 0xfc000000, 0xfc000001, math.MaxUint32 - 1, math.MaxUint32, 0x80000000 >> 7}
	r = make([]uint32, n)
	r2 = make([]uint32, n)
	for i := range n {
		w := Draw(seed, 3, uint32(i), 0)
		r[i], r2[i] = w[0], w[1]
		switch {
		case i%5 == 0:
			r[i] = edges[(i/5)%len(edges)]
			r2[i] = edges[(i/5/len(edges)+i)%len(edges)]
		case i%3 == 0:
			r[i] = w[2] >> 6 // lower tail
			if w[3]&1 != 0 {
				r[i] = ^r[i] // upper tail
			}
			r2[i] = w[1] >> (w[3] >> 27) // every leading-zero count
		}
	}
	return r, r2
}

// Every SampleN implementation gives the bits of Sample, on every length.
func TestNormalSampleN(t *testing.T) {
	t.Parallel()
	nt := NewNormalTable()
	if len(normalImpls) == 0 || normalImpls[len(normalImpls)-1].name != "go" {
		t.Fatalf("normalImpls must end with the portable one")
	}
	lengths := append(drawNLengths(), 100000)
	for _, impl := range normalImpls {
		t.Run(impl.name, func(t *testing.T) {
			t.Parallel()
			for _, n := range lengths {
				r, r2 := normalWords(n, uint64(n))
				z := make([]float32, n+3)
				for i := range z {
					z[i] = 12345
				}
				impl.sample(nt, r, r2, z[:n])
				for i := range n {
					if want := nt.Sample(r[i], r2[i]); math.Float32bits(z[i]) != math.Float32bits(want) {
						t.Fatalf("n %d: Sample(%#08x, %#08x) = %v, SampleN gives %v", n, r[i], r2[i], want, z[i])
					}
				}
				for i := n; i < n+3; i++ {
					if z[i] != 12345 {
						t.Fatalf("n %d: wrote past the end at %d", n, i)
					}
				}
			}
		})
	}
	// The method uses the first implementation and panics on short inputs.
	r, r2 := normalWords(50, 1)
	z := make([]float32, 50)
	nt.SampleN(r, r2, z)
	for i := range z {
		if z[i] != nt.Sample(r[i], r2[i]) {
			t.Fatalf("NormalTable.SampleN differs at %d", i)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("SampleN with len(r2) < len(z) did not panic")
		}
	}()
	nt.SampleN(r, r2[:49], z)
}

// SampleN can fail: on a table of another sigma the samples differ, and a sample in
// each tail differs from its mirror's negation only if the sign handling is wrong, so
// test both tails exhaustively over the leading-zero counts of r2.
func TestNormalSampleNTails(t *testing.T) {
	t.Parallel()
	nt := NewNormalTable()
	var r, r2 []uint32
	for lz := range 33 {
		x := uint32(0)
		if lz < 32 {
			x = 1<<(31-lz) | 0x5a5a5a5a>>(lz+1)
		}
		for _, top := range []uint32{0, 0x03ffffff, 0xfc000000, math.MaxUint32, 0x0155aa33, 0xfdeeaa01} {
			r, r2 = append(r, top), append(r2, x)
		}
	}
	for _, impl := range normalImpls {
		z := make([]float32, len(r))
		impl.sample(nt, r, r2, z)
		for i := range z {
			if want := nt.Sample(r[i], r2[i]); math.Float32bits(z[i]) != math.Float32bits(want) {
				t.Errorf("%s: Sample(%#08x, %#08x) = %v, SampleN gives %v", impl.name, r[i], r2[i], want, z[i])
			}
		}
		other := newNormalTable(1.001)
		impl.sample(other, r, r2, z)
		same := 0
		for i := range z {
			if z[i] == nt.Sample(r[i], r2[i]) {
				same++
			}
		}
		if same == len(z) {
			t.Errorf("%s: another table gave the same samples", impl.name)
		}
	}
}

// PoissonTable.SampleN gives the counts of Sample, for a shared table and a table per
// neuron, from any first neuron.
func TestPoissonSampleN(t *testing.T) {
	t.Parallel()
	lambdas := make([]float64, 300)
	for i := range lambdas {
		lambdas[i] = float64(i%17) * 0.7
	}
	perNeuron, err := NewPoissonTable(lambdas...)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := NewPoissonTable(2.5)
	if err != nil {
		t.Fatal(err)
	}
	zero, err := NewPoissonTable(0)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]*PoissonTable{"per-neuron": perNeuron, "shared": shared, "zero": zero}
	// Shared tables of lengths 1 to 15.
	for _, l := range []float64{1e-9, 1e-5, 1e-3, 0.01, 0.03, 0.08, 0.2, 0.4, 0.6, 0.9, 1.2, 1.6} {
		pt, err := NewPoissonTable(l)
		if err != nil {
			t.Fatal(err)
		}
		tables[fmt.Sprintf("shared-%d", pt.Len())] = pt
	}
	for name, pt := range tables {
		for _, neuron0 := range []int{0, 1, 150, 299} {
			for n := 0; n <= 300-neuron0; n += 1 + n/3 {
				r := make([]uint32, n)
				DrawN(uint64(n), StreamPoisson, uint32(neuron0), 5, r, nil)
				for i := range r {
					if i%7 == 0 {
						r[i] = []uint32{0, math.MaxUint32, 1, 1 << 31}[i%4]
					}
				}
				k := make([]uint32, n)
				pt.SampleN(neuron0, r, k)
				for i := range n {
					if want := pt.Sample(neuron0+i, r[i]); k[i] != want {
						t.Fatalf("%s: neuron %d, r %#x: SampleN %d, Sample %d", name, neuron0+i, r[i], k[i], want)
					}
				}
				if pt.kmax == 0 {
					continue
				}
				// Every implementation, with draws equal to thresholds and next to them,
				// and guards past n.
				for i := range r {
					if i%5 == 1 {
						r[i] = pt.t[pt.Base(neuron0+i)+i%pt.kmax] + uint32(i%3) - 1
					}
				}
				for _, impl := range poissonImpls {
					k := make([]uint32, n+16)
					for i := range k {
						k[i] = 0xa5a5a5a5
					}
					stride, t0 := pt.kmax, neuron0*pt.kmax
					if pt.shared {
						stride, t0 = 0, 0
					}
					impl.sample(pt.t[t0:], pt.kmax, stride, r, k[:n])
					for i := range n {
						if want := pt.Sample(neuron0+i, r[i]); k[i] != want {
							t.Fatalf("%s: %s: neuron %d, r %#x: %d, Sample %d", impl.name, name, neuron0+i, r[i], k[i], want)
						}
					}
					for i := n; i < len(k); i++ {
						if k[i] != 0xa5a5a5a5 {
							t.Fatalf("%s: %s: wrote k[%d] past n = %d", impl.name, name, i, n)
						}
					}
				}
			}
		}
	}
}

func TestPoissonSampleNShortPanics(t *testing.T) {
	t.Parallel()
	pt, _ := NewPoissonTable(1)
	r := make([]uint32, 10)
	defer func() {
		if recover() == nil {
			t.Error("PoissonTable.SampleN with len(r) < len(k) did not panic")
		}
	}()
	pt.SampleN(0, r[:9], make([]uint32, 10))
}
