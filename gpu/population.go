//go:build cgo && egl

package gpu

import (
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/rng"
	"github.com/lifgpu/lifgpu/shaders"
)

const shaderFile = "lif.comp"

// ballotMode, set by tests and by LIFGPU_GPU_BALLOT=1, turns on the aggregation of the
// spike list's and the rate's atomics per subgroup (lif.comp's BALLOT) where the device
// has GL_ARB_shader_ballot and GL_ARB_gpu_shader_int64: 1 on, 0 or -1 off (the
// default). It is off by default because it has been checked bit-exact on llvmpipe
// only: the GPU tests force it on and off, so the first run of bench/gpu.sh on an
// NVIDIA card says whether it may become the default there.
//
// On a GPU every spike's atomicAdd on one counter (and one rate word a step) is
// serialized across thousands of threads; aggregated, a subgroup adds its spikes at
// once. On llvmpipe atomics are cheap (a few threads, each looping over its SIMD
// lanes) and the ballot's lane operations cost more than they save: W1 with the spike
// list ran about 20% slower with it (2026-11-26), so it is off there.
var ballotMode = func() int {
	if os.Getenv("LIFGPU_GPU_BALLOT") == "1" {
		return 1
	}
	return 0
}()

// rngIncludes is internal/rng's GLSL, pasted into lif.comp at its include pragma when
// the population has random inputs (after the table declarations, as rng asks).
var rngIncludes = []include{
	{name: "rng", file: "internal/rng/philox.glsl", src: rng.GLSLPhilox},
	{name: "rng", file: "internal/rng/draws.glsl", src: rng.GLSLDraws},
}

// Population is a population of LIF neurons on a GPU, through OpenGL 4.3 compute
// shaders. It gives the same bits as the cpu package's for the same Config. Like every
// lifgpu.Population it is not safe for concurrent use; its GL context lives on a
// thread of its own, and each method posts its work there and waits.
type Population struct {
	ctx   *context
	h     model.Host
	m     *model.Model
	opts  Options
	hooks gpuhook.Hooks
	lay   layout
	plan  plan

	chunks []*chunk
	progs  map[progKey]*program

	spikeBuf uint32 // {count, cap, (step, id)[cap]}
	spikeCap int
	rateBuf  uint32
	traceBuf uint32
	k        int // steps per fused dispatch now

	lost    bool // an injected fault took the context (gpuhook.Hooks.FaultLost)
	faulted bool // the injected fault has happened
	// torn: a failure left the device state at no single step (some chunks advanced,
	// others not, or an in-place dispatch half done), so it must not be read as a
	// checkpoint.
	torn   bool
	ballot bool // aggregate the spike list's and rate's atomics per subgroup (lif.comp's BALLOT)

	normalBuf  uint32 // rng.NormalTable.Values(), when there is noise
	poissonBuf uint32 // the shared Poisson thresholds (per-neuron ones are in the chunks)

	lastStep    int64 // the last step of the call in progress
	schedLoaded int   // schedule entry now in the per-neuron sched buffers, or -1

	pending []uint64 // this call's spikes, step<<32 | id, sorted at the end of the call

	spiked      []int32
	spikedValid bool

	stats stats
}

// stats count what the population did, for tests and the debug log.
type stats struct {
	dispatches int // fused dispatches (one per chunk)
	redone     int // dispatch batches redone after a spike-list overflow
	grown      int // times the spike list grew
}

// chunk is a run of neurons whose every binding fits in one storage block and whose
// dispatch fits the group-count limit.
type chunk struct {
	base, n    int
	state      [2]uint32 // current and next State buffers (one when INPLACE)
	cur        int
	params     uint32
	sched      uint32
	x          uint32
	last       uint32 // {count, ids[n]}
	traceList  uint32 // (index in chunk, column), sorted by index
	poisson    uint32 // per-neuron Poisson thresholds of the chunk's neurons
	traceCount int
	traceCols  []int
}

type progKey struct{ schedPN, xPN bool }

type program struct {
	id  uint32
	loc map[string]int32
}

// New makes a population of cfg.N neurons on the GPU. It fails with an error wrapping
// lifgpu.ErrNoGPU when no OpenGL 4.3 context can be made, and with one wrapping
// lifgpu.ErrOutOfDeviceMemory when the population does not fit.
func New(cfg lifgpu.Config, opts Options) (*Population, error) {
	return newPopulation(cfg, opts, gpuhook.Hooks{})
}

// Other packages' tests make populations with hooks through gpuhook.New.
func init() {
	gpuhook.Register(func(cfg lifgpu.Config, opts Options, h gpuhook.Hooks) (lifgpu.Population, error) {
		p, err := newPopulation(cfg, opts, h)
		if err != nil {
			return nil, err
		}
		return p, nil
	})
}

// newPopulation is New with test hooks.
func newPopulation(cfg lifgpu.Config, opts Options, h gpuhook.Hooks) (*Population, error) {
	m, err := model.Resolve(cfg)
	if err != nil {
		return nil, err
	}
	ctx, err := openContext()
	if err != nil {
		return nil, err
	}
	p := &Population{ctx: ctx, h: model.NewHost(m), m: m, opts: opts, hooks: h, lay: layoutOf(m), progs: map[progKey]*program{}, schedLoaded: -1}
	p.plan = planFor(m.N, p.lay, ctx.dev, h)
	if p.lay.traces > p.plan.traceCap {
		ctx.close()
		return nil, &lifgpu.FieldError{Field: "record.traces", Value: fmt.Sprintf("%d neurons", p.lay.traces),
			Rule:   fmt.Sprintf("one row of traces must fit in one storage block: at most %d neurons on this device", p.plan.traceCap),
			Remedy: "trace fewer neurons (the spike list and state.npz hold every neuron)"}
	}
	if blocks, bindings := p.lay.storage(); ctx.dev.MaxStorageBlocks < blocks || ctx.dev.MaxStorageBindings < bindings {
		ctx.close()
		return nil, fmt.Errorf("%w: the compute shader for this configuration declares up to %d storage blocks at binding points 0..%d; "+
			"the device allows %d blocks in a compute shader (GL_MAX_COMPUTE_SHADER_STORAGE_BLOCKS) and %d binding points (GL_MAX_SHADER_STORAGE_BUFFER_BINDINGS)",
			lifgpu.ErrNoGPU, blocks, bindings-1, ctx.dev.MaxStorageBlocks, ctx.dev.MaxStorageBindings)
	}
	p.ballot = (m.Record.Spikes || m.Record.Rate) && ctx.ext["GL_ARB_shader_ballot"] && ctx.ext["GL_ARB_gpu_shader_int64"] &&
		ballotMode > 0
	p.k = opts.StepsPerDispatch
	if p.k <= 0 {
		p.k = max(1, (1<<22)/m.N)
	}
	err = ctx.th.call(func() error {
		avail := h.AvailableMemory
		if avail <= 0 {
			avail = ctx.availableMemory()
		}
		if err := p.plan.checkMemory(avail); err != nil {
			return err
		}
		if err := p.allocate(); err != nil {
			p.free()
			return err
		}
		if _, err := p.program(progKey{}); err != nil {
			p.free()
			return err
		}
		return nil
	})
	if err != nil {
		ctx.close()
		return nil, err
	}
	return p, nil
}

// allocate makes and fills every buffer. It runs on the GL thread.
func (p *Population) allocate() error {
	m, pl := p.m, p.plan
	for base := 0; base < m.N; base += pl.chunkN {
		c := &chunk{base: base, n: min(pl.chunkN, m.N-base)}
		p.chunks = append(p.chunks, c)
		st := make([]stateRec, c.n)
		for i := range st {
			st[i] = stateRec{U: m.U0.At(base + i)}
		}
		for k := range p.lay.stateCopies {
			c.state[k] = newBuffer(len(st)*stateBytes, unsafe.Pointer(&st[0]), gl.DYNAMIC_COPY)
		}
		if s := len(p.lay.fields); s > 0 {
			rec := make([]uint32, c.n*s)
			for j, f := range p.lay.fields {
				for i := range c.n {
					if f.f32 != nil {
						rec[i*s+j] = math.Float32bits(f.f32.At(base + i))
					} else {
						rec[i*s+j] = uint32(f.i32.At(base + i))
					}
				}
			}
			c.params = newBuffer(4*len(rec), unsafe.Pointer(&rec[0]), gl.STATIC_DRAW)
		}
		if p.lay.schedPN {
			c.sched = newBuffer(4*c.n, nil, gl.DYNAMIC_DRAW)
		}
		c.last = newBuffer(4*(c.n+1), nil, gl.DYNAMIC_COPY)
		clearBuffer(c.last, 0, 4)
		var list []int32
		for col, id := range m.Record.Traces {
			if id >= base && id < base+c.n {
				list = append(list, int32(id-base), int32(col))
			}
		}
		if len(list) > 0 {
			// sort the (index, column) pairs by index
			type pair struct{ i, col int32 }
			ps := unsafe.Slice((*pair)(unsafe.Pointer(&list[0])), len(list)/2)
			slices.SortFunc(ps, func(a, b pair) int { return int(a.i - b.i) })
			c.traceCount = len(ps)
			for _, q := range ps {
				c.traceCols = append(c.traceCols, int(q.col))
			}
			c.traceList = newBuffer(4*len(list), unsafe.Pointer(&list[0]), gl.STATIC_DRAW)
		}
		if p.lay.poissonPN {
			// Neuron i's thresholds are at i*L (PoissonTable.Base): the chunk's are the
			// range from base*L, and the shader's base is the chunk index times L.
			L := p.lay.poissonLen
			thr := m.PoissonTable.Thresholds()[base*L : (base+c.n)*L]
			c.poisson = newBuffer(4*len(thr), unsafe.Pointer(&thr[0]), gl.STATIC_DRAW)
		}
	}
	if p.lay.noise {
		v := m.Normal.Values()
		p.normalBuf = newBuffer(4*len(v), unsafe.Pointer(&v[0]), gl.STATIC_DRAW)
	}
	if p.lay.poisson && p.lay.poissonLen > 0 && !p.lay.poissonPN {
		thr := m.PoissonTable.Thresholds()
		p.poissonBuf = newBuffer(4*len(thr), unsafe.Pointer(&thr[0]), gl.STATIC_DRAW)
	}
	if m.Record.Spikes {
		p.spikeCap = pl.spikeCap
		p.spikeBuf = newBuffer(8+8*p.spikeCap, nil, gl.DYNAMIC_COPY)
	}
	if pl.rateCap > 0 {
		p.rateBuf = newBuffer(4*pl.rateCap, nil, gl.DYNAMIC_COPY)
	}
	if pl.traceCap > 0 {
		p.traceBuf = newBuffer(4*pl.traceCap, nil, gl.DYNAMIC_COPY)
	}
	return allocError("allocating buffers", p.plan.bytes())
}

// allocError checks GL errors after allocations; GL_OUT_OF_MEMORY becomes
// lifgpu.ErrOutOfDeviceMemory.
func allocError(op string, bytes int64) error {
	err := checkGL(op)
	if e, ok := err.(*glError); ok && slices.Contains(e.Codes, gl.OUT_OF_MEMORY) {
		return fmt.Errorf("%w: %s (%s): the driver ran out of memory: %v", lifgpu.ErrOutOfDeviceMemory, op, mib(bytes), err)
	}
	return err
}

type stateRec struct {
	U   float32
	Ref int32
	Cnt uint32
}

func newBuffer(size int, data unsafe.Pointer, usage uint32) uint32 {
	var b uint32
	gl.CreateBuffers(1, &b)
	ck("glCreateBuffers")
	gl.NamedBufferData(b, size, data, usage)
	ck("glNamedBufferData")
	return b
}

func clearBuffer(b uint32, off, size int) {
	gl.ClearNamedBufferSubData(b, gl.R32UI, off, size, gl.RED_INTEGER, gl.UNSIGNED_INT, nil)
	ck("glClearNamedBufferSubData")
}

func readBuffer(b uint32, off, size int, dst unsafe.Pointer) {
	if size == 0 {
		return
	}
	gl.GetNamedBufferSubData(b, off, size, dst)
	ck("glGetNamedBufferSubData")
}

// program returns the compiled variant for key, compiling it on first use.
func (p *Population) program(key progKey) (*program, error) {
	if pr, ok := p.progs[key]; ok {
		return pr, nil
	}
	src, err := shaders.Source(shaderFile)
	if err != nil {
		return nil, err
	}
	defs := []string{fmt.Sprintf("WG %d", wg), fmt.Sprintf("PN_STRIDE %d", len(p.lay.fields))}
	for j, f := range p.lay.fields {
		defs = append(defs, fmt.Sprintf("%s %d", f.def, j))
	}
	if p.m.Method == lifgpu.Exact {
		defs = append(defs, "EXACT")
	}
	if p.lay.stateCopies == 1 {
		defs = append(defs, "INPLACE")
	}
	if key.schedPN {
		defs = append(defs, "PN_SCHED")
	}
	if key.xPN {
		defs = append(defs, "PN_X")
	}
	if p.m.Record.Spikes {
		defs = append(defs, "REC_SPIKES")
	}
	if p.m.Record.Rate {
		defs = append(defs, "REC_RATE")
	}
	if p.lay.traces > 0 {
		defs = append(defs, "REC_TRACE")
	}
	if p.ballot {
		defs = append(defs, "BALLOT")
	}
	var incs []include
	if p.lay.noise || p.lay.poisson {
		defs = append(defs, "RANDOM")
		incs = rngIncludes
	}
	if p.lay.noise {
		defs = append(defs, "NOISE")
	}
	if p.lay.poisson {
		defs = append(defs, "POISSON", fmt.Sprintf("POISSON_LEN %d", p.lay.poissonLen))
		if p.lay.poissonPN {
			defs = append(defs, "POISSON_PN")
		}
	}
	id, err := compileCompute(shaderFile, src, defs, incs...)
	if err != nil {
		return nil, err
	}
	pr := &program{id: id, loc: map[string]int32{}}
	for _, name := range []string{"uN", "uBase", "uStep0", "uSteps", "uLastStep", "uAlpha", "uR", "uURest", "uUReset", "uUTh",
		"uRefSteps", "uBias", "uSched", "uX", "uTraceCount", "uNTraces", "uTraceFirst", "uTraceEvery",
		"uSeed", "uStep64", "uNoiseMean", "uNoiseStd", "uPoissonWeight"} {
		pr.loc[name] = gl.GetUniformLocation(id, gl.Str(name+"\x00"))
	}
	ck("glGetUniformLocation")
	// The scalar parameters never change.
	m := p.m
	gl.ProgramUniform1f(id, pr.loc["uAlpha"], m.Alpha.Scalar)
	gl.ProgramUniform1f(id, pr.loc["uR"], m.R.Scalar)
	gl.ProgramUniform1f(id, pr.loc["uURest"], m.URest.Scalar)
	gl.ProgramUniform1f(id, pr.loc["uUReset"], m.UReset.Scalar)
	gl.ProgramUniform1f(id, pr.loc["uUTh"], m.UTh.Scalar)
	gl.ProgramUniform1i(id, pr.loc["uRefSteps"], m.RefSteps.Scalar)
	gl.ProgramUniform1f(id, pr.loc["uBias"], m.Bias.Scalar)
	gl.ProgramUniform1i(id, pr.loc["uNTraces"], int32(p.lay.traces))
	gl.ProgramUniform1i(id, pr.loc["uTraceEvery"], int32(m.Record.Every()))
	if m.HasRandom() {
		gl.ProgramUniform2ui(id, pr.loc["uSeed"], uint32(m.Seed), uint32(m.Seed>>32))
	}
	if m.HasNoise {
		gl.ProgramUniform1f(id, pr.loc["uNoiseMean"], m.NoiseMean.Scalar)
		gl.ProgramUniform1f(id, pr.loc["uNoiseStd"], m.NoiseStd.Scalar)
	}
	if m.HasPoisson {
		gl.ProgramUniform1f(id, pr.loc["uPoissonWeight"], m.PoissonWeight.Scalar)
	}
	if err := checkGL("setting up " + shaderFile); err != nil {
		gl.DeleteProgram(id)
		return nil, err
	}
	p.progs[key] = pr
	return pr, nil
}

// Len is the number of neurons.
func (p *Population) Len() int { return p.m.N }

// StepCount is the number of steps taken so far.
func (p *Population) StepCount() int64 { return p.h.Step }

// Backend names the backend and the device, for run.json.
func (p *Population) Backend() string {
	d := p.ctx.dev
	v, _, _ := strings.Cut(d.Version, " ")
	// The device memory its buffers take (as planned before allocating; the spike list
	// may grow), so that run.json and the summary say what a run used.
	return fmt.Sprintf("gpu (%s, OpenGL %s core, %s of device buffers)", d.Renderer, v, mib(p.plan.bytes()))
}

// Device describes the device the population runs on.
func (p *Population) Device() Device { return p.ctx.dev }

// do runs f on the GL thread, unless the population is closed.
func (p *Population) do(f func() error) error {
	if err := p.h.Open(); err != nil {
		return err
	}
	return p.ctx.th.call(f)
}

// broken refuses to step a population whose state a failure left unusable, until a
// Restore replaces it.
func (p *Population) broken() error {
	switch {
	case p.h.Closed():
		return lifgpu.ErrClosed
	case p.lost:
		return errors.New("gpu: the context was lost (injected fault): make a new population")
	case p.torn:
		return errors.New("gpu: a failed dispatch left the state between steps: Restore a checkpoint before stepping on")
	}
	return nil
}

// Forward advances one step with x added to the held input. One dispatch per chunk.
func (p *Population) Forward(x lifgpu.Values) error {
	if err := p.broken(); err != nil {
		return err
	}
	if err := p.h.CheckForward(x); err != nil {
		return err
	}
	return p.do(func() error {
		in := input{}
		if x.IsScalar() {
			in.x = float32(x.ScalarValue())
		} else {
			in.xPN = true
			if err := p.uploadX(x); err != nil {
				return err
			}
		}
		return p.advance(1, in)
	})
}

// Run advances steps steps with the held input, in fused dispatches.
func (p *Population) Run(steps int) error {
	if err := p.broken(); err != nil {
		return err
	}
	if err := p.h.CheckRun(steps); err != nil {
		return err
	}
	if steps == 0 {
		return nil
	}
	return p.do(func() error { return p.advance(steps, input{}) })
}

// input is the per-call part of a step's current.
type input struct {
	x   float32
	xPN bool // x is in the chunks' x buffers
}

func (p *Population) uploadX(x lifgpu.Values) error {
	buf := make([]float32, p.plan.chunkN)
	for _, c := range p.chunks {
		if c.x == 0 {
			c.x = newBuffer(4*c.n, nil, gl.STREAM_DRAW)
			if err := allocError("allocating Forward's x", int64(4*c.n)); err != nil {
				return err
			}
		}
		b := buf[:c.n]
		for i := range b {
			b[i] = float32(x.At(c.base + i))
		}
		gl.NamedBufferSubData(c.x, 0, 4*c.n, unsafe.Pointer(&b[0]))
		ck("glNamedBufferSubData(x)")
	}
	return nil
}

func (p *Population) loadSched(k int) error {
	if k == p.schedLoaded {
		return nil
	}
	v := p.m.Schedule[k].Value
	for _, c := range p.chunks {
		gl.NamedBufferSubData(c.sched, 0, 4*c.n, unsafe.Pointer(&v.Values[c.base]))
		ck("glNamedBufferSubData(sched)")
	}
	p.schedLoaded = k
	return checkGL("uploading the schedule")
}

// advance takes steps steps, split at the schedule's change points and into fused
// dispatches. It runs on the GL thread.
func (p *Population) advance(steps int, in input) error {
	p.lastStep = p.h.Step + int64(steps) - 1
	p.spikedValid = false
	// The spikes of every committed dispatch reach the recording, also when a later
	// dispatch fails: the state and the recording then agree on the last good step.
	defer p.flushPending()
	for _, seg := range p.m.Segments(p.h.Step, steps) {
		key := progKey{xPN: in.xPN}
		var sched float32
		if seg.Sched != nil {
			if seg.Sched.IsScalar() {
				sched = seg.Sched.Scalar
			} else {
				key.schedPN = true
				if err := p.loadSched(p.m.ScheduleAt(seg.Start)); err != nil {
					return err
				}
			}
		}
		pr, err := p.program(key)
		if err != nil {
			return err
		}
		gl.UseProgram(pr.id)
		gl.Uniform1f(pr.loc["uSched"], sched)
		gl.Uniform1f(pr.loc["uX"], in.x)
		gl.Uniform1i(pr.loc["uLastStep"], int32(p.lastStep))
		ck("glUniform")
		for s := seg.Start; s < seg.End; {
			k := int(min(int64(p.k), seg.End-s))
			k = min(k, p.maxK())
			t0 := time.Now()
			if err := p.dispatch(pr, p.chunks, s, k); err != nil {
				return err
			}
			if p.opts.StepsPerDispatch <= 0 {
				p.adapt(k, time.Since(t0))
			}
			s += int64(k)
			p.h.Step = s
		}
	}
	return nil
}

// flushPending sorts the spikes of the call's dispatches by (step, neuron) and appends
// them to the recording.
func (p *Population) flushPending() {
	if len(p.pending) == 0 {
		return
	}
	slices.Sort(p.pending)
	for _, v := range p.pending {
		p.h.Rec.SpikeSteps = append(p.h.Rec.SpikeSteps, int32(v>>32))
		p.h.Rec.SpikeIDs = append(p.h.Rec.SpikeIDs, int32(uint32(v)))
	}
	p.pending = p.pending[:0]
}

// maxK is the most steps one dispatch may take: the rate and trace buffers bound it.
func (p *Population) maxK() int {
	k := math.MaxInt32
	if p.plan.rateCap > 0 {
		k = min(k, p.plan.rateCap)
	}
	if p.lay.traces > 0 {
		rows := p.plan.traceCap / p.lay.traces
		k = min(k, rows*p.m.Record.Every())
	}
	if p.m.Record.Spikes {
		// The spike counter is 32 bits and counts every spike of a dispatch, at most
		// one a neuron a step: keep k*N below 2^32 so that it cannot wrap.
		k = min(k, max(1, int((1<<32-1)/int64(p.m.N))))
	}
	return k
}

// adapt steers the steps per dispatch toward the target dispatch time.
func (p *Population) adapt(k int, took time.Duration) {
	target := p.opts.dispatchTime(p.ctx.dev.Software)
	if k < p.k || took <= 0 {
		if took > 2*target { // a short dispatch that was slow still counts
			p.k = max(1, p.k/2)
		}
		return
	}
	want := int(float64(k) * float64(target) / float64(took))
	p.k = max(1, min(want, 4*p.k, math.MaxInt32/2))
}

// dispatch advances the chunks cs through steps [s0, s0+k) with the bound program,
// reads the recordings back, and commits the new state. If the spike list overflowed,
// nothing is committed: the buffer grows, or the work is split in two, and is done
// again. No spike is lost.
func (p *Population) dispatch(pr *program, cs []*chunk, s0 int64, k int) (err error) {
	issued := false
	defer func() {
		// In place, the first dispatch already advanced the state: after any error the
		// state is at no single step.
		if err != nil && issued && p.lay.stateCopies == 1 {
			p.torn = true
		}
	}()
	rec := p.m.Record
	if rec.Spikes {
		hdr := [2]uint32{0, uint32(p.spikeCap)}
		gl.NamedBufferSubData(p.spikeBuf, 0, 8, unsafe.Pointer(&hdr[0]))
		ck("glNamedBufferSubData(spike header)")
	}
	if rec.Rate {
		clearBuffer(p.rateBuf, 0, 4*k)
	}
	var traceFirst int64
	traceRows := 0
	if p.lay.traces > 0 {
		e := int64(rec.Every())
		traceFirst = (s0 + e - 1) / e * e
		if traceFirst < s0+int64(k) {
			traceRows = int((s0+int64(k)-1-traceFirst)/e) + 1
		}
		gl.Uniform1i(pr.loc["uTraceFirst"], int32(traceFirst))
	}
	gl.Uniform1i(pr.loc["uStep0"], int32(s0))
	gl.Uniform1i(pr.loc["uSteps"], int32(k))
	if p.m.HasRandom() {
		// The draws' counter: the absolute step as 64 bits (the shader carries into
		// the high half when the low half wraps within the dispatch).
		gl.Uniform2ui(pr.loc["uStep64"], uint32(uint64(s0)), uint32(uint64(s0)>>32))
	}
	for _, c := range cs {
		if p.lastStep >= s0 && p.lastStep < s0+int64(k) {
			clearBuffer(c.last, 0, 4)
		}
		gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindStateIn, c.state[c.cur])
		if p.lay.stateCopies == 2 {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindStateOut, c.state[1-c.cur])
		}
		if c.params != 0 {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindParams, c.params)
		}
		if c.sched != 0 {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindSched, c.sched)
		}
		if c.x != 0 {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindX, c.x)
		}
		if rec.Spikes {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindSpikes, p.spikeBuf)
		}
		if rec.Rate {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindRate, p.rateBuf)
		}
		if p.lay.traces > 0 {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindTrace, p.traceBuf)
			if c.traceList != 0 {
				gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindTraceList, c.traceList)
			} else {
				// an empty list still needs a buffer bound
				gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindTraceList, p.traceBuf)
			}
			gl.Uniform1i(pr.loc["uTraceCount"], int32(c.traceCount))
		}
		gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindLast, c.last)
		if p.normalBuf != 0 {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindNormal, p.normalBuf)
		}
		if c.poisson != 0 {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindPoisson, c.poisson)
		} else if p.poissonBuf != 0 {
			gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindPoisson, p.poissonBuf)
		}
		ck("glBindBufferBase")
		gl.Uniform1ui(pr.loc["uN"], uint32(c.n))
		gl.Uniform1i(pr.loc["uBase"], int32(c.base))
		ck("glUniform")
		var t0 time.Time
		if glDebug {
			t0 = time.Now()
		}
		gl.DispatchCompute(uint32((c.n+wg-1)/wg), 1, 1)
		issued = true
		p.stats.dispatches++
		ck("glDispatchCompute")
		gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.BUFFER_UPDATE_BARRIER_BIT)
		ck("glMemoryBarrier")
		if glDebug {
			gl.Finish()
			log.Printf("gpu: dispatch chunk %d (%d neurons) steps %d..%d: %v", c.base/p.plan.chunkN, c.n, s0, s0+int64(k), time.Since(t0))
			if err := checkGL("dispatch"); err != nil {
				return err
			}
		}
	}
	err = checkGL(fmt.Sprintf("dispatching steps %d..%d", s0, s0+int64(k)))
	if err == nil && p.hooks.FaultAfter > 0 && !p.faulted && p.stats.dispatches > p.hooks.FaultAfter {
		// The test hook fails here, once, after the GL work, where a real error is found.
		p.faulted, p.lost = true, p.hooks.FaultLost
		err = fmt.Errorf("gpu: dispatching steps %d..%d: injected fault (gpuhook.Hooks.FaultAfter)", s0, s0+int64(k))
	}
	if err != nil {
		return err
	}

	// Spikes first: an overflow means doing it again.
	var spikes []uint32
	if rec.Spikes {
		var count uint32
		readBuffer(p.spikeBuf, 0, 4, unsafe.Pointer(&count))
		if int(count) > p.spikeCap {
			p.stats.redone++
			return p.overflow(pr, cs, s0, k, int(count))
		}
		spikes = make([]uint32, 2*count)
		if count > 0 {
			readBuffer(p.spikeBuf, 8, 8*int(count), unsafe.Pointer(&spikes[0]))
		}
	} else if !p.m.Record.Rate && traceRows == 0 {
		// Nothing to read back: wait anyway, so that one call never queues more than
		// one dispatch per chunk (the dispatch time stays what adapt measures).
		gl.Finish()
	}
	var rate []uint32
	if rec.Rate {
		rate = make([]uint32, k)
		readBuffer(p.rateBuf, 0, 4*k, unsafe.Pointer(&rate[0]))
	}
	var trace []float32
	if traceRows > 0 {
		trace = make([]float32, traceRows*p.lay.traces)
		readBuffer(p.traceBuf, 0, 4*len(trace), unsafe.Pointer(&trace[0]))
	}
	if err := checkGL("reading the recordings back"); err != nil {
		return err
	}

	// Commit.
	for i := 0; i < len(spikes); i += 2 {
		p.pending = append(p.pending, uint64(spikes[i])<<32|uint64(spikes[i+1]))
	}
	if rec.Rate {
		at := int(s0 - p.h.Rec.Start) // Rate[0] is the step recording (re)started at
		if need := at + k; len(p.h.Rec.Rate) < need {
			p.h.Rec.Rate = append(p.h.Rec.Rate, make([]uint32, need-len(p.h.Rec.Rate))...)
		}
		for j, v := range rate {
			p.h.Rec.Rate[at+j] += v
		}
	}
	if traceRows > 0 {
		// Rows are counted from the first recorded step at or after the recording's start.
		e := int64(rec.Every())
		first := (p.h.Rec.Start + e - 1) / e
		row0 := int(traceFirst/e - first)
		T := p.lay.traces
		for len(p.h.Rec.TraceSteps) < row0+traceRows {
			p.h.Rec.TraceSteps = append(p.h.Rec.TraceSteps, int32((first+int64(len(p.h.Rec.TraceSteps)))*e))
			p.h.Rec.Traces = append(p.h.Rec.Traces, make([]float32, T)...)
		}
		for _, c := range cs {
			for _, col := range c.traceCols {
				for r := range traceRows {
					p.h.Rec.Traces[(row0+r)*T+col] = trace[r*T+col]
				}
			}
		}
	}
	if p.lay.stateCopies == 2 {
		for _, c := range cs {
			c.cur = 1 - c.cur
		}
	}
	if len(cs) == len(p.chunks) {
		p.h.Step = s0 + int64(k) // every chunk is at the end of these steps
	}
	return nil
}

// overflow redoes a dispatch whose count spikes did not fit in the spike list: with
// a larger list if one binding can hold it, else in halves (of the steps, then of the
// chunks). The state buffers were not committed, so the work starts again from the
// same state.
func (p *Population) overflow(pr *program, cs []*chunk, s0 int64, k, count int) error {
	if count <= p.plan.spikeCapMax {
		want := min(p.plan.spikeCapMax, count+count/4)
		gl.NamedBufferData(p.spikeBuf, 8+8*want, nil, gl.DYNAMIC_COPY)
		if err := allocError("growing the spike list", int64(8+8*want)); err == nil {
			p.spikeCap = want
			p.stats.grown++
			return p.dispatch(pr, cs, s0, k)
		}
		// Could not grow: put the old size back and split instead.
		gl.NamedBufferData(p.spikeBuf, 8+8*p.spikeCap, nil, gl.DYNAMIC_COPY)
		if err := allocError("restoring the spike list", int64(8+8*p.spikeCap)); err != nil {
			return err
		}
	}
	if k > 1 {
		h := k / 2
		if err := p.dispatch(pr, cs, s0, h); err != nil {
			return err
		}
		return p.dispatch(pr, cs, s0+int64(h), k-h)
	}
	if len(cs) > 1 {
		h := len(cs) / 2
		if err := p.dispatch(pr, cs[:h], s0, k); err != nil {
			return err
		}
		if err := p.dispatch(pr, cs[h:], s0, k); err != nil {
			p.torn = true // the first half's chunks are past s0+k, the others are not
			return err
		}
		if len(cs) == len(p.chunks) {
			p.h.Step = s0 + int64(k)
		}
		return nil
	}
	// One step of one chunk always fits: a chunk's neurons fit in one binding at 12
	// bytes each, and a spike takes 8.
	return fmt.Errorf("gpu: %d spikes in one step of %d neurons: a capacity of %d should hold them (bug)", count, cs[0].n, p.spikeCap)
}

// readState copies the chunks' state to the host.
func (p *Population) readState(f func(i int, s stateRec)) error {
	switch {
	case p.lost:
		return errors.New("gpu: the context was lost (injected fault): the state cannot be read")
	case p.torn:
		return errors.New("gpu: a failed dispatch left the device state between steps: it cannot be read as a whole; the last checkpoint stands")
	}
	return p.do(func() error {
		buf := make([]stateRec, p.plan.chunkN)
		for _, c := range p.chunks {
			readBuffer(c.state[c.cur], 0, stateBytes*c.n, unsafe.Pointer(&buf[0]))
			for i, s := range buf[:c.n] {
				f(c.base+i, s)
			}
		}
		return checkGL("reading the state back")
	})
}

// Potentials copies u into dst (len N).
func (p *Population) Potentials(dst []float32) error {
	p.h.CheckLen(len(dst), "Potentials")
	return p.readState(func(i int, s stateRec) { dst[i] = s.U })
}

// Refractory copies the refractory counters into dst (len N).
func (p *Population) Refractory(dst []int32) error {
	p.h.CheckLen(len(dst), "Refractory")
	return p.readState(func(i int, s stateRec) { dst[i] = s.Ref })
}

// Counts copies the spike counts into dst (len N).
func (p *Population) Counts(dst []uint32) error {
	p.h.CheckLen(len(dst), "Counts")
	return p.readState(func(i int, s stateRec) { dst[i] = s.Cnt })
}

// State copies the whole state in one read-back.
func (p *Population) State() (lifgpu.State, error) {
	n := p.m.N
	st := lifgpu.State{Step: p.h.Step, U: make([]float32, n), Ref: make([]int32, n), Counts: make([]uint32, n)}
	err := p.readState(func(i int, s stateRec) { st.U[i], st.Ref[i], st.Counts[i] = s.U, s.Ref, s.Cnt })
	if err != nil {
		return lifgpu.State{}, err
	}
	return st, nil
}

// Spiked returns the neurons that spiked in the last step, ascending.
func (p *Population) Spiked() ([]int32, error) {
	if err := p.h.Open(); err != nil {
		return nil, err
	}
	if p.spikedValid {
		return slices.Clone(p.spiked), nil
	}
	var out []int32
	err := p.do(func() error {
		for _, c := range p.chunks {
			var n uint32
			readBuffer(c.last, 0, 4, unsafe.Pointer(&n))
			if n == 0 {
				continue
			}
			ids := make([]int32, n)
			readBuffer(c.last, 4, 4*int(n), unsafe.Pointer(&ids[0]))
			out = append(out, ids...)
		}
		return checkGL("reading the last step's spikes")
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	p.spiked, p.spikedValid = out, true
	return slices.Clone(out), nil
}

// Recording returns a copy of what was recorded so far.
func (p *Population) Recording() (*lifgpu.Recording, error) { return p.h.Recording() }

// Restore sets the population's state (a checkpoint's) and clears the recording and
// the last step's spikes; recording goes on from st.Step.
func (p *Population) Restore(st lifgpu.State) error {
	if err := p.h.CheckRestore(st); err != nil {
		return err
	}
	if p.lost {
		return errors.New("gpu: the context was lost (injected fault): make a new population and Restore into it")
	}
	err := p.do(func() error {
		buf := make([]stateRec, p.plan.chunkN)
		for _, c := range p.chunks {
			for i := range c.n {
				j := c.base + i
				buf[i] = stateRec{U: st.U[j], Ref: st.Ref[j], Cnt: st.Counts[j]}
			}
			gl.NamedBufferSubData(c.state[c.cur], 0, stateBytes*c.n, unsafe.Pointer(&buf[0]))
			clearBuffer(c.last, 0, 4)
		}
		return checkGL("uploading the restored state")
	})
	if err != nil {
		return err
	}
	p.torn = false // the whole state is new
	p.spiked, p.spikedValid = nil, true
	p.h.Restored(st.Step)
	return nil
}

// ClearRecording drops what was recorded so far; recording goes on from this step.
func (p *Population) ClearRecording() error { return p.h.ClearRecording() }

// free deletes every GL object. It runs on the GL thread.
func (p *Population) free() {
	var bufs []uint32
	for _, c := range p.chunks {
		for _, b := range []uint32{c.state[0], c.state[1], c.params, c.sched, c.x, c.last, c.traceList, c.poisson} {
			if b != 0 {
				bufs = append(bufs, b)
			}
		}
	}
	for _, b := range []uint32{p.spikeBuf, p.rateBuf, p.traceBuf, p.normalBuf, p.poissonBuf} {
		if b != 0 {
			bufs = append(bufs, b)
		}
	}
	if len(bufs) > 0 {
		gl.DeleteBuffers(int32(len(bufs)), &bufs[0])
	}
	for _, pr := range p.progs {
		gl.DeleteProgram(pr.id)
	}
	p.chunks, p.progs = nil, nil
}

// Close frees the population's device memory and its context. A second Close does
// nothing.
func (p *Population) Close() error {
	if p.h.Close() {
		return nil
	}
	err := p.ctx.th.call(func() error {
		p.free()
		return checkGL("freeing")
	})
	if err2 := p.ctx.close(); err == nil {
		err = err2
	}
	return err
}

var _ lifgpu.Population = (*Population)(nil)
