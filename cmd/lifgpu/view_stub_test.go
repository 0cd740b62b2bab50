//go:build !(glfw && egl && cgo && linux)

package main

import (
	"debug/elf"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestViewStub: a build without the viewer says how to get one.
func TestViewStub(t *testing.T) {
	code, _, errs := run(t, "view", "-frames", "1")
	if code != 1 || !strings.Contains(errs, "make view") || !strings.Contains(errs, "-tags 'egl glfw'") {
		t.Errorf("view in a build without it: exit %d, %q", code, errs)
	}
}

// TestHeadlessLinksNoX11: a build without the viewer (this test binary is one) links
// no X11 and no GLX: only libEGL, where the GPU backend is built in.
func TestHeadlessLinksNoX11(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads an ELF binary")
	}
	f, err := elf.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range libs {
		for _, bad := range []string{"libX11", "libxcb", "libGL.so", "libGLX", "libglfw"} {
			if strings.HasPrefix(l, bad) {
				t.Errorf("the headless binary links %s (%v)", l, libs)
			}
		}
	}
	t.Logf("linked: %v", libs)
}
