package plot_test

import (
	"bytes"
	"image"
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu/internal/plot"
)

// synthetic returns a run of n LIF-like neurons: each fires regularly with
// its own period plus jitter, with a burst of extra activity in the middle
// third, and traces of the first traced neurons.
func synthetic(n int, steps int64, traced int) plot.Run {
	rng := rand.New(rand.NewPCG(1, 2))
	r := plot.Run{Dt: 0.1, Steps: steps, N: n, Rate: make([]uint32, steps)}
	period := make([]float64, n)
	next := make([]float64, n)
	for i := range n {
		period[i] = 80 + 120*float64(i)/float64(n) // steps
		next[i] = rng.Float64() * period[i]
	}
	for s := range steps {
		burst := s > steps/3 && s < steps/2
		for i := range n {
			fire := float64(s) >= next[i]
			if burst && rng.Float64() < 0.01 {
				fire = true
			}
			if fire {
				r.SpikeSteps = append(r.SpikeSteps, int32(s))
				r.SpikeIDs = append(r.SpikeIDs, int32(i))
				r.Rate[s]++
				next[i] = float64(s) + period[i]*(0.9+0.2*rng.Float64())
			}
		}
	}
	// Traces: u rises from -65 towards -50 and resets, for the first neurons.
	for i := range traced {
		r.TraceIDs = append(r.TraceIDs, int32(i*n/max(traced, 1)))
	}
	u := make([]float64, traced)
	for k := range u {
		u[k] = -65 + 10*rng.Float64()
	}
	for s := int64(0); s < steps; s += 2 {
		r.TraceSteps = append(r.TraceSteps, int32(s))
		for k := range u {
			u[k] += (-45-u[k])*0.002*float64(k+1) + rng.NormFloat64()*0.2
			if u[k] > -50 {
				u[k] = -65
			}
			r.Traces = append(r.Traces, float32(u[k]))
		}
	}
	return r
}

// checkPNG checks that path is a PNG of the package's size and that the
// folder holds nothing else.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not an image: %v", path, err)
	}
	w, h := plot.Size()
	if format != "png" || cfg.Width != w || cfg.Height != h {
		t.Errorf("%s: %s of %dx%d, want png of %dx%d", path, format, cfg.Width, cfg.Height, w, h)
	}
	names := listDir(t, filepath.Dir(path))
	if len(names) != 1 || names[0] != filepath.Base(path) {
		t.Errorf("folder holds %v, want only %s", names, filepath.Base(path))
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

var figures = map[string]func(string, plot.Run) error{
	"raster": plot.Raster,
	"traces": plot.Traces,
	"rate":   plot.Rate,
}

func TestFigures(t *testing.T) {
	t.Parallel()
	small := synthetic(100, 5000, 8)
	many := synthetic(3000, 20000, 30) // > 200k spikes: density raster; capped traces
	noRate := small
	noRate.Rate = nil
	for _, tt := range []struct {
		name string
		run  plot.Run
	}{{"small", small}, {"many", many}, {"norate", noRate}} {
		for fig, draw := range figures {
			t.Run(tt.name+"/"+fig, func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), fig+".png")
				if err := draw(path, tt.run); err != nil {
					t.Fatal(err)
				}
				checkPNG(t, path)
			})
		}
	}
}

func TestReplacesExisting(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rate.png")
	os.WriteFile(path, []byte("old"), 0o644)
	if err := plot.Rate(path, synthetic(10, 100, 1)); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path)
}

func TestErrors(t *testing.T) {
	t.Parallel()
	good := synthetic(20, 500, 3)
	mod := func(f func(r *plot.Run)) plot.Run {
		r := good
		f(&r)
		return r
	}
	tests := []struct {
		name string
		fig  string
		run  plot.Run
		want string
	}{
		{"no traces", "traces", mod(func(r *plot.Run) { r.TraceIDs, r.TraceSteps, r.Traces = nil, nil, nil }), "no traces"},
		{"no rate", "rate", mod(func(r *plot.Run) { r.Rate, r.SpikeSteps, r.SpikeIDs = nil, nil, nil }), "no rate"},
		{"zero dt", "rate", mod(func(r *plot.Run) { r.Dt = 0 }), "Dt"},
		{"nan dt", "raster", mod(func(r *plot.Run) { r.Dt = math.NaN() }), "Dt"},
		{"no steps", "traces", mod(func(r *plot.Run) { r.Steps = 0 }), "Steps"},
		{"no neurons", "raster", mod(func(r *plot.Run) { r.N = 0 }), "N is 0"},
		{"spike lists differ", "raster", mod(func(r *plot.Run) { r.SpikeIDs = r.SpikeIDs[1:] }), "spike neuron ids"},
		{"spike outside", "raster", mod(func(r *plot.Run) { r.N = 5 }), "outside"},
		{"rate length", "rate", mod(func(r *plot.Run) { r.Rate = r.Rate[1:] }), "one per step"},
		{"trace length", "traces", mod(func(r *plot.Run) { r.Traces = r.Traces[1:] }), "rows"},
		{"trace order", "traces", mod(func(r *plot.Run) {
			r.TraceSteps = append([]int32(nil), r.TraceSteps...)
			r.TraceSteps[0] = 1000
		}), "time order"},
		{"all nan", "traces", mod(func(r *plot.Run) {
			r.Traces = make([]float32, len(r.Traces))
			for i := range r.Traces {
				r.Traces[i] = float32(math.NaN())
			}
		}), "NaN"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		path := filepath.Join(dir, tt.fig+".png")
		err := figures[tt.fig](path, tt.run)
		if err == nil || !strings.HasPrefix(err.Error(), "plot: "+path+": ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one starting with plot: %s: and containing %q", tt.name, err, path, tt.want)
		}
		if names := listDir(t, dir); len(names) != 0 {
			t.Errorf("%s: left %v", tt.name, names)
		}
	}
}

func TestMissingFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	run := synthetic(20, 500, 3)
	for fig, draw := range figures {
		path := filepath.Join(dir, "missing", fig+".png")
		if err := draw(path, run); err == nil || !strings.Contains(err.Error(), "missing") {
			t.Errorf("%s: error %v, want one naming the missing folder", fig, err)
		}
	}
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("left %v", names)
	}
}

// TestRasterMillions draws 5 million spikes; it logs the time taken.
func TestRasterMillions(t *testing.T) {
	if testing.Short() {
		t.Skip("5M spikes")
	}
	t.Parallel()
	const n, steps, spikes = 100_000, 100_000, 5_000_000
	rng := rand.New(rand.NewPCG(3, 4))
	r := plot.Run{Dt: 0.1, Steps: steps, N: n,
		SpikeSteps: make([]int32, spikes), SpikeIDs: make([]int32, spikes)}
	for i := range spikes {
		r.SpikeSteps[i] = int32(int64(i) * steps / spikes)
		r.SpikeIDs[i] = int32(rng.IntN(n))
	}
	path := filepath.Join(t.TempDir(), "raster.png")
	start := time.Now()
	if err := plot.Raster(path, r); err != nil {
		t.Fatal(err)
	}
	t.Logf("raster of %d spikes, N = %d: %v", spikes, n, time.Since(start))
	checkPNG(t, path)
}

// TestRenderForReview writes one figure of each kind to $PLOTCHECK (e.g.
// /tmp/plotcheck) for a person to look at; it is skipped otherwise.
func TestRenderForReview(t *testing.T) {
	dir := os.Getenv("PLOTCHECK")
	if dir == "" {
		t.Skip("set PLOTCHECK=/some/folder to write figures for review")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	small := synthetic(100, 5000, 8)
	many := synthetic(3000, 20000, 30)
	for name, f := range map[string]func() error{
		"raster_points":  func() error { return plot.Raster(filepath.Join(dir, "raster_points.png"), small) },
		"raster_density": func() error { return plot.Raster(filepath.Join(dir, "raster_density.png"), many) },
		"traces":         func() error { return plot.Traces(filepath.Join(dir, "traces.png"), small) },
		"traces_capped":  func() error { return plot.Traces(filepath.Join(dir, "traces_capped.png"), many) },
		"rate":           func() error { return plot.Rate(filepath.Join(dir, "rate.png"), small) },
		"rate_binned":    func() error { return plot.Rate(filepath.Join(dir, "rate_binned.png"), many) },
	} {
		if err := f(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestSilentRaster: a population that never spiked still gets its (empty) raster.
func TestSilentRaster(t *testing.T) {
	t.Parallel()
	r := synthetic(20, 500, 3)
	r.SpikeSteps, r.SpikeIDs = nil, nil
	path := filepath.Join(t.TempDir(), "raster.png")
	if err := plot.Raster(path, r); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("empty raster: %v", err)
	}
}
