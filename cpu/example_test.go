package cpu_test

import (
	"fmt"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
)

// The seed's example: one neuron with the default parameters, input 4 nA every step.
func Example() {
	pop, err := cpu.New(lifgpu.Config{N: 1}, cpu.Options{})
	if err != nil {
		panic(err)
	}
	defer pop.Close()
	var steps []int64
	for range 300 {
		pop.Forward(lifgpu.Scalar(4))
		if s, _ := pop.Spiked(); len(s) > 0 {
			steps = append(steps, pop.StepCount()-1)
		}
	}
	fmt.Println("spikes at steps", steps)
	// Output: spikes at steps [13 77 141 205 269]
}

// Run with a held bias, recording the spike list of three neurons.
func ExamplePopulation_Run() {
	cfg := lifgpu.Config{N: 3, Record: lifgpu.Record{Spikes: true}}
	cfg.Input.Bias = lifgpu.Float32s([]float32{0.4, 0.6, 1.0}) // nA; rheobase is 0.5 nA
	pop, _ := cpu.New(cfg, cpu.Options{})
	defer pop.Close()
	pop.Run(1000) // 100 ms; closed form: first spikes at steps 68 (1.0 nA) and 178 (0.6 nA)
	rec, _ := pop.Recording()
	counts := make([]uint32, 3)
	pop.Counts(counts)
	fmt.Println("spike counts", counts)
	fmt.Println("first spike: step", rec.SpikeSteps[0], "neuron", rec.SpikeIDs[0])
	// Output:
	// spike counts [0 4 8]
	// first spike: step 68 neuron 2
}
