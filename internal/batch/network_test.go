package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/npy"
)

// netSpecText is a network with everything a checkpoint must carry: both ports (one
// exponential, one delta), stored, procedural and in-degree projections, drawn weights
// and delays (a ring of many slots), an explicit projection from conn.npz, noise, and
// checkpoints between which spikes are still in flight.
const netSpecText = `
n = 1500
steps = 900
seed = 23
checkpoint_every = 200
[neuron]
t_ref = 2.0
[input]
bias = 0.45
noise = { std = 0.5 }
[groups]
E = 1200
I = 300
[synapses]
tau_syn_ex = 5.0
tau_syn_in = 0.0
[[projection]]
name = "EE"
pre = "E"
post = [0, 1500]
p = 0.02
weight = { mean = 0.3, std = 0.1 }
delay = { mean = 1.5, std = 0.75 }
[[projection]]
name = "IE"
pre = "I"
post = "E"
p = 0.05
weight = -0.8
delay = 0.8
procedural = true
[[projection]]
name = "EI"
pre = "E"
post = "I"
in_degree = 30
multapses = false
weight = 0.4
delay = 2.0
[[projection]]
file = "conn.npz"
[record]
spikes = true
rate = true
traces = [0, 1300]
state = true
`

// netRecipe writes netSpecText and its conn.npz into a folder and makes a recipe of it.
func netRecipe(t *testing.T) Recipe {
	t.Helper()
	dir := t.TempDir()
	if err := npy.WriteNPZ(filepath.Join(dir, "conn.npz"),
		npy.Array{Name: "i", Data: []int64{0, 7, 1499, 1499}}, npy.Array{Name: "j", Data: []int32{1, 1, 0, 1300}},
		npy.Array{Name: "w", Data: []float64{2.5, -1, 3, 0}}, npy.Array{Name: "delay", Data: []float32{0.1, 6.4, 0.3, 1}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "spec.toml")
	if err := os.WriteFile(path, []byte(netSpecText), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := FromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNetworkInterruptResume: a network stopped at several steps (on and off checkpoint
// boundaries) and resumed gives the files of a run never stopped: the checkpoint carries
// the synaptic currents and the delay rings.
func TestNetworkInterruptResume(t *testing.T) {
	r := netRecipe(t)
	whole := reference(t, r)
	for _, stopAt := range []int64{1, 200, 333, 899} {
		t.Run(fmt.Sprint("stop", stopAt), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := Start(ctx, Job{Recipe: r, Dir: dir, New: cpuFactory(""), Progress: func(done, _ int64, _ time.Duration) {
				if done >= stopAt {
					cancel()
				}
			}})
			if !errors.Is(err, ErrInterrupted) {
				t.Fatalf("interrupted run: %v", err)
			}
			if _, err := Resume(context.Background(), dir, Override{}, cpuFactory("reference"), nil, nil); err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, dir)
		})
	}
}

// TestNetworkFiles: the checkpoint holds i_ex, i_in and the rings as (D, n) arrays that
// restore the population's state bit for bit; state.npz has the currents; run.json
// records the resolution, D, the shortest delay and the synapse counts.
func TestNetworkFiles(t *testing.T) {
	r := netRecipe(t)
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Start(ctx, Job{Recipe: r, Dir: dir, New: cpuFactory(""), Progress: func(done, _ int64, _ time.Duration) {
		if done >= 400 {
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatal(err)
	}
	_, cfg, err := r.Spec()
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Resolve(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Net.D < 10 {
		t.Fatalf("D = %d: the spec's drawn delays should make a ring of many slots", m.Net.D)
	}
	arr, err := npy.ReadNPZ(filepath.Join(dir, checkpointName))
	if err != nil {
		t.Fatal(err)
	}
	for name, shape := range map[string][]int{"i_ex": {1500}, "i_in": {1500}, "ring_ex": {m.Net.D, 1500}, "ring_in": {m.Net.D, 1500}} {
		if a, ok := arr[name]; !ok || fmt.Sprint(a.Shape) != fmt.Sprint(shape) {
			t.Errorf("checkpoint %s: shape %v, want %v", name, a.Shape, shape)
		}
	}
	ck, err := readCheckpoint(filepath.Join(dir, checkpointName), m, 1<<31-1, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The same state as a population run to the checkpoint's step.
	pop, err := cpu.New(cfg, cpu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pop.Close()
	if err := pop.Run(int(ck.state.Step)); err != nil {
		t.Fatal(err)
	}
	st, err := pop.State()
	if err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for k := range st.RingEx {
		if st.RingEx[k] != 0 || st.RingIn[k] != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Errorf("step %d: no input in flight: the test checks nothing of the rings", ck.state.Step)
	}
	for k := range st.RingEx {
		if st.RingEx[k] != ck.state.RingEx[k] || st.RingIn[k] != ck.state.RingIn[k] {
			t.Fatalf("ring entry %d: checkpoint %d, %d; population %d, %d", k, ck.state.RingEx[k], ck.state.RingIn[k], st.RingEx[k], st.RingIn[k])
		}
	}
	for i := range st.IEx {
		if st.IEx[i] != ck.state.IEx[i] || st.IIn[i] != ck.state.IIn[i] {
			t.Fatalf("neuron %d: checkpoint currents %v, %v; population %v, %v", i, ck.state.IEx[i], ck.state.IIn[i], st.IEx[i], st.IIn[i])
		}
	}

	if _, err := Resume(context.Background(), dir, Override{}, cpuFactory(""), nil, nil); err != nil {
		t.Fatal(err)
	}
	state, err := npy.ReadNPZ(filepath.Join(dir, "state.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := state["i_ex"].Data.([]float32); !ok || len(a) != 1500 {
		t.Errorf("state.npz i_ex: %v", state["i_ex"].Shape)
	}
	if a, ok := state["i_in"].Data.([]float32); !ok || len(a) != 1500 {
		t.Errorf("state.npz i_in: %v", state["i_in"].Shape)
	}
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Network NetworkInfo `json:"network"`
	}
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	n := info.Network
	if n.Q != m.Net.Q || n.Resolution != 1/float64(int64(1)<<m.Net.Q) || n.D != m.Net.D || n.MinDelaySteps != m.Net.MinDelay ||
		n.MinDelayMs != float64(m.Net.MinDelay)*0.1 || n.Synapses != m.Net.Synapses || n.Stored != m.Net.Stored ||
		n.Procedural != m.Net.Synapses-m.Net.Stored || n.Procedural == 0 || n.ZeroWeight != m.Net.Zero || n.ZeroWeight == 0 || len(n.Projections) != 4 ||
		n.Projections[1].Name != "IE" || !n.Projections[1].Procedural || n.Projections[3].Name != "conn.npz" || n.Projections[3].Synapses != 4 {
		t.Errorf("run.json network %+v; built q %d, D %d, min delay %d, %d synapses, %d stored, %d zero", n, m.Net.Q, m.Net.D, m.Net.MinDelay, m.Net.Synapses, m.Net.Stored, m.Net.Zero)
	}
	if !strings.Contains(string(b), `"groups": {`) || !strings.Contains(string(b), "round to 0") {
		t.Errorf("run.json lacks the groups or the zero-weight note:\n%s", b)
	}
}

// TestNetworkPreflight: a network that cannot fit is refused from its Config, before a
// synapse is drawn (10^10 synapses would take hours to build), with the numbers; so is
// a ring too large, and a checkpoint of rings too large for the disk. Nothing is
// written.
func TestNetworkPreflight(t *testing.T) {
	defer func(m func() (Memory, error)) { memoryAvailable = m }(memoryAvailable)
	defer func(d func(string) (int64, error)) { diskFree = d }(diskFree)
	memoryAvailable = func() (Memory, error) { return Memory{Avail: 8 << 30, Source: "the test's"}, nil }
	diskFree = func(string) (int64, error) { return 1 << 30, nil }
	net := "[[projection]]\npre = [0, %d]\npost = [0, %d]\np = %g\nweight = 0.1\ndelay = %s\n"
	cases := []struct{ text, says string }{
		// 10^10 stored synapses, 10 bytes each.
		{"n = 100000\nsteps = 10\n" + fmt.Sprintf(net, 100000, 100000, 1.0, "1.0"), "network: 10000000000 stored synapses 93.1 GiB"},
		// The same procedural: nothing stored, but delays drawn up to 1 s make a ring
		// of about 10^4 slots: 2 x 10^4 x 10^5 x 4 bytes, twice.
		{"n = 100000\nsteps = 10\n" + fmt.Sprintf(net, 100000, 100000, 1.0, "{ mean = 500.0, std = 70.0 }") + "procedural = true\n", "delay rings (D = 9797 slots) 14.6 GiB"},
		// A ring that fits in memory, checkpoints that do not fit on the disk.
		{"n = 200000\nsteps = 10\ncheckpoint_every = 5\n" + fmt.Sprintf(net, 10, 200000, 0.5, "{ mean = 40.0, std = 10.0 }"), "checkpoint 3.2 GiB"},
	}
	for _, c := range cases {
		dir := filepath.Join(t.TempDir(), "out")
		start := time.Now()
		_, err := Start(context.Background(), Job{Recipe: recipeIn(t, c.text), Dir: dir, New: cpuFactory("")})
		var re *ResourceError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: %v, want a refusal with %q", c.text, err, c.says)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("%q: refused after %v: the network was built first", c.text, el)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%q: the refused run left %s", c.text, dir)
		}
		if re != nil && re.Resource == "memory" && !strings.Contains(err.Error(), "procedural") {
			t.Errorf("the remedy does not mention procedural projections: %v", err)
		}
	}
	// A network that fits is not refused, and its estimate counts it.
	r := recipeIn(t, "n = 1000\nsteps = 10\n"+fmt.Sprintf(net, 1000, 1000, 0.1, "1.0"))
	s, cfg, err := r.Spec()
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.ResolveNeurons(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plain := Estimate(s, lifgpu.Config{N: 1000}, m, "cpu", false)
	withNet := Estimate(s, cfg, m, "cpu", false)
	// 10^5 synapses x 10 bytes, the rows' starts, the rows' cuts for the workers (4
	// bytes a row for each but the first), the build's 40 bytes a neuron, and the
	// synaptic state (8 + 8 x 11 slots) twice.
	want := int64(100_000*10 + 8*1001 + 4*(runtime.GOMAXPROCS(0)-1)*1000 + 40*1000 + 2*(8+8*11)*1000)
	if d := withNet.Memory - plain.Memory; d != want || withNet.Network == nil || withNet.Network.D != 11 {
		t.Errorf("the network adds %d bytes (D = %v), want %d", d, withNet.Network, want)
	}
	if _, err := Start(context.Background(), Job{Recipe: r, Dir: filepath.Join(t.TempDir(), "out"), New: cpuFactory("")}); err != nil {
		t.Error(err)
	}
}

// TestNetworkBuiltOnce: a run and a resume each build their network once: the batch's
// build (to check and hash it) is handed to the backend (model.Offer), which used to
// build it again from the Config. The files are those of a run that built it twice.
func TestNetworkBuiltOnce(t *testing.T) {
	r := netRecipe(t)
	whole := reference(t, r)
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	before := model.NetworksBuilt()
	_, err := Start(ctx, Job{Recipe: r, Dir: dir, New: cpuFactory(""), Progress: func(done, _ int64, _ time.Duration) {
		if done >= 300 {
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run: %v", err)
	}
	if n := model.NetworksBuilt() - before; n != 1 {
		t.Errorf("the run built its network %d times, want 1", n)
	}
	before = model.NetworksBuilt()
	if _, err := Resume(context.Background(), dir, Override{}, cpuFactory(""), nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := model.NetworksBuilt() - before; n != 1 {
		t.Errorf("the resume built its network %d times, want 1", n)
	}
	sameFiles(t, whole, dir)
}
