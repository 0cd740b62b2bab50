//go:build cgo && egl

package gpu

import (
	"fmt"
	"log"
	"regexp"
	"strconv"
	"strings"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
)

// glErrorNames names the codes of glGetError.
var glErrorNames = map[uint32]string{
	gl.INVALID_ENUM:                  "GL_INVALID_ENUM",
	gl.INVALID_VALUE:                 "GL_INVALID_VALUE",
	gl.INVALID_OPERATION:             "GL_INVALID_OPERATION",
	gl.STACK_OVERFLOW:                "GL_STACK_OVERFLOW",
	gl.STACK_UNDERFLOW:               "GL_STACK_UNDERFLOW",
	gl.OUT_OF_MEMORY:                 "GL_OUT_OF_MEMORY",
	gl.INVALID_FRAMEBUFFER_OPERATION: "GL_INVALID_FRAMEBUFFER_OPERATION",
	0x0507:                           "GL_CONTEXT_LOST",
}

// glError is a GL error flag seen after op.
type glError struct {
	Op    string
	Codes []uint32
}

func (e *glError) Error() string {
	var names []string
	for _, c := range e.Codes {
		n, ok := glErrorNames[c]
		if !ok {
			n = fmt.Sprintf("0x%04x", c)
		}
		names = append(names, n)
	}
	return fmt.Sprintf("gpu: %s: %s", e.Op, strings.Join(names, ", "))
}

// checkGL drains glGetError and returns the flags as an error naming op. It is
// called at every boundary: after allocations, dispatch batches and readbacks (and,
// in gldebug builds, after every call through ck).
func checkGL(op string) error {
	var codes []uint32
	for range 16 { // a lost context may return errors forever
		c := gl.GetError()
		if c == gl.NO_ERROR {
			break
		}
		codes = append(codes, c)
	}
	if codes == nil {
		return nil
	}
	return &glError{Op: op, Codes: codes}
}

// ck checks glGetError after a single call in gldebug builds and panics on an error
// (a GL error there is a bug of this package, not of the user); it costs nothing
// otherwise.
func ck(op string) {
	if glDebug {
		if err := checkGL(op); err != nil {
			panic(err)
		}
	}
}

// ShaderError is a shader that failed to compile or link: the file, the stage, the
// first line the driver's log names (0 if none), and the log.
type ShaderError struct {
	File  string
	Stage string // "compute shader" or "link"
	Line  int
	Log   string
}

func (e *ShaderError) Error() string {
	at := e.File
	if e.Line > 0 {
		at += ":" + strconv.Itoa(e.Line)
	}
	return fmt.Sprintf("gpu: %s: %s failed:\n%s", at, e.Stage, strings.TrimSpace(e.Log))
}

// logLine finds the first (source string, line) in a driver log: Mesa writes
// "0:12(5): error", NVIDIA "0(12) : error", AMD "ERROR: 0:12:".
var logLine = regexp.MustCompile(`(?m)(?:^|\s)(\d+)[:(](\d+)[):(]`)

// firstLoc returns the source string number and the line of the first location in a
// driver log, or (0, 0).
func firstLoc(log string) (src, line int) {
	m := logLine.FindStringSubmatch(log)
	if m == nil {
		return 0, 0
	}
	src, _ = strconv.Atoi(m[1])
	line, _ = strconv.Atoi(m[2])
	return src, line
}

// assemble is the text compileCompute gives the compiler: src, read from file, with
// the given #define lines inserted after its #version line and the includes pasted at
// their pragmas. #line directives keep the driver's line numbers those of the files.
func assemble(file, src string, defines []string, incs []include) (string, error) {
	version, body, ok := strings.Cut(src, "\n")
	if !ok || !strings.HasPrefix(strings.TrimSpace(version), "#version") {
		return "", &ShaderError{File: file, Stage: "compute shader", Log: "the first line must be #version"}
	}
	var b strings.Builder
	b.WriteString(version + "\n")
	for _, d := range defines {
		b.WriteString("#define " + d + "\n")
	}
	b.WriteString("#line 2\n")
	b.WriteString(paste(body, incs))
	return b.String(), nil
}

// compileCompute compiles and links the compute shader src, read from file, as
// assemble gives it: an error names the file (the shader's or an include's) and its
// line. On failure every object is deleted and the error is a *ShaderError.
func compileCompute(file, src string, defines []string, incs ...include) (uint32, error) {
	full, err := assemble(file, src, defines, incs)
	if err != nil {
		return 0, err
	}
	where := func(log string) (string, int) {
		s, line := firstLoc(log)
		if s >= 1 && s <= len(incs) {
			return incs[s-1].file, line
		}
		return file, line
	}

	sh := gl.CreateShader(gl.COMPUTE_SHADER)
	ck("glCreateShader")
	if sh == 0 {
		return 0, fmt.Errorf("gpu: %s: glCreateShader(GL_COMPUTE_SHADER) returned 0: %v", file, checkGL("glCreateShader"))
	}
	csrc, free := gl.Strs(full + "\x00")
	n := int32(len(full))
	gl.ShaderSource(sh, 1, csrc, &n)
	free()
	ck("glShaderSource")
	gl.CompileShader(sh)
	ck("glCompileShader")
	var status int32
	gl.GetShaderiv(sh, gl.COMPILE_STATUS, &status)
	if status == gl.FALSE {
		log := shaderLog(sh)
		gl.DeleteShader(sh)
		f, line := where(log)
		return 0, &ShaderError{File: f, Stage: "compute shader", Line: line, Log: log}
	}
	prog := gl.CreateProgram()
	gl.AttachShader(prog, sh)
	gl.LinkProgram(prog)
	ck("glLinkProgram")
	gl.DetachShader(prog, sh)
	gl.DeleteShader(sh)
	gl.GetProgramiv(prog, gl.LINK_STATUS, &status)
	if status == gl.FALSE {
		log := programLog(prog)
		gl.DeleteProgram(prog)
		f, line := where(log)
		return 0, &ShaderError{File: f, Stage: "link", Line: line, Log: log}
	}
	if err := checkGL("compiling " + file); err != nil {
		gl.DeleteProgram(prog)
		return 0, err
	}
	return prog, nil
}

func shaderLog(sh uint32) string {
	var n int32
	gl.GetShaderiv(sh, gl.INFO_LOG_LENGTH, &n)
	if n <= 0 {
		return "(no log)"
	}
	buf := make([]byte, n+1)
	gl.GetShaderInfoLog(sh, n, nil, &buf[0])
	return strings.TrimRight(string(buf), "\x00")
}

func programLog(p uint32) string {
	var n int32
	gl.GetProgramiv(p, gl.INFO_LOG_LENGTH, &n)
	if n <= 0 {
		return "(no log)"
	}
	buf := make([]byte, n+1)
	gl.GetProgramInfoLog(p, n, nil, &buf[0])
	return strings.TrimRight(string(buf), "\x00")
}

func glString(name uint32) string {
	p := gl.GetString(name)
	if p == nil {
		return ""
	}
	return gl.GoStr(p)
}

func glInt(name uint32) int64 {
	var v int64
	gl.GetInteger64v(name, &v)
	return v
}

func glIntIndexed(name uint32, i uint32) int64 {
	var v int32
	gl.GetIntegeri_v(name, i, &v)
	return int64(uint32(v))
}

// enableDebugOutput logs the driver's KHR_debug messages (core in GL 4.3), delivered
// on the call that caused them. Used in gldebug builds.
func enableDebugOutput() {
	gl.Enable(gl.DEBUG_OUTPUT)
	gl.Enable(gl.DEBUG_OUTPUT_SYNCHRONOUS)
	gl.DebugMessageCallback(func(source, gltype, id, severity uint32, length int32, message string, userParam unsafe.Pointer) {
		if severity == gl.DEBUG_SEVERITY_NOTIFICATION {
			return
		}
		log.Printf("gpu: GL debug (source 0x%x, type 0x%x, id %d, severity 0x%x): %s", source, gltype, id, severity, message)
	}, nil)
}
