package main

import (
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/bench"
	"github.com/lifgpu/lifgpu/gpu"
)

// benchFactory makes populations of one backend for lifgpu bench, the GPU's on EGL
// device *device (nil: the automatic choice).
func benchFactory(name string, device *int) (bench.Factory, error) {
	k, err := backend.Parse(name)
	if err != nil {
		return nil, err
	}
	if k == backend.Auto {
		return nil, &lifgpu.FieldError{Field: "-backend", Value: name, Rule: "bench measures one backend at a time: cpu, gpu or all"}
	}
	if k == backend.GPU {
		if _, err := gpu.ProbeFor(device); err != nil {
			return nil, err
		}
	}
	opts := backend.Options{Kind: k, GPU: gpu.Options{Device: device}}
	return func(cfg lifgpu.Config) (lifgpu.Population, error) { return backend.New(cfg, opts) }, nil
}
