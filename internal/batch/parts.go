package batch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/npy"
	"github.com/lifgpu/lifgpu/internal/regular"
)

// Parts of the recordings: parts/KIND-NNNNNN.npz, part k holding what was recorded in
// the steps from part k-1's end to its own (see partRecord).
var partKinds = []string{"spikes", "rate", "traces"}

func partPath(dir, kind string, k int) string {
	return filepath.Join(dir, partsDir, fmt.Sprintf("%s-%06d.npz", kind, k))
}

func partIndex(name string) (int, bool) {
	for _, kind := range partKinds {
		if rest, ok := strings.CutPrefix(name, kind+"-"); ok {
			if num, ok := strings.CutSuffix(rest, ".npz"); ok {
				k, err := strconv.Atoi(num)
				return k, err == nil
			}
		}
	}
	return 0, false
}

// writePart writes recording rec (what was recorded since the last part, up to step
// end) as part k, and returns its record: its end and its files' SHA-256.
func writePart(dir string, k int, rec *lifgpu.Recording, m *model.Model, end int64) (partRecord, error) {
	p := partRecord{end: end}
	write := func(kind string, arrays ...npy.Array) error {
		sum, err := npy.WriteNPZSum(partPath(dir, kind, k), arrays...)
		p.sums[slices.Index(partKinds, kind)] = sum
		return err
	}
	if m.Record.Spikes {
		if err := write("spikes", npy.Array{Name: "t", Data: times(rec.SpikeSteps, rec.Dt)},
			npy.Array{Name: "i", Data: rec.SpikeIDs}); err != nil {
			return p, err
		}
	}
	if m.Record.Rate {
		st := make([]int32, len(rec.Rate))
		for i := range st {
			st[i] = int32(rec.Start) + int32(i)
		}
		if err := write("rate", npy.Array{Name: "t", Data: times(st, rec.Dt)}, npy.Array{Name: "count", Data: rec.Rate}); err != nil {
			return p, err
		}
	}
	if len(rec.TraceIDs) > 0 {
		if err := write("traces", npy.Array{Name: "t", Data: times(rec.TraceSteps, rec.Dt)},
			npy.Array{Name: "v", Data: rec.Traces, Shape: []int{len(rec.TraceSteps), len(rec.TraceIDs)}},
			npy.Array{Name: "neuron_ids", Data: rec.TraceIDs}); err != nil {
			return p, err
		}
	}
	return p, nil
}

// times converts steps to ms.
func times(steps []int32, dt float64) []float64 {
	t := make([]float64, len(steps))
	for k, s := range steps {
		t[k] = float64(s) * dt
	}
	return t
}

// traceRows is the number of trace rows in steps [start, end): the multiples of every.
func traceRows(start, end int64, every int) int64 {
	e := int64(every)
	return (end+e-1)/e - (start+e-1)/e
}

// partHeaders checks the headers of part path, of kind, holding steps [start, end) of a
// run of m, before anything is read: its arrays, their types, and their shapes (the
// rate one a step, the traces one row each every trace_every steps, the spikes at most
// one a neuron a step). It returns the part's rows.
func partHeaders(path, kind string, m *model.Model, start, end int64) (int, error) {
	hs, err := npy.ReadNPZHeaders(path)
	if err != nil {
		return 0, err
	}
	bad := func(format string, args ...any) error { return badPart(path, format, args...) }
	k := len(m.Record.Traces)
	types := map[string]map[string]string{
		"spikes": {"t": "float64", "i": "int32"},
		"rate":   {"t": "float64", "count": "uint32"},
		"traces": {"t": "float64", "v": "float32", "neuron_ids": "int32"},
	}[kind]
	if len(hs) != len(types) {
		return 0, bad("%d arrays, want %d (%s)", len(hs), len(types), strings.Join(slices.Sorted(maps.Keys(types)), ", "))
	}
	for name, typ := range types {
		h, ok := hs[name]
		if !ok || h.Type != typ {
			return 0, bad("no %s array %s", typ, name)
		}
	}
	rows := hs["t"].Shape
	if len(rows) != 1 {
		return 0, bad("t is %s, want one dimension", shapeText(rows))
	}
	r := int64(rows[0])
	switch kind {
	case "spikes":
		if r > mulSat(int64(m.N), end-start) {
			return 0, bad("%d spikes in %d steps of %d neurons", r, end-start, m.N)
		}
		if !slices.Equal(hs["i"].Shape, []int{rows[0]}) {
			return 0, bad("i is %s, want (%d,)", shapeText(hs["i"].Shape), r)
		}
	case "rate":
		if r != end-start || !slices.Equal(hs["count"].Shape, rows) {
			return 0, bad("t %s and count %s, want (%d,): one a step from %d to %d", shapeText(rows), shapeText(hs["count"].Shape), end-start, start, end)
		}
	case "traces":
		if r != traceRows(start, end, m.Record.Every()) || !slices.Equal(hs["v"].Shape, []int{rows[0], k}) || !slices.Equal(hs["neuron_ids"].Shape, []int{k}) {
			return 0, bad("t %s, v %s, neuron_ids %s, want (%d,), (%d, %d), (%d,)", shapeText(rows), shapeText(hs["v"].Shape), shapeText(hs["neuron_ids"].Shape),
				traceRows(start, end, m.Record.Every()), traceRows(start, end, m.Record.Every()), k, k)
		}
	}
	return rows[0], nil
}

// readPart reads part path, of kind, holding steps [start, end) of a run of m: its
// headers are checked first (partHeaders), its CRC-32 as it is read, then every value:
// times on the step grid within [start, end) (a spike's, sorted by step then neuron;
// the rate's, one a step; the traces', every trace_every steps), neuron ids below n,
// rate counts at most n, the traced neurons the run's.
func readPart(path, kind string, m *model.Model, start, end int64) (map[string]npy.Array, error) {
	if _, err := partHeaders(path, kind, m, start, end); err != nil {
		return nil, err
	}
	a, err := npy.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error { return badPart(path, format, args...) }
	t := a["t"].Data.([]float64)
	// step returns the step of time x, if x is one of the grid's times in [start, end).
	step := func(x float64) (int64, bool) {
		s := math.Round(x / m.Dt)
		return int64(s), s >= float64(start) && s < float64(end) && float64(int64(s))*m.Dt == x
	}
	switch kind {
	case "spikes":
		ids := a["i"].Data.([]int32)
		var prevStep int64 = -1
		var prevID int32 = -1
		for j, x := range t {
			s, ok := step(x)
			if !ok {
				return nil, bad("spike %d at t = %g ms is not a step of %d..%d", j, x, start, end-1)
			}
			id := ids[j]
			if id < 0 || int(id) >= m.N {
				return nil, bad("spike %d of neuron %d, outside 0..%d", j, id, m.N-1)
			}
			if s < prevStep || s == prevStep && id <= prevID {
				return nil, bad("spike %d (step %d, neuron %d) is out of order", j, s, id)
			}
			prevStep, prevID = s, id
		}
	case "rate":
		for j, x := range t {
			if s, ok := step(x); !ok || s != start+int64(j) {
				return nil, bad("rate time %d is %g ms, want step %d", j, x, start+int64(j))
			}
		}
		for j, c := range a["count"].Data.([]uint32) {
			if int64(c) > int64(m.N) {
				return nil, bad("%d spikes in step %d of %d neurons", c, start+int64(j), m.N)
			}
		}
	case "traces":
		e := int64(m.Record.Every())
		first := (start + e - 1) / e * e
		for j, x := range t {
			if s, ok := step(x); !ok || s != first+int64(j)*e {
				return nil, bad("trace row %d is at %g ms, want step %d", j, x, first+int64(j)*e)
			}
		}
		for c, id := range a["neuron_ids"].Data.([]int32) {
			if int(id) != m.Record.Traces[c] {
				return nil, bad("traced neuron %d is %d, the run traces %d", c, id, m.Record.Traces[c])
			}
		}
	}
	return a, nil
}

// badPart says what is wrong with the part at path.
func badPart(path, format string, args ...any) error {
	return fmt.Errorf("%s is damaged or not this run's part: %s; rerun the spec", path, fmt.Sprintf(format, args...))
}

// partStart is the step part k (from 1) of parts begins at.
func partStart(parts []partRecord, k int) int64 {
	if k < 2 {
		return 0
	}
	return parts[k-2].end
}

// verifyParts checks, before a resume simulates anything, that every part of parts is
// in dir with the bytes it was written with (its SHA-256): a part missing or damaged
// is found now, not after hours of simulation. ctx stops it between reads.
func verifyParts(ctx context.Context, dir string, parts []partRecord) error {
	for k, p := range parts {
		for kind, name := range partKinds {
			if p.sums[kind] == [32]byte{} {
				continue
			}
			path := partPath(dir, name, k+1)
			what := fmt.Sprintf("the %s of steps %d to %d", name, partStart(parts, k+1), p.end)
			sum, err := fileSum(ctx, path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("%s is missing: %s are lost, and a resume cannot make them again (the checkpoint is past them); rerun the spec", path, what)
			case err != nil:
				return err
			case !bytes.Equal(sum, p.sums[kind][:]):
				return fmt.Errorf("%s is damaged: its SHA-256 differs from the one recorded when it was written, so %s are lost; rerun the spec", path, what)
			}
		}
	}
	return nil
}

// fileSum is the SHA-256 of the regular file at path, read in pieces between which ctx
// is checked.
func fileSum(ctx context.Context, path string) ([]byte, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return h.Sum(nil), nil
		}
		if err != nil {
			return nil, err
		}
	}
}
