package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// kernelCase is the input of one block kernel call: per-neuron parameters and state.
type kernelCase struct {
	n, steps                     int
	u                            []float32
	ref                          []int32
	e, alpha, uRest, uReset, uTh []float32
	refSteps                     []int32
}

func newKernelCase(n, steps int) *kernelCase {
	return &kernelCase{
		n: n, steps: steps,
		u: make([]float32, n), ref: make([]int32, n),
		e: make([]float32, n), alpha: make([]float32, n), uRest: make([]float32, n),
		uReset: make([]float32, n), uTh: make([]float32, n), refSteps: make([]int32, n),
	}
}

// guard lanes after each output array: a kernel that writes past its block is caught.
const kernelGuard = 32

var (
	kernelGuardF32 = math.Float32frombits(0x7fa5a5a5) // a signalling NaN nobody computes
	kernelGuardI32 = int32(-0x5a5a5a5b)
	kernelGuardU16 = uint16(0xa5a5)
)

// kernelResult is the state after a call, with the guard lanes still attached.
type kernelResult struct {
	u     []float32
	ref   []int32
	masks []uint16
}

// run calls k on a fresh copy of c's state; the inputs in c are left untouched.
func (c *kernelCase) run(k kernel) kernelResult {
	n := c.n
	u := append(append(make([]float32, 0, n+kernelGuard), c.u...), make([]float32, kernelGuard)...)
	ref := append(append(make([]int32, 0, n+kernelGuard), c.ref...), make([]int32, kernelGuard)...)
	masks := make([]uint16, c.steps*n/lanes+kernelGuard)
	for i := n; i < len(u); i++ {
		u[i], ref[i] = kernelGuardF32, kernelGuardI32
	}
	for i := range masks {
		masks[i] = kernelGuardU16 // the kernel must overwrite every word of every row
	}
	// Copies of the parameters, so that a kernel writing into them is caught too.
	e, alpha := append([]float32(nil), c.e...), append([]float32(nil), c.alpha...)
	uRest, uReset := append([]float32(nil), c.uRest...), append([]float32(nil), c.uReset...)
	uTh, refSteps := append([]float32(nil), c.uTh...), append([]int32(nil), c.refSteps...)
	b := block{
		u: &u[0], ref: &ref[0], e: &e[0], alpha: &alpha[0], uRest: &uRest[0],
		uReset: &uReset[0], uTh: &uTh[0], refSteps: &refSteps[0], masks: &masks[0],
		n: n, steps: c.steps,
	}
	k(&b)
	for i := range n {
		if kernelBitsDiffer(e[i], c.e[i]) || kernelBitsDiffer(alpha[i], c.alpha[i]) ||
			kernelBitsDiffer(uRest[i], c.uRest[i]) || kernelBitsDiffer(uReset[i], c.uReset[i]) ||
			kernelBitsDiffer(uTh[i], c.uTh[i]) || refSteps[i] != c.refSteps[i] {
			panic(fmt.Sprintf("kernel wrote into its parameters at neuron %d", i))
		}
	}
	return kernelResult{u: u, ref: ref, masks: masks}
}

// kernelBitsDiffer compares bits, except that any two NaNs are equal: which NaN payload
// survives depends on the order the Go compiler gives the operands (it differs under
// -race), and no NaN reaches a kernel from a validated model.
func kernelBitsDiffer(a, b float32) bool {
	if a != a && b != b {
		return false
	}
	return math.Float32bits(a) != math.Float32bits(b)
}

// compareKernel runs the reference and k on c and reports every difference, bit for bit,
// including the guard lanes.
func compareKernel(t *testing.T, c *kernelCase, ref, k kernel) {
	t.Helper()
	want, got := c.run(ref), c.run(k)
	bad := 0
	report := func(format string, args ...any) {
		if bad++; bad <= 10 {
			t.Errorf(format, args...)
		}
	}
	for i := range want.u {
		if kernelBitsDiffer(got.u[i], want.u[i]) {
			report("n=%d steps=%d: u[%d] = %v (%#08x), want %v (%#08x)", c.n, c.steps, i,
				got.u[i], math.Float32bits(got.u[i]), want.u[i], math.Float32bits(want.u[i]))
		}
		if got.ref[i] != want.ref[i] {
			report("n=%d steps=%d: ref[%d] = %d, want %d", c.n, c.steps, i, got.ref[i], want.ref[i])
		}
	}
	for i := range want.masks {
		if got.masks[i] != want.masks[i] {
			report("n=%d steps=%d: masks[%d] (step %d, word %d) = %#04x, want %#04x", c.n, c.steps,
				i, i/(c.n/lanes), i%(c.n/lanes), got.masks[i], want.masks[i])
		}
	}
	if bad > 10 {
		t.Errorf("... %d differences in all", bad)
	}
}

// forEachKernel runs f for the Euler and exact kernels of every set but the reference one.
func forEachKernel(t *testing.T, f func(t *testing.T, method string, ref, k kernel)) {
	t.Helper()
	tested := 0
	for _, s := range kernelSets {
		if s.name == "go" {
			continue
		}
		tested++
		t.Run("euler/"+s.name, func(t *testing.T) { f(t, "euler", eulerGo, s.euler) })
		t.Run("exact/"+s.name, func(t *testing.T) { f(t, "exact", exactGo, s.exact) })
	}
	if tested == 0 {
		t.Skip("only the portable kernels on this machine")
	}
}

func TestKernelSetsOrder(t *testing.T) {
	if len(kernelSets) == 0 || kernelSets[len(kernelSets)-1].name != "go" {
		t.Fatalf("kernelSets must end with the portable set: %v", kernelSetNames())
	}
	seen := map[string]bool{}
	for _, s := range kernelSets {
		if s.euler == nil || s.exact == nil || seen[s.name] {
			t.Fatalf("bad kernelSets: %v", kernelSetNames())
		}
		seen[s.name] = true
	}
	t.Logf("kernel sets: %v", kernelSetNames())
}

func kernelSetNames() []string {
	var names []string
	for _, s := range kernelSets {
		names = append(names, s.name)
	}
	return names
}

// randomKernelCase draws a block whose neurons differ in every parameter: some spike often,
// some never, some are refractory for long or not at all.
func randomKernelCase(rng *rand.Rand, method string, n, steps int) *kernelCase {
	c := newKernelCase(n, steps)
	for i := range n {
		uRest := float32(-80 + 20*rng.Float64())
		uReset := uRest + float32(-5+10*rng.Float64())
		uTh := uReset + float32(0.5+30*rng.Float64())
		c.uRest[i], c.uReset[i], c.uTh[i] = uRest, uReset, uTh
		c.refSteps[i] = int32(rng.IntN(31)) // 0 included
		c.ref[i] = int32(rng.IntN(31))
		c.u[i] = uRest + float32(-10+float64(uTh-uRest+15)*rng.Float64())
		// Drive: below threshold (never spikes), just above, or far above (spikes often).
		gap := uTh - uRest
		var e float32
		switch rng.IntN(4) {
		case 0:
			e = gap * float32(rng.Float64()) // never reaches threshold
		case 1:
			e = gap * float32(1+0.05*rng.Float64())
		default:
			e = gap * float32(1+5*rng.Float64())
		}
		if method == "euler" {
			c.e[i] = e
			c.alpha[i] = float32(0.5 * rng.Float64()) // in [0, 0.5)
		} else {
			c.e[i] = uRest + e                            // the asymptote v
			c.alpha[i] = float32(0.5 + 0.5*rng.Float64()) // decay in [0.5, 1)
		}
	}
	return c
}

func TestKernelRandom(t *testing.T) {
	forEachKernel(t, func(t *testing.T, method string, ref, k kernel) {
		rng := rand.New(rand.NewPCG(1, uint64(len(method))))
		var spikes, quiet int
		for trial := 0; trial < 60; trial++ {
			n := lanes * (1 + rng.IntN(1024/lanes))
			steps := 1 + rng.IntN(300)
			if trial < 4 { // the smallest blocks: one vector, and an odd and even count
				n, steps = lanes*(1+trial), 1+trial
			}
			c := randomKernelCase(rng, method, n, steps)
			compareKernel(t, c, ref, k)
			if t.Failed() {
				return
			}
			res := c.run(ref)
			for _, m := range res.masks[:steps*n/lanes] {
				if m != 0 {
					spikes++
				} else {
					quiet++
				}
			}
		}
		// The cases must exercise both outcomes, else the comparison proves little.
		if spikes == 0 || quiet == 0 {
			t.Fatalf("random cases do not exercise spikes: %d words with, %d without", spikes, quiet)
		}
	})
}

// TestKernelThreshold puts the candidate exactly on the threshold, one ulp below and one
// above, so that > instead of >= (or an unordered predicate) is caught: the expected
// spikes are checked on their own, not only against the portable kernel.
func TestKernelThreshold(t *testing.T) {
	forEachKernel(t, func(t *testing.T, method string, ref, k kernel) {
		rng := rand.New(rand.NewPCG(2, 3))
		const n = 64
		c := newKernelCase(n, 1)
		wantSpike := make([]bool, n)
		for i := range n {
			c.uRest[i] = float32(-70 + rng.Float64())
			c.uReset[i] = c.uRest[i]
			c.u[i] = float32(-60 + 10*rng.Float64())
			c.refSteps[i] = int32(i % 7)
			if method == "euler" {
				c.e[i] = float32(20 + 10*rng.Float64())
				c.alpha[i] = float32(0.5 * rng.Float64())
			} else {
				c.e[i] = float32(-50 + 10*rng.Float64())
				c.alpha[i] = float32(0.5 + 0.5*rng.Float64())
			}
			var v float32
			if method == "euler" {
				d := float32(c.u[i] - c.uRest[i])
				f := float32(d - c.e[i])
				g := float32(c.alpha[i] * f)
				v = float32(c.u[i] - g)
			} else {
				tt := float32(c.u[i] - c.e[i])
				tt = float32(tt * c.alpha[i])
				v = float32(c.e[i] + tt)
			}
			switch i % 4 {
			case 0, 1: // exactly on the threshold: spikes
				c.uTh[i] = v
				wantSpike[i] = true
			case 2: // one ulp above v: no spike
				c.uTh[i] = math.Nextafter32(v, float32(math.Inf(1)))
			case 3: // one ulp below: spikes
				c.uTh[i] = math.Nextafter32(v, float32(math.Inf(-1)))
				wantSpike[i] = true
			}
			if i%8 == 5 { // refractory: no spike even though on the threshold
				c.ref[i] = 3
				wantSpike[i] = false
			}
		}
		for _, kk := range []kernel{ref, k} {
			res := c.run(kk)
			for i := range n {
				got := res.masks[i/lanes]>>(i%lanes)&1 == 1
				if got != wantSpike[i] {
					t.Errorf("neuron %d (case %d, ref %d): spike %v, want %v", i, i%4, c.ref[i], got, wantSpike[i])
				}
			}
		}
		compareKernel(t, c, ref, k)
	})
}

// TestKernelSpecial covers signed zeros, subnormals (no flush to zero), huge magnitudes
// that overflow to infinities and NaNs, NaN and infinite parameters, negative ref (which
// the kernels treat as active, like the portable ones: the compare is signed), and
// refSteps 0. Where two operands are NaNs with different payloads the result takes the
// first operand's, so these cases also pin the kernels to the operand order that the Go
// compiler gives the portable kernels (u - uRest, f*alpha, u - g; t*decay, e + t).
func TestKernelSpecial(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	qnan := math.Float32frombits(0x7fc01234)
	qnan2 := math.Float32frombits(0xffc05678)
	snan := math.Float32frombits(0x7f800321)
	sub := math.Float32frombits(0x00000123)
	specials := []float32{0, negZero, sub, -sub, math.SmallestNonzeroFloat32, 1e-38,
		math.MaxFloat32, -math.MaxFloat32, 3e38, -3e38, 1e30, -1e30, inf, -inf, qnan, snan, qnan2,
		1, -1, 0.5, -70, -50, 2}
	forEachKernel(t, func(t *testing.T, method string, ref, k kernel) {
		rng := rand.New(rand.NewPCG(4, 5))
		pick := func() float32 { return specials[rng.IntN(len(specials))] }
		for trial := 0; trial < 40; trial++ {
			n := lanes * (1 + rng.IntN(8))
			c := newKernelCase(n, 1+rng.IntN(20))
			for i := range n {
				c.u[i], c.e[i], c.alpha[i] = pick(), pick(), pick()
				c.uRest[i], c.uReset[i], c.uTh[i] = pick(), pick(), pick()
				if rng.IntN(3) == 0 { // mostly ordinary thresholds, so that some lanes spike
					c.uTh[i] = float32(rng.NormFloat64())
				}
				c.ref[i] = int32(rng.IntN(5)) - 1
				if rng.IntN(10) == 0 {
					c.ref[i] = math.MinInt32 + int32(rng.IntN(2))
				}
				c.refSteps[i] = int32(rng.IntN(3))
				if rng.IntN(10) == 0 {
					c.refSteps[i] = math.MaxInt32
				}
			}
			compareKernel(t, c, ref, k)
		}
	})
}

// benchmark parameters: a W1-like block.
func benchKernelCase(n int) *kernelCase {
	c := newKernelCase(n, 0)
	for i := range n {
		c.u[i] = -70
		c.e[i] = 15 + 30*float32(i)/float32(n)
		c.alpha[i] = 0.01
		c.uRest[i], c.uReset[i], c.uTh[i] = -70, -70, -50
		c.refSteps[i] = 20
	}
	return c
}

// BenchmarkKernel times one block of 512 neurons for 1000 steps per call, on one core.
func BenchmarkKernel(b *testing.B) {
	const n, steps = blockSize, 1000
	for _, method := range []string{"euler", "exact"} {
		for _, s := range kernelSets {
			k := s.euler
			if method == "exact" {
				k = s.exact
			}
			b.Run(method+"/"+s.name, func(b *testing.B) {
				c := benchKernelCase(n)
				if method == "exact" { // the same neurons as exact: v = uRest + e, decay 1 - alpha
					for i := range n {
						c.e[i] += c.uRest[i]
						c.alpha[i] = float32(math.Exp(-0.01))
					}
				}
				masks := make([]uint16, steps*n/lanes)
				blk := block{
					u: &c.u[0], ref: &c.ref[0], e: &c.e[0], alpha: &c.alpha[0], uRest: &c.uRest[0],
					uReset: &c.uReset[0], uTh: &c.uTh[0], refSteps: &c.refSteps[0], masks: &masks[0],
					n: n, steps: steps,
				}
				for b.Loop() {
					k(&blk)
				}
				updates := float64(b.N) * n * steps
				b.ReportMetric(updates/b.Elapsed().Seconds(), "updates/s")
				b.ReportMetric(b.Elapsed().Seconds()*1e9/updates, "ns/update")
			})
		}
	}
}

// TestKernelNoSteps: a call for zero steps changes nothing.
func TestKernelNoSteps(t *testing.T) {
	forEachKernel(t, func(t *testing.T, method string, ref, k kernel) {
		c := randomKernelCase(rand.New(rand.NewPCG(6, 7)), method, 48, 0)
		compareKernel(t, c, ref, k)
		res := c.run(k)
		for i := range c.n {
			if kernelBitsDiffer(res.u[i], c.u[i]) || res.ref[i] != c.ref[i] {
				t.Fatalf("neuron %d changed in a call for zero steps", i)
			}
		}
	})
}
