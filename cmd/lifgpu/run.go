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
	"strings"
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
	// Past one device: a shard k/m of the spec, every GPU of the host, replicas.
	shard    string
	devices  string
	replicas int

	parsedShard *batch.Shard
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
		case "shard":
			r.Shard = f.parsedShard
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
	fs.StringVar(&f.shard, "shard", "", "run only shard `k/m`: the k-th (from 0) of m contiguous ranges of the neurons; lifgpu merge joins the m folders")
	fs.StringVar(&f.devices, "devices", "", "run one shard per GPU device at once and merge them: all, or a `list` of EGL devices such as 0,1 ('lifgpu info' lists them)")
	fs.IntVar(&f.replicas, "replicas", 0, "run `r` independent copies with the seeds seed, seed+1, ... into DIR/replica-000, ...")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lifgpu run: unexpected argument %q (the spec goes after -config)\n", fs.Arg(0))
		return errUsage
	}
	if f.out == "" && f.resume == "" {
		return errors.New(`-o "": name the output folder (the default is lifgpu-out)`)
	}
	if err := checkCluster(fs, &f); err != nil {
		return err
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
			return fmt.Errorf("-resume takes the spec, shard and outputs of its run; only -backend, -device and -log may change (not %v)", bad)
		}
		res, err = batch.Resume(ctx, f.resume, over, nil, logger, progress.update)
	} else {
		var r batch.Recipe
		if r, err = recipe(fs, &f, "default"); err != nil {
			return err
		}
		j := batch.Job{Recipe: r, Dir: f.out, Force: f.force, Plot: f.plot, Logger: logger, Progress: progress.update}
		switch {
		case f.replicas > 0:
			var all []*batch.Result
			all, err = batch.RunReplicas(ctx, j, f.replicas)
			progress.finish()
			for i, res := range all {
				fmt.Fprintf(stdout, "replica %d        %d spikes, %.2f Hz, %.3f s: %s\n", i, res.Spikes, res.MeanRateHz, res.Wall.Seconds(), batch.ReplicaDir(f.out, i))
			}
			return err
		case f.devices != "":
			var devs []int
			if devs, err = batch.ParseDevices(f.devices); err != nil {
				return err
			}
			res, err = batch.RunDevices(ctx, j, devs)
		default:
			res, err = batch.Start(ctx, j)
		}
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

// interruptible returns a context cancelled by the first SIGINT or SIGTERM: a run in its
// step loop then writes a checkpoint and stops; one reading its inputs, building its
// network or writing its final files stops at once (internal/batch abandons that work).
// A second signal exits at once: every file is written under a temporary name and
// renamed, so none is left half-written.
func interruptible(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig, ok := <-ch
		if !ok {
			return
		}
		fmt.Fprintf(stderr, "\nlifgpu: %v: stopping; a run past its start writes a checkpoint first (send it again to stop at once)\n", sig)
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
	if sh := r.Shard; sh != nil {
		fmt.Fprintf(w, "shard            %s: neurons [%d, %d) of %d (lifgpu merge joins the %d shards)\n", sh.Shard, sh.Lo, sh.Hi, sh.N, sh.M)
	}
	if net := r.Network; net != nil {
		fmt.Fprintf(w, "synapses         %d (%d stored, %d procedural; resolution 2^-%d nA, delay ring of %d slots)\n",
			net.Synapses, net.Stored, net.Procedural, net.Q, net.D)
	}
	fmt.Fprintf(w, "spikes           %d\n", r.Spikes)
	fmt.Fprintf(w, "mean rate        %.2f Hz\n", r.MeanRateHz)
	fmt.Fprintf(w, "wall time        %.3f s\n", r.Wall.Seconds())
	if r.UpdatesPerS > 0 || !strings.HasPrefix(r.Backend, "merged") { // a merge alone simulates nothing
		fmt.Fprintf(w, "neuron-updates/s %.3g\n", r.UpdatesPerS)
	}
	fmt.Fprintf(w, "backend          %s\n", r.Backend)
	if r.DeviceMemory != "" {
		fmt.Fprintf(w, "device memory    check %s\n", r.DeviceMemory)
	}
	fmt.Fprintf(w, "output           %s (%d files)\n", dir, len(r.Files))
}

func isInterrupted(err error) bool { return errors.Is(err, batch.ErrInterrupted) }
