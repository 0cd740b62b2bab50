package model

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math"

	"github.com/lifgpu/lifgpu/internal/rng"
)

// Hash is a digest of everything that determines the model's trajectory: method, dt,
// every parameter, the inputs (bias, schedule, noise, Poisson), the seed (and, with
// random input, the layout of its draws, rng.Layout) and what is recorded. A checkpoint carries it, so that a resume with another spec is refused.
func (m *Model) Hash() [32]byte { return m.hash(rng.Layout) }

// hash is Hash with the draws' layout as a parameter (the tests vary it).
func (m *Model) hash(layout int64) [32]byte {
	h := sha256.New()
	w := func(v any) { writeChunked(h, v) }
	w(int64(m.N))
	h.Write([]byte(m.Method))
	w(math.Float64bits(m.Dt))
	for _, f := range []Field[float32]{m.Alpha, m.R, m.URest, m.UReset, m.UTh, m.U0, m.Bias} {
		hashField(h, f)
	}
	w(m.RefSteps.Scalar)
	w(m.RefSteps.Values)
	w(int64(len(m.Schedule)))
	for _, e := range m.Schedule {
		w(e.Step)
		hashField(h, e.Value)
	}
	w(m.Seed)
	if m.HasNoise || m.HasPoisson {
		w(layout) // which draws serve which step: a checkpoint of another layout must not resume
	}
	if m.First != 0 { // a shard (whole populations keep the hash they had before shards)
		w(m.First)
	}
	w(m.HasNoise)
	if m.HasNoise {
		hashField(h, m.NoiseMean)
		hashField(h, m.NoiseStd)
		w(m.Normal.Values())
	}
	w(m.HasPoisson)
	if m.HasPoisson {
		hashField(h, m.PoissonWeight)
		w(m.PoissonTable.Thresholds())
	}
	w(m.Net != nil)
	if n := m.Net; n != nil {
		w(int64(n.Q))
		w(int64(n.D))
		w(n.RowStart)
		w(n.Post)
		w(n.Wq)
		w(n.Delay)
		for _, p := range n.Proc {
			w(int64(p.Index))
			w([]int64{int64(p.Pre.Lo), int64(p.Pre.Hi), int64(p.Post.Lo), int64(p.Post.Hi), int64(p.Q), int64(p.DSteps), int64(p.WqConst)})
			w(p.Gap.T)
			w([]float32{p.WMean, p.WStd, p.DMean, p.DStd})
			w([]bool{p.NoAutapses, p.WConst, p.DConst})
		}
		for _, port := range []Port{m.Ex, m.In} {
			w(port.Delta.Scalar)
			w(port.Delta.Values)
			hashField(h, port.Decay)
		}
	}
	w(m.Record.Spikes)
	w(m.Record.Rate)
	w(int64(m.Record.Every()))
	for _, id := range m.Record.Traces {
		w(int64(id))
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func hashField(h hash.Hash, f Field[float32]) {
	writeChunked(h, f.Values == nil)
	writeChunked(h, f.Scalar)
	writeChunked(h, f.Values)
}

// writeChunked writes v little-endian, slices 64 Ki elements at a time, so that a
// billion-neuron array is not copied whole.
func writeChunked(h hash.Hash, v any) {
	switch s := v.(type) {
	case []float32:
		writeChunks(h, s)
	case []int32:
		writeChunks(h, s)
	case []uint32:
		writeChunks(h, s)
	case []int64:
		writeChunks(h, s)
	case []uint16:
		writeChunks(h, s)
	default:
		binary.Write(h, binary.LittleEndian, v)
	}
}

func writeChunks[T float32 | int32 | uint32 | int64 | uint16](h hash.Hash, s []T) {
	const chunk = 1 << 16
	for len(s) > 0 {
		k := min(len(s), chunk)
		binary.Write(h, binary.LittleEndian, s[:k])
		s = s[k:]
	}
}
