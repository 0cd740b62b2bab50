//go:build cgo && egl

package gpu

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conn"
	"github.com/lifgpu/lifgpu/internal/f32"
	"github.com/lifgpu/lifgpu/internal/rng"
	"github.com/lifgpu/lifgpu/shaders"
)

const shaderFile = "lif.comp"

// f32Include is internal/f32's GLSL, the contract's arithmetic, pasted into every
// shader at its `include f32` pragma.
var f32Include = include{name: "f32", file: "internal/f32/f32.glsl", src: f32.GLSL}

// rngIncludes is internal/rng's GLSL, pasted into lif.comp at its include pragma when
// the population has random inputs (after the table declarations, as rng asks).
var rngIncludes = []include{
	{name: "rng", file: "internal/rng/philox.glsl", src: rng.GLSLPhilox},
	{name: "rng", file: "internal/rng/draws.glsl", src: rng.GLSLDraws},
}

// program is a linked variant of a shader with its uniforms' locations, resolved once
// at link time into U: a struct of int32 fields, each tagged with its uniform's name,
// `glsl:"uName"` (resolveUniforms says what is checked).
type program[U any] struct {
	id      uint32
	variant string // the file and its defines, for errors
	u       U
}

// linkProgram compiles and links the variant of the shader file (in package shaders)
// with the #defines defs and the includes incs, and resolves its uniforms. It runs on
// the GL thread.
func linkProgram[U any](file string, defs []string, incs []include) (*program[U], error) {
	src, err := shaders.Source(file)
	if err != nil {
		return nil, err
	}
	return linkSource[U](file, src, defs, incs)
}

// linkSource is linkProgram for the text src of file.
func linkSource[U any](file, src string, defs []string, incs []include) (*program[U], error) {
	full, err := assemble(file, src, defs, incs)
	if err != nil {
		return nil, err
	}
	pr := &program[U]{variant: fmt.Sprintf("%s [%s]", file, strings.Join(defs, ", "))}
	uses, err := scanUniforms(full)
	if err != nil {
		return nil, fmt.Errorf("gpu: %s: %v", pr.variant, err)
	}
	if pr.id, err = compileCompute(file, src, defs, incs...); err != nil {
		return nil, err
	}
	if err := resolveUniforms(pr.id, uses, pr.variant, &pr.u); err != nil {
		pr.Release()
		return nil, err
	}
	return pr, nil
}

// use makes the program the current one, for dispatches and gl.Uniform*.
func (pr *program[U]) use() {
	gl.UseProgram(pr.id)
	ck("glUseProgram")
}

// Release deletes the program object; a second Release does nothing.
func (pr *program[U]) Release() {
	if pr.id != 0 {
		gl.DeleteProgram(pr.id)
		pr.id = 0
	}
}

// resolveUniforms sets every field of *dst (a struct of int32 fields tagged
// `glsl:"uName"`) to its uniform's location in the linked program prog, checked against
// what the variant's source says (uses):
//   - a field naming a uniform the source does not declare (misspelt) is an error;
//   - a uniform that the code kept by the variant's #defines refers to must have a
//     location: -1 (misspelt in the shader, or optimised away because the code does not
//     really use it) is an error, unless a kept `#pragma lifgpu optional` names it;
//   - a uniform the kept code refers to must have a field, or it would never be set;
//   - a uniform only code that the #defines drop refers to may be -1 (GL ignores
//     gl.Uniform* at location -1).
//
// Errors name the uniform and the variant. It runs on the GL thread.
func resolveUniforms(prog uint32, uses shaderUniforms, variant string, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	typ := v.Type()
	fields := map[string]bool{}
	for i := range v.NumField() {
		f := typ.Field(i)
		name := f.Tag.Get("glsl")
		if name == "" || f.Type.Kind() != reflect.Int32 {
			panic(fmt.Sprintf("gpu: %v.%s: want an int32 field tagged glsl:\"name\"", typ, f.Name))
		}
		fields[name] = true
		if !uses.declared[name] {
			return fmt.Errorf("gpu: %s: %v.%s names uniform %s, which the shader does not declare (misspelt?)", variant, typ, f.Name, name)
		}
		loc := gl.GetUniformLocation(prog, gl.Str(name+"\x00"))
		if loc < 0 && uses.used[name] && !uses.optional[name] {
			return fmt.Errorf("gpu: %s: uniform %s is used by the code this variant's #defines keep, but the linked program has no location for it (optimised away?)", variant, name)
		}
		v.Field(i).SetInt(int64(loc))
	}
	for _, name := range slices.Sorted(maps.Keys(uses.used)) {
		if !fields[name] {
			return fmt.Errorf("gpu: %s: uniform %s is used by the code this variant's #defines keep, but %v has no field for it: it would never be set", variant, name, typ)
		}
	}
	return checkGL("glGetUniformLocation")
}

// lifUniforms are lif.comp's uniforms' locations (-1 where a variant has none).
type lifUniforms struct {
	N          int32 `glsl:"uN"`
	Base       int32 `glsl:"uBase"`
	Step0      int32 `glsl:"uStep0"`
	Steps      int32 `glsl:"uSteps"`
	LastStep   int32 `glsl:"uLastStep"`
	Alpha      int32 `glsl:"uAlpha"`
	R          int32 `glsl:"uR"`
	URest      int32 `glsl:"uURest"`
	UReset     int32 `glsl:"uUReset"`
	UTh        int32 `glsl:"uUTh"`
	RefSteps   int32 `glsl:"uRefSteps"`
	Bias       int32 `glsl:"uBias"`
	Sched      int32 `glsl:"uSched"`
	X          int32 `glsl:"uX"`
	TraceCount int32 `glsl:"uTraceCount"`
	NTraces    int32 `glsl:"uNTraces"`
	TraceFirst int32 `glsl:"uTraceFirst"`
	TraceEvery int32 `glsl:"uTraceEvery"`
	Seed       int32 `glsl:"uSeed"`
	First      int32 `glsl:"uFirst"`
	Step64     int32 `glsl:"uStep64"`
	NoiseMean  int32 `glsl:"uNoiseMean"`
	NoiseStd   int32 `glsl:"uNoiseStd"`
	PoissonW   int32 `glsl:"uPoissonWeight"`
	RateBase   int32 `glsl:"uRateBase"`
	TraceRow0  int32 `glsl:"uTraceRow0"`
	D          int32 `glsl:"uD"`
	Slot0      int32 `glsl:"uSlot0"`
	SynScale   int32 `glsl:"uSynScale"`
	DecayEx    int32 `glsl:"uDecayEx"`
	DecayIn    int32 `glsl:"uDecayIn"`
}

// lifProgram is a linked variant of lif.comp.
type lifProgram = program[lifUniforms]

// progKey picks the variant of lif.comp for one call, among those of a population:
// whether the scheduled current and Forward's x are per neuron.
type progKey struct{ schedPN, xPN bool }

// program returns the variant of lif.comp for key, compiling it on first use. It runs
// on the GL thread.
func (p *Population) program(key progKey) (*lifProgram, error) {
	if pr, ok := p.progs[key]; ok {
		return pr, nil
	}
	defs, incs := p.defines(key)
	pr, err := linkProgram[lifUniforms](shaderFile, defs, incs)
	if err != nil {
		return nil, err
	}
	if err := p.setConstants(pr); err != nil {
		pr.Release()
		return nil, err
	}
	p.progs[key] = pr
	return pr, nil
}

// defines are the #defines of the population's variant of lif.comp for key (the
// shader's header lists them), and the includes it needs.
func (p *Population) defines(key progKey) ([]string, []include) {
	defs := []string{fmt.Sprintf("WG %d", wg), fmt.Sprintf("PN_STRIDE %d", len(p.lay.fields))}
	for j, f := range p.lay.fields {
		defs = append(defs, fmt.Sprintf("%s %d", f.def, j))
	}
	flag := func(on bool, def string) {
		if on {
			defs = append(defs, def)
		}
	}
	flag(p.m.Method == lifgpu.Exact, "EXACT")
	flag(p.lay.stateCopies == 1, "INPLACE")
	flag(key.schedPN, "PN_SCHED")
	flag(key.xPN, "PN_X")
	flag(p.m.Record.Spikes, "REC_SPIKES")
	flag(p.m.Record.Rate, "REC_RATE")
	flag(p.lay.traces > 0, "REC_TRACE")
	flag(p.ballot, "BALLOT")
	flag(p.ballot && p.subgroupKHR, "SUBGROUP_KHR")
	flag(p.flush, "F32_FLUSH")
	incs := []include{f32Include}
	if p.lay.noise || p.lay.poisson {
		defs = append(defs, "RANDOM")
		incs = append(incs, rngIncludes...)
	}
	flag(p.lay.noise, "NOISE")
	if p.lay.poisson {
		defs = append(defs, "POISSON", fmt.Sprintf("POISSON_LEN %d", p.lay.poissonLen))
		flag(p.lay.poissonPN, "POISSON_PN")
	}
	if nl := p.lay.net; nl != nil {
		defs = append(defs, "NET")
		flag(nl.exDelta, "EX_DELTA")
		flag(nl.inDelta, "IN_DELTA")
	}
	return defs, incs
}

// setConstants sets the uniforms that never change: the scalar parameters and the
// recording's shape.
func (p *Population) setConstants(pr *lifProgram) error {
	m, id, u := p.m, pr.id, &pr.u
	gl.ProgramUniform1f(id, u.Alpha, m.Alpha.Scalar)
	gl.ProgramUniform1f(id, u.R, m.R.Scalar)
	gl.ProgramUniform1f(id, u.URest, m.URest.Scalar)
	gl.ProgramUniform1f(id, u.UReset, m.UReset.Scalar)
	gl.ProgramUniform1f(id, u.UTh, m.UTh.Scalar)
	gl.ProgramUniform1i(id, u.RefSteps, m.RefSteps.Scalar)
	gl.ProgramUniform1f(id, u.Bias, m.Bias.Scalar)
	gl.ProgramUniform1i(id, u.NTraces, int32(p.lay.traces))
	gl.ProgramUniform1i(id, u.TraceEvery, int32(m.Record.Every()))
	if m.HasRandom() {
		gl.ProgramUniform2ui(id, u.Seed, uint32(m.Seed), uint32(m.Seed>>32))
		gl.ProgramUniform1ui(id, u.First, m.First)
	}
	if m.HasNoise {
		gl.ProgramUniform1f(id, u.NoiseMean, m.NoiseMean.Scalar)
		gl.ProgramUniform1f(id, u.NoiseStd, m.NoiseStd.Scalar)
	}
	if m.HasPoisson {
		gl.ProgramUniform1f(id, u.PoissonW, m.PoissonWeight.Scalar)
	}
	if nl := p.lay.net; nl != nil {
		gl.ProgramUniform1ui(id, u.D, uint32(nl.D))
		gl.ProgramUniform1f(id, u.SynScale, float32(math.Ldexp(1, -nl.q)))
		gl.ProgramUniform1f(id, u.DecayEx, m.Ex.Decay.Scalar)
		gl.ProgramUniform1f(id, u.DecayIn, m.In.Decay.Scalar)
	}
	return checkGL("setting up " + shaderFile)
}

// connInclude is internal/conn's GLSL: procedural rows drawn again in propagate.comp.
var connInclude = include{name: "conn", file: "internal/conn/conn.glsl", src: conn.GLSL}
