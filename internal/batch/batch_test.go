package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/model"
)

// specText exercises everything a checkpoint must carry: per-step random input, a
// schedule change between checkpoints, every recording, and trace_every.
const specText = `
n = 3000
steps = 1200
seed = 11
checkpoint_every = 250
[neuron]
t_ref = 2.0
[input]
bias = 0.4
schedule = [ { step = 0, value = 0.0 }, { step = 600, value = 0.3 } ]
noise = { std = 0.6 }
poisson = { rate = 900.0, weight = 0.4 }
[record]
spikes = true
rate = true
traces = [0, 1500, 2999]
trace_every = 3
state = true
`

func cpuFactory(kernel string) Factory {
	return func(_ backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
		return cpu.New(cfg, cpu.Options{Kernel: kernel})
	}
}

func recipeIn(t testing.TB, text string) Recipe {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := FromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var finals = []string{"spikes.npz", "rate.npz", "traces.npz", "state.npz"}

// sameFiles checks that two output folders hold byte-identical result files.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	for _, f := range finals {
		x, err1 := os.ReadFile(filepath.Join(a, f))
		y, err2 := os.ReadFile(filepath.Join(b, f))
		if errors.Is(err1, os.ErrNotExist) && errors.Is(err2, os.ErrNotExist) {
			continue // not recorded by either
		}
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", f, err1, err2)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", f, a, b)
		}
	}
	for _, leftover := range []string{checkpointName, partsDir} {
		if _, err := os.Stat(filepath.Join(b, leftover)); err == nil {
			t.Errorf("%s left in a finished run", leftover)
		}
	}
}

func reference(t *testing.T, r Recipe) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "whole")
	if _, err := Start(context.Background(), Job{Recipe: r, Dir: dir, New: cpuFactory("reference")}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestInterruptResume stops runs at many steps (on and off checkpoint boundaries) and
// resumes them on other kernels: the files must equal those of a run never stopped.
func TestInterruptResume(t *testing.T) {
	r := recipeIn(t, specText)
	whole := reference(t, r)
	for k, stopAt := range []int64{1, 250, 251, 599, 600, 1000, 1199} {
		t.Run(fmt.Sprint("stop", stopAt), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			kernels := cpu.Kernels()
			job := Job{Recipe: r, Dir: dir, New: cpuFactory(kernels[k%len(kernels)]), Progress: func(done, total int64, _ time.Duration) {
				if done >= stopAt {
					cancel()
				}
			}}
			_, err := Start(ctx, job)
			var ie *InterruptedError
			if !errors.Is(err, ErrInterrupted) || !errors.As(err, &ie) || ie.Dir != dir || ie.Err != nil || ie.Step < stopAt {
				t.Fatalf("interrupted run: %v", err)
			}
			res, err := Resume(context.Background(), dir, Override{}, cpuFactory(kernels[(k+1)%len(kernels)]), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.ResumedFrom < stopAt {
				t.Errorf("resumed from step %d, stopped at %d or later", res.ResumedFrom, stopAt)
			}
			sameFiles(t, whole, dir)
		})
	}
}

// faulty is a population whose backend fails after some Run calls; lost also makes
// every later read fail, as a lost GPU context does.
type faulty struct {
	lifgpu.Population
	runs, failAt int
	lost         bool
	failed       bool
}

var errInjected = errors.New("injected fault: context lost")

func (f *faulty) Run(k int) error {
	f.runs++
	if f.runs == f.failAt {
		f.failed = true
		// A partial dispatch: the failure comes after some of the work.
		if err := f.Population.Run(k / 2); err != nil {
			return err
		}
		return errInjected
	}
	return f.Population.Run(k)
}

func (f *faulty) State() (lifgpu.State, error) {
	if f.failed && f.lost {
		return lifgpu.State{}, errInjected
	}
	return f.Population.State()
}

func TestFaultThenResume(t *testing.T) {
	r := recipeIn(t, specText)
	whole := reference(t, r)
	for _, lost := range []bool{false, true} {
		t.Run(fmt.Sprint("lost=", lost), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			job := Job{Recipe: r, Dir: dir, New: cpuFactory(""),
				wrap: func(p lifgpu.Population) lifgpu.Population { return &faulty{Population: p, failAt: 60, lost: lost} }}
			_, err := Start(context.Background(), job)
			var fe *FaultError
			if !errors.Is(err, errInjected) || !errors.As(err, &fe) || fe.Dir != dir {
				t.Fatalf("faulty run: %v", err)
			}
			ck, err := readCheckpoint(filepath.Join(dir, checkpointName), resolved(t, r), 1200, 0)
			if err != nil {
				t.Fatal(err)
			}
			if fe.Checkpoint != ck.state.Step {
				t.Errorf("the error names the checkpoint at step %d, the file holds step %d", fe.Checkpoint, ck.state.Step)
			}
			if lost && ck.state.Step%250 != 0 {
				t.Errorf("state was unreadable, yet the checkpoint is at step %d, not the last periodic one", ck.state.Step)
			}
			if !lost && ck.state.Step%250 == 0 {
				t.Errorf("state was readable, yet the checkpoint stayed at %d", ck.state.Step)
			}
			if _, err := Resume(context.Background(), dir, Override{}, cpuFactory("go"), nil, nil); err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, dir)
		})
	}
}

func TestResumeErrors(t *testing.T) {
	r := recipeIn(t, specText)
	done := reference(t, r)
	if _, err := Resume(context.Background(), done, Override{}, cpuFactory(""), nil, nil); err == nil || !strings.Contains(err.Error(), "complete") {
		t.Errorf("resume of a finished run: %v", err)
	}
	if _, err := Resume(context.Background(), t.TempDir(), Override{}, cpuFactory(""), nil, nil); err == nil || !strings.Contains(err.Error(), "job.json") {
		t.Errorf("resume of an empty folder: %v", err)
	}
	// A spec file changed after the start is refused: the model hash differs.
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	Start(ctx, Job{Recipe: r, Dir: dir, New: cpuFactory(""), Progress: func(int64, int64, time.Duration) { cancel() }})
	jf, _ := os.ReadFile(filepath.Join(dir, jobName))
	os.WriteFile(filepath.Join(dir, jobName), bytes.Replace(jf, []byte(`seed = 11`), []byte(`seed = 12`), 1), 0o644)
	if _, err := Resume(context.Background(), dir, Override{}, cpuFactory(""), nil, nil); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("resume with a changed spec: %v", err)
	}
	os.WriteFile(filepath.Join(dir, jobName), jf, 0o644)
	// A damaged checkpoint is named as such.
	os.WriteFile(filepath.Join(dir, checkpointName), []byte("PK\x03\x04 broken"), 0o644)
	if _, err := Resume(context.Background(), dir, Override{}, cpuFactory(""), nil, nil); err == nil || !strings.Contains(err.Error(), checkpointName) {
		t.Errorf("resume from a damaged checkpoint: %v", err)
	}
}

// TestKilledBeforeFirstCheckpoint: a folder with job.json but no checkpoint resumes
// from step 0, and stray parts and temporary files are cleared.
func TestKilledBeforeFirstCheckpoint(t *testing.T) {
	r := recipeIn(t, specText)
	whole := reference(t, r)
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	Start(ctx, Job{Recipe: r, Dir: dir, New: cpuFactory(""), Progress: func(int64, int64, time.Duration) { cancel() }})
	os.Remove(filepath.Join(dir, checkpointName))
	os.WriteFile(filepath.Join(dir, partsDir, ".spikes-000002.npz.tmp123"), []byte("half"), 0o644)
	if _, err := Resume(context.Background(), dir, Override{}, cpuFactory(""), nil, nil); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, whole, dir)
}

func TestPreflight(t *testing.T) {
	defer func(m func() (Memory, error)) { memoryAvailable = m }(memoryAvailable)
	defer func(d func(string) (int64, error)) { diskFree = d }(diskFree)
	memoryAvailable = func() (Memory, error) { return Memory{Avail: 8 << 30, Source: "the test's"}, nil }
	diskFree = func(string) (int64, error) { return 2 << 30, nil }
	cases := []struct{ text, says string }{
		// 2*10^9 neurons: about 45 GiB of state and its copy on the CPU.
		{"n = 2000000000\nsteps = 10\nbackend = \"cpu\"\n", "GiB of memory (state and parameters 44.7 GiB"},
		// 2*10^9 steps without checkpoints: 10 traces held in memory, 75 GiB.
		{"n = 10\nsteps = 2000000000\n[record]\ntraces = [0,1,2,3,4,5,6,7,8,9]\n", "of memory (state and parameters"},
		// 10^8 steps of rate: 1.1 GiB in memory, 2.2 GiB on disk (final and parts).
		{"n = 10\nsteps = 100000000\ncheckpoint_every = 100000\n[record]\nrate = true\n", "on disk for"},
	}
	for _, c := range cases {
		_, err := Start(context.Background(), Job{Recipe: recipeIn(t, c.text), Dir: filepath.Join(t.TempDir(), "out"), New: cpuFactory("")})
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: %v, want a refusal with %q", c.text, err, c.says)
		}
	}
	// What fits is not refused.
	if _, err := Start(context.Background(), Job{Recipe: recipeIn(t, "n = 10\nsteps = 100\n[record]\nrate = true\n"), Dir: filepath.Join(t.TempDir(), "out"), New: cpuFactory("")}); err != nil {
		t.Error(err)
	}
}

// TestForceReplaces: -f into a finished run's folder leaves none of the old run's files.
func TestForceReplaces(t *testing.T) {
	r := recipeIn(t, specText)
	dir := reference(t, r)
	small := recipeIn(t, "n = 50\nsteps = 100\n[record]\nrate = true\n")
	var ee *ExistsError
	if _, err := Start(context.Background(), Job{Recipe: small, Dir: dir, New: cpuFactory("")}); !errors.As(err, &ee) || ee.Dir != dir || ee.NotDir {
		t.Fatalf("existing folder without Force: %v", err)
	}
	if _, err := Start(context.Background(), Job{Recipe: small, Dir: dir, Force: true, New: cpuFactory("")}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"spikes.npz", "traces.npz", "state.npz"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s of the earlier run is still there", f)
		}
	}
}

func TestBuiltinTooLarge(t *testing.T) {
	defer func(m func() (Memory, error)) { memoryAvailable = m }(memoryAvailable)
	memoryAvailable = func() (Memory, error) { return Memory{Avail: 1 << 30, Source: "the test's"}, nil }
	n := 200_000_000
	_, _, err := Recipe{Builtin: "check", N: &n}.Spec()
	var re *ResourceError
	if !errors.As(err, &re) || re.Resource != "memory" || !strings.Contains(err.Error(), "n = 200000000") || !strings.Contains(err.Error(), "scalar values") {
		t.Errorf("huge built-in spec: %v", err)
	}
}

// TestBackendFails: a backend that cannot start leaves no output folder behind, nor
// the parents made for it.
func TestBackendFails(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "a", "b", "out")
	refuse := func(backend.Options, lifgpu.Config) (lifgpu.Population, error) { return nil, lifgpu.ErrNoGPU }
	if _, err := Start(context.Background(), Job{Recipe: recipeIn(t, "n = 10\nsteps = 5\n"), Dir: dir, New: refuse}); !errors.Is(err, lifgpu.ErrNoGPU) {
		t.Fatalf("got %v", err)
	}
	if ents, _ := os.ReadDir(top); len(ents) != 0 {
		t.Errorf("a run whose backend failed left %s", ents[0].Name())
	}
}

// TestDeviceCarried: the spec's device reaches the factory, a command-line override
// (the recipe's) wins over it, job.json keeps it for a resume, and a resume's own
// override wins again.
func TestDeviceCarried(t *testing.T) {
	var got []string
	record := func(opts backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
		d := "auto"
		if opts.GPU.Device != nil {
			d = fmt.Sprint(*opts.GPU.Device)
		}
		got = append(got, fmt.Sprintf("%s/%s", opts.Kind, d))
		return cpu.New(cfg, cpu.Options{})
	}
	// backend = "cpu": the devices named here need not exist.
	r := recipeIn(t, "n = 10\nsteps = 400\nbackend = \"cpu\"\ndevice = 3\ncheckpoint_every = 100\n[record]\nrate = true\n")
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Start(context.Background(), Job{Recipe: r, Dir: filepath.Join(t.TempDir(), "plain"), New: record}); err != nil {
		t.Fatal(err)
	}
	seven := 7
	r.Device = &seven
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := Start(ctx, Job{Recipe: r, Dir: dir, New: record, Progress: func(int64, int64, time.Duration) { cancel() }}); !errors.Is(err, ErrInterrupted) {
		t.Fatal(err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	if _, err := Resume(ctx, dir, Override{}, record, nil, func(int64, int64, time.Duration) { cancel() }); !errors.Is(err, ErrInterrupted) {
		t.Fatal(err)
	}
	one := 1
	if _, err := Resume(context.Background(), dir, Override{Device: &one}, record, nil, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"cpu/3", "cpu/7", "cpu/7", "cpu/1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the factory saw %v, want %v", got, want)
	}
	var bad *lifgpu.FieldError
	if _, _, err := (Recipe{Builtin: "default", Device: ptr(-1)}).Spec(); !errors.As(err, &bad) || bad.Field != "device" {
		t.Errorf("device = -1: %v, want a FieldError naming device", err)
	}
}

func ptr[T any](v T) *T { return &v }

// resolved is the model of recipe r.
func resolved(t testing.TB, r Recipe) *model.Model {
	t.Helper()
	_, cfg, err := r.Spec()
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Resolve(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
