//go:build cgo && egl

package gpu

/*
#cgo pkg-config: egl
#include <stdint.h>
#include <stdlib.h>
#include <EGL/egl.h>
#include <EGL/eglext.h>

// Handles cross into Go as uintptr_t: EGL handles may be small integers, which the
// Go runtime must never see as pointers.

static EGLint lif_query_devices(uintptr_t *devs, EGLint max, EGLint *n) {
	PFNEGLQUERYDEVICESEXTPROC f = (PFNEGLQUERYDEVICESEXTPROC)eglGetProcAddress("eglQueryDevicesEXT");
	if (f == NULL) {
		return -1;
	}
	EGLDeviceEXT d[64];
	if (max > 64) {
		max = 64;
	}
	if (!f(max, d, n)) {
		return 0;
	}
	for (EGLint i = 0; i < *n; i++) {
		devs[i] = (uintptr_t)d[i];
	}
	return 1;
}

static const char *lif_device_string(uintptr_t dev, EGLint name) {
	PFNEGLQUERYDEVICESTRINGEXTPROC f = (PFNEGLQUERYDEVICESTRINGEXTPROC)eglGetProcAddress("eglQueryDeviceStringEXT");
	if (f == NULL) {
		return NULL;
	}
	return f((EGLDeviceEXT)dev, name);
}

static uintptr_t lif_platform_display(EGLenum platform, uintptr_t native, int *missing) {
	PFNEGLGETPLATFORMDISPLAYEXTPROC f = (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
	*missing = f == NULL;
	if (f == NULL) {
		return 0;
	}
	return (uintptr_t)f(platform, (void *)native, NULL);
}

static uintptr_t lif_default_display(void) { return (uintptr_t)eglGetDisplay(EGL_DEFAULT_DISPLAY); }

static EGLBoolean lif_initialize(uintptr_t dpy, EGLint *major, EGLint *minor) {
	return eglInitialize((EGLDisplay)dpy, major, minor);
}

static EGLBoolean lif_terminate(uintptr_t dpy) { return eglTerminate((EGLDisplay)dpy); }

static const char *lif_query_string(uintptr_t dpy, EGLint name) {
	return eglQueryString((EGLDisplay)dpy, name);
}

static EGLBoolean lif_choose_config(uintptr_t dpy, uintptr_t *cfg, EGLint *n) {
	EGLint attrs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, 0, EGL_NONE};
	EGLConfig c;
	EGLBoolean ok = eglChooseConfig((EGLDisplay)dpy, attrs, &c, 1, n);
	*cfg = (uintptr_t)c;
	return ok;
}

static uintptr_t lif_create_context(uintptr_t dpy, uintptr_t cfg, int debug) {
	EGLint attrs[] = {
		EGL_CONTEXT_MAJOR_VERSION, 4,
		EGL_CONTEXT_MINOR_VERSION, 3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
		EGL_CONTEXT_OPENGL_DEBUG, debug ? EGL_TRUE : EGL_FALSE,
		EGL_NONE,
	};
	return (uintptr_t)eglCreateContext((EGLDisplay)dpy, (EGLConfig)cfg, EGL_NO_CONTEXT, attrs);
}

static EGLBoolean lif_make_current(uintptr_t dpy, uintptr_t ctx) {
	return eglMakeCurrent((EGLDisplay)dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, (EGLContext)ctx);
}

static EGLBoolean lif_release_current(uintptr_t dpy) {
	return eglMakeCurrent((EGLDisplay)dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
}

static EGLBoolean lif_destroy_context(uintptr_t dpy, uintptr_t ctx) {
	return eglDestroyContext((EGLDisplay)dpy, (EGLContext)ctx);
}

static void *lif_proc_address(const char *name) { return (void *)eglGetProcAddress(name); }
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unsafe"
)

// eglErrorNames names the codes of eglGetError.
var eglErrorNames = map[C.EGLint]string{
	C.EGL_SUCCESS:             "EGL_SUCCESS",
	C.EGL_NOT_INITIALIZED:     "EGL_NOT_INITIALIZED",
	C.EGL_BAD_ACCESS:          "EGL_BAD_ACCESS",
	C.EGL_BAD_ALLOC:           "EGL_BAD_ALLOC",
	C.EGL_BAD_ATTRIBUTE:       "EGL_BAD_ATTRIBUTE",
	C.EGL_BAD_CONFIG:          "EGL_BAD_CONFIG",
	C.EGL_BAD_CONTEXT:         "EGL_BAD_CONTEXT",
	C.EGL_BAD_CURRENT_SURFACE: "EGL_BAD_CURRENT_SURFACE",
	C.EGL_BAD_DISPLAY:         "EGL_BAD_DISPLAY",
	C.EGL_BAD_MATCH:           "EGL_BAD_MATCH",
	C.EGL_BAD_NATIVE_PIXMAP:   "EGL_BAD_NATIVE_PIXMAP",
	C.EGL_BAD_NATIVE_WINDOW:   "EGL_BAD_NATIVE_WINDOW",
	C.EGL_BAD_PARAMETER:       "EGL_BAD_PARAMETER",
	C.EGL_BAD_SURFACE:         "EGL_BAD_SURFACE",
	C.EGL_CONTEXT_LOST:        "EGL_CONTEXT_LOST",
}

// eglError returns an error for a failed EGL call op, with eglGetError's code by name.
func eglError(op string) error {
	code := C.eglGetError()
	name, ok := eglErrorNames[code]
	if !ok {
		name = fmt.Sprintf("0x%04x", int(code))
	}
	return fmt.Errorf("%s failed: %s", op, name)
}

// skipAttempt, set by tests, skips the display attempts it returns true for.
var skipAttempt func(name string) bool

// eglContext is a GL 4.3 core context made current, without a surface, on the calling
// thread. It is made, used and destroyed on one locked OS thread.
type eglContext struct {
	dpy      C.uintptr_t
	ctx      C.uintptr_t
	platform string // which attempt worked: "device 0 (...)", "surfaceless", "default"
}

// displays counts the contexts alive on each initialised display: EGL has one display
// per device and platform in a process, and eglTerminate ends it for every context on
// it, so the last context to go terminates it.
var displays struct {
	sync.Mutex
	refs map[C.uintptr_t]int
}

// attempt is one way to get a display.
type attempt struct {
	name string
	get  func() (C.uintptr_t, error)
}

func displayAttempts() []attempt {
	var out []attempt
	clientExt := C.GoString(C.lif_query_string(0, C.EGL_EXTENSIONS))
	has := func(ext string) bool { return hasWord(clientExt, ext) }

	// 1. The device platform (NVIDIA, and Mesa's software and DRM devices).
	if has("EGL_EXT_platform_device") && has("EGL_EXT_device_enumeration") {
		var devs [64]C.uintptr_t
		var n C.EGLint
		switch C.lif_query_devices(&devs[0], 64, &n) {
		case -1:
			out = append(out, attempt{"device platform", func() (C.uintptr_t, error) {
				return 0, errors.New("eglQueryDevicesEXT is missing")
			}})
		case 0:
			err := eglError("eglQueryDevicesEXT")
			out = append(out, attempt{"device platform", func() (C.uintptr_t, error) { return 0, err }})
		default:
			// Hardware devices first: with glvnd, Mesa's software device may be listed
			// before an NVIDIA one.
			var soft []attempt
			for k := range int(n) {
				dev := devs[k]
				name := fmt.Sprintf("device platform, device %d", k)
				sw := false
				if s := C.lif_device_string(dev, C.EGL_EXTENSIONS); s != nil {
					ext := C.GoString(s)
					switch {
					case hasWord(ext, "EGL_MESA_device_software"):
						name += " (software)"
						sw = true
					case hasWord(ext, "EGL_EXT_device_drm"):
						name += " (DRM)"
					}
				}
				a := attempt{name, func() (C.uintptr_t, error) {
					return platformDisplay(C.EGL_PLATFORM_DEVICE_EXT, dev, "eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT)")
				}}
				if sw {
					soft = append(soft, a)
				} else {
					out = append(out, a)
				}
			}
			out = append(out, soft...)
			if n == 0 {
				out = append(out, attempt{"device platform", func() (C.uintptr_t, error) {
					return 0, errors.New("eglQueryDevicesEXT found no device")
				}})
			}
		}
	} else {
		out = append(out, attempt{"device platform", func() (C.uintptr_t, error) {
			return 0, errors.New("EGL_EXT_platform_device is not offered")
		}})
	}

	// 2. Mesa's surfaceless platform.
	out = append(out, attempt{"surfaceless platform", func() (C.uintptr_t, error) {
		if !has("EGL_MESA_platform_surfaceless") {
			return 0, errors.New("EGL_MESA_platform_surfaceless is not offered")
		}
		return platformDisplay(C.EGL_PLATFORM_SURFACELESS_MESA, 0, "eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA)")
	}})

	// 3. Whatever the default display is.
	out = append(out, attempt{"default display", func() (C.uintptr_t, error) {
		d := C.lif_default_display()
		if d == 0 {
			return 0, eglError("eglGetDisplay(EGL_DEFAULT_DISPLAY)")
		}
		return d, nil
	}})
	return out
}

func platformDisplay(platform C.EGLenum, native C.uintptr_t, op string) (C.uintptr_t, error) {
	var missing C.int
	d := C.lif_platform_display(platform, native, &missing)
	if missing != 0 {
		return 0, errors.New("eglGetPlatformDisplayEXT is missing")
	}
	if d == 0 {
		return 0, eglError(op)
	}
	return d, nil
}

func hasWord(list, word string) bool {
	for _, w := range strings.Fields(list) {
		if w == word {
			return true
		}
	}
	return false
}

// newEGLContext makes a GL 4.3 core context current on the calling thread (which must
// be locked to its OS thread), trying the EGL device platform, then Mesa's
// surfaceless platform, then the default display. If none works, the error wraps
// lifgpu.ErrNoGPU and lists each attempt's first error.
func newEGLContext(debug bool) (*eglContext, error) {
	var errs []string
	for _, a := range displayAttempts() {
		if skipAttempt != nil && skipAttempt(a.name) {
			errs = append(errs, a.name+": skipped by a test")
			continue
		}
		c, err := tryDisplay(a, debug)
		if err == nil {
			return c, nil
		}
		errs = append(errs, fmt.Sprintf("%s: %v", a.name, err))
	}
	return nil, fmt.Errorf("%w: no OpenGL 4.3 core context through EGL:\n\t%s", errNoGPU, strings.Join(errs, "\n\t"))
}

func tryDisplay(a attempt, debug bool) (*eglContext, error) {
	dpy, err := a.get()
	if err != nil {
		return nil, err
	}
	displays.Lock()
	defer displays.Unlock()
	if displays.refs[dpy] == 0 {
		var major, minor C.EGLint
		if C.lif_initialize(dpy, &major, &minor) == C.EGL_FALSE {
			return nil, eglError("eglInitialize")
		}
	}
	c := &eglContext{dpy: dpy, platform: a.name}
	if err := c.create(debug); err != nil {
		if displays.refs[dpy] == 0 {
			C.lif_terminate(dpy)
		}
		return nil, err
	}
	if displays.refs == nil {
		displays.refs = map[C.uintptr_t]int{}
	}
	displays.refs[dpy]++
	return c, nil
}

func (c *eglContext) create(debug bool) error {
	ext := C.GoString(C.lif_query_string(c.dpy, C.EGL_EXTENSIONS))
	if !hasWord(ext, "EGL_KHR_surfaceless_context") {
		return errors.New("EGL_KHR_surfaceless_context is not offered (needed to run without a surface)")
	}
	if C.eglBindAPI(C.EGL_OPENGL_API) == C.EGL_FALSE {
		return eglError("eglBindAPI(EGL_OPENGL_API)")
	}
	var cfg C.uintptr_t // EGL_NO_CONFIG_KHR
	if !hasWord(ext, "EGL_KHR_no_config_context") {
		var n C.EGLint
		if C.lif_choose_config(c.dpy, &cfg, &n) == C.EGL_FALSE {
			return eglError("eglChooseConfig")
		}
		if n == 0 {
			return errors.New("eglChooseConfig: no config renders with desktop OpenGL")
		}
	}
	dbg := C.int(0)
	if debug {
		dbg = 1
	}
	c.ctx = C.lif_create_context(c.dpy, cfg, dbg)
	if c.ctx == 0 {
		return eglError("eglCreateContext(OpenGL 4.3 core)")
	}
	if C.lif_make_current(c.dpy, c.ctx) == C.EGL_FALSE {
		err := eglError("eglMakeCurrent(EGL_NO_SURFACE)")
		C.lif_destroy_context(c.dpy, c.ctx)
		return err
	}
	return nil
}

// destroy releases and destroys the context, and terminates the display after its
// last context. It runs on the context's thread.
func (c *eglContext) destroy() error {
	var first error
	if C.lif_release_current(c.dpy) == C.EGL_FALSE {
		first = eglError("eglMakeCurrent(EGL_NO_CONTEXT)")
	}
	if C.lif_destroy_context(c.dpy, c.ctx) == C.EGL_FALSE && first == nil {
		first = eglError("eglDestroyContext")
	}
	displays.Lock()
	defer displays.Unlock()
	displays.refs[c.dpy]--
	if displays.refs[c.dpy] == 0 {
		delete(displays.refs, c.dpy)
		if C.lif_terminate(c.dpy) == C.EGL_FALSE && first == nil {
			first = eglError("eglTerminate")
		}
	}
	if C.eglReleaseThread() == C.EGL_FALSE && first == nil {
		first = eglError("eglReleaseThread")
	}
	return first
}

// eglProcAddress loads GL functions through EGL, whatever build tags go-gl saw.
func eglProcAddress(name string) unsafe.Pointer {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return C.lif_proc_address(cname)
}
