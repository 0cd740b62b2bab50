//go:build unix

package spec_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu/internal/spec"
)

// TestPipes: a spec, or a .npy it names, that is a named pipe is refused at once; both
// used to block validate and run forever (the open waits for a writer).
func TestPipes(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"spec.toml", "bias.npy"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	specFile := filepath.Join(dir, "ok.toml")
	os.WriteFile(specFile, []byte("n = 3\n[input]\nbias = \"bias.npy\"\n"), 0o644)
	for name, f := range map[string]func() error{
		"spec": func() error { _, err := spec.Load(filepath.Join(dir, "spec.toml")); return err },
		"npy": func() error {
			s, err := spec.Load(specFile)
			if err != nil {
				return err
			}
			_, err = s.Config()
			return err
		},
	} {
		done := make(chan error, 1)
		go func() { done <- f() }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "is a named pipe (FIFO), not a regular file") {
				t.Errorf("%s: %v, want a refusal of the pipe", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: reading a named pipe blocked", name)
		}
	}
}
