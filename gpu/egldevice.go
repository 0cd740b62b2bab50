//go:build cgo && egl

package gpu

// The EGL devices and the ways to a display on them (see choose.go for the automatic
// order).

/*
#cgo pkg-config: egl
#include "egl_glue.h"
*/
import "C"

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strings"
	"unsafe"
)

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
