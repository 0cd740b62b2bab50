package conn

// postSums is one worker's count of synapses into each post neuron and sum of their
// |w|, for the bounds on q. Posts come in random order (a Bernoulli row jumps across
// the whole post range), so the additions are buffered, as many as the posts (within
// bounds), and applied a bucket of posts at a time (a counting sort by
// post >> sumBucketBits): each bucket's sums are then read once, for several additions
// each, in a tight loop whose misses overlap, instead of a cache miss per synapse in
// the middle of the rows' draws.
type postSums struct {
	sums []postSum
	post []int32 // buffered additions
	abs  []float64

	// flush's scratch: the additions sorted by bucket, and the buckets' starts.
	spost []int32
	sabs  []float64
	start []int
}

type postSum struct { // one cache line holds both
	count int64
	abs   float64
}

const (
	minSumBuffer  = 1 << 14 // buffered additions: n, within these bounds
	maxSumBuffer  = 1 << 21
	sumBucketBits = 14 // 2^14 posts a bucket: 256 KiB of sums
)

func newPostSums(n int) *postSums {
	m := max(minSumBuffer, min(maxSumBuffer, n))
	return &postSums{sums: make([]postSum, n), post: make([]int32, 0, m), abs: make([]float64, 0, m),
		spost: make([]int32, m), sabs: make([]float64, m), start: make([]int, n>>sumBucketBits+2)}
}

func (p *postSums) add(post int, abs float64) {
	p.post = append(p.post, int32(post))
	p.abs = append(p.abs, abs)
	if len(p.post) == cap(p.post) {
		p.flush()
	}
}

// flush applies the buffered additions.
func (p *postSums) flush() {
	start := p.start
	clear(start)
	for _, j := range p.post {
		start[j>>sumBucketBits+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	for k, j := range p.post {
		b := j >> sumBucketBits
		at := start[b]
		start[b]++
		p.spost[at], p.sabs[at] = j, p.abs[k]
	}
	// start[b] is now the end of bucket b; each bucket's additions in buffer order.
	sums := p.sums
	for k, j := range p.spost[:len(p.post)] {
		s := &sums[j]
		s.count++
		s.abs += p.sabs[k]
	}
	p.post, p.abs = p.post[:0], p.abs[:0]
}
