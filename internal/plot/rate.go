package plot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// rateBins is the most time bins the rate is averaged into.
const rateBins = 1000

// Rate writes the population rate in Hz per neuron, spikes per step /
// (N · Dt / 1000), against time (ms) to the PNG file at path. It uses
// r.Rate, or counts r.SpikeSteps when Rate is nil. Runs longer than 1000
// steps are averaged over 1000 bins; a darker line shows a centred moving
// average over 2% of the run. The title gives both widths.
func Rate(path string, r Run) error {
	if err := r.checkTime(path); err != nil {
		return err
	}
	if r.N <= 0 {
		return fmt.Errorf("plot: %s: N is %d, expected at least one neuron", path, r.N)
	}
	per := r.Rate
	source := "Rate"
	if per == nil {
		if len(r.SpikeSteps) == 0 {
			return fmt.Errorf("plot: %s: no rate to draw: Rate and SpikeSteps are both empty; record the rate or the spikes", path)
		}
		if r.Steps > 1<<31 {
			return fmt.Errorf("plot: %s: %d steps without a recorded Rate; record the rate to plot runs this long", path, r.Steps)
		}
		per = make([]uint32, r.Steps)
		for i, s := range r.SpikeSteps {
			if s < 0 || int64(s) >= r.Steps {
				return fmt.Errorf("plot: %s: spike %d is at step %d, outside 0..%d; check Steps", path, i, s, r.Steps-1)
			}
			per[s]++
		}
		source = "spike list"
	}
	if int64(len(per)) != r.Steps {
		return fmt.Errorf("plot: %s: Rate has %d values, expected one per step (Steps = %d)", path, len(per), r.Steps)
	}

	steps := len(per)
	bins := min(steps, rateBins)
	scale := 1000 / (float64(r.N) * r.Dt) // spikes per step -> Hz per neuron
	xys := make(plotter.XYs, bins)
	total := 0.0
	for b := range bins {
		lo, hi := b*steps/bins, (b+1)*steps/bins
		sum := 0.0
		for _, v := range per[lo:hi] {
			sum += float64(v)
		}
		total += sum
		xys[b] = plotter.XY{X: (float64(lo+hi) / 2) * r.Dt, Y: sum / float64(hi-lo) * scale}
	}
	mean := total / float64(steps) * scale
	title := fmt.Sprintf("Population rate: N = %s neurons, mean %.3g Hz per neuron", count(r.N), mean)
	binMs := float64(steps) / float64(bins) * r.Dt
	if bins < steps {
		title += fmt.Sprintf("\nlight: mean per %s bin (%d steps)", ms(binMs), steps/bins)
	} else {
		title += fmt.Sprintf("\nlight: per step of %s", ms(r.Dt))
	}
	// A centred moving average over 2% of the run shows the trend that
	// the per-bin noise of a small population hides.
	w := bins / 50
	var smooth plotter.XYs
	if w > 1 {
		smooth = movingAverage(xys, w)
		title += fmt.Sprintf("; dark: smoothed over %s", ms(float64(w)*binMs))
	}
	if source != "Rate" {
		title += " (counted from the spike list)"
	}
	p := newPlot(title, "time (ms)", "rate (Hz per neuron)")
	p.Add(plotter.NewGrid())
	l, err := plotter.NewLine(xys)
	if err != nil {
		return fmt.Errorf("plot: %s: %v", path, err)
	}
	l.Color = color.RGBA{31, 119, 180, 255}
	l.Width = 1.2
	if smooth != nil {
		l.Color = color.RGBA{158, 202, 225, 255}
		l.Width = 1
	}
	p.Add(chunked{l})
	if smooth != nil {
		s, err := plotter.NewLine(smooth)
		if err != nil {
			return fmt.Errorf("plot: %s: %v", path, err)
		}
		s.Color = color.RGBA{8, 48, 107, 255}
		s.Width = 2
		p.Add(chunked{s})
	}
	hi := 0.0
	for _, xy := range xys {
		hi = math.Max(hi, xy.Y)
	}
	p.X.Min, p.X.Max = 0, float64(steps)*r.Dt
	p.Y.Min, p.Y.Max = 0, math.Max(hi*1.05, 1)
	return render(path, func(c draw.Canvas) { p.Draw(c) })
}

// movingAverage returns the centred mean of xys over windows of w points,
// shortened at the ends.
func movingAverage(xys plotter.XYs, w int) plotter.XYs {
	n := len(xys)
	prefix := make([]float64, n+1)
	for i, xy := range xys {
		prefix[i+1] = prefix[i] + xy.Y
	}
	out := make(plotter.XYs, n)
	for i := range xys {
		lo, hi := max(0, i-w/2), min(n, i-w/2+w)
		out[i] = plotter.XY{X: xys[i].X, Y: (prefix[hi] - prefix[lo]) / float64(hi-lo)}
	}
	return out
}
