//go:build cgo && egl

package gpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu/internal/f32"
)

// The contract flushes every result that underflows, and reads subnormal operands as
// zeros (internal/f32). GLSL lets a driver flush or keep subnormals, and drivers differ,
// so lif.comp flushes explicitly (F32_FLUSH: a few integer operations per arithmetic
// operation) unless this probe shows that the driver's plain +, - and * already give the
// contract's bits on the cases where the rules can differ.

// probeSrc applies the plain f32_add, f32_sub, f32_mul (no F32_FLUSH) to pairs of
// operands.
const probeSrc = `#version 430 core
layout(local_size_x = 64) in;
#pragma lifgpu include f32
layout(std430, binding = 0) readonly buffer In { vec2 ab[]; };
layout(std430, binding = 1) writeonly buffer Out { vec4 res[]; };
uniform uint uN;
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= uN) {
		return;
	}
	precise float a = ab[i].x;
	precise float b = ab[i].y;
	precise float s = f32_add(a, b);
	precise float d = f32_sub(a, b);
	precise float m = f32_mul(a, b);
	res[i] = vec4(s, d, m, 0.0);
}
`

type probeUniforms struct {
	N int32 `glsl:"uN"`
}

// probeCases are operand pairs where flushing rules differ: sums and differences whose
// exact result is subnormal, subnormal operands (whose sum may be normal), products
// around 2^-126 (above, at and below the midpoint 2^-126 - 2^-151, where rounding then
// flushing and x86's tininess-after-rounding disagree), deep underflow, both signs;
// then random pairs near the threshold.
func probeCases() [][2]float32 {
	p := func(m float64, e int) float32 { return float32(math.Ldexp(m, e)) }
	sub := math.Float32frombits
	cases := [][2]float32{
		{p(1.0000001, -125), p(1, -125)},      // difference 2^-148: flushed
		{p(1, -125), p(1.0000001, -125)},      // -2^-148: -0
		{sub(0x00400000), sub(0x00400000)},    // two subnormals summing to 2^-126: zeros in
		{sub(0x80000001), 1},                  // a subnormal operand
		{p(1, -126), 0},                       // 2^-126 kept
		{p(31*601, -30), p(1801, -121)},       // the midpoint product: 2^-126
		{p(1+0x1p-12, 0), p(1-0x1p-12, -126)}, // (1-2^-24) 2^-126: 0 here, 2^-126 rounded
		{p(1, -100), p(1, -40)},               // 2^-140: deep underflow
		{p(-1, -100), p(1, -40)},              // -0
		{p(1.5, -63), p(1.5, -63)},            // 2.25 * 2^-126: kept
		{p(1, 100), p(1, 100)},                // overflow to Inf
	}
	r := rand.New(rand.NewPCG(126, 151))
	for range 4096 - len(cases) {
		a := float32(math.Ldexp(float64(1<<23|r.Uint32()&(1<<23-1)), -25))
		x := f32.MinNormal + math.Ldexp(r.Float64()*8-4, -150)
		b := float32(x / float64(a))
		if r.IntN(2) == 0 {
			a = -a
		}
		cases = append(cases, [2]float32{a, b})
	}
	return cases
}

// nativeFlush reports, once per renderer, whether the driver's plain arithmetic flushes
// as the contract does (then lif.comp needs no F32_FLUSH), with a description of the
// first difference when it does not. It runs on the GL thread.
func (c *glContext) nativeFlush() (bool, string, error) {
	key := c.dev.Renderer + "|" + c.dev.Version
	if v, ok := flushProbes.Load(key); ok {
		r := v.(probeResult)
		return r.native, r.why, nil
	}
	native, why, err := runProbe()
	if err != nil {
		return false, "", err
	}
	flushProbes.Store(key, probeResult{native, why})
	return native, why, nil
}

type probeResult struct {
	native bool
	why    string
}

// flushProbes caches nativeFlush's answer by renderer and GL version.
var flushProbes sync.Map

func runProbe() (bool, string, error) {
	pr, err := linkSource[probeUniforms]("probe.comp", probeSrc, nil, []include{f32Include})
	if err != nil {
		return false, "", err
	}
	defer pr.Release()
	cases := probeCases()
	in := newBuffer(8*len(cases), unsafe.Pointer(&cases[0]), gl.STATIC_DRAW)
	defer in.Release()
	out := newBuffer(16*len(cases), nil, gl.DYNAMIC_COPY)
	defer out.Release()
	pr.use()
	gl.Uniform1ui(pr.u.N, uint32(len(cases)))
	in.bind(0)
	out.bind(1)
	gl.DispatchCompute(uint32((len(cases)+63)/64), 1, 1)
	gl.MemoryBarrier(gl.BUFFER_UPDATE_BARRIER_BIT)
	res := make([][4]float32, len(cases))
	out.read(0, 16*len(cases), unsafe.Pointer(&res[0]))
	if err := checkGL("running the subnormal probe"); err != nil {
		return false, "", err
	}
	for i, c := range cases {
		a, b := c[0], c[1]
		for j, want := range []float32{f32.Add(a, b), f32.Sub(a, b), f32.Mul(a, b)} {
			if math.Float32bits(res[i][j]) != math.Float32bits(want) {
				op := []string{"+", "-", "*"}[j]
				return false, fmt.Sprintf("%g %s %g gave %#08x, the contract %#08x", a, op, b,
					math.Float32bits(res[i][j]), math.Float32bits(want)), nil
			}
		}
	}
	return true, "", nil
}
