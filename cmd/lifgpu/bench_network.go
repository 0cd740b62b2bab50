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

type netArgs struct {
	sizes       []int
	k           int
	procedural  bool
	warm, steps int
	backends    string
	dev         *int
	jsonOut     string
	plotOut     string
}

// benchNetwork runs bench.Network (CUBA at in-degree k) at each size on the backends
// asked for: warm steps first (untimed: every neuron fires in the first few
// milliseconds), then steps timed. It prints neuron-updates/s, synaptic events/s (the
// timed steps' spikes times the mean out-degree k: what a stored row holds on average,
// and what a procedural one draws; the synapses column is n*k, the expected count), the
// time per step and the mean rate.
func benchNetwork(a netArgs, stdout io.Writer) error {
	if a.k < 1 {
		return fmt.Errorf("-in-degree %d: must be at least 1", a.k)
	}
	if a.warm < 0 {
		return fmt.Errorf("-warmup %d: must be at least 0", a.warm)
	}
	for _, n := range a.sizes {
		if a.k > n {
			return fmt.Errorf("-in-degree %d is more than -n %d: a neuron has at most n presynaptic partners here (p = k/n <= 1)", a.k, n)
		}
	}
	backs := []string{a.backends}
	if a.backends == "all" {
		backs = []string{"cpu", "gpu"}
	}
	how := "stored"
	if a.procedural {
		how = "procedural"
	}
	date := time.Now().UTC().Format("2006-01-02")
	fmt.Fprintf(stdout, "workload network (CUBA at in-degree %d, %s synapses), %d warm-up + %d timed steps, %s, %d CPUs (GOMAXPROCS %d), %s\n",
		a.k, how, a.warm, a.steps, cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), date)
	fmt.Fprintf(stdout, "%-22s %9s %11s %11s %11s %9s %8s %8s\n", "name", "n", "synapses", "updates/s", "events/s", "ms/step", "rate Hz", "build s")
	var rows []bench.Row
	for _, n := range a.sizes {
		for _, back := range backs {
			r, err := networkRun(back, a, n, date)
			if err != nil {
				return err
			}
			rows = append(rows, r)
			if r.Skipped != "" {
				fmt.Fprintf(stdout, "%-22s %9d  skipped: %s\n", r.Name, r.N, r.Skipped)
				continue
			}
			fmt.Fprintf(stdout, "%-22s %9d %11.3g %11.3g %11.3g %9.3f %8.2f %8.1f\n", r.Name, r.N, float64(r.Synapses),
				r.UpdatesPerS, r.EventsPerS, r.MsPerStep, r.RateHz, r.BuildSecond)
		}
	}
	if a.jsonOut != "" {
		b, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return fmt.Errorf("-json %s: %w", a.jsonOut, err)
		}
		if err := batch.WriteFileAtomic(a.jsonOut, append(b, '\n')); err != nil {
			return err
		}
	}
	if a.plotOut != "" {
		return bench.Plot(a.plotOut, rows, fmt.Sprintf("network (CUBA at in-degree %d, %s), %d steps, %s", a.k, how, a.steps, date))
	}
	return nil
}

// networkRun builds and runs one network on one backend.
func networkRun(back string, a netArgs, n int, date string) (bench.Row, error) {
	name := "lifgpu/" + back + "/network"
	f, err := benchFactory(back, a.dev)
	if err != nil {
		return bench.Row{Name: name, N: n, Skipped: err.Error(), Date: date}, nil
	}
	cfg := bench.Network(n, a.k, a.procedural, 1)
	t0 := time.Now()
	pop, err := f(cfg)
	if err != nil {
		return bench.Row{}, fmt.Errorf("%s, a network of %d neurons at in-degree %d: %w", name, n, a.k, err)
	}
	defer pop.Close()
	build := time.Since(t0)
	if err := pop.Run(a.warm); err != nil {
		return bench.Row{}, err
	}
	if err := pop.ClearRecording(); err != nil { // the warm-up's spikes
		return bench.Row{}, err
	}
	t1 := time.Now()
	if err := pop.Run(a.steps); err != nil {
		return bench.Row{}, err
	}
	wall := time.Since(t1).Seconds()
	rec, err := pop.Recording()
	if err != nil {
		return bench.Row{}, err
	}
	d := bench.SpikeDynamics(rec, n, float64(a.steps)*cfg.Params.Dt/1000)
	return bench.Row{Name: name, Backend: back, N: n, Steps: a.steps, Seconds: wall,
		UpdatesPerS: float64(n) * float64(a.steps) / wall, MsPerStep: wall * 1000 / float64(a.steps),
		Spikes: uint64(d.Spikes), Synapses: int64(n) * int64(a.k), EventsPerS: float64(d.Spikes) * float64(a.k) / wall,
		RateHz: d.RateHz, BuildSecond: build.Seconds(), Device: pop.Backend(), Date: date}, nil
}
