package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/compare"
)

// checkOther makes the population that check compares with the CPU's: the GPU's. The
// tests swap it for a CPU population with a planted difference.
var checkOther = func(cfg lifgpu.Config, opts gpu.Options) (lifgpu.Population, error) { return gpu.New(cfg, opts) }

// cmdCheck runs one spec on both backends and compares u, ref, counts, spikes, rate
// and traces (and a network's synaptic currents and delay rings) bit for bit, every
// slice of steps, printing the first difference.
func cmdCheck(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addSpecFlags(fs, &f)
	slices := fs.Int("slices", 20, "compare the full state this many times during the run")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	r, err := recipe(fs, &f, "check")
	if err != nil {
		return err
	}
	s, cfg, err := r.Spec()
	if err != nil {
		return err
	}
	cfg.Record = lifgpu.Record{Spikes: s.Record.Spikes, Rate: s.Record.Rate, Traces: s.Record.Traces, TraceEvery: s.Record.TraceEvery}
	c, err := cpu.New(cfg, cpu.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	g, err := checkOther(cfg, gpu.Options{Device: s.Device})
	if err != nil {
		return fmt.Errorf("check needs the GPU backend: %w", err)
	}
	defer g.Close()
	fmt.Fprintf(stdout, "checking %d neurons x %d steps, method %s\n  cpu: %s\n  gpu: %s\n", cfg.N, s.Steps, cmp.Or(cfg.Params.Method, lifgpu.Euler), c.Backend(), g.Backend())

	slice := max(1, s.Steps/max(1, *slices))
	var tc, tg time.Duration
	for done := 0; done < s.Steps; {
		k := min(slice, s.Steps-done)
		t0 := time.Now()
		if err := c.Run(k); err != nil {
			return err
		}
		t1 := time.Now()
		if err := g.Run(k); err != nil {
			return err
		}
		if _, err := g.Spiked(); err != nil {
			return err
		}
		tc, tg = tc+t1.Sub(t0), tg+time.Since(t1)
		done += k
		if d := compare.Populations(c, g); d != "" {
			return fmt.Errorf("DIFFERENT after step %d (state compared every %d steps): %s (want is the cpu, got the gpu)", done, slice, d)
		}
	}
	rec, err := c.Recording()
	if err != nil {
		return err
	}
	state := "u, ref and counts"
	if cfg.HasNetwork() {
		state = "u, ref, counts, synaptic currents (i_ex, i_in) and delay rings"
	}
	fmt.Fprintf(stdout, "bit-identical: %s of %d neurons at %d checkpoints, %d spikes, %d rate steps, %d trace values\n",
		state, cfg.N, (s.Steps+slice-1)/slice, len(rec.SpikeSteps), len(rec.Rate), len(rec.Traces))
	fmt.Fprintf(stdout, "time: cpu %.2f s, gpu %.2f s\n", tc.Seconds(), tg.Seconds())
	return nil
}
