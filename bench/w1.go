package bench

import "github.com/lifgpu/lifgpu"

// W1Steps is the step count of workload W1.
const W1Steps = 1000

// W1 is workload W1 for n neurons, recording spikes when spikes is set.
func W1(n int, spikes bool) lifgpu.Config {
	bias := make([]float32, n)
	for i := range bias {
		bias[i] = float32(15 + 30*float64(i)/float64(n))
	}
	cfg := lifgpu.Config{N: n, Record: lifgpu.Record{Spikes: spikes}}
	cfg.Params = lifgpu.Params{
		Dt: 0.1, TauM: lifgpu.Scalar(10), R: lifgpu.Scalar(1), URest: lifgpu.Scalar(-70),
		UReset: lifgpu.Scalar(-70), UTh: lifgpu.Scalar(-50), TRef: lifgpu.Scalar(2),
	}
	cfg.Input.Bias = lifgpu.Float32s(bias)
	return cfg
}
