//go:build cgo && egl

package gpu

/*
#cgo pkg-config: egl
#include "egl_glue.h"
*/
import "C"

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
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
func eglError(op string) error { return fmt.Errorf("%s failed: %s", op, eglCode()) }

// eglCode is eglGetError's code by name (and clears it).
func eglCode() string {
	code := C.eglGetError()
	name, ok := eglErrorNames[code]
	if !ok {
		name = fmt.Sprintf("0x%04x", int(code))
	}
	return name
}

// skipAttempt, set by tests, skips the display attempts it returns true for.
var skipAttempt func(name string) bool

// eglContext is a GL 4.3 core context made current, without a surface, on the calling
// thread. It is made, used and destroyed on one locked OS thread.
type eglContext struct {
	dpy      C.uintptr_t
	ctx      C.uintptr_t
	platform string    // which attempt worked: "device platform, device 0 (...)", "surfaceless platform", "default display"
	dev      EGLDevice // the EGL device (Index -1 off the device platform)
	// robustness names the attributes that made the context, or says why none that ask
	// for reset notification did; robustAsked: such attributes were accepted.
	robustness  string
	robustAsked bool
	// auto is the automatic choice's note on CUDA_VISIBLE_DEVICES ("" if unset or not
	// the automatic choice).
	auto string
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
	dev  EGLDevice // Index -1 off the device platform
	get  func() (C.uintptr_t, error)
}

// newEGLContext makes a GL 4.3 core context current on the calling thread (which must
// be locked to its OS thread): on EGL device *choice alone, or, when choice is nil,
// trying the EGL devices in the automatic order, then Mesa's surfaceless platform, then
// the default display. A choice that EGL's list lacks is a *DeviceError. If no attempt
// works, the error wraps lifgpu.ErrNoGPU and lists each attempt's first error.
func newEGLContext(debug bool, choice *int) (*eglContext, error) {
	attempts, note, err := displayAttempts(choice)
	if err != nil {
		return nil, err
	}
	var errs []string
	for _, a := range attempts {
		if skipAttempt != nil && skipAttempt(a.name) {
			errs = append(errs, a.name+": skipped by a test")
			continue
		}
		c, err := tryDisplay(a, debug)
		if err == nil {
			c.auto = note
			return c, nil
		}
		errs = append(errs, fmt.Sprintf("%s: %v", a.name, err))
	}
	if note != "" {
		errs = append(errs, note)
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
	c := &eglContext{dpy: dpy, platform: a.name, dev: a.dev}
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

// contextAttrs is one attribute list for eglCreateContext and what it asks for.
type contextAttrs struct {
	name   string
	robust bool // asks for reset notification (GL_LOSE_CONTEXT_ON_RESET)
	attrs  []C.EGLint
}

// contextAttempts are the attribute lists to try, robust ones first: EGL 1.5's core
// attributes, EGL_KHR_create_context's flags, EGL_EXT_create_context_robustness's
// attributes (which Mesa accepts for OpenGL ES only), each with robust buffer access
// and then without, and last a plain context.
func contextAttempts(egl15 bool, ext string, debug bool) []contextAttrs {
	dbg := C.EGLint(C.EGL_FALSE)
	if debug {
		dbg = C.EGL_TRUE
	}
	base := []C.EGLint{
		C.EGL_CONTEXT_MAJOR_VERSION, 4,
		C.EGL_CONTEXT_MINOR_VERSION, 3,
		C.EGL_CONTEXT_OPENGL_PROFILE_MASK, C.EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
		C.EGL_CONTEXT_OPENGL_DEBUG, dbg,
	}
	var out []contextAttrs
	add := func(name string, robust bool, extra ...C.EGLint) {
		a := append(append(slices.Clone(base), extra...), C.EGL_NONE)
		out = append(out, contextAttrs{name, robust, a})
	}
	lose := C.EGLint(C.EGL_LOSE_CONTEXT_ON_RESET)
	if egl15 {
		add("EGL 1.5 reset notification and robust access", true,
			C.EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY, lose, C.EGL_CONTEXT_OPENGL_ROBUST_ACCESS, C.EGL_TRUE)
		add("EGL 1.5 reset notification", true, C.EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY, lose)
	}
	robustExt := hasWord(ext, "EGL_EXT_create_context_robustness")
	if robustExt && hasWord(ext, "EGL_KHR_create_context") {
		// EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_KHR is EGL 1.5's token.
		add("EGL_KHR_create_context reset notification and robust access", true,
			C.EGL_CONTEXT_FLAGS_KHR, C.EGL_CONTEXT_OPENGL_ROBUST_ACCESS_BIT_KHR, C.EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY, lose)
	}
	if robustExt {
		add("EGL_EXT_create_context_robustness reset notification and robust access", true,
			C.EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_EXT, lose, C.EGL_CONTEXT_OPENGL_ROBUST_ACCESS_EXT, C.EGL_TRUE)
		add("EGL_EXT_create_context_robustness reset notification", true, C.EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_EXT, lose)
	}
	add("plain", false)
	return out
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
	version := C.GoString(C.lif_query_string(c.dpy, C.EGL_VERSION))
	var refused []string
	for _, a := range contextAttempts(eglAtLeast15(version), ext, debug) {
		c.ctx = C.lif_create_context(c.dpy, cfg, &a.attrs[0])
		if c.ctx != 0 {
			c.robustAsked = a.robust
			c.robustness = a.name
			if !a.robust {
				c.robustness = "none: " + cmp.Or(strings.Join(refused, "; "), "the display offers neither EGL 1.5 nor EGL_EXT_create_context_robustness")
			}
			break
		}
		code := eglCode()
		if !a.robust {
			return fmt.Errorf("eglCreateContext(OpenGL 4.3 core) failed: %s", code)
		}
		refused = append(refused, fmt.Sprintf("%s: %s", a.name, code))
	}
	if C.lif_make_current(c.dpy, c.ctx) == C.EGL_FALSE {
		err := eglError("eglMakeCurrent(EGL_NO_SURFACE)")
		C.lif_destroy_context(c.dpy, c.ctx)
		return err
	}
	return nil
}

// eglAtLeast15 reads EGL_VERSION ("1.5 Mesa ...", "1.5") as at least 1.5.
func eglAtLeast15(version string) bool {
	var major, minor int
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 1 || major == 1 && minor >= 5
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
