// Package gpuhook holds the test hooks of the GPU backend: device limits lowered below
// the device's, a small spike list, a stated amount of free memory, an injected fault,
// GPU reset or out-of-memory error.
// They let tests reach the paths that a small population on a large device never takes
// (chunks, spike-list overflow, the memory refusal, a failed dispatch). They are not
// options a user tunes, so they are not fields of gpu.Options, and as an internal
// package this one cannot be imported from outside the module.
//
// There is no global state: the hooks travel with one population. Package gpu's own
// tests call its unexported constructor with a Hooks value; other packages' tests (the
// batch runner's fault tests) call New, which package gpu registers at init:
//
//	p, err := gpuhook.New(cfg, gpu.Options{StepsPerDispatch: 9}, gpuhook.Hooks{FaultAfter: 2})
package gpuhook

import (
	"fmt"

	"github.com/lifgpu/lifgpu"
)

// Hooks are a GPU population's test hooks. The zero Hooks changes nothing.
type Hooks struct {
	// MaxBlockSize, when > 0, lowers the largest shader storage block the population
	// binds (bytes) below GL_MAX_SHADER_STORAGE_BLOCK_SIZE, so that tests reach the
	// path that cuts the population into chunks.
	MaxBlockSize int
	// MaxGroupCount, when > 0, lowers GL_MAX_COMPUTE_WORK_GROUP_COUNT (x), as
	// MaxBlockSize does.
	MaxGroupCount int
	// AvailableMemory, when > 0, replaces the device's free memory (bytes) in the check
	// made before allocating, so that tests reach the refusal.
	AvailableMemory int64
	// FaultAfter, when > 0, makes the dispatch batch after that many dispatches fail as
	// a GL error would, once, so that tests reach the fault path of a batch run; with
	// FaultLost every later read fails too, as after a lost context.
	FaultAfter int
	FaultLost  bool
	// ResetAfter, when > 0, makes the GPU reset status query report a reset
	// (GL_UNKNOWN_CONTEXT_RESET) once more than that many dispatches were issued, as a
	// robust context does after a real reset: the population is lost from then on.
	ResetAfter int
	// OutOfMemoryAfter, when > 0, makes the first GL error check after that many
	// dispatches see GL_OUT_OF_MEMORY, once, as a driver may report at any call.
	OutOfMemoryAfter int
	// SpikeBuffer, when > 0, is the initial capacity of the device's spike list
	// (spikes). The list grows when a dispatch overflows it; tests set it small to
	// reach that path.
	SpikeBuffer int
	// Flush forces the shader's flush to zero one way: FlushExplicit compiles lif.comp
	// with F32_FLUSH whatever the driver does, FlushNative without it (wrong bits on a
	// driver that keeps subnormals, such as llvmpipe: tests show the probe is right).
	// The zero value lets the start-up probe decide.
	Flush int
	// LoopCap, when > 0, replaces a software renderer's bound on the steps of one
	// dispatch (gpu's loopCap); -1 removes it, so that tests reach the truncation check.
	LoopCap int
}

// Values of Hooks.Flush.
const (
	FlushProbe    = 0
	FlushExplicit = 1
	FlushNative   = -1
)

// newPopulation is package gpu's constructor with hooks, a
// func(lifgpu.Config, gpu.Options, Hooks) (lifgpu.Population, error), set once by
// Register when package gpu is initialised.
var newPopulation any

// Register is called by package gpu's init with its constructor; O is gpu.Options. It
// panics if called twice.
func Register[O any](f func(lifgpu.Config, O, Hooks) (lifgpu.Population, error)) {
	if newPopulation != nil {
		panic("gpuhook: Register called twice")
	}
	newPopulation = f
}

// New makes a GPU population of cfg with the options opts (a gpu.Options) and the
// hooks h. Importing package gpu (to name gpu.Options) registers the constructor. On
// error the population is nil.
func New[O any](cfg lifgpu.Config, opts O, h Hooks) (lifgpu.Population, error) {
	f, ok := newPopulation.(func(lifgpu.Config, O, Hooks) (lifgpu.Population, error))
	if !ok {
		panic(fmt.Sprintf("gpuhook: New(%T): package gpu registered %T (is it imported?)", opts, newPopulation))
	}
	return f(cfg, opts, h)
}
