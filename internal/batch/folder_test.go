package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu"
)

// TestForceKeepsUserFiles: -f into a finished run's folder removes that run's files
// and nothing else: a user's notes in the folder and in its parts folder stay (they
// used to go with the parts folder).
func TestForceKeepsUserFiles(t *testing.T) {
	dir := reference(t, recipeIn(t, specText))
	mine := map[string]string{"parts/notes.tex": "\\section{mine}", "notes.txt": "mine too", "spikes-old.npz": "not ours"}
	os.Mkdir(filepath.Join(dir, partsDir), 0o755)
	for name, text := range mine {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	small := recipeIn(t, "n = 50\nsteps = 100\ncheckpoint_every = 30\n[record]\nrate = true\n")
	if _, err := Start(context.Background(), Job{Recipe: small, Dir: dir, Force: true, New: cpuFactory("")}); err != nil {
		t.Fatal(err)
	}
	for name, text := range mine {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != text {
			t.Errorf("%s: %q, %v: a user's file was touched", name, b, err)
		}
	}
	for _, f := range []string{"spikes.npz", "traces.npz", "state.npz", checkpointName, lockName} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s is still there", f)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, partsDir)); len(ents) != 1 {
		t.Errorf("parts/ holds %d entries, want the user's notes alone", len(ents))
	}
}

// TestForceRefusesForeignFiles: -f never replaces a file that no lifgpu run wrote: a
// folder without job.json that holds a spikes.npz (or a part) of its own is refused,
// untouched, naming the file; files the run would not write are no obstacle.
func TestForceRefusesForeignFiles(t *testing.T) {
	spikes := recipeIn(t, "n = 50\nsteps = 100\n[record]\nspikes = true\n")
	for _, name := range []string{"spikes.npz", "run.json", "parts/spikes-000001.npz", ".spikes.npz.tmp1234"} {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			dir := t.TempDir()
			os.Mkdir(filepath.Join(dir, partsDir), 0o755)
			os.WriteFile(filepath.Join(dir, name), []byte("mine"), 0o644)
			_, err := Start(context.Background(), Job{Recipe: spikes, Dir: dir, Force: true, New: cpuFactory("")})
			var fe *ForeignError
			if !errors.As(err, &fe) || fe.Name != name || !strings.Contains(err.Error(), "no job.json") {
				t.Fatalf("%v, want a ForeignError naming %s", err, name)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != "mine" {
				t.Errorf("%s was changed", name)
			}
			if _, err := os.Stat(filepath.Join(dir, jobName)); err == nil {
				t.Error("a refused run wrote job.json")
			}
		})
	}
	// A job.json that is not lifgpu's is itself in the way.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, jobName), []byte(`{"mine": true}`), 0o644)
	var fe *ForeignError
	if _, err := Start(context.Background(), Job{Recipe: spikes, Dir: dir, Force: true, New: cpuFactory("")}); !errors.As(err, &fe) || fe.Name != jobName {
		t.Errorf("a foreign job.json: %v", err)
	}
	// Unrelated files are no obstacle.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "README"), []byte("mine"), 0o644)
	if _, err := Start(context.Background(), Job{Recipe: spikes, Dir: dir, Force: true, New: cpuFactory("")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "README")); string(b) != "mine" {
		t.Error("README changed")
	}
}

// TestOneRunPerFolder: while a run holds its folder, a run with -f into it, a resume
// of it and a run without -f are refused, naming the holder; once it ends (its lock
// file goes with it), the folder resumes.
func TestOneRunPerFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	r := recipeIn(t, "n = 50\nsteps = 2000\ncheckpoint_every = 100\n[record]\nrate = true\n")
	ctx, cancel := context.WithCancel(context.Background())
	inside, leave := make(chan bool), make(chan bool)
	done := make(chan error, 1)
	go func() {
		once := false
		_, err := Start(ctx, Job{Recipe: r, Dir: dir, New: cpuFactory(""), Progress: func(step, _ int64, _ time.Duration) {
			if step >= 200 && !once {
				once = true
				inside <- true
				<-leave
				cancel()
			}
		}})
		done <- err
	}()
	<-inside
	var busy *BusyError
	if _, err := Start(context.Background(), Job{Recipe: r, Dir: dir, Force: true, New: cpuFactory("")}); !errors.As(err, &busy) || busy.PID != os.Getpid() {
		t.Errorf("-f into a folder in use: %v, want a BusyError naming this process", err)
	}
	if _, err := Start(context.Background(), Job{Recipe: r, Dir: dir, New: cpuFactory("")}); !errors.As(err, &busy) {
		t.Errorf("a run into a folder in use: %v, want a BusyError", err)
	}
	if _, err := Resume(context.Background(), dir, Override{}, cpuFactory(""), nil, nil); !errors.As(err, &busy) || !strings.Contains(err.Error(), "one run per output folder") {
		t.Errorf("a resume of a folder in use: %v, want a BusyError", err)
	}
	close(leave)
	if err := <-done; !errors.Is(err, ErrInterrupted) {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, lockName)); err == nil {
		t.Error("the lock file outlived its run")
	}
	if _, err := Resume(context.Background(), dir, Override{}, cpuFactory(""), nil, nil); err != nil {
		t.Fatal(err)
	}
}

// TestEmptyOutputName: -o "" is refused as such, not as "mkdir : no such file".
func TestEmptyOutputName(t *testing.T) {
	_, err := Start(context.Background(), Job{Recipe: recipeIn(t, "n = 5\nsteps = 5\n"), Dir: "", New: cpuFactory("")})
	if err == nil || !strings.Contains(err.Error(), "no output folder given") {
		t.Errorf("empty output name: %v", err)
	}
}

func TestOwns(t *testing.T) {
	files := []string{"job.json", "spikes.npz", "parts/spikes-NNNNNN.npz"}
	for name, want := range map[string]bool{
		"spikes.npz": true, ".spikes.npz.tmp123": true, "parts/spikes-000001.npz": true, "parts/spikes-1234567.npz": true,
		"parts/.spikes-000002.npz.tmp9": true, "parts/spikes-.npz": false, "parts/spikes-draft.npz": false,
		"parts/notes.tex": false, "rate.npz": false, "spikes.npz.bak": false, ".bashrc": false, "parts/rate-000001.npz": false,
	} {
		if got := owns(files, name); got != want {
			t.Errorf("owns(%q) = %v, want %v", name, got, want)
		}
	}
}

// stopOnRecording cancels its context when the run reads its recording after the last
// step: the final files are then being written.
type stopOnRecording struct {
	lifgpu.Population
	cancel func()
	total  int64
}

func (s *stopOnRecording) Recording() (*lifgpu.Recording, error) {
	if s.StepCount() == s.total {
		s.cancel()
	}
	return s.Population.Recording()
}

// TestInterruptWhileFinishing: a signal while the final files are written stops the run
// (it used to go on to the end); no final file and no run.json are left, and a resume
// from the last checkpoint gives the files of a run never stopped.
func TestInterruptWhileFinishing(t *testing.T) {
	r := recipeIn(t, specText)
	whole := reference(t, r)
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Start(ctx, Job{Recipe: r, Dir: dir, New: cpuFactory(""),
		wrap: func(p lifgpu.Population) lifgpu.Population {
			return &stopOnRecording{Population: p, cancel: cancel, total: 1200}
		}})
	var ie *InterruptedError
	if !errors.As(err, &ie) || ie.While != "writing the final files" || ie.Step != 1000 || ie.Dir != dir {
		t.Fatalf("%v, want an interruption while writing the final files, the checkpoint at step 1000", err)
	}
	for _, f := range append(finals, "run.json") {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s was written after the signal", f)
		}
	}
	if _, err := Resume(context.Background(), dir, Override{}, cpuFactory(""), nil, nil); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, whole, dir)
}

// TestInterruptBeforeStart: a context that ends while the spec is read stops the run
// before it starts, saying nothing was written, and leaves no folder.
func TestInterruptBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Start(ctx, Job{Recipe: recipeIn(t, specText), Dir: dir, New: cpuFactory("")})
	var ie *InterruptedError
	if !errors.As(err, &ie) || ie.Dir != "" || ie.While != "reading the spec and its inputs" ||
		!strings.Contains(err.Error(), "before the run started: nothing was written") {
		t.Fatalf("%v, want an interruption before the run started", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("a run stopped before it started left its folder")
	}
}
