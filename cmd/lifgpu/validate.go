package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/lifgpu/lifgpu/internal/spec"
)

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: lifgpu validate spec.toml") }
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	s, err := spec.Load(fs.Arg(0))
	if err != nil {
		return err
	}
	cfg, err := s.Config()
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	fmt.Fprintf(stdout, "%s: ok (%d neurons, %d steps of %g ms, method %s, backend %s)\n",
		fs.Arg(0), cfg.N, s.Steps, dtOf(s), methodOf(s), backendOf(s))
	return nil
}
