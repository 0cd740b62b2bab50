package backend_test

import (
	"fmt"
	"log"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
)

// The seed's LIFPopulation(n) and forward(x), on whatever this machine offers: a
// hardware GPU if there is one, else the CPU, with the same bits either way.
func Example() {
	cfg := lifgpu.Config{N: 1}
	pop, err := backend.New(cfg, backend.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer pop.Close()
	var first int64 = -1
	for pop.StepCount() < 100 && first < 0 {
		if err := pop.Forward(lifgpu.Scalar(4)); err != nil { // 4 nA
			log.Fatal(err)
		}
		if s, _ := pop.Spiked(); len(s) > 0 {
			first = pop.StepCount() - 1
		}
	}
	fmt.Println("first spike at step", first)
	// Output: first spike at step 13
}

func ExampleParse() {
	_, err := backend.Parse("tpu")
	fmt.Println(err)
	// Output: lifgpu: backend = "tpu": must be "auto", "cpu" or "gpu"
}
