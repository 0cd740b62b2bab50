package glslcheck

import (
	"strings"
	"testing"
)

const header = `
uniform float uX;
uniform float uY;
uniform uint uN;
layout(std430, binding = 0) buffer B { float tab[]; uint idx[]; };
struct S { float u; int r; };
`

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, src string
		want      []string // substrings of the problems, in order; none: the source passes
	}{
		{"precise local", `float f(float a, float b) { precise float c = a * b; return c; }`, nil},
		{"initializer", `float f(float a, float b) { float c = a * b; return c; }`,
			[]string{"f.glsl:1: float arithmetic initializes c, which is not precise: `float c = a * b;`"}},
		{"assignment", "void main() {\n\tfloat u = uX;\n\tprecise float g = uY;\n\tu = u - g;\n}",
			[]string{"f.glsl:4: float arithmetic assigned to u, which is not precise (declared at line 2): `u = u - g;`",
				"f.glsl:4: u is an operand of float arithmetic but is declared without precise (line 2)"}},
		{"compound assignment", `void main() { precise float u = uX; float v = uY; v += u; }`,
			[]string{"float arithmetic assigned to v"}},
		{"increment", `void main() { float a = uX; a++; }`, []string{"float ++ on a, which is not precise"}},
		{"return", `float f(float a, float b) { return a * b; }`, []string{"float arithmetic in a return"}},
		{"return of a precise local", `float f(float a) { precise float b = a * 2.0; return b; }`, nil},
		{"condition", `void main() { precise float a = uX; if (a * 2.0 > uY) { } }`, []string{"float arithmetic in a condition"}},
		{"statement", `void g(float x); void main() { precise float a = uX; g(a * 2.0); }`,
			[]string{"float arithmetic not bound to a precise variable: `g(a * 2.0);`"}},
		{"integer arithmetic", `uint f(uint a, int b) { uint c = a * 3u + uint(b) - 1u; int d = b * 2; c += 1u; d--; return c + uint(d); }`, nil},
		{"index", `void main() { uint i = gl_GlobalInvocationID.x; precise float a = tab[i * 2u + 1u]; tab[i + 1u] = a; }`, nil},
		{"struct fields", `void main() { S s; precise float a = s.u * 2.0; int k = s.r * 2; }`, nil},
		{"integer swizzle", `void main() { uvec2 v = uvec2(1u); uint k = v.x * v.y; }`, nil},
		{"float swizzle", `void main() { vec2 w = vec2(1.0); float k = w.x * w.y; }`,
			[]string{"initializes k", "w is an operand"}},
		{"float constructor of an integer", `void main() { uint n = uN; precise float a = float(n) * uX; }`, nil},
		{"unknown types count as float", `void main() { int k = FOO * BAR; }`, []string{"initializes k, which is not precise (operands of unknown type count as float)"}},
		{"unknown times integer counts as float", `void main() { int k = 2 * FOO; }`, []string{"initializes k"}},
		{"a known conversion is integer", `void main() { uint k = uint(FOO) * 2u; }`, nil},
		{"operand through a parameter", `float h(float x) { precise float y = x * 2.0; return y; }
void main() { float a = uX; precise float b = h(a); }`, []string{"f.glsl:2: a is an operand of float arithmetic"}},
		{"operand through two parameters", `float h(float x) { precise float y = x * 2.0; return y; }
float k(float z) { return h(z); }
void main() { float a = uX; precise float b = k(a); }`, []string{"f.glsl:3: a is an operand of float arithmetic"}},
		{"a parameter that feeds no arithmetic", `float h(float x) { return x; } void main() { float a = uX; precise float b = h(a); }`, nil},
		{"a copy that feeds no arithmetic", `void main() { float th = uX; precise float u = uY; if (u >= th) { u = th; } }`, nil},
		{"both preprocessor branches", "void main() {\n#ifdef P\n\tprecise float a = uX;\n#else\n\tfloat a = uY;\n#endif\n\tprecise float b = a * 2.0;\n}",
			[]string{"f.glsl:7: a is an operand of float arithmetic but is declared without precise (line 5)"}},
		{"shadowing", `void main() { precise float a = uX; { float a = uY; precise float b = a * 2.0; } precise float c = a * 2.0; }`,
			[]string{"a is an operand"}},
		{"macro with arithmetic", "#define LERP(a, b, t) a + (b - a) * t\nvoid main() { precise float x = uX; float y = LERP(x, 1.0, 0.5); }",
			[]string{"f.glsl:2: float arithmetic initializes y, which is not precise (in the macro LERP)"}},
		{"macro into a precise variable", "#define LERP(a, b, t) a + (b - a) * t\nvoid main() { precise float x = uX; precise float y = LERP(x, 1.0, 0.5); }", nil},
		{"contract arithmetic calls", `float f32_add(float a, float b) { precise float r = a + b; return r; }
void main() { float a = uX; precise float b = uY; float c = f32_add(b, b); precise float d = f32_mul(a, b); }`,
			[]string{"f.glsl:2: float arithmetic initializes c", "f.glsl:2: a is an operand of float arithmetic"}},
		{"macro index", "#define AT(i) tab[i]\nvoid main() { uint i = uN; precise float y = AT(i + 1u); precise float z = y * AT(i); }", nil},
		{"object macro", "#define TWO_X (uX * 2.0)\nvoid main() { float y = TWO_X; }", []string{"initializes y, which is not precise (in the macro TWO_X)"}},
		{"integer macro", "#define W 256\nvoid main() { uint n = uN * uint(W); int m = W * 2; }", nil},
		{"fma", `void main() { precise float a = fma(uX, uY, 1.0); }`, []string{"fma fuses"}},
		{"division", `void main() { precise float a = uX / uY; }`, []string{"float division"}},
		{"global initializer", `const float K = 1.0 / 3.0;`, []string{"initializer of the global K", "float division"}},
		{"global integer constant", `const uint K = 12u; const uint L = K * 2u;`, nil},
		{"precise redeclaration", `void main() { float a = uX; precise a; a = a * 2.0; }`, nil},
		{"unparsable", `void main() { float b = float[2](1.0, 2.0)[0]; }`, []string{"cannot parse"}},
		{"for loop", `void main() { precise float a = 0.0; for (int k = 0; k < 10; k++) { a = a + uX; } }`, nil},
		{"for loop increment", `void main() { float a = 0.0; for (int k = 0; k < 10; a = a + uX) { } }`, []string{"float arithmetic assigned to a"}},
		{"ternary operand", `void main() { float a = uX; precise float b = uY; precise float c = (b > 0.0 ? a : b) * 2.0; }`, []string{"a is an operand"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ps := Check(File{Name: "f.glsl", Src: c.src}, File{Name: "header.glsl", Src: header})
			if len(ps) < len(c.want) || len(c.want) == 0 && len(ps) > 0 {
				t.Fatalf("problems:\n%s\nwant %d matching %q", problems(ps), len(c.want), c.want)
			}
			for k, w := range c.want {
				if !strings.Contains(ps[k].String(), w) {
					t.Errorf("problem %d = %s, want one with %q; all:\n%s", k, ps[k], w, problems(ps))
				}
			}
		})
	}
}

func problems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("\t" + p.String() + "\n")
	}
	return b.String()
}

func TestMutants(t *testing.T) {
	t.Parallel()
	src := "// precise in a comment\n#define P precise\nvoid main() {\n\tprecise float a = uX;\n\tprecise  float b = a * 2.0;\n}\n"
	ms := Mutants(src)
	if len(ms) != 2 || ms[0].Line != 4 || ms[1].Line != 5 {
		t.Fatalf("mutants at %+v, want lines 4 and 5", ms)
	}
	if want := strings.Replace(src, "precise  float b", "float b", 1); ms[1].Src != want {
		t.Errorf("second mutant:\n%s\nwant\n%s", ms[1].Src, want)
	}
	for _, m := range ms {
		ok := false
		for _, p := range Check(File{Name: "m.glsl", Src: m.Src}, File{Name: "header.glsl", Src: header}) {
			ok = ok || p.At("m.glsl", m.Line)
		}
		if !ok {
			t.Errorf("without the precise of line %d the lint passes", m.Line)
		}
	}
}
