//go:build cgo && egl

package gpu

import (
	"fmt"
	"math"
	"testing"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"

	"github.com/lifgpu/lifgpu/internal/conn"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// connTestSrc walks uRows rows (pre neurons uPre0, uPre0+1, ...) of a Bernoulli
// projection over the posts [uLo, uHi) with internal/conn's GLSL, and writes each
// synapse's (target, index, w_q, delay), at most uCap a row, and the row's length.
const connTestSrc = `#version 430 core
layout(local_size_x = 64) in;
layout(std430, binding = 0) writeonly buffer Out { uvec4 outv[]; };
layout(std430, binding = 1) writeonly buffer Len { uint rowLen[]; };
layout(std430, binding = 2) readonly buffer GapTab { uint gap_table[]; };
layout(std430, binding = 3) readonly buffer NormalTab { float normal_table[]; };
#define NORMAL_TABLE(i) normal_table[i]
#define CONN_GAP_TABLE(i) gap_table[i]
#pragma lifgpu include f32
#pragma lifgpu include rng
#pragma lifgpu include conn
uniform uint uRows;
uniform uint uPre0;
uniform uint uLo;
uniform uint uHi;
uniform uint uLen;
uniform uint uCap;
uniform uint uStream;
uniform uvec2 uSeed;
uniform float uWMean;
uniform float uWStd;
uniform float uScale;
uniform float uDMean;
uniform float uDStd;
void main() {
	uint r = gl_GlobalInvocationID.x;
	if (r >= uRows) {
		return;
	}
	uint pre = uPre0 + r;
	conn_row row = conn_row_start(uSeed, uStream, pre, uLo);
	uint n = 0u;
	uint j, m;
	while (conn_row_next(row, uLen, uHi, j, m)) {
		if (n < uCap) {
			int wq = conn_weight_q(uSeed, uStream + 1u, pre, m, uWMean, uWStd, uScale);
			uint d = conn_delay(uSeed, uStream + 2u, pre, m, uDMean, uDStd);
			outv[r * uCap + n] = uvec4(j, m, uint(wq), d);
		}
		n++;
	}
	rowLen[r] = n;
}
`

// connCase is one projection of the test: rows of pre neurons [pre0, pre0+rows) over
// the posts [lo, hi) with probability p, drawn weights (mean, std at resolution 2^-q)
// and delays (in steps).
type connCase struct {
	p            float64
	pre0, rows   int
	lo, hi       int
	wMean, wStd  float32
	q            int
	dMean, dStd  float32
	seed         uint64
	k            int // the projection's index: its streams
	wantMultiple bool
}

// TestConnGLSL runs internal/conn's GLSL rows on the device against Go's
// Geometric.Row, DrawnWeight with Quantize and DrawnDelay, word for word: targets,
// synapse indices, fixed-point weights and delays, for many pre neurons and
// probabilities from 1e-4 (several tables a gap) to 0.97, weights of both signs
// (clipped at 0), delays clipped at 1 and rounded both ways.
func TestConnGLSL(t *testing.T) {
	ctx, err := openContext(nil)
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.close()
	cases := []connCase{
		{p: 1e-4, pre0: 0, rows: 64, lo: 0, hi: 2_000_000, wMean: 0.7, wStd: 0.3, q: 20, dMean: 15, dStd: 6, seed: 1, k: 0, wantMultiple: true},
		{p: 3e-3, pre0: 1000, rows: 200, lo: 500, hi: 60_000, wMean: -1.5, wStd: 1.2, q: 17, dMean: 2.5, dStd: 3, seed: 0xdeadbeefcafe, k: 3},
		{p: 0.05, pre0: 7, rows: 300, lo: 0, hi: 4000, wMean: 0.2, wStd: 0.5, q: 24, dMean: 1, dStd: 0.7, seed: 42, k: 1},
		{p: 0.5, pre0: 1 << 30, rows: 100, lo: 100, hi: 700, wMean: -0.01, wStd: 0.02, q: 30, dMean: 40.5, dStd: 0, seed: 7, k: 5},
		{p: 0.97, pre0: 123, rows: 80, lo: 3, hi: 400, wMean: 3, wStd: 10, q: 12, dMean: 65530, dStd: 20, seed: 99, k: 2},
	}
	nt := rng.NewNormalTable()
	for _, c := range cases {
		t.Run(fmt.Sprint("p", c.p), func(t *testing.T) {
			g := conn.NewGeometric(c.p)
			want, wantLen, multiple := c.goRows(g, nt)
			if c.wantMultiple && !multiple {
				t.Fatalf("no gap spans several tables: the case misses the move-on path")
			}
			cap := 0
			for _, n := range wantLen {
				cap = max(cap, n)
			}
			got, gotLen := c.deviceRows(t, ctx, g, nt, cap)
			syn := 0
			for r := range c.rows {
				if gotLen[r] != wantLen[r] {
					t.Fatalf("row of pre %d: %d synapses on the device, %d in Go", c.pre0+r, gotLen[r], wantLen[r])
				}
				for s := range wantLen[r] {
					if w, d := want[r*cap+s], got[r*cap+s]; w != d {
						t.Fatalf("pre %d synapse %d: device (j, m, w_q, d) = (%d, %d, %d, %d), Go (%d, %d, %d, %d)",
							c.pre0+r, s, d[0], d[1], int32(d[2]), d[3], w[0], w[1], int32(w[2]), w[3])
					}
				}
				syn += wantLen[r]
			}
			t.Logf("%d rows, %d synapses, %d thresholds", c.rows, syn, len(g.T))
		})
	}
}

// goRows draws the case's rows in Go: (j, m, w_q, d) per synapse, cap a row (cap: the
// longest row), the rows' lengths, and whether some gap went past a whole table.
func (c connCase) goRows(g *conn.Geometric, nt *rng.NormalTable) (out [][4]uint32, lens []int, multiple bool) {
	sS, sW, sD := conn.Streams(c.k)
	var rows [][][4]uint32
	for r := range c.rows {
		pre := c.pre0 + r
		var row [][4]uint32
		prev := c.lo - 1
		g.Row(c.seed, sS, pre, conn.Range{Lo: c.lo, Hi: c.hi}, func(m, j int) {
			if j-prev-1 >= len(g.T) {
				multiple = true
			}
			prev = j
			w := conn.DrawnWeight(c.seed, sW, pre, m, c.wMean, c.wStd, nt)
			wq := int32(conn.Quantize(float64(w), c.q))
			d := conn.DrawnDelay(c.seed, sD, pre, m, c.dMean, c.dStd, nt)
			row = append(row, [4]uint32{uint32(j), uint32(m), uint32(wq), uint32(d)})
		})
		rows = append(rows, row)
		lens = append(lens, len(row))
	}
	cap := 0
	for _, n := range lens {
		cap = max(cap, n)
	}
	out = make([][4]uint32, c.rows*cap)
	for r, row := range rows {
		copy(out[r*cap:], row)
	}
	return out, lens, multiple
}

// deviceRows draws the case's rows with conn.glsl.
func (c connCase) deviceRows(t *testing.T, ctx *glContext, g *conn.Geometric, nt *rng.NormalTable, cap int) ([][4]uint32, []int) {
	out := make([][4]uint32, c.rows*max(cap, 1))
	lens := make([]uint32, c.rows)
	sS, _, _ := conn.Streams(c.k)
	err := ctx.th.call(func() error {
		incs := append([]include{f32Include}, rngIncludes...)
		incs = append(incs, connInclude)
		prog, err := compileCompute("conn_test.comp", connTestSrc, []string{"F32_FLUSH"}, incs...)
		if err != nil {
			return err
		}
		defer gl.DeleteProgram(prog)
		var bs bufferSet
		defer bs.release()
		ob := bs.alloc(16*len(out), nil, gl.DYNAMIC_COPY)
		lb := bs.alloc(4*len(lens), nil, gl.DYNAMIC_COPY)
		tab := append(append([]uint32(nil), g.T...), 0) // never empty
		gb := bs.alloc(4*len(tab), unsafe.Pointer(&tab[0]), gl.STATIC_DRAW)
		nv := nt.Values()
		nb := bs.alloc(4*len(nv), unsafe.Pointer(&nv[0]), gl.STATIC_DRAW)
		for k, b := range []*buffer{ob, lb, gb, nb} {
			b.bind(uint32(k))
		}
		gl.UseProgram(prog)
		loc := func(name string) int32 { return gl.GetUniformLocation(prog, gl.Str(name+"\x00")) }
		for name, v := range map[string]uint32{"uRows": uint32(c.rows), "uPre0": uint32(c.pre0), "uLo": uint32(c.lo), "uHi": uint32(c.hi),
			"uLen": uint32(len(g.T)), "uCap": uint32(max(cap, 1)), "uStream": sS} {
			gl.Uniform1ui(loc(name), v)
		}
		gl.Uniform2ui(loc("uSeed"), uint32(c.seed), uint32(c.seed>>32))
		for name, v := range map[string]float32{"uWMean": c.wMean, "uWStd": c.wStd, "uScale": float32(math.Ldexp(1, c.q)), "uDMean": c.dMean, "uDStd": c.dStd} {
			gl.Uniform1f(loc(name), v)
		}
		gl.DispatchCompute(uint32((c.rows+63)/64), 1, 1)
		gl.MemoryBarrier(gl.BUFFER_UPDATE_BARRIER_BIT)
		ob.read(0, 16*len(out), unsafe.Pointer(&out[0]))
		lb.read(0, 4*len(lens), unsafe.Pointer(&lens[0]))
		return checkGL("conn.glsl rows")
	})
	if err != nil {
		t.Fatal(err)
	}
	n := make([]int, len(lens))
	for i, l := range lens {
		n[i] = int(l)
	}
	return out, n
}
