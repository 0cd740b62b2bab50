package gpu

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/shaders"
)

// withDefines puts #define lines after the #version line of src, as assemble does.
func withDefines(src string, defs ...string) string {
	version, body, _ := strings.Cut(src, "\n")
	var b strings.Builder
	b.WriteString(version + "\n")
	for _, d := range defs {
		b.WriteString("#define " + d + "\n")
	}
	return b.String() + body
}

// TestScanUniforms checks which of lif.comp's uniforms the code that a variant's
// defines keep refers to.
func TestScanUniforms(t *testing.T) {
	src, err := shaders.Source("lif.comp")
	if err != nil {
		t.Fatal(err)
	}
	always := []string{"uN", "uBase", "uStep0", "uSteps", "uLastStep"}
	for _, c := range []struct {
		defs          []string
		used, notUsed []string
		optional      []string
	}{
		{defs: []string{"WG 256", "PN_STRIDE 0"},
			used:    []string{"uAlpha", "uR", "uURest", "uUReset", "uUTh", "uRefSteps", "uBias", "uSched", "uX"},
			notUsed: []string{"uSeed", "uStep64", "uNoiseMean", "uNoiseStd", "uPoissonWeight", "uTraceCount", "uNTraces", "uTraceFirst", "uTraceEvery"}},
		{defs: []string{"PN_STRIDE 3", "PN_ALPHA 0", "PN_BIAS 1", "PN_REF 2", "PN_SCHED", "PN_X", "REC_TRACE", "EXACT", "INPLACE"},
			used:    []string{"uR", "uURest", "uUReset", "uUTh", "uTraceCount", "uNTraces", "uTraceFirst", "uTraceEvery"},
			notUsed: []string{"uAlpha", "uBias", "uRefSteps", "uSched", "uX"}},
		{defs: []string{"RANDOM", "NOISE", "PN_STRIDE 1", "PN_NSTD 0"},
			used:    []string{"uSeed", "uFirst", "uStep64", "uNoiseMean"},
			notUsed: []string{"uNoiseStd", "uPoissonWeight"}},
		{defs: []string{"RANDOM", "POISSON", "POISSON_LEN 0"}, // every rate 0: no draws
			used: []string{"uPoissonWeight"}, notUsed: []string{"uSeed", "uFirst", "uStep64"}, optional: []string{"uPoissonWeight"}},
		{defs: []string{"RANDOM", "POISSON", "POISSON_LEN 12", "POISSON_PN"},
			used: []string{"uPoissonWeight", "uSeed", "uFirst", "uStep64"}, notUsed: []string{"uNoiseMean", "uD", "uSlot0", "uSynScale", "uRateBase"}},
		{defs: []string{"NET", "EX_DELTA", "REC_RATE", "REC_TRACE"},
			used:    []string{"uD", "uSlot0", "uSynScale", "uDecayIn", "uRateBase", "uTraceRow0"},
			notUsed: []string{"uDecayEx", "uSeed", "uStep64"}},
		{defs: []string{"NET", "PN_STRIDE 2", "PN_DELTA_IN 0", "PN_DECAY_IN 1"},
			used: []string{"uD", "uSlot0", "uSynScale", "uDecayEx"}, notUsed: []string{"uDecayIn", "uRateBase", "uTraceRow0"}},
	} {
		t.Run(strings.Join(c.defs, ","), func(t *testing.T) {
			u, err := scanUniforms(withDefines(src, c.defs...))
			if err != nil {
				t.Fatal(err)
			}
			if len(u.declared) != 31 {
				t.Errorf("%d uniforms declared, want lif.comp's 31: %v", len(u.declared), slices.Sorted(maps.Keys(u.declared)))
			}
			for _, name := range append(c.used, always...) {
				if !u.used[name] {
					t.Errorf("%s not used", name)
				}
			}
			for _, name := range c.notUsed {
				if u.used[name] {
					t.Errorf("%s used", name)
				}
			}
			if got := slices.Sorted(maps.Keys(u.optional)); !slices.Equal(got, c.optional) {
				t.Errorf("optional %v, want %v", got, c.optional)
			}
		})
	}
}

func TestPreprocessorIf(t *testing.T) {
	macros := map[string]string{"A": "", "N": "3", "Z": "0", "E": "N * 2", "F": ""}
	for expr, want := range map[string]bool{
		"defined(A)": true, "defined B": false, "!defined(B)": true, "N > 0": true, "Z > 0": false,
		"defined(A) && N == 3": true, "defined(B) || (defined(A) && N >= 3)": true, "UNDEF": false,
		"UNDEF > 0": false, "E == 6": true, "-N < 0 && N % 2 == 1": true, "(1 + 2) * 3 == 9": true,
		"0x10 == 16u": true, "N != 3": false, "N <= 2": false, "!Z": true,
	} {
		pp := preprocessor{macros: macros}
		got, err := pp.eval(expr)
		if err != nil || got != want {
			t.Errorf("#if %s = %v, %v; want %v", expr, got, err, want)
		}
	}
	for _, bad := range []string{"N >", "(N", "N / Z", "N $ 2"} {
		pp := preprocessor{macros: macros}
		if _, err := pp.eval(bad); err == nil {
			t.Errorf("#if %s: no error", bad)
		}
	}
}

// TestScanBranches checks #if, #elif, #else and #endif, nesting, #define and #undef in
// the source, comments, and the optional pragma.
func TestScanBranches(t *testing.T) {
	src := `#version 430 core
#define K 2
uniform float uA; // uB in a comment
uniform float uB;
uniform float uC;
uniform float uD;
uniform float uE;
/* uniform float uF; */
#if K == 1
float a = uA;
#elif K == 2
float b = uB; /* uA
uA */
#ifdef NOPE
float c = uC;
#else
float d = uD;
#endif
#else
float a2 = uA;
#endif
#undef K
#ifndef K
#pragma lifgpu optional uE
float e = uE;
#endif
#ifdef NOPE
#pragma lifgpu optional uA
#endif
`
	u, err := scanUniforms(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(u.declared)); !slices.Equal(got, []string{"uA", "uB", "uC", "uD", "uE"}) {
		t.Errorf("declared %v", got)
	}
	if got := slices.Sorted(maps.Keys(u.used)); !slices.Equal(got, []string{"uB", "uD", "uE"}) {
		t.Errorf("used %v, want uB uD uE", got)
	}
	if got := slices.Sorted(maps.Keys(u.optional)); !slices.Equal(got, []string{"uE"}) {
		t.Errorf("optional %v, want uE", got)
	}
	for _, bad := range []string{"#endif\n", "#if 1\n", "#else\n", "#pragma lifgpu optional uNone\n", "#if (\n#endif\n"} {
		if _, err := scanUniforms("#version 430\n" + bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
