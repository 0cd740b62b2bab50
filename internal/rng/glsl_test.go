package rng

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/internal/glslcheck"
)

// The GLSL constants are the Go ones.
func TestGLSLConstants(t *testing.T) {
	t.Parallel()
	want := map[string]uint64{
		"PHILOX_M0": philoxM0, "PHILOX_M1": philoxM1, "PHILOX_W0": philoxW0, "PHILOX_W1": philoxW1,
		"RNG_STREAM_NOISE": uint64(StreamNoise), "RNG_STREAM_POISSON": uint64(StreamPoisson),
		"NORMAL_BITS": NormalBits, "NORMAL_CELLS": NormalCells, "NORMAL_TAIL_BITS": NormalTailBits,
		"NORMAL_TAIL_OFFSET": NormalTailOffset, "NORMAL_TAIL_LEVELS": NormalTailLevels,
		"NORMAL_TAIL_SUB_BITS": NormalTailSubBits, "NORMAL_TAIL_STRIDE": NormalTailStride,
		"NORMAL_LEN": NormalLen,
	}
	re := regexp.MustCompile(`const uint (\w+) = (0x[0-9A-Fa-f]+|\d+)u;`)
	for _, m := range re.FindAllStringSubmatch(GLSLPhilox+GLSLDraws, -1) {
		v, err := strconv.ParseUint(m[2], 0, 32)
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[m[1]]
		if !ok {
			t.Errorf("GLSL constant %s has no Go twin in this test", m[1])
			continue
		}
		if v != w {
			t.Errorf("GLSL %s = %d, Go %d", m[1], v, w)
		}
		delete(want, m[1])
	}
	for name := range want {
		t.Errorf("GLSL constant %s missing", name)
	}
}

// The snippets can be pasted after a #version line: no #version of their own.
func TestGLSLSnippets(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]string{"philox.glsl": GLSLPhilox, "draws.glsl": GLSLDraws} {
		if regexp.MustCompile(`(?m)^\s*#\s*version`).MatchString(src) {
			t.Errorf("%s has a #version line", name)
		}
	}
	for _, fn := range []string{"uvec4 philox4x32_10(uvec4 ctr, uvec2 key)", "uvec4 rng_draw(uvec2 seed, uint stream, uint neuron, uvec2 step)"} {
		if !strings.Contains(GLSLPhilox, fn) {
			t.Errorf("philox.glsl lacks %s", fn)
		}
	}
	for _, fn := range []string{"float normal_sample(uint r, uint r2)", "uint poisson_sample(uint base, uint kmax, uint r)",
		"float noise_current(float mean, float sd, float z)", "float poisson_current(float weight, uint k)",
		"NORMAL_TABLE(", "POISSON_THRESHOLD("} {
		if !strings.Contains(GLSLDraws, fn) {
			t.Errorf("draws.glsl lacks %s", fn)
		}
	}
}

// Every float operation of the snippets is bound to a precise variable (the lint of
// internal/glslcheck; a float operation without it could be contracted into an FMA on
// NVIDIA, which llvmpipe never does), and removing any one precise fails the lint at
// that line.
func TestGLSLPrecise(t *testing.T) {
	t.Parallel()
	files := []glslcheck.File{{Name: "philox.glsl", Src: GLSLPhilox}, {Name: "draws.glsl", Src: GLSLDraws}}
	for _, p := range glslcheck.Check(files...) {
		t.Error(p)
	}
	mutated := 0
	for k, f := range files {
		for _, m := range glslcheck.Mutants(f.Src) {
			mutated++
			in := slices.Clone(files)
			in[k].Src = m.Src
			ps := glslcheck.Check(in...)
			if !slices.ContainsFunc(ps, func(p glslcheck.Problem) bool { return p.At(f.Name, m.Line) }) {
				t.Errorf("%s:%d: removing this precise leaves the lint green (problems: %v)", f.Name, m.Line, ps)
			}
		}
	}
	if mutated < 10 {
		t.Errorf("%d precise qualifiers in the snippets, want at least 10: is the scanner reading them?", mutated)
	}
}
