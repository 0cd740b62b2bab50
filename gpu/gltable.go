//go:build cgo && egl

package gpu

import (
	"fmt"
	"sort"
	"sync"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
)

// go-gl keeps one table of GL function pointers per process, filled by one loader.
// Every context of the process calls through it, so a context may use the table only
// if its own loader gives the same pointers. EGL's loader (eglGetProcAddress) gives
// pointers that do not depend on the context; a caller's (NewInContext: a window's
// glfw.GetProcAddress, which is glXGetProcAddress on X11) may give others. Under
// libglvnd both give the same dispatch stubs, and then headless populations and a
// window's may live side by side. Where they differ, the table is loaded by the first
// context and a context whose loader disagrees is refused while any context that uses
// the table is open; once none is, the next context reloads it with its own loader.
// (Reloading under a live context would swap the pointers it calls through.)

// procLoader loads one GL function by name (nil if the context lacks it).
type procLoader func(name string) unsafe.Pointer

// glTable tracks what go-gl's table holds and who uses it.
type glTable struct {
	mu     sync.Mutex
	loaded map[string]unsafe.Pointer // the pointers the table holds, by name; nil before the first load
	kind   string                    // the loader that filled it: "EGL", or "" for a caller's
	users  int                       // open contexts that call through it
	// fill loads the table with a loader: go-gl's InitWithProcAddrFunc (tests swap it).
	fill func(load func(string) unsafe.Pointer) error
}

// glFunctions is the process's go-gl table.
var glFunctions = &glTable{fill: gl.InitWithProcAddrFunc}

// MixedContextsError is a context refused because go-gl's single table of GL functions
// holds another loader's pointers, which open contexts still call through.
type MixedContextsError struct {
	Users    int    // open contexts using the table
	Function string // the first function (by name) whose pointers differ
}

func (e *MixedContextsError) Error() string {
	return fmt.Sprintf("gpu: go-gl's one table of GL functions holds another kind of context's pointers, and %d open context(s) call through it: "+
		"this context's loader gives another address for %s; close the populations of the other kind first (a headless population and a window's can share the table only when their loaders agree, as libglvnd's do)",
		e.Users, e.Function)
}

// acquire makes the table right for a context whose loader is load (kind "EGL" for
// eglGetProcAddress, whose pointers do not depend on the context; "" for a caller's,
// which is always compared) and counts the context as a user until release. It runs on
// the context's thread, with the context current.
func (t *glTable) acquire(kind string, load procLoader) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.loaded != nil && kind != "" && kind == t.kind {
		t.users++
		return nil
	}
	if t.loaded != nil {
		if differs := t.differs(load); differs == "" {
			t.users++
			return nil
		} else if t.users > 0 {
			return &MixedContextsError{Users: t.users, Function: differs}
		}
	}
	got := map[string]unsafe.Pointer{}
	err := t.fill(func(name string) unsafe.Pointer {
		p := load(name)
		got[name] = p
		return p
	})
	if err != nil {
		// go-gl stops at the first missing function; the table is half filled.
		t.loaded, t.kind = nil, ""
		return fmt.Errorf("%w: loading OpenGL 4.3 functions: %s is missing", errNoGPU, err)
	}
	t.loaded, t.kind = got, kind
	t.users++
	return nil
}

// differs returns the first function, by name, whose pointer from load is not the
// table's, or "" when none is.
func (t *glTable) differs(load procLoader) string {
	names := make([]string, 0, len(t.loaded))
	for name := range t.loaded {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if load(name) != t.loaded[name] {
			return name
		}
	}
	return ""
}

// release ends a context's use of the table.
func (t *glTable) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.users <= 0 {
		panic("gpu: glTable.release without acquire")
	}
	t.users--
}
