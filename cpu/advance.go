package cpu

import (
	"math/bits"
	"slices"
	"sync"
	"unsafe"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// workerOut is what one worker found in one chunk of steps.
type workerOut struct {
	masks []uint64 // spike bits: 64 neurons a word (the kernels write uint16s)
	hist  []uint32 // spikes per step of the chunk
	ev    []event  // spikes, by block, then step, then neuron
	last  []int32  // spikes of the chunk's last step

	// The block's drive e, and its input before the random terms (base).
	e, base []float32

	// Random input of one block: the four words of its last Philox block of each
	// stream (one block serves rng.NoiseSteps steps of noise, rng.PoissonSteps steps of
	// Poisson input) and which (block, counter) they are, and one step's Gaussian z
	// and Poisson counts.
	nw, pw     [4][]uint32
	nKey, pKey drawKey
	z          []float32
	k          []uint32

	rows rowBuf // a network's procedural rows of the chunk's spikes

	// The kernels' arguments, kept here: passed by pointer through a func value, a
	// local would escape to the heap at every block and step.
	blk  block
	args randomArgs
}

type event struct{ j, i int32 }

// drawKey names the Philox blocks of a block of neurons: its first neuron and the
// counter step; ok is false until the words hold any.
type drawKey struct {
	lo  int
	ctr uint64
	ok  bool
}

type traced struct {
	id  int
	col int
}

// advance runs steps steps with the scheduled current sched (nil: none) and Forward's
// x, in chunks of p.chunk steps. Each worker owns a contiguous range of blocks; each
// block gets its drive, runs the whole chunk while it sits in L1, then its spike masks
// are scanned.
//
// A network couples the blocks: a chunk is at most the shortest delay long (the input
// of its steps then comes from spikes of earlier chunks, all in the rings), each block
// takes its synaptic input step by step, and after every block has run the chunk, its
// spikes are propagated into the rings (see propagateChunk).
func (p *Population) advance(steps int, sched, x param[float32]) {
	ranges := p.ranges()
	if len(p.outs) != len(ranges) {
		p.outs = make([]workerOut, len(ranges)) // kept: their buffers serve every call
	}
	outs := p.outs
	traceBlocks := p.traceBlocks()
	every := int64(p.m.Record.Every())
	ncol := len(p.h.Rec.TraceIDs)
	random := p.m.HasRandom()
	coupled := p.net != nil
	chunk := p.chunk
	if coupled {
		chunk = min(chunk, p.m.Net.MinDelay)
	}
	for done := 0; done < steps; done += chunk {
		k := min(chunk, steps-done)
		s0 := p.h.Step
		// Trace rows of this chunk: steps s in [s0, s0+k) with s % every == 0.
		first := (s0 + every - 1) / every * every
		base := len(p.h.Rec.TraceSteps)
		if ncol > 0 {
			for s := first; s < s0+int64(k); s += every {
				p.h.Rec.TraceSteps = append(p.h.Rec.TraceSteps, int32(s))
			}
			p.h.Rec.Traces = append(p.h.Rec.Traces, make([]float32, (len(p.h.Rec.TraceSteps)-base)*ncol)...)
		}
		rows := p.h.Rec.Traces[base*ncol:]
		p.team.run(len(ranges), func(w int) {
			r := ranges[w]
			o := &outs[w]
			o.reset(k)
			for b := r[0]; b < r[1]; b += blockSize {
				nb := min(blockSize, p.npad-b)
				hi := min(b+nb, p.n)
				if len(o.masks) < p.chunk*blockSize/64 {
					o.masks = make([]uint64, p.chunk*blockSize/64)
				}
				m16 := unsafeSlice((*uint16)(unsafe.Pointer(&o.masks[0])), 4*len(o.masks))
				if len(o.e) < blockSize {
					o.e, o.base = make([]float32, blockSize), make([]float32, blockSize)
				}
				switch {
				case coupled:
					driveInput(o.base[:hi-b], p.bias.slice(b, hi), sched.slice(b, hi), x.slice(b, hi))
				case random:
					p.fillDrive(o.base, b, hi, sched, x)
				default:
					p.fillDrive(o.e, b, hi, sched, x)
				}
				o.blk = p.blockAt(b, nb, m16, k, o.e) // in o: &blk through a func value would be a heap allocation a block
				blk := &o.blk
				tr := traceBlocks[b]
				if tr == nil && !random && !coupled {
					p.step1(blk)
				} else {
					// Step by step: traced neurons record u before each
					// recorded step; random inputs change the drive each step,
					// synaptic inputs too.
					for j := 0; j < k; j++ {
						s := s0 + int64(j)
						if tr != nil && s%every == 0 {
							row := rows[int((s-first)/every)*ncol:]
							for _, t := range tr {
								row[t.col] = p.u[t.id]
							}
						}
						in := o.base
						if random {
							p.randomInput(b, hi, s, o, !coupled)
							in = o.e
						}
						if coupled {
							p.synDrive(o.e, in, b, b+nb, s) // padding included: whole vectors
						}
						blk.steps = 1
						blk.masks = &m16[j*nb/lanes]
						p.step1(blk)
					}
				}
				p.scan(b, nb, k, o)
			}
			if coupled {
				p.drawRows(o)
			}
		})
		if coupled {
			p.propagateChunk(outs, ranges, s0)
		}
		p.merge(outs, s0, k)
		p.h.Step += int64(k)
	}
}

func (p *Population) step1(b *block) {
	if p.m.Method == "exact" {
		p.kern.exact(b)
	} else {
		p.kern.euler(b)
	}
}

func (o *workerOut) reset(k int) {
	o.hist = append(o.hist[:0], make([]uint32, k)...)
	o.ev = o.ev[:0]
	o.last = o.last[:0]
}

func (p *Population) blockAt(b, nb int, masks []uint16, k int, e []float32) block {
	return block{
		u: &p.u[b], ref: &p.ref[b], e: &e[0], alpha: p.alpha.at(b), uRest: p.uRest.at(b),
		uReset: p.uReset.at(b), uTh: p.uTh.at(b), refSteps: p.refSteps.at(b), masks: &masks[0],
		n: nb, steps: k,
	}
}

// scan reads the spike masks of block b (nb neurons) over k steps: counts, the step
// histogram, the spike events and the last step's spikes.
func (p *Population) scan(b, nb, k int, o *workerOut) {
	words := nb / 64                          // blocks are whole multiples of 64 neurons
	keep := p.m.Record.Spikes || p.net != nil // a network propagates them
	for j := 0; j < k; j++ {
		row := o.masks[j*words : (j+1)*words]
		for w, m := range row {
			for m != 0 {
				i := b + w*64 + bits.TrailingZeros64(m)
				m &= m - 1
				if i >= p.n {
					break
				}
				p.counts[i]++
				o.hist[j]++
				if keep {
					o.ev = append(o.ev, event{int32(j), int32(i)})
				}
				if j == k-1 {
					o.last = append(o.last, int32(i))
				}
			}
		}
	}
}

// merge folds the workers' findings of one chunk into the recording, with spikes in
// (step, neuron) order: a stable counting sort by step over the workers' lists, which
// are in neuron order within each step.
func (p *Population) merge(outs []workerOut, s0 int64, k int) {
	total := append(p.total[:0], make([]uint32, k)...)
	p.total = total
	for w := range outs {
		for j, c := range outs[w].hist {
			total[j] += c
		}
	}
	if p.m.Record.Rate {
		p.h.Rec.Rate = append(p.h.Rec.Rate, total...)
	}
	p.spiked = p.spiked[:0]
	for w := range outs {
		p.spiked = append(p.spiked, outs[w].last...)
	}
	if !p.m.Record.Spikes {
		return
	}
	// Where each worker's spikes of step j go: after every spike of the steps before
	// j, and after the spikes of step j of the workers before it (lower neurons).
	// offs[w*k+j] is that place for worker w and step j.
	start := len(p.h.Rec.SpikeSteps)
	n := start
	offs := append(p.offs[:0], make([]int, len(outs)*k)...)
	p.offs = offs
	for j := range k {
		for w := range outs {
			offs[w*k+j] = n
			n += int(outs[w].hist[j])
		}
	}
	p.h.Rec.SpikeSteps = slices.Grow(p.h.Rec.SpikeSteps, n-start)[:n]
	p.h.Rec.SpikeIDs = slices.Grow(p.h.Rec.SpikeIDs, n-start)[:n]
	place := func(w int) {
		off, steps, ids := offs[w*k:(w+1)*k], p.h.Rec.SpikeSteps, p.h.Rec.SpikeIDs
		for _, e := range outs[w].ev {
			at := off[e.j]
			off[e.j]++
			steps[at] = int32(s0) + e.j
			ids[at] = e.i
		}
	}
	// A few spikes (a network's chunk is often one step) are placed here: goroutines
	// would cost more than they save.
	if n-start < 1<<14 {
		for w := range outs {
			place(w)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range outs {
		wg.Go(func() { place(w) })
	}
	wg.Wait()
}

// ranges splits the padded population into one range of whole blocks per worker.
func (p *Population) ranges() [][2]int {
	nblocks := (p.npad + blockSize - 1) / blockSize
	per := (nblocks + p.workers - 1) / p.workers
	var out [][2]int
	for b := 0; b < nblocks; b += per {
		out = append(out, [2]int{b * blockSize, min((b+per)*blockSize, p.npad)})
	}
	return out
}

// traceBlocks maps the start of each block that holds traced neurons to them.
func (p *Population) traceBlocks() map[int][]traced {
	out := make(map[int][]traced)
	for col, id := range p.h.Rec.TraceIDs {
		b := int(id) / blockSize * blockSize
		out[b] = append(out[b], traced{id: int(id), col: col})
	}
	return out
}

// randomInput sets o.e to the input of neurons [lo, hi) at step s,
// ((base + noise) + poisson), as Model.Random defines it, and with drive set to the drive
// the kernels take (R*I, or uRest + R*I for the exact method). The draws are made a block
// of neurons at a time (rng.DrawWords is bit-identical to rng.Draw), each Philox block
// kept for the steps it serves (rng.NoiseWords, rng.PoissonWord): the blocks are
// a pure function of (neuron, counter), so what is kept never depends on where a chunk
// or a call began. The values from the words and the sums are made by driveRandom.
func (p *Population) randomInput(lo, hi int, s int64, o *workerOut, drive bool) {
	m, n := p.m, hi-lo
	if len(o.z) < blockSize {
		for j := range 4 {
			o.nw[j], o.pw[j] = make([]uint32, blockSize), make([]uint32, blockSize)
		}
		o.z, o.k = make([]float32, blockSize), make([]uint32, blockSize)
	}
	o.args = randomArgs{dst: &o.e[0], base: &o.base[0], n: n}
	a := &o.args
	if m.HasNoise {
		key := drawKey{lo, uint64(s) / rng.NoiseSteps, true}
		w := &o.nw
		if o.nKey != key {
			rng.DrawWords(m.Seed, rng.StreamNoise, m.First+uint32(lo), key.ctr, w[0][:n], w[1][:n], w[2][:n], w[3][:n])
			o.nKey = key
		}
		j := 2 * (uint64(s) % rng.NoiseSteps)
		z := o.z[:n]
		m.Normal.SampleN(w[j][:n], w[j+1][:n], z)
		a.z, a.mean, a.std = &z[0], p.noiseMean.at(lo), p.noiseStd.at(lo)
	}
	if m.HasPoisson {
		key := drawKey{lo, uint64(s) / rng.PoissonSteps, true}
		w := &o.pw
		if o.pKey != key {
			rng.DrawWords(m.Seed, rng.StreamPoisson, m.First+uint32(lo), key.ctr, w[0][:n], w[1][:n], w[2][:n], w[3][:n])
			o.pKey = key
		}
		r, pt := w[uint64(s)%rng.PoissonSteps][:n], m.PoissonTable
		a.w = p.poissonW.at(lo)
		if !m.HasNoise && pt.Shared() && pt.Len() > 0 && driveRandomPoisson != nil {
			// Poisson input alone from one table: counted in the drive's pass.
			a.pr, a.thr, a.kmax = &r[0], &pt.Thresholds()[0], pt.Len()
		} else {
			k := o.k[:n]
			pt.SampleN(lo, r, k)
			a.k = &k[0]
		}
	}
	if drive {
		a.r = p.r.at(lo)
		if m.Method == lifgpu.Exact {
			a.uRest = p.uRest.at(lo)
		}
	}
	if a.pr != nil {
		driveRandomPoisson(a)
	} else {
		driveRandom(a)
	}
}
