//go:build cgo && egl

package gpu

import (
	"fmt"
	"unsafe"
)

// Mesa's llvmpipe (and softpipe) stop every loop of one invocation once its loops
// together have run 65,535 iterations, silently (gallivm's LP_MAX_TGSI_LOOP_ITERATIONS:
// one counter for all the invocation's loops, counting each trip of an inner loop and
// its final test). A fused dispatch runs its steps in one loop, so on such a driver it
// must stay below the limit: maxK bounds it by loopCap. Any driver that cuts a loop
// short is caught anyway: lif.comp sets the Last buffer's truncated flag when an
// invocation leaves its step loop early, and the dispatch fails (truncated).
//
// A network's loops (propagate.comp): a stored row's invocation takes propPer synapses;
// CLEAR loops over a pair's steps, at most MinDelay and at most loopCap; PREP over the
// propagations, which New bounds on a software renderer (fits). A procedural row is
// drawn by one invocation, its loops as long as the row (one trip a synapse with
// p = 1; with gaps to draw, a binary search a word, so ~13 trips a synapse on
// llvmpipe: rows of more than about 5,000 synapses pass the limit): no bound fits them
// all, so propagate.comp checks where the walk ended (a cut walk ends at or before its
// last post) and sets netTruncated; the batch then fails, naming the projection's
// rows as too long for the driver (a stored projection has no such limit).

// softwareLoopLimit is the iterations a software renderer runs in one invocation.
const softwareLoopLimit = 65535

// loopCap is the most steps one dispatch of l's variant may take within
// softwareLoopLimit, counting the inner loops a step can run: Philox's rounds (a loop of
// 9 trips) per draw, the Poisson count's loop over the thresholds, and the trace
// column's binary search before the steps.
func (l layout) loopCap() int {
	perStep := 1
	if l.noise {
		perStep += 10
	}
	if l.poisson && l.poissonLen > 0 {
		perStep += 10 + l.poissonLen + 1
	}
	fixed := 64 // the trace search (at most 33), with room to spare
	return max(1, (softwareLoopLimit-fixed)/perStep)
}

// truncated fails the dispatch w of the chunks cs when an invocation's step loop ended
// early (lif.comp's truncated flag): a driver limit that loopCap does not know.
func (p *Population) truncated(cs []*chunk, w window) error {
	for _, c := range cs {
		var flag uint32
		c.last.read(4, 4, unsafe.Pointer(&flag))
		if flag != 0 {
			if p.lay.stateCopies == 1 {
				p.torn = true // in place: part of the chunk's state advanced
			}
			return fmt.Errorf("gpu: dispatching %v: the driver (%s) ended the step loop early, a loop-iteration limit lifgpu does not know for it; "+
				"set gpu.Options.StepsPerDispatch lower (this dispatch took %d steps), and report the renderer", w, p.ctx.dev.Renderer, w.k)
		}
	}
	return checkGL("reading the truncation flags")
}
