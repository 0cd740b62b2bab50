//go:build cgo && egl

// egl_glue.c: small C wrappers of EGL for gpu (see egl_glue.h): extension functions
// fetched with eglGetProcAddress, handles passed as uintptr_t.
#include "egl_glue.h"


EGLint lif_query_devices(uintptr_t *devs, EGLint max, EGLint *n) {
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

const char *lif_device_string(uintptr_t dev, EGLint name) {
	PFNEGLQUERYDEVICESTRINGEXTPROC f = (PFNEGLQUERYDEVICESTRINGEXTPROC)eglGetProcAddress("eglQueryDeviceStringEXT");
	if (f == NULL) {
		return NULL;
	}
	return f((EGLDeviceEXT)dev, name);
}

// lif_device_attrib reads an attribute of a device (eglQueryDeviceAttribEXT); 0 when
// the device does not have it (the EGL error is cleared).
int lif_device_attrib(uintptr_t dev, EGLint name, intptr_t *value) {
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
int lif_device_uuid(uintptr_t dev, unsigned char *out) {
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

uintptr_t lif_platform_display(EGLenum platform, uintptr_t native, int *missing) {
	PFNEGLGETPLATFORMDISPLAYEXTPROC f = (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
	*missing = f == NULL;
	if (f == NULL) {
		return 0;
	}
	return (uintptr_t)f(platform, (void *)native, NULL);
}

uintptr_t lif_default_display(void) { return (uintptr_t)eglGetDisplay(EGL_DEFAULT_DISPLAY); }

EGLBoolean lif_initialize(uintptr_t dpy, EGLint *major, EGLint *minor) {
	return eglInitialize((EGLDisplay)dpy, major, minor);
}

EGLBoolean lif_terminate(uintptr_t dpy) { return eglTerminate((EGLDisplay)dpy); }

const char *lif_query_string(uintptr_t dpy, EGLint name) {
	return eglQueryString((EGLDisplay)dpy, name);
}

EGLBoolean lif_choose_config(uintptr_t dpy, uintptr_t *cfg, EGLint *n) {
	EGLint attrs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, 0, EGL_NONE};
	EGLConfig c;
	EGLBoolean ok = eglChooseConfig((EGLDisplay)dpy, attrs, &c, 1, n);
	*cfg = (uintptr_t)c;
	return ok;
}

uintptr_t lif_create_context(uintptr_t dpy, uintptr_t cfg, const EGLint *attrs) {
	return (uintptr_t)eglCreateContext((EGLDisplay)dpy, (EGLConfig)cfg, EGL_NO_CONTEXT, attrs);
}

EGLBoolean lif_make_current(uintptr_t dpy, uintptr_t ctx) {
	return eglMakeCurrent((EGLDisplay)dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, (EGLContext)ctx);
}

EGLBoolean lif_release_current(uintptr_t dpy) {
	return eglMakeCurrent((EGLDisplay)dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
}

EGLBoolean lif_destroy_context(uintptr_t dpy, uintptr_t ctx) {
	return eglDestroyContext((EGLDisplay)dpy, (EGLContext)ctx);
}

void *lif_proc_address(const char *name) { return (void *)eglGetProcAddress(name); }
