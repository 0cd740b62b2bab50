package rng

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
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

// The snippets can be pasted after a #version line: no #version of their own, and every
// float variable is precise (a float without it could be contracted into an FMA).
func TestGLSLSnippets(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]string{"philox.glsl": GLSLPhilox, "draws.glsl": GLSLDraws} {
		if regexp.MustCompile(`(?m)^\s*#\s*version`).MatchString(src) {
			t.Errorf("%s has a #version line", name)
		}
		for i, line := range strings.Split(src, "\n") {
			code, _, _ := strings.Cut(line, "//")
			code = strings.TrimSpace(code)
			if strings.HasPrefix(code, "float ") && !strings.Contains(code, "(") {
				t.Errorf("%s:%d: float variable without precise: %s", name, i+1, code)
			}
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
