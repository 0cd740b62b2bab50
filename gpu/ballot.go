//go:build cgo && egl

package gpu

import (
	"os"

	"github.com/go-gl/gl/v4.3-core/gl"
)

// ballotMode, set by tests and by LIFGPU_GPU_BALLOT=1, turns on the aggregation of the
// spike list's and the rate's atomics per subgroup (lif.comp's BALLOT): 1 on, 0 or -1
// off (the default). It is off by default because it has been checked bit-exact on
// llvmpipe only (GL_ARB_shader_ballot there; NVIDIA offers GL_KHR_shader_subgroup,
// which lif.comp prefers): the GPU tests force it on and off, so the first run of
// bench/gpu.sh on an NVIDIA card says whether it may become the default there.
//
// On a GPU every spike's atomicAdd on one counter (and one rate word a step) is
// serialized across thousands of threads; aggregated, a subgroup adds its spikes at
// once. On llvmpipe atomics are cheap (a few threads, each looping over its SIMD
// lanes) and the ballot's lane operations cost more than they save: W1 with the spike
// list ran about 20% slower with it (2026-11-26), so it is off there.
var ballotMode = func() int {
	if os.Getenv("LIFGPU_GPU_BALLOT") == "1" {
		return 1
	}
	return 0
}()

// GL_KHR_shader_subgroup's queries and bits.
const (
	subgroupSupportedStagesKHR   = 0x9533
	subgroupSupportedFeaturesKHR = 0x9534
	subgroupFeatureBasicKHR      = 0x1
	subgroupFeatureBallotKHR     = 0x8
)

// ballotSupport says whether lif.comp's BALLOT path is on for this population (it
// records spikes or the rate or is a network, whose spike list is always written,
// ballotMode asks for it, and the device has a way), and
// whether it goes through GL_KHR_shader_subgroup (basic and ballot features in compute
// shaders) rather than GL_ARB_shader_ballot with GL_ARB_gpu_shader_int64. It runs on the
// GL thread.
func (p *Population) ballotSupport() (on, khr bool) {
	if ballotMode <= 0 || !(p.lay.list || p.m.Record.Rate) {
		return false, false
	}
	ext := p.ctx.ext
	if ext["GL_KHR_shader_subgroup"] {
		var stages, features int32
		gl.GetIntegerv(subgroupSupportedStagesKHR, &stages)
		gl.GetIntegerv(subgroupSupportedFeaturesKHR, &features)
		want := int32(subgroupFeatureBasicKHR | subgroupFeatureBallotKHR)
		if stages&gl.COMPUTE_SHADER_BIT != 0 && features&want == want && checkGL("querying subgroup support") == nil {
			return true, true
		}
	}
	return ext["GL_ARB_shader_ballot"] && ext["GL_ARB_gpu_shader_int64"], false
}
