package plot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Trace limits: at most maxLines lines, each reduced to an envelope of at
// most maxBuckets min/max pairs.
const (
	maxLines   = 20
	maxBuckets = 800
)

// lineColors are ten distinct colors (Tableau 10); lines 11 to 20 reuse them
// dashed.
var lineColors = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255},
	color.RGBA{44, 160, 44, 255}, color.RGBA{214, 39, 40, 255},
	color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255},
	color.RGBA{188, 189, 34, 255}, color.RGBA{23, 190, 207, 255},
}

// Traces writes the membrane potential u (mV) of the traced neurons against
// time (ms) to the PNG file at path, one line per neuron with a legend of
// neuron ids. With more than 20 traced neurons it draws 20 evenly spaced
// ones and says so in the title.
func Traces(path string, r Run) error {
	if err := r.checkTime(path); err != nil {
		return err
	}
	k, rows := len(r.TraceIDs), len(r.TraceSteps)
	if k == 0 || rows == 0 {
		return fmt.Errorf("plot: %s: no traces to draw (%d traced neurons, %d trace rows); record traces of some neurons to plot them", path, k, rows)
	}
	if len(r.Traces) != k*rows {
		return fmt.Errorf("plot: %s: Traces has %d values, expected %d rows × %d traced neurons = %d", path, len(r.Traces), rows, k, k*rows)
	}
	for i := 1; i < rows; i++ {
		if r.TraceSteps[i] < r.TraceSteps[i-1] {
			return fmt.Errorf("plot: %s: trace row %d is at step %d, before row %d at step %d; rows must be in time order", path, i, r.TraceSteps[i], i-1, r.TraceSteps[i-1])
		}
	}

	cols := pick(k, maxLines)
	title := fmt.Sprintf("Membrane potential of %s", plural(k, "traced neuron"))
	if len(cols) < k {
		title = fmt.Sprintf("Membrane potential: %d of %d traced neurons shown (evenly spaced)", len(cols), k)
	}
	title += fmt.Sprintf(", N = %s", count(r.N))
	if rows > 2*maxBuckets {
		title += fmt.Sprintf("\n%s samples per neuron, drawn as min/max per %s", count(rows), ms(float64(r.TraceSteps[rows-1]-r.TraceSteps[0])*r.Dt/maxBuckets))
	}
	p := newPlot(title, "time (ms)", "u (mV)")
	p.Add(plotter.NewGrid())
	p.Legend.TextStyle.Font.Size = 10
	finite := false
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, col := range cols {
		xys := envelope(r, col, k)
		if len(xys) > 0 {
			finite = true
		}
		for _, xy := range xys {
			lo, hi = math.Min(lo, xy.Y), math.Max(hi, xy.Y)
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("plot: %s: trace of neuron %d: %v", path, r.TraceIDs[col], err)
		}
		l.Color = lineColors[i%len(lineColors)]
		l.Width = 1.2
		if len(cols) > 10 {
			l.Width = 0.8
		}
		if i >= len(lineColors) {
			l.Dashes = []vg.Length{4, 2}
		}
		p.Add(chunked{l})
		p.Legend.Add(fmt.Sprint(r.TraceIDs[col]), l)
	}
	if !finite {
		return fmt.Errorf("plot: %s: every trace value is NaN or infinite; nothing to draw", path)
	}
	padY(p, lo, hi)
	p.X.Min = 0
	p.X.Max = math.Max(float64(r.Steps)*r.Dt, float64(r.TraceSteps[rows-1])*r.Dt)

	legend := p.Legend
	p.Legend = plot.NewLegend() // drawn beside the plot, not over the data
	return render(path, func(c draw.Canvas) {
		const legendW = 0.9 * vg.Inch
		main := draw.Crop(c, 0, -legendW, 0, 0)
		p.Draw(main)
		da := p.DataCanvas(main)
		lc := c
		lc.Min = vg.Point{X: c.Max.X - legendW, Y: da.Min.Y}
		lc.Max = vg.Point{X: c.Max.X - 0.1*vg.Inch, Y: da.Max.Y}
		legend.Top, legend.Left = true, true
		legend.Draw(lc)
	})
}

// pick returns min(k, m) column indices spread evenly over 0..k-1.
func pick(k, m int) []int {
	if k <= m {
		idx := make([]int, k)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i * (k - 1) / (m - 1)
	}
	return idx
}

// envelope returns the trace in column col of r's k columns as points,
// skipping NaN and infinite values. Long traces become the minimum and
// maximum of each of maxBuckets buckets, in time order, so that peaks and
// resets survive.
func envelope(r Run, col, k int) plotter.XYs {
	rows := len(r.TraceSteps)
	at := func(i int) (plotter.XY, bool) {
		v := float64(r.Traces[i*k+col])
		return plotter.XY{X: float64(r.TraceSteps[i]) * r.Dt, Y: v}, !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	if rows <= 2*maxBuckets {
		xys := make(plotter.XYs, 0, rows)
		for i := range rows {
			if xy, ok := at(i); ok {
				xys = append(xys, xy)
			}
		}
		return xys
	}
	xys := make(plotter.XYs, 0, 2*maxBuckets)
	for b := range maxBuckets {
		lo, hi := b*rows/maxBuckets, (b+1)*rows/maxBuckets
		var mn, mx plotter.XY
		imn, imx := -1, -1
		for i := lo; i < hi; i++ {
			xy, ok := at(i)
			if !ok {
				continue
			}
			if imn < 0 || xy.Y < mn.Y {
				mn, imn = xy, i
			}
			if imx < 0 || xy.Y > mx.Y {
				mx, imx = xy, i
			}
		}
		switch {
		case imn < 0:
		case imn == imx:
			xys = append(xys, mn)
		case imn < imx:
			xys = append(xys, mn, mx)
		default:
			xys = append(xys, mx, mn)
		}
	}
	return xys
}

// chunked draws a line as strokes of at most 64 segments. The freetype
// rasterizer behind vgimg slows down quadratically with the number of
// segments in one stroke (a 20-line plot of 1600-point envelopes took 20 s
// as single strokes, well under a second in chunks).
type chunked struct{ *plotter.Line }

func (l chunked) Plot(c draw.Canvas, p *plot.Plot) {
	const n = 64
	all := l.XYs
	for i := 0; i < len(all)-1 || i == 0; i += n {
		part := *l.Line
		part.XYs = all[i:min(i+n+1, len(all))]
		part.Plot(c, p)
	}
}
