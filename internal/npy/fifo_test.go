//go:build unix

package npy_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu/internal/npy"
)

// TestReadRefusesPipes: a named pipe given as an .npy or .npz is refused at once; it
// used to block the open until a writer came, forever in a batch job.
func TestReadRefusesPipes(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "tau_m.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	for name, read := range map[string]func(string) error{
		"ReadFile":       func(p string) error { _, err := npy.ReadFile(p); return err },
		"ReadNPZ":        func(p string) error { _, err := npy.ReadNPZ(p); return err },
		"ReadNPZHeaders": func(p string) error { _, err := npy.ReadNPZHeaders(p); return err },
	} {
		done := make(chan error, 1)
		go func() { done <- read(fifo) }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "named pipe") {
				t.Errorf("%s: %v, want a refusal naming the pipe", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s of a named pipe blocked", name)
		}
	}
}
