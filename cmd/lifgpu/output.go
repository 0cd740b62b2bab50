package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/npy"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// result is what a finished run produced.
type result struct {
	N           int
	Steps       int
	Dt          float64
	Spikes      uint64
	MeanRateHz  float64
	Wall        time.Duration
	UpdatesPerS float64
	Backend     string
	Files       []string
	Rec         *lifgpu.Recording
}

// runInfo is run.json.
type runInfo struct {
	Lifgpu      string            `json:"lifgpu_version"`
	Go          string            `json:"go_version"`
	Modules     map[string]string `json:"modules,omitempty"`
	Spec        *spec.Spec        `json:"spec"`
	Seed        uint64            `json:"seed"`
	Backend     string            `json:"backend"`
	Started     time.Time         `json:"started"`
	WallS       float64           `json:"wall_s"`
	UpdatesPerS float64           `json:"neuron_updates_per_s"`
	Neurons     int               `json:"neurons"`
	Steps       int               `json:"steps"`
	Spikes      uint64            `json:"spikes"`
	MeanRateHz  float64           `json:"mean_rate_hz"`
	Files       []string          `json:"files"`
	Host        map[string]any    `json:"host"`
}

// writeOutputs writes the recordings as NPZ files, each under a temporary name
// renamed when complete.
func writeOutputs(dir string, s *spec.Spec, pop lifgpu.Population, wall time.Duration) (*result, error) {
	n := pop.Len()
	rec, err := pop.Recording()
	if err != nil {
		return nil, err
	}
	counts := make([]uint32, n)
	if err := pop.Counts(counts); err != nil {
		return nil, err
	}
	res := &result{N: n, Steps: s.Steps, Dt: dtOf(s), Wall: wall, Backend: pop.Backend(), Rec: rec}
	for _, c := range counts {
		res.Spikes += uint64(c)
	}
	if s.Steps > 0 {
		res.MeanRateHz = float64(res.Spikes) / (float64(n) * float64(s.Steps) * res.Dt / 1000)
		res.UpdatesPerS = float64(n) * float64(s.Steps) / wall.Seconds()
	}
	write := func(name string, arrays ...npy.Array) error {
		if err := npy.WriteNPZ(filepath.Join(dir, name), arrays...); err != nil {
			return err
		}
		res.Files = append(res.Files, name)
		return nil
	}
	times := func(steps []int32) []float64 {
		t := make([]float64, len(steps))
		for k, st := range steps {
			t[k] = float64(st) * res.Dt
		}
		return t
	}
	if s.Record.Spikes {
		if err := write("spikes.npz", npy.Array{Name: "t", Data: times(rec.SpikeSteps)}, npy.Array{Name: "i", Data: rec.SpikeIDs},
			npy.Array{Name: "count", Data: counts}); err != nil {
			return nil, err
		}
	}
	if s.Record.Rate {
		steps := make([]int32, len(rec.Rate))
		for k := range steps {
			steps[k] = int32(k)
		}
		if err := write("rate.npz", npy.Array{Name: "t", Data: times(steps)}, npy.Array{Name: "count", Data: rec.Rate}); err != nil {
			return nil, err
		}
	}
	if len(rec.TraceIDs) > 0 {
		if err := write("traces.npz", npy.Array{Name: "t", Data: times(rec.TraceSteps)},
			npy.Array{Name: "v", Data: rec.Traces, Shape: []int{len(rec.TraceSteps), len(rec.TraceIDs)}},
			npy.Array{Name: "neuron_ids", Data: rec.TraceIDs}); err != nil {
			return nil, err
		}
	}
	if s.Record.State {
		u := make([]float32, n)
		ref := make([]int32, n)
		if err := pop.Potentials(u); err != nil {
			return nil, err
		}
		if err := pop.Refractory(ref); err != nil {
			return nil, err
		}
		if err := write("state.npz", npy.Array{Name: "u", Data: u}, npy.Array{Name: "ref", Data: ref},
			npy.Array{Name: "step", Data: []int64{pop.StepCount()}, Shape: []int{}}); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// writeRunJSON writes run.json, the record of how the run was made; it comes last so
// that it lists every file.
func writeRunJSON(dir string, s *spec.Spec, res *result) error {
	res.Files = append(res.Files, "run.json")
	info := runInfo{
		Lifgpu: lifgpu.Version, Go: runtime.Version(), Modules: modules(), Spec: resolved(s), Seed: s.Seed,
		Backend: res.Backend, Started: time.Now().Add(-res.Wall).UTC().Round(time.Millisecond), WallS: res.Wall.Seconds(),
		UpdatesPerS: res.UpdatesPerS, Neurons: res.N, Steps: s.Steps, Spikes: res.Spikes, MeanRateHz: res.MeanRateHz,
		Files: res.Files, Host: host(),
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "run.json"), append(b, '\n'))
}

// resolved is the spec with its defaults filled in, as it ran.
func resolved(s *spec.Spec) *spec.Spec {
	r := *s
	r.Dt, r.Method, r.Backend = dtOf(s), methodOf(s), backendOf(s)
	return &r
}

func modules() map[string]string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	m := map[string]string{}
	for _, d := range bi.Deps {
		m[d.Path] = d.Version
	}
	return m
}

func host() map[string]any {
	h, _ := os.Hostname()
	return map[string]any{"os": runtime.GOOS, "arch": runtime.GOARCH, "cpus": runtime.NumCPU(), "hostname": h}
}

// writeFileAtomic writes data to a temporary file beside path and renames it.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func printSummary(w io.Writer, r *result, dir string) {
	fmt.Fprintf(w, "neurons          %d\n", r.N)
	fmt.Fprintf(w, "steps            %d (%g ms of model time, dt = %g ms)\n", r.Steps, float64(r.Steps)*r.Dt, r.Dt)
	fmt.Fprintf(w, "spikes           %d\n", r.Spikes)
	fmt.Fprintf(w, "mean rate        %.2f Hz\n", r.MeanRateHz)
	fmt.Fprintf(w, "wall time        %.3f s\n", r.Wall.Seconds())
	fmt.Fprintf(w, "neuron-updates/s %.3g\n", r.UpdatesPerS)
	fmt.Fprintf(w, "backend          %s\n", r.Backend)
	fmt.Fprintf(w, "output           %s (%d files)\n", dir, len(r.Files))
}
