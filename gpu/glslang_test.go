//go:build cgo && egl

package gpu

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/shaders"
)

// TestGlslang compiles variants of lif.comp with Khronos' reference compiler,
// glslangValidator: those that no driver here compiles (GL_KHR_shader_subgroup, which
// llvmpipe lacks and NVIDIA offers) and the others, with and without the explicit flush.
// CI installs glslang-tools; elsewhere the test skips when it is missing, unless
// LIFGPU_REQUIRE_GPU=1.
func TestGlslang(t *testing.T) {
	tool, err := exec.LookPath("glslangValidator")
	if err != nil {
		if requireGPU {
			t.Fatalf("LIFGPU_REQUIRE_GPU=1 and glslangValidator is missing (Debian: glslang-tools): %v", err)
		}
		t.Skip("glslangValidator not found (Debian: glslang-tools)")
	}
	src, err := shaders.Source(shaderFile)
	if err != nil {
		t.Fatal(err)
	}
	full := lifgpu.Config{N: 10, Record: lifgpu.Record{Spikes: true, Rate: true, Traces: []int{1, 3}}}
	full.Params.TauM = lifgpu.Float32s(make10(12))
	full.Params.TRef = lifgpu.Float32s(make10(2))
	full.Input.Bias = lifgpu.Float32s(make10(1))
	full.Input.Noise = lifgpu.Noise{Mean: lifgpu.Float32s(make10(0.1)), Std: lifgpu.Scalar(1)}
	full.Input.Poisson = lifgpu.Poisson{Rate: lifgpu.Float32s(make10(800)), Weight: lifgpu.Float32s(make10(0.3))}
	exact := full
	exact.Params.Method = lifgpu.Exact
	plain := lifgpu.Config{N: 10}
	net := full // per-neuron tau_syn_ex (some delta), scalar tau_syn_in; stored and procedural rows
	net.Synapses = lifgpu.Synapses{TauSynEx: lifgpu.Float32s([]float32{0, 1, 2, 3, 0, 1, 2, 3, 4, 5}), TauSynIn: lifgpu.Scalar(2)}
	net.Projections = []lifgpu.Projection{{PreRange: lifgpu.Range{Lo: 0, Hi: 5}, PostRange: lifgpu.Range{Lo: 0, Hi: 10}, P: 0.5,
		WeightDist: lifgpu.Dist{Mean: 1, Std: 0.5}, DelayDist: lifgpu.Dist{Mean: 1}},
		{PreRange: lifgpu.Range{Lo: 5, Hi: 10}, PostRange: lifgpu.Range{Lo: 0, Hi: 10}, P: 0.5, Procedural: true,
			WeightDist: lifgpu.Dist{Mean: -1, Std: 0.5}, DelayDist: lifgpu.Dist{Mean: 2, Std: 0.5}}}
	netDelta := plain // both ports delta currents; weights too large for two-word synapses
	netDelta.Projections = []lifgpu.Projection{{Pre: []int32{0, 1}, Post: []int32{1, 0}, Weight: []float64{3e4, -1}, Delay: []float64{0.1, 6000}}}
	dir := t.TempDir()
	n := 0
	for name, cfg := range map[string]lifgpu.Config{"full": full, "exact": exact, "plain": plain, "net": net, "netdelta": netDelta} {
		m, err := model.Resolve(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct{ ballot, khr, flush bool }{{false, false, true}, {true, false, true}, {true, true, true}, {true, true, false}, {false, false, false}} {
			for _, key := range []progKey{{}, {schedPN: true, xPN: true}} {
				p := &Population{m: m, lay: layoutOf(m), ballot: v.ballot, subgroupKHR: v.khr, flush: v.flush}
				defs, incs := p.defines(key)
				text, err := assemble(shaderFile, src, defs, incs)
				if err != nil {
					t.Fatal(err)
				}
				if v.ballot && !v.khr {
					// glslang declares GL_ARB_shader_ballot's functions from GLSL 4.50 on
					// only; drivers (llvmpipe here) take them at 4.30, which the GPU tests
					// compile.
					text = strings.Replace(text, "#version 430 core", "#version 450 core", 1)
				}
				path := filepath.Join(dir, "v.comp")
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(tool, "-S", "comp", path).CombinedOutput()
				if err != nil {
					t.Errorf("%s %+v %+v [%s]: %v\n%s", name, v, key, strings.Join(defs, ", "), err, out)
				}
				n++
			}
		}
	}
	n += glslangProp(t, tool, dir, map[string]lifgpu.Config{"net": net, "netdelta": netDelta})
	t.Logf("%d variants compiled", n)
}

// glslangProp compiles propagate.comp's variants for the networks of cfgs with tool.
func glslangProp(t *testing.T, tool, dir string, cfgs map[string]lifgpu.Config) int {
	src, err := shaders.Source(propFile)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, cfg := range cfgs {
		m, err := model.Resolve(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if w := layoutOf(m).net.synWords; w != map[string]int{"net": 2, "netdelta": 3}[name] {
			t.Errorf("%s: %d words a synapse", name, w)
		}
		for _, flush := range []bool{true, false} {
			p := &Population{m: m, lay: layoutOf(m), flush: flush}
			for _, mode := range []string{"PREP", "CLEAR", "STORED", "PROCEDURAL"} {
				defs, incs := p.propDefines(mode)
				text, err := assemble(propFile, src, defs, incs)
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, "p.comp")
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				if out, err := exec.Command(tool, "-S", "comp", path).CombinedOutput(); err != nil {
					t.Errorf("%s %s [%s]: %v\n%s", propFile, name, strings.Join(defs, ", "), err, out)
				}
				n++
			}
		}
	}
	return n
}

func make10(v float32) []float32 {
	s := make([]float32, 10)
	for i := range s {
		s[i] = v
	}
	return s
}
