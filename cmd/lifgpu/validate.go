package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/lifgpu/lifgpu"

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
	m, err := model.ResolveNeurons(cfg)
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
	// The memory check comes before the network is built: the build of a network too
	// large for this machine would take long and then fail.
	if err := batch.Preflight(s, cfg, m, kind, "", false); err != nil {
		return err
	}
	need := batch.Estimate(s, cfg, m, kind, false)
	if err := m.Connect(cfg); err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	for _, n := range m.Notes {
		fmt.Fprintln(stdout, "note:", n)
	}
	fmt.Fprintf(stdout, "%s: ok (%d neurons, %d steps of %g ms, method %s, backend %s: %s here)\n", fs.Arg(0), cfg.N, s.Steps, m.Dt, m.Method, cmp.Or(s.Backend, "auto"), kind)
	if net := batch.Network(m, cfg); net != nil {
		printNetwork(stdout, net, cfg)
	}
	fmt.Fprintf(stdout, "needs about %s of memory and %s of disk, plus 12 bytes a spike recorded (%s)\n", batch.HumanBytes(need.Memory), batch.HumanBytes(need.Disk), need.Detail)
	return nil
}

// printNetwork prints a built network's summary: its groups, the synapse counts, the
// resolution and the delays.
func printNetwork(w io.Writer, net *batch.NetworkInfo, cfg lifgpu.Config) {
	if len(cfg.Groups) > 0 {
		var groups []string
		lo := 0
		for _, g := range cfg.Groups {
			groups = append(groups, fmt.Sprintf("%s [%d, %d)", g.Name, lo, lo+g.N))
			lo += g.N
		}
		fmt.Fprintf(w, "groups:      %s\n", strings.Join(groups, ", "))
	}
	fmt.Fprintf(w, "synapses:    %d (%d stored, %d procedural)", net.Synapses, net.Stored, net.Procedural)
	if net.ZeroWeight > 0 {
		fmt.Fprintf(w, ", %d with a weight that rounds to 0", net.ZeroWeight)
	}
	fmt.Fprintln(w)
	for _, p := range net.Projections {
		how := "stored"
		if p.Procedural {
			how = "procedural"
		}
		fmt.Fprintf(w, "  %-10s %d %s\n", p.Name, p.Synapses, how)
	}
	fmt.Fprintf(w, "resolution:  2^-%d nA (%g nA): weights are summed as integers w_q = round(w * 2^%d)\n", net.Q, net.Resolution, net.Q)
	fmt.Fprintf(w, "delays:      the shortest %s (%g ms); delay ring D = %d slots (the longest delay, %s, + 1)\n",
		steps(net.MinDelaySteps), net.MinDelayMs, net.D, steps(net.D-1))
}

func steps(k int) string {
	if k == 1 {
		return "1 step"
	}
	return fmt.Sprintf("%d steps", k)
}
