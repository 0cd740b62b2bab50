//go:build cgo && egl

package gpu

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
	"github.com/lifgpu/lifgpu/internal/model"
)

// Population is a population of LIF neurons on a GPU, through OpenGL 4.3 compute
// shaders. It gives the same bits as the cpu package's for the same Config. Like every
// lifgpu.Population it is not safe for concurrent use; its GL context lives on a
// thread of its own, and each method posts its work there and waits.
type Population struct {
	ctx   *glContext
	h     model.Host
	m     *model.Model
	opts  Options
	hooks gpuhook.Hooks
	lay   layout
	plan  plan

	bufs   bufferSet // every buffer below, and the chunks'
	chunks []*chunk
	progs  map[progKey]*lifProgram

	spikeBuf   *buffer // {count, cap, (step, id)[cap]}; a network's has a longer header (netSpikeHeader)
	spikeCap   int
	rateBuf    *buffer
	traceBuf   *buffer
	normalBuf  *buffer     // rng.NormalTable.Values(), when there is noise
	poissonBuf *buffer     // the shared Poisson thresholds (per-neuron ones are in the chunks)
	k          int         // steps per fused dispatch now
	net        *netBuffers // a network's synapses and programs (netbuf.go), nil without one

	lost    bool   // a GPU reset took the context (robust.go), or an injected fault (gpuhook.Hooks.FaultLost)
	lostWhy string // the reset's error; "" for an injected fault
	faulted bool   // the injected fault has happened

	oomInjected bool // gpuhook.Hooks.OutOfMemoryAfter has fired
	// torn: a failure left the device state at no single step (some chunks advanced,
	// others not, or an in-place dispatch half done), so it must not be read as a
	// checkpoint.
	torn   bool
	ballot bool // aggregate the spike list's and rate's atomics per subgroup (lif.comp's BALLOT)
	flush  bool // flush underflowing results in the shader (F32_FLUSH): the driver does not
	// subgroupKHR: BALLOT through GL_KHR_shader_subgroup, else GL_ARB_shader_ballot
	subgroupKHR bool

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
	halved     int // a network's dispatch pairs done in halves of their steps
	split      int // a network's one-step pairs done in halves of the chunks
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
	return newPopulationWith(cfg, opts, h, func() (*glContext, error) { return openContext(opts.Device) })
}

// newPopulationWith makes the population in the context open returns: a headless
// context of its own, or the caller's (NewInContext).
func newPopulationWith(cfg lifgpu.Config, opts Options, h gpuhook.Hooks, open func() (*glContext, error)) (*Population, error) {
	m, err := model.Resolve(cfg)
	if err != nil {
		return nil, err
	}
	ctx, err := open()
	if err != nil {
		return nil, err
	}
	p := &Population{ctx: ctx, h: model.NewHost(m), m: m, opts: opts, hooks: h, lay: layoutOf(m),
		progs: map[progKey]*lifProgram{}, schedLoaded: -1}
	p.plan = planFor(m.N, p.lay, ctx.dev, h)
	if err := p.fits(); err != nil {
		ctx.close()
		return nil, err
	}
	p.k = opts.StepsPerDispatch
	if p.k <= 0 {
		p.k = max(1, (1<<22)/m.N)
	}
	if err := ctx.th.call(p.start); err != nil {
		ctx.close()
		return nil, err
	}
	return p, nil
}

// fits refuses a configuration that no chunking makes fit the device's limits.
func (p *Population) fits() error {
	if p.lay.traces > p.plan.traceCap {
		return &lifgpu.FieldError{Field: "record.traces", Value: fmt.Sprintf("%d neurons", p.lay.traces),
			Rule:   fmt.Sprintf("one row of traces must fit in one storage block: at most %d neurons on this device", p.plan.traceCap),
			Remedy: "trace fewer neurons (the spike list and state.npz hold every neuron)"}
	}
	d := p.ctx.dev
	if nl := p.lay.net; nl != nil && d.Software && len(p.plan.rows)+len(nl.proc) >= softwareLoopLimit/2 {
		return fmt.Errorf("gpu: %d stored row chunks and procedural projections: the software renderer's loop limit (%d iterations) cannot size their propagations in one invocation; "+
			"raise the storage block size or use a hardware GPU", len(p.plan.rows)+len(nl.proc), softwareLoopLimit)
	}
	if blocks, bindings := p.lay.storage(); d.MaxStorageBlocks < blocks || d.MaxStorageBindings < bindings {
		return fmt.Errorf("%w: the compute shader for this configuration declares up to %d storage blocks at binding points 0..%d; "+
			"the device allows %d blocks in a compute shader (GL_MAX_COMPUTE_SHADER_STORAGE_BLOCKS) and %d binding points (GL_MAX_SHADER_STORAGE_BUFFER_BINDINGS)",
			lifgpu.ErrNoGPU, blocks, bindings-1, d.MaxStorageBlocks, d.MaxStorageBindings)
	}
	return nil
}

// start checks that the plan fits in the device's free memory, allocates the buffers
// and compiles the first variant. It runs on the GL thread.
func (p *Population) start() error {
	avail := p.hooks.AvailableMemory
	if avail <= 0 {
		avail = p.ctx.availableMemory()
	}
	if err := p.plan.checkMemory(avail); err != nil {
		return err
	}
	native, _, err := p.ctx.nativeFlush()
	if err != nil {
		return err
	}
	p.ballot, p.subgroupKHR = p.ballotSupport()
	switch p.hooks.Flush {
	case gpuhook.FlushExplicit:
		p.flush = true
	case gpuhook.FlushNative:
		p.flush = false
	default:
		p.flush = !native
	}
	if err := p.allocate(); err != nil {
		p.free()
		return err
	}
	if _, err := p.program(progKey{}); err != nil {
		p.free()
		return err
	}
	if p.lay.net != nil {
		if err := p.linkNet(); err != nil {
			p.free()
			return err
		}
	}
	return nil
}

// Len is the number of neurons.
func (p *Population) Len() int { return p.m.N }

// StepCount is the number of steps taken so far.
func (p *Population) StepCount() int64 { return p.h.Step }

// Backend names the backend and the device, for run.json.
func (p *Population) Backend() string {
	d := p.ctx.dev
	v, _, _ := strings.Cut(d.Version, " ")
	// The device memory its buffers take now (Forward's x buffers are made at the
	// first per-neuron x; the spike list may have grown), so that run.json and the
	// summary say what a run used.
	flush := "the driver flushes subnormals"
	if p.flush {
		flush = "subnormals flushed in the shader"
	}
	return fmt.Sprintf("gpu (%s, OpenGL %s core, %s of device buffers, %s%s%s)", d.Renderer, v, mib(p.bufs.bytes()), flush, p.netNote(), deviceNotes(d))
}

// Device describes the device the population runs on.
func (p *Population) Device() Device { return p.ctx.dev }

// do runs f on the GL thread, unless the population is closed.
func (p *Population) do(f func() error) error {
	if err := p.h.Open(); err != nil {
		return err
	}
	return p.ctx.th.call(func() error { return p.guard(f(), true) })
}

// broken refuses to step a population whose state a failure left unusable, until a
// Restore replaces it.
func (p *Population) broken() error {
	return p.usable("stepping", "a failed dispatch left the state between steps: Restore a checkpoint before stepping on")
}

// usable says why the population cannot op: it is closed, lost (a device reset), or
// torn (a failed dispatch left the state between steps; torn says what then).
func (p *Population) usable(op, torn string) error {
	switch {
	case p.h.Closed():
		return lifgpu.ErrClosed
	case p.lost:
		return p.lostError(op)
	case p.torn:
		return errors.New("gpu: " + torn)
	}
	return nil
}

// Forward advances one step with x added to the held input. One dispatch per chunk.
func (p *Population) Forward(x lifgpu.Values) error {
	if err := p.broken(); err != nil {
		return err
	}
	if err := p.h.CheckForwardShape(x); err != nil { // uploadX checks a per-neuron x's values
		return err
	}
	return p.do(func() error {
		in := input{}
		if x.IsScalar() {
			in.x = model.X32(x, 0)
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

// Recording returns a copy of what was recorded so far.
func (p *Population) Recording() (*lifgpu.Recording, error) { return p.h.Recording() }

// Restore sets the population's state (a checkpoint's) and clears the recording and
// the last step's spikes; recording goes on from st.Step.
func (p *Population) Restore(st lifgpu.State) error {
	if err := p.h.CheckRestore(st); err != nil {
		return err
	}
	if p.lost {
		return p.lostError("Restore")
	}
	err := p.do(func() error {
		p.writeState(st)
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
	p.bufs.release()
	for _, pr := range p.progs {
		pr.Release()
	}
	if p.net != nil {
		p.net.progs.release()
	}
	p.chunks, p.progs, p.net = nil, nil, nil
}

// Close frees the population's device memory and its context (a caller's context,
// NewInContext's, stays the caller's). A second Close does nothing.
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
