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
	byName := map[string]plotter.XYs{}
	var names []string
	for _, r := range rows {
		if r.UpdatesPerS <= 0 || r.N <= 0 {
			continue
		}
		if _, ok := byName[r.Name]; !ok {
			names = append(names, r.Name)
		}
		byName[r.Name] = append(byName[r.Name], plotter.XY{X: float64(r.N), Y: r.UpdatesPerS})
	}
	if len(names) == 0 {
		return fmt.Errorf("bench: %s: no rows to plot", path)
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "neurons N"
	p.Y.Label.Text = "neuron-updates/s"
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
