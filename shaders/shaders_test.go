package shaders

import (
	"slices"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/internal/conn"
	"github.com/lifgpu/lifgpu/internal/f32"
	"github.com/lifgpu/lifgpu/internal/glslcheck"
	"github.com/lifgpu/lifgpu/internal/rng"
)

func TestSource(t *testing.T) {
	if !slices.Contains(Names(), "lif.comp") {
		t.Fatalf("Names() = %v, want lif.comp among them", Names())
	}
	src, err := Source("lif.comp")
	if err != nil || !strings.HasPrefix(src, "#version 430") {
		t.Fatalf("Source(lif.comp) = %.40q, %v", src, err)
	}
	if _, err := Source("nope.comp"); err == nil || !strings.Contains(err.Error(), "lif.comp") {
		t.Fatalf("Source(nope.comp): %v, want an error listing the shaders", err)
	}
	for _, name := range []string{"view.comp", "view.vert", "view.frag"} {
		if src, err := Source(name); err != nil || !strings.HasPrefix(src, "#version 430 core\n") {
			t.Errorf("Source(%s) = %.40q, %v", name, src, err)
		}
	}
	if c := Compute(); !slices.Equal(c, []string{"lif.comp", "propagate.comp", "view.comp"}) {
		t.Errorf("Compute() = %v", c)
	}
}

// rngFiles are internal/f32's, internal/rng's and internal/conn's GLSL, which gpu pastes
// into the shaders: the lint reads them with each shader for the functions the shader
// calls.
var rngFiles = []glslcheck.File{{Name: "f32.glsl", Src: f32.GLSL}, {Name: "philox.glsl", Src: rng.GLSLPhilox},
	{Name: "draws.glsl", Src: rng.GLSLDraws}, {Name: "conn.glsl", Src: conn.GLSL}}

// TestPrecise: every float operation of the compute shaders is bound to a precise variable
// (the lint of internal/glslcheck). llvmpipe never fuses a multiply-add, so without
// this test a lost precise would pass every other test and break bit-exactness on
// NVIDIA (DESIGN.md: 147,044 of 1,048,576 neurons differed without it on an H100).
func TestPrecise(t *testing.T) {
	for _, name := range Compute() {
		src, err := Source(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range glslcheck.Check(append([]glslcheck.File{{Name: name, Src: src}}, rngFiles...)...) {
			t.Error(p)
		}
	}
}

// TestPreciseMutants: removing any one precise of a shader fails the lint, at that line
// (where the variable is declared or where it takes float arithmetic).
func TestPreciseMutants(t *testing.T) {
	for _, name := range Compute() {
		src, err := Source(name)
		if err != nil {
			t.Fatal(err)
		}
		ms := glslcheck.Mutants(src)
		if name == "lif.comp" && len(ms) < 30 {
			t.Errorf("%s: %d precise qualifiers found, want at least 30: is the scanner reading the file?", name, len(ms))
		}
		for _, m := range ms {
			ps := glslcheck.Check(append([]glslcheck.File{{Name: name, Src: m.Src}}, rngFiles...)...)
			if !slices.ContainsFunc(ps, func(p glslcheck.Problem) bool { return p.At(name, m.Line) }) {
				t.Errorf("%s:%d: removing this precise leaves the lint green (problems: %v)", name, m.Line, ps)
			}
		}
	}
}
