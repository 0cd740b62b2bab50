//go:build unix

package regular

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRefusesWhatIsNotAFile: a named pipe (whose open would block until a writer
// came), a device and a folder are refused at once, naming what they are; a regular
// file reads.
func TestRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	file := filepath.Join(dir, "ok.npy")
	os.WriteFile(file, []byte("data"), 0o644)
	cases := []struct{ path, says string }{
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{"/dev/null", "is a character device"},
		{dir, "is a folder"},
	}
	for _, c := range cases {
		done := make(chan error, 1)
		go func() {
			_, err := ReadFile(c.path)
			done <- err
		}()
		select {
		case err := <-done:
			var re *Error
			if !errors.As(err, &re) || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), c.path) {
				t.Errorf("%s: %v, want an *Error saying %q", c.path, err, c.says)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the read blocked", c.path)
		}
	}
	if b, err := ReadFile(file); err != nil || string(b) != "data" {
		t.Errorf("regular file: %q, %v", b, err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}
