package conformance

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/compare"
)

// Shards checks that a shard of a population (lifgpu.Config.Shard) gives, on f, the bits
// of the same neurons of the whole population on the reference: u, ref and counts,
// the spikes (renumbered), the rate of its neurons and the traces of those it holds,
// with noise, Poisson input and every parameter per neuron, over shard bounds that cut
// through blocks, a Run and a Forward. A network is refused.
func Shards(t *testing.T, f Factory) {
	const n, steps = 3000, 300
	cfg := lifgpu.Config{N: n, Seed: 77}
	bias := make([]float32, n)
	std := make([]float64, n)
	tau := make([]float64, n)
	sched := make([]float32, n)
	for i := range n {
		bias[i] = 0.3 + 0.5*float32(i%97)/97
		std[i] = 0.2 + 0.3*float64(i%13)/13
		tau[i] = 8 + 4*float64(i%7)/7
		sched[i] = 0.1 * float32(i%5)
	}
	cfg.Params.TauM = lifgpu.Float64s(tau)
	cfg.Input.Bias = lifgpu.Float32s(bias)
	cfg.Input.Schedule = []lifgpu.ScheduleEntry{{Step: 100, Value: lifgpu.Float32s(sched)}}
	cfg.Input.Noise = lifgpu.Noise{Mean: lifgpu.Scalar(0.05), Std: lifgpu.Float64s(std)}
	cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(900), Weight: lifgpu.Scalar(0.4)}
	cfg.Record = lifgpu.Record{Spikes: true, Rate: true, Traces: []int{2500, 5, 700, 1500, 2999}, TraceEvery: 3}
	advance := func(p lifgpu.Population) {
		t.Helper()
		if err := p.Run(150); err != nil {
			t.Fatal(err)
		}
		if err := p.Forward(lifgpu.Scalar(0.25)); err != nil {
			t.Fatal(err)
		}
		if err := p.Run(steps - 151); err != nil {
			t.Fatal(err)
		}
	}
	whole := mustNew(t, Reference, cfg)
	defer whole.Close()
	advance(whole)
	ws, err := whole.State()
	if err != nil {
		t.Fatal(err)
	}
	wr, err := whole.Recording()
	if err != nil {
		t.Fatal(err)
	}
	if len(wr.SpikeSteps) == 0 {
		t.Fatal("the whole population never spiked: the test shows nothing")
	}
	for _, r := range [][2]int{{0, 700}, {700, 2049}, {2049, 3000}, {1, 2}} {
		t.Run(fmt.Sprintf("%d-%d", r[0], r[1]), func(t *testing.T) {
			lo, hi := r[0], r[1]
			sc, err := cfg.Shard(lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			p := mustNew(t, f, sc)
			defer p.Close()
			advance(p)
			st, err := p.State()
			if err != nil {
				t.Fatal(err)
			}
			want := lifgpu.State{Step: ws.Step, U: ws.U[lo:hi], Ref: ws.Ref[lo:hi], Counts: ws.Counts[lo:hi]}
			if d := compare.States(want, st); d != "" {
				t.Fatalf("%s, shard [%d, %d): %s", p.Backend(), lo, hi, d)
			}
			got, err := p.Recording()
			if err != nil {
				t.Fatal(err)
			}
			if d := compare.Recordings(shardOf(wr, lo, hi), got); d != "" {
				t.Fatalf("%s, shard [%d, %d) (neurons numbered from %d): %s", p.Backend(), lo, hi, lo, d)
			}
		})
	}
	netCfg := lifgpu.Config{N: 10, Projections: []lifgpu.Projection{{PreRange: lifgpu.Range{Lo: 0, Hi: 10}, PostRange: lifgpu.Range{Lo: 0, Hi: 10}, P: 0.5,
		WeightDist: lifgpu.Dist{Mean: 0.1}, DelayDist: lifgpu.Dist{Mean: 1}}}}
	if _, err := netCfg.Shard(0, 5); !errors.Is(err, lifgpu.ErrNetworkShard) {
		t.Errorf("a network's shard: err = %v, want ErrNetworkShard", err)
	}
	netCfg.First = 5
	if _, err := f(netCfg); err == nil {
		t.Error("a network with First = 5 was made; want an error")
	}
}

// shardOf is what the neurons [lo, hi) of recording r record as a population of their
// own: their spikes renumbered from lo, their spike count a step, their traces.
func shardOf(r *lifgpu.Recording, lo, hi int) *lifgpu.Recording {
	out := &lifgpu.Recording{Dt: r.Dt, Start: r.Start, RecordSpike: r.RecordSpike, RecordRate: r.RecordRate, TraceSteps: r.TraceSteps}
	out.Rate = make([]uint32, len(r.Rate))
	for k, id := range r.SpikeIDs {
		if int(id) >= lo && int(id) < hi {
			out.SpikeSteps = append(out.SpikeSteps, r.SpikeSteps[k])
			out.SpikeIDs = append(out.SpikeIDs, id-int32(lo))
			out.Rate[int64(r.SpikeSteps[k])-r.Start]++
		}
	}
	var cols []int
	for c, id := range r.TraceIDs {
		if int(id) >= lo && int(id) < hi {
			cols = append(cols, c)
			out.TraceIDs = append(out.TraceIDs, id-int32(lo))
		}
	}
	if len(cols) == 0 {
		out.TraceSteps = nil // a population that traces no neuron records no rows
	}
	nc := len(r.TraceIDs)
	for row := range len(r.TraceSteps) {
		for _, c := range cols {
			out.Traces = append(out.Traces, r.Traces[row*nc+c])
		}
	}
	return out
}
