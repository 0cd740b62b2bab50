package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/npy"
	"github.com/lifgpu/lifgpu/internal/regular"
)

// MergeJob joins the folders of a spec's shards (lifgpu run -shard k/m) into the files
// of the whole run.
type MergeJob struct {
	Dir    string   // the output folder
	Force  bool     // write into an existing folder (lifgpu's own files replaced only)
	Shards []string // the shards' folders, in any order
	Plot   bool     // draw raster.png, traces.png, rate.png (from the merged files, joined in memory)
	Logger *slog.Logger
}

// MergedShard is one shard a merge joined, as the merged run.json lists it.
type MergedShard struct {
	Dir     string  `json:"dir"`
	Shard   string  `json:"shard"`
	Lo      int     `json:"lo"`
	Hi      int     `json:"hi"`
	Backend string  `json:"backend"`
	WallS   float64 `json:"wall_s"`
	Spikes  uint64  `json:"spikes"`
}

// shardRun is what Merge reads of a shard's run.json.
type shardRun struct {
	dir     string
	job     *jobFile
	Spec    json.RawMessage `json:"spec"`
	Seed    uint64          `json:"seed"`
	Backend string          `json:"backend"`
	WallS   float64         `json:"wall_s"`
	Spikes  uint64          `json:"spikes"`
	Notes   []string        `json:"notes"`
	Shard   *ShardInfo      `json:"shard"`
}

// mergeChunk is how many elements a merge reads of an array at a time (a variable:
// the tests make it small, to cross chunk boundaries everywhere).
var mergeChunk = 1 << 16

// Merge checks that the shards' folders hold finished shards of one spec (the same
// spec hash) that cover its population exactly once, and writes into j.Dir the files
// of the whole run, byte-identical to those of a run never split (run.json aside,
// which lists the shards): the spikes merged in (step, neuron) order, the rates
// summed, the traces' columns in the spec's order, the state joined. Every array is
// streamed a chunk at a time: the memory does not grow with the run's length.
func Merge(ctx context.Context, j MergeJob) (*Result, error) {
	start := time.Now()
	if len(j.Shards) == 0 {
		return nil, errors.New("merge: no shard folders given: name the folders of lifgpu run -shard k/m, e.g. out/shard-*")
	}
	shards, err := readShards(j.Shards)
	if err != nil {
		return nil, err
	}
	whole := shards[0].Shard
	out, err := claim(j.Dir, j.Force)
	if err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if started {
			out.release()
		} else {
			out.abandon()
		}
	}()
	files := []string{jobName, "run.json"}
	for _, f := range []struct {
		name string
		on   bool
	}{{"spikes.npz", whole.Spikes}, {"rate.npz", whole.Rate}, {"traces.npz", len(whole.Traces) > 0}, {"state.npz", whole.State}} {
		if f.on {
			files = append(files, f.name)
			if fig := map[string]string{"spikes.npz": "raster.png", "rate.npz": "rate.png", "traces.npz": "traces.png"}[f.name]; fig != "" && j.Plot {
				files = append(files, fig)
			}
		}
	}
	if !out.created {
		if err := out.takeOver(files); err != nil {
			return nil, err
		}
	}
	rec := shards[0].job.Recipe
	rec.Shard = nil
	jf := jobFile{Version: lifgpu.Version, Recipe: rec, Hash: whole.ModelHash, Plot: j.Plot, Created: time.Now().UTC().Format(time.RFC3339),
		Files: files, Inputs: shards[0].job.Inputs}
	b, err := json.MarshalIndent(jf, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(filepath.Join(j.Dir, jobName), append(b, '\n')); err != nil {
		return nil, err
	}
	started = true
	log := j.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log.Info("merge", "shards", len(shards), "neurons", whole.N, "steps", whole.Steps, "out", j.Dir)
	res := &Result{N: whole.N, Steps: whole.Steps, Dt: whole.Dt, Backend: "merged"}
	for _, s := range shards {
		res.Spikes += s.Spikes
	}
	if whole.Steps > 0 {
		res.MeanRateHz = float64(res.Spikes) / (float64(whole.N) * float64(whole.Steps)) * (1000 / whole.Dt)
	}
	m := merger{ctx: ctx, shards: shards}
	for _, w := range []struct {
		name  string
		on    bool
		write func(string) error
	}{{"spikes.npz", whole.Spikes, m.spikes}, {"rate.npz", whole.Rate, m.rate}, {"traces.npz", len(whole.Traces) > 0, m.traces}, {"state.npz", whole.State, m.state}} {
		if !w.on {
			continue
		}
		if err := w.write(filepath.Join(j.Dir, w.name)); err != nil {
			return nil, err
		}
		res.Files = append(res.Files, w.name)
	}
	if j.Plot && ctx.Err() == nil {
		joined := map[string]map[string]npy.Array{}
		for _, kind := range []string{"spikes", "rate", "traces"} {
			a, err := npy.ReadNPZ(filepath.Join(j.Dir, kind+".npz"))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			joined[kind] = a
		}
		figs, err := drawFigures(j.Dir, whole.Dt, int64(whole.Steps), whole.N, joined)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, figs...)
	}
	res.Wall = time.Since(start)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.Files = append(res.Files, "run.json")
	return res, writeMergedRunJSON(j.Dir, shards, res)
}

// readShards reads the shards' run.json and job.json, and checks that they are
// finished shards of one spec covering its population once. They come back sorted by
// their first neuron.
func readShards(dirs []string) ([]*shardRun, error) {
	var shards []*shardRun
	for _, dir := range dirs {
		b, err := regular.ReadFile(filepath.Join(dir, "run.json"))
		if errors.Is(err, fs.ErrNotExist) {
			if _, jerr := os.Stat(filepath.Join(dir, jobName)); jerr == nil {
				return nil, fmt.Errorf("merge: %s has no run.json: the shard has not finished; resume it (lifgpu run -resume %s) and merge again", dir, dir)
			}
			return nil, fmt.Errorf("merge: %s has no run.json: it is not the folder of a lifgpu run -shard k/m", dir)
		}
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		s := &shardRun{dir: dir}
		if err := json.Unmarshal(b, s); err != nil {
			return nil, fmt.Errorf("merge: %s: %v: the file is damaged; rerun the shard", filepath.Join(dir, "run.json"), err)
		}
		if s.Shard == nil {
			return nil, fmt.Errorf("merge: %s holds a whole run, not a shard (its run.json has no \"shard\"): merge only the folders of lifgpu run -shard k/m", dir)
		}
		if s.job, err = readJob(dir); err != nil {
			return nil, fmt.Errorf("merge: %s: %v", filepath.Join(dir, jobName), err)
		}
		shards = append(shards, s)
	}
	first := shards[0]
	for _, s := range shards[1:] {
		if s.Shard.SpecHash != first.Shard.SpecHash {
			return nil, fmt.Errorf("merge: %s and %s are shards of different specs (spec hashes %.12s and %.12s: the parameters, inputs, seed, recording or steps differ): merge the shards of one spec only",
				first.dir, s.dir, first.Shard.SpecHash, s.Shard.SpecHash)
		}
	}
	slices.SortStableFunc(shards, func(a, b *shardRun) int { return a.Shard.Lo - b.Shard.Lo })
	n, next := first.Shard.N, 0
	for k, s := range shards {
		sh := s.Shard
		switch {
		case sh.Lo > next:
			return nil, fmt.Errorf("merge: neurons [%d, %d) of %d are in none of the %d folders given: a shard is missing (of %d shards: give the folders of all, %s)",
				next, sh.Lo, n, len(shards), sh.M, missingShards(shards, sh.M))
		case sh.Lo < next:
			prev := shards[k-1]
			return nil, fmt.Errorf("merge: %s (shard %s, neurons [%d, %d)) and %s (shard %s, neurons [%d, %d)) overlap: each neuron must be in one shard; give each shard's folder once",
				prev.dir, prev.Shard.Shard, prev.Shard.Lo, prev.Shard.Hi, s.dir, sh.Shard, sh.Lo, sh.Hi)
		}
		next = sh.Hi
	}
	if next != n {
		return nil, fmt.Errorf("merge: neurons [%d, %d) of %d are in none of the %d folders given: a shard is missing (%s)", next, n, n, len(shards), missingShards(shards, first.Shard.M))
	}
	return shards, nil
}

// missingShards names the shards k/m of the m that no folder holds.
func missingShards(shards []*shardRun, m int) string {
	have := map[int]bool{}
	for _, s := range shards {
		if s.Shard.M == m {
			have[s.Shard.K] = true
		}
	}
	var miss []string
	for k := range m {
		if !have[k] {
			miss = append(miss, fmt.Sprintf("%d/%d", k, m))
			if len(miss) == 8 {
				miss = append(miss, "...")
				break
			}
		}
	}
	if len(miss) == 0 {
		return "the shards given are of different counts m"
	}
	return "missing: " + strings.Join(miss, ", ")
}

// mergedInfo is the run.json of a merge: a run's, with the shards it joined.
type mergedInfo struct {
	Lifgpu      string          `json:"lifgpu_version"`
	Go          string          `json:"go_version"`
	Spec        json.RawMessage `json:"spec"`
	Seed        uint64          `json:"seed"`
	Backend     string          `json:"backend"`
	Finished    time.Time       `json:"finished"`
	WallS       float64         `json:"wall_s"`        // of the merge
	ShardsWallS float64         `json:"shards_wall_s"` // the shards' wall times, summed
	Neurons     int             `json:"neurons"`
	Steps       int             `json:"steps"`
	Spikes      uint64          `json:"spikes"`
	MeanRateHz  float64         `json:"mean_rate_hz"`
	Files       []string        `json:"files"`
	Notes       []string        `json:"notes,omitempty"`
	SpecHash    string          `json:"spec_hash"`
	Merged      []MergedShard   `json:"merged_from"`
	Host        map[string]any  `json:"host"`
}

// mergedNotes is every shard's notes (values flushed, ...), each once, in shard order.
func mergedNotes(shards []*shardRun) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range shards {
		for _, n := range s.Notes {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

func writeMergedRunJSON(dir string, shards []*shardRun, res *Result) error {
	first := shards[0]
	info := mergedInfo{Lifgpu: lifgpu.Version, Go: runtime.Version(), Spec: first.Spec, Seed: first.Seed, Backend: "merged",
		Finished: time.Now().UTC().Round(time.Millisecond), WallS: res.Wall.Seconds(), Neurons: res.N, Steps: res.Steps,
		Spikes: res.Spikes, MeanRateHz: res.MeanRateHz, Files: res.Files, Notes: mergedNotes(shards), SpecHash: first.Shard.SpecHash, Host: host()}
	backends := map[string]bool{}
	var names []string
	for _, s := range shards {
		abs, err := filepath.Abs(s.dir)
		if err != nil {
			abs = s.dir
		}
		info.ShardsWallS += s.WallS
		info.Merged = append(info.Merged, MergedShard{Dir: abs, Shard: s.Shard.Shard.String(), Lo: s.Shard.Lo, Hi: s.Shard.Hi,
			Backend: s.Backend, WallS: s.WallS, Spikes: s.Spikes})
		if !backends[s.Backend] {
			backends[s.Backend] = true
			names = append(names, s.Backend)
		}
	}
	info.Backend = fmt.Sprintf("merged from %d shards: %s", len(shards), strings.Join(names, "; "))
	res.Backend = info.Backend
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, "run.json"), append(b, '\n'))
}
