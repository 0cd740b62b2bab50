package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/lifgpu/lifgpu"
)

// The cortical microcircuit of Potjans & Diesmann (2014, Cerebral Cortex 24:785-806),
// from the published tables as NEST's PyNEST example (pynest/examples/Potjans_2014,
// network_params.py) gives them: eight populations (excitatory and inhibitory of
// layers 2/3, 4, 5, 6), 77,169 neurons and about 3e8 synapses at full scale.

// MicrocircuitPops names the populations, in order.
var MicrocircuitPops = []string{"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"}

// microcircuitN are the full-scale population sizes.
var microcircuitN = []int{20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948}

// MicrocircuitRates are the published full-scale mean rates (Hz), the reference the
// benchmark's per-population rates are shown beside.
var MicrocircuitRates = []float64{0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523}

// microcircuitP[a][b] is the connection probability from population b to population a.
var microcircuitP = [8][8]float64{
	{0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0., 0.0076, 0.},
	{0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0., 0.0042, 0.},
	{0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.},
	{0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0., 0.1057, 0.},
	{0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.},
	{0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.},
	{0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
	{0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443},
}

// microcircuitKext are the external (background) in-degrees, each an 8 Hz Poisson source.
var microcircuitKext = []int{1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100}

// Neuron and synapse constants of the model (iaf_psc_exp).
const (
	mcCm      = 250.0 // pF
	mcTauM    = 10.0  // ms
	mcTauSyn  = 0.5   // ms
	mcPSP     = 0.15  // mV, the mean excitatory PSP
	mcG       = -4.0  // inhibitory / excitatory
	mcPSPsd   = 0.1   // relative std of the weights
	mcBgRate  = 8.0   // Hz per external source
	mcDelayE  = 1.5   // ms
	mcDelayI  = 0.75  // ms
	mcDelaySd = 0.5   // relative std of the delays
)

// PSCFromPSP is the amplitude (pA) of an exponential postsynaptic current that gives a
// postsynaptic potential of peak psp (mV) in a neuron of capacitance cm (pF) and
// membrane time constant tauM (ms), the synaptic one tauS (ms), as NEST's helper
// computes it.
func PSCFromPSP(psp, cm, tauM, tauS float64) float64 {
	// The PSP of a unit exponential current peaks at
	// tauM tauS / (cm (tauS - tauM)) (f^tauM - f^tauS), f = (tauM/tauS)^(1/(tauS - tauM)).
	sub := 1 / (tauS - tauM)
	f := math.Pow(tauM/tauS, sub)
	peak := tauM * tauS / cm * sub * (math.Pow(f, tauM) - math.Pow(f, tauS))
	return psp / peak
}

// Microcircuit returns the microcircuit with every population scaled by scale (1: full
// scale) and the in-degrees of the full-scale model, mapped onto the contract:
//
//   - Neurons: iaf_psc_exp with R = tau_m/C_m = 40 MOhm, u_rest = u_reset = -65 mV,
//     u_th = -50 mV, tau_m = 10 ms, t_ref = 2 ms, the exact method, u0 ~ N(-58, 10) mV
//     (the original initial condition). NEST's exact integration also follows the
//     synaptic currents' decay within a step; the contract holds a step's current.
//   - Recurrent synapses: exponential currents, tau_syn = 0.5 ms on both ports; weights
//     the PSC of a 0.15 mV PSP (87.8 pA = 0.0878 nA), g = -4 for inhibitory sources, the
//     L4E -> L2/3E weight doubled, 10% relative std (clipped at 0 against the sign);
//     delays 1.5 ms (excitatory) and 0.75 ms (inhibitory), 50% relative std, clipped
//     below at one step (NEST redraws instead).
//   - Connectivity: the published model draws a fixed total number of synapses for each
//     pair of populations, K = log(1-p)/log(1-1/(N_pre N_post)), with multapses; here each
//     post neuron draws the mean in-degree round(K/N_post) (fixed in-degree with
//     multapses), so the in-degrees do not vary around their mean. Scaled populations
//     keep the full-scale in-degrees.
//   - Background: Poisson input of K_ext x 8 Hz per neuron, as a current: each input
//     spike adds w tau_syn/dt = 0.439 nA for the one step it arrives in (the charge of the
//     0.5 ms exponential current it is in the model).
func Microcircuit(scale float64, seed uint64) (lifgpu.Config, error) {
	if !(scale > 0 && scale <= 1) {
		return lifgpu.Config{}, fmt.Errorf("bench: microcircuit scale %g: must be in (0, 1]", scale)
	}
	sizes := make([]int, 8)
	n := 0
	var groups []lifgpu.Group
	for a, full := range microcircuitN {
		sizes[a] = max(1, int(math.Round(float64(full)*scale)))
		groups = append(groups, lifgpu.Group{Name: MicrocircuitPops[a], N: sizes[a]})
		n += sizes[a]
	}
	first := make([]int, 8)
	for a := 1; a < 8; a++ {
		first[a] = first[a-1] + sizes[a-1]
	}
	rng := func(a int) lifgpu.Range { return lifgpu.Range{Lo: first[a], Hi: first[a] + sizes[a]} }
	const dt = 0.1
	pscE := PSCFromPSP(mcPSP, mcCm, mcTauM, mcTauSyn) / 1000 // nA
	cfg := lifgpu.Config{N: n, Seed: seed, Groups: groups}
	r := rand.New(rand.NewPCG(seed, 0x1e5))
	u0 := make([]float32, n)
	for i := range u0 {
		u0[i] = float32(-58 + 10*r.NormFloat64())
	}
	cfg.Params = lifgpu.Params{Method: lifgpu.Exact, Dt: dt, TauM: lifgpu.Scalar(mcTauM), R: lifgpu.Scalar(mcTauM / mcCm * 1000),
		URest: lifgpu.Scalar(-65), UReset: lifgpu.Scalar(-65), UTh: lifgpu.Scalar(-50), TRef: lifgpu.Scalar(2), U0: lifgpu.Float32s(u0)}
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Scalar(mcTauSyn), TauSynIn: lifgpu.Scalar(mcTauSyn)}
	rate := make([]float64, n)
	for a := range 8 {
		for i := range sizes[a] {
			rate[first[a]+i] = float64(microcircuitKext[a]) * mcBgRate
		}
	}
	cfg.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Float64s(rate), Weight: lifgpu.Scalar(pscE * mcTauSyn / dt)}
	for a := range 8 { // target
		for b := range 8 { // source
			p := microcircuitP[a][b]
			if p == 0 {
				continue
			}
			nA, nB := float64(microcircuitN[a]), float64(microcircuitN[b])
			k := math.Log(1-p) / math.Log(1-1/(nA*nB)) // synapses at full scale
			indeg := int(math.Round(k / nA))
			if indeg == 0 {
				continue
			}
			w, d := pscE, mcDelayE
			if b%2 == 1 {
				w, d = mcG*pscE, mcDelayI
			}
			if a == 0 && b == 2 {
				w *= 2 // L4E -> L2/3E
			}
			cfg.Projections = append(cfg.Projections, lifgpu.Projection{
				Name:     MicrocircuitPops[b] + "->" + MicrocircuitPops[a],
				PreRange: rng(b), PostRange: rng(a), InDegree: indeg,
				WeightDist: lifgpu.Dist{Mean: w, Std: math.Abs(w) * mcPSPsd},
				DelayDist:  lifgpu.Dist{Mean: d, Std: d * mcDelaySd},
			})
		}
	}
	return cfg, nil
}

// Published real-time factors of the full-scale microcircuit on GPUs (wall seconds per
// second of model time), for the benchmark's table.
var MicrocircuitPublished = []struct {
	Who, Card, Cite string
	RTF             float64
}{
	{"GeNN", "NVIDIA Tesla V100", "Knight & Nowotny 2018, Front. Neurosci. 12:941 (\"approaching 0.5x real time\")", 2.0},
	{"NEST GPU (NeuronGPU)", "NVIDIA GeForce RTX 2080 Ti", "Golosio et al. 2021, Front. Comput. Neurosci. 15:627620 (\"very close to real time\")", 1.0},
}

// MicrocircuitSpec writes the microcircuit of Microcircuit(scale, seed) as a lifgpu spec
// (TOML) that reads its per-neuron arrays, the initial potentials and the background
// rates, from the .npy files named u0File and rateFile (beside the spec), and returns
// the TOML and the two arrays.
func MicrocircuitSpec(scale float64, seed uint64, steps int, u0File, rateFile string) (string, []float32, []float32, error) {
	cfg, err := Microcircuit(scale, seed)
	if err != nil {
		return "", nil, nil, err
	}
	var b strings.Builder
	f := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	f("# The cortical microcircuit of Potjans & Diesmann (2014) at scale %g (%d neurons),\n", scale, cfg.N)
	f("# made by bench.MicrocircuitSpec from the published tables; see bench/microcircuit.go for\n")
	f("# the mapping onto the contract (neurons, weights, delays, in-degrees, background).\n")
	f("# Regenerate with: go test ./bench -run TestMicrocircuitSpecs -update\n")
	f("n = %d\nsteps = %d\ndt = %g\nseed = %d\nmethod = \"exact\"\n\n", cfg.N, steps, cfg.Params.Dt, seed)
	p := cfg.Params
	f("[neuron]\ntau_m = %g\nr = %g\nu_rest = %g\nu_reset = %g\nu_th = %g\nt_ref = %g\nu0 = %q\n\n",
		p.TauM.ScalarValue(), p.R.ScalarValue(), p.URest.ScalarValue(), p.UReset.ScalarValue(), p.UTh.ScalarValue(), p.TRef.ScalarValue(), u0File)
	f("[input]\npoisson = { rate = %q, weight = %v }\n\n", rateFile, cfg.Input.Poisson.Weight.ScalarValue())
	f("[groups]\n")
	for _, g := range cfg.Groups {
		f("%s = %d\n", g.Name, g.N)
	}
	f("\n[synapses]\ntau_syn_ex = %g\ntau_syn_in = %g\n", cfg.Synapses.TauSynEx.ScalarValue(), cfg.Synapses.TauSynIn.ScalarValue())
	for _, pr := range cfg.Projections {
		pre, post, _ := strings.Cut(pr.Name, "->")
		f("\n[[projection]]\nname = %q\npre = %q\npost = %q\nin_degree = %d\n", pr.Name, pre, post, pr.InDegree)
		f("weight = { mean = %v, std = %v }\ndelay = { mean = %v, std = %v }\n", pr.WeightDist.Mean, pr.WeightDist.Std, pr.DelayDist.Mean, pr.DelayDist.Std)
	}
	f("\n[record]\nspikes = true\nrate = true\n")
	u0 := make([]float32, cfg.N)
	rate := make([]float32, cfg.N)
	for i := range cfg.N {
		u0[i] = float32(cfg.Params.U0.At(i))
		rate[i] = float32(cfg.Input.Poisson.Rate.At(i))
	}
	return b.String(), u0, rate, nil
}
