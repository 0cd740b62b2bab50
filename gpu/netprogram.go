//go:build cgo && egl

package gpu

import (
	"fmt"
	"math"

	"github.com/go-gl/gl/v4.3-core/gl"
)

const propFile = "propagate.comp"

// propUniforms are propagate.comp's uniforms' locations; each mode's variant uses some
// (-1 for the others).
type propUniforms struct {
	Pair       int32 `glsl:"uPair"`
	Recycle    int32 `glsl:"uRecycle"`
	Args       int32 `glsl:"uArgs"`
	GX         int32 `glsl:"uGX"`
	MaxSpikes  int32 `glsl:"uMaxSpikes"`
	D          int32 `glsl:"uD"`
	N          int32 `glsl:"uN"`
	Slot0      int32 `glsl:"uSlot0"`
	K          int32 `glsl:"uK"`
	RingLo     int32 `glsl:"uRingLo"`
	RingN      int32 `glsl:"uRingN"`
	PreLo      int32 `glsl:"uPreLo"`
	PreHi      int32 `glsl:"uPreHi"`
	G          int32 `glsl:"uG"`
	PostLo     int32 `glsl:"uPostLo"`
	PostHi     int32 `glsl:"uPostHi"`
	Seed       int32 `glsl:"uSeed"`
	Stream     int32 `glsl:"uStream"`
	GapLen     int32 `glsl:"uGapLen"`
	All        int32 `glsl:"uAll"`
	NoAutapses int32 `glsl:"uNoAutapses"`
	WConst     int32 `glsl:"uWConst"`
	WqConst    int32 `glsl:"uWqConst"`
	WMean      int32 `glsl:"uWMean"`
	WStd       int32 `glsl:"uWStd"`
	WScale     int32 `glsl:"uWScale"`
	DConst     int32 `glsl:"uDConst"`
	DSteps     int32 `glsl:"uDSteps"`
	DMean      int32 `glsl:"uDMean"`
	DStd       int32 `glsl:"uDStd"`
}

// propProgram is a linked variant of propagate.comp.
type propProgram = program[propUniforms]

// netPrograms are a network's variants of propagate.comp, one a mode; stored and proc
// are nil when no projection needs them.
type netPrograms struct {
	prep, clear, stored, proc *propProgram
}

func (np *netPrograms) release() {
	for _, pr := range []*propProgram{np.prep, np.clear, np.stored, np.proc} {
		if pr != nil {
			pr.Release()
		}
	}
}

// propDefines are the #defines of propagate.comp's variant for mode (PREP, CLEAR,
// STORED, PROCEDURAL) and the includes it needs.
func (p *Population) propDefines(mode string) ([]string, []include) {
	nl := p.lay.net
	size := propWG
	switch mode {
	case "CLEAR":
		size = clearWG
	case "PREP":
		size = 1 // one invocation
	}
	defs := []string{fmt.Sprintf("WG %d", size), mode}
	switch mode {
	case "STORED":
		defs = append(defs, fmt.Sprintf("PER %d", propPer), fmt.Sprintf("SYN_WORDS %d", nl.synWords), fmt.Sprintf("DBITS %d", nl.dBits))
	case "PROCEDURAL":
		if p.flush {
			defs = append(defs, "F32_FLUSH")
		}
		incs := append([]include{f32Include}, rngIncludes...)
		return defs, append(incs, connInclude)
	}
	return defs, nil
}

// linkNet compiles the network's variants of propagate.comp and sets their constant
// uniforms. It runs on the GL thread.
func (p *Population) linkNet() error {
	nl, np := p.lay.net, &p.net.progs
	link := func(mode string) (*propProgram, error) {
		defs, incs := p.propDefines(mode)
		pr, err := linkProgram[propUniforms](propFile, defs, incs)
		if err != nil {
			return nil, err
		}
		gl.ProgramUniform1ui(pr.id, pr.u.D, uint32(nl.D))
		return pr, nil
	}
	var err error
	if np.prep, err = link("PREP"); err != nil {
		return err
	}
	u := np.prep.u
	gl.ProgramUniform1ui(np.prep.id, u.Recycle, b2u(!p.m.Record.Spikes))
	gl.ProgramUniform1ui(np.prep.id, u.Args, uint32(len(p.net.rows)+len(p.net.proc)))
	gl.ProgramUniform1ui(np.prep.id, u.GX, uint32(p.plan.groups))
	gl.ProgramUniform1ui(np.prep.id, u.MaxSpikes, uint32(p.plan.maxSpikes))
	if np.clear, err = link("CLEAR"); err != nil {
		return err
	}
	if len(p.net.rows) > 0 {
		if np.stored, err = link("STORED"); err != nil {
			return err
		}
	}
	if len(p.net.proc) > 0 {
		if np.proc, err = link("PROCEDURAL"); err != nil {
			return err
		}
		gl.ProgramUniform2ui(np.proc.id, np.proc.u.Seed, uint32(p.m.Seed), uint32(p.m.Seed>>32))
	}
	return checkGL("setting up " + propFile)
}

// setProc sets the uniforms of the procedural projection g for propagate.comp's
// PROCEDURAL variant pr.
func setProc(pr *propProgram, g procBuffer) {
	id, u, c := pr.id, &pr.u, g.g
	gl.ProgramUniform1ui(id, u.PreLo, uint32(c.Pre.Lo))
	gl.ProgramUniform1ui(id, u.PreHi, uint32(c.Pre.Hi))
	gl.ProgramUniform1ui(id, u.PostLo, uint32(c.Post.Lo))
	gl.ProgramUniform1ui(id, u.PostHi, uint32(c.Post.Hi))
	gl.ProgramUniform1ui(id, u.Stream, c.Stream)
	gl.ProgramUniform1ui(id, u.GapLen, uint32(len(c.Gap.T)))
	gl.ProgramUniform1ui(id, u.All, b2u(c.Gap.P >= 1))
	gl.ProgramUniform1ui(id, u.NoAutapses, b2u(c.NoAutapses))
	gl.ProgramUniform1ui(id, u.WConst, b2u(c.WConst))
	gl.ProgramUniform1i(id, u.WqConst, c.WqConst)
	gl.ProgramUniform1f(id, u.WMean, c.WMean)
	gl.ProgramUniform1f(id, u.WStd, c.WStd)
	gl.ProgramUniform1f(id, u.WScale, float32(math.Ldexp(1, c.Q)))
	gl.ProgramUniform1ui(id, u.DConst, b2u(c.DConst))
	gl.ProgramUniform1ui(id, u.DSteps, uint32(c.DSteps))
	gl.ProgramUniform1f(id, u.DMean, c.DMean)
	gl.ProgramUniform1f(id, u.DStd, c.DStd)
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
