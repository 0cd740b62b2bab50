package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.bin")
	if err := WriteFile(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("half of the second"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the writer's error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Errorf("a failed write changed the file: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "folder"), nil); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
}

// TestTarget: the temporary files Write makes name their target, and other names are
// not taken for them.
func TestTarget(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"spikes.npz", "a.tmp.npz", ".hidden"} {
		var tmp string
		err := Write(filepath.Join(dir, name), func(io.Writer) error {
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if e.Name() != name && strings.HasPrefix(e.Name(), "."+name) {
					tmp = e.Name()
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := Target(tmp); !ok || got != name {
			t.Errorf("Target(%q) = %q, %v; want %q", tmp, got, ok, name)
		}
	}
	for _, name := range []string{"spikes.npz", ".tmp123", ".npz", "x.tmp1"} {
		if got, ok := Target(name); ok {
			t.Errorf("Target(%q) = %q: not a temporary file", name, got)
		}
	}
}
