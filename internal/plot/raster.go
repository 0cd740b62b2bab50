package plot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Raster limits: above maxPoints spikes the raster becomes a density over
// at most timeBins x neuronBins bins.
const (
	maxPoints  = 200_000
	timeBins   = 1000
	neuronBins = 500
)

// Raster writes a spike raster of r to the PNG file at path: spike time in
// ms against neuron index. With more than 200,000 spikes it draws the
// number of spikes per bin over a grid of time bins by neuron bins instead
// of points, and says so in the title.
func Raster(path string, r Run) error {
	if err := r.checkTime(path); err != nil {
		return err
	}
	if r.N <= 0 {
		return fmt.Errorf("plot: %s: N is %d, expected at least one neuron", path, r.N)
	}
	if len(r.SpikeSteps) != len(r.SpikeIDs) {
		return fmt.Errorf("plot: %s: %d spike steps but %d spike neuron ids; the spike list must have one of each per spike", path, len(r.SpikeSteps), len(r.SpikeIDs))
	}
	for i, s := range r.SpikeSteps {
		if id := r.SpikeIDs[i]; s < 0 || int64(s) >= r.Steps || id < 0 || int(id) >= r.N {
			return fmt.Errorf("plot: %s: spike %d is at step %d, neuron %d, outside steps 0..%d and neurons 0..%d; check Steps and N", path, i, s, id, r.Steps-1, r.N-1)
		}
	}
	tmax := float64(r.Steps) * r.Dt
	head := fmt.Sprintf("N = %s neurons, %s in %s", count(r.N), plural(len(r.SpikeSteps), "spike"), ms(tmax))

	if len(r.SpikeSteps) <= maxPoints {
		p := newPlot("Spike raster: "+head, "time (ms)", "neuron")
		xys := make(plotter.XYs, len(r.SpikeSteps))
		for i, s := range r.SpikeSteps {
			xys[i] = plotter.XY{X: float64(s) * r.Dt, Y: float64(r.SpikeIDs[i])}
		}
		if len(xys) > 0 { // a silent population is a result too: an empty raster
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return fmt.Errorf("plot: %s: %v", path, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Shape: draw.CircleGlyph{}, Radius: glyphRadius(len(xys))}
			p.Add(sc)
		}
		setLimits(p, tmax, r.N)
		return render(path, func(c draw.Canvas) { p.Draw(c) })
	}

	// Density: counts per (time bin, neuron bin).
	tb := int(min(int64(timeBins), r.Steps))
	nb := min(neuronBins, r.N)
	g := &grid{cols: tb, rows: nb, z: make([]float64, tb*nb),
		dx: tmax / float64(tb), dy: float64(r.N) / float64(nb)}
	for i, s := range r.SpikeSteps {
		c := int(int64(s) * int64(tb) / r.Steps)
		row := int(int64(r.SpikeIDs[i]) * int64(nb) / int64(r.N))
		g.z[row*tb+c]++
	}
	maxCount := 0.0
	for _, v := range g.z {
		maxCount = math.Max(maxCount, v)
	}
	title := fmt.Sprintf("Spike density: %s\n%s spikes binned %d×%d (%s × %.4g neurons per bin)",
		head, count(len(r.SpikeSteps)), tb, nb, ms(g.dx), g.dy)
	p := newPlot(title, "time (ms)", "neuron")
	cmap := densityColors()
	cmap.SetMin(0.5) // counts of 0 are left white (NaN below)
	cmap.SetMax(math.Max(maxCount, 1))
	h := plotter.NewHeatMap(g, cmap.Palette(256))
	h.Min, h.Max = cmap.Min(), cmap.Max()
	h.NaN = color.Transparent
	h.Rasterized = true
	p.Add(h)
	p.X.Min, p.X.Max = 0, tmax
	p.Y.Min, p.Y.Max = 0, float64(r.N)
	p.X.Padding, p.Y.Padding = 0, 0

	// A color bar to the right, labelled with counts per bin.
	cb := plot.New()
	cb.HideX()
	cb.Y.Label.Text = "spikes per bin"
	cb.Y.Label.TextStyle.Font.Size = 12
	cb.Y.Tick.Label.Font.Size = 10
	cb.Y.Tick.Marker = ticks{}
	cb.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true})
	return render(path, func(c draw.Canvas) {
		const barW = 1.1 * vg.Inch
		main := draw.Crop(c, 0, -barW, 0, 0)
		p.Draw(main)
		// Level the bar with the data area of the main plot.
		da := p.DataCanvas(main)
		bar := c
		bar.Min = vg.Point{X: c.Max.X - barW + 0.1*vg.Inch, Y: da.Min.Y}
		bar.Max = vg.Point{X: c.Max.X - 0.35*vg.Inch, Y: da.Max.Y}
		cb.Draw(bar)
	})
}

// glyphRadius shrinks the points as their number grows.
func glyphRadius(n int) vg.Length {
	switch {
	case n <= 2_000:
		return 1.5
	case n <= 20_000:
		return 0.9
	}
	return 0.5
}

// setLimits fixes the axes to the simulated time and the neuron range.
func setLimits(p *plot.Plot, tmax float64, n int) {
	p.X.Min, p.X.Max = 0, tmax
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	if n == 1 {
		p.Y.Min, p.Y.Max = -1, 1
	}
}

// densityColors maps counts from pale yellow through orange, red and
// purple to near black; zero counts are not drawn, so they stay white and
// even a single spike in a bin is visible.
func densityColors() palette.ColorMap {
	cm, err := moreland.NewLuminance([]color.Color{
		color.NRGBA{0x10, 0x00, 0x20, 0xff},
		color.NRGBA{0x7a, 0x01, 0x77, 0xff},
		color.NRGBA{0xe3, 0x1a, 0x1c, 0xff},
		color.NRGBA{0xfd, 0x8d, 0x3c, 0xff},
		color.NRGBA{0xfe, 0xd9, 0x76, 0xff},
	})
	if err != nil {
		panic("plot: density colors: " + err.Error()) // fixed controls; cannot fail
	}
	return palette.Reverse(cm)
}

// grid holds spike counts for plotter.HeatMap; zeros read as NaN so that
// they are drawn in the background color.
type grid struct {
	cols, rows int
	z          []float64
	dx, dy     float64
}

func (g *grid) Dims() (c, r int) { return g.cols, g.rows }
func (g *grid) X(c int) float64  { return (float64(c) + 0.5) * g.dx }
func (g *grid) Y(r int) float64  { return (float64(r) + 0.5) * g.dy }
func (g *grid) Z(c, r int) float64 {
	if v := g.z[r*g.cols+c]; v != 0 {
		return v
	}
	return math.NaN()
}
