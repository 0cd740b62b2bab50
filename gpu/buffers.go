//go:build cgo && egl

package gpu

import (
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
)

// buffer is a GL buffer object that knows its size. A bufferSet makes it, owns it and
// releases it with the others; its methods run on the GL thread.
type buffer struct {
	id    uint32
	size  int // bytes
	usage uint32
}

// newBuffer makes a buffer of size bytes, filled from data (or undefined when data is
// nil). Check allocError after a batch of them.
func newBuffer(size int, data unsafe.Pointer, usage uint32) *buffer {
	b := &buffer{size: size, usage: usage}
	gl.CreateBuffers(1, &b.id)
	ck("glCreateBuffers")
	gl.NamedBufferData(b.id, size, data, usage)
	ck("glNamedBufferData")
	return b
}

// resize gives the buffer size bytes of new, undefined, storage.
func (b *buffer) resize(size int) {
	gl.NamedBufferData(b.id, size, nil, b.usage)
	ck("glNamedBufferData")
	b.size = size
}

// bind binds the buffer to a shader storage binding point.
func (b *buffer) bind(binding uint32) {
	gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, binding, b.id)
}

// clear sets size bytes from off to 0.
func (b *buffer) clear(off, size int) {
	gl.ClearNamedBufferSubData(b.id, gl.R32UI, off, size, gl.RED_INTEGER, gl.UNSIGNED_INT, nil)
	ck("glClearNamedBufferSubData")
}

// write copies size bytes from src to the buffer at off.
func (b *buffer) write(off, size int, src unsafe.Pointer) {
	gl.NamedBufferSubData(b.id, off, size, src)
	ck("glNamedBufferSubData")
}

// read copies size bytes at off to dst; it waits for the GL work that writes them.
func (b *buffer) read(off, size int, dst unsafe.Pointer) {
	if size == 0 {
		return
	}
	gl.GetNamedBufferSubData(b.id, off, size, dst)
	ck("glGetNamedBufferSubData")
}

// Release deletes the buffer object; a second Release does nothing.
func (b *buffer) Release() {
	if b.id != 0 {
		gl.DeleteBuffers(1, &b.id)
		b.id, b.size = 0, 0
	}
}

// bufferSet owns a population's buffers: freeing them is one loop, and their bytes are
// what the device holds (the plan's estimate is for the check before allocating).
type bufferSet struct{ owned []*buffer }

// alloc makes a buffer (as newBuffer) that the set owns.
func (s *bufferSet) alloc(size int, data unsafe.Pointer, usage uint32) *buffer {
	b := newBuffer(size, data, usage)
	s.owned = append(s.owned, b)
	return b
}

// bytes is the device memory of the set's buffers.
func (s *bufferSet) bytes() int64 {
	var n int64
	for _, b := range s.owned {
		n += int64(b.size)
	}
	return n
}

// release deletes every buffer of the set.
func (s *bufferSet) release() {
	for _, b := range s.owned {
		b.Release()
	}
	s.owned = nil
}

// allocError checks GL errors after allocations; GL_OUT_OF_MEMORY becomes
// lifgpu.ErrOutOfDeviceMemory.
func allocError(op string, bytes int64) error {
	err := checkGL(op)
	if e, ok := err.(*glError); ok && slices.Contains(e.Codes, gl.OUT_OF_MEMORY) {
		return fmt.Errorf("%w: %s (%s): the driver ran out of memory: %v", lifgpu.ErrOutOfDeviceMemory, op, mib(bytes), err)
	}
	return err
}

// stateRec is one neuron's State record: u, ref, count and, in a network, the two
// ports' currents. On the device a record is stateWords or netStateWords 32-bit words
// (layout.stateBytes).
type stateRec struct {
	U        float32
	Ref      int32
	Cnt      uint32
	IEx, IIn float32
}

// putState writes record i of words, w words a record.
func putState(words []uint32, i, w int, s stateRec) {
	r := words[i*w : i*w+w]
	r[0], r[1], r[2] = math.Float32bits(s.U), uint32(s.Ref), s.Cnt
	if w == netStateWords {
		r[3], r[4] = math.Float32bits(s.IEx), math.Float32bits(s.IIn)
	}
}

// getState reads record i of words, w words a record.
func getState(words []uint32, i, w int) stateRec {
	r := words[i*w : i*w+w]
	s := stateRec{U: math.Float32frombits(r[0]), Ref: int32(r[1]), Cnt: r[2]}
	if w == netStateWords {
		s.IEx, s.IIn = math.Float32frombits(r[3]), math.Float32frombits(r[4])
	}
	return s
}

// chunk is a run of neurons whose every binding fits in one storage block and whose
// dispatch fits the group-count limit. A nil buffer is one the layout does not need.
type chunk struct {
	base, n    int
	state      [2]*buffer // current and next State buffers (one when INPLACE)
	cur        int
	params     *buffer
	sched      *buffer
	x          *buffer // Forward's per-neuron x, made at the first such Forward
	last       *buffer // {count, truncated, ids[n]}
	traceList  *buffer // (index in chunk, column), sorted by index
	poisson    *buffer // per-neuron Poisson thresholds of the chunk's neurons
	ringEx     *buffer // a network's delay rings: D slots of the chunk's n neurons
	ringIn     *buffer
	traceCount int
	traceCols  []int
}

// allocate makes and fills every buffer. It runs on the GL thread.
func (p *Population) allocate() error {
	m, pl := p.m, p.plan
	for base := 0; base < m.N; base += pl.chunkN {
		p.chunks = append(p.chunks, p.allocChunk(base, min(pl.chunkN, m.N-base)))
	}
	if p.lay.noise {
		v := m.Normal.Values()
		p.normalBuf = p.bufs.alloc(4*len(v), unsafe.Pointer(&v[0]), gl.STATIC_DRAW)
	}
	if p.lay.poisson && p.lay.poissonLen > 0 && !p.lay.poissonPN {
		thr := m.PoissonTable.Thresholds()
		p.poissonBuf = p.bufs.alloc(4*len(thr), unsafe.Pointer(&thr[0]), gl.STATIC_DRAW)
	}
	if p.lay.list {
		p.spikeCap = pl.spikeCap
		p.spikeBuf = p.bufs.alloc(p.lay.spikeHeader()+8*p.spikeCap, nil, gl.DYNAMIC_COPY)
	}
	if p.lay.net != nil {
		p.allocNet()
	}
	if pl.rateCap > 0 {
		p.rateBuf = p.bufs.alloc(4*pl.rateCap, nil, gl.DYNAMIC_COPY)
	}
	if pl.traceCap > 0 {
		p.traceBuf = p.bufs.alloc(4*pl.traceCap, nil, gl.DYNAMIC_COPY)
	}
	return allocError("allocating buffers", p.plan.bytes())
}

// allocChunk makes and fills the buffers of the n neurons from base.
func (p *Population) allocChunk(base, n int) *chunk {
	m := p.m
	c := &chunk{base: base, n: n}
	w := p.lay.stateBytes() / 4
	st := make([]uint32, w*n)
	for i := range n {
		putState(st, i, w, stateRec{U: m.U0.At(base + i)})
	}
	for k := range p.lay.stateCopies {
		c.state[k] = p.bufs.alloc(4*len(st), unsafe.Pointer(&st[0]), gl.DYNAMIC_COPY)
	}
	if p.lay.net != nil {
		p.allocRings(c)
	}
	if s := len(p.lay.fields); s > 0 {
		rec := make([]uint32, n*s)
		for j, f := range p.lay.fields {
			for i := range n {
				if f.f32 != nil {
					rec[i*s+j] = math.Float32bits(f.f32.At(base + i))
				} else {
					rec[i*s+j] = uint32(f.i32.At(base + i))
				}
			}
		}
		c.params = p.bufs.alloc(4*len(rec), unsafe.Pointer(&rec[0]), gl.STATIC_DRAW)
	}
	if p.lay.schedPN {
		c.sched = p.bufs.alloc(4*n, nil, gl.DYNAMIC_DRAW)
	}
	c.last = p.bufs.alloc(4*(n+2), nil, gl.DYNAMIC_COPY)
	c.last.clear(0, 8)
	p.allocTraceList(c)
	if p.lay.poissonPN {
		// Neuron i's thresholds are at i*L (PoissonTable.Base): the chunk's are the
		// range from base*L, and the shader's base is the chunk index times L.
		L := p.lay.poissonLen
		thr := m.PoissonTable.Thresholds()[base*L : (base+n)*L]
		c.poisson = p.bufs.alloc(4*len(thr), unsafe.Pointer(&thr[0]), gl.STATIC_DRAW)
	}
	return c
}

// allocTraceList makes the chunk's list of traced neurons, (index in chunk, column)
// sorted by index, when it has any.
func (p *Population) allocTraceList(c *chunk) {
	var list []int32
	for col, id := range p.m.Record.Traces {
		if id >= c.base && id < c.base+c.n {
			list = append(list, int32(id-c.base), int32(col))
		}
	}
	if len(list) == 0 {
		return
	}
	type pair struct{ i, col int32 }
	ps := unsafe.Slice((*pair)(unsafe.Pointer(&list[0])), len(list)/2)
	slices.SortFunc(ps, func(a, b pair) int { return int(a.i - b.i) })
	c.traceCount = len(ps)
	for _, q := range ps {
		c.traceCols = append(c.traceCols, int(q.col))
	}
	c.traceList = p.bufs.alloc(4*len(list), unsafe.Pointer(&list[0]), gl.STATIC_DRAW)
}

// uploadX copies Forward's per-neuron x to the chunks' x buffers, making them the
// first time. x's values are checked as they are converted (model.X32N): one not finite
// in float32 returns Values.Check's error, before any step.
func (p *Population) uploadX(x lifgpu.Values) error {
	buf := make([]float32, p.plan.chunkN)
	for _, c := range p.chunks {
		if c.x == nil {
			c.x = p.bufs.alloc(4*c.n, nil, gl.STREAM_DRAW)
			if err := allocError("allocating Forward's x", int64(4*c.n)); err != nil {
				return err
			}
		}
		b := buf[:c.n]
		if model.X32N(b, x, c.base) >= 0 {
			return x.Check("x", p.h.M.N) // a value not finite in float32: Check's error
		}
		c.x.write(0, 4*c.n, unsafe.Pointer(&b[0]))
	}
	return nil
}

// loadSched copies schedule entry k's per-neuron values to the chunks' sched buffers,
// unless they hold them already.
func (p *Population) loadSched(k int) error {
	if k == p.schedLoaded {
		return nil
	}
	v := p.m.Schedule[k].Value
	for _, c := range p.chunks {
		c.sched.write(0, 4*c.n, unsafe.Pointer(&v.Values[c.base]))
	}
	p.schedLoaded = k
	return checkGL("uploading the schedule")
}
