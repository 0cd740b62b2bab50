package lifgpu_test

import (
	"fmt"
	"log"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
)

// A network of 800 excitatory and 200 inhibitory neurons, each pair connected with
// probability 0.05, driven by a bias and Gaussian noise: README.md shows this code.
func Example_network() {
	cfg := lifgpu.Config{N: 1000, Seed: 1}
	cfg.Input.Bias = lifgpu.Scalar(0.55) // nA: rheobase is 0.5 nA
	cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(0.5)}
	cfg.Groups = []lifgpu.Group{{Name: "E", N: 800}, {Name: "I", N: 200}} // optional names
	// Two ports, chosen by the weight's sign: exponential currents of 5 and 10 ms.
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Scalar(5), TauSynIn: lifgpu.Scalar(10)}
	// Pairwise Bernoulli connections: weights in nA, delays in ms (a mean and a spread).
	cfg.Projections = []lifgpu.Projection{
		{Name: "E", PreRange: lifgpu.Range{Lo: 0, Hi: 800}, PostRange: lifgpu.Range{Lo: 0, Hi: 1000}, P: 0.05,
			WeightDist: lifgpu.Dist{Mean: 0.1}, DelayDist: lifgpu.Dist{Mean: 1.5, Std: 0.5}}, // nA, ms
		{Name: "I", PreRange: lifgpu.Range{Lo: 800, Hi: 1000}, PostRange: lifgpu.Range{Lo: 0, Hi: 1000}, P: 0.05,
			WeightDist: lifgpu.Dist{Mean: -0.4}, DelayDist: lifgpu.Dist{Mean: 0.8}},
	}
	pop, err := cpu.New(cfg, cpu.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer pop.Close()
	if err := pop.Run(10_000); err != nil { // one second
		log.Fatal(err)
	}
	counts := make([]uint32, cfg.N)
	if err := pop.Counts(counts); err != nil {
		log.Fatal(err)
	}
	var e, i uint32
	for k, c := range counts {
		if k < 800 {
			e += c
		} else {
			i += c
		}
	}
	fmt.Printf("E %.1f Hz, I %.1f Hz\n", float64(e)/800, float64(i)/200)
	st, err := pop.State() // u, ref, counts, and the synaptic currents and delay rings
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("i_ex[0] = %.3f nA, %d ring slots\n", st.IEx[0], len(st.RingEx)/cfg.N)
	// Output:
	// E 13.6 Hz, I 14.9 Hz
	// i_ex[0] = 0.660 nA, 50 ring slots
}
