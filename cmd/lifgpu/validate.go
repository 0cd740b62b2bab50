package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/batch"
	"github.com/lifgpu/lifgpu/internal/model"
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
	m, err := model.Resolve(cfg)
	if err != nil {
		return err
	}
	kind, err := backend.ChooseFor(backend.Options{Kind: backend.Kind(s.Backend), GPU: gpu.Options{Device: s.Device}})
	if err != nil {
		return err
	}
	if s.Device != nil && kind == backend.GPU {
		// A device that EGL does not list is refused here as the run would refuse it.
		if _, err := gpu.ProbeFor(s.Device); errors.As(err, new(*gpu.DeviceError)) {
			return err
		}
	}
	need := batch.Estimate(s, m, kind, false)
	for _, n := range m.Notes {
		fmt.Fprintln(stdout, "note:", n)
	}
	fmt.Fprintf(stdout, "%s: ok (%d neurons, %d steps of %g ms, method %s, backend %s: %s here)\n", fs.Arg(0), cfg.N, s.Steps, m.Dt, m.Method, cmp.Or(s.Backend, "auto"), kind)
	fmt.Fprintf(stdout, "needs about %s of memory and %s of disk, plus 12 bytes a spike recorded (%s)\n", batch.HumanBytes(need.Memory), batch.HumanBytes(need.Disk), need.Detail)
	return nil
}
