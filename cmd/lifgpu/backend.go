package main

import (
	"fmt"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/gpu"
)

// newPopulation makes a population on the named backend. auto picks a hardware GPU
// when there is one and the CPU otherwise: a software renderer (llvmpipe) runs only
// when -backend gpu asks for it, since it is for testing.
func newPopulation(backend string, cfg lifgpu.Config) (lifgpu.Population, error) {
	switch backend {
	case "cpu":
		return cpu.New(cfg, cpu.Options{})
	case "gpu":
		p, err := gpu.New(cfg, gpu.Options{})
		if err != nil {
			return nil, fmt.Errorf("backend gpu: %w", err)
		}
		return p, nil
	case "auto":
		if hw, err := gpu.Probe(); err == nil && hw {
			return newPopulation("gpu", cfg)
		}
		return cpu.New(cfg, cpu.Options{})
	}
	return nil, fmt.Errorf("backend %q: must be auto, cpu or gpu", backend)
}

// benchFactory makes populations of one backend for lifgpu bench.
func benchFactory(backend string) (bench.Factory, error) {
	switch backend {
	case "cpu", "gpu":
		if backend == "gpu" {
			if _, err := gpu.Probe(); err != nil {
				return nil, err
			}
		}
		return func(cfg lifgpu.Config) (lifgpu.Population, error) { return newPopulation(backend, cfg) }, nil
	}
	return nil, fmt.Errorf("backend %q: must be cpu or gpu", backend)
}
