//go:build cgo && egl

package gpu

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"

	"github.com/lifgpu/lifgpu/internal/rng"
)

// TestPhiloxKnownAnswers runs the GLSL Philox4x32-10 that the shader pastes (internal/
// rng's philox.glsl) on the device against Random123's published known answers, and
// against the Go implementation on random counters and keys.
func TestPhiloxKnownAnswers(t *testing.T) {
	ctx, err := openContext(nil)
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.close()
	type kat struct{ ctr, key, want [4]uint32 }
	cases := []kat{ // Random123 tests/kat_vectors, "philox4x32 10"
		{[4]uint32{}, [4]uint32{}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{[4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [4]uint32{0xffffffff, 0xffffffff}, [4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [4]uint32{0xa4093822, 0x299f31d0}, [4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		var c kat
		for j := range 4 {
			c.ctr[j] = r.Uint32()
		}
		c.key[0], c.key[1] = r.Uint32(), r.Uint32()
		c.want = rng.Philox4x32(c.ctr, [2]uint32{c.key[0], c.key[1]})
		cases = append(cases, c)
	}
	const src = `#version 430 core
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer IO { uvec4 io[]; }; // per case: counter, key (.xy), output
uniform uint uN;
#pragma lifgpu include rng
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= uN) {
		return;
	}
	io[3u*i + 2u] = philox4x32_10(io[3u*i], io[3u*i + 1u].xy);
}
`
	io := make([][4]uint32, 3*len(cases))
	for i, c := range cases {
		io[3*i], io[3*i+1] = c.ctr, c.key
	}
	err = runTriples(ctx, "philox_kat.comp", src, io)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if got := io[3*i+2]; got != c.want {
			t.Fatalf("case %d: GLSL philox4x32_10(%08x, %08x) = %08x, want %08x", i, c.ctr, c.key[:2], got, c.want)
		}
	}
}

// TestDrawLayout runs the GLSL rng_noise_words and rng_poisson_word (the words each step
// takes from the shared Philox blocks) on the device against rng.NoiseWords and
// rng.PoissonWord: random seeds, neurons and 64-bit steps, and every step near 2^32 and
// 2^33, where step/2 and step/4 take bits from the high half.
func TestDrawLayout(t *testing.T) {
	ctx, err := openContext(nil)
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.close()
	type tc struct {
		seed   uint64
		neuron uint32
		step   uint64
	}
	var cases []tc
	r := rand.New(rand.NewPCG(5, 6))
	for range 500 {
		cases = append(cases, tc{r.Uint64(), r.Uint32(), r.Uint64()})
		cases = append(cases, tc{r.Uint64(), r.Uint32(), uint64(r.IntN(1000))})
	}
	for _, base := range []uint64{0, 1<<32 - 6, 1<<33 - 6, 3<<32 - 6, 1<<64 - 12} {
		for s := base; s < base+12; s++ {
			cases = append(cases, tc{0x0123456789abcdef, 7, s})
		}
	}
	const src = `#version 430 core
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer IO { uvec4 io[]; }; // per case: (seed lo, seed hi, neuron, -), (step lo, step hi, -, -), output
uniform uint uN;
#pragma lifgpu include rng
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= uN) {
		return;
	}
	uvec4 a = io[3u*i];
	uvec2 step = io[3u*i + 1u].xy;
	uvec2 nw = rng_noise_words(a.xy, a.z, step);
	io[3u*i + 2u] = uvec4(nw, rng_poisson_word(a.xy, a.z, step), 0u);
}
`
	io := make([][4]uint32, 3*len(cases))
	for i, c := range cases {
		io[3*i] = [4]uint32{uint32(c.seed), uint32(c.seed >> 32), c.neuron}
		io[3*i+1] = [4]uint32{uint32(c.step), uint32(c.step >> 32)}
	}
	err = runTriples(ctx, "draw_layout.comp", src, io)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		r0, r1 := rng.NoiseWords(c.seed, c.neuron, c.step)
		p := rng.PoissonWord(c.seed, c.neuron, c.step)
		if got, want := io[3*i+2], [4]uint32{r0, r1, p}; got != want {
			t.Fatalf("seed %#x neuron %d step %#x: GLSL (noise, noise, poisson) = %08x, Go %08x", c.seed, c.neuron, c.step, got[:3], want[:3])
		}
	}
}

// runTriples runs a compute shader over io, triples of uvec4 (two inputs, one output)
// for each of len(io)/3 cases (its uniform uN), with the rng GLSL included, and reads io
// back.
func runTriples(ctx *glContext, name, src string, io [][4]uint32) error {
	return ctx.th.call(func() error {
		prog, err := compileCompute(name, src, nil, include{name: "rng", file: "internal/rng/philox.glsl", src: rng.GLSLPhilox})
		if err != nil {
			return err
		}
		defer gl.DeleteProgram(prog)
		buf := newBuffer(16*len(io), unsafe.Pointer(&io[0]), gl.DYNAMIC_COPY)
		defer buf.Release()
		gl.UseProgram(prog)
		gl.Uniform1ui(gl.GetUniformLocation(prog, gl.Str("uN\x00")), uint32(len(io)/3))
		buf.bind(0)
		gl.DispatchCompute(uint32((len(io)/3+63)/64), 1, 1)
		gl.MemoryBarrier(gl.BUFFER_UPDATE_BARRIER_BIT)
		buf.read(0, 16*len(io), unsafe.Pointer(&io[0]))
		return checkGL(name)
	})
}
