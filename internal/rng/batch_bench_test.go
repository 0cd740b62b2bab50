package rng

import (
	"fmt"
	"testing"
)

// benchBatch is the batch of the batched benchmarks: a block of 512 neurons, as the CPU
// backend draws them.
const benchBatch = 512

// BenchmarkDrawN: words 0 and 1 of 512 neurons, by a loop of Draw and by DrawN on each
// implementation; ns/neuron is the cost per neuron-step.
func BenchmarkDrawN(b *testing.B) {
	w0 := make([]uint32, benchBatch)
	w1 := make([]uint32, benchBatch)
	b.Run("scalar-Draw", func(b *testing.B) {
		step := uint64(0)
		for b.Loop() {
			for i := range uint32(benchBatch) {
				w := Draw(1, StreamNoise, i, step)
				w0[i], w1[i] = w[0], w[1]
			}
			step++
		}
		reportPerNeuron(b)
	})
	for _, d := range drawImpls {
		b.Run(d.name, func(b *testing.B) {
			step := uint64(0)
			for b.Loop() {
				drawNWith(d, 1, StreamNoise, 0, step, w0, w1)
				step++
			}
			reportPerNeuron(b)
		})
		b.Run(d.name+"-w0only", func(b *testing.B) {
			step := uint64(0)
			for b.Loop() {
				drawNWith(d, 1, StreamPoisson, 0, step, w0, nil)
				step++
			}
			reportPerNeuron(b)
		})
	}
}

// BenchmarkNoiseN: the whole Gaussian draw of 512 neurons (DrawN + SampleN), against
// the scalar Draw + Sample loop.
func BenchmarkNoiseN(b *testing.B) {
	nt := NewNormalTable()
	w0 := make([]uint32, benchBatch)
	w1 := make([]uint32, benchBatch)
	z := make([]float32, benchBatch)
	b.Run("scalar", func(b *testing.B) {
		step := uint64(0)
		for b.Loop() {
			for i := range uint32(benchBatch) {
				w := Draw(1, StreamNoise, i, step)
				z[i] = nt.Sample(w[0], w[1])
			}
			step++
		}
		reportPerNeuron(b)
	})
	for _, d := range drawImpls {
		for _, s := range normalImpls {
			b.Run(d.name+"+"+s.name, func(b *testing.B) {
				step := uint64(0)
				for b.Loop() {
					drawNWith(d, 1, StreamNoise, 0, step, w0, w1)
					s.sample(nt, w0, w1, z)
					step++
				}
				reportPerNeuron(b)
			})
		}
	}
}

// BenchmarkSampleN: NormalTable.SampleN alone, per implementation, on real draws.
func BenchmarkSampleN(b *testing.B) {
	nt := NewNormalTable()
	const steps = 16
	w0 := make([]uint32, benchBatch*steps)
	w1 := make([]uint32, benchBatch*steps)
	for s := range steps {
		DrawN(1, StreamNoise, 0, uint64(s), w0[s*benchBatch:(s+1)*benchBatch], w1[s*benchBatch:(s+1)*benchBatch])
	}
	z := make([]float32, benchBatch)
	b.Run("scalar-Sample", func(b *testing.B) {
		s := 0
		for b.Loop() {
			r, r2 := w0[s*benchBatch:], w1[s*benchBatch:]
			for i := range z {
				z[i] = nt.Sample(r[i], r2[i])
			}
			s = (s + 1) % steps
		}
		reportPerNeuron(b)
	})
	for _, impl := range normalImpls {
		b.Run(impl.name, func(b *testing.B) {
			s := 0
			for b.Loop() {
				impl.sample(nt, w0[s*benchBatch:(s+1)*benchBatch], w1[s*benchBatch:(s+1)*benchBatch], z)
				s = (s + 1) % steps
			}
			reportPerNeuron(b)
		})
	}
}

// BenchmarkPoissonN: the Poisson draw of 512 neurons (DrawN word 0 + SampleN).
func BenchmarkPoissonN(b *testing.B) {
	pt, err := NewPoissonTable(0.08)
	if err != nil {
		b.Fatal(err)
	}
	w0 := make([]uint32, benchBatch)
	k := make([]uint32, benchBatch)
	step := uint64(0)
	for b.Loop() {
		DrawN(1, StreamPoisson, 0, step, w0, nil)
		pt.SampleN(0, w0, k)
		step++
	}
	reportPerNeuron(b)
}

func reportPerNeuron(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchBatch, "ns/neuron")
}

// BenchmarkPoissonCount: the counts alone (PoissonTable.SampleN's kernels) of 512 real
// draws, at bench's mean (800 Hz x 0.1 ms = 0.08 a step) and a larger one. The draws
// of 128 steps take turns (256 KiB): with few, the branch predictor learns where each
// group of 16 neurons stops counting, which it cannot in a run.
func BenchmarkPoissonCount(b *testing.B) {
	const steps = 128
	w0 := make([]uint32, benchBatch*steps)
	for s := range steps {
		DrawN(1, StreamPoisson, 0, uint64(s), w0[s*benchBatch:(s+1)*benchBatch], nil)
	}
	k := make([]uint32, benchBatch)
	for _, lambda := range []float64{0.08, 2} {
		pt, err := NewPoissonTable(lambda)
		if err != nil {
			b.Fatal(err)
		}
		for _, impl := range poissonImpls {
			b.Run(fmt.Sprintf("lambda=%g/%s", lambda, impl.name), func(b *testing.B) {
				s := 0
				for b.Loop() {
					impl.sample(pt.t, pt.kmax, 0, w0[s*benchBatch:(s+1)*benchBatch], k)
					s = (s + 1) % steps
				}
				reportPerNeuron(b)
			})
		}
	}
}
