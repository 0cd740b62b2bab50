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

// merger writes the merged files from the shards' (sorted by their first neuron).
type merger struct {
	ctx    context.Context
	shards []*shardRun
}

func (m merger) path(s *shardRun, file string) string { return filepath.Join(s.dir, file) }

// open opens array name of file in every shard that has the file (all: it must).
func (m merger) open(file, name string, all bool) ([]*npy.Stream, []*shardRun, error) {
	var ss []*npy.Stream
	var of []*shardRun
	for _, s := range m.shards {
		st, err := npy.OpenStream(m.path(s, file), name)
		if err != nil {
			if !all && errors.Is(err, fs.ErrNotExist) {
				continue
			}
			closeAll(ss)
			return nil, nil, fmt.Errorf("merge: shard %s: %w", s.Shard.Shard, err)
		}
		ss, of = append(ss, st), append(of, s)
	}
	return ss, of, nil
}

func closeAll(ss []*npy.Stream) {
	for _, s := range ss {
		s.Close()
	}
}

// concat is array name of file: the shards' arrays one after the other.
func (m merger) concat(file, name string, like any) (npy.Pieces, func(), error) {
	ss, of, err := m.open(file, name, true)
	if err != nil {
		return npy.Pieces{}, nil, err
	}
	total := 0
	for k, s := range ss {
		if want := of[k].Shard.Hi - of[k].Shard.Lo; len(s.Shape) != 1 || s.Shape[0] != want {
			closeAll(ss)
			return npy.Pieces{}, nil, fmt.Errorf("merge: %s: %s has shape %v, want (%d,): one value a neuron of the shard", m.path(of[k], file), name, s.Shape, want)
		}
		total += s.Left()
	}
	return npy.Pieces{Name: name, Shape: []int{total}, Like: like, Each: func(emit func(any) error) error {
		for _, s := range ss {
			if err := m.copyStream(s, like, emit); err != nil {
				return err
			}
		}
		return nil
	}}, func() { closeAll(ss) }, nil
}

// copyStream emits what is left of s, a chunk at a time.
func (m merger) copyStream(s *npy.Stream, like any, emit func(any) error) error {
	buf := makeLike(like, mergeChunk)
	for s.Left() > 0 {
		if err := m.ctx.Err(); err != nil {
			return err
		}
		k, err := s.Read(buf)
		if err != nil {
			return err
		}
		if err := emit(prefix(buf, k)); err != nil {
			return err
		}
	}
	return nil
}

func makeLike(like any, n int) any {
	switch like.(type) {
	case []float64:
		return make([]float64, n)
	case []float32:
		return make([]float32, n)
	case []int32:
		return make([]int32, n)
	case []uint32:
		return make([]uint32, n)
	}
	panic(fmt.Sprintf("batch: makeLike(%T)", like))
}

func prefix(buf any, k int) any {
	switch b := buf.(type) {
	case []float64:
		return b[:k]
	case []float32:
		return b[:k]
	case []int32:
		return b[:k]
	case []uint32:
		return b[:k]
	}
	panic(fmt.Sprintf("batch: prefix(%T)", buf))
}

// spikes writes spikes.npz: t and i merged in (step, neuron) order, count joined.
func (m merger) spikes(path string) error {
	var total int
	for _, s := range m.shards {
		hs, err := npy.ReadNPZHeaders(m.path(s, "spikes.npz"))
		if err != nil {
			return fmt.Errorf("merge: shard %s: %w", s.Shard.Shard, err)
		}
		if len(hs["t"].Shape) != 1 || len(hs["i"].Shape) != 1 || hs["t"].Shape[0] != hs["i"].Shape[0] {
			return fmt.Errorf("merge: %s: t %v and i %v are not two lists of one length: the file is damaged; rerun the shard", m.path(s, "spikes.npz"), hs["t"].Shape, hs["i"].Shape)
		}
		total += hs["t"].Shape[0]
	}
	count, done, err := m.concat("spikes.npz", "count", []uint32(nil))
	if err != nil {
		return err
	}
	defer done()
	each := func(ids bool) func(emit func(any) error) error {
		return func(emit func(any) error) error {
			return m.mergeSpikes(ids, emit)
		}
	}
	return npy.WriteNPZPieces(path,
		npy.Pieces{Name: "t", Shape: []int{total}, Like: []float64(nil), Each: each(false)},
		npy.Pieces{Name: "i", Shape: []int{total}, Like: []int32(nil), Each: each(true)},
		count)
}

// spikeSource is one shard's spike list, read a chunk at a time.
type spikeSource struct {
	t, i   *npy.Stream
	tb     []float64
	ib     []int32
	at     int
	lo, hi int32
	path   string
}

// fill makes the source's buffer hold an unread spike, if any are left; false at the
// end.
func (s *spikeSource) fill() (bool, error) {
	if s.at < len(s.tb) {
		return true, nil
	}
	if s.t.Left() == 0 {
		return false, nil
	}
	s.tb, s.at = s.tb[:cap(s.tb)], 0
	k, err := s.t.Read(s.tb)
	if err != nil {
		return false, err
	}
	s.tb = s.tb[:k]
	if s.i != nil {
		s.ib = s.ib[:cap(s.ib)]
		if _, err := s.i.Read(s.ib[:k]); err != nil {
			return false, err
		}
		s.ib = s.ib[:k]
		for _, id := range s.ib {
			if id < s.lo || id >= s.hi {
				return false, fmt.Errorf("merge: %s: neuron %d is not one of the shard's [%d, %d): the file is damaged; rerun the shard", s.path, id, s.lo, s.hi)
			}
		}
	}
	return true, nil
}

// mergeSpikes emits the merged t (or, with ids, i) of the shards' spike lists. Within a
// shard the spikes are in (step, neuron) order and the shards hold ascending ranges of
// neurons, so the merged order takes, for each step, the shards' spikes of that step
// in the shards' order: a k-way merge on t, ties going to the lower shard.
func (m merger) mergeSpikes(ids bool, emit func(any) error) error {
	var srcs []*spikeSource
	defer func() {
		for _, s := range srcs {
			s.t.Close()
			if s.i != nil {
				s.i.Close()
			}
		}
	}()
	for _, sh := range m.shards {
		p := m.path(sh, "spikes.npz")
		t, err := npy.OpenStream(p, "t")
		if err != nil {
			return err
		}
		src := &spikeSource{t: t, tb: make([]float64, 0, mergeChunk/len(m.shards)+1), lo: int32(sh.Shard.Lo), hi: int32(sh.Shard.Hi), path: p}
		srcs = append(srcs, src)
		if ids {
			if src.i, err = npy.OpenStream(p, "i"); err != nil {
				return err
			}
			src.ib = make([]int32, 0, cap(src.tb))
		}
	}
	var outT []float64
	var outI []int32
	flush := func() error {
		var err error
		if ids {
			err = emit(outI)
		} else {
			err = emit(outT)
		}
		outT, outI = outT[:0], outI[:0]
		return err
	}
	for {
		if err := m.ctx.Err(); err != nil {
			return err
		}
		best := -1
		for k, s := range srcs {
			ok, err := s.fill()
			if err != nil {
				return err
			}
			if ok && (best < 0 || s.tb[s.at] < srcs[best].tb[srcs[best].at]) {
				best = k
			}
		}
		if best < 0 {
			break
		}
		s := srcs[best]
		t := s.tb[s.at]
		for {
			ok, err := s.fill()
			if err != nil {
				return err
			}
			if !ok || s.tb[s.at] != t {
				break
			}
			end := s.at
			for end < len(s.tb) && s.tb[end] == t {
				end++
			}
			if ids {
				outI = append(outI, s.ib[s.at:end]...)
			} else {
				outT = append(outT, s.tb[s.at:end]...)
			}
			s.at = end
		}
		if len(outT)+len(outI) >= mergeChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(outT)+len(outI) > 0 {
		return flush()
	}
	return nil
}

// rate writes rate.npz: t as every shard has it, count summed over the shards.
func (m merger) rate(path string) error {
	tt, _, err := m.open("rate.npz", "t", true)
	if err != nil {
		return err
	}
	defer closeAll(tt)
	cs, of, err := m.open("rate.npz", "count", true)
	if err != nil {
		return err
	}
	defer closeAll(cs)
	steps := cs[0].Left()
	for k, c := range cs {
		if c.Left() != steps || tt[k].Left() != steps {
			return fmt.Errorf("merge: %s: %d rate steps, %s has %d: the shards ran different steps", m.path(of[k], "rate.npz"), c.Left(), m.path(of[0], "rate.npz"), steps)
		}
	}
	sum := npy.Pieces{Name: "count", Shape: []int{steps}, Like: []uint32(nil), Each: func(emit func(any) error) error {
		acc, buf := make([]uint32, mergeChunk), make([]uint32, mergeChunk)
		for cs[0].Left() > 0 {
			if err := m.ctx.Err(); err != nil {
				return err
			}
			k, err := cs[0].Read(acc)
			if err != nil {
				return err
			}
			for _, c := range cs[1:] {
				if _, err := c.Read(buf[:k]); err != nil {
					return err
				}
				for j := range k {
					acc[j] += buf[j]
				}
			}
			if err := emit(acc[:k]); err != nil {
				return err
			}
		}
		return nil
	}}
	t := npy.Pieces{Name: "t", Shape: []int{steps}, Like: []float64(nil), Each: func(emit func(any) error) error {
		return m.copyStream(tt[0], []float64(nil), emit)
	}}
	return npy.WriteNPZPieces(path, t, sum)
}

// traces writes traces.npz: t as the shards that trace have it, v with the columns of
// the spec's traced neurons in its order, each taken from the shard that holds it.
func (m merger) traces(path string) error {
	global := m.shards[0].Shard.Traces
	vs, of, err := m.open("traces.npz", "v", false)
	if err != nil {
		return err
	}
	defer closeAll(vs)
	if len(vs) == 0 {
		return fmt.Errorf("merge: no shard has a traces.npz, yet the spec traces %d neurons: the shards' files are incomplete; rerun them", len(global))
	}
	tt, _, err := m.open("traces.npz", "t", false)
	if err != nil {
		return err
	}
	defer closeAll(tt)
	// Column c of the whole run: (the shard's stream, its column).
	type col struct{ s, c int }
	cols := make([]col, len(global))
	next := make([]int, len(vs))
	for c, id := range global {
		s := slices.IndexFunc(of, func(r *shardRun) bool { return id >= r.Shard.Lo && id < r.Shard.Hi })
		if s < 0 {
			return fmt.Errorf("merge: traced neuron %d is in no shard's traces.npz: the shards' files are incomplete; rerun them", id)
		}
		cols[c] = col{s, next[s]}
		next[s]++
	}
	rows := tt[0].Left()
	for k, v := range vs {
		if len(v.Shape) != 2 || v.Shape[0] != rows || v.Shape[1] != next[k] {
			return fmt.Errorf("merge: %s: v has shape %v, want (%d, %d): the shard traces other neurons or steps; rerun it", m.path(of[k], "traces.npz"), v.Shape, rows, next[k])
		}
	}
	width := len(global)
	block := max(1, mergeChunk/width)
	v := npy.Pieces{Name: "v", Shape: []int{rows, width}, Like: []float32(nil), Each: func(emit func(any) error) error {
		in := make([][]float32, len(vs))
		for k := range vs {
			in[k] = make([]float32, block*next[k])
		}
		out := make([]float32, block*width)
		for done := 0; done < rows; {
			if err := m.ctx.Err(); err != nil {
				return err
			}
			r := min(block, rows-done)
			for k, s := range vs {
				if _, err := s.Read(in[k][:r*next[k]]); err != nil {
					return err
				}
			}
			for row := range r {
				for c, cc := range cols {
					out[row*width+c] = in[cc.s][row*next[cc.s]+cc.c]
				}
			}
			if err := emit(out[:r*width]); err != nil {
				return err
			}
			done += r
		}
		return nil
	}}
	t := npy.Pieces{Name: "t", Shape: []int{rows}, Like: []float64(nil), Each: func(emit func(any) error) error {
		return m.copyStream(tt[0], []float64(nil), emit)
	}}
	ids := make([]int32, width)
	for c, id := range global {
		ids[c] = int32(id)
	}
	return npy.WriteNPZPieces(path, t, v, npy.Whole(npy.Array{Name: "neuron_ids", Data: ids}))
}

// state writes state.npz: u and ref joined, the step every shard reached.
func (m merger) state(path string) error {
	var step int64
	for k, s := range m.shards {
		st, err := npy.OpenStream(m.path(s, "state.npz"), "step")
		if err != nil {
			return fmt.Errorf("merge: shard %s: %w", s.Shard.Shard, err)
		}
		one := make([]int64, 1)
		_, err = st.Read(one)
		st.Close()
		if err != nil {
			return err
		}
		if k > 0 && one[0] != step {
			return fmt.Errorf("merge: %s ends at step %d, %s at step %d: the shards ran different steps", m.path(s, "state.npz"), one[0], m.path(m.shards[0], "state.npz"), step)
		}
		step = one[0]
	}
	u, doneU, err := m.concat("state.npz", "u", []float32(nil))
	if err != nil {
		return err
	}
	defer doneU()
	ref, doneR, err := m.concat("state.npz", "ref", []int32(nil))
	if err != nil {
		return err
	}
	defer doneR()
	return npy.WriteNPZPieces(path, u, ref, npy.Whole(npy.Array{Name: "step", Data: []int64{step}, Shape: []int{}}))
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
