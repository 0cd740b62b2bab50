package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/bench"
	"github.com/sbinet/npyio/npz"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// readNPZ reads one array with an independent reader (sbinet/npyio).
func readNPZ[T any](t *testing.T, path, name string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var v []T
	if err := npz.Read(f, name+".npy", &v); err != nil {
		t.Fatalf("%s[%s]: %v", path, name, err)
	}
	return v
}

func TestRunExample(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := run(t, "run", "-config", "../../testdata/specs/example.toml", "-o", dir, "-backend", "cpu", "-log", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"neurons          1000", "steps            5000", "backend          cpu"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, `"msg":"start"`) {
		t.Errorf("-log json did not log JSON: %s", errs)
	}
	ts := readNPZ[float64](t, filepath.Join(dir, "spikes.npz"), "t")
	ids := readNPZ[int32](t, filepath.Join(dir, "spikes.npz"), "i")
	counts := readNPZ[uint32](t, filepath.Join(dir, "spikes.npz"), "count")
	if len(ts) != len(ids) || len(counts) != 1000 || len(ts) == 0 {
		t.Fatalf("spikes.npz: %d t, %d i, %d counts", len(ts), len(ids), len(counts))
	}
	per := make([]uint32, 1000)
	for k := range ids {
		per[ids[k]]++
		if k > 0 && (ts[k] < ts[k-1] || ts[k] == ts[k-1] && ids[k] <= ids[k-1]) {
			t.Fatalf("spikes not sorted by time, then neuron, at %d", k)
		}
	}
	for i := range per {
		if per[i] != counts[i] {
			t.Fatalf("neuron %d: %d spikes listed, count says %d", i, per[i], counts[i])
		}
	}
	rate := readNPZ[uint32](t, filepath.Join(dir, "rate.npz"), "count")
	if len(rate) != 5000 {
		t.Fatalf("rate has %d steps", len(rate))
	}
	var sum int
	for _, c := range rate {
		sum += int(c)
	}
	if sum != len(ids) {
		t.Errorf("rate sums to %d, %d spikes listed", sum, len(ids))
	}
	v := readNPZ[float32](t, filepath.Join(dir, "traces.npz"), "v")
	if len(v) != 5000*3 {
		t.Errorf("traces v has %d values, want 5000x3", len(v))
	}
	u := readNPZ[float32](t, filepath.Join(dir, "state.npz"), "u")
	if len(u) != 1000 {
		t.Errorf("state u has %d values", len(u))
	}
	var info map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	if info["neurons"].(float64) != 1000 || info["spikes"].(float64) != float64(len(ids)) || info["backend"] == "" {
		t.Errorf("run.json: %v", info)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// The folder exists now: refused without -f, accepted with it.
	code, _, errs = run(t, "run", "-config", "../../testdata/specs/example.toml", "-o", dir)
	if code == 0 || !strings.Contains(errs, "use -f") {
		t.Errorf("existing folder: exit %d, %s", code, errs)
	}
	code, _, errs = run(t, "run", "-config", "../../testdata/specs/example.toml", "-o", dir, "-f", "-steps", "2000", "-plot")
	if code != 0 {
		t.Fatalf("-f: exit %d, %s", code, errs)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "run.json"))
	for _, png := range []string{"raster.png", "traces.png", "rate.png"} {
		if st, err := os.Stat(filepath.Join(dir, png)); err != nil || st.Size() == 0 {
			t.Errorf("-plot: %s: %v", png, err)
		}
		if !bytes.Contains(b, []byte(png)) {
			t.Errorf("run.json does not list %s", png)
		}
	}
}

func TestRunDefaultSmall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := run(t, "run", "-o", dir, "-n", "2000", "-steps", "300")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "neurons          2000") {
		t.Errorf("summary: %s", out)
	}
}

func TestValidate(t *testing.T) {
	if code, out, errs := run(t, "validate", "../../testdata/specs/example.toml"); code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("example: exit %d, %s %s", code, out, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("n = 10\n[neuron]\ntau_m = -1.0\n"), 0o644)
	code, _, errs := run(t, "validate", bad)
	if code != 1 || !strings.Contains(errs, "tau_m = -1") {
		t.Errorf("bad spec: exit %d, %s", code, errs)
	}
	if code, _, _ := run(t, "validate"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func TestRunBadFlags(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "run", "-o", filepath.Join(dir, "a"), "-n", "0"); code != 1 || !strings.Contains(errs, "n = 0") {
		t.Errorf("-n 0: exit %d, %s", code, errs)
	}
	if code, _, errs := run(t, "run", "-o", filepath.Join(dir, "b"), "-log", "xml"); code != 1 || !strings.Contains(errs, "text or json") {
		t.Errorf("-log xml: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
		t.Error("a refused run made its output folder")
	}
}

// TestBench runs lifgpu bench small, with the C reference beside it when gcc is here,
// and checks the JSON rows and the figure.
func TestBench(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "b.json")
	code, stdout, errs := run(t, "bench", "-backend", "cpu", "-n", "3000,20000", "-steps", "50", "-reps", "1",
		"-modes", "run,run+spikes,forward,run+noise", "-json", out, "-plot", filepath.Join(dir, "b.png"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []struct {
		Name        string  `json:"name"`
		N           int     `json:"n"`
		Steps       int     `json:"steps"`
		UpdatesPerS float64 `json:"updates_per_s"`
		Spikes      uint64  `json:"spikes"`
		Baseline    string  `json:"baseline"`
		Ratio       float64 `json:"ratio"`
		Skipped     string  `json:"skipped"`
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	spikes := map[string]uint64{}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Name] = true
		if r.Name == "lifgpu/cpu/first-step" || r.Skipped != "" {
			continue
		}
		if r.UpdatesPerS <= 0 || r.Steps != 50 || (r.N != 3000 && r.N != 20000) {
			t.Errorf("row %+v", r)
		}
		if r.Name == "lifgpu/cpu/run+noise" && (r.Baseline != "lifgpu/cpu/run" || r.Ratio <= 0) {
			t.Errorf("noise row without its plain-run ratio: %+v", r)
		}
		if r.Name == "c-ref/blocked" || r.Name == "lifgpu/cpu/run" || r.Name == "lifgpu/cpu/forward" {
			key := fmt.Sprint(r.N)
			if s, ok := spikes[key]; ok && s != r.Spikes {
				t.Errorf("%s at n=%d: %d spikes, another row %d: the rows must run the same steps", r.Name, r.N, r.Spikes, s)
			}
			spikes[key] = r.Spikes
		}
	}
	for _, want := range []string{"lifgpu/cpu/run", "lifgpu/cpu/run+spikes", "lifgpu/cpu/forward", "lifgpu/cpu/run+noise"} {
		if !seen[want] {
			t.Errorf("no row %s", want)
		}
	}
	if seen["c-ref/blocked"] && !strings.Contains(stdout, "x c-ref/blocked") {
		t.Errorf("no ratio to the C reference printed:\n%s", stdout)
	}
	if !seen["c-ref/blocked"] {
		t.Logf("C reference not run here: %s", errs)
	}
	if st, err := os.Stat(filepath.Join(dir, "b.png")); err != nil || st.Size() == 0 {
		t.Errorf("-plot: %v", err)
	}
	if code, _, _ := run(t, "bench", "-modes", "warp"); code == 0 {
		t.Error("an unknown mode was accepted")
	}
}

// TestBenchBuiltinBaselines: in a folder with no baselines around it (no ../shared, no
// $LIFGPU_BASELINES), lifgpu bench -backend cpu runs the C reference built into the
// binary beside its own rows, with the same spikes. Where gcc is on PATH (as in CI)
// this must not skip; without gcc the table says so in a skipped row.
func TestBenchBuiltinBaselines(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv(bench.BaselinesEnv, "")
	_, gccErr := exec.LookPath("gcc")
	for _, noGCC := range []bool{false, true} {
		if noGCC {
			t.Setenv("PATH", t.TempDir())
		} else if gccErr != nil {
			t.Logf("gcc not on PATH: only the skipped row is checked")
			continue
		}
		code, stdout, errs := run(t, "bench", "-backend", "cpu", "-n", "20000", "-steps", "300", "-reps", "1",
			"-modes", "run", "-json", "b.json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var rows []bench.Row
		b, err := os.ReadFile("b.json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &rows); err != nil {
			t.Fatal(err)
		}
		got := map[string]bench.Row{}
		for _, r := range rows {
			got[r.Name] = r
		}
		// 35,836 spikes: W1 at N = 20,000 after 300 steps, in every implementation.
		if r := got["lifgpu/cpu/run"]; r.Spikes != 35_836 {
			t.Errorf("lifgpu/cpu/run: %+v, want 35836 spikes", r)
		}
		if noGCC {
			if r, ok := got["c-ref"]; !ok || !strings.Contains(r.Skipped, "gcc") || !strings.Contains(stdout, "c-ref") {
				t.Errorf("without gcc: no skipped c-ref row saying why: %+v\n%s", rows, stdout)
			}
			continue
		}
		for _, name := range []string{"c-ref/step", "c-ref/blocked"} {
			if r := got[name]; r.Spikes != 35_836 || r.N != 20_000 || r.Steps != 300 || r.UpdatesPerS <= 0 {
				t.Errorf("%s: %+v, want 35836 spikes; stderr: %s", name, r, errs)
			}
		}
		if !strings.Contains(stdout, "x c-ref/blocked") {
			t.Errorf("no ratio to the C reference printed:\n%s", stdout)
		}
	}
}

// TestResumeFlags: a resume takes -backend, -device and -log, and refuses the flags
// that would change its spec.
func TestResumeFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, errs := run(t, "run", "-n", "100", "-steps", "20", "-backend", "cpu", "-o", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, _, errs := run(t, "run", "-resume", dir, "-backend", "cpu", "-device", "2", "-log", "json")
	if code != 1 || !strings.Contains(errs, "complete") {
		t.Errorf("resume of a complete run with -device: exit %d, %s", code, errs)
	}
	code, _, errs = run(t, "run", "-resume", dir, "-n", "5")
	if code != 1 || !strings.Contains(errs, "only -backend, -device and -log may change (not [-n])") {
		t.Errorf("resume with -n: exit %d, %s", code, errs)
	}
}

// TestRunNetwork runs the README's network: the summary names the synapses, state.npz
// has the synaptic currents (read with an independent reader), run.json the network.
func TestRunNetwork(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := run(t, "run", "-config", "../../testdata/specs/network.toml", "-o", dir, "-backend", "cpu", "-steps", "1000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "synapses         320518 (320518 stored, 0 procedural; resolution 2^-15 nA, delay ring of 2 slots)") {
		t.Errorf("summary:\n%s", out)
	}
	for _, name := range []string{"i_ex", "i_in"} {
		if v := readNPZ[float32](t, filepath.Join(dir, "state.npz"), name); len(v) != 4000 {
			t.Errorf("state.npz %s: %d values", name, len(v))
		}
	}
	counts := readNPZ[uint32](t, filepath.Join(dir, "spikes.npz"), "count")
	var spikes uint32
	for _, c := range counts {
		spikes += c
	}
	if spikes == 0 {
		t.Error("the network is silent")
	}
	var info struct {
		Network struct {
			Q        int   `json:"weight_resolution_q"`
			D        int   `json:"delay_ring_slots"`
			Synapses int64 `json:"synapses"`
		} `json:"network"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &info); err != nil || info.Network.Q != 15 || info.Network.D != 2 || info.Network.Synapses != 320518 {
		t.Errorf("run.json network %+v (%v)", info.Network, err)
	}
}
