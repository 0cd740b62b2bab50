package model

import (
	"math"
	"sort"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/f32"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// Segment is a stretch of steps [Start, End) over which the scheduled current is
// constant; Sched is its value (nil means no entry applies yet: 0).
type Segment struct {
	Start, End int64
	Sched      *Field[float32]
}

// ScheduleAt returns the index of the schedule entry in force at step, or -1.
func (m *Model) ScheduleAt(step int64) int {
	k := sort.Search(len(m.Schedule), func(i int) bool { return m.Schedule[i].Step > step })
	return k - 1
}

// SchedAt returns the scheduled current in force at step, or nil (0).
func (m *Model) SchedAt(step int64) *Field[float32] {
	if k := m.ScheduleAt(step); k >= 0 {
		return &m.Schedule[k].Value
	}
	return nil
}

// Segments splits steps [from, from+steps) at the schedule's change points.
func (m *Model) Segments(from int64, steps int) []Segment {
	var out []Segment
	end := from + int64(steps)
	for s := from; s < end; {
		k := m.ScheduleAt(s)
		e := end
		if k+1 < len(m.Schedule) && m.Schedule[k+1].Step < e {
			e = m.Schedule[k+1].Step
		}
		seg := Segment{Start: s, End: e}
		if k >= 0 {
			seg.Sched = &m.Schedule[k].Value
		}
		out = append(out, seg)
		s = e
	}
	return out
}

// Current returns ((bias + sched) + x) for neuron i in float32, the input a step adds
// before the random terms. sched may be nil (no schedule entry in force).
func (m *Model) Current(i int, sched *Field[float32], x float32) float32 {
	var s float32
	if sched != nil {
		s = sched.At(i)
	}
	b := m.Bias.At(i)
	I := f32.Add(b, s)
	I = f32.Add(I, x)
	return I
}

// Random adds the random terms of neuron i at step to base, the value Current gave:
// ((base + noise) + poisson), each term only when configured.
func (m *Model) Random(i int, step int64, base float32) float32 {
	I := base
	if m.HasNoise {
		r, r2 := rng.NoiseWords(m.Seed, m.First+uint32(i), uint64(step))
		z := m.Normal.Sample(r, r2)
		I = f32.Add(I, rng.Noise(m.NoiseMean.At(i), m.NoiseStd.At(i), z))
	}
	if m.HasPoisson {
		k := m.PoissonTable.Sample(i, rng.PoissonWord(m.Seed, m.First+uint32(i), uint64(step)))
		I = f32.Add(I, rng.PoissonCurrent(m.PoissonWeight.At(i), k))
	}
	return I
}

// X32 is Forward's x of neuron i (of a scalar when x is one) as the update adds it: in
// float32, flushed to zero when subnormal, as every input is.
func X32(x lifgpu.Values, i int) float32 {
	if x.IsScalar() {
		return f32.Flush(float32(x.ScalarValue()))
	}
	return f32.Flush(float32(x.At(i)))
}

// X32N writes X32(x, lo+i) to dst[i] for every i, x per neuron, and returns the first
// i whose value is not finite in float32 (NaN, ±Inf, or beyond float32's range: what
// lifgpu.Values.Check refuses), or -1 when there is none. One pass over the values:
// Forward checks and converts a per-neuron x at once, on every worker.
func X32N(dst []float32, x lifgpu.Values, lo int) int {
	bad := -1
	if xs := x.Float32Values(); xs != nil {
		xs = xs[lo : lo+len(dst)]
		for i, v := range xs {
			b := math.Float32bits(v)
			if e := b & 0x7f800000; e == 0x7f800000 {
				if bad < 0 {
					bad = i
				}
			} else if e == 0 {
				b &= 0x80000000 // subnormal: flushed
			}
			dst[i] = math.Float32frombits(b)
		}
		return bad
	}
	for i := range dst {
		v := float32(x.At(lo + i))
		b := math.Float32bits(v)
		if b&0x7f800000 == 0x7f800000 && bad < 0 {
			bad = i // NaN or ±Inf in float32: x was NaN, ±Inf or beyond float32
		}
		if b&0x7f800000 == 0 {
			v = math.Float32frombits(b & 0x80000000) // subnormal: flushed, as f32.Flush
		}
		dst[i] = v
	}
	return bad
}

// HasRandom reports whether the input has a random term, so that it changes every step.
func (m *Model) HasRandom() bool { return m.HasNoise || m.HasPoisson }
