//go:build glfw && egl && cgo && linux

package view

import (
	"errors"
	"fmt"
	"image/png"
	"io"
	"path/filepath"
	"runtime"
	"time"

	"github.com/go-gl/glfw/v3.3/glfw"
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/atomicfile"
	"github.com/lifgpu/lifgpu/internal/model"
	"golang.org/x/sys/unix"
)

// MaxStepsPerFrame bounds what '+' may raise the steps a frame to.
const MaxStepsPerFrame = 1 << 20

// Options set up a viewer. The zero Options is a 1280 x 720 window, 10 steps a frame,
// until the window is closed.
type Options struct {
	StepsPerFrame int    // steps a frame; 0: 10
	Frames        int    // quit after this many frames; 0: when the window closes
	Screenshot    string // write the last frame here, as PNG
	ShotDir       string // where the s key writes its screenshots; "": the current folder
	Width, Height int    // the window's size; 0: 1280 x 720
	// Pause pauses the run when it reaches this step (the spec's steps): space goes on
	// past it. 0: never.
	Pause int64
	Log   io.Writer // where the s key's screenshots are announced; nil: nowhere
	// Hook, when set, is called at the start of every frame, after the window's
	// events: tests drive the viewer from it (keys, a resize).
	Hook func(v *Viewer, frame int)
}

// Viewer is a running window. Its methods are for Options.Hook, on the main thread.
type Viewer struct {
	win  *glfw.Window
	wctx *windowContext
	pop  *gpu.Population
	r    *renderer
	lay  Layout
	m    *model.Model
	opts Options

	st0    lifgpu.State // the population at step 0: what r restarts from
	lo, hi float32      // the colour map's range (colorRange)

	k                               int
	paused, stepOnce, restart, shot bool
	panels                          Panels // the last frame's

	// the title's figures, over the last half second
	since         time.Time
	frames, steps int
	runTime       time.Duration
	title         string
}

// Run opens a window in whose GL context a GPU population of cfg runs (gpu.NewInContext),
// and draws it from the population's buffers every frame, until the window closes, q
// or Esc, or Options.Frames. It must be called on the main thread (GLFW's rule): lock
// it with runtime.LockOSThread in an init of package main. Without a usable display
// the error wraps ErrNoDisplay.
func Run(cfg lifgpu.Config, opts Options) error {
	if unix.Gettid() != unix.Getpid() {
		return errors.New("view: Run must be called on the main thread (runtime.LockOSThread in an init of package main)")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m, err := model.ResolveNeurons(cfg)
	if err != nil {
		return err
	}
	v := &Viewer{m: m, opts: opts, k: opts.StepsPerFrame, lay: NewLayout(cfg.N, cfg.Groups)}
	if v.k <= 0 {
		v.k = 10
	}
	w, h := opts.Width, opts.Height
	if w <= 0 || h <= 0 {
		w, h = 1280, 720
	}
	if v.win, err = openWindow(w, h, "lifgpu view"); err != nil {
		return err
	}
	defer closeWindow(v.win)
	v.wctx = newWindowContext()
	cfg.Record = lifgpu.Record{Rate: true} // the rate panel's; nothing else is kept
	if v.pop, err = gpu.NewInContext(cfg, gpu.Options{}, v.wctx); err != nil {
		return err
	}
	defer v.pop.Close()
	if v.st0, err = v.pop.State(); err != nil {
		return err
	}
	v.lo, v.hi = colorRange(m)
	if v.r, err = newRenderer(&v.lay, v.lo, v.hi); err != nil {
		return err
	}
	defer v.r.release()
	if err := v.snapshot(false); err != nil {
		return err
	}
	v.win.SetCharCallback(func(_ *glfw.Window, c rune) { v.Char(c) })
	v.win.SetKeyCallback(func(_ *glfw.Window, k glfw.Key, _ int, a glfw.Action, _ glfw.ModifierKey) { v.Key(k, a) })
	v.since = time.Now()
	v.win.SetTitle(fmt.Sprintf("lifgpu view: %d neurons, step 0", cfg.N))
	for frame := 0; !v.win.ShouldClose() && (opts.Frames <= 0 || frame < opts.Frames); frame++ {
		if err := v.frame(frame); err != nil {
			return err
		}
	}
	return nil
}

// colorRange is the colour map's range: the lowest u_reset to the highest u_th.
func colorRange(m *model.Model) (lo, hi float32) {
	lo, hi = m.UReset.Scalar, m.UTh.Scalar
	if m.UReset.Values != nil {
		lo = m.UReset.Values[0]
		for _, v := range m.UReset.Values {
			lo = min(lo, v)
		}
	}
	if m.UTh.Values != nil {
		hi = m.UTh.Values[0]
		for _, v := range m.UTh.Values {
			hi = max(hi, v)
		}
	}
	return lo, hi
}

// frame runs one frame: the events, the steps, the snapshot, the drawing, a
// screenshot if one is due, the swap.
func (v *Viewer) frame(frame int) error {
	glfw.PollEvents()
	v.wctx.runQueued()
	if v.opts.Hook != nil {
		v.opts.Hook(v, frame)
	}
	if v.restart {
		v.restart = false
		if err := v.restartRun(); err != nil {
			return err
		}
	}
	if err := v.advance(); err != nil {
		return err
	}
	fw, fh := v.win.GetFramebufferSize()
	v.panels = v.lay.Panels(fw, fh)
	if err := v.r.draw(v.panels, v.texts()); err != nil {
		return err
	}
	lastFrame := v.win.ShouldClose() || v.opts.Frames > 0 && frame == v.opts.Frames-1
	if v.shot {
		v.shot = false
		path := filepath.Join(v.opts.ShotDir, fmt.Sprintf("lifgpu-view-%d.png", v.pop.StepCount()))
		if err := v.writeShot(path, fw, fh); err != nil {
			return err
		}
		if v.opts.Log != nil {
			fmt.Fprintf(v.opts.Log, "screenshot %s\n", path)
		}
	}
	if lastFrame && v.opts.Screenshot != "" {
		if err := v.writeShot(v.opts.Screenshot, fw, fh); err != nil {
			return err
		}
	}
	v.win.SwapBuffers()
	v.frames++
	v.updateTitle()
	return nil
}

// advance takes the frame's steps: steps-per-frame when running, one after the right
// arrow, none when paused; a run that reaches Options.Pause pauses there.
func (v *Viewer) advance() error {
	steps := 0
	switch {
	case !v.paused:
		steps = v.k
	case v.stepOnce:
		steps = 1
	}
	v.stepOnce = false
	if at := v.pop.StepCount(); v.opts.Pause > 0 && at < v.opts.Pause && at+int64(steps) >= v.opts.Pause {
		steps = int(v.opts.Pause - at)
		v.paused = true
	}
	if steps == 0 {
		return nil
	}
	t0 := time.Now()
	if err := v.pop.Run(steps); err != nil {
		return err
	}
	v.runTime += time.Since(t0)
	v.steps += steps
	rec, err := v.pop.Recording()
	if err != nil {
		return err
	}
	var spikes uint64
	for _, c := range rec.Rate {
		spikes += uint64(c)
	}
	if err := v.pop.ClearRecording(); err != nil {
		return err
	}
	v.r.pushRate(float64(spikes) / float64(v.m.N) / float64(steps) / v.m.Dt * 1000)
	return v.snapshot(true)
}

// snapshot turns the population's current state into what the panels show.
func (v *Viewer) snapshot(stepped bool) error {
	bufs, err := v.pop.StateBuffers()
	if err != nil {
		return err
	}
	return v.r.snapshot(bufs, stepped)
}

// restartRun puts the population back at step 0 (its initial state) and forgets the
// history.
func (v *Viewer) restartRun() error {
	if err := v.pop.Restore(v.st0); err != nil {
		return err
	}
	v.r.reset()
	return v.snapshot(false)
}

// texts are the frame's labels.
func (v *Viewer) texts() []text {
	p := v.panels
	var out []text
	add := func(s string, x, y int) { out = append(out, text{s, x, y}) }
	if !p.Image.Empty() {
		add(fmt.Sprintf("membrane potential of %d neurons%s; white: spiked in the frame", v.m.N, v.sampled()), Margin, p.Image.Y-TextH-4)
		left, right := fmt.Sprintf("%g mV (u_reset)", v.lo), fmt.Sprintf("(u_th) %g mV", v.hi)
		lw, rw := TextWidth(left), TextWidth(right)
		if lw+rw+8 <= p.Bar.W {
			add(left, p.Bar.X, p.Bar.Y+p.Bar.H+2)
			add(right, p.Bar.X+p.Bar.W-rw, p.Bar.Y+p.Bar.H+2)
		}
		if len(v.lay.Blocks) > 1 {
			for _, b := range v.lay.Blocks {
				r := v.lay.LabelRect(p.Image, b)
				add(b.Name, r.X, r.Y)
			}
		}
	}
	if !p.Raster.Empty() {
		add(fmt.Sprintf("spike raster: %d sampled neurons, the last %d frames", len(v.lay.Raster), RingCols), p.Raster.X, p.Raster.Y-TextH-4)
	}
	if !p.Rate.Empty() {
		now := float32(0)
		if n := len(v.r.rates); n > 0 {
			now = v.r.rates[n-1]
		}
		add(fmt.Sprintf("population rate: %.1f Hz, peak %.1f Hz", now, v.r.peakRate()), p.Rate.X, p.Rate.Y-TextH-4)
	}
	return out
}

// sampled says how the image samples the population, when it does.
func (v *Viewer) sampled() string {
	if v.lay.GW == v.lay.CW && v.lay.GH == v.lay.CH {
		return ""
	}
	return fmt.Sprintf(" (one shown in %d)", max(1, v.m.N/len(v.lay.Probes)))
}

// writeShot writes the frame just drawn (w x h) as a PNG file.
func (v *Viewer) writeShot(path string, w, h int) error {
	img, err := screenshot(w, h)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(f io.Writer) error { return png.Encode(f, img) })
}

// updateTitle sets the title about twice a second: step, model time, the
// simulation's neuron-updates/s (over the time spent stepping), frames/s.
func (v *Viewer) updateTitle() {
	el := time.Since(v.since)
	if el < 500*time.Millisecond {
		return
	}
	ups := 0.0
	if v.runTime > 0 {
		ups = float64(v.steps) * float64(v.m.N) / v.runTime.Seconds()
	}
	step := v.pop.StepCount()
	state := ""
	switch {
	case v.paused && v.opts.Pause > 0 && step == v.opts.Pause:
		state = " (paused at the spec's last step: space goes on, r restarts)"
	case v.paused:
		state = " (paused)"
	}
	v.title = fmt.Sprintf("lifgpu view: step %d, t = %.1f ms, %.3g neuron-updates/s, %.0f frames/s, %d steps/frame%s",
		step, float64(step)*v.m.Dt, ups, float64(v.frames)/el.Seconds(), v.k, state)
	v.win.SetTitle(v.title)
	v.since, v.frames, v.steps, v.runTime = time.Now(), 0, 0, 0
}

// Char handles a typed character: space pauses or goes on, + and - double or halve
// the steps a frame, r restarts, s takes a screenshot, q quits.
func (v *Viewer) Char(c rune) {
	switch c {
	case ' ':
		v.paused = !v.paused
	case '+', '=':
		v.k = min(2*v.k, MaxStepsPerFrame)
	case '-', '_':
		v.k = max(1, v.k/2)
	case 'r', 'R':
		v.restart = true
	case 's', 'S':
		v.shot = true
	case 'q', 'Q':
		v.win.SetShouldClose(true)
	}
}

// Key handles the keys that type nothing: the right arrow pauses and takes one step,
// Esc quits.
func (v *Viewer) Key(k glfw.Key, a glfw.Action) {
	if a == glfw.Release {
		return
	}
	switch k {
	case glfw.KeyRight:
		v.paused, v.stepOnce = true, true
	case glfw.KeyEscape:
		v.win.SetShouldClose(true)
	}
}

// Window is the viewer's window.
func (v *Viewer) Window() *glfw.Window { return v.win }

// Population is the population the viewer runs.
func (v *Viewer) Population() *gpu.Population { return v.pop }

// StepsPerFrame is the steps a frame now.
func (v *Viewer) StepsPerFrame() int { return v.k }

// Paused reports whether the run is paused.
func (v *Viewer) Paused() bool { return v.paused }

// Layout is where the viewer puts the neurons.
func (v *Viewer) Layout() *Layout { return &v.lay }

// Title is the window's title now.
func (v *Viewer) Title() string { return v.title }
