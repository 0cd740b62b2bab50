package cpu

import (
	"math"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/f32"
	"github.com/lifgpu/lifgpu/internal/model"
)

// referenceSteps is the contract written out plainly: step by step, neuron by neuron,
// each float32 operation rounded on its own and flushed to zero when it underflows. The
// fast path must give the same bits. x is Forward's current (nil in Run).
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
			var syn float32
			if m.Net != nil {
				syn = p.synapticInput(i, s) // the currents evolve in the refractory period too
			}
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
			if m.Net != nil {
				I = f32.Add(I, syn)
			}
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
		if m.Net != nil {
			p.propagate(p.spiked, s)
		}
		p.h.Step++
	}
}

// synapticInput takes neuron i's input of step s out of both delay rings and returns
// syn = syn_ex + syn_in (DESIGN.md, "One step n, per neuron j"): for each port, the
// ring's fixed-point sum a, s = float32(a) 2^-q (exact), and then, unless the port is a
// delta current, i = i*decay; i = i + s; syn = i.
func (p *Population) synapticInput(i int, step int64) float32 {
	net := p.m.Net
	at := int(step%int64(net.D))*p.n + i
	scale := float32(math.Ldexp(1, -net.Q))
	port := func(ring []int32, cur []float32, pt model.Port) float32 {
		a := ring[at]
		ring[at] = 0
		sv := f32.Mul(float32(a), scale)
		if pt.Delta.At(i) != 0 {
			return sv
		}
		c := f32.Mul(cur[i], pt.Decay.At(i))
		c = f32.Add(c, sv)
		cur[i] = c
		return c
	}
	ex := port(p.ringEx, p.iEx, p.m.Ex)
	in := port(p.ringIn, p.iIn, p.m.In)
	return f32.Add(ex, in)
}

// propagate adds the weights of the synapses of the neurons that spiked in step s into
// the delay rings, each at its arrival step s + d, by the sign of its weight. Integer
// sums: any order gives the same bits.
func (p *Population) propagate(spiked []int32, s int64) {
	net := p.m.Net
	D := int64(net.D)
	add := func(post int, wq int32, d int) {
		at := int((s+int64(d))%D)*p.n + post
		switch {
		case wq > 0:
			p.ringEx[at] += wq
		case wq < 0:
			p.ringIn[at] += wq
		}
	}
	for _, i := range spiked {
		post, wq, d := net.Row(int(i))
		for k := range post {
			add(int(post[k]), wq[k], int(d[k]))
		}
		for _, g := range net.Proc {
			if int(i) >= g.Pre.Lo && int(i) < g.Pre.Hi {
				g.Row(int(i), add)
			}
		}
	}
}
