package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/lifgpu/lifgpu/internal/atomicfile"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/npy"
	"github.com/lifgpu/lifgpu/internal/plot"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// finish joins the parts into the final files, draws the figures, writes run.json
// last, and removes the checkpoint and the parts.
func (r *runner) finish(ctx context.Context, wall time.Duration) (*Result, error) {
	dir, m := r.job.Dir, r.model
	st, err := r.pop.State()
	if err != nil {
		return nil, err
	}
	res := &Result{N: m.N, Steps: r.spec.Steps, Dt: m.Dt, Wall: wall, Backend: r.pop.Backend(), ResumedFrom: r.resumedFrom,
		DeviceMemory: deviceMemoryCheck(r.pop), Network: r.net, Shard: r.shard}
	for _, c := range st.Counts {
		res.Spikes += uint64(c)
	}
	if r.spec.Steps > 0 {
		// Spikes a neuron a step (at most 1) times steps a second (1000/dt, finite for
		// every valid dt): the product cannot overflow, as the quotient did for dt = 1e-306.
		res.MeanRateHz = float64(res.Spikes) / (float64(m.N) * float64(r.spec.Steps)) * (1000 / m.Dt)
		if wall > 0 {
			res.UpdatesPerS = float64(m.N) * float64(int64(r.spec.Steps)-r.resumedFrom) / wall.Seconds()
		}
	}
	// The final files are written from the parts a part at a time: however long the
	// run, no recording is ever in memory whole (only -plot joins them).
	write := func(name string, arrays ...npy.Pieces) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := npy.WriteNPZPieces(filepath.Join(dir, name), arrays...); err != nil {
			return err
		}
		res.Files = append(res.Files, name)
		return nil
	}
	var err2 error // the first error of piece
	piece := func(kind, name string, like any, tail ...int) npy.Pieces {
		p, err := r.partsArray(ctx, kind, name, like, tail, 0)
		if err != nil && err2 == nil {
			err2 = err
		}
		return p
	}
	if m.Record.Spikes {
		t := piece("spikes", "t", []float64(nil))
		// A shard's parts number its neurons from 0; its files, globally.
		i, err := r.partsArray(ctx, "spikes", "i", []int32(nil), nil, int32(r.first()))
		if err != nil && err2 == nil {
			err2 = err
		}
		if err2 != nil {
			return nil, err2
		}
		if err := write("spikes.npz", t, i, npy.Whole(npy.Array{Name: "count", Data: st.Counts})); err != nil {
			return nil, err
		}
	}
	if m.Record.Rate {
		t, c := piece("rate", "t", []float64(nil)), piece("rate", "count", []uint32(nil))
		if err2 != nil {
			return nil, err2
		}
		if err := write("rate.npz", t, c); err != nil {
			return nil, err
		}
	}
	if k := len(m.Record.Traces); k > 0 {
		ids := make([]int32, k)
		for c, id := range m.Record.Traces {
			ids[c] = int32(r.first() + id)
		}
		t, v := piece("traces", "t", []float64(nil)), piece("traces", "v", []float32(nil), k)
		if err2 != nil {
			return nil, err2
		}
		if err := write("traces.npz", t, v, npy.Whole(npy.Array{Name: "neuron_ids", Data: ids})); err != nil {
			return nil, err
		}
	}
	if r.spec.Record.State {
		arrays := []npy.Pieces{npy.Whole(npy.Array{Name: "u", Data: st.U}), npy.Whole(npy.Array{Name: "ref", Data: st.Ref}),
			npy.Whole(npy.Array{Name: "step", Data: []int64{st.Step}, Shape: []int{}})}
		if st.IEx != nil {
			arrays = append(arrays, npy.Whole(npy.Array{Name: "i_ex", Data: st.IEx}), npy.Whole(npy.Array{Name: "i_in", Data: st.IIn}))
		}
		if err := write("state.npz", arrays...); err != nil {
			return nil, err
		}
	}
	if r.job.Plot && ctx.Err() == nil {
		joined := map[string]map[string]npy.Array{}
		for _, kind := range recordedKinds(m) {
			if a, err := r.joinParts(kind); err != nil {
				return nil, err
			} else if a != nil {
				joined[kind] = a
			}
		}
		if err := r.plots(res, joined); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err // run.json says the run is complete: not without every file
	}
	if err := r.writeRunJSON(res); err != nil {
		return nil, err
	}
	// The checkpoint and the parts go, and only they: a user's own files in the folder
	// (parts/notes.tex) stay.
	return res, removeOwned(dir, r.files, isTransient)
}

// partsArray is array name of the parts of kind as one array to write a part at a
// time: a first pass checks the parts' headers and sums their lengths (a missing part
// is an error). The writer then reads the parts: for "t", the first array of every
// kind's file, each part whole, checking every value (readPart); for the others, only
// their own entry, its CRC-32 checked (those values were checked with t's). tail are
// the dimensions after the first (the traces' k).
//
// shift is added to every element of an int32 array: a shard's neuron ids become global.
func (r *runner) partsArray(ctx context.Context, kind, name string, like any, tail []int, shift int32) (npy.Pieces, error) {
	dir, m := r.job.Dir, r.model
	missing := func(k int, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s is missing, so the %s of a stretch of steps are lost: rerun the spec (the parts are written before each checkpoint and only removed at the end)", partPath(dir, kind, k), kind)
		}
		return err
	}
	// The first pass reads the headers alone.
	rows := 0
	for k := 1; k <= len(r.parts); k++ {
		n, err := partHeaders(partPath(dir, kind, k), kind, m, partStart(r.parts, k), r.parts[k-1].end)
		if err != nil {
			return npy.Pieces{}, missing(k, err)
		}
		rows += n
	}
	return npy.Pieces{Name: name, Shape: append([]int{rows}, tail...), Like: like, Each: func(emit func(any) error) error {
		for k := 1; k <= len(r.parts); k++ {
			if err := ctx.Err(); err != nil {
				return err // the file being written is dropped whole
			}
			path := partPath(dir, kind, k)
			var data any
			if name == "t" {
				a, err := readPart(path, kind, m, partStart(r.parts, k), r.parts[k-1].end)
				if err != nil {
					return missing(k, err)
				}
				data = a[name].Data
			} else {
				var err error
				if data, err = readEntry(path, name, like); err != nil {
					return missing(k, err)
				}
			}
			if ids, ok := data.([]int32); ok && shift != 0 {
				for k := range ids {
					ids[k] += shift
				}
			}
			if err := emit(data); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// joinParts concatenates the arrays of the parts of one recorded kind. A missing part
// is an error: the run's files would lack a stretch of steps.
func (r *runner) joinParts(kind string) (map[string]npy.Array, error) {
	dir := r.job.Dir
	var out map[string]npy.Array
	for k := 1; k <= len(r.parts); k++ {
		a, err := readPart(partPath(dir, kind, k), kind, r.model, partStart(r.parts, k), r.parts[k-1].end)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is missing, so the %s of a stretch of steps are lost: rerun the spec (the parts are written before each checkpoint and only removed at the end)", partPath(dir, kind, k), kind)
		}
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = a
			continue
		}
		for name, arr := range a {
			prev := out[name]
			switch d := prev.Data.(type) {
			case []float64:
				prev.Data = append(d, arr.Data.([]float64)...)
			case []int32:
				if name == "neuron_ids" {
					continue
				}
				prev.Data = append(d, arr.Data.([]int32)...)
			case []uint32:
				prev.Data = append(d, arr.Data.([]uint32)...)
			case []float32:
				prev.Data = append(d, arr.Data.([]float32)...)
			default:
				return nil, fmt.Errorf("%s: unexpected array %s of %T", partPath(dir, kind, k), name, d)
			}
			if len(prev.Shape) > 0 && len(arr.Shape) > 0 {
				prev.Shape = append([]int{prev.Shape[0] + arr.Shape[0]}, prev.Shape[1:]...)
			}
			out[name] = prev
		}
	}
	return out, nil
}

// plots draws the figures of what was recorded; a figure whose data was not recorded
// is skipped.
func (r *runner) plots(res *Result, joined map[string]map[string]npy.Array) error {
	files, err := drawFigures(r.job.Dir, r.model.Dt, int64(r.spec.Steps), r.model.N, joined)
	res.Files = append(res.Files, files...)
	return err
}

// drawFigures draws into dir the figures of the recordings joined (by kind: spikes,
// rate, traces; each the arrays of its final file) of a run of n neurons and steps
// steps of dt, and returns the files it wrote.
func drawFigures(dir string, dt float64, steps int64, n int, joined map[string]map[string]npy.Array) ([]string, error) {
	var files []string
	toSteps := func(t []float64) []int32 {
		s := make([]int32, len(t))
		for k, x := range t {
			s[k] = int32(math.Round(x / dt))
		}
		return s
	}
	run := plot.Run{Dt: dt, Steps: steps, N: n}
	if s := joined["spikes"]; s != nil {
		run.SpikeSteps, run.SpikeIDs = toSteps(s["t"].Data.([]float64)), s["i"].Data.([]int32)
	}
	if s := joined["rate"]; s != nil {
		run.Rate = s["count"].Data.([]uint32)
	}
	if s := joined["traces"]; s != nil {
		run.TraceIDs, run.TraceSteps, run.Traces = s["neuron_ids"].Data.([]int32), toSteps(s["t"].Data.([]float64)), s["v"].Data.([]float32)
	}
	figs := []struct {
		name string
		have bool
		draw func(string, plot.Run) error
	}{
		{"raster.png", joined["spikes"] != nil, plot.Raster},
		{"traces.png", joined["traces"] != nil, plot.Traces},
		{"rate.png", joined["rate"] != nil, plot.Rate},
	}
	for _, f := range figs {
		if !f.have || steps == 0 {
			continue
		}
		if err := f.draw(filepath.Join(dir, f.name), run); err != nil {
			return files, err
		}
		files = append(files, f.name)
	}
	return files, nil
}

// runInfo is run.json.
type runInfo struct {
	Lifgpu  string            `json:"lifgpu_version"`
	Go      string            `json:"go_version"`
	Modules map[string]string `json:"modules,omitempty"`
	Spec    *spec.Spec        `json:"spec"`
	Seed    uint64            `json:"seed"`
	Backend string            `json:"backend"`
	// DeviceMemory: how the GPU backend's memory check before the run went.
	DeviceMemory string    `json:"device_memory_check,omitempty"`
	Finished     time.Time `json:"finished"`
	WallS        float64   `json:"wall_s"`
	UpdatesPerS  float64   `json:"neuron_updates_per_s"`
	ResumedFrom  int64     `json:"resumed_from_step,omitempty"`
	Neurons      int       `json:"neurons"`
	Steps        int       `json:"steps"`
	Spikes       uint64    `json:"spikes"`
	MeanRateHz   float64   `json:"mean_rate_hz"`
	Files        []string  `json:"files"`
	Notes        []string  `json:"notes,omitempty"` // values flushed to zero, weights that round to 0
	// Network: the resolution, the delay ring, the synapse counts (nil without one).
	Network *NetworkInfo `json:"network,omitempty"`
	// Shard: the shard this run simulated, its neurons [lo, hi) of n (nil for a whole
	// population); Merged: the shards a merge joined.
	Shard  *ShardInfo     `json:"shard,omitempty"`
	Merged []MergedShard  `json:"merged_from,omitempty"`
	Host   map[string]any `json:"host"`
}

// writeRunJSON writes run.json, the record of how the run was made; it comes last so
// that it lists every file.
func (r *runner) writeRunJSON(res *Result) error {
	res.Files = append(res.Files, "run.json")
	s := *r.spec
	if s.Dt == 0 {
		s.Dt = lifgpu.DefaultDt
	}
	s.Method = string(r.model.Method)
	if s.Backend == "" {
		s.Backend = "auto"
	}
	info := runInfo{
		Lifgpu: lifgpu.Version, Go: runtime.Version(), Modules: modules(), Spec: &s, Seed: s.Seed,
		Backend: res.Backend, DeviceMemory: res.DeviceMemory, Finished: time.Now().UTC().Round(time.Millisecond), WallS: res.Wall.Seconds(),
		UpdatesPerS: res.UpdatesPerS, ResumedFrom: res.ResumedFrom, Neurons: res.N, Steps: res.Steps, Spikes: res.Spikes,
		MeanRateHz: res.MeanRateHz, Files: res.Files, Notes: r.model.Notes, Network: r.net, Shard: r.shard, Host: host(),
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(r.job.Dir, "run.json"), append(b, '\n'))
}

// deviceMemoryCheck says how a GPU population's check of device memory before
// allocating went: against the free memory the driver reports, or skipped when it
// reports none (then the run may still fail later with GL_OUT_OF_MEMORY). "" for a
// population that is not on the GPU.
func deviceMemoryCheck(p lifgpu.Population) string {
	g, ok := p.(interface{ Device() gpu.Device })
	if !ok {
		return ""
	}
	d := g.Device()
	if d.MemorySource == "" || d.MemoryAvailable <= 0 {
		return "skipped (the driver does not report free memory)"
	}
	return fmt.Sprintf("passed (%s free when the run started, from %s)", HumanBytes(d.MemoryAvailable), d.MemorySource)
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

func mkdirParts(dir string) error { return os.MkdirAll(filepath.Join(dir, partsDir), 0o755) }

// WriteFileAtomic writes data to path atomically (see internal/atomicfile).
func WriteFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// readEntry reads array name of the .npz at path whole, as a slice like like, its
// CRC-32 checked.
func readEntry(path, name string, like any) (any, error) {
	st, err := npy.OpenStream(path, name)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	data := makeLike(like, st.Left())
	if _, err := st.Read(data); err != nil {
		return nil, err
	}
	return data, nil
}
