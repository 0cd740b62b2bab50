//go:build cgo && egl

package gpu

import (
	"fmt"
	"log"
	"math"
	"slices"
	"time"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
)

// input is the per-call part of a step's current.
type input struct {
	x   float32
	xPN bool // x is in the chunks' x buffers
}

// advance takes steps steps, split at the schedule's change points and into fused
// dispatches. It runs on the GL thread.
func (p *Population) advance(steps int, in input) error {
	p.lastStep = p.h.Step + int64(steps) - 1
	p.spikedValid = false
	// The spikes of every committed dispatch reach the recording, also when a later
	// dispatch fails: the state and the recording then agree on the last good step.
	defer p.flushPending()
	for _, seg := range p.m.Segments(p.h.Step, steps) {
		key := progKey{xPN: in.xPN}
		var sched float32
		if seg.Sched != nil {
			if seg.Sched.IsScalar() {
				sched = seg.Sched.Scalar
			} else {
				key.schedPN = true
				if err := p.loadSched(p.m.ScheduleAt(seg.Start)); err != nil {
					return err
				}
			}
		}
		pr, err := p.program(key)
		if err != nil {
			return err
		}
		pr.use()
		gl.Uniform1f(pr.u.Sched, sched)
		gl.Uniform1f(pr.u.X, in.x)
		gl.Uniform1i(pr.u.LastStep, int32(p.lastStep))
		ck("glUniform")
		for s := seg.Start; s < seg.End; {
			k := int(min(int64(p.k), seg.End-s))
			k = min(k, p.maxK())
			t0 := time.Now()
			step := p.dispatch
			if p.lay.net != nil {
				step = p.dispatchNet
			}
			if err := step(pr, p.chunks, s, k); err != nil {
				return err
			}
			if p.opts.StepsPerDispatch <= 0 {
				p.adapt(k, time.Since(t0))
			}
			s += int64(k)
			p.h.Step = s
		}
	}
	return nil
}

// flushPending sorts the spikes of the call's dispatches by (step, neuron) and appends
// them to the recording.
func (p *Population) flushPending() {
	if len(p.pending) == 0 {
		return
	}
	slices.Sort(p.pending)
	for _, v := range p.pending {
		p.h.Rec.SpikeSteps = append(p.h.Rec.SpikeSteps, int32(v>>32))
		p.h.Rec.SpikeIDs = append(p.h.Rec.SpikeIDs, int32(uint32(v)))
	}
	p.pending = p.pending[:0]
}

// maxK is the most steps one dispatch may take: the rate and trace buffers bound it,
// and a software renderer's limit on loop iterations.
func (p *Population) maxK() int {
	k := math.MaxInt32
	switch cap := p.hooks.LoopCap; {
	case cap > 0:
		k = cap
	case cap == 0 && p.ctx.dev.Software:
		k = p.lay.loopCap()
	}
	if p.plan.rateCap > 0 {
		k = min(k, p.plan.rateCap)
	}
	if p.lay.traces > 0 {
		rows := p.plan.traceCap / p.lay.traces
		k = min(k, rows*p.m.Record.Every())
	}
	if p.lay.list {
		// The spike counter is 32 bits and counts every spike of a dispatch (of a
		// network's batch), at most one a neuron a step: keep k*N below 2^32 so that it
		// cannot wrap.
		k = min(k, max(1, int((1<<32-1)/int64(p.m.N))))
	}
	return k
}

// adapt steers the steps per dispatch toward the target dispatch time.
func (p *Population) adapt(k int, took time.Duration) {
	target := p.opts.dispatchTime(p.ctx.dev.Software)
	if k < p.k || took <= 0 {
		if took > 2*target { // a short dispatch that was slow still counts
			p.k = max(1, p.k/2)
		}
		return
	}
	want := int(float64(k) * float64(target) / float64(took))
	p.k = max(1, min(want, 4*p.k, math.MaxInt32/2))
}

// window is the steps [s0, s0+k) of one dispatch and the trace rows it records: rows
// of the steps from traceFirst, every Record.Every() steps.
type window struct {
	s0         int64
	k          int
	traceFirst int64
	traceRows  int
}

func (p *Population) window(s0 int64, k int) window {
	w := window{s0: s0, k: k}
	if p.lay.traces > 0 {
		e := int64(p.m.Record.Every())
		w.traceFirst = (s0 + e - 1) / e * e
		if w.traceFirst < s0+int64(k) {
			w.traceRows = int((s0+int64(k)-1-w.traceFirst)/e) + 1
		}
	}
	return w
}

func (w window) String() string { return fmt.Sprintf("steps %d..%d", w.s0, w.s0+int64(w.k)) }

// readout is what one dispatch recorded, read back to the host.
type readout struct {
	spikes []uint32 // (step, id) pairs
	rate   []uint32 // spikes a step
	trace  []float32
}

// dispatch advances the chunks cs through steps [s0, s0+k) with the bound program,
// reads the recordings back, and commits the new state. If the spike list overflowed,
// nothing is committed: overflow does the work again. No spike is lost.
func (p *Population) dispatch(pr *lifProgram, cs []*chunk, s0 int64, k int) (err error) {
	issued := false
	defer func() {
		// In place, the first dispatch already advanced the state: after any error the
		// state is at no single step.
		if err != nil && issued && p.lay.stateCopies == 1 {
			p.torn = true
		}
	}()
	w := p.window(s0, k)
	p.resetRecordings(pr, w)
	for _, c := range cs {
		err := p.issue(pr, c, w)
		issued = true
		if err != nil {
			return err
		}
	}
	if err := p.dispatchError(w); err != nil {
		return err
	}
	out, over, err := p.readBack(w)
	if err != nil {
		return err
	}
	if err := p.truncated(cs, w); err != nil {
		return err
	}
	if over > 0 {
		p.stats.redone++
		return p.overflow(pr, cs, s0, k, over)
	}
	p.commit(cs, w, out)
	return nil
}

// resetRecordings empties the spike list and the rate rows of the dispatch w, and sets
// the uniforms of its steps.
func (p *Population) resetRecordings(pr *lifProgram, w window) {
	if p.m.Record.Spikes {
		hdr := [2]uint32{0, uint32(p.spikeCap)}
		p.spikeBuf.write(0, 8, unsafe.Pointer(&hdr[0]))
	}
	if p.m.Record.Rate {
		p.rateBuf.clear(0, 4*w.k)
	}
	if p.lay.traces > 0 {
		gl.Uniform1i(pr.u.TraceFirst, int32(w.traceFirst))
		gl.Uniform1i(pr.u.TraceRow0, 0)
	}
	gl.Uniform1i(pr.u.RateBase, 0)
	gl.Uniform1i(pr.u.Step0, int32(w.s0))
	gl.Uniform1i(pr.u.Steps, int32(w.k))
	if p.m.HasRandom() {
		// The draws' counter: the absolute step as 64 bits (the shader carries into
		// the high half when the low half wraps within the dispatch).
		gl.Uniform2ui(pr.u.Step64, uint32(uint64(w.s0)), uint32(uint64(w.s0)>>32))
	}
}

// bindings are the buffers of chunk c's dispatch, by lif.comp's binding point; a nil
// one is not bound (the variant does not declare it).
func (p *Population) bindings(c *chunk) [numBindings]*buffer {
	var b [numBindings]*buffer
	b[bindStateIn] = c.state[c.cur]
	if p.lay.stateCopies == 2 {
		b[bindStateOut] = c.state[1-c.cur]
	}
	b[bindParams], b[bindSched], b[bindX] = c.params, c.sched, c.x
	b[bindSpikes], b[bindRate], b[bindTrace] = p.spikeBuf, p.rateBuf, p.traceBuf
	b[bindTraceList] = c.traceList
	if c.traceList == nil {
		b[bindTraceList] = p.traceBuf // an empty list still needs a buffer bound
	}
	b[bindLast], b[bindNormal] = c.last, p.normalBuf
	b[bindPoisson] = c.poisson
	if c.poisson == nil {
		b[bindPoisson] = p.poissonBuf // one table for all chunks
	}
	b[bindRingEx], b[bindRingIn] = c.ringEx, c.ringIn
	return b
}

// issue dispatches chunk c through the steps of w.
func (p *Population) issue(pr *lifProgram, c *chunk, w window) error {
	if p.hasLast(w) {
		c.last.clear(0, 8) // the spike count, and the truncation flag
	} else {
		c.last.clear(4, 4)
	}
	return p.launch(pr, c, w)
}

// hasLast reports whether the steps of w hold the call's last step, whose spikes go to
// the chunks' Last buffers.
func (p *Population) hasLast(w window) bool {
	return p.lastStep >= w.s0 && p.lastStep < w.s0+int64(w.k)
}

// launch binds chunk c's buffers and dispatches it through the steps of w (Last is
// ready).
func (p *Population) launch(pr *lifProgram, c *chunk, w window) error {
	for point, b := range p.bindings(c) {
		if b != nil {
			b.bind(uint32(point))
		}
	}
	ck("glBindBufferBase")
	if p.lay.traces > 0 {
		gl.Uniform1i(pr.u.TraceCount, int32(c.traceCount))
	}
	gl.Uniform1ui(pr.u.N, uint32(c.n))
	gl.Uniform1i(pr.u.Base, int32(c.base))
	ck("glUniform")
	var t0 time.Time
	if glDebug {
		t0 = time.Now()
	}
	gl.DispatchCompute(uint32((c.n+wg-1)/wg), 1, 1)
	p.stats.dispatches++
	ck("glDispatchCompute")
	gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.BUFFER_UPDATE_BARRIER_BIT)
	ck("glMemoryBarrier")
	if glDebug {
		gl.Finish()
		log.Printf("gpu: dispatch chunk %d (%d neurons) %v: %v", c.base/p.plan.chunkN, c.n, w, time.Since(t0))
		return checkGL("dispatch")
	}
	return nil
}

// dispatchError is the error of the dispatches of w, found after their GL work: a GL
// error or a GPU reset (p.check), or the fault the hooks inject
// (gpuhook.Hooks.FaultAfter), once.
func (p *Population) dispatchError(w window) error {
	if err := p.check("dispatching " + w.String()); err != nil {
		return err
	}
	if h := p.hooks; h.FaultAfter > 0 && !p.faulted && p.stats.dispatches > h.FaultAfter {
		p.faulted, p.lost = true, h.FaultLost
		return fmt.Errorf("gpu: dispatching %v: injected fault (gpuhook.Hooks.FaultAfter)", w)
	}
	return nil
}

// readBack copies the recordings of the dispatch w to the host. When the spike list
// overflowed it reads nothing more and returns the spikes' count as over.
func (p *Population) readBack(w window) (out readout, over int, err error) {
	rec := p.m.Record
	if rec.Spikes {
		var count uint32
		p.spikeBuf.read(0, 4, unsafe.Pointer(&count))
		if int(count) > p.spikeCap {
			return out, int(count), nil
		}
		out.spikes = make([]uint32, 2*count)
		if count > 0 {
			p.spikeBuf.read(8, 8*int(count), unsafe.Pointer(&out.spikes[0]))
		}
	} else if !rec.Rate && w.traceRows == 0 {
		// Nothing to read back: wait anyway, so that one call never queues more than
		// one dispatch per chunk (the dispatch time stays what adapt measures).
		gl.Finish()
	}
	p.readRateTrace(w, &out)
	return out, 0, p.check("reading the recordings back")
}

// readRateTrace copies the rate and trace rows of the steps of w to out.
func (p *Population) readRateTrace(w window, out *readout) {
	if p.m.Record.Rate && w.k > 0 {
		out.rate = make([]uint32, w.k)
		p.rateBuf.read(0, 4*w.k, unsafe.Pointer(&out.rate[0]))
	}
	if w.traceRows > 0 {
		out.trace = make([]float32, w.traceRows*p.lay.traces)
		p.traceBuf.read(0, 4*len(out.trace), unsafe.Pointer(&out.trace[0]))
	}
}

// commit adds what the dispatch w of the chunks cs recorded to the host's recording,
// and makes its new state the current one.
func (p *Population) commit(cs []*chunk, w window, out readout) {
	p.record(cs, w, out)
	if p.lay.stateCopies == 2 {
		for _, c := range cs {
			c.cur = 1 - c.cur
		}
	}
	if len(cs) == len(p.chunks) {
		p.h.Step = w.s0 + int64(w.k) // every chunk is at the end of these steps
	}
}

// record adds what the chunks cs recorded in the steps of w to the host's recording.
func (p *Population) record(cs []*chunk, w window, out readout) {
	for i := 0; i < len(out.spikes); i += 2 {
		p.pending = append(p.pending, uint64(out.spikes[i])<<32|uint64(out.spikes[i+1]))
	}
	rec := &p.h.Rec
	if p.m.Record.Rate {
		at := int(w.s0 - rec.Start) // Rate[0] is the step recording (re)started at
		if need := at + w.k; len(rec.Rate) < need {
			rec.Rate = append(rec.Rate, make([]uint32, need-len(rec.Rate))...)
		}
		for j, v := range out.rate {
			rec.Rate[at+j] += v
		}
	}
	if w.traceRows > 0 {
		// Rows are counted from the first recorded step at or after the recording's start.
		e := int64(p.m.Record.Every())
		first := (rec.Start + e - 1) / e
		row0 := int(w.traceFirst/e - first)
		T := p.lay.traces
		for len(rec.TraceSteps) < row0+w.traceRows {
			rec.TraceSteps = append(rec.TraceSteps, int32((first+int64(len(rec.TraceSteps)))*e))
			rec.Traces = append(rec.Traces, make([]float32, T)...)
		}
		for _, c := range cs {
			for _, col := range c.traceCols {
				for r := range w.traceRows {
					rec.Traces[(row0+r)*T+col] = out.trace[r*T+col]
				}
			}
		}
	}
}
