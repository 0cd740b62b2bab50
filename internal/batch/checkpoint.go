package batch

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/npy"
)

// checkpoint is checkpoint.npz: the state, how many parts of recordings precede it, and
// the hash of the model that made it. The generator needs no position: its draws are a
// function of (seed, neuron, step), and the step is in the state. A network adds its
// synaptic state: the currents i_ex and i_in (float32, n) and the delay rings ring_ex
// and ring_in (int32, shape (D, n), in w_q units of 2^-q nA: row s mod D holds the input
// arriving at step s), the layout of lifgpu.State.
type checkpoint struct {
	state lifgpu.State
	parts int
	hash  [32]byte
}

func writeCheckpoint(path string, c checkpoint) error {
	st := c.state
	arrays := []npy.Array{
		{Name: "u", Data: st.U},
		{Name: "ref", Data: st.Ref},
		{Name: "counts", Data: st.Counts},
		{Name: "step", Data: []int64{st.Step}, Shape: []int{}},
		{Name: "parts", Data: []int64{int64(c.parts)}, Shape: []int{}},
		{Name: "model_hash", Data: c.hash[:]},
	}
	if st.IEx != nil {
		n := len(st.U)
		d := len(st.RingEx) / max(n, 1)
		arrays = append(arrays,
			npy.Array{Name: "i_ex", Data: st.IEx},
			npy.Array{Name: "i_in", Data: st.IIn},
			npy.Array{Name: "ring_ex", Data: st.RingEx, Shape: []int{d, n}},
			npy.Array{Name: "ring_in", Data: st.RingIn, Shape: []int{d, n}},
		)
	}
	return npy.WriteNPZ(path, arrays...)
}

func readCheckpoint(path string, m *model.Model) (*checkpoint, error) {
	arr, err := npy.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	bad := func(what string) error {
		return fmt.Errorf("%s is damaged or not a lifgpu checkpoint: %s; rerun from the start (or from an older copy)", path, what)
	}
	var c checkpoint
	var ok bool
	if c.state.U, ok = arr["u"].Data.([]float32); !ok {
		return nil, bad("no float32 array u")
	}
	if c.state.Ref, ok = arr["ref"].Data.([]int32); !ok {
		return nil, bad("no int32 array ref")
	}
	if c.state.Counts, ok = arr["counts"].Data.([]uint32); !ok {
		return nil, bad("no uint32 array counts")
	}
	step, ok1 := arr["step"].Data.([]int64)
	parts, ok2 := arr["parts"].Data.([]int64)
	hash, ok3 := arr["model_hash"].Data.([]uint8)
	if !ok1 || !ok2 || !ok3 || len(step) != 1 || len(parts) != 1 || len(hash) != 32 || parts[0] < 0 {
		return nil, bad("step, parts or model_hash missing")
	}
	c.state.Step, c.parts = step[0], int(parts[0])
	copy(c.hash[:], hash)
	if _, ok := arr["i_ex"]; ok {
		if c.state.IEx, ok = arr["i_ex"].Data.([]float32); !ok {
			return nil, bad("i_ex is not float32")
		}
		if c.state.IIn, ok = arr["i_in"].Data.([]float32); !ok {
			return nil, bad("no float32 array i_in beside i_ex")
		}
		for _, r := range []struct {
			name string
			dst  *[]int32
		}{{"ring_ex", &c.state.RingEx}, {"ring_in", &c.state.RingIn}} {
			a := arr[r.name]
			if *r.dst, ok = a.Data.([]int32); !ok || len(a.Shape) != 2 || a.Shape[1] != len(c.state.U) {
				return nil, bad(fmt.Sprintf("no int32 array %s of shape (D, %d) beside i_ex", r.name, len(c.state.U)))
			}
		}
	}
	if err := model.CheckState(c.state, m); err != nil {
		return nil, bad(err.Error())
	}
	return &c, nil
}

// Parts of the recordings: parts/KIND-NNNNNN.npz.
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

// writePart writes recording rec (what was recorded since the last part) as part k.
func writePart(dir string, k int, rec *lifgpu.Recording, m *model.Model) error {
	if m.Record.Spikes {
		if err := npy.WriteNPZ(partPath(dir, "spikes", k), npy.Array{Name: "t", Data: times(rec.SpikeSteps, rec.Dt)},
			npy.Array{Name: "i", Data: rec.SpikeIDs}); err != nil {
			return err
		}
	}
	if m.Record.Rate {
		st := make([]int32, len(rec.Rate))
		for i := range st {
			st[i] = int32(rec.Start) + int32(i)
		}
		if err := npy.WriteNPZ(partPath(dir, "rate", k), npy.Array{Name: "t", Data: times(st, rec.Dt)},
			npy.Array{Name: "count", Data: rec.Rate}); err != nil {
			return err
		}
	}
	if len(rec.TraceIDs) > 0 {
		if err := npy.WriteNPZ(partPath(dir, "traces", k), npy.Array{Name: "t", Data: times(rec.TraceSteps, rec.Dt)},
			npy.Array{Name: "v", Data: rec.Traces, Shape: []int{len(rec.TraceSteps), len(rec.TraceIDs)}},
			npy.Array{Name: "neuron_ids", Data: rec.TraceIDs}); err != nil {
			return err
		}
	}
	return nil
}

// times converts steps to ms.
func times(steps []int32, dt float64) []float64 {
	t := make([]float64, len(steps))
	for k, s := range steps {
		t[k] = float64(s) * dt
	}
	return t
}
