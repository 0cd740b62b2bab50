package batch

import (
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
	"github.com/lifgpu/lifgpu/gpu"
)

// shardSpec is specText with the traced neurons out of order, so that the merge must
// put the shards' columns back in the spec's.
var shardSpec = strings.Replace(specText, "traces = [0, 1500, 2999]", "traces = [2999, 0, 2250, 1500, 1]", 1)

// runShards runs the m shards of r into folders under base, shard k on fs[k % len(fs)],
// and returns the folders.
func runShards(t *testing.T, r Recipe, m int, base string, fs ...Factory) []string {
	t.Helper()
	var dirs []string
	for k := range m {
		rk := r
		rk.Shard = &Shard{K: k, M: m}
		dir := filepath.Join(base, fmt.Sprintf("shard-%d", k))
		res, err := Start(context.Background(), Job{Recipe: rk, Dir: dir, New: fs[k%len(fs)]})
		skipIf(t, err)
		if err != nil {
			t.Fatal(err)
		}
		if lo, hi := rk.Shard.Range(3000); res.Shard == nil || res.Shard.Lo != lo || res.Shard.Hi != hi || res.N != hi-lo {
			t.Fatalf("shard %d/%d: result %+v, want neurons [%d, %d)", k, m, res.Shard, lo, hi)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

// TestShardMerge: the shards of a spec, merged, give the files of the whole run byte
// for byte, whatever the number of shards, the kernels, the order the folders are
// given in, and a shard interrupted and resumed.
func TestShardMerge(t *testing.T) {
	r := recipeIn(t, shardSpec)
	whole := reference(t, r)
	for _, m := range []int{1, 2, 4, 7} {
		t.Run(fmt.Sprint(m), func(t *testing.T) {
			if m == 4 { // chunks of 5 elements: every boundary of the k-way merge is crossed
				defer func(c int) { mergeChunk = c }(mergeChunk)
				mergeChunk = 5
			}
			base := t.TempDir()
			dirs := runShards(t, r, m, base, cpuFactory(""), cpuFactory("reference"), cpuFactory("go"))
			// Reverse order: Merge sorts them by their neurons.
			for i, j := 0, len(dirs)-1; i < j; i, j = i+1, j-1 {
				dirs[i], dirs[j] = dirs[j], dirs[i]
			}
			out := filepath.Join(base, "merged")
			res, err := Merge(context.Background(), MergeJob{Dir: out, Shards: dirs})
			if err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, out)
			if res.N != 3000 || res.Steps != 1200 {
				t.Errorf("result %d neurons %d steps, want 3000 and 1200", res.N, res.Steps)
			}
			b, err := os.ReadFile(filepath.Join(out, "run.json"))
			if err != nil || !strings.Contains(string(b), `"merged_from"`) {
				t.Errorf("run.json: %v, no merged_from", err)
			}
		})
	}
	t.Run("interrupted", func(t *testing.T) {
		base := t.TempDir()
		dirs := runShards(t, r, 3, base, cpuFactory(""))
		rk := r
		rk.Shard = &Shard{K: 1, M: 3}
		dirs[1] = filepath.Join(base, "again")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := Start(ctx, Job{Recipe: rk, Dir: dirs[1], New: cpuFactory(""), Progress: func(done, _ int64, _ time.Duration) {
			if done >= 600 {
				cancel()
			}
		}})
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("err = %v, want an interruption", err)
		}
		if _, err := Merge(context.Background(), MergeJob{Dir: filepath.Join(base, "early"), Shards: dirs}); err == nil || !strings.Contains(err.Error(), "has not finished") {
			t.Fatalf("merge of an unfinished shard: err = %v", err)
		}
		if _, err := Resume(context.Background(), dirs[1], Override{}, cpuFactory("reference"), nil, nil); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(base, "merged")
		if _, err := Merge(context.Background(), MergeJob{Dir: out, Shards: dirs}); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, whole, out)
	})
}

// TestShardErrors: what a shard or a merge refuses, each with the values and the
// remedy.
func TestShardErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"5/4", "k = 5 is not one of the 4 shards 0..3"},
		{"4/4", "k = 4 is not one of the 4 shards"},
		{"-1/4", "k = -1"},
		{"1/0", "want at least 1 shard"},
		{"1", "want k/m"},
		{"a/b", "want k/m"},
	} {
		if _, err := ParseShard(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseShard(%q) = %v, want %q", c.in, err, c.want)
		}
	}
	if s, err := ParseShard("2/4"); err != nil || s != (Shard{2, 4}) {
		t.Errorf("ParseShard(2/4) = %v, %v", s, err)
	}
	for n := 1; n < 40; n++ {
		for m := 1; m <= n; m++ {
			next := 0
			for k := range m {
				lo, hi := Shard{k, m}.Range(n)
				if lo != next || hi <= lo {
					t.Fatalf("Range(%d) of %d/%d = [%d, %d)", n, k, m, lo, hi)
				}
				next = hi
			}
			if next != n {
				t.Fatalf("%d shards of %d end at %d", m, n, next)
			}
		}
	}

	small := recipeIn(t, "n = 4\nsteps = 10\n[record]\nspikes = true\n")
	small.Shard = &Shard{K: 0, M: 5}
	if _, err := Start(context.Background(), Job{Recipe: small, Dir: filepath.Join(t.TempDir(), "o"), New: cpuFactory("")}); err == nil || !strings.Contains(err.Error(), "use at most 4 shards") {
		t.Errorf("5 shards of 4 neurons: %v", err)
	}
	net := recipeIn(t, "n = 10\nsteps = 10\n[[projection]]\npre = [0, 10]\npost = [0, 10]\np = 0.5\nweight = 0.1\ndelay = 0.1\n")
	net.Shard = &Shard{K: 0, M: 2}
	if _, err := Start(context.Background(), Job{Recipe: net, Dir: filepath.Join(t.TempDir(), "o"), New: cpuFactory("")}); !errors.Is(err, lifgpu.ErrNetworkShard) {
		t.Errorf("a network's shard: %v, want ErrNetworkShard", err)
	}

	r := recipeIn(t, "n = 100\nsteps = 50\nseed = 3\n[input]\nnoise = { std = 2.0 }\n[record]\nspikes = true\nrate = true\n")
	base := t.TempDir()
	dirs := runShards2(t, r, 3, base)
	other := r
	other.Seed = new(uint64)
	*other.Seed = 4
	otherDirs := runShards2(t, other, 3, filepath.Join(base, "other"))
	whole := filepath.Join(base, "whole")
	if _, err := Start(context.Background(), Job{Recipe: r, Dir: whole, New: cpuFactory("")}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		shards []string
		want   string
	}{
		{"none", nil, "no shard folders given"},
		{"missing", []string{dirs[0], dirs[2]}, "neurons [33, 66) of 100 are in none of the 2 folders given: a shard is missing (of 3 shards: give the folders of all, missing: 1/3)"},
		{"missing-last", dirs[:2], "neurons [66, 100) of 100 are in none"},
		{"twice", []string{dirs[0], dirs[1], dirs[1], dirs[2]}, "overlap: each neuron must be in one shard"},
		{"other-spec", []string{dirs[0], otherDirs[1], dirs[2]}, "are shards of different specs"},
		{"whole", []string{whole}, "holds a whole run, not a shard"},
		{"not-a-run", []string{base}, "it is not the folder of a lifgpu run -shard k/m"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "merged")
			_, err := Merge(context.Background(), MergeJob{Dir: out, Shards: c.shards})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a refused merge left its output folder")
			}
		})
	}
	// A shard's file damaged on disk is found (a header that does not parse, or its
	// CRC-32), and no merged run.json is written.
	damaged := filepath.Join(base, "damaged")
	if err := os.MkdirAll(damaged, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"job.json", "run.json", "spikes.npz", "rate.npz"} {
		b, err := os.ReadFile(filepath.Join(dirs[1], f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "spikes.npz" {
			b[len(b)/2] ^= 4
		}
		if err := os.WriteFile(filepath.Join(damaged, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(base, "bad")
	if _, err := Merge(context.Background(), MergeJob{Dir: bad, Shards: []string{dirs[0], damaged, dirs[2]}}); err == nil || !strings.Contains(err.Error(), filepath.Join(damaged, "spikes.npz")) {
		t.Errorf("a damaged shard: err = %v, want an error naming its spikes.npz", err)
	}
	if _, err := os.Stat(filepath.Join(bad, "run.json")); err == nil {
		t.Error("a merge of a damaged shard wrote run.json")
	}
	// An existing folder is refused without Force, as a run's is.
	out := filepath.Join(base, "merged")
	if _, err := Merge(context.Background(), MergeJob{Dir: out, Shards: dirs}); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(context.Background(), MergeJob{Dir: out, Shards: dirs}); !errors.As(err, new(*ExistsError)) {
		t.Errorf("merge into an existing folder: %v", err)
	}
	if _, err := Merge(context.Background(), MergeJob{Dir: out, Shards: dirs, Force: true}); err != nil {
		t.Errorf("merge -f: %v", err)
	}
	sameFiles(t, whole, out)
}

func runShards2(t *testing.T, r Recipe, m int, base string) []string {
	t.Helper()
	var dirs []string
	for k := range m {
		rk := r
		rk.Shard = &Shard{K: k, M: m}
		dir := filepath.Join(base, fmt.Sprintf("shard-%d", k))
		if _, err := Start(context.Background(), Job{Recipe: rk, Dir: dir, New: cpuFactory("")}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

// TestRunReplicas: r copies with the seeds seed, seed+1, ..., one folder each, the
// same files as runs of those seeds.
func TestRunReplicas(t *testing.T) {
	r := recipeIn(t, "n = 50\nsteps = 400\nseed = 9\n[input]\nbias = 0.5\nnoise = { std = 1.0 }\n[record]\nspikes = true\n")
	out := filepath.Join(t.TempDir(), "out")
	res, err := RunReplicas(context.Background(), Job{Recipe: r, Dir: out, New: cpuFactory("")}, 3)
	if err != nil || len(res) != 3 {
		t.Fatal(res, err)
	}
	for i := range 3 {
		seed := uint64(9 + i)
		ri := r
		ri.Seed = &seed
		dir := filepath.Join(t.TempDir(), "single")
		if _, err := Start(context.Background(), Job{Recipe: ri, Dir: dir, New: cpuFactory("")}); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, dir, ReplicaDir(out, i))
	}
	a, _ := os.ReadFile(filepath.Join(ReplicaDir(out, 0), "spikes.npz"))
	b, _ := os.ReadFile(filepath.Join(ReplicaDir(out, 1), "spikes.npz"))
	if string(a) == string(b) {
		t.Error("replicas 0 and 1 have the same spikes: the seeds did not differ")
	}
	if _, err := RunReplicas(context.Background(), Job{Recipe: r, Dir: out, New: cpuFactory("")}, 0); err == nil {
		t.Error("0 replicas: no error")
	}
}

// TestMergePlot: a merge with Plot draws the figures of the whole run, byte for byte.
func TestMergePlot(t *testing.T) {
	r := recipeIn(t, shardSpec)
	base := t.TempDir()
	whole := filepath.Join(base, "whole")
	if _, err := Start(context.Background(), Job{Recipe: r, Dir: whole, New: cpuFactory(""), Plot: true}); err != nil {
		t.Fatal(err)
	}
	dirs := runShards(t, r, 3, base, cpuFactory(""))
	out := filepath.Join(base, "merged")
	res, err := Merge(context.Background(), MergeJob{Dir: out, Shards: dirs, Plot: true})
	if err != nil {
		t.Fatal(err)
	}
	sameFiles(t, whole, out)
	for _, f := range []string{"raster.png", "traces.png", "rate.png"} {
		a, err1 := os.ReadFile(filepath.Join(whole, f))
		b, err2 := os.ReadFile(filepath.Join(out, f))
		if err1 != nil || err2 != nil || string(a) != string(b) {
			t.Errorf("%s of the merge differs from the whole run's (%v, %v)", f, err1, err2)
		}
	}
	if len(res.Files) != 8 {
		t.Errorf("files %v, want the 4 arrays, 3 figures and run.json", res.Files)
	}
}

func TestAllDevices(t *testing.T) {
	hw := func(cuda int) gpu.Device { return gpu.Device{EGL: gpu.EGLDevice{CUDA: cuda}} }
	uu := func(cuda int, uuid string) gpu.Device { return gpu.Device{EGL: gpu.EGLDevice{CUDA: cuda, UUID: uuid}} }
	sw := gpu.Device{Software: true, EGL: gpu.EGLDevice{CUDA: -1, Software: true}}
	bad := gpu.Device{Err: errors.New("no context"), EGL: gpu.EGLDevice{CUDA: -1}}
	for _, c := range []struct {
		devs []gpu.Device
		cuda string
		set  bool
		want []int
	}{
		{[]gpu.Device{hw(0), hw(1), sw}, "", false, []int{0, 1}},
		{[]gpu.Device{sw, hw(0), bad, hw(1)}, "", false, []int{1, 3}},
		// A driver that numbers every GPU of the machine (more than the list).
		{[]gpu.Device{hw(0), hw(1), hw(2), hw(3), sw}, "1,3", true, []int{1, 3}},
		// One that numbers the visible ones from 0, as CUDA does in the process.
		{[]gpu.Device{hw(0), hw(1)}, "2,3", true, []int{0, 1}},
		{[]gpu.Device{hw(0)}, "GPU-4f2a", true, []int{0}},
		{[]gpu.Device{uu(0, "aaaa-01"), uu(1, "bbbb-02")}, "GPU-BBBB02", true, []int{1}},
		{[]gpu.Device{sw}, "", false, []int{0}},
		{[]gpu.Device{sw, sw}, "", false, []int{0, 1}},
	} {
		got, err := allDevices(c.devs, c.cuda, c.set)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("allDevices(%d devices, %q) = %v, %v; want %v", len(c.devs), c.cuda, got, err, c.want)
		}
	}
	if _, err := allDevices([]gpu.Device{bad}, "", false); err == nil || !strings.Contains(err.Error(), "no context") {
		t.Errorf("no usable device: %v", err)
	}
	// Set but empty (or -1) hides every CUDA device, as it does for CUDA.
	for _, cuda := range []string{"", "-1"} {
		if got, err := allDevices([]gpu.Device{hw(0), hw(1)}, cuda, true); err == nil || !strings.Contains(err.Error(), "hidden by CUDA_VISIBLE_DEVICES") {
			t.Errorf("CUDA_VISIBLE_DEVICES=%q: %v, %v", cuda, got, err)
		}
	}
}

// TestRunDevicesStopsOnFailure: a shard that fails to start stops the others at once
// (here a long run on device 0, while device 1 has no context), and the error names the
// failed shard and how to go on. The time limit only catches a run that was not
// stopped (it would take minutes).
func TestRunDevicesStopsOnFailure(t *testing.T) {
	r := recipeIn(t, "n = 20000\nsteps = 20000000\n[input]\nnoise = { std = 0.5 }\n")
	cpu := cpuFactory("")
	f := func(opts backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
		if opts.GPU.Device != nil && *opts.GPU.Device == 1 {
			return nil, errors.New("no context on this device")
		}
		return cpu(opts, cfg)
	}
	done := make(chan error, 1)
	go func() {
		_, err := RunDevices(context.Background(), Job{Recipe: r, Dir: filepath.Join(t.TempDir(), "out"), New: f}, []int{0, 1})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "shard 1/2 on device 1") || !strings.Contains(err.Error(), "no context on this device") ||
			!strings.Contains(err.Error(), "merge -f -o") || errors.Is(err, ErrInterrupted) {
			t.Errorf("error %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("shard 0 ran on after shard 1 failed")
	}
}
