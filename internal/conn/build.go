package conn

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// MaxInput is the largest sum of |w_q| into one neuron: float32 holds every integer up
// to 2^24 exactly, so no accumulator of the delay ring can overflow or round.
const MaxInput = 1<<24 - 1

// MaxQ is the finest resolution, 2^-30 nA.
const MaxQ = 30

// Network is the synapses of a Config, resolved: weights in fixed point w_q 2^-Q nA,
// delays in steps, stored projections as rows by pre neuron, procedural ones as the
// rules that draw their rows again at each spike.
type Network struct {
	Q        int // weights are w_q * 2^-Q nA
	D        int // delay ring slots: the longest delay + 1
	MinDelay int // the shortest delay, in steps

	// Stored synapses by pre neuron: row i is [RowStart[i], RowStart[i+1]), sorted by
	// post, then weight, then delay.
	RowStart []int64
	Post     []int32
	Wq       []int32
	Delay    []uint16

	Proc []*Procedural // procedural projections

	Synapses  int64   // every synapse, stored and procedural
	Stored    int64   // len(Post)
	Zero      int64   // stored synapses whose weight rounds to 0 at Q
	Projected []int64 // synapses of each projection
}

// Row returns the stored row of pre neuron i: its synapses' posts, weights and delays.
func (n *Network) Row(i int) (post, wq []int32, d []uint16) {
	a, b := n.RowStart[i], n.RowStart[i+1]
	return n.Post[a:b], n.Wq[a:b], n.Delay[a:b]
}

// ResolutionError refuses a weight resolution: Need is the largest sum of |w_q| into a
// neuron at that resolution (Post is the neuron), above MaxInput.
type ResolutionError struct {
	Q          int
	Post       int
	Need       int64
	Requested  bool // the spec asked for this resolution
	Finest     int  // the finest that fits, or -1 when none does
	MaxWeights float64
}

func (e *ResolutionError) Error() string {
	r := math.Ldexp(1, -e.Q)
	if e.Requested {
		s := fmt.Sprintf("lifgpu: synapses.weight_resolution = %g nA (2^-%d): neuron %d would sum |w_q| = %d > %d, which can overflow the int32 accumulators or round in float32",
			r, e.Q, e.Post, e.Need, MaxInput)
		if e.Finest >= 0 {
			s += fmt.Sprintf(" (remedy: use %g nA (2^-%d) or coarser, or 0 for the finest that fits)", math.Ldexp(1, -e.Finest), e.Finest)
		}
		return s
	}
	return fmt.Sprintf("lifgpu: synapses: even at 1 nA resolution neuron %d sums |w_q| = %d > %d: its input cannot be held exactly (remedy: lower the weights or the in-degree)",
		e.Post, e.Need, MaxInput)
}

// Build resolves the projections of cfg at step dt: the resolution, the delays, the
// stored rows. workers goroutines share the work (0: GOMAXPROCS); the result does not
// depend on them.
func Build(cfg lifgpu.Config, dt float64, nt *rng.NormalTable, workers int) (*Network, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	b := &builder{n: cfg.N, workers: workers}
	net := &Network{MinDelay: math.MaxInt}
	for k, p := range cfg.Projections {
		r := newRule(k, p, cfg.Seed, dt, nt)
		b.rules = append(b.rules, r)
		lo, hi := r.delayBounds()
		if r.units() > 0 {
			net.MinDelay, net.D = min(net.MinDelay, lo), max(net.D, hi+1)
		}
	}
	if net.D == 0 {
		net.MinDelay, net.D = 1, 2 // no synapse at all: a ring nobody writes
	}
	b.firstPass(net)
	q, err := b.resolution(cfg.Synapses.WeightResolution)
	if err != nil {
		return nil, err
	}
	net.Q = q
	b.fill(net)
	for _, r := range b.rules {
		if r.p.Procedural {
			net.Proc = append(net.Proc, newProcedural(r, q))
		}
	}
	return net, nil
}

type builder struct {
	n       int
	workers int
	rules   []*rule
	sumAbs  []uint64 // per post: Σ|w| (float64 bits), for the bounds on q
	inCount []int64  // per post: synapses
	rows    []int64  // per pre: stored synapses
}

// each runs f on every unit of the rules that keep selects, spread over the workers;
// w is the worker's index, in [0, b.workers).
func (b *builder) each(keep func(*rule) bool, f func(w int, r *rule, u int)) {
	type job struct {
		r      *rule
		lo, hi int
	}
	jobs := make(chan job, 64)
	var wg sync.WaitGroup
	for w := range b.workers {
		wg.Go(func() {
			for j := range jobs {
				for u := j.lo; u < j.hi; u++ {
					f(w, j.r, u)
				}
			}
		})
	}
	for _, r := range b.rules {
		if !keep(r) {
			continue
		}
		n := r.units()
		step := max(1, min(4096, n/(8*b.workers)+1))
		for lo := 0; lo < n; lo += step {
			jobs <- job{r, lo, min(lo+step, n)}
		}
	}
	close(jobs)
	wg.Wait()
}

var all = func(*rule) bool { return true }

// firstPass counts every rule's synapses per post neuron and the stored ones per pre
// neuron, and sums |w| per post neuron. Each worker sums into arrays of its own
// (postSums) when they fit in localSums neurons in all (else into the shared ones,
// atomically); a run of synapses of one pre neuron counts into its row once. The float
// sums' order does not matter: they only bound the search for q (see resolution).
func (b *builder) firstPass(net *Network) {
	b.sumAbs = make([]uint64, b.n)
	b.inCount = make([]int64, b.n)
	b.rows = make([]int64, b.n+1)
	net.Projected = make([]int64, len(b.rules))
	var local []*postSums
	if b.n*b.workers <= localSums {
		local = make([]*postSums, b.workers)
	}
	b.each(all, func(w int, r *rule, u int) {
		var l *postSums
		if local != nil {
			if local[w] == nil {
				local[w] = newPostSums(b.n)
			}
			l = local[w]
		}
		var count, run int64
		pre := -1
		flush := func() {
			if run > 0 {
				atomic.AddInt64(&b.rows[pre], run)
			}
		}
		r.visit(u, func(s synapse) {
			count++
			if l != nil {
				l.add(s.post, math.Abs(s.w))
			} else {
				atomic.AddInt64(&b.inCount[s.post], 1)
				addFloat(&b.sumAbs[s.post], math.Abs(s.w))
			}
			if !r.p.Procedural {
				if s.pre != pre {
					flush()
					pre, run = s.pre, 0
				}
				run++
			}
		})
		flush()
		atomic.AddInt64(&net.Projected[r.k], count)
	})
	if local != nil {
		var wg sync.WaitGroup
		for _, l := range local {
			if l != nil {
				wg.Go(l.flush)
			}
		}
		wg.Wait()
		per := (b.n + b.workers - 1) / b.workers
		for lo := 0; lo < b.n; lo += per {
			wg.Go(func() {
				for j := lo; j < min(lo+per, b.n); j++ {
					var c int64
					var a float64
					for _, l := range local {
						if l != nil {
							c += l.sums[j].count
							a += l.sums[j].abs
						}
					}
					b.inCount[j], b.sumAbs[j] = c, math.Float64bits(a)
				}
			})
		}
		wg.Wait()
	}
	for k, c := range net.Projected {
		net.Synapses += c
		if !b.rules[k].p.Procedural {
			net.Stored += c
		}
	}
}

// localSums bounds the per-worker sums of firstPass: workers times neurons (16 bytes
// each, 512 MiB in all).
const localSums = 1 << 25

// addFloat adds x to the float64 whose bits *p holds.
func addFloat(p *uint64, x float64) {
	for {
		old := atomic.LoadUint64(p)
		if atomic.CompareAndSwapUint64(p, old, math.Float64bits(math.Float64frombits(old)+x)) {
			return
		}
	}
}

// resolution finds q: the requested one if it fits, else the largest that fits. The
// float sums only bound the search (sum |w_q| is within K/2 of 2^q sum|w| for K
// synapses, and grows with q); every q decided without an exact pass is one that
// those bounds prove, with room for the float sums' rounding.
func (b *builder) resolution(requested float64) (int, error) {
	if requested != 0 {
		q := int(math.Round(-math.Log2(requested)))
		if post, need := b.exact(q); need > MaxInput {
			fin, _ := b.finest()
			return 0, &ResolutionError{Q: q, Post: post, Need: need, Requested: true, Finest: fin}
		}
		return q, nil
	}
	return b.finest()
}

func (b *builder) finest() (int, error) {
	const slack = 1 + 1e-9 // the float sums' rounding
	hi, sure := MaxQ, -1   // hi: no q above can fit; sure: fits by the upper bound
	for q := MaxQ; q >= 0; q-- {
		scale := math.Ldexp(1, q)
		lower, upper := true, true
		for j, c := range b.inCount {
			if c == 0 {
				continue
			}
			s := math.Float64frombits(b.sumAbs[j]) * scale
			half := float64(c) / 2
			if s/slack-half > MaxInput {
				lower = false
			}
			if s*slack+half > MaxInput {
				upper = false
			}
		}
		if !lower {
			hi = q - 1
		}
		if upper {
			sure = q
			break
		}
	}
	for q := hi; q > sure; q-- {
		if _, need := b.exact(q); need <= MaxInput {
			return q, nil
		}
	}
	if sure < 0 {
		post, need := b.exact(0)
		return 0, &ResolutionError{Q: 0, Post: post, Need: need, Finest: -1}
	}
	return sure, nil
}

// exact returns the neuron with the largest sum of |w_q| at q, and that sum (each term
// capped at 2^25: a sum above MaxInput is refused whatever its size).
func (b *builder) exact(q int) (post int, need int64) {
	sums := make([]int64, b.n)
	b.each(all, func(_ int, r *rule, u int) {
		r.visit(u, func(s synapse) {
			atomic.AddInt64(&sums[s.post], min(abs64(Quantize(s.w, q)), 1<<25))
		})
	})
	for j, s := range sums {
		if s > need {
			post, need = j, s
		}
	}
	return post, need
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// fill makes the stored rows at resolution net.Q.
func (b *builder) fill(net *Network) {
	net.RowStart = make([]int64, b.n+1)
	for i := range b.n {
		net.RowStart[i+1] = net.RowStart[i] + b.rows[i]
	}
	m := net.RowStart[b.n]
	net.Post, net.Wq, net.Delay = make([]int32, m), make([]int32, m), make([]uint16, m)
	cursor := make([]int64, b.n)
	copy(cursor, net.RowStart[:b.n])
	var zero int64
	stored := func(r *rule) bool { return !r.p.Procedural }
	b.each(stored, func(_ int, r *rule, u int) {
		r.visit(u, func(s synapse) {
			at := atomic.AddInt64(&cursor[s.pre], 1) - 1
			wq := Quantize(s.w, net.Q)
			if wq == 0 {
				atomic.AddInt64(&zero, 1)
			}
			net.Post[at], net.Wq[at], net.Delay[at] = int32(s.post), int32(wq), uint16(s.d)
		})
	})
	net.Zero = zero
	var wg sync.WaitGroup
	per := (b.n + b.workers - 1) / b.workers
	for lo := 0; lo < b.n; lo += per {
		wg.Go(func() {
			for i := lo; i < min(lo+per, b.n); i++ {
				a, e := net.RowStart[i], net.RowStart[i+1]
				sortRow(net.Post[a:e], net.Wq[a:e], net.Delay[a:e])
			}
		})
	}
	wg.Wait()
}
