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

// Tokens of extensions that older headers may lack.
#ifndef EGL_CUDA_DEVICE_NV
#define EGL_CUDA_DEVICE_NV 0x323A
#endif
#ifndef EGL_DRM_DEVICE_FILE_EXT
#define EGL_DRM_DEVICE_FILE_EXT 0x3233
#endif
#ifndef EGL_DRM_RENDER_NODE_FILE_EXT
#define EGL_DRM_RENDER_NODE_FILE_EXT 0x3377
#endif
#ifndef EGL_DEVICE_UUID_EXT
#define EGL_DEVICE_UUID_EXT 0x335C
#endif
#ifndef EGL_RENDERER_EXT
#define EGL_RENDERER_EXT 0x335F
#endif
#ifndef EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY
#define EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY 0x31BD
#endif
#ifndef EGL_LOSE_CONTEXT_ON_RESET
#define EGL_LOSE_CONTEXT_ON_RESET 0x31BF
#endif
#ifndef EGL_CONTEXT_OPENGL_ROBUST_ACCESS
#define EGL_CONTEXT_OPENGL_ROBUST_ACCESS 0x31B2
#endif
#ifndef EGL_CONTEXT_OPENGL_ROBUST_ACCESS_EXT
#define EGL_CONTEXT_OPENGL_ROBUST_ACCESS_EXT 0x30BF
#endif
#ifndef EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_EXT
#define EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY_EXT 0x3138
#endif
#ifndef EGL_CONTEXT_FLAGS_KHR
#define EGL_CONTEXT_FLAGS_KHR 0x30FC
#endif
#ifndef EGL_CONTEXT_OPENGL_ROBUST_ACCESS_BIT_KHR
#define EGL_CONTEXT_OPENGL_ROBUST_ACCESS_BIT_KHR 0x4
#endif

// lif_device_attrib reads an attribute of a device (eglQueryDeviceAttribEXT); 0 when
// the device does not have it (the EGL error is cleared).
static int lif_device_attrib(uintptr_t dev, EGLint name, intptr_t *value) {
	typedef EGLBoolean (*fn)(EGLDeviceEXT, EGLint, EGLAttrib *);
	fn f = (fn)eglGetProcAddress("eglQueryDeviceAttribEXT");
	EGLAttrib v = 0;
	if (f == NULL) {
		return 0;
	}
	if (!f((EGLDeviceEXT)dev, name, &v)) {
		eglGetError();
		return 0;
	}
	*value = (intptr_t)v;
	return 1;
}

// lif_device_uuid reads EGL_DEVICE_UUID_EXT (EGL_EXT_device_persistent_id) into out[16].
static int lif_device_uuid(uintptr_t dev, unsigned char *out) {
	typedef EGLBoolean (*fn)(EGLDeviceEXT, EGLint, EGLint, void *, EGLint *);
	fn f = (fn)eglGetProcAddress("eglQueryDeviceBinaryEXT");
	EGLint size = 0;
	if (f == NULL) {
		return 0;
	}
	if (!f((EGLDeviceEXT)dev, EGL_DEVICE_UUID_EXT, 16, out, &size) || size != 16) {
		eglGetError();
		return 0;
	}
	return 1;
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

static uintptr_t lif_create_context(uintptr_t dpy, uintptr_t cfg, const EGLint *attrs) {
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
	"cmp"
	"errors"
	"fmt"
	"os"
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

// eglDev is one device of eglQueryDevicesEXT's list.
type eglDev struct {
	h C.uintptr_t
	d EGLDevice
}

// queryDevices lists EGL's devices with what EGL says of each; the error says why
// there is no list (its length may be 0 without an error).
func queryDevices() ([]eglDev, error) {
	clientExt := C.GoString(C.lif_query_string(0, C.EGL_EXTENSIONS))
	if !hasWord(clientExt, "EGL_EXT_platform_device") || !hasWord(clientExt, "EGL_EXT_device_enumeration") {
		return nil, errors.New("EGL_EXT_platform_device is not offered")
	}
	var hs [64]C.uintptr_t
	var n C.EGLint
	switch C.lif_query_devices(&hs[0], 64, &n) {
	case -1:
		return nil, errors.New("eglQueryDevicesEXT is missing")
	case 0:
		return nil, eglError("eglQueryDevicesEXT")
	}
	devs := make([]eglDev, n)
	for k := range devs {
		devs[k] = eglDev{h: hs[k], d: describeDevice(hs[k], k)}
	}
	return devs, nil
}

// describeDevice reads what EGL says of device h, at index k of its list: only what
// the device's extensions offer is asked for.
func describeDevice(h C.uintptr_t, k int) EGLDevice {
	d := EGLDevice{Index: k, CUDA: -1}
	str := func(name C.EGLint) string {
		if s := C.lif_device_string(h, name); s != nil {
			return C.GoString(s)
		}
		C.eglGetError() // clear it
		return ""
	}
	ext := str(C.EGL_EXTENSIONS)
	d.Software = hasWord(ext, "EGL_MESA_device_software")
	if hasWord(ext, "EGL_NV_device_cuda") {
		d.cudaExt = true
		var v C.intptr_t
		if C.lif_device_attrib(h, C.EGL_CUDA_DEVICE_NV, &v) != 0 {
			d.CUDA = int(v)
		}
	}
	if hasWord(ext, "EGL_EXT_device_drm") {
		d.DRM = str(C.EGL_DRM_DEVICE_FILE_EXT)
	}
	if hasWord(ext, "EGL_EXT_device_drm_render_node") {
		d.Render = str(C.EGL_DRM_RENDER_NODE_FILE_EXT)
	}
	d.PCI = pciOf(cmp.Or(d.Render, d.DRM))
	if hasWord(ext, "EGL_EXT_device_persistent_id") {
		var u [16]C.uchar
		if C.lif_device_uuid(h, &u[0]) != 0 {
			d.UUID = fmt.Sprintf("%x", C.GoBytes(unsafe.Pointer(&u[0]), 16))
		}
	}
	if hasWord(ext, "EGL_EXT_device_query_name") {
		d.Vendor, d.Renderer = str(C.EGL_VENDOR), str(C.EGL_RENDERER_EXT)
	}
	return d
}

// attempt is the way to a display on the device.
func (e eglDev) attempt() attempt {
	name := fmt.Sprintf("device platform, device %d", e.d.Index)
	switch {
	case e.d.Software:
		name += " (software)"
	case e.d.DRM != "" || e.d.Render != "":
		name += " (DRM)"
	case e.d.nvidia():
		name += " (NVIDIA)"
	}
	h := e.h
	return attempt{name, e.d, func() (C.uintptr_t, error) {
		return platformDisplay(C.EGL_PLATFORM_DEVICE_EXT, h, "eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT)")
	}}
}

// noDevice is an attempt that is not on the device platform.
var noDevice = EGLDevice{Index: -1, CUDA: -1}

// displayAttempts are the ways to a display, in the order to try them: EGL device
// *choice alone, or the automatic choice (see chooseAuto) with its note.
func displayAttempts(choice *int) ([]attempt, string, error) {
	devs, derr := queryDevices()
	if choice != nil {
		k := *choice
		switch {
		case derr != nil:
			return nil, "", &DeviceError{Index: k, Why: derr.Error()}
		case k < 0 || k >= len(devs):
			return nil, "", &DeviceError{Index: k, Count: len(devs)}
		}
		return []attempt{devs[k].attempt()}, "", nil
	}
	var out []attempt
	failed := func(err error) {
		out = append(out, attempt{"device platform", noDevice, func() (C.uintptr_t, error) { return 0, err }})
	}
	var ch autoChoice
	switch {
	case derr != nil:
		failed(derr)
	case len(devs) == 0:
		failed(errors.New("eglQueryDevicesEXT found no device"))
	default:
		infos := make([]EGLDevice, len(devs))
		for k, d := range devs {
			infos[k] = d.d
		}
		cuda, set := os.LookupEnv("CUDA_VISIBLE_DEVICES")
		ch = chooseAuto(infos, cuda, set)
		for _, k := range ch.order {
			out = append(out, devs[k].attempt())
		}
		if len(ch.order) == 0 {
			failed(errors.New(ch.note))
		}
	}

	// Mesa's surfaceless platform.
	clientExt := C.GoString(C.lif_query_string(0, C.EGL_EXTENSIONS))
	out = append(out, attempt{"surfaceless platform", noDevice, func() (C.uintptr_t, error) {
		if !hasWord(clientExt, "EGL_MESA_platform_surfaceless") {
			return 0, errors.New("EGL_MESA_platform_surfaceless is not offered")
		}
		return platformDisplay(C.EGL_PLATFORM_SURFACELESS_MESA, 0, "eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA)")
	}})

	// Whatever the default display is, unless CUDA_VISIBLE_DEVICES narrowed the
	// choice: on an NVIDIA machine it is a GPU that may be hidden.
	if !ch.only {
		out = append(out, attempt{"default display", noDevice, func() (C.uintptr_t, error) {
			d := C.lif_default_display()
			if d == 0 {
				return 0, eglError("eglGetDisplay(EGL_DEFAULT_DISPLAY)")
			}
			return d, nil
		}})
	}
	return out, ch.note, nil
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
