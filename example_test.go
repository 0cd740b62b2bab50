package lifgpu_test

import (
	"fmt"
	"log"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/cpu"
)

// A thousand neurons with a held bias, stepped once with Forward (the seed's
// forward(x)) and then by Run, on whatever the machine offers: README.md shows this
// code.
func Example() {
	cfg := lifgpu.Config{N: 1000}       // the seed's LIFPopulation(n), with its defaults
	cfg.Input.Bias = lifgpu.Scalar(0.8) // nA, or lifgpu.Float32s(perNeuron)
	cfg.Record.Spikes = true
	pop, err := backend.New(cfg, backend.Options{}) // a hardware GPU if there is one, else the CPU
	if err != nil {
		log.Fatal(err)
	}
	defer pop.Close()
	if err := pop.Forward(lifgpu.Scalar(4)); err != nil { // one step with 4 nA more
		log.Fatal(err)
	}
	if err := pop.Run(9_999); err != nil { // one second of model time in all
		log.Fatal(err)
	}
	rec, err := pop.Recording() // spikes (step, neuron), rate, traces
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(rec.SpikeSteps), "spikes, the first at step", rec.SpikeSteps[0])
	// Output: 67000 spikes, the first at step 92
}

// The seed's example on the CPU reference: one neuron, 4 nA every step; doc.go shows
// this code.
func Example_seed() {
	pop, err := cpu.New(lifgpu.Config{N: 1}, cpu.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer pop.Close()
	for pop.StepCount() < 200 {
		if err := pop.Forward(lifgpu.Scalar(4)); err != nil {
			log.Fatal(err)
		}
		if spiked, _ := pop.Spiked(); len(spiked) > 0 {
			fmt.Println("spike at step", pop.StepCount()-1)
		}
	}
	// Output:
	// spike at step 13
	// spike at step 77
	// spike at step 141
}
