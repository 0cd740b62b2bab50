package rng

import (
	"testing"
)

var sinkF float32
var sinkU uint32

// BenchmarkPhilox: one Philox4x32-10 block (four words).
func BenchmarkPhilox(b *testing.B) {
	var acc uint32
	i := uint32(0)
	for b.Loop() {
		acc += Draw(1, StreamNoise, i, 7)[0]
		i++
	}
	sinkU = acc
}

// BenchmarkNoise: the Gaussian current of one neuron-step: Draw + NormalTable.Sample +
// Noise.
func BenchmarkNoise(b *testing.B) {
	nt := NewNormalTable()
	var acc float32
	i := uint32(0)
	for b.Loop() {
		w := Draw(1, StreamNoise, i, 7)
		acc += Noise(0.5, 2, nt.Sample(w[0], w[1]))
		i++
	}
	sinkF = acc
}

// BenchmarkPoisson: the Poisson current of one neuron-step: Draw + PoissonTable.Sample +
// PoissonCurrent, for a small and a large mean.
func BenchmarkPoisson(b *testing.B) {
	for _, c := range []struct {
		name   string
		lambda float64
	}{{"lambda=0.08", 0.08}, {"lambda=20", 20}} {
		b.Run(c.name, func(b *testing.B) {
			pt, err := NewPoissonTable(c.lambda)
			if err != nil {
				b.Fatal(err)
			}
			var acc float32
			i := uint32(0)
			for b.Loop() {
				acc += PoissonCurrent(0.1, pt.Sample(0, Draw(1, StreamPoisson, i, 7)[0]))
				i++
			}
			sinkF = acc
		})
	}
}

// BenchmarkTables: building the tables (host side, once per run).
func BenchmarkTables(b *testing.B) {
	b.Run("normal", func(b *testing.B) {
		for b.Loop() {
			NewNormalTable()
		}
	})
	b.Run("poisson-1e5-neurons", func(b *testing.B) {
		l := make([]float64, 100000)
		for i := range l {
			l[i] = 0.01 + float64(i%100)*0.01
		}
		for b.Loop() {
			if _, err := NewPoissonTable(l...); err != nil {
				b.Fatal(err)
			}
		}
	})
}
