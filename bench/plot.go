package bench

import (
	"fmt"
	"io"
	"slices"

	"github.com/lifgpu/lifgpu/internal/atomicfile"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Plot writes a PNG of throughput against N, one line per benchmark name, log-log.
func Plot(path string, rows []Row, title string) error {
	return plotMetric(path, rows, title, "neuron-updates/s", func(r Row) float64 { return r.UpdatesPerS })
}

// PlotRTF writes a PNG of the real-time factor (wall seconds per second of model time,
// lower is faster) against N, one line per simulator, log-log: the network figure.
func PlotRTF(path string, rows []Row, title string) error {
	return plotMetric(path, rows, title, "wall seconds per model second (real-time factor)", func(r Row) float64 { return r.SecPerBioS })
}

// plotMetric draws y(r) against N for every row with both positive, one line per name.
func plotMetric(path string, rows []Row, title, ylabel string, y func(Row) float64) error {
	byName := map[string]plotter.XYs{}
	var names []string
	for _, r := range rows {
		if y(r) <= 0 || r.N <= 0 {
			continue
		}
		if _, ok := byName[r.Name]; !ok {
			names = append(names, r.Name)
		}
		byName[r.Name] = append(byName[r.Name], plotter.XY{X: float64(r.N), Y: y(r)})
	}
	if len(names) == 0 {
		return fmt.Errorf("bench: %s: no rows to plot", path)
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "neurons N"
	p.Y.Label.Text = ylabel
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	var args []any
	for _, n := range names {
		xy := byName[n]
		slices.SortFunc(xy, func(a, b plotter.XY) int { return int(a.X - b.X) })
		args = append(args, n, xy)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return err
	}
	// A margin of a factor 1.5 on both log axes: a single point (one size, one
	// simulator) still spans a range.
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = p.X.Min/1.5, p.X.Max*1.5, p.Y.Min/1.5, p.Y.Max*1.5
	p.Legend.Top, p.Legend.Left = false, true
	wt, err := p.WriterTo(9*vg.Inch, 6*vg.Inch, "png")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, func(w io.Writer) error { _, err := wt.WriteTo(w); return err }); err != nil {
		return fmt.Errorf("bench: writing %s: %w", path, err)
	}
	return nil
}
