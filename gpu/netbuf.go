//go:build cgo && egl

package gpu

import (
	"fmt"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu/internal/conn"
)

// netBuffers are a network's device data beyond the chunks' rings (netplan.go says
// what they hold).
type netBuffers struct {
	rows  []rowBuffer
	proc  []procBuffer
	args  *buffer // propagate.comp's indirect dispatches: (x, y, z, G) a propagation
	progs netPrograms
}

// rowBuffer is a row chunk on the device: its row offsets and synapses.
type rowBuffer struct {
	rowChunk
	off, syn *buffer
}

// procBuffer is a procedural projection's gap table.
type procBuffer struct {
	g   *conn.Procedural
	gap *buffer
}

// allocNet makes and fills a network's buffers (the rings are the chunks'). It runs
// on the GL thread.
func (p *Population) allocNet() {
	nl := p.lay.net
	nb := &netBuffers{}
	var start []int64
	for k, rc := range p.plan.rows {
		if k == 0 || rc.ring != p.plan.rows[k-1].ring {
			c := p.chunks[rc.ring]
			start = nl.ringRows(c.base, c.base+c.n)
		}
		nb.rows = append(nb.rows, p.allocRows(rc, start))
	}
	var args []uint32
	for _, rb := range nb.rows {
		args = append(args, 0, 1, 1, uint32(rb.groups))
	}
	for _, g := range nl.proc {
		t := append(append([]uint32(nil), g.Gap.T...), 0) // never empty (P = 1 has no table)
		nb.proc = append(nb.proc, procBuffer{g: g, gap: p.bufs.alloc(4*len(t), unsafe.Pointer(&t[0]), gl.STATIC_DRAW)})
		args = append(args, 0, 1, 1, 0)
	}
	args = append(args, 0, 1, 1, 0) // never empty
	nb.args = p.bufs.alloc(4*len(args), unsafe.Pointer(&args[0]), gl.DYNAMIC_COPY)
	if nl.drawn && p.normalBuf == nil {
		v := p.m.Normal.Values() // the table conn drew the weights and delays with
		p.normalBuf = p.bufs.alloc(4*len(v), unsafe.Pointer(&v[0]), gl.STATIC_DRAW)
	}
	p.net = nb
}

// allocRows packs and uploads the row chunk rc, whose ring chunk's rows are start
// (ringRows).
func (p *Population) allocRows(rc rowChunk, start []int64) rowBuffer {
	nl, net := p.lay.net, p.m.Net
	c := p.chunks[rc.ring]
	rb := rowBuffer{rowChunk: rc}
	off := rc.off(start)
	rb.off = p.bufs.alloc(4*len(off), unsafe.Pointer(&off[0]), gl.STATIC_DRAW)
	words := make([]uint32, 0, nl.synWords*int(rc.synHi-rc.synLo))
	for i := rc.preLo; i < rc.preHi; i++ {
		a, b := nl.runOf(i, c.base, c.base+c.n)
		dev := start[i] // the device index of the run's next non-zero synapse
		for k := a; k < b && dev < rc.synHi; k++ {
			wq := net.Wq[k]
			if wq == 0 {
				continue
			}
			if dev >= rc.synLo {
				if j, d := uint32(net.Post[k]), uint32(net.Delay[k]); nl.synWords == 2 {
					words = append(words, j, uint32(wq)<<nl.dBits|d)
				} else {
					words = append(words, j, uint32(wq), d)
				}
			}
			dev++
		}
	}
	rb.syn = p.bufs.alloc(4*len(words), unsafe.Pointer(&words[0]), gl.STATIC_DRAW)
	return rb
}

// allocRings makes the chunk's two delay rings, all 0.
func (p *Population) allocRings(c *chunk) {
	size := 4 * p.lay.net.D * c.n
	c.ringEx = p.bufs.alloc(size, nil, gl.DYNAMIC_COPY)
	c.ringIn = p.bufs.alloc(size, nil, gl.DYNAMIC_COPY)
	c.ringEx.clear(0, size)
	c.ringIn.clear(0, size)
}

// netNote is what Backend says of a network: its synapses on the device and how a
// dispatch pair propagates them.
func (p *Population) netNote() string {
	nl := p.lay.net
	if nl == nil {
		return ""
	}
	return fmt.Sprintf("; network: %d stored synapses (%d B each) in %d row chunks, %d procedural projections, delay rings of %d slots in %d chunks, "+
		"up to %d steps an update before propagating", nl.stored, 4*nl.synWords, len(p.plan.rows), len(nl.proc), nl.D, len(p.chunks), nl.minDelay)
}
