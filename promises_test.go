package lifgpu_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmePromises: every promise of README.md's "What a batch run promises" names
// tests, and every test it names exists in the module (a Test or Fuzz function), so that
// a promise cannot lose the test that backs it without this failing.
func TestReadmePromises(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## What a batch run promises\n")
	if !ok {
		t.Fatal("README.md has no section \"What a batch run promises\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	have := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)\w+)\(`)
	walkGo(t, func(path string, src []byte) {
		if strings.HasSuffix(path, "_test.go") {
			for _, m := range decl.FindAllSubmatch(src, -1) {
				have[string(m[1])] = true
			}
		}
	})
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 4 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "promise" {
			continue
		}
		rows++
		names := regexp.MustCompile("`((?:Test|Fuzz)\\w+)`").FindAllStringSubmatch(cells[2], -1)
		if len(names) == 0 {
			t.Errorf("the promise %q names no test", strings.TrimSpace(cells[1]))
		}
		for _, n := range names {
			if !have[n[1]] {
				t.Errorf("the promise %q names %s, which no test file defines", strings.TrimSpace(cells[1]), n[1])
			}
		}
	}
	if rows < 10 {
		t.Errorf("found %d promises in the section, expected the table", rows)
	}
}
