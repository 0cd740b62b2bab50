package cpu

import (
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/f32"
)

// referenceSteps is the contract written out plainly: step by step, neuron by neuron,
// each float32 operation rounded on its own and flushed to zero when it underflows. The fast path must give the same bits.
// x is Forward's current (nil in Run).
func (p *Population) referenceSteps(steps int, x func(int) float32) {
	m := p.m
	rec := &p.h.Rec
	for range steps {
		s := p.h.Step
		sched := m.SchedAt(s)
		if len(rec.TraceIDs) > 0 && s%int64(m.Record.Every()) == 0 {
			rec.TraceSteps = append(rec.TraceSteps, int32(s))
			for _, id := range rec.TraceIDs {
				rec.Traces = append(rec.Traces, p.u[id])
			}
		}
		p.spiked = p.spiked[:0]
		for i := 0; i < p.n; i++ {
			if p.ref[i] > 0 {
				p.ref[i]--
				continue
			}
			var xi float32
			if x != nil {
				xi = x(i)
			}
			I := m.Current(i, sched, xi)
			I = m.Random(i, s, I)
			u := p.u[i]
			if m.Method == lifgpu.Exact {
				e := f32.Mul(m.R.At(i), I)
				v := f32.Add(m.URest.At(i), e)
				t := f32.Sub(u, v)
				t = f32.Mul(t, m.Alpha.At(i))
				u = f32.Add(v, t)
			} else {
				d := f32.Sub(u, m.URest.At(i))
				e := f32.Mul(m.R.At(i), I)
				f := f32.Sub(d, e)
				g := f32.Mul(m.Alpha.At(i), f)
				u = f32.Sub(u, g)
			}
			if f32.GE(u, m.UTh.At(i)) {
				u = m.UReset.At(i)
				p.ref[i] = m.RefSteps.At(i)
				p.counts[i]++
				p.spiked = append(p.spiked, int32(i))
				if m.Record.Spikes {
					rec.SpikeSteps = append(rec.SpikeSteps, int32(s))
					rec.SpikeIDs = append(rec.SpikeIDs, int32(i))
				}
			}
			p.u[i] = u
		}
		if m.Record.Rate {
			rec.Rate = append(rec.Rate, uint32(len(p.spiked)))
		}
		p.h.Step++
	}
}
