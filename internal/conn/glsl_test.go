package conn

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/f32"
	"github.com/lifgpu/lifgpu/internal/glslcheck"
	"github.com/lifgpu/lifgpu/internal/rng"
)

// The GLSL constants are the Go ones, and the functions the shaders call are there.
func TestGLSLConstants(t *testing.T) {
	t.Parallel()
	want := map[string]uint64{"CONN_MAX_GAP_LEN": MaxGapLen, "CONN_MAX_DELAY": lifgpu.MaxDelaySteps}
	re := regexp.MustCompile(`const uint (\w+) = (\d+)u;`)
	for _, m := range re.FindAllStringSubmatch(GLSL, -1) {
		v, err := strconv.ParseUint(m[2], 0, 32)
		if err != nil {
			t.Fatal(err)
		}
		if w, ok := want[m[1]]; !ok || v != w {
			t.Errorf("GLSL %s = %d, Go %d (known: %v)", m[1], v, w, ok)
		}
		delete(want, m[1])
	}
	for name := range want {
		t.Errorf("GLSL constant %s missing", name)
	}
	if regexp.MustCompile(`(?m)^\s*#\s*version`).MatchString(GLSL) {
		t.Error("conn.glsl has a #version line")
	}
	for _, fn := range []string{"conn_row conn_row_start(uvec2 seed, uint stream, uint pre, uint lo)",
		"bool conn_row_next(inout conn_row r, uint len, uint hi, out uint j, out uint m)",
		"int conn_weight_q(uvec2 seed, uint stream, uint key, uint m, float mean, float sd, float scale)",
		"uint conn_delay(uvec2 seed, uint stream, uint key, uint m, float mean, float sd)", "CONN_GAP_TABLE("} {
		if !strings.Contains(GLSL, fn) {
			t.Errorf("conn.glsl lacks %s", fn)
		}
	}
}

// Every float operation of conn.glsl is bound to a precise variable (internal/
// glslcheck's lint, read with the f32 and rng GLSL it calls), and removing any one
// precise fails the lint at that line.
func TestGLSLPrecise(t *testing.T) {
	t.Parallel()
	files := []glslcheck.File{{Name: "conn.glsl", Src: GLSL}, {Name: "f32.glsl", Src: f32.GLSL},
		{Name: "philox.glsl", Src: rng.GLSLPhilox}, {Name: "draws.glsl", Src: rng.GLSLDraws}}
	for _, p := range glslcheck.Check(files...) {
		t.Error(p)
	}
	ms := glslcheck.Mutants(GLSL)
	if len(ms) < 8 {
		t.Errorf("%d precise qualifiers in conn.glsl, want at least 8: is the scanner reading it?", len(ms))
	}
	for _, m := range ms {
		in := slices.Clone(files)
		in[0].Src = m.Src
		ps := glslcheck.Check(in...)
		if !slices.ContainsFunc(ps, func(p glslcheck.Problem) bool { return p.At("conn.glsl", m.Line) }) {
			t.Errorf("conn.glsl:%d: removing this precise leaves the lint green (problems: %v)", m.Line, ps)
		}
	}
}
