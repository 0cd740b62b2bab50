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
	r, r2 := rng.NoiseWords(seed, 5, 7) // words 2 and 3 of the noise draw at counter step 3
	z := nt.Sample(r, r2)
	fmt.Printf("words %08x %08x, z = %.6f, noise = %.6f nA\n", r, r2, z, rng.Noise(0.1, 0.5, z))
	k := pt.Sample(5, rng.PoissonWord(seed, 5, 7)) // word 3 of the Poisson draw at counter step 1
	fmt.Printf("k = %d, input = %.6f nA\n", k, rng.PoissonCurrent(0.25, k))

	_, err = rng.NewPoissonTable(500)
	fmt.Println(err)
	// Output:
	// words 3af65515 16583229, z = -0.737789, noise = -0.268895 nA
	// k = 1, input = 0.250000 nA
	// rng: Poisson mean 500 events per step needs more than 256 thresholds (the limit, reached at a mean of about 168.1); lower rate*dt, or model the input as Gaussian noise of mean lambda*weight and standard deviation sqrt(lambda)*weight
}
