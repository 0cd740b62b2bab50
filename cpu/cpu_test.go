package cpu_test

import (
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
)

func factory(opts cpu.Options) conformance.Factory {
	return func(cfg lifgpu.Config) (lifgpu.Population, error) { return cpu.New(cfg, opts) }
}

var scale = conformance.Scale{MaxN: 3000, MaxSteps: 700, Cases: 30}

func TestConformance(t *testing.T) {
	for _, k := range cpu.Kernels() {
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			conformance.Run(t, factory(cpu.Options{Kernel: k}), scale)
		})
	}
}

// TestWorkersAndChunks: results do not depend on the number of workers or the steps
// a block advances per call.
func TestWorkersAndChunks(t *testing.T) {
	for _, o := range []cpu.Options{{Workers: 1}, {Workers: 3, ChunkSteps: 7}, {Workers: 8, ChunkSteps: 1}, {Workers: 2, ChunkSteps: 1000}} {
		conformance.Random(t, factory(o), conformance.Scale{MaxN: 5000, MaxSteps: 300, Cases: 6})
	}
}
