package gpu

import (
	"fmt"
	"strings"
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
	// Device, when not nil, is the index of the EGL device to run on, in the list that
	// Devices returns (eglQueryDevicesEXT's order); New then tries that device alone and
	// fails with a *DeviceError when the list has no such index. nil chooses
	// automatically: the hardware devices in EGL's order, then the software ones, then
	// Mesa's surfaceless platform and the default display; when CUDA_VISIBLE_DEVICES is
	// set and the devices report their CUDA number (EGL_NV_device_cuda), the device of
	// the first visible CUDA device comes first and the other NVIDIA devices are not
	// tried (see the package documentation).
	Device *int
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

// Device describes a GL device: the one New would use (a function named Info returns
// it, so the type cannot share the name), or one entry of Devices' list.
type Device struct {
	Renderer, Vendor, Version, GLSL string
	Platform                        string // how the context was made: "device platform, device 0 (software)", ...
	Software                        bool   // llvmpipe, softpipe or swrast: a CPU behind GL
	MaxBlockSize                    int64  // GL_MAX_SHADER_STORAGE_BLOCK_SIZE (bytes)
	MaxGroupCount                   int    // GL_MAX_COMPUTE_WORK_GROUP_COUNT, x
	MaxStorageBlocks                int    // GL_MAX_COMPUTE_SHADER_STORAGE_BLOCKS
	MaxStorageBindings              int    // GL_MAX_SHADER_STORAGE_BUFFER_BINDINGS
	MemoryTotal, MemoryAvailable    int64  // bytes; 0 when the driver does not say
	// MemorySource is the extension that reports free memory (GL_NVX_gpu_memory_info or
	// GL_ATI_meminfo), or "" when the driver reports none: New's memory check before
	// allocating is then skipped.
	MemorySource string
	MaxN         int // largest population that fits (plain config, spikes recorded); 0 if unknown
	ContextTime  time.Duration

	// Robust: the context loses itself on a GPU reset and says so
	// (GL_LOSE_CONTEXT_ON_RESET and glGetGraphicsResetStatus), so a population checks
	// for a reset after every dispatch and read-back. Without it a reset may go
	// unnoticed. RobustAccess: out-of-bounds shader accesses are defined (robust buffer
	// access). Robustness says how the context was asked for, or why no robust context
	// was made.
	Robust, RobustAccess bool
	Robustness           string

	// The EGL device, when the context was made on the device platform.
	EGL EGLDevice
	// Err, in Devices' list, says why no OpenGL 4.3 context could be made on the
	// device; the GL fields are then empty.
	Err error
}

// EGLDevice is what EGL says of one of its devices (EGL_EXT_device_query and the
// extensions named at each field).
type EGLDevice struct {
	Index    int    // position in eglQueryDevicesEXT's list; -1: the context is not on the device platform
	Software bool   // EGL_MESA_device_software
	CUDA     int    // the CUDA device number (EGL_NV_device_cuda's EGL_CUDA_DEVICE_NV); -1 if none
	DRM      string // the DRM device file (EGL_EXT_device_drm), e.g. /dev/dri/card0
	Render   string // the DRM render node (EGL_EXT_device_drm_render_node), e.g. /dev/dri/renderD128
	PCI      string // the PCI bus id of the DRM node (from /sys), e.g. 0000:65:00.0
	UUID     string // EGL_DEVICE_UUID_EXT (EGL_EXT_device_persistent_id), hex
	Vendor   string // EGL_VENDOR of the device (EGL_EXT_device_query_name)
	Renderer string // EGL_RENDERER_EXT of the device (EGL_EXT_device_query_name)
	// Auto: the automatic choice (Options.Device nil) tries this device first.
	Auto bool

	cudaExt bool // the device offers EGL_NV_device_cuda
}

// String is a one-line summary.
func (i Device) String() string {
	s := fmt.Sprintf("%s (%s), %s; block %d MiB, %d groups", i.Renderer, i.Vendor, i.Version, i.MaxBlockSize>>20, i.MaxGroupCount)
	switch {
	case i.MemoryAvailable > 0 && i.MemoryTotal > 0:
		s += fmt.Sprintf(", %d MiB free of %d MiB", i.MemoryAvailable>>20, i.MemoryTotal>>20)
	case i.MemoryAvailable > 0:
		s += fmt.Sprintf(", %d MiB free", i.MemoryAvailable>>20)
	}
	if i.Software {
		s += ", software renderer"
	}
	if !i.Robust {
		s += ", no reset notification"
	}
	return s
}

// Where names the EGL device: its index and what identifies it on the machine (CUDA
// number, PCI bus id, DRM node), or the platform when the context is not on the device
// platform.
func (d EGLDevice) Where() string {
	if d.Index < 0 {
		return "no EGL device"
	}
	s := fmt.Sprintf("EGL device %d", d.Index)
	var ids []string
	if d.CUDA >= 0 {
		ids = append(ids, fmt.Sprintf("CUDA %d", d.CUDA))
	}
	if d.PCI != "" {
		ids = append(ids, "PCI "+d.PCI)
	}
	switch {
	case d.Render != "":
		ids = append(ids, d.Render)
	case d.DRM != "":
		ids = append(ids, d.DRM)
	}
	if len(ids) > 0 {
		s += " (" + strings.Join(ids, ", ") + ")"
	}
	return s
}

var errNoGPU = lifgpu.ErrNoGPU
