//go:build glfw && egl && cgo && linux

package view

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
	"time"

	"github.com/go-gl/glfw/v3.3/glfw"
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/xvfb"
)

// GLFW wants its calls on the main thread: TestMain keeps it, and runs there what the
// tests (on other goroutines) post to mainCalls.
func init() { runtime.LockOSThread() }

var (
	mainCalls = make(chan func())
	// noDisplay says why the tests have no X display (nil when they have one).
	noDisplay error
	// requireGPU: CI sets LIFGPU_REQUIRE_GPU=1, and a missing display (or Xvfb) then
	// fails the tests instead of skipping them.
	requireGPU = os.Getenv("LIFGPU_REQUIRE_GPU") == "1"
)

// TestMain starts a virtual X server (Xvfb) for the tests' windows; without Xvfb it
// uses $DISPLAY, if any.
func TestMain(m *testing.M) {
	srv, err := xvfb.Start(1280, 1024)
	switch {
	case err == nil:
		os.Setenv("DISPLAY", srv.Display)
	case os.Getenv("DISPLAY") != "":
	default:
		noDisplay = err
	}
	code := make(chan int)
	go func() { code <- m.Run() }()
	for {
		select {
		case f := <-mainCalls:
			f()
		case c := <-code:
			if srv != nil {
				srv.Stop()
			}
			os.Exit(c)
		}
	}
}

// onMain runs f on the main thread.
func onMain(f func()) {
	done := make(chan struct{})
	mainCalls <- func() {
		defer close(done)
		f()
	}
	<-done
}

// view runs a viewer on the main thread, or skips the test without a display.
func view(t *testing.T, cfg lifgpu.Config, opts Options) {
	t.Helper()
	if noDisplay != nil {
		if requireGPU {
			t.Fatalf("LIFGPU_REQUIRE_GPU=1 and no X display: %v", noDisplay)
		}
		t.Skip(noDisplay)
	}
	var err error
	onMain(func() { err = Run(cfg, opts) })
	if err != nil {
		t.Fatal(err)
	}
}

// rampConfig is n neurons whose bias rises from 0.3 to 4 nA (silent to fast), so
// that the image holds many colours and spikes.
func rampConfig(n int) lifgpu.Config {
	bias := make([]float32, n)
	for i := range bias {
		bias[i] = 0.3 + 3.7*float32(i)/float32(n)
	}
	cfg := lifgpu.Config{N: n}
	cfg.Input.Bias = lifgpu.Float32s(bias)
	return cfg
}

// cpuStates runs cfg on the CPU backend and returns its potentials and counts after
// each of the given steps (ascending).
func cpuStates(t *testing.T, cfg lifgpu.Config, steps ...int) (u [][]float32, counts [][]uint32) {
	t.Helper()
	p, err := cpu.New(cfg, cpu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	at := 0
	for _, s := range steps {
		if err := p.Run(s - at); err != nil {
			t.Fatal(err)
		}
		at = s
		st, err := p.State()
		if err != nil {
			t.Fatal(err)
		}
		u, counts = append(u, st.U), append(counts, st.Counts)
	}
	return u, counts
}

// readPNG reads a screenshot.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// checkImage compares every pixel of the image panel of shot (a framebuffer of the
// screenshot's size) with the colour the CPU's state gives it: white where the neuron
// spiked since the snapshot before (its count changed from before), else the colour
// map at u. Pixels in skip are not compared. It returns how many pixels were white.
func checkImage(t *testing.T, shot image.Image, cfg lifgpu.Config, u []float32, now, before []uint32, skip ...Rect) int {
	t.Helper()
	lay := NewLayout(cfg.N, cfg.Groups)
	b := shot.Bounds()
	img := lay.Panels(b.Dx(), b.Dy()).Image
	if img.W < lay.GW || img.H < lay.GH {
		t.Fatalf("image panel %+v smaller than the probe grid %dx%d", img, lay.GW, lay.GH)
	}
	m, err := model.ResolveNeurons(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := colorRange(m)
	scale, pal := ColorScale(lo, hi), Palette()
	white, bad := 0, 0
	for py := img.Y; py < img.Y+img.H; py++ {
	pixels:
		for px := img.X; px < img.X+img.W; px++ {
			for _, r := range skip {
				if px >= r.X && px < r.X+r.W && py >= r.Y && py < r.Y+r.H {
					continue pixels
				}
			}
			want := pal[Empty]
			if id := lay.Probes[lay.ProbeAt(img, px, py)]; id >= 0 {
				want = pal[ColorIndex(u[id], lo, scale)]
				if now[id] != before[id] {
					want = pal[Spiked]
				}
			}
			if want == pal[Spiked] {
				white++
			}
			if got := color.RGBAModel.Convert(shot.At(px, py)).(color.RGBA); got != want {
				if bad++; bad <= 5 {
					t.Errorf("pixel (%d, %d), probe %d: %v, want %v", px, py, lay.ProbeAt(img, px, py), got, want)
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d pixels of the image differ", bad)
	}
	return white
}

// TestScreenshotMatchesCPU: after 6 frames of 7 steps, the screenshot's image is the
// colour map of the CPU backend's u at step 42, white where a neuron spiked in the last
// frame's steps, pixel for pixel; given neurons' pixels, checked by hand, too.
func TestScreenshotMatchesCPU(t *testing.T) {
	cfg := rampConfig(64 * 64)
	shot := filepath.Join(t.TempDir(), "shot.png")
	view(t, cfg, Options{StepsPerFrame: 7, Frames: 6, Screenshot: shot, Width: 800, Height: 500})
	u, counts := cpuStates(t, cfg, 35, 42)
	img := readPNG(t, shot)
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 500 {
		t.Fatalf("screenshot %v, want 800x500", b)
	}
	white := checkImage(t, img, cfg, u[1], counts[1], counts[0])
	if white == 0 {
		t.Error("no neuron spiked in the last frame: the test shows nothing of the spikes")
	}
	// Given neurons, at the middle of their cells: the first, the end of the first row,
	// one inside, the last.
	lay := NewLayout(cfg.N, nil)
	p := lay.Panels(800, 500).Image
	scale := ColorScale(-62, -52)
	for _, id := range []int{0, 63, 32*64 + 17, 4095} {
		cx, cy := id%64, id/64
		px, py := p.X+(2*cx+1)*p.W/(2*64), p.Y+(2*cy+1)*p.H/(2*64)
		want := Palette()[ColorIndex(u[1][id], -62, scale)]
		if counts[1][id] != counts[0][id] {
			want = color.RGBA{255, 255, 255, 255}
		}
		if got := color.RGBAModel.Convert(img.At(px, py)); got != want {
			t.Errorf("neuron %d at (%d, %d): %v, want %v (u = %g)", id, px, py, got, want, u[1][id])
		}
	}
}

// keyScript drives a viewer through its keys, frame by frame, checking the step each
// frame starts at.
type keyScript struct {
	t     *testing.T
	frame int
	want  []int64 // the step each frame starts at
	act   map[int]func(v *Viewer)
}

func (s *keyScript) hook(v *Viewer, frame int) {
	if frame < len(s.want) && v.Population().StepCount() != s.want[frame] {
		s.t.Errorf("frame %d starts at step %d, want %d", frame, v.Population().StepCount(), s.want[frame])
	}
	if f := s.act[frame]; f != nil {
		f(v)
	}
	s.frame = frame
}

// TestKeysAndResize: pause, one step, + and -, restart, a screenshot key and a resize,
// injected through the viewer's key handlers (the GLFW callbacks call them); the
// screenshots after the resize match the CPU's state at their steps in the new layout.
func TestKeysAndResize(t *testing.T) {
	cfg := rampConfig(40 * 40)
	dir := t.TempDir()
	shot := filepath.Join(dir, "last.png")
	s := &keyScript{t: t,
		want: []int64{0, 4, 4, 5, 6, 14, 16, 2, 4, 6},
		act: map[int]func(v *Viewer){
			1: func(v *Viewer) { v.Char(' ') },
			2: func(v *Viewer) { v.Key(glfw.KeyRight, glfw.Press) },
			3: func(v *Viewer) { v.Key(glfw.KeyRight, glfw.Repeat) },
			4: func(v *Viewer) { v.Char('+'); v.Char(' ') },
			5: func(v *Viewer) { v.Char('-'); v.Char('-') },
			6: func(v *Viewer) { v.Char('r') },
			7: func(v *Viewer) { v.Window().SetSize(640, 400) },
			8: func(v *Viewer) { v.Char('s') },
		}}
	var paused []bool
	view(t, cfg, Options{StepsPerFrame: 4, Frames: 10, Screenshot: shot, ShotDir: dir, Width: 900, Height: 600,
		Hook: func(v *Viewer, frame int) {
			s.hook(v, frame)
			paused = append(paused, v.Paused())
			if frame == 5 && v.StepsPerFrame() != 2 {
				t.Errorf("steps a frame after +, -, -: %d, want 2", v.StepsPerFrame())
			}
		}})
	if s.frame != 9 {
		t.Fatalf("the viewer ran %d frames, want 10", s.frame+1)
	}
	if want := []bool{false, true, true, true, false}; fmt.Sprint(paused[:5]) != fmt.Sprint(want) {
		t.Errorf("paused at frames 0..4: %v, want %v", paused[:5], want)
	}
	u, counts := cpuStates(t, cfg, 4, 6, 8)
	key := readPNG(t, filepath.Join(dir, "lifgpu-view-6.png"))
	last := readPNG(t, shot)
	for _, img := range []image.Image{key, last} {
		if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 400 {
			t.Fatalf("screenshot %v after the resize, want 640x400", b)
		}
	}
	checkImage(t, key, cfg, u[1], counts[1], counts[0])
	checkImage(t, last, cfg, u[2], counts[2], counts[1])
}

// TestQuitKeys: q and Esc end the run at the frame they come in, and -screenshot
// writes that frame.
func TestQuitKeys(t *testing.T) {
	for _, quit := range []func(v *Viewer){
		func(v *Viewer) { v.Char('q') },
		func(v *Viewer) { v.Key(glfw.KeyEscape, glfw.Press) },
	} {
		shot := filepath.Join(t.TempDir(), "q.png")
		frames := 0
		view(t, rampConfig(500), Options{StepsPerFrame: 3, Frames: 100, Screenshot: shot, Width: 400, Height: 300,
			Hook: func(v *Viewer, frame int) {
				frames++
				if frame == 2 {
					quit(v)
				}
			}})
		if frames != 3 {
			t.Errorf("%d frames after a quit key at frame 2, want 3", frames)
		}
		if _, err := os.Stat(shot); err != nil {
			t.Errorf("no screenshot of the last frame: %v", err)
		}
	}
}

// TestDoFromAnotherGoroutine: a population call from another goroutine waits for the
// main loop, which runs it between frames.
func TestDoFromAnotherGoroutine(t *testing.T) {
	cfg := rampConfig(900)
	got := make(chan []uint32, 1)
	var step int64
	view(t, cfg, Options{StepsPerFrame: 5, Frames: 6, Width: 400, Height: 300, Hook: func(v *Viewer, frame int) {
		if frame == 2 {
			v.Char(' ') // paused: the loop makes no call of its own
			step = v.Population().StepCount()
			go func() {
				c := make([]uint32, cfg.N)
				if err := v.Population().Counts(c); err != nil {
					t.Error(err)
				}
				got <- c
			}()
		}
	}})
	_, counts := cpuStates(t, cfg, int(step))
	select {
	case c := <-got:
		if fmt.Sprint(c) != fmt.Sprint(counts[0]) {
			t.Error("the counts read from another goroutine are not the CPU's")
		}
	default:
		t.Fatal("the call from another goroutine never ran")
	}
}

// TestNetworkGroups: a network's groups are blocks, outlined and labelled; the rest
// of the image is the CPU's state.
func TestNetworkGroups(t *testing.T) {
	cfg := rampConfig(400)
	cfg.Groups = []lifgpu.Group{{Name: "E", N: 300}, {Name: "I", N: 100}}
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Scalar(2), TauSynIn: lifgpu.Scalar(4)}
	cfg.Projections = []lifgpu.Projection{
		{PreRange: lifgpu.Range{Lo: 0, Hi: 300}, PostRange: lifgpu.Range{Lo: 0, Hi: 400}, P: 0.1,
			WeightDist: lifgpu.Dist{Mean: 0.2}, DelayDist: lifgpu.Dist{Mean: 1.5}},
		{PreRange: lifgpu.Range{Lo: 300, Hi: 400}, PostRange: lifgpu.Range{Lo: 0, Hi: 400}, P: 0.2,
			WeightDist: lifgpu.Dist{Mean: -0.5}, DelayDist: lifgpu.Dist{Mean: 1}}}
	shot := filepath.Join(t.TempDir(), "net.png")
	view(t, cfg, Options{StepsPerFrame: 20, Frames: 5, Screenshot: shot, Width: 800, Height: 500})
	img := readPNG(t, shot)
	lay := NewLayout(cfg.N, cfg.Groups)
	p := lay.Panels(800, 500).Image
	outlineRGBA := color.RGBA{255, 153, 51, 255}
	var skip []Rect
	for _, b := range lay.Blocks {
		r := lay.BlockRect(p, b)
		for _, at := range [][2]int{{r.X + r.W/2, r.Y - 1}, {r.X + r.W/2, r.Y + r.H}, {r.X - 1, r.Y + r.H/2}, {r.X + r.W, r.Y + r.H/2}} {
			if got := color.RGBAModel.Convert(img.At(at[0], at[1])); got != outlineRGBA {
				t.Errorf("group %s: outline pixel (%d, %d) is %v", b.Name, at[0], at[1], got)
			}
		}
		lr := lay.LabelRect(p, b)
		inked := 0
		for y := lr.Y; y < lr.Y+lr.H; y++ {
			for x := lr.X; x < lr.X+lr.W; x++ {
				if color.RGBAModel.Convert(img.At(x, y)) == (color.RGBA{217, 217, 217, 255}) {
					inked++
				}
			}
		}
		if inked == 0 {
			t.Errorf("group %s: no ink in its label's rectangle %+v", b.Name, lr)
		}
		skip = append(skip, lr, Rect{r.X - 1, r.Y - 1, r.W + 2, 1}, Rect{r.X - 1, r.Y + r.H, r.W + 2, 1},
			Rect{r.X - 1, r.Y - 1, 1, r.H + 2}, Rect{r.X + r.W, r.Y - 1, 1, r.H + 2})
	}
	u, counts := cpuStates(t, cfg, 80, 100)
	checkImage(t, img, cfg, u[1], counts[1], counts[0], skip...)
}

// TestNoDisplay: without a display, Run fails with ErrNoDisplay (and says why).
func TestNoDisplay(t *testing.T) {
	for _, d := range []string{"", ":31999"} {
		t.Setenv("DISPLAY", d)
		var err error
		onMain(func() { err = Run(lifgpu.Config{N: 10}, Options{Frames: 1}) })
		if !errors.Is(err, ErrNoDisplay) {
			t.Errorf("DISPLAY=%q: %v, want ErrNoDisplay", d, err)
		}
		t.Logf("DISPLAY=%q: %v", d, err)
	}
}

// TestTitle: the title says the step, the model time, the neuron-updates/s and the
// frames/s (it changes every half second).
func TestTitle(t *testing.T) {
	var title string
	view(t, rampConfig(1000), Options{StepsPerFrame: 5, Frames: 4, Width: 400, Height: 300, Hook: func(v *Viewer, frame int) {
		switch frame {
		case 1:
			time.Sleep(600 * time.Millisecond)
		case 3:
			title = v.Title()
		}
	}})
	re := regexp.MustCompile(`^lifgpu view: step 10, t = 1\.0 ms, [0-9.e+]+ neuron-updates/s, [0-9]+ frames/s, 5 steps/frame$`)
	if !re.MatchString(title) {
		t.Errorf("title %q, want one like %s", title, re)
	}
}
