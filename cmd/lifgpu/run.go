package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/lifgpu/lifgpu/internal/batch"
)

// runFlags are the flags of run; those set on the command line override the spec.
type runFlags struct {
	config  string
	out     string
	force   bool
	n       int
	steps   int
	seed    uint64
	backend string
	device  int
	plot    bool
	log     string
	resume  string
}

// addSpecFlags registers the flags that pick and override a spec, shared by run and check.
func addSpecFlags(fs *flag.FlagSet, f *runFlags) {
	fs.StringVar(&f.config, "config", "", "spec file (TOML); without it, the built-in spec")
	fs.IntVar(&f.n, "n", 0, "number of neurons (overrides the spec)")
	fs.IntVar(&f.steps, "steps", 0, "number of steps (overrides the spec)")
	fs.Uint64Var(&f.seed, "seed", 0, "random seed (overrides the spec)")
	fs.IntVar(&f.device, "device", 0, "EGL device `K` for the GPU backend (overrides the spec; 'lifgpu info' lists them); default: chosen automatically")
}

// addRunFlags registers the rest of run's flags.
func addRunFlags(fs *flag.FlagSet, f *runFlags) {
	fs.StringVar(&f.backend, "backend", "", "auto, cpu or gpu (overrides the spec)")
	fs.StringVar(&f.out, "o", "lifgpu-out", "output folder")
	fs.BoolVar(&f.force, "f", false, "write into the output folder even if it exists")
	fs.BoolVar(&f.plot, "plot", false, "also write raster.png, traces.png and rate.png")
	fs.StringVar(&f.log, "log", "text", "log format on stderr: text or json")
}

// recipe turns the flags into how to make the spec: the file, or the built-in spec,
// then the flags set on the command line.
func recipe(fs *flag.FlagSet, f *runFlags, builtin string) (batch.Recipe, error) {
	var r batch.Recipe
	if f.config != "" {
		var err error
		if r, err = batch.FromFile(f.config); err != nil {
			return r, err
		}
	} else {
		r.Builtin = builtin
	}
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "n":
			r.N = &f.n
		case "steps":
			r.Steps = &f.steps
		case "seed":
			r.Seed = &f.seed
		case "backend":
			r.Backend = f.backend
		case "device":
			r.Device = &f.device
		}
	})
	return r, nil
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("-log %q: must be text or json", format)
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addSpecFlags(fs, &f)
	addRunFlags(fs, &f)
	fs.StringVar(&f.resume, "resume", "", "continue the run in this output folder from its last checkpoint")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lifgpu run: unexpected argument %q (the spec goes after -config)\n", fs.Arg(0))
		return errUsage
	}
	logger, err := newLogger(f.log, stderr)
	if err != nil {
		return err
	}
	ctx, stop := interruptible(stderr)
	defer stop()
	progress := newProgress(stderr, logger)
	var res *batch.Result
	if f.resume != "" {
		var bad []string
		over := batch.Override{Backend: f.backend}
		fs.Visit(func(fl *flag.Flag) {
			switch fl.Name {
			case "resume", "backend", "log":
			case "device":
				over.Device = &f.device
			default:
				bad = append(bad, "-"+fl.Name)
			}
		})
		if len(bad) > 0 {
			return fmt.Errorf("-resume takes the spec and outputs of its run; only -backend, -device and -log may change (not %v)", bad)
		}
		res, err = batch.Resume(ctx, f.resume, over, nil, logger, progress.update)
	} else {
		var r batch.Recipe
		if r, err = recipe(fs, &f, "default"); err != nil {
			return err
		}
		res, err = batch.Start(ctx, batch.Job{Recipe: r, Dir: f.out, Force: f.force, Plot: f.plot,
			Logger: logger, Progress: progress.update})
	}
	progress.finish()
	if err != nil {
		return err
	}
	dir := f.out
	if f.resume != "" {
		dir = f.resume
	}
	printSummary(stdout, res, dir)
	return nil
}

// interruptible returns a context cancelled by the first SIGINT or SIGTERM: the run
// then writes a checkpoint and stops. A second signal exits at once: every file is
// written under a temporary name and renamed, so none is left half-written.
func interruptible(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig, ok := <-ch
		if !ok {
			return
		}
		fmt.Fprintf(stderr, "\nlifgpu: %v: writing a checkpoint, then stopping (send it again to stop at once)\n", sig)
		cancel()
		if _, ok := <-ch; ok {
			fmt.Fprintln(stderr, "lifgpu: stopping now; files on disk are complete up to the last checkpoint")
			os.Exit(exitInterrupted)
		}
	}()
	return ctx, func() { signal.Stop(ch); close(ch); cancel() }
}

// exitInterrupted is the exit status of a run stopped by a signal (128 + SIGINT).
const exitInterrupted = 130

func printSummary(w io.Writer, r *batch.Result, dir string) {
	fmt.Fprintf(w, "neurons          %d\n", r.N)
	fmt.Fprintf(w, "steps            %d (%g ms of model time, dt = %g ms)\n", r.Steps, float64(r.Steps)*r.Dt, r.Dt)
	if r.ResumedFrom > 0 {
		fmt.Fprintf(w, "resumed from     step %d\n", r.ResumedFrom)
	}
	if net := r.Network; net != nil {
		fmt.Fprintf(w, "synapses         %d (%d stored, %d procedural; resolution 2^-%d nA, delay ring of %d slots)\n",
			net.Synapses, net.Stored, net.Procedural, net.Q, net.D)
	}
	fmt.Fprintf(w, "spikes           %d\n", r.Spikes)
	fmt.Fprintf(w, "mean rate        %.2f Hz\n", r.MeanRateHz)
	fmt.Fprintf(w, "wall time        %.3f s\n", r.Wall.Seconds())
	fmt.Fprintf(w, "neuron-updates/s %.3g\n", r.UpdatesPerS)
	fmt.Fprintf(w, "backend          %s\n", r.Backend)
	if r.DeviceMemory != "" {
		fmt.Fprintf(w, "device memory    check %s\n", r.DeviceMemory)
	}
	fmt.Fprintf(w, "output           %s (%d files)\n", dir, len(r.Files))
}

func isInterrupted(err error) bool { return errors.Is(err, batch.ErrInterrupted) }
