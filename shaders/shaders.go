// Package shaders holds the GLSL of lifgpu, embedded in the binary: the compute shaders
// of the gpu backend (*.comp: lif.comp, propagate.comp) and those of the viewer
// (view.comp, and the render shaders view.vert and view.frag, which internal/view
// draws the window of `lifgpu view` with). It only stores text: gpu and internal/view
// compile them, adding a preamble of #defines.
//
// Every compute shader passes internal/glslcheck's lint (every float operation bound
// to a precise variable); the render shaders are not on the update path and are not
// linted.
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

//go:embed *.comp *.vert *.frag
var files embed.FS

// Source returns the text of the shader file name (for example "lif.comp").
func Source(name string) (string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("shaders: no shader %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return string(b), nil
}

// Names lists the embedded shader files, sorted: compute and render shaders.
func Names() []string {
	ents, _ := fs.ReadDir(files, ".")
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// Compute lists the embedded compute shaders (*.comp), sorted.
func Compute() []string {
	var out []string
	for _, n := range Names() {
		if strings.HasSuffix(n, ".comp") {
			out = append(out, n)
		}
	}
	return out
}
