//go:build cgo && egl

package gpu

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// GL_NVX_gpu_memory_info.
const (
	gpuMemoryTotalNVX     = 0x9048 // GL_GPU_MEMORY_INFO_TOTAL_AVAILABLE_MEMORY_NVX, KiB
	gpuMemoryAvailableNVX = 0x9049 // GL_GPU_MEMORY_INFO_CURRENT_AVAILABLE_VIDMEM_NVX, KiB
)

// glInit loads the GL functions once per process, through eglGetProcAddress (EGL's
// function pointers do not depend on the context).
var glInit = sync.OnceValue(func() error { return gl.InitWithProcAddrFunc(eglProcAddress) })

// context is a GL context on a locked thread, with the device's limits.
type context struct {
	th  *thread
	egl *eglContext
	dev Device
	ext map[string]bool
}

// openContext starts a thread, makes a context current on it, loads GL and reads the
// device's limits.
func openContext() (*context, error) {
	c := &context{}
	t0 := time.Now()
	th, err := newThread(func() error {
		e, err := newEGLContext(glDebug)
		if err != nil {
			return err
		}
		c.egl = e
		if err := glInit(); err != nil {
			e.destroy()
			return fmt.Errorf("%w: loading OpenGL 4.3 functions: %s is missing", errNoGPU, err)
		}
		c.readLimits()
		if glDebug {
			enableDebugOutput()
		}
		if err := checkGL("reading the device's limits"); err != nil {
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

func (c *context) readLimits() {
	d := &c.dev
	d.Renderer = glString(gl.RENDERER)
	d.Vendor = glString(gl.VENDOR)
	d.Version = glString(gl.VERSION)
	d.GLSL = glString(gl.SHADING_LANGUAGE_VERSION)
	d.Platform = c.egl.platform
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
	if c.ext["GL_NVX_gpu_memory_info"] {
		d.MemoryTotal = glInt(gpuMemoryTotalNVX) << 10
		d.MemoryAvailable = c.availableMemory()
	}
}

// availableMemory is the device's free memory in bytes, or 0 if the driver does not say.
func (c *context) availableMemory() int64 {
	if !c.ext["GL_NVX_gpu_memory_info"] {
		return 0
	}
	return glInt(gpuMemoryAvailableNVX) << 10
}

// close destroys the context and ends its thread.
func (c *context) close() error {
	err := c.th.call(func() error { return c.egl.destroy() })
	c.th.stop()
	return err
}

// Info opens a context, reads the device's description, and closes it.
func Info() (Device, error) {
	c, err := openContext()
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

var probe = sync.OnceValues(func() (bool, error) {
	d, err := Info()
	if err != nil {
		return false, err
	}
	return !d.Software, nil
})

// Probe reports whether a hardware GPU with OpenGL 4.3 is reachable through EGL: a
// CLI's "auto" backend picks the GPU when it returns true. A software renderer
// (llvmpipe) gives false with a nil error. The answer is found once per process (a
// context is made and destroyed: a fraction of a second) and kept.
func Probe() (hardware bool, err error) { return probe() }
