//go:build cgo && egl

package gpu

import (
	"fmt"
	"log"
	"time"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
)

// A network's steps go in batches: one batch is many dispatch pairs queued at once, and
// one read-back at its end. A pair is lif.comp's update of at most MinDelay steps (every
// chunk), then propagate.comp's PREP (the spikes of the update: sizes of the
// propagations' grids, or the batch's failure when the spike list overflowed), CLEAR
// (the ring slots the update read) and the propagations (stored row chunks and
// procedural projections, each with every ring chunk it reaches).
//
// lif.comp writes the other state buffer and reads the rings without clearing them, so
// an update changes nothing that the batch's start needs until PREP has accepted its
// spikes; once one fails, every later dispatch of the batch does nothing. The host then
// commits the pairs before the failed one (their state buffer, their recordings), grows
// the spike list or halves the work, and starts again from the failed pair: no spike is
// lost, no ring or current is added to twice.

// netHeader is a network's spike list header, as propagate.comp names its words.
type netHeader struct {
	count, cap, failed, next, begin, end, truncated, pad uint32
}

// pairWindow is one update dispatch of a batch: steps [s0, s0+k).
type pairWindow = window

// batchResult is what one batch of steps steps did: done steps committed, and when a
// pair failed, its steps and spikes, and the spikes in the list.
type batchResult struct {
	steps, done int
	failed      bool
	k           int
	n, count    int
}

// dispatchNet advances the chunks cs of a network through the steps [s0, s0+k), in
// batches, redoing a failed pair with a larger spike list or in halves.
func (p *Population) dispatchNet(pr *lifProgram, cs []*chunk, s0 int64, k int) error {
	for k > 0 {
		b, err := p.netBatch(pr, cs, s0, k)
		if err != nil {
			return err
		}
		s0, k = s0+int64(b.done), k-b.done
		if !b.failed {
			continue
		}
		p.stats.redone++
		done, err := p.netOverflow(pr, cs, s0, b)
		if err != nil {
			return err
		}
		s0, k = s0+int64(done), k-done
	}
	return nil
}

// netOverflow deals with the pair at s0 that failed in batch b: it grows the spike list
// when that helps and returns 0 (the caller starts a batch at s0 again, with an empty
// list), or does the pair's work in halves (of its steps, then of the chunks) and
// returns its steps.
func (p *Population) netOverflow(pr *lifProgram, cs []*chunk, s0 int64, b batchResult) (int, error) {
	if b.count > p.spikeCap && b.n <= p.plan.spikeCapMax {
		// Room for the whole batch at the rate seen so far (one pair's, when the list
		// is not recorded and each pair's spikes start at 0), and a quarter more.
		want := int64(b.count) * int64(b.steps) / int64(b.done+b.k)
		if !p.m.Record.Spikes {
			want = int64(b.n)
		}
		if _, err := p.growSpikes(int(min(int64(p.plan.spikeCapMax), want+want/4))); err != nil {
			return 0, err
		}
	}
	if b.n <= p.spikeCap && b.n <= p.plan.maxSpikes {
		return 0, nil // alone in a batch, the pair fits
	}
	if b.k > 1 {
		p.stats.halved++
		h := b.k / 2
		if err := p.dispatchNet(pr, cs, s0, h); err != nil {
			return 0, err
		}
		return b.k, p.dispatchNet(pr, cs, s0+int64(h), b.k-h)
	}
	if len(cs) > 1 {
		// One step of some chunks, then of the others: their spikes of step s0 arrive
		// at s0+1 or later, and no chunk reads the slot of a step it has not reached.
		p.stats.split++
		h := len(cs) / 2
		if err := p.dispatchNet(pr, cs[:h], s0, 1); err != nil {
			return 0, err
		}
		if err := p.dispatchNet(pr, cs[h:], s0, 1); err != nil {
			p.torn = true // the first half's chunks are past s0+1, the others are not
			return 0, err
		}
		if len(cs) == len(p.chunks) {
			p.h.Step = s0 + 1
		}
		return 1, nil
	}
	return 0, fmt.Errorf("gpu: %d spikes in one step of %d neurons: a capacity of %d and a propagation limit of %d should hold them (bug)",
		b.n, cs[0].n, p.spikeCap, p.plan.maxSpikes)
}

// pairs cuts the steps [s0, s0+k) into update dispatches of at most MinDelay steps.
func (p *Population) pairs(s0 int64, k int) []pairWindow {
	var out []pairWindow
	for d := p.lay.net.minDelay; k > 0; {
		n := min(k, d)
		out = append(out, pairWindow{s0: s0, k: n})
		s0, k = s0+int64(n), k-n
	}
	return out
}

// netBatch queues the pairs of the steps [s0, s0+k) of the chunks cs, then reads the
// recordings back and commits the pairs up to the first failed one.
func (p *Population) netBatch(pr *lifProgram, cs []*chunk, s0 int64, k int) (res batchResult, err error) {
	issued := false
	defer func() {
		if err != nil && issued {
			p.torn = true // the rings are updated in place: the state is at no single step
		}
	}()
	w := p.window(s0, k)
	hdr := netHeader{cap: uint32(p.spikeCap)}
	p.spikeBuf.write(0, netSpikeHeader, unsafe.Pointer(&hdr))
	if p.m.Record.Rate {
		p.rateBuf.clear(0, 4*w.k)
	}
	cur0 := make([]int, len(cs))
	for j, c := range cs {
		cur0[j] = c.cur
		c.last.clear(4, 4) // the truncation flag of the batch
	}
	pairs := p.pairs(s0, k)
	for i, pw := range pairs {
		issued = true
		if err := p.netUpdate(pr, cs, w, pw); err != nil {
			return res, err
		}
		p.netPrep(i + 1)
		p.netClear(cs, pw)
		p.netPropagate()
	}
	if err := p.dispatchError(w); err != nil {
		return res, err
	}
	p.spikeBuf.read(0, netSpikeHeader, unsafe.Pointer(&hdr))
	if err := p.truncated(cs, w); err != nil {
		return res, err
	}
	if hdr.truncated != 0 {
		return res, fmt.Errorf("gpu: propagating %v: the driver (%s) ended a procedural row's loops early (a loop-iteration limit): "+
			"its rows are too long for it to draw; make the projection stored (Procedural: false)", w, p.ctx.dev.Renderer)
	}
	ok := len(pairs)
	if hdr.failed != 0 {
		ok = int(hdr.failed) - 1
		res = batchResult{steps: k, failed: true, k: pairs[ok].k, n: int(hdr.count - hdr.next), count: int(hdr.count)}
	}
	for _, pw := range pairs[:ok] {
		res.done += pw.k
	}
	for j, c := range cs {
		c.cur = cur0[j] ^ ok&1
	}
	return res, p.netCommit(cs, p.window(s0, res.done), int(hdr.next))
}

// netCommit reads back what the committed steps w of a batch recorded (their spikes
// are the list's first n) and adds it to the recording.
func (p *Population) netCommit(cs []*chunk, w window, n int) error {
	var out readout
	if p.m.Record.Spikes && n > 0 {
		out.spikes = make([]uint32, 2*n)
		p.spikeBuf.read(netSpikeHeader, 8*n, unsafe.Pointer(&out.spikes[0]))
	}
	p.readRateTrace(w, &out)
	if err := p.check("reading the recordings back"); err != nil {
		return err
	}
	p.record(cs, w, out)
	if len(cs) == len(p.chunks) && w.k > 0 {
		p.h.Step = w.s0 + int64(w.k)
	}
	return nil
}

// netUpdate dispatches lif.comp for the pair pw of the batch w on every chunk of cs,
// each reading its current state and writing the other copy, which becomes current.
func (p *Population) netUpdate(pr *lifProgram, cs []*chunk, w window, pw pairWindow) error {
	pr.use()
	gl.Uniform1i(pr.u.Step0, int32(pw.s0))
	gl.Uniform1i(pr.u.Steps, int32(pw.k))
	gl.Uniform1ui(pr.u.Slot0, uint32(pw.s0%int64(p.lay.net.D)))
	gl.Uniform1i(pr.u.RateBase, int32(pw.s0-w.s0))
	if p.m.HasRandom() {
		gl.Uniform2ui(pr.u.Step64, uint32(uint64(pw.s0)), uint32(uint64(pw.s0)>>32))
	}
	if p.lay.traces > 0 {
		e := int64(p.m.Record.Every())
		first := (pw.s0 + e - 1) / e * e
		gl.Uniform1i(pr.u.TraceFirst, int32(first))
		gl.Uniform1i(pr.u.TraceRow0, int32((first-w.traceFirst)/e))
	}
	ck("glUniform")
	for _, c := range cs {
		if p.hasLast(pw) {
			c.last.clear(0, 4)
		}
		if err := p.launch(pr, c, pw); err != nil {
			return err
		}
		c.cur = 1 - c.cur
	}
	return nil
}

// netPrep checks the spikes of pair (its index in the batch, plus 1) and sizes the
// propagations' grids.
func (p *Population) netPrep(pair int) {
	pr := p.net.progs.prep
	pr.use()
	gl.Uniform1ui(pr.u.Pair, uint32(pair))
	p.spikeBuf.bind(0)
	p.net.args.bind(1)
	gl.DispatchCompute(1, 1, 1)
	gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.COMMAND_BARRIER_BIT)
	ck("propagate.comp PREP")
}

// netClear zeroes the ring slots of the pair pw's steps in the chunks cs.
func (p *Population) netClear(cs []*chunk, pw pairWindow) {
	pr := p.net.progs.clear
	pr.use()
	gl.Uniform1ui(pr.u.Slot0, uint32(pw.s0%int64(p.lay.net.D)))
	gl.Uniform1ui(pr.u.K, uint32(pw.k))
	p.spikeBuf.bind(0)
	for _, c := range cs {
		c.ringEx.bind(2)
		c.ringIn.bind(3)
		gl.Uniform1ui(pr.u.N, uint32(c.n))
		gl.DispatchCompute(uint32((c.n+clearWG-1)/clearWG), 1, 1)
	}
	gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT)
	ck("propagate.comp CLEAR")
}

// netPropagate dispatches the propagations of the pair PREP just checked: every stored
// row chunk into its ring chunk, every procedural projection into every ring chunk its
// posts reach, through the grids PREP wrote (one propagation's args at 16 bytes each).
func (p *Population) netPropagate() {
	var t0 time.Time
	if glDebug {
		t0 = time.Now()
	}
	gl.BindBuffer(gl.DISPATCH_INDIRECT_BUFFER, p.net.args.id)
	p.spikeBuf.bind(0)
	if pr := p.net.progs.stored; pr != nil {
		pr.use()
		for r, rb := range p.net.rows {
			rb.off.bind(4)
			rb.syn.bind(5)
			gl.Uniform1ui(pr.u.PreLo, uint32(rb.preLo))
			gl.Uniform1ui(pr.u.PreHi, uint32(rb.preHi))
			gl.Uniform1ui(pr.u.G, uint32(rb.groups))
			c := p.chunks[rb.ring]
			p.toRings(pr, c.base, c.base+c.n, 16*r)
		}
	}
	if pr := p.net.progs.proc; pr != nil {
		pr.use()
		if p.normalBuf != nil {
			p.normalBuf.bind(7)
		}
		for g, pb := range p.net.proc {
			pb.gap.bind(6)
			if p.normalBuf == nil {
				pb.gap.bind(7) // constant weights and delays: the table is never read
			}
			setProc(pr, pb)
			p.toRings(pr, pb.g.Post.Lo, pb.g.Post.Hi, 16*(len(p.net.rows)+g))
		}
	}
	ck("propagate.comp")
	if glDebug {
		gl.Finish()
		log.Printf("gpu: propagation: %v", time.Since(t0))
	}
}

// toRings dispatches the bound propagation pr once per ring chunk that holds posts in
// [lo, hi), with the grid at offset off of the args buffer.
func (p *Population) toRings(pr *propProgram, lo, hi, off int) {
	for _, c := range p.chunks {
		if hi <= c.base || lo >= c.base+c.n {
			continue
		}
		c.ringEx.bind(2)
		c.ringIn.bind(3)
		gl.Uniform1ui(pr.u.RingLo, uint32(c.base))
		gl.Uniform1ui(pr.u.RingN, uint32(c.n))
		gl.DispatchComputeIndirect(off)
		// Atomics of one propagation and the next may meet in one ring word: keep them
		// apart, and the next update after them all.
		gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT)
	}
}
