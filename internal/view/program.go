//go:build glfw && egl && cgo && linux

package view

import (
	"fmt"
	"strings"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu/shaders"
)

// program is a linked program and its uniforms' locations.
type program struct {
	id  uint32
	loc map[string]int32
}

func (p program) uniform(name string) int32 {
	if l, ok := p.loc[name]; ok {
		return l
	}
	return -1
}

// glError drains glGetError into an error naming op.
func glError(op string) error {
	var codes []string
	for range 16 {
		c := gl.GetError()
		if c == gl.NO_ERROR {
			break
		}
		codes = append(codes, fmt.Sprintf("0x%04x", c))
	}
	if codes == nil {
		return nil
	}
	return fmt.Errorf("view: %s: GL error %s", op, strings.Join(codes, ", "))
}

// stage is one shader of a program: its type and its file in package shaders.
type stage struct {
	typ  uint32
	file string
}

// link compiles the stages, each with the #defines defs after its #version line, and
// links them; errors name the file and carry the driver's log. The uniforms the caller
// sets (uniforms) must all be active: one misspelt, or dropped by the compiler, is an
// error (gl.Uniform* would ignore it). Every object is deleted on failure.
func link(defs, uniforms []string, stages ...stage) (program, error) {
	name := fmt.Sprintf("%s %v", stages[len(stages)-1].file, defs)
	var shs []uint32
	defer func() {
		for _, sh := range shs {
			gl.DeleteShader(sh) // flagged: deleted once detached
		}
	}()
	for _, st := range stages {
		src, err := shaders.Source(st.file)
		if err != nil {
			return program{}, err
		}
		version, body, _ := strings.Cut(src, "\n")
		var b strings.Builder
		b.WriteString(version + "\n")
		for _, d := range defs {
			b.WriteString("#define " + d + "\n")
		}
		b.WriteString("#line 2\n" + body)
		sh, err := compile(st, b.String())
		if err != nil {
			return program{}, err
		}
		shs = append(shs, sh)
	}
	id := gl.CreateProgram()
	for _, sh := range shs {
		gl.AttachShader(id, sh)
	}
	gl.LinkProgram(id)
	for _, sh := range shs {
		gl.DetachShader(id, sh)
	}
	var ok int32
	gl.GetProgramiv(id, gl.LINK_STATUS, &ok)
	if ok == gl.FALSE {
		var n int32
		gl.GetProgramiv(id, gl.INFO_LOG_LENGTH, &n)
		log := make([]byte, n+1)
		gl.GetProgramInfoLog(id, n, nil, &log[0])
		gl.DeleteProgram(id)
		return program{}, fmt.Errorf("view: linking %s: %s", name, strings.TrimRight(string(log), "\x00"))
	}
	p := program{id: id, loc: map[string]int32{}}
	var count int32
	gl.GetProgramiv(id, gl.ACTIVE_UNIFORMS, &count)
	for i := range uint32(count) {
		buf := make([]byte, 64)
		var length, size int32
		var typ uint32
		gl.GetActiveUniform(id, i, int32(len(buf)), &length, &size, &typ, &buf[0])
		u := string(buf[:length])
		p.loc[u] = gl.GetUniformLocation(id, gl.Str(u+"\x00"))
	}
	err := glError("linking " + name)
	for _, u := range uniforms {
		if _, ok := p.loc[u]; !ok && err == nil {
			err = fmt.Errorf("view: %s has no active uniform %s (misspelt, or unused)", name, u)
		}
	}
	if err != nil {
		gl.DeleteProgram(id)
		return program{}, err
	}
	return p, nil
}

// compile compiles one stage's text.
func compile(st stage, src string) (uint32, error) {
	sh := gl.CreateShader(st.typ)
	csrc, free := gl.Strs(src + "\x00")
	n := int32(len(src))
	gl.ShaderSource(sh, 1, csrc, &n)
	free()
	gl.CompileShader(sh)
	var ok int32
	gl.GetShaderiv(sh, gl.COMPILE_STATUS, &ok)
	if ok == gl.FALSE {
		var n int32
		gl.GetShaderiv(sh, gl.INFO_LOG_LENGTH, &n)
		log := make([]byte, n+1)
		gl.GetShaderInfoLog(sh, n, nil, &log[0])
		gl.DeleteShader(sh)
		return 0, fmt.Errorf("view: compiling %s: %s", st.file, strings.TrimRight(string(log), "\x00"))
	}
	return sh, nil
}
