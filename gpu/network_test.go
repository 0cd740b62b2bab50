//go:build cgo && egl

package gpu

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

func TestNetworkHandComputed(t *testing.T) {
	conformance.HandComputed(t, factory(t, Options{}, gpuhook.Hooks{}))
}

// TestNetworkConformance: random networks (heterogeneous delays, both ports, delta and
// exponential currents, Euler and exact, noise and Poisson, stored and procedural
// projections) against the reference after every call of a random plan, the currents
// and rings included; then with small storage blocks and spike lists.
func TestNetworkConformance(t *testing.T) {
	conformance.Network(t, factory(t, Options{}, gpuhook.Hooks{}), conformance.Scale{MaxN: 1500, MaxSteps: 300, Cases: 12})
	conformance.Network(t, factory(t, Options{StepsPerDispatch: 13}, gpuhook.Hooks{MaxBlockSize: 16 << 10, SpikeBuffer: 40}),
		conformance.Scale{MaxN: 800, MaxSteps: 150, Cases: 4})
}

func TestNetworkStoredProcedural(t *testing.T) {
	conformance.StoredProcedural(t, factory(t, Options{}, gpuhook.Hooks{}))
}

// TestNetworkResume restores the reference's network state (currents and rings) into
// GPU populations, whole and split, and the GPU's into the reference.
func TestNetworkResume(t *testing.T) {
	conformance.NetworkResume(t, factory(t, Options{}, gpuhook.Hooks{}), conformance.Scale{MaxN: 1200, MaxSteps: 200, Cases: 8})
	conformance.NetworkResume(t, factory(t, Options{StepsPerDispatch: 7}, gpuhook.Hooks{MaxBlockSize: 16 << 10}), conformance.Scale{MaxN: 800, MaxSteps: 120, Cases: 4})
}

// netConfig is a network for the GPU's own paths: n neurons whose shortest delay is
// minDelay steps (so that a dispatch pair takes that many), a stored Bernoulli
// projection with long rows (p = 0.8 from a quarter of the neurons to all: rows of
// 0.8 n synapses, several workgroups each), a procedural one, an inhibitory in-degree
// one, explicit synapses (two of whose weights round to 0) and a procedural p = 1
// projection with a constant weight; per-neuron tau_syn_ex with some delta neurons,
// noise and Poisson input, every recording.
func netConfig(r *rand.Rand, n, minDelay int, method lifgpu.Method, rec bool) lifgpu.Config {
	dt := 0.1
	arr := func(lo, hi float64) lifgpu.Values {
		v := make([]float64, n)
		for i := range v {
			v[i] = lo + (hi-lo)*r.Float64()
		}
		return lifgpu.Float64s(v)
	}
	cfg := lifgpu.Config{N: n, Seed: r.Uint64()}
	cfg.Params = lifgpu.Params{Method: method, Dt: dt, TRef: arr(0, 2)}
	cfg.Input.Bias = arr(0.4, 0.9)
	cfg.Input.Noise = lifgpu.Noise{Std: lifgpu.Scalar(0.3)}
	cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Scalar(800), Weight: lifgpu.Scalar(0.1)}
	tauEx := make([]float64, n)
	for i := range tauEx {
		if r.IntN(5) > 0 {
			tauEx[i] = 1 + 4*r.Float64()
		}
	}
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Float64s(tauEx), TauSynIn: lifgpu.Scalar(0)}
	if r.IntN(2) == 0 {
		cfg.Synapses.TauSynIn = lifgpu.Scalar(3)
	}
	all := lifgpu.Range{Lo: 0, Hi: n}
	d := float64(minDelay)
	ex := lifgpu.Projection{Name: "explicit"}
	for range 50 {
		ex.Pre = append(ex.Pre, int32(r.IntN(n)))
		ex.Post = append(ex.Post, int32(r.IntN(n)))
		ex.Weight = append(ex.Weight, r.NormFloat64())
		ex.Delay = append(ex.Delay, dt*(d+float64(r.IntN(9))))
	}
	ex.Weight[0], ex.Weight[1] = 0, 1e-12 // weights that round to 0: not on the device
	cfg.Projections = []lifgpu.Projection{
		{Name: "long", PreRange: lifgpu.Range{Lo: 0, Hi: n / 4}, PostRange: all, P: 0.8,
			WeightDist: lifgpu.Dist{Mean: 0.05, Std: 0.03}, DelayDist: lifgpu.Dist{Mean: dt * (d + 3), Std: dt * 0.3}},
		{Name: "procedural", PreRange: lifgpu.Range{Lo: n / 4, Hi: n / 2}, PostRange: all, P: 0.1, Procedural: true, NoAutapses: true,
			WeightDist: lifgpu.Dist{Mean: -0.2, Std: 0.1}, DelayDist: lifgpu.Dist{Mean: dt * (d + 1)}},
		{Name: "in-degree", PreRange: lifgpu.Range{Lo: n / 2, Hi: n}, PostRange: all, InDegree: 5,
			WeightDist: lifgpu.Dist{Mean: -0.5}, DelayDist: lifgpu.Dist{Mean: dt * d}},
		ex,
		{Name: "all-to-all", PreRange: lifgpu.Range{Lo: n / 2, Hi: 3 * n / 4}, PostRange: lifgpu.Range{Lo: n / 4, Hi: n / 2}, P: 1, Procedural: true,
			WeightDist: lifgpu.Dist{Mean: 0.01}, DelayDist: lifgpu.Dist{Mean: dt * (d + 2), Std: dt * 0.2}},
	}
	if rec {
		cfg.Record = lifgpu.Record{Spikes: true, Rate: true, Traces: []int{0, n - 1, n / 2}, TraceEvery: 2}
	} else {
		cfg.Record = lifgpu.Record{Rate: r.IntN(2) == 0}
	}
	return cfg
}

var netCalls = []call{{run: 40}, {x: 1}, {pn: true}, {run: 77}, {run: 3}, {x: -1}, {run: 60}}

// TestNetworkSplit cuts a network into many storage blocks: rings of 512 neurons, row
// chunks of at most 4,088 synapses into one ring chunk each (row parts of ~410 take two
// workgroups and span chunks), and a group limit of 2 in x (propagation grids go up in
// y); dispatch pairs of 1 and 3 steps.
func TestNetworkSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, c := range []struct {
		minDelay int
		method   lifgpu.Method
		rec      bool
	}{{3, lifgpu.Euler, true}, {1, lifgpu.Exact, false}} {
		t.Run(fmt.Sprintf("mindelay%d_%s", c.minDelay, c.method), func(t *testing.T) {
			cfg := netConfig(r, 1200, c.minDelay, c.method, c.rec)
			p := compare(t, cfg, Options{StepsPerDispatch: 25}, gpuhook.Hooks{MaxBlockSize: 32 << 10, MaxGroupCount: 2}, netCalls)
			split, long, rings := 0, 0, map[int]bool{}
			for k, rc := range p.plan.rows {
				if k > 0 && p.plan.rows[k-1].preHi > rc.preLo && p.plan.rows[k-1].ring == rc.ring {
					split++ // a row shared with the chunk before
				}
				if rc.groups > 1 {
					long++
				}
				rings[rc.ring] = true
			}
			if len(p.chunks) < 3 || len(rings) != len(p.chunks) || len(p.plan.rows) < 10 || split == 0 || long == 0 || p.lay.net.minDelay != c.minDelay {
				t.Fatalf("%d ring chunks, %d row chunks (%d rows split, %d with several workgroups a row), min delay %d: the split is not exercised",
					len(p.chunks), len(p.plan.rows), split, long, p.lay.net.minDelay)
			}
			if got, want := p.bufs.bytes(), p.plan.bytes(); p.stats.grown == 0 && got != want {
				t.Errorf("%d bytes of buffers, the plan counts %d", got, want)
			}
			t.Logf("%d ring chunks of %d, %d row chunks (%d rows split, %d with several workgroups a row), %+v", len(p.chunks), p.plan.chunkN, len(p.plan.rows), split, long, p.stats)
		})
	}
}

// TestNetworkRowGroups: rows longer than a workgroup's share (propWG*propPer synapses)
// take several workgroups, whole storage blocks, pairs of several steps.
func TestNetworkRowGroups(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	cfg := netConfig(r, 1500, 4, lifgpu.Euler, true)
	p := compare(t, cfg, Options{}, gpuhook.Hooks{}, netCalls)
	if len(p.plan.rows) != 1 || p.plan.rows[0].groups < 4 {
		t.Fatalf("row chunks %+v: want one, with rows of at least 4 workgroups", p.plan.rows)
	}
}

// TestNetworkWideSynapses: weights of 25 bits (one synapse holds most of the largest
// input, so w_q is near 2^24) with delays of 8 (D = 251) do not fit
// one word beside each other: synapses take three words.
func TestNetworkWideSynapses(t *testing.T) {
	cfg := netConfig(rand.New(rand.NewPCG(51, 52)), 400, 2, lifgpu.Euler, true)
	cfg.Projections = append(cfg.Projections, lifgpu.Projection{Name: "wide", Pre: []int32{0, 1, 2, 3}, Post: []int32{5, 6, 7, 8},
		Weight: []float64{20, -20, 2.5, 3}, Delay: []float64{25, 25, 0.3, 12}})
	p := compare(t, cfg, Options{}, gpuhook.Hooks{}, []call{{run: 150}, {x: 1}, {run: 150}})
	if nl := p.lay.net; nl.synWords != 3 || nl.D != 251 {
		t.Fatalf("%d words a synapse, %d ring slots: want 3 and 251", nl.synWords, nl.D)
	}
	counts := make([]uint32, cfg.N)
	if err := p.Counts(counts); err != nil || min(counts[0], counts[1], counts[2], counts[3]) == 0 {
		t.Fatalf("the wide synapses' pre neurons spiked %v times (%v): the test does not reach them", counts[:4], err)
	}
}

// TestNetworkOverflow starts with tiny spike lists: a batch fails at the pair whose
// spikes do not fit, commits the pairs before it and goes on from there with a grown
// list; with small storage blocks a step's spikes cannot fit one list, and the step
// is done in halves of the chunks. Recorded and unrecorded spike lists.
func TestNetworkOverflow(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	for _, c := range []struct {
		name  string
		rec   bool
		hooks gpuhook.Hooks
	}{
		{"grow", true, gpuhook.Hooks{SpikeBuffer: 5}},
		{"grow-unrecorded", false, gpuhook.Hooks{SpikeBuffer: 3}},
		{"halves", true, gpuhook.Hooks{SpikeBuffer: 5, MaxBlockSize: 4 << 10}},
		{"halves-unrecorded", false, gpuhook.Hooks{SpikeBuffer: 5, MaxBlockSize: 4 << 10}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := netConfig(r, 1200, 2, lifgpu.Exact, c.rec)
			cfg.Projections = cfg.Projections[1:3] // procedural and in-degree: few stored synapses, so that tiny blocks stay few
			cfg.Params.TRef = lifgpu.Scalar(0)
			cfg.Input.Bias = lifgpu.Scalar(3) // dense: hundreds of spikes a step
			p := compare(t, cfg, Options{StepsPerDispatch: 50}, c.hooks, netCalls)
			if p.stats.redone == 0 || p.stats.grown == 0 {
				t.Fatalf("no batch redone or no growth: %+v", p.stats)
			}
			if halves := c.hooks.MaxBlockSize > 0; halves != (p.stats.halved > 0 && p.stats.split > 0) {
				t.Fatalf("halves of steps and of chunks: %+v, want them %v", p.stats, halves)
			}
			t.Logf("%d chunks, list of %d (at most %d), %+v", len(p.chunks), p.spikeCap, p.plan.spikeCapMax, p.stats)
		})
	}
}

// TestNetworkFault injects a failure into network batches: afterwards the population
// refuses to step and to give its state (the rings are written in place) until a
// Restore, and then goes on with the reference's bits.
func TestNetworkFault(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	cfg := netConfig(r, 700, 2, lifgpu.Euler, true)
	for _, after := range []int{1, 5, 12} {
		t.Run(fmt.Sprint("after", after), func(t *testing.T) {
			p := newHooked(t, cfg, Options{StepsPerDispatch: 9}, gpuhook.Hooks{FaultAfter: after, MaxBlockSize: 16 << 10})
			if err := p.Run(80); err == nil || !strings.Contains(err.Error(), "injected fault") {
				t.Fatalf("Run: %v, want the injected fault", err)
			}
			if _, err := p.State(); err == nil {
				t.Fatal("State after a failed network batch: no error")
			}
			if err := p.Run(1); err == nil {
				t.Fatal("a torn population stepped on")
			}
			ref := mustRef(t, cfg)
			defer ref.Close()
			if err := ref.Run(33); err != nil {
				t.Fatal(err)
			}
			st, _ := ref.State()
			ref.ClearRecording()
			if err := p.Restore(st); err != nil {
				t.Fatal(err)
			}
			for _, q := range []lifgpu.Population{ref, p} {
				if err := q.Run(40); err != nil {
					t.Fatal(err)
				}
			}
			if d := conformance.Diff(ref, p); d != "" {
				t.Fatalf("after Restore: %s", d)
			}
		})
	}
}

// TestNetworkEmpty: a network with nothing to propagate (stored weights that are all
// 0, a procedural projection whose rows are empty, no explicit synapse): the rings
// stay 0, and restored currents and rings play out as on the CPU.
func TestNetworkEmpty(t *testing.T) {
	cfg := perNeuron(rand.New(rand.NewPCG(57, 58)), 500, lifgpu.Exact)
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Scalar(2), TauSynIn: lifgpu.Scalar(0)}
	all := lifgpu.Range{Lo: 0, Hi: 500}
	cfg.Projections = []lifgpu.Projection{{Pre: []int32{0, 1}, Post: []int32{1, 2}, Weight: []float64{0, 0}, Delay: []float64{0.1, 0.3}},
		{PreRange: all, PostRange: all, P: 1e-9, Procedural: true, WeightDist: lifgpu.Dist{Mean: 1}, DelayDist: lifgpu.Dist{Mean: 1}},
		{Pre: []int32{}, Post: []int32{}, Weight: []float64{}, Delay: []float64{}}}
	p := compare(t, cfg, Options{}, gpuhook.Hooks{}, netCalls)
	if len(p.plan.rows) != 0 || p.lay.net.stored != 0 || len(p.lay.net.proc) != 1 {
		t.Fatalf("%d row chunks, %d stored synapses, %d procedural projections: want 0, 0, 1", len(p.plan.rows), p.lay.net.stored, len(p.lay.net.proc))
	}
	ref := mustRef(t, cfg)
	defer ref.Close()
	st, err := p.State()
	if err != nil {
		t.Fatal(err)
	}
	for i := range st.IEx {
		st.IEx[i], st.IIn[i] = 1, -2
	}
	for k := range st.RingEx {
		st.RingEx[k], st.RingIn[k] = int32(k), -int32(k)
	}
	for _, q := range []lifgpu.Population{ref, p} {
		if err := q.Restore(st); err != nil {
			t.Fatal(err)
		}
		if err := q.Run(30); err != nil {
			t.Fatal(err)
		}
	}
	if d := conformance.Diff(ref, p); d != "" {
		t.Fatal(d)
	}
}

// TestNetworkMemory: a network that does not fit the stated free memory is refused
// before allocating, with the numbers.
func TestNetworkMemory(t *testing.T) {
	cfg := netConfig(rand.New(rand.NewPCG(49, 50)), 2000, 5, lifgpu.Euler, true)
	_, err := newPopulation(cfg, Options{}, gpuhook.Hooks{AvailableMemory: 1 << 20})
	noGPU(t, err)
	if !errors.Is(err, lifgpu.ErrOutOfDeviceMemory) {
		t.Fatalf("err = %v, want ErrOutOfDeviceMemory", err)
	}
	for _, want := range []string{"2000 neurons", "stored synapses", "delay rings of", "1.0 MiB is available", "procedural"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	p := newHooked(t, cfg, Options{}, gpuhook.Hooks{})
	if got, want := p.bufs.bytes(), p.plan.bytes()-4*int64(cfg.N); got != want {
		t.Errorf("%d bytes of buffers, want the plan's %d less Forward's x", got, want)
	}
	if !strings.Contains(p.Backend(), "network:") {
		t.Errorf("Backend() = %q, want the network's note", p.Backend())
	}
}

// TestNetworkProceduralLoopCap: a procedural row long enough to pass llvmpipe's limit
// on an invocation's loop iterations (one a synapse with p = 1, more with gaps to draw)
// is refused there, naming the cause, rather than losing synapses silently; shorter
// ones, and all of them on a hardware GPU, give the reference's bits.
func TestNetworkProceduralLoopCap(t *testing.T) {
	for _, c := range []struct {
		p   float64
		n   int
		cut bool // on llvmpipe
	}{{1, 20_000, false}, {1, 80_000, true}, {0.6, 20_000, true}} {
		t.Run(fmt.Sprintf("p%g_n%d", c.p, c.n), func(t *testing.T) {
			cfg := lifgpu.Config{N: c.n, Record: lifgpu.Record{Spikes: true}}
			bias := make([]float32, c.n)
			for i := range 4 {
				bias[i] = 4 // spikes at step 13
			}
			cfg.Input.Bias = lifgpu.Float32s(bias)
			cfg.Projections = []lifgpu.Projection{{PreRange: lifgpu.Range{Lo: 0, Hi: 4}, PostRange: lifgpu.Range{Lo: 0, Hi: c.n}, P: c.p, Procedural: true,
				WeightDist: lifgpu.Dist{Mean: 0.5, Std: 0.1}, DelayDist: lifgpu.Dist{Mean: 1, Std: 0.2}}}
			p := newPop(t, cfg, Options{})
			err := p.Run(30)
			if c.cut && p.Device().Software {
				if err == nil || !strings.Contains(err.Error(), "procedural row's loops") {
					t.Fatalf("Run on %s: %v, want the loop limit named", p.Device().Renderer, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ref := mustRef(t, cfg)
			defer ref.Close()
			ref.Run(30)
			if d := conformance.Diff(ref, p); d != "" {
				t.Fatal(d)
			}
		})
	}
}
