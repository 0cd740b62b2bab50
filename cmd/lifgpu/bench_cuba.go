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

type cubaArgs struct {
	ns, backends string
	dev          *int
	noBase       bool
	jsonOut      string
	plotOut      string
}

// cubaSizes is the default ladder of lifgpu bench -workload cuba.
var cubaSizes = []int{4000, 40_000, 400_000}

// benchCUBA runs CUBA (bench.CUBA) for one second of model time at each size, on the
// backends asked for and, unless -no-baseline, Brian2's C++ standalone mode with the
// same threads, and prints the wall time per second of model time, synaptic events per
// second, the dynamics and the ratio to Brian2's run time (its own run time: without
// code generation and compilation).
func benchCUBA(a cubaArgs, stdout, stderr io.Writer) error {
	sizes := cubaSizes
	if a.ns != "" {
		var err error
		if sizes, err = parseSizes(a.ns); err != nil {
			return err
		}
	}
	backs := []string{a.backends}
	if a.backends == "all" {
		backs = []string{"cpu", "gpu"}
	}
	date := time.Now().UTC().Format("2006-01-02")
	fmt.Fprintf(stdout, "workload CUBA (Vogels & Abbott 2005, in-degree 80), %d steps = 1 s of model time, %s, %d CPUs (GOMAXPROCS %d), %s\n",
		bench.CUBASteps, cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), date)
	fmt.Fprintf(stdout, "%-18s %8s %10s %9s %11s %8s %6s %8s  %s\n", "name", "n", "synapses", "s/model-s", "events/s", "rate Hz", "CV", "build s", "ratio")
	var rows []bench.Row
	emit := func(r bench.Row, ratio string) {
		rows = append(rows, r)
		if r.Skipped != "" {
			fmt.Fprintf(stdout, "%-18s %8d  skipped: %s\n", r.Name, r.N, r.Skipped)
			return
		}
		fmt.Fprintf(stdout, "%-18s %8d %10d %9.3f %11.3g %8.2f %6.2f %8.1f  %s\n", r.Name, r.N, r.Synapses, r.SecPerBioS, r.EventsPerS, r.RateHz, r.CV, r.BuildSecond, ratio)
	}
	for _, n := range sizes {
		var peer *bench.Brian2Result
		if !a.noBase {
			res, err := bench.RunBrian2(n, 0, 30*time.Minute)
			if err != nil {
				emit(bench.Row{Name: "brian2/cpp", N: n, Skipped: err.Error(), Date: date}, "")
			} else {
				peer = &res
				emit(bench.Row{Name: "brian2/cpp", Backend: "brian2 " + res.Version, N: n, Steps: bench.CUBASteps, Seconds: res.RunS,
					Synapses: res.Synapses, EventsPerS: float64(res.Spikes) * 80 / res.RunS, SecPerBioS: res.RunS,
					RateHz: res.RateHz, CV: res.CV, BuildSecond: res.BuildS, Device: fmt.Sprintf("%d threads", res.Threads), Date: date}, "")
			}
		}
		for _, back := range backs {
			r, err := cubaRun(back, a.dev, n, date)
			if err != nil {
				return err
			}
			ratio := ""
			if peer != nil {
				r.Baseline, r.Ratio = "brian2/cpp", peer.RunS/r.Seconds
				ok, how := bench.Agree(bench.Dynamics{RateHz: peer.RateHz, CV: peer.CV}, bench.Dynamics{RateHz: r.RateHz, CV: r.CV})
				verdict := "dynamics agree"
				if !ok {
					verdict = "DYNAMICS DIFFER"
				}
				ratio = fmt.Sprintf("%.2fx brian2 (%s: %s)", r.Ratio, verdict, how)
			}
			emit(r, ratio)
		}
	}
	if a.jsonOut != "" {
		b, _ := json.MarshalIndent(rows, "", "  ")
		if err := batch.WriteFileAtomic(a.jsonOut, append(b, '\n')); err != nil {
			return err
		}
	}
	if a.plotOut != "" {
		title := fmt.Sprintf("CUBA, 1 s of model time, %s, %d threads, %s", cpuModel(), runtime.GOMAXPROCS(0), date)
		if err := bench.PlotRTF(a.plotOut, rows, title); err != nil {
			return err
		}
	}
	return nil
}

// cubaRun runs CUBA of n neurons for one second of model time on one backend.
func cubaRun(back string, dev *int, n int, date string) (bench.Row, error) {
	f, err := benchFactory(back, dev)
	if err != nil {
		return bench.Row{Name: "lifgpu/" + back + "/cuba", N: n, Skipped: err.Error(), Date: date}, nil
	}
	cfg := bench.CUBA(n, 1)
	t0 := time.Now()
	pop, err := f(cfg)
	if err != nil {
		return bench.Row{}, fmt.Errorf("lifgpu/%s, CUBA of %d neurons: %w", back, n, err)
	}
	defer pop.Close()
	build := time.Since(t0)
	t1 := time.Now()
	if err := pop.Run(bench.CUBASteps); err != nil {
		return bench.Row{}, err
	}
	wall := time.Since(t1).Seconds()
	rec, err := pop.Recording()
	if err != nil {
		return bench.Row{}, err
	}
	d := bench.SpikeDynamics(rec, n, float64(bench.CUBASteps)*0.1/1000)
	// Events count 80 synapses a spike, the mean out-degree, for both simulators.
	syn := int64(n) * 80
	return bench.Row{Name: "lifgpu/" + back + "/cuba", Backend: back, N: n, Steps: bench.CUBASteps, Seconds: wall,
		UpdatesPerS: float64(n) * bench.CUBASteps / wall, Spikes: uint64(d.Spikes), Synapses: syn,
		EventsPerS: float64(d.Spikes) * 80 / wall, SecPerBioS: wall, RateHz: d.RateHz, CV: d.CV,
		BuildSecond: build.Seconds(), Device: pop.Backend(), Date: date}, nil
}
