package cpu

import (
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"
)

// BenchmarkPropagate compares two lock-free ways of propagating a chunk's spikes into
// the rings, on the stored CUBA-like network of 200,000 neurons and 2*10^7 synapses
// (in-degree 100) with 2000 spiking rows a chunk (10 Hz at N = 10^6 and dt = 0.1 ms):
// post-range, what propagateChunk does (each worker takes its posts of every row), and
// atomic (each worker takes its share of the spikes and adds with atomic.AddInt32).
// Both give the same rings (integer sums).
func BenchmarkPropagate(b *testing.B) {
	const n, spikes = 200_000, 2000
	pop, err := New(cuba(n, 100, false), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer pop.Close()
	r := rand.New(rand.NewPCG(1, 2))
	ranges := pop.ranges()
	outs := make([]workerOut, len(ranges))
	var events float64
	for range spikes {
		i := int32(r.IntN(n))
		w := slices.IndexFunc(ranges, func(x [2]int) bool { return int(i) < x[1] })
		outs[w].ev = append(outs[w].ev, event{j: 0, i: i})
		events += float64(pop.m.Net.RowStart[i+1] - pop.m.Net.RowStart[i])
	}
	report := func(b *testing.B) {
		b.ReportMetric(events*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	}
	b.Run("post-range", func(b *testing.B) {
		for b.Loop() {
			pop.propagateChunk(outs, ranges, 0)
		}
		report(b)
	})
	b.Run("atomic", func(b *testing.B) {
		net, D, stride := pop.m.Net, pop.m.Net.D, pop.stride
		rings := [2]unsafe.Pointer{unsafe.Pointer(&pop.ringEx[0]), unsafe.Pointer(&pop.ringIn[0])}
		for b.Loop() {
			var wg sync.WaitGroup
			for w := range outs {
				wg.Go(func() {
					for _, ev := range outs[w].ev {
						a, e := net.RowStart[ev.i], net.RowStart[ev.i+1]
						post, wq, d := net.Post[a:e], net.Wq[a:e], net.Delay[a:e]
						sd := int(int64(ev.j) % int64(D))
						for k, j := range post {
							t := sd + int(d[k])
							if t >= D {
								t -= D
							}
							at := (*int32)(unsafe.Add(rings[uint32(wq[k])>>31], 4*(t*stride+int(j))))
							atomic.AddInt32(at, wq[k])
						}
					}
				})
			}
			wg.Wait()
		}
		report(b)
	})
}
