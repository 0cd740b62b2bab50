//go:build cgo && egl

package gpu

import "fmt"

// overflow redoes a dispatch whose count spikes did not fit in the spike list: with
// a larger list if one binding can hold it, else in halves (of the steps, then of the
// chunks). The state buffers were not committed, so the work starts again from the
// same state.
func (p *Population) overflow(pr *lifProgram, cs []*chunk, s0 int64, k, count int) error {
	if count <= p.plan.spikeCapMax {
		grown, err := p.growSpikes(min(p.plan.spikeCapMax, count+count/4))
		if err != nil {
			return err
		}
		if grown {
			return p.dispatch(pr, cs, s0, k)
		}
	}
	if k > 1 {
		h := k / 2
		if err := p.dispatch(pr, cs, s0, h); err != nil {
			return err
		}
		return p.dispatch(pr, cs, s0+int64(h), k-h)
	}
	if len(cs) > 1 {
		h := len(cs) / 2
		if err := p.dispatch(pr, cs[:h], s0, k); err != nil {
			return err
		}
		if err := p.dispatch(pr, cs[h:], s0, k); err != nil {
			p.torn = true // the first half's chunks are past s0+k, the others are not
			return err
		}
		if len(cs) == len(p.chunks) {
			p.h.Step = s0 + int64(k)
		}
		return nil
	}
	// One step of one chunk always fits: a chunk's neurons fit in one binding at 12
	// bytes each, and a spike takes 8.
	return fmt.Errorf("gpu: %d spikes in one step of %d neurons: a capacity of %d should hold them (bug)", count, cs[0].n, p.spikeCap)
}

// growSpikes gives the spike list room for want spikes. When the driver has no memory
// for it, it puts the old size back and returns false (the caller splits the work
// instead); an error is one it could not recover from.
func (p *Population) growSpikes(want int) (bool, error) {
	h := p.lay.spikeHeader()
	p.spikeBuf.resize(h + 8*want)
	if err := allocError("growing the spike list", int64(h+8*want)); err == nil {
		p.spikeCap = want
		p.stats.grown++
		return true, nil
	}
	p.spikeBuf.resize(h + 8*p.spikeCap)
	return false, allocError("restoring the spike list", int64(h+8*p.spikeCap))
}
