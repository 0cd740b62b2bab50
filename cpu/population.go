package cpu

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/lifgpu/lifgpu"
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
	m       *lifgpu.Model
	n, npad int
	workers int
	chunk   int
	kern    kernelSet
	ref0    bool // the plain reference loop

	// State, padded to a multiple of 64 neurons (one uint64 of spike mask).
	u      []float32
	ref    []int32
	counts []uint32

	// Per-neuron parameters, expanded and padded (pad neurons never spike).
	alpha, uRest, uReset, uTh, r []float32
	refSteps                     []int32
	e                            []float32 // the drive of the current segment (or step)
	base                         []float32 // ((bias + sched) + x), when random terms make e change each step
	xbuf                         []float32 // Forward's per-neuron x in float32

	step    int64
	spiked  []int32
	rec     lifgpu.Recording
	traceAt map[int32]int // neuron -> column
	closed  bool
}

// New makes a CPU population from cfg.
func New(cfg lifgpu.Config, opts Options) (*Population, error) {
	m, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	return NewModel(m, opts)
}

// NewModel makes a CPU population from a resolved model.
func NewModel(m *lifgpu.Model, opts Options) (*Population, error) {
	p := &Population{m: m, n: m.N, npad: (m.N + 63) / 64 * 64}
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
	np := p.npad
	p.u = make([]float32, np)
	p.ref = make([]int32, np)
	p.counts = make([]uint32, np)
	p.alpha = make([]float32, np)
	p.uRest = make([]float32, np)
	p.uReset = make([]float32, np)
	p.uTh = make([]float32, np)
	p.r = make([]float32, np)
	p.refSteps = make([]int32, np)
	p.e = make([]float32, np)
	if m.HasRandom() {
		p.base = make([]float32, np)
	}
	n := m.N
	m.U0.Expand(p.u[:n], 0)
	m.Alpha.Expand(p.alpha[:n], 0)
	m.URest.Expand(p.uRest[:n], 0)
	m.UReset.Expand(p.uReset[:n], 0)
	m.UTh.Expand(p.uTh[:n], 0)
	m.R.Expand(p.r[:n], 0)
	m.RefSteps.Expand(p.refSteps[:n], 0)
	for i := n; i < np; i++ {
		p.uTh[i] = float32(math.Inf(1))
	}
	p.rec = lifgpu.Recording{Dt: m.Dt, RecordSpike: m.Record.Spikes, RecordRate: m.Record.Rate}
	if len(m.Record.Traces) > 0 {
		p.traceAt = make(map[int32]int)
		for k, id := range m.Record.Traces {
			p.rec.TraceIDs = append(p.rec.TraceIDs, int32(id))
			p.traceAt[int32(id)] = k
		}
	}
	return p, nil
}

// Len is the number of neurons.
func (p *Population) Len() int { return p.n }

// StepCount is the number of steps taken.
func (p *Population) StepCount() int64 { return p.step }

// Backend names the kernel in use.
func (p *Population) Backend() string {
	if p.ref0 {
		return "cpu (reference)"
	}
	return fmt.Sprintf("cpu (%s, %d workers)", p.kern.name, p.workers)
}

// Kernel is the name of the block kernel in use ("reference" for the plain loop).
func (p *Population) Kernel() string {
	if p.ref0 {
		return "reference"
	}
	return p.kern.name
}

// Close releases the population. It is safe to call twice.
func (p *Population) Close() error {
	p.closed = true
	p.u, p.ref, p.counts, p.e, p.base = nil, nil, nil, nil, nil
	return nil
}

func (p *Population) check(dst int) error {
	if p.closed {
		return lifgpu.ErrClosed
	}
	if dst != p.n {
		panic(fmt.Sprintf("cpu: destination has length %d, population has %d neurons", dst, p.n))
	}
	return nil
}

// Potentials copies u into dst.
func (p *Population) Potentials(dst []float32) error {
	if err := p.check(len(dst)); err != nil {
		return err
	}
	copy(dst, p.u)
	return nil
}

// Refractory copies the refractory counters into dst.
func (p *Population) Refractory(dst []int32) error {
	if err := p.check(len(dst)); err != nil {
		return err
	}
	copy(dst, p.ref)
	return nil
}

// Counts copies the spike counts into dst.
func (p *Population) Counts(dst []uint32) error {
	if err := p.check(len(dst)); err != nil {
		return err
	}
	copy(dst, p.counts)
	return nil
}

// Spiked returns the neurons that spiked in the last step.
func (p *Population) Spiked() ([]int32, error) {
	if p.closed {
		return nil, lifgpu.ErrClosed
	}
	return slices.Clone(p.spiked), nil
}

// Recording returns a copy of what was recorded.
func (p *Population) Recording() (*lifgpu.Recording, error) {
	if p.closed {
		return nil, lifgpu.ErrClosed
	}
	return p.rec.Clone(), nil
}

// Forward advances one step with external current x.
func (p *Population) Forward(x lifgpu.Values) error {
	if p.closed {
		return lifgpu.ErrClosed
	}
	if err := lifgpu.CheckX(x, p.n); err != nil {
		return err
	}
	if err := lifgpu.CheckSteps(p.step, 1); err != nil {
		return err
	}
	if p.ref0 {
		p.referenceSteps(1, func(i int) float32 { return float32(x.At(min(i, x.Len()-1))) })
		return nil
	}
	xf := lifgpu.Field32{Scalar: float32(x.ScalarValue())}
	if !x.IsScalar() {
		if p.xbuf == nil {
			p.xbuf = make([]float32, p.n)
		}
		p.parallel(p.n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				p.xbuf[i] = float32(x.At(i))
			}
		})
		xf = lifgpu.Field32{Values: p.xbuf}
	}
	seg := p.m.Segments(p.step, 1)[0]
	p.advance(1, seg.Sched, xf)
	return nil
}

// Run advances steps steps with the held input.
func (p *Population) Run(steps int) error {
	if p.closed {
		return lifgpu.ErrClosed
	}
	if err := lifgpu.CheckSteps(p.step, steps); err != nil {
		return err
	}
	if steps == 0 {
		return nil
	}
	if p.ref0 {
		p.referenceSteps(steps, nil)
		return nil
	}
	for _, seg := range p.m.Segments(p.step, steps) {
		p.advance(int(seg.End-seg.Start), seg.Sched, lifgpu.Field32{})
	}
	return nil
}

// fillDrive computes the input I = ((bias + sched) + x) of neurons [lo, hi) (x is 0
// in Run) and, when no random term changes it every step, the constant drive the
// kernels take (see drive). A pass per term over a block that sits in L1, so that each
// loop is tight; both adds are always made, as Model.Current makes them.
func (p *Population) fillDrive(lo, hi int, sched *lifgpu.Field32, x lifgpu.Field32) {
	m := p.m
	dst := p.e
	if m.HasRandom() {
		dst = p.base
	}
	var s lifgpu.Field32
	if sched != nil {
		s = *sched
	}
	I := dst[lo:hi]
	m.Bias.Expand(I, lo)
	addField(I, s, lo)
	addField(I, x, lo)
	if m.HasRandom() {
		return
	}
	r := p.r[lo:hi]
	for i := range I {
		I[i] = float32(r[i] * I[i])
	}
	if m.Method == lifgpu.Exact {
		uRest := p.uRest[lo:hi]
		for i := range I {
			I[i] = float32(uRest[i] + I[i])
		}
	}
}

// addField adds f's values for neurons lo.. to dst, each sum rounded to float32.
func addField(dst []float32, f lifgpu.Field32, lo int) {
	if f.Values == nil {
		for i := range dst {
			dst[i] = float32(dst[i] + f.Scalar)
		}
		return
	}
	v := f.Values[lo : lo+len(dst)]
	for i := range dst {
		dst[i] = float32(dst[i] + v[i])
	}
}

// drive is what the block kernels take for input I: R*I for Euler, uRest + R*I for the
// exact method.
func (p *Population) drive(i int, I float32) float32 {
	e := float32(p.r[i] * I)
	if p.m.Method == lifgpu.Exact {
		e = float32(p.uRest[i] + e)
	}
	return e
}

// parallel splits [0, n) into one contiguous range per worker, in multiples of
// blockSize, and waits for all.
func (p *Population) parallel(n int, fn func(lo, hi int)) {
	w := p.workers
	per := (n + w - 1) / w
	per = (per + blockSize - 1) / blockSize * blockSize
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// Restore sets the population's state (a checkpoint's), clears the recording and the
// last step's spikes; recording goes on from s.Step.
func (p *Population) Restore(s lifgpu.State) error {
	if p.closed {
		return lifgpu.ErrClosed
	}
	if err := s.Check(p.n); err != nil {
		return err
	}
	copy(p.u, s.U)
	copy(p.ref, s.Ref)
	copy(p.counts, s.Counts)
	p.step = s.Step
	p.spiked = p.spiked[:0]
	return p.ClearRecording()
}

// ClearRecording drops what was recorded so far; recording goes on from this step.
func (p *Population) ClearRecording() error {
	if p.closed {
		return lifgpu.ErrClosed
	}
	p.rec.Reset(p.step)
	return nil
}
