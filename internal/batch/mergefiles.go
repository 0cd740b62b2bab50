// The merged files: each streamed from the shards' a piece at a time (spikes merged in
// (step, neuron) order, rates summed, trace columns and state joined).

package batch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"

	"github.com/lifgpu/lifgpu/internal/npy"
)

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
