package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"github.com/lifgpu/lifgpu/internal/atomicfile"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Run is the record of a simulation run that the figures draw from.
type Run struct {
	Dt         float64   // ms per step
	Steps      int64     // steps simulated (time axis 0..Steps*Dt ms)
	N          int       // neurons
	SpikeSteps []int32   // spike list sorted by step, then neuron
	SpikeIDs   []int32   // neuron of each spike
	Rate       []uint32  // spikes per step, len Steps (may be nil)
	TraceIDs   []int32   // traced neurons
	TraceSteps []int32   // step of each trace row
	Traces     []float32 // rows of len(TraceIDs), u in mV
}

// Figure size and resolution: 960 x 576 pixels for every figure.
const (
	dpi    = 96
	width  = 10 * vg.Inch
	height = 6 * vg.Inch
)

// Size returns the size in pixels of the PNG files written by this package.
func Size() (w, h int) {
	return int(width.Dots(dpi) + 0.5), int(height.Dots(dpi) + 0.5)
}

// checkTime validates the time axis of r.
func (r Run) checkTime(path string) error {
	if !(r.Dt > 0) || r.Dt > 1e9 {
		return fmt.Errorf("plot: %s: time step Dt is %v ms, expected a positive number of ms", path, r.Dt)
	}
	if r.Steps <= 0 {
		return fmt.Errorf("plot: %s: Steps is %d, nothing was simulated to plot", path, r.Steps)
	}
	return nil
}

// newPlot returns a plot with the common style.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 13
	p.Title.Padding = 6
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = 12
		a.Tick.Label.Font.Size = 10
		a.Tick.Marker = ticks{}
	}
	return p
}

// render draws onto a new white canvas of the figure size and writes it as
// PNG to path, atomically.
func render(path string, drawFn func(c draw.Canvas)) error {
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	drawFn(draw.Crop(dc, 0, 0, 0, -0.08*vg.Inch)) // a margin above the title

	return atomicWrite(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
}

// atomicWrite writes path through atomicfile.Write, with this package's error prefix.
func atomicWrite(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("plot: %s: %w", path, err)
	}
	return nil
}

// count formats n briefly: 950, 12.3k, 6.7M.
func count(n int) string {
	switch {
	case n < 10_000:
		return fmt.Sprint(n)
	case n < 1_000_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	case n < 1_000_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1fG", float64(n)/1e9)
}

// plural returns "1 spike", "2 spikes".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return count(n) + " " + what + "s"
}

// ms formats a duration in ms without needless digits: 0.625 ms, 2.5 ms,
// 12000 ms.
func ms(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f ms", v)
	}
	return fmt.Sprintf("%.3g ms", v)
}

// padY sets the y range of p to [lo, hi] with 4% of margin either side.
func padY(p *plot.Plot, lo, hi float64) {
	d := hi - lo
	if d == 0 {
		d = math.Max(math.Abs(hi), 1)
	}
	p.Y.Min, p.Y.Max = lo-0.04*d, hi+0.04*d
}
