// egl_glue.h: the C side of gpu's EGL glue (egl_glue.c), for egl.go and egldevice.go.
// Handles cross into Go as uintptr_t: EGL handles may be small integers, which the Go
// runtime must never see as pointers.
#ifndef LIFGPU_EGL_GLUE_H
#define LIFGPU_EGL_GLUE_H

#include <stdint.h>
#include <stdlib.h>
#include <EGL/egl.h>
#include <EGL/eglext.h>

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

EGLint lif_query_devices(uintptr_t *devs, EGLint max, EGLint *n);
const char *lif_device_string(uintptr_t dev, EGLint name);
int lif_device_attrib(uintptr_t dev, EGLint name, intptr_t *value);
int lif_device_uuid(uintptr_t dev, unsigned char *out);
uintptr_t lif_platform_display(EGLenum platform, uintptr_t native, int *missing);
uintptr_t lif_default_display(void);
EGLBoolean lif_initialize(uintptr_t dpy, EGLint *major, EGLint *minor);
EGLBoolean lif_terminate(uintptr_t dpy);
const char *lif_query_string(uintptr_t dpy, EGLint name);
EGLBoolean lif_choose_config(uintptr_t dpy, uintptr_t *cfg, EGLint *n);
uintptr_t lif_create_context(uintptr_t dpy, uintptr_t cfg, const EGLint *attrs);
EGLBoolean lif_make_current(uintptr_t dpy, uintptr_t ctx);
EGLBoolean lif_release_current(uintptr_t dpy);
EGLBoolean lif_destroy_context(uintptr_t dpy, uintptr_t ctx);
void *lif_proc_address(const char *name);

#endif
