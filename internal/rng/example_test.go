package rng_test

import (
	"fmt"

	"github.com/lifgpu/lifgpu/internal/rng"
)

// The noise and Poisson input of neuron 5 at step 7: the same values on every backend,
// whatever the population size or chunking.
func Example() {
	const seed = 2026
	nt := rng.NewNormalTable()
	pt, err := rng.NewPoissonTable(0.5) // e.g. 5000 Hz * 0.1 ms
	if err != nil {
		panic(err)
	}
	w := rng.Draw(seed, rng.StreamNoise, 5, 7)
	z := nt.Sample(w[0], w[1])
	fmt.Printf("draw %08x, z = %.6f, noise = %.6f nA\n", w, z, rng.Noise(0.1, 0.5, z))
	p := rng.Draw(seed, rng.StreamPoisson, 5, 7)
	k := pt.Sample(5, p[0])
	fmt.Printf("k = %d, input = %.6f nA\n", k, rng.PoissonCurrent(0.25, k))

	_, err = rng.NewPoissonTable(500)
	fmt.Println(err)
	// Output:
	// draw [39dc4e73 8ac804d9 f3138570 06f6d094], z = -0.752026, noise = -0.276013 nA
	// k = 1, input = 0.250000 nA
	// rng: Poisson mean 500 events per step needs more than 256 thresholds (the limit, reached at a mean of about 168.1); lower rate*dt, or model the input as Gaussian noise of mean lambda*weight and standard deviation sqrt(lambda)*weight
}
