package cpu

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync/atomic"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/f32"
	"github.com/lifgpu/lifgpu/internal/model"
)

// Options tune the CPU backend. The zero value is the fastest choice for this machine.
type Options struct {
	// Workers is the number of goroutines that step neurons; 0 means GOMAXPROCS.
	// Results do not depend on it.
	Workers int
	// Kernel picks the block kernel: "" or "auto" (fastest available), "avx512",
	// "avx2", "go" (portable), or "reference" (the plain contract loop, a neuron at a
	// time, no blocking; for cross-checks).
	Kernel string
	// ChunkSteps is how many steps a block advances per call, 0 means 256. Results do
	// not depend on it.
	ChunkSteps int
}

// Kernels lists the kernel names usable on this machine, fastest first.
func Kernels() []string {
	var out []string
	for _, k := range kernelSets {
		out = append(out, k.name)
	}
	return append(out, "reference")
}

// Population is the CPU implementation of lifgpu.Population.
type Population struct {
	h       model.Host
	m       *model.Model
	n, npad int
	workers int
	chunk   int
	kern    kernelSet
	ref0    bool // the plain reference loop

	// State, padded to a multiple of 64 neurons (one uint64 of spike mask).
	u      []float32
	ref    []int32
	counts []uint32

	// Parameters as the kernels read them (see param).
	alpha, uRest, uReset, uTh, r param[float32]
	bias                         param[float32]
	noiseMean, noiseStd          param[float32] // set with noise
	poissonW                     param[float32] // set with Poisson input
	refSteps                     param[int32]
	xbuf                         []float32      // Forward's per-neuron x in float32
	xscalar                      param[float32] // Forward's scalar x, a shared block
	outs                         []workerOut

	spiked []int32
	team   *team // the workers' goroutines

	// A network's synaptic state: each port's current (padded as u is), and its delay
	// ring of D slots (slot-major: the input arriving at step s for neuron j is at
	// (s mod D)*stride + j; the stride is n for the reference loop, npad for the fast
	// path, whose blocks then read whole vectors; State and Restore use n).
	iEx, iIn       []float32
	ringEx, ringIn []int32
	stride         int
	net            *network // the fast path's view of the network; nil without one
	total          []uint32 // merge's buffers: the chunk's spikes a step,
	offs           []int    // and where each worker's spikes of a step go
}

// New makes a CPU population from cfg.
func New(cfg lifgpu.Config, opts Options) (*Population, error) {
	m, err := model.Resolve(cfg)
	if err != nil {
		return nil, err
	}
	return newPopulation(m, opts)
}

func newPopulation(m *model.Model, opts Options) (*Population, error) {
	p := &Population{h: model.NewHost(m), m: m, n: m.N, npad: (m.N + 63) / 64 * 64}
	p.workers = opts.Workers
	if p.workers <= 0 {
		p.workers = runtime.GOMAXPROCS(0)
	}
	p.chunk = opts.ChunkSteps
	if p.chunk <= 0 {
		p.chunk = 256
	}
	switch opts.Kernel {
	case "", "auto":
		p.kern = kernelSets[0]
	case "reference":
		p.ref0 = true
		p.kern = kernelSets[len(kernelSets)-1]
	default:
		i := slices.IndexFunc(kernelSets, func(k kernelSet) bool { return k.name == opts.Kernel })
		if i < 0 {
			return nil, &lifgpu.FieldError{Field: "cpu kernel", Value: opts.Kernel, Rule: fmt.Sprintf("is not available on this machine; choose one of %v", Kernels())}
		}
		p.kern = kernelSets[i]
	}
	p.team = newTeam(p.workers - 1)
	// A population dropped without Close still stops its helpers (the team holds nothing
	// of it between calls).
	runtime.AddCleanup(p, func(t *team) { t.close() }, p.team)
	np := p.npad
	p.u = make([]float32, np)
	p.ref = make([]int32, np)
	p.counts = make([]uint32, np)
	n := m.N
	m.U0.Expand(p.u[:n], 0)
	for i := n; i < np; i++ {
		p.u[i] = float32(math.NaN()) // pad neurons: NaN >= u_th is false, so they never spike
	}
	p.alpha, p.uRest, p.uReset = newParam(m.Alpha, n), newParam(m.URest, n), newParam(m.UReset, n)
	p.uTh, p.r, p.bias = newParam(m.UTh, n), newParam(m.R, n), newParam(m.Bias, n)
	p.refSteps = newParam(m.RefSteps, n)
	if m.HasNoise {
		p.noiseMean, p.noiseStd = newParam(m.NoiseMean, n), newParam(m.NoiseStd, n)
	}
	if m.HasPoisson {
		p.poissonW = newParam(m.PoissonWeight, n)
	}
	if m.Net != nil {
		p.iEx, p.iIn = make([]float32, np), make([]float32, np)
		p.stride = np
		if p.ref0 {
			p.stride = n // reference.go indexes the rings with n
		}
		p.ringEx, p.ringIn = make([]int32, m.Net.D*p.stride), make([]int32, m.Net.D*p.stride)
		if !p.ref0 {
			p.net = newNetwork(m)
			p.rowCuts(p.ranges())
		}
	}
	return p, nil
}

// Len is the number of neurons.
func (p *Population) Len() int { return p.n }

// StepCount is the number of steps taken.
func (p *Population) StepCount() int64 { return p.h.Step }

// Backend names the kernel in use.
func (p *Population) Backend() string {
	if p.ref0 {
		return "cpu (reference)"
	}
	return fmt.Sprintf("cpu (%s, %d workers)", p.kern.name, p.workers)
}

// Close releases the population. It is safe to call twice.
func (p *Population) Close() error {
	if !p.h.Close() {
		p.team.close()
	}
	p.u, p.ref, p.counts = nil, nil, nil
	return nil
}

func (p *Population) check(dst int, what string) error {
	if err := p.h.Open(); err != nil {
		return err
	}
	p.h.CheckLen(dst, what)
	return nil
}

// Potentials copies u into dst.
func (p *Population) Potentials(dst []float32) error {
	if err := p.check(len(dst), "Potentials"); err != nil {
		return err
	}
	copy(dst, p.u)
	return nil
}

// Refractory copies the refractory counters into dst.
func (p *Population) Refractory(dst []int32) error {
	if err := p.check(len(dst), "Refractory"); err != nil {
		return err
	}
	copy(dst, p.ref)
	return nil
}

// Counts copies the spike counts into dst.
func (p *Population) Counts(dst []uint32) error {
	if err := p.check(len(dst), "Counts"); err != nil {
		return err
	}
	copy(dst, p.counts)
	return nil
}

// Spiked returns the neurons that spiked in the last step.
func (p *Population) Spiked() ([]int32, error) {
	if err := p.h.Open(); err != nil {
		return nil, err
	}
	return slices.Clone(p.spiked), nil
}

// Recording returns a copy of what was recorded.
func (p *Population) Recording() (*lifgpu.Recording, error) { return p.h.Recording() }

// ClearRecording drops what was recorded so far; recording goes on from this step.
func (p *Population) ClearRecording() error { return p.h.ClearRecording() }

// State copies the whole state.
func (p *Population) State() (lifgpu.State, error) {
	if err := p.h.Open(); err != nil {
		return lifgpu.State{}, err
	}
	n := p.n
	return lifgpu.State{Step: p.h.Step, U: slices.Clone(p.u[:n]), Ref: slices.Clone(p.ref[:n]), Counts: slices.Clone(p.counts[:n]),
		IEx: clip(p.iEx, n), IIn: clip(p.iIn, n), RingEx: p.ringState(p.ringEx), RingIn: p.ringState(p.ringIn)}, nil
}

// clip is a copy of s[:n], or nil when s is (a population without a network).
func clip[T any](s []T, n int) []T {
	if s == nil {
		return nil
	}
	return slices.Clone(s[:n])
}

// ringState is a copy of a ring in the State's layout, slots of n entries; nil when
// there is no network.
func (p *Population) ringState(ring []int32) []int32 {
	if ring == nil {
		return nil
	}
	n := p.n
	out := make([]int32, len(ring)/p.stride*n)
	for k := range len(ring) / p.stride {
		copy(out[k*n:(k+1)*n], ring[k*p.stride:])
	}
	return out
}

// restoreRing sets a ring from the State's layout (CheckState checked the length).
func (p *Population) restoreRing(ring, s []int32) {
	n := p.n
	for k := range len(s) / max(n, 1) {
		copy(ring[k*p.stride:k*p.stride+n], s[k*n:])
	}
}

// Forward advances one step with external current x.
//
// A per-neuron x is checked and converted to float32 in one pass, split between the
// workers, before any state changes; a value that is not finite in float32 is refused
// with lifgpu.Values.Check's error, as the other backends refuse it. (Checking first and
// converting a block at a time as the blocks run measured slower.)
func (p *Population) Forward(x lifgpu.Values) error {
	if p.ref0 {
		if err := p.h.CheckForward(x); err != nil {
			return err
		}
		p.referenceSteps(1, func(i int) float32 { return model.X32(x, min(i, x.Len()-1)) })
		return nil
	}
	if err := p.h.CheckForwardShape(x); err != nil {
		return err
	}
	xf := zeros
	if x0 := model.X32(x, 0); x.IsScalar() && math.Float32bits(x0) != 0 { // -0 adds differently from +0
		if p.xscalar.v == nil {
			p.xscalar = param[float32]{v: make([]float32, blockSize), shared: true}
		}
		if math.Float32bits(p.xscalar.v[0]) != math.Float32bits(x0) {
			for i := range p.xscalar.v {
				p.xscalar.v[i] = x0
			}
		}
		xf = p.xscalar
	}
	if !x.IsScalar() {
		if p.xbuf == nil {
			p.xbuf = make([]float32, p.npad)
		}
		if !p.convertX(x) {
			return x.Check("x", p.n)
		}
		xf = param[float32]{v: p.xbuf}
	}
	p.advance(1, schedParam(p.m.SchedAt(p.h.Step), p.n), xf)
	return nil
}

// convertX sets xbuf to Forward's per-neuron x in float32 (flushCopy for float32 values,
// model.X32N for others), one range of whole blocks per worker, and reports whether
// every value was finite in float32.
func (p *Population) convertX(x lifgpu.Values) bool {
	ranges := p.ranges()
	var bad atomic.Bool
	p.team.run(len(ranges), func(w int) {
		lo, hi := ranges[w][0], min(ranges[w][1], p.n)
		if lo >= hi {
			return
		}
		if xs := x.Float32Values(); xs != nil {
			if !flushCopy(p.xbuf[lo:hi], xs[lo:hi]) {
				bad.Store(true)
			}
		} else if model.X32N(p.xbuf[lo:hi], x, lo) >= 0 {
			bad.Store(true)
		}
	})
	return !bad.Load()
}

// Run advances steps steps with the held input.
func (p *Population) Run(steps int) error {
	if err := p.h.CheckRun(steps); err != nil {
		return err
	}
	if steps == 0 {
		return nil
	}
	if p.ref0 {
		p.referenceSteps(steps, nil)
		return nil
	}
	for _, seg := range p.m.Segments(p.h.Step, steps) {
		p.advance(int(seg.End-seg.Start), schedParam(seg.Sched, p.n), zeros)
	}
	return nil
}

// fillDrive computes the input I = ((bias + sched) + x) of neurons [lo, hi) (x is 0
// in Run) into dst and, unless random terms change it every step (then dst holds I),
// the drive the kernels take: R*I for Euler, uRest + R*I for the exact method. One loop
// over a block that sits in L1, each operation rounded on its own, in the contract's
// order; scalars are read from a block's worth of copies (see param).
func (p *Population) fillDrive(dst []float32, lo, hi int, sched, x param[float32]) {
	I := dst[:hi-lo]
	b, s, xs := p.bias.slice(lo, hi), sched.slice(lo, hi), x.slice(lo, hi)
	b, s, xs = b[:len(I)], s[:len(I)], xs[:len(I)]
	switch {
	case p.m.HasRandom():
		driveInput(I, b, s, xs)
	case p.m.Method == lifgpu.Exact:
		driveExact(I, b, s, xs, p.r.slice(lo, hi)[:len(I)], p.uRest.slice(lo, hi)[:len(I)])
	default:
		driveEuler(I, b, s, xs, p.r.slice(lo, hi)[:len(I)])
	}
}

// Restore sets the population's state (a checkpoint's), clears the recording and the
// last step's spikes; recording goes on from s.Step.
func (p *Population) Restore(s lifgpu.State) error {
	if err := p.h.CheckRestore(s); err != nil {
		return err
	}
	for i, u := range s.U {
		p.u[i] = f32.Flush(u) // an input like any other: a subnormal reads as zero
	}
	copy(p.ref, s.Ref)
	for i, c := range s.IEx {
		p.iEx[i] = f32.Flush(c)
	}
	for i, c := range s.IIn {
		p.iIn[i] = f32.Flush(c)
	}
	p.restoreRing(p.ringEx, s.RingEx)
	p.restoreRing(p.ringIn, s.RingIn)
	copy(p.counts, s.Counts)
	p.spiked = p.spiked[:0]
	p.h.Restored(s.Step)
	return nil
}

// param is a parameter as the block kernels read it: every neuron's value, or, when it
// is one scalar for all, a block's worth of that value shared by every block, so that
// a scalar costs the kernels no memory traffic (the block stays in L1).
type param[T float32 | int32] struct {
	v      []T
	shared bool
}

// newParam is a shared block of f's scalar, or f's values padded to a multiple of 64
// neurons.
func newParam[T float32 | int32](f model.Field[T], n int) param[T] {
	if f.IsScalar() {
		return param[T]{v: slices.Repeat([]T{f.Scalar}, blockSize), shared: true}
	}
	v := make([]T, (n+63)/64*64)
	copy(v, f.Values)
	return param[T]{v: v}
}

// at points the kernels at the values of the block that starts at neuron b.
func (q param[T]) at(b int) *T {
	if q.shared {
		return &q.v[0]
	}
	return &q.v[b]
}

// slice returns the values of neurons [lo, hi), hi-lo <= blockSize.
func (q param[T]) slice(lo, hi int) []T {
	if q.shared {
		return q.v[:hi-lo]
	}
	return q.v[lo:hi]
}

// zeros is x in Run: a block of +0.
var zeros = param[float32]{v: make([]float32, blockSize), shared: true}

// schedParam is the scheduled current of a segment (0 before the first entry).
func schedParam(sched *model.Field[float32], n int) param[float32] {
	if sched == nil {
		return zeros
	}
	if sched.IsScalar() {
		return newParam(*sched, n)
	}
	return param[float32]{v: sched.Values}
}
