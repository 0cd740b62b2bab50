package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/batch"
)

// TestHints: the library's errors name no flags; the command adds what to type next.
func TestHints(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&batch.ExistsError{Dir: "d"}, "use -f to write into it, -resume d to continue its run, or -o to choose another"},
		{&batch.ExistsError{Dir: "d", NotDir: true}, "choose another with -o"},
		{fmt.Errorf("x: %w", &batch.InterruptedError{Step: 5, Total: 9, Dir: "d"}), "resume with: lifgpu run -resume d"},
		{&batch.FaultError{Backend: "gpu", Err: fmt.Errorf("boom"), Dir: "d"}, "resume with: lifgpu run -resume d (add -backend cpu"},
		{&batch.ResourceError{Resource: "disk", Dir: "d"}, "choose another folder with -o"},
		{fmt.Errorf("x: %w", &batch.DiskFullError{Dir: "d", Checkpoint: 300, Total: 900, Err: fmt.Errorf("no space left on device")}),
			"the disk of d is full (no space left on device): the checkpoint at step 300 of 900 and the recordings before it are intact; free some space (or choose a larger disk for the next run), then resume with: lifgpu run -resume d"},
		{&batch.BusyError{Dir: "d", PID: 42}, "another lifgpu run (process 42) is using d: one run per output folder"},
		{&batch.InterruptedError{Dir: "d", Step: 300, Total: 900, While: "writing the final files"}, "interrupted while writing the final files: the checkpoint at step 300 of 900 and the recordings before it are in d; resume with: lifgpu run -resume d"},
	}
	for _, c := range cases {
		if got := c.err.Error() + hint(c.err); !strings.Contains(got, c.want) {
			t.Errorf("%T: %q, want %q in it", c.err, got, c.want)
		}
	}
	closed := &batch.FaultError{Backend: "cpu", Err: lifgpu.ErrClosed, Dir: "d"}
	if h := hint(closed); strings.Contains(h, "-backend cpu") {
		t.Errorf("a closed population is no backend failure to switch away from: %q", h)
	}
	if h := hint(&batch.InterruptedError{Dir: "d", Err: fmt.Errorf("disk full")}); h != "" {
		t.Errorf("no resume hint when the checkpoint failed: %q", h)
	}
	if h := hint(&batch.InterruptedError{While: "building the network"}); h != "" {
		t.Errorf("no resume hint for a run that never started: %q", h)
	}
}

// TestExistingFolderHint: the whole path, from the command line to the message.
func TestExistingFolderHint(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	code := Main([]string{"run", "-n", "10", "-steps", "5", "-o", dir}, &out, &errs)
	if code != 1 || !strings.Contains(errs.String(), "use -f to write into it, -resume "+dir) {
		t.Fatalf("exit %d, stderr %q", code, errs.String())
	}
}
