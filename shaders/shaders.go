// Package shaders holds the GLSL compute shaders of the gpu backend, embedded in the
// binary. It only stores text: gpu compiles them, adding a preamble of #defines.
//
// The files live here, not under gpu/, because go:embed cannot reach a parent
// directory and the shaders are also read by tools (glslangValidator in CI).
package shaders

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.comp
var files embed.FS

// Source returns the text of the shader file name (for example "lif.comp").
func Source(name string) (string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("shaders: no shader %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return string(b), nil
}

// Names lists the embedded shader files, sorted.
func Names() []string {
	ents, _ := fs.ReadDir(files, ".")
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}
