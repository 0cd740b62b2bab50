package gpu

import (
	"fmt"
	"time"

	"github.com/lifgpu/lifgpu"
)

// Options tune a GPU population. The zero Options is the right choice for most runs.
// (The limits and faults that tests impose are internal/gpuhook's Hooks, not options.)
type Options struct {
	// StepsPerDispatch fixes how many steps one fused dispatch of Run advances; 0 lets
	// the population choose, keeping each dispatch near DispatchTime.
	StepsPerDispatch int
	// DispatchTime is the target duration of one fused dispatch; 0 means 20 ms on a
	// hardware GPU and 200 ms on a software renderer (llvmpipe has no watchdog, and a
	// dispatch there costs about 3 µs a workgroup however short: at 2^20 neurons and
	// 20 ms it would take 6 steps a dispatch and lose a third of its speed). Short
	// dispatches keep a display driver's watchdog away and the machine responsive.
	DispatchTime time.Duration
}

func (o Options) dispatchTime(software bool) time.Duration {
	switch {
	case o.DispatchTime > 0:
		return o.DispatchTime
	case software:
		return 200 * time.Millisecond
	}
	return 20 * time.Millisecond
}

// Device describes the GL device that New would use (a function named Info returns it,
// so the type cannot share the name).
type Device struct {
	Renderer, Vendor, Version, GLSL string
	Platform                        string // how the context was made: "device platform, device 0 (software)", ...
	Software                        bool   // llvmpipe, softpipe or swrast: a CPU behind GL
	MaxBlockSize                    int64  // GL_MAX_SHADER_STORAGE_BLOCK_SIZE (bytes)
	MaxGroupCount                   int    // GL_MAX_COMPUTE_WORK_GROUP_COUNT, x
	MaxStorageBlocks                int    // GL_MAX_COMPUTE_SHADER_STORAGE_BLOCKS
	MaxStorageBindings              int    // GL_MAX_SHADER_STORAGE_BUFFER_BINDINGS
	MemoryTotal, MemoryAvailable    int64  // bytes; 0 when the driver does not say
	MaxN                            int    // largest population that fits (plain config, spikes recorded); 0 if unknown
	ContextTime                     time.Duration
}

// String is a one-line summary.
func (i Device) String() string {
	s := fmt.Sprintf("%s (%s), %s; block %d MiB, %d groups", i.Renderer, i.Vendor, i.Version, i.MaxBlockSize>>20, i.MaxGroupCount)
	if i.MemoryAvailable > 0 {
		s += fmt.Sprintf(", %d MiB free of %d MiB", i.MemoryAvailable>>20, i.MemoryTotal>>20)
	}
	if i.Software {
		s += ", software renderer"
	}
	return s
}

var errNoGPU = lifgpu.ErrNoGPU
