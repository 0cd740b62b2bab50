package lifgpu_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocSnippets: every Go snippet of README.md and of the package documentation
// (doc.go files, and the package comment of any package that has no doc.go) is the
// body of an Example function with an Output, so that go test compiles and runs it and
// it cannot drift from the API.
func TestDocSnippets(t *testing.T) {
	examples := exampleBodies(t)
	if len(examples) == 0 {
		t.Fatal("no Example functions with an Output found")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	snippets := map[string][]string{}
	for _, m := range regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		snippets["README.md"] = append(snippets["README.md"], m[1])
	}
	for file, s := range docSnippets(t) {
		snippets[file] = append(snippets[file], s...)
	}
	if len(snippets["README.md"]) == 0 || len(snippets["doc.go"]) == 0 {
		t.Fatalf("found no snippet in README.md or doc.go: %v", snippets)
	}
	for file, ss := range snippets {
		for _, s := range ss {
			want := normalize(s)
			found := false
			for _, body := range examples {
				if strings.Contains(body, want) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: this snippet is not the body of any Example with an Output (write one, or make the snippet one's code):\n%s", file, s)
			}
		}
	}
}

// exampleBodies returns the normalized bodies of every Example function with an Output
// comment in the module's test files.
func exampleBodies(t *testing.T) []string {
	var out []string
	walkGo(t, func(path string, src []byte) {
		if !strings.HasSuffix(path, "_test.go") {
			return
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !strings.HasPrefix(fn.Name.Name, "Example") || fn.Body == nil {
				continue
			}
			body := string(src[fset.Position(fn.Body.Lbrace).Offset+1 : fset.Position(fn.Body.Rbrace).Offset])
			if strings.Contains(body, "// Output:") {
				out = append(out, normalize(body))
			}
		}
	})
	return out
}

// docSnippets returns the code blocks (tab-indented lines) of the package comments in
// doc.go files, and of package comments elsewhere for packages without a doc.go.
func docSnippets(t *testing.T) map[string][]string {
	out := map[string][]string{}
	walkGo(t, func(path string, src []byte) {
		if strings.HasSuffix(path, "_test.go") {
			return
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		if f.Doc == nil {
			return
		}
		if filepath.Base(path) != "doc.go" {
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), "doc.go")); err == nil {
				return
			}
		}
		var block []string
		flush := func() {
			if len(block) > 0 {
				out[path] = append(out[path], strings.Join(block, "\n"))
			}
			block = nil
		}
		for _, l := range strings.Split(f.Doc.Text(), "\n") {
			if strings.HasPrefix(l, "\t") {
				block = append(block, l)
				continue
			}
			if strings.TrimSpace(l) != "" {
				flush()
			}
		}
		flush()
		// Only Go code: a block that reads as the update written out, a file layout or a
		// shell command is not an example.
		var code []string
		for _, b := range out[path] {
			if looksLikeGo(b) {
				code = append(code, b)
			}
		}
		out[path] = code
	})
	return out
}

// looksLikeGo reports whether a doc comment's code block is Go that calls the API (an
// assignment from a call): the blocks that show the model's update in pseudo-code,
// folder layouts or shell commands are not.
func looksLikeGo(b string) bool {
	return regexp.MustCompile(`(?m)^\s*\w+(, \w+)* :?= [\w.]+\(`).MatchString(b) && !strings.Contains(b, "$ ")
}

func walkGo(t *testing.T, f func(path string, src []byte)) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f(path, src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// normalize drops indentation, trailing space and blank lines, so that a snippet
// matches the same lines inside a function body.
func normalize(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
