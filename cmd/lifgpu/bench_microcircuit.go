package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/internal/batch"
)

// Microcircuit runs: a transient, then the measured model time.
const (
	mcTransientSteps = 5_000  // 0.5 s, discarded from the rates (NEST's example also waits)
	mcMeasureSteps   = 10_000 // 1 s
)

// benchMicrocircuit runs the Potjans-Diesmann microcircuit at scale on each backend for
// 1.5 s of model time and prints the real-time factor (wall seconds per model second,
// over the whole run), the per-population rates of the last second beside the
// published ones, and the published GPU figures beside the real-time factor.
func benchMicrocircuit(scale float64, backends string, dev *int, jsonOut string, stdout io.Writer) error {
	cfg, err := bench.Microcircuit(scale, 1)
	if err != nil {
		return err
	}
	backs := []string{backends}
	if backends == "all" {
		backs = []string{"cpu", "gpu"}
	}
	date := time.Now().UTC().Format("2006-01-02")
	fmt.Fprintf(stdout, "workload microcircuit (Potjans & Diesmann 2014), scale %g: %d neurons; %.1f s of model time (rates over the last %.0f s); %s, %d CPUs, %s\n",
		scale, cfg.N, float64(mcTransientSteps+mcMeasureSteps)*1e-4, float64(mcMeasureSteps)*1e-4, cpuModel(), runtime.NumCPU(), date)
	var rows []bench.Row
	for _, back := range backs {
		f, err := benchFactory(back, dev)
		if err != nil {
			fmt.Fprintf(stdout, "lifgpu/%s skipped: %v\n", back, err)
			continue
		}
		cfg.Record.Spikes = true
		t0 := time.Now()
		pop, err := f(cfg)
		if err != nil {
			return fmt.Errorf("lifgpu/%s: %w", back, err)
		}
		build := time.Since(t0)
		t1 := time.Now()
		if err := pop.Run(mcTransientSteps); err != nil {
			pop.Close()
			return err
		}
		if err := pop.ClearRecording(); err != nil {
			pop.Close()
			return err
		}
		if err := pop.Run(mcMeasureSteps); err != nil {
			pop.Close()
			return err
		}
		wall := time.Since(t1).Seconds()
		rec, err := pop.Recording()
		backend := pop.Backend()
		pop.Close()
		if err != nil {
			return err
		}
		bio := float64(mcTransientSteps+mcMeasureSteps) * 1e-4
		rtf := wall / bio
		fmt.Fprintf(stdout, "lifgpu/%s: real-time factor %.3g (%.1f s for %.1f s of model time; making the network %.1f s); %s\n", back, rtf, wall, bio, build.Seconds(), backend)
		fmt.Fprintf(stdout, "  %-6s %8s %10s %10s\n", "pop", "neurons", "rate Hz", "published")
		counts := make([]int, len(cfg.Groups))
		first := make([]int, len(cfg.Groups)+1)
		for g, gr := range cfg.Groups {
			first[g+1] = first[g] + gr.N
		}
		for _, i := range rec.SpikeIDs {
			for g := range cfg.Groups {
				if int(i) < first[g+1] {
					counts[g]++
					break
				}
			}
		}
		for g, gr := range cfg.Groups {
			rate := float64(counts[g]) / float64(gr.N) / (float64(mcMeasureSteps) * 1e-4)
			fmt.Fprintf(stdout, "  %-6s %8d %10.3f %10.3f\n", gr.Name, gr.N, rate, bench.MicrocircuitRates[g])
		}
		rows = append(rows, bench.Row{Name: "lifgpu/" + back + "/microcircuit", Backend: back, N: cfg.N, Steps: mcTransientSteps + mcMeasureSteps,
			Seconds: wall, SecPerBioS: rtf, Spikes: uint64(len(rec.SpikeIDs)), BuildSecond: build.Seconds(), Device: backend, Date: date})
	}
	fmt.Fprintln(stdout, "published, full scale (77,169 neurons, 3e8 synapses):")
	for _, p := range bench.MicrocircuitPublished {
		fmt.Fprintf(stdout, "  %-22s real-time factor about %.1f on one %s (%s)\n", p.Who, p.RTF, p.Card, p.Cite)
	}
	if jsonOut != "" {
		b, _ := json.MarshalIndent(rows, "", "  ")
		return batch.WriteFileAtomic(jsonOut, append(b, '\n'))
	}
	return nil
}
