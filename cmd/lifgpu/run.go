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

func cmdRun(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "spec file (TOML); without it, the built-in default spec")
	fs.StringVar(&f.out, "o", "lifgpu-out", "output folder")
	fs.BoolVar(&f.force, "f", false, "write into the output folder even if it exists")
	fs.IntVar(&f.n, "n", 0, "number of neurons (overrides the spec)")
	fs.IntVar(&f.steps, "steps", 0, "number of steps (overrides the spec)")
	fs.Uint64Var(&f.seed, "seed", 0, "random seed (overrides the spec)")
	fs.StringVar(&f.backend, "backend", "", "auto, cpu or gpu (overrides the spec)")
	fs.BoolVar(&f.plot, "plot", false, "also write raster.png, traces.png and rate.png")
	fs.StringVar(&f.log, "log", "text", "log format on stderr: text or json")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lifgpu run: unexpected argument %q (the spec goes after -config)\n", fs.Arg(0))
		return errUsage
	}
	var logger *slog.Logger
	switch f.log {
	case "text":
		logger = slog.New(slog.NewTextHandler(stderr, nil))
	case "json":
		logger = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		return fmt.Errorf("-log %q: must be text or json", f.log)
	}

	s, err := loadSpec(f.config)
	if err != nil {
		return err
	}
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "n":
			s.N = f.n
		case "steps":
			s.Steps = f.steps
		case "seed":
			s.Seed = f.seed
		case "backend":
			s.Backend = f.backend
		}
	})
	if f.n != 0 && f.config == "" {
		// The default spec's bias is per neuron: stretch it over the new n.
		s = resizeDefault(s, f.n)
	}
	cfg, err := s.Config()
	if err != nil {
		if f.config != "" {
			return fmt.Errorf("%s: %w", f.config, err)
		}
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

func loadSpec(path string) (*spec.Spec, error) {
	if path == "" {
		return spec.Default(), nil
	}
	return spec.Load(path)
}

// resizeDefault rebuilds the built-in spec for n neurons, keeping its bias ramp and
// dropping traced neurons that no longer exist.
func resizeDefault(s *spec.Spec, n int) *spec.Spec {
	d := spec.DefaultN(n)
	d.Steps, d.Seed, d.Backend = s.Steps, s.Seed, s.Backend
	return d
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
