package main

import (
	"path/filepath"

	"github.com/lifgpu/lifgpu/internal/plot"
)

// writePlots draws raster.png, traces.png and rate.png from what the run recorded;
// a figure whose data was not recorded is skipped.
func writePlots(dir string, r *result) error {
	run := plot.Run{
		Dt: r.Dt, Steps: int64(r.Steps), N: r.N, SpikeSteps: r.Rec.SpikeSteps, SpikeIDs: r.Rec.SpikeIDs,
		Rate: r.Rec.Rate, TraceIDs: r.Rec.TraceIDs, TraceSteps: r.Rec.TraceSteps, Traces: r.Rec.Traces,
	}
	figs := []struct {
		name string
		have bool
		draw func(string, plot.Run) error
	}{
		{"raster.png", r.Rec.RecordSpike, plot.Raster},
		{"traces.png", len(r.Rec.TraceIDs) > 0, plot.Traces},
		{"rate.png", r.Rec.RecordRate, plot.Rate},
	}
	for _, f := range figs {
		if !f.have {
			continue
		}
		if err := f.draw(filepath.Join(dir, f.name), run); err != nil {
			return err
		}
		r.Files = append(r.Files, f.name)
	}
	return nil
}
