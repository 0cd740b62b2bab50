package gpu_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/gpu"
)

// A population on the GPU, or on the CPU where none can be made: the output is the same
// bits either way.
func Example() {
	cfg := lifgpu.Config{N: 4096}
	cfg.Input.Bias = lifgpu.Scalar(0.7)
	var pop lifgpu.Population
	pop, err := gpu.New(cfg, gpu.Options{})
	if errors.Is(err, lifgpu.ErrNoGPU) {
		pop, err = cpu.New(cfg, cpu.Options{}) // fall back to the CPU
	}
	if err != nil {
		log.Fatal(err)
	}
	defer pop.Close()
	if err := pop.Run(10_000); err != nil {
		log.Fatal(err)
	}
	u := make([]float32, cfg.N)
	if err := pop.Potentials(u); err != nil {
		log.Fatal(err)
	}
	counts := make([]uint32, cfg.N)
	if err := pop.Counts(counts); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("u[0] = %.6f mV, %d spikes each\n", u[0], counts[0])
	// Output: u[0] = -58.889503 mV, 57 spikes each
}
