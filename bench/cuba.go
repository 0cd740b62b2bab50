package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/lifgpu/lifgpu"
)

// CUBA is the network of Vogels & Abbott (2005) as Brian2's examples/CUBA.py writes it,
// mapped onto the contract with R = 1 MOhm (a weight of 1 nA moves u by 1 mV): n neurons,
// 80% excitatory (w = 1.62 nA, tau_syn_ex = 5 ms) and 20% inhibitory (w = -9 nA,
// tau_syn_in = 10 ms), each pair connected with p = 80/n (in-degree 80 on average, as at
// n = 4000, p = 0.02), a one-step delay, u_rest = -49 mV above threshold (u_th = -50,
// u_reset = -60, tau_m = 20 ms, t_ref = 5 ms), u0 uniform in [u_reset, u_th), dt = 0.1 ms.
//
// Brian2 integrates its ge and gi with v exactly over a step (they decay within it);
// the contract holds a step's current constant, and its exact method integrates u
// against it: the dynamics agree statistically (rate, ISI variability), not spike for
// spike, and the random graphs differ anyway.
func CUBA(n int, seed uint64) lifgpu.Config {
	return Network(n, 80, false, seed)
}

// Network is CUBA scaled to in-degree k (p = k/n, k*n synapses on average) with its
// weights scaled by 80/k, so that the mean input stays CUBA's whatever k (its
// fluctuations shrink as k grows, and the rate with them: 5.2 Hz at k = 100, 2.2 Hz at
// k = 1000, against CUBA's 5.7); procedural regenerates each spike's targets instead of storing them.
// Network(n, 80, false, seed) is CUBA(n, seed). It is the workload of lifgpu bench
// -workload network: 10^6 neurons with 10^8 stored synapses (k = 100) or 10^9
// procedural ones (k = 1000).
func Network(n, k int, procedural bool, seed uint64) lifgpu.Config {
	r := rand.New(rand.NewPCG(seed, 0xc0ba))
	u0 := make([]float32, n)
	for i := range u0 {
		u0[i] = float32(-60 + 10*r.Float64())
	}
	ne := n * 4 / 5
	p, scale := float64(k)/float64(n), 80/float64(k)
	cfg := lifgpu.Config{N: n, Seed: seed, Record: lifgpu.Record{Spikes: true}}
	cfg.Params = lifgpu.Params{Method: lifgpu.Exact, Dt: 0.1, TauM: lifgpu.Scalar(20), R: lifgpu.Scalar(1),
		URest: lifgpu.Scalar(-49), UReset: lifgpu.Scalar(-60), UTh: lifgpu.Scalar(-50), TRef: lifgpu.Scalar(5),
		U0: lifgpu.Float32s(u0)}
	cfg.Groups = []lifgpu.Group{{Name: "E", N: ne}, {Name: "I", N: n - ne}}
	cfg.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Scalar(5), TauSynIn: lifgpu.Scalar(10)}
	all := lifgpu.Range{Lo: 0, Hi: n}
	cfg.Projections = []lifgpu.Projection{
		{Name: "E", PreRange: lifgpu.Range{Lo: 0, Hi: ne}, PostRange: all, P: p,
			WeightDist: lifgpu.Dist{Mean: 1.62 * scale}, DelayDist: lifgpu.Dist{Mean: 0.1}, Procedural: procedural},
		{Name: "I", PreRange: lifgpu.Range{Lo: ne, Hi: n}, PostRange: all, P: p,
			WeightDist: lifgpu.Dist{Mean: -9 * scale}, DelayDist: lifgpu.Dist{Mean: 0.1}, Procedural: procedural},
	}
	return cfg
}

// CUBASteps is one biological second at dt = 0.1 ms.
const CUBASteps = 10_000

// Dynamics are what a spiking network's benchmark checks besides its speed.
type Dynamics struct {
	Spikes int64
	RateHz float64 // spikes a neuron a second
	CV     float64 // mean over neurons with three spikes or more of std/mean of their ISIs
}

// SpikeDynamics measures a recording of n neurons over seconds of model time.
func SpikeDynamics(rec *lifgpu.Recording, n int, seconds float64) Dynamics {
	d := Dynamics{Spikes: int64(len(rec.SpikeSteps))}
	d.RateHz = float64(d.Spikes) / float64(n) / seconds
	per := make([][]int32, n)
	for k, i := range rec.SpikeIDs {
		per[i] = append(per[i], rec.SpikeSteps[k])
	}
	var sum float64
	m := 0
	for _, ts := range per {
		if len(ts) < 3 {
			continue
		}
		isi := make([]float64, len(ts)-1)
		var mean float64
		for k := range isi {
			isi[k] = float64(ts[k+1] - ts[k])
			mean += isi[k]
		}
		mean /= float64(len(isi))
		var v float64
		for _, x := range isi {
			v += (x - mean) * (x - mean)
		}
		sum += math.Sqrt(v/float64(len(isi))) / mean
		m++
	}
	if m > 0 {
		d.CV = sum / float64(m)
	}
	return d
}

// Brian2Result is what the Brian2 peer (baseline/brian2_cuba.py) reports.
type Brian2Result struct {
	N        int     `json:"n"`
	Threads  int     `json:"threads"`
	Synapses int64   `json:"synapses"`
	Spikes   int64   `json:"spikes"`
	RateHz   float64 `json:"rate_hz"`
	CV       float64 `json:"cv"`
	RunS     float64 `json:"run_s"`   // Brian2's own time for run(1 second): no generation or compilation
	BuildS   float64 `json:"build_s"` // code generation and compilation
	Version  string  `json:"brian2"`
}

// ErrNoBrian2 says that no python3 with brian2 was found.
var ErrNoBrian2 = fmt.Errorf("no python3 with brian2 found (Debian: apt-get install python3-brian; it needs g++ for the C++ standalone mode)")

// brian2Python is the first python3 that imports brian2: the one on PATH, or Debian's.
func brian2Python() (string, error) {
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import brian2").Run() == nil {
			return path, nil
		}
	}
	return "", ErrNoBrian2
}

// RunBrian2 runs CUBA of n neurons in Brian2's C++ standalone mode with threads OpenMP
// threads (0: GOMAXPROCS), in a temporary work folder, and returns its report.
func RunBrian2(n, threads int, timeout time.Duration) (Brian2Result, error) {
	var r Brian2Result
	py, err := brian2Python()
	if err != nil {
		return r, err
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	script, done, err := writeSource("", Brian2CUBAFile)
	if err != nil {
		return r, err
	}
	defer done()
	work := strings.TrimSuffix(script, Brian2CUBAFile) + "standalone"
	cmd := exec.Command(py, script, strconv.Itoa(n), strconv.Itoa(threads), work)
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1", "OMP_NUM_THREADS="+strconv.Itoa(threads))
	if timeout > 0 {
		cmd.WaitDelay = time.Second
		t := time.AfterFunc(timeout, func() {
			if cmd.Process != nil {
				cmd.Process.Kill()
			}
		})
		defer t.Stop()
	}
	out, err := cmd.Output()
	if err != nil {
		return r, fmt.Errorf("bench: %s with %d neurons: %v", Brian2CUBAFile, n, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		return r, fmt.Errorf("bench: %s: cannot read its report %q: %v", Brian2CUBAFile, lines[len(lines)-1], err)
	}
	return r, nil
}

// Agree reports whether two networks' dynamics agree within the tolerance that finite
// size and different random graphs leave, and says how they compare. The tolerance:
// mean rates within 25% and CVs within 0.15 of each other (CUBA's rate varies by about
// 10% from one random graph and initial state to another at n = 4000, less above; the
// contract's integration, which holds a step's current, and Brian2's, which lets it
// decay within the step, shift the rate by a few percent more).
func Agree(a, b Dynamics) (bool, string) {
	rel := math.Abs(a.RateHz-b.RateHz) / max(a.RateHz, b.RateHz, 1e-9)
	dcv := math.Abs(a.CV - b.CV)
	ok := rel <= 0.25 && dcv <= 0.15
	return ok, fmt.Sprintf("rates %.2f and %.2f Hz (%.0f%% apart), CVs %.2f and %.2f", a.RateHz, b.RateHz, 100*rel, a.CV, b.CV)
}
