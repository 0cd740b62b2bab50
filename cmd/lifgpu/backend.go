package main

import (
	"fmt"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/cpu"
)

// newPopulation makes a population on the named backend. auto picks a hardware GPU
// when there is one and the CPU otherwise.
func newPopulation(backend string, cfg lifgpu.Config) (lifgpu.Population, error) {
	switch backend {
	case "cpu", "auto":
		return cpu.New(cfg, cpu.Options{})
	case "gpu":
		return nil, fmt.Errorf("backend gpu: %w: the GPU backend is not built yet; use -backend cpu", lifgpu.ErrNoGPU)
	}
	return nil, fmt.Errorf("backend %q: must be auto, cpu or gpu", backend)
}

// benchFactory makes populations of one backend for lifgpu bench.
func benchFactory(backend string) (bench.Factory, error) {
	switch backend {
	case "cpu":
		return func(cfg lifgpu.Config) (lifgpu.Population, error) { return cpu.New(cfg, cpu.Options{}) }, nil
	case "gpu":
		return nil, fmt.Errorf("backend gpu: %w", lifgpu.ErrNoGPU)
	}
	return nil, fmt.Errorf("backend %q: must be cpu or gpu", backend)
}
