//go:build glfw && egl && cgo && linux

package view

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"unsafe"

	"github.com/go-gl/glfw/v3.3/glfw"
	"golang.org/x/sys/unix"
)

// ErrNoDisplay is the error of a viewer that cannot open its window: no X display, or
// one that GLFW cannot use.
var ErrNoDisplay = errors.New("no display for the viewer's window")

// windowContext is the window's GL context as a gpu.Context: current on the main
// thread, where the viewer's loop runs. The population's work, posted from that thread
// (the loop steps it between frames), runs at once; posted from another goroutine, it
// waits for the loop's next turn.
type windowContext struct {
	tid   int // the main thread's id
	queue chan func()
}

func newWindowContext() *windowContext {
	return &windowContext{tid: unix.Gettid(), queue: make(chan func())}
}

// Do runs f on the main thread.
func (c *windowContext) Do(f func()) {
	if unix.Gettid() == c.tid {
		f()
		return
	}
	done := make(chan struct{})
	c.queue <- func() {
		defer close(done)
		f()
	}
	<-done
}

// ProcAddress loads GL functions through GLFW (glXGetProcAddress on X11). It is called
// on the main thread, where the context is current, as GLFW requires.
func (c *windowContext) ProcAddress(name string) unsafe.Pointer { return glfw.GetProcAddress(name) }

// runQueued runs the work other goroutines posted, on the main thread.
func (c *windowContext) runQueued() {
	for {
		select {
		case f := <-c.queue:
			f()
		default:
			return
		}
	}
}

// glfwCall runs f, turning what go-gl/glfw does with GLFW's errors into an error: it
// logs a platform error (and then returns no error: glfwInit without a display
// "succeeds" so) and panics on others.
func glfwCall(f func() error) (err error) {
	var logged bytes.Buffer
	out, flags, prefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetOutput(&logged)
	log.SetFlags(0)
	log.SetPrefix("")
	defer func() {
		log.SetOutput(out)
		log.SetFlags(flags)
		log.SetPrefix(prefix)
		if r := recover(); r != nil {
			gerr, ok := r.(*glfw.Error)
			if !ok {
				panic(r)
			}
			err = gerr
		}
		if err == nil && logged.Len() > 0 {
			err = errors.New(strings.TrimSpace(logged.String()))
		}
	}()
	return f()
}

// openWindow starts GLFW and opens a window of w x h pixels with an OpenGL 4.3 core
// context current on the calling thread (the main thread), vsync on.
func openWindow(w, h int, title string) (*glfw.Window, error) {
	if os.Getenv("DISPLAY") == "" {
		return nil, fmt.Errorf("%w: DISPLAY is not set (run it in a desktop session, over ssh -X, or under xvfb-run)", ErrNoDisplay)
	}
	if err := glfwCall(glfw.Init); err != nil {
		return nil, fmt.Errorf("%w: GLFW could not start on DISPLAY=%s: %v", ErrNoDisplay, os.Getenv("DISPLAY"), err)
	}
	var win *glfw.Window
	err := glfwCall(func() error {
		glfw.WindowHint(glfw.ContextVersionMajor, 4)
		glfw.WindowHint(glfw.ContextVersionMinor, 3)
		glfw.WindowHint(glfw.OpenGLProfile, glfw.OpenGLCoreProfile)
		glfw.WindowHint(glfw.OpenGLForwardCompatible, glfw.True)
		glfw.WindowHint(glfw.Resizable, glfw.True)
		var err error
		win, err = glfw.CreateWindow(w, h, title, nil, nil)
		if err == nil && win == nil {
			err = errors.New("glfwCreateWindow failed")
		}
		if err != nil {
			return err
		}
		win.MakeContextCurrent()
		glfw.SwapInterval(1)
		return nil
	})
	if err != nil {
		glfw.Terminate()
		return nil, fmt.Errorf("%w: no window with an OpenGL 4.3 core context on DISPLAY=%s: %v", ErrNoDisplay, os.Getenv("DISPLAY"), err)
	}
	return win, nil
}

// closeWindow destroys the window and ends GLFW.
func closeWindow(win *glfw.Window) {
	glfw.DetachCurrentContext()
	win.Destroy()
	glfw.Terminate()
}
