//go:build cgo && egl

package gpu

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// GL_NVX_gpu_memory_info, GL_ATI_meminfo, and a bit of GL 4.5 and KHR_robustness that
// go-gl's 4.3 binding lacks.
const (
	gpuMemoryTotalNVX     = 0x9048 // GL_GPU_MEMORY_INFO_TOTAL_AVAILABLE_MEMORY_NVX, KiB
	gpuMemoryAvailableNVX = 0x9049 // GL_GPU_MEMORY_INFO_CURRENT_AVAILABLE_VIDMEM_NVX, KiB
	vboFreeMemoryATI      = 0x87FB // GL_VBO_FREE_MEMORY_ATI: 4 values, KiB; the first is the pool's free total
	textureFreeMemoryATI  = 0x87FC // GL_TEXTURE_FREE_MEMORY_ATI, likewise

	contextFlagRobustAccess = 0x4 // GL_CONTEXT_FLAG_ROBUST_ACCESS_BIT
)

// glContext is a GL context with the thread where it is current (the population's own,
// or the caller's: NewInContext), the device's limits and the GL functions' loader.
type glContext struct {
	th  executor
	egl *eglContext // nil in a caller's context
	// proc loads GL functions in this context: eglGetProcAddress, or the caller's loader.
	proc procLoader
	// origin is how the context was made, for Device: the EGL attempt that worked, or a
	// caller's context.
	origin contextOrigin
	dev    Device
	ext    map[string]bool
	// resetStatus is glGetGraphicsResetStatus (GL 4.5, KHR_robustness) or its ARB
	// form, or nil when the context has neither.
	resetStatus func() uint32
}

// contextOrigin says how a context was made.
type contextOrigin struct {
	platform    string    // Device.Platform
	dev         EGLDevice // the EGL device (Index -1 off the device platform)
	robustness  string    // Device.Robustness
	robustAsked bool      // attributes that ask for reset notification were accepted
}

// openContext starts a thread, makes a context current on it (on EGL device *choice,
// or the automatic choice when nil), loads GL and reads the device's limits.
func openContext(choice *int) (*glContext, error) {
	c := &glContext{proc: eglProcAddress}
	t0 := time.Now()
	th, err := newThread(func() error {
		e, err := newEGLContext(glDebug, choice)
		if err != nil {
			return err
		}
		c.egl = e
		c.origin = contextOrigin{platform: e.platform, dev: e.dev, robustness: e.robustness, robustAsked: e.robustAsked}
		if err := glFunctions.acquire("EGL", eglProcAddress); err != nil {
			e.destroy()
			return err
		}
		if err := c.setUp(); err != nil {
			glFunctions.release()
			e.destroy()
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.th = th
	c.dev.ContextTime = time.Since(t0)
	return c, nil
}

// setUp reads the limits of the current context, with GL loaded, and enables the
// debug output of gldebug builds. It runs on the context's thread.
func (c *glContext) setUp() error {
	c.readLimits()
	if glDebug {
		enableDebugOutput()
	}
	return checkGL("reading the device's limits")
}

func (c *glContext) readLimits() {
	d := &c.dev
	d.Renderer = glString(gl.RENDERER)
	d.Vendor = glString(gl.VENDOR)
	d.Version = glString(gl.VERSION)
	d.GLSL = glString(gl.SHADING_LANGUAGE_VERSION)
	d.Platform = c.origin.platform
	r := strings.ToLower(d.Renderer)
	d.Software = strings.Contains(r, "llvmpipe") || strings.Contains(r, "softpipe") || strings.Contains(r, "swrast")
	d.MaxBlockSize = glInt(gl.MAX_SHADER_STORAGE_BLOCK_SIZE)
	d.MaxGroupCount = int(glIntIndexed(gl.MAX_COMPUTE_WORK_GROUP_COUNT, 0))
	d.MaxStorageBlocks = int(glInt(gl.MAX_COMPUTE_SHADER_STORAGE_BLOCKS))
	d.MaxStorageBindings = int(glInt(gl.MAX_SHADER_STORAGE_BUFFER_BINDINGS))
	c.ext = map[string]bool{}
	var n int32
	gl.GetIntegerv(gl.NUM_EXTENSIONS, &n)
	for i := range uint32(n) {
		c.ext[gl.GoStr(gl.GetStringi(gl.EXTENSIONS, i))] = true
	}
	switch {
	case c.ext["GL_NVX_gpu_memory_info"]:
		d.MemorySource = "GL_NVX_gpu_memory_info"
		d.MemoryTotal = glInt(gpuMemoryTotalNVX) << 10
	case c.ext["GL_ATI_meminfo"]:
		d.MemorySource = "GL_ATI_meminfo" // free memory only, no total
	}
	d.MemoryAvailable = c.availableMemory()
	c.readRobustness()
}

// readRobustness reads what the context does on a GPU reset, and picks the query
// that reports one.
func (c *glContext) readRobustness() {
	d := &c.dev
	d.EGL, d.Robustness = c.origin.dev, c.origin.robustness
	var major, minor int32
	gl.GetIntegerv(gl.MAJOR_VERSION, &major)
	gl.GetIntegerv(gl.MINOR_VERSION, &minor)
	gl45 := major > 4 || major == 4 && minor >= 5
	switch {
	case (gl45 || c.ext["GL_KHR_robustness"]) && c.proc("glGetGraphicsResetStatus") != nil:
		c.resetStatus = gl.GetGraphicsResetStatus
	case c.ext["GL_ARB_robustness"] && c.proc("glGetGraphicsResetStatusARB") != nil:
		c.resetStatus = gl.GetGraphicsResetStatusARB
	default:
		// GL_RESET_NOTIFICATION_STRATEGY is not a name this context knows.
		if c.origin.robustAsked {
			d.Robustness += "; but the context has no glGetGraphicsResetStatus (GL 4.5, KHR_robustness or ARB_robustness)"
		}
		return
	}
	var strategy, flags int32
	gl.GetIntegerv(gl.RESET_NOTIFICATION_STRATEGY, &strategy)
	gl.GetIntegerv(gl.CONTEXT_FLAGS, &flags)
	d.Robust = strategy == gl.LOSE_CONTEXT_ON_RESET
	d.RobustAccess = flags&contextFlagRobustAccess != 0
	if c.origin.robustAsked && !d.Robust {
		d.Robustness += "; but the context's GL_RESET_NOTIFICATION_STRATEGY is not GL_LOSE_CONTEXT_ON_RESET"
	}
}

// availableMemory is the device's free memory in bytes, or 0 if the driver does not
// say (GL_NVX_gpu_memory_info's current free video memory, else GL_ATI_meminfo's free
// buffer memory, else its free texture memory).
func (c *glContext) availableMemory() int64 {
	switch c.dev.MemorySource {
	case "GL_NVX_gpu_memory_info":
		return glInt(gpuMemoryAvailableNVX) << 10
	case "GL_ATI_meminfo":
		for _, pool := range []uint32{vboFreeMemoryATI, textureFreeMemoryATI} {
			var v [4]int32 // free total, largest free block, free auxiliary, largest auxiliary block
			gl.GetIntegerv(pool, &v[0])
			if v[0] > 0 {
				return int64(v[0]) << 10
			}
		}
	}
	return 0
}

// close destroys the context and ends its thread; a caller's context is only let go of
// (it is the caller's to destroy).
func (c *glContext) close() error {
	var err error
	if c.egl != nil {
		err = c.th.call(func() error { return c.egl.destroy() })
	}
	glFunctions.release()
	c.th.stop()
	return err
}

// Info opens a context on the device New would use with the automatic choice, reads
// its description, and closes it.
func Info() (Device, error) { return InfoFor(nil) }

// InfoFor is Info for EGL device *device, or for the automatic choice when nil.
func InfoFor(device *int) (Device, error) {
	c, err := openContext(device)
	if err != nil {
		return Device{}, err
	}
	d := c.dev
	if d.MemoryAvailable > 0 {
		plan := planFor(1, layout{stateCopies: 2}, d, gpuhook.Hooks{})
		d.MaxN = plan.maxN(d.MemoryAvailable)
	}
	return d, c.close()
}

// Devices lists every device of EGL's device list (eglQueryDevicesEXT), in its order:
// the index of an entry is the number Options.Device takes. It makes a context on each
// to read its renderer and limits; a device where none can be made has Err set and
// only its EGL fields. The device the automatic choice tries first has EGL.Auto set.
// The error says why there is no list (a display without the device platform); the
// list may be empty.
func Devices() ([]Device, error) {
	devs, err := queryDevices()
	if err != nil {
		return nil, err
	}
	infos := make([]EGLDevice, len(devs))
	for k, d := range devs {
		infos[k] = d.d
	}
	cuda, set := os.LookupEnv("CUDA_VISIBLE_DEVICES")
	auto := chooseAuto(infos, cuda, set)
	out := make([]Device, len(devs))
	for k := range devs {
		d, err := InfoFor(&k)
		if err != nil {
			d = Device{Err: err}
		}
		d.EGL = infos[k]
		d.EGL.Auto = len(auto.order) > 0 && auto.order[0] == k
		if d.EGL.Renderer != "" && d.Renderer == "" {
			d.Renderer, d.Vendor = d.EGL.Renderer, d.EGL.Vendor
		}
		out[k] = d
	}
	return out, nil
}

// AutoNote says how the automatic choice read CUDA_VISIBLE_DEVICES, or "" when it is
// not set.
func AutoNote() string {
	cuda, set := os.LookupEnv("CUDA_VISIBLE_DEVICES")
	if !set {
		return ""
	}
	devs, err := queryDevices()
	if err != nil {
		return fmt.Sprintf("CUDA_VISIBLE_DEVICES=%q is set, but EGL lists no devices (%v)", cuda, err)
	}
	infos := make([]EGLDevice, len(devs))
	for k, d := range devs {
		infos[k] = d.d
	}
	return chooseAuto(infos, cuda, set).note
}

// probes keeps Probe's answers, one per device choice (-1: automatic).
var probes struct {
	sync.Mutex
	m map[int]probeAnswer
}

type probeAnswer struct {
	hw  bool
	err error
}

// Probe reports whether a hardware GPU with OpenGL 4.3 is reachable through EGL with
// the automatic choice: a CLI's "auto" backend picks the GPU when it returns true. A
// software renderer (llvmpipe) gives false with a nil error. The answer is found once
// per process (a context is made and destroyed: a fraction of a second) and kept.
func Probe() (hardware bool, err error) { return ProbeFor(nil) }

// ProbeFor is Probe for EGL device *device, or for the automatic choice when nil. A
// device that EGL's list lacks is a *DeviceError.
func ProbeFor(device *int) (hardware bool, err error) {
	key := -1
	if device != nil {
		key = *device
		if key < 0 {
			key = -2 // any negative index is refused alike
		}
	}
	probes.Lock()
	defer probes.Unlock()
	if a, ok := probes.m[key]; ok {
		return a.hw, a.err
	}
	d, err := InfoFor(device)
	a := probeAnswer{err == nil && !d.Software, err}
	if probes.m == nil {
		probes.m = map[int]probeAnswer{}
	}
	probes.m[key] = a
	return a.hw, a.err
}
