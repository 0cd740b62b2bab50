// Package backend chooses where a population runs and makes it there: the one policy
// that the lifgpu command and Go programs share.
//
// [Auto] picks a hardware GPU when one is reachable through EGL with OpenGL 4.3, and the
// CPU otherwise; a software renderer (Mesa's llvmpipe) runs only when [GPU] is asked for
// by name, since it is for testing. Both backends give the same bits, so the choice
// changes the speed, never the result.
//
//	cfg := lifgpu.Config{N: 1}
//	pop, err := backend.New(cfg, backend.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer pop.Close()
//
// The package is apart from lifgpu because it imports both backends, which import
// lifgpu.
package backend

import (
	"errors"
	"fmt"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/gpu"
)

// Kind names a backend.
type Kind string

const (
	// Auto is a hardware GPU when there is one, else the CPU. The zero Kind means Auto.
	Auto Kind = "auto"
	// CPU is the cpu package: the reference, with its SIMD fast path.
	CPU Kind = "cpu"
	// GPU is the gpu package on the EGL device gpu.Options.Device names, or on the first
	// OpenGL 4.3 device the automatic choice finds, a software renderer included.
	GPU Kind = "gpu"
)

// Parse returns the Kind named s ("" is Auto), or an error naming the choices.
func Parse(s string) (Kind, error) {
	switch k := Kind(s); k {
	case "", Auto:
		return Auto, nil
	case CPU, GPU:
		return k, nil
	}
	return "", &lifgpu.FieldError{Field: "backend", Value: fmt.Sprintf("%q", s), Rule: `must be "auto", "cpu" or "gpu"`}
}

// Options say where to run and tune each backend.
type Options struct {
	Kind Kind // "" is Auto
	CPU  cpu.Options
	GPU  gpu.Options
}

// Choose resolves k to the backend a population would run on: Auto becomes GPU when a
// hardware GPU is reachable (gpu.Probe), else CPU; CPU and GPU stay as they are.
func Choose(k Kind) (Kind, error) { return ChooseFor(Options{Kind: k}) }

// ChooseFor is Choose for opts.Kind on the GPU device opts.GPU.Device names: Auto
// probes that device (gpu.ProbeFor), and a device that EGL does not list is an error
// (a *gpu.DeviceError), not a reason to run on the CPU.
func ChooseFor(opts Options) (Kind, error) {
	k, err := Parse(string(opts.Kind))
	if err != nil {
		return "", err
	}
	if k != Auto {
		return k, nil
	}
	hw, err := gpu.ProbeFor(opts.GPU.Device)
	if _, ok := errors.AsType[*gpu.DeviceError](err); ok {
		return "", err
	}
	if err == nil && hw {
		return GPU, nil
	}
	return CPU, nil
}

// New makes a population of cfg on the backend that ChooseFor(opts) gives.
func New(cfg lifgpu.Config, opts Options) (lifgpu.Population, error) {
	k, err := ChooseFor(opts)
	if err != nil {
		return nil, err
	}
	if k == GPU {
		p, err := gpu.New(cfg, opts.GPU)
		if err != nil {
			return nil, fmt.Errorf("backend gpu: %w", err)
		}
		return p, nil
	}
	return cpu.New(cfg, opts.CPU)
}
