//go:build glfw && egl && cgo && linux

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/lifgpu/lifgpu/internal/view"
)

// GLFW wants its calls on the main thread: the main goroutine stays on it from the
// start (the viewer's loop runs there; every other command is unaffected).
func init() { runtime.LockOSThread() }

// cmdView opens the viewer's window on a spec (the flags of run that choose and
// override one) and runs it on the GPU backend in the window's context.
func cmdView(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := flag.NewFlagSet("view", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addSpecFlags(fs, &f)
	fs.Lookup("device").Usage = "refused: the window's GL context is on the GPU that drives the display (-device is for headless runs)"
	fs.Lookup("steps").Usage = "number of steps (overrides the spec): the run pauses there (space goes on, r restarts)"
	fs.StringVar(&f.backend, "backend", "gpu", "gpu: the viewer draws the GPU backend's buffers (auto means gpu here)")
	perFrame := fs.Int("steps-per-frame", 10, "steps a frame (+ and - double and halve it)")
	frames := fs.Int("frames", 0, "quit after `N` frames (0: when the window closes)")
	shot := fs.String("screenshot", "", "write the last frame to `FILE` as PNG")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lifgpu view: unexpected argument %q (the spec goes after -config)\n", fs.Arg(0))
		return errUsage
	}
	switch {
	case f.backend != "gpu" && f.backend != "auto":
		return fmt.Errorf("view -backend %q: the viewer draws the GPU backend's buffers in its window's context; only gpu (or auto) runs there", f.backend)
	case *perFrame < 1 || *perFrame > view.MaxStepsPerFrame:
		return fmt.Errorf("view -steps-per-frame %d: must be in 1..%d", *perFrame, view.MaxStepsPerFrame)
	case *frames < 0:
		return fmt.Errorf("view -frames %d: must be 0 (until the window closes) or more", *frames)
	}
	deviceSet := false
	fs.Visit(func(fl *flag.Flag) { deviceSet = deviceSet || fl.Name == "device" })
	if deviceSet {
		return errors.New("view -device: the viewer runs in its window's GL context, on the GPU that drives the display; -device chooses among EGL devices for headless runs (run, check, bench)")
	}
	r, err := recipe(fs, &f, "default")
	if err != nil {
		return err
	}
	s, cfg, err := r.Spec()
	if err != nil {
		return err
	}
	if s.Device != nil {
		fmt.Fprintf(stderr, "lifgpu view: the spec's device = %d is for headless runs; the window's context is on the display's GPU\n", *s.Device)
	}
	err = view.Run(cfg, view.Options{StepsPerFrame: *perFrame, Frames: *frames, Screenshot: *shot, Pause: int64(s.Steps), Log: stdout})
	if err == nil && *shot != "" {
		fmt.Fprintf(stdout, "screenshot %s\n", *shot)
	}
	return err
}
