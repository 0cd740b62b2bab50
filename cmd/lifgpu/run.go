package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/spec"
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
	plot    bool
	log     string
}

// addSpecFlags registers the flags that pick and override a spec, shared by run and check.
func addSpecFlags(fs *flag.FlagSet, f *runFlags) {
	fs.StringVar(&f.config, "config", "", "spec file (TOML); without it, the built-in default spec")
	fs.IntVar(&f.n, "n", 0, "number of neurons (overrides the spec)")
	fs.IntVar(&f.steps, "steps", 0, "number of steps (overrides the spec)")
	fs.Uint64Var(&f.seed, "seed", 0, "random seed (overrides the spec)")
	fs.StringVar(&f.backend, "backend", "", "auto, cpu or gpu (overrides the spec)")
	fs.StringVar(&f.out, "o", "lifgpu-out", "output folder")
	fs.BoolVar(&f.force, "f", false, "write into the output folder even if it exists")
	fs.BoolVar(&f.plot, "plot", false, "also write raster.png, traces.png and rate.png")
	fs.StringVar(&f.log, "log", "text", "log format on stderr: text or json")
}

// resolveSpec loads the spec (or the built-in default made by def for n neurons),
// applies the flags set on the command line, and validates it.
func resolveSpec(fs *flag.FlagSet, f *runFlags, def func(n int) *spec.Spec) (*spec.Spec, lifgpu.Config, error) {
	var s *spec.Spec
	if f.config == "" {
		s = def(0)
	} else {
		var err error
		if s, err = spec.Load(f.config); err != nil {
			return nil, lifgpu.Config{}, err
		}
	}
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "n":
			if f.config == "" {
				// The built-in spec's arrays are per neuron: remake it for the new n.
				d := def(f.n)
				d.Steps, d.Seed, d.Backend = s.Steps, s.Seed, s.Backend
				s = d
			}
			s.N = f.n
		}
	})
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "steps":
			s.Steps = f.steps
		case "seed":
			s.Seed = f.seed
		case "backend":
			s.Backend = f.backend
		}
	})
	cfg, err := s.Config()
	if err != nil && f.config != "" {
		err = fmt.Errorf("%s: %w", f.config, err)
	}
	return s, cfg, err
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
	s, cfg, err := resolveSpec(fs, &f, spec.DefaultN)
	if err != nil {
		return err
	}
	if err := prepareOut(f.out, f.force); err != nil {
		return err
	}

	pop, err := newPopulation(backendOf(s), cfg)
	if err != nil {
		return err
	}
	defer pop.Close()
	logger.Info("start", "neurons", cfg.N, "steps", s.Steps, "dt_ms", dtOf(s), "method", methodOf(s), "backend", pop.Backend(), "out", f.out)

	start := time.Now()
	if err := runWithProgress(pop, s.Steps, stderr, logger); err != nil {
		return err
	}
	wall := time.Since(start)

	res, err := writeOutputs(f.out, s, pop, wall)
	if err != nil {
		return err
	}
	if f.plot {
		if err := writePlots(f.out, res); err != nil {
			return err
		}
	}
	if err := writeRunJSON(f.out, s, res); err != nil {
		return err
	}
	printSummary(stdout, res, f.out)
	return nil
}

// prepareOut makes the output folder, refusing an existing one without force.
func prepareOut(dir string, force bool) error {
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return fmt.Errorf("output %s exists and is not a folder: choose another with -o", dir)
	case err == nil && !force:
		return fmt.Errorf("output folder %s exists: use -f to write into it, or -o to choose another", dir)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	}
	return os.MkdirAll(dir, 0o755)
}

func dtOf(s *spec.Spec) float64 {
	if s.Dt == 0 {
		return lifgpu.DefaultDt
	}
	return s.Dt
}

func methodOf(s *spec.Spec) string {
	if s.Method == "" {
		return string(lifgpu.Euler)
	}
	return s.Method
}

func backendOf(s *spec.Spec) string {
	if s.Backend == "" {
		return "auto"
	}
	return s.Backend
}
