//go:build cgo && egl

package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// gpuFactory makes GPU populations with the test hooks h; without a GL context (and
// LIFGPU_REQUIRE_GPU unset) it returns a *skipGPU, which skipIf turns into a skip.
func gpuFactory(t *testing.T, opts gpu.Options, h gpuhook.Hooks) Factory {
	return func(_ backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
		p, err := gpuhook.New(cfg, opts, h)
		if errors.Is(err, lifgpu.ErrNoGPU) && os.Getenv("LIFGPU_REQUIRE_GPU") != "1" {
			return nil, &skipGPU{fmt.Sprintf("no GL context: %v", err)}
		}
		return p, err
	}
}

// TestAcrossBackends checkpoints on one backend and resumes on the other, both ways.
func TestAcrossBackends(t *testing.T) {
	r := recipeIn(t, specText)
	whole := reference(t, r)
	for _, c := range []struct {
		name          string
		first, second Factory
	}{
		{"gpu-then-cpu", gpuFactory(t, gpu.Options{}, gpuhook.Hooks{}), cpuFactory("")},
		{"cpu-then-gpu", cpuFactory(""), gpuFactory(t, gpu.Options{}, gpuhook.Hooks{MaxBlockSize: 16 << 10})},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := Start(ctx, Job{Recipe: r, Dir: dir, New: c.first, Progress: func(done, _ int64, _ time.Duration) {
				if done >= 700 {
					cancel()
				}
			}})
			skipIf(t, err)
			if !errors.Is(err, ErrInterrupted) {
				t.Fatal(err)
			}
			_, err = Resume(context.Background(), dir, Override{}, c.second, nil, nil)
			skipIf(t, err)
			if err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, dir)
		})
	}
}

// TestGPUFault injects a GPU failure mid-run: with the state still readable the run
// checkpoints the last good step; with the context lost, or the state torn (an in-place
// dispatch without a spike list, a spike-list overflow redone in halves), the last
// periodic checkpoint stands. A GPU reset that the robust context reports loses the
// context, and the injected one fills the device state with NaNs, as a real one may:
// the last periodic checkpoint must stand, not one of that garbage (which a resume
// would carry into the files). GL_OUT_OF_MEMORY seen after a dispatch tears the state.
// Either way the message says how to resume, and a resume on the CPU gives the files of
// a run never interrupted.
func TestGPUFault(t *testing.T) {
	noSpikes := strings.Replace(specText, "spikes = true", "spikes = false", 1)
	for _, c := range []struct {
		name     string
		text     string
		hooks    gpuhook.Hooks
		periodic bool   // the checkpoint must be a periodic one
		want     string // in the error
	}{
		{"readable", specText, gpuhook.Hooks{FaultAfter: 60}, false, "injected fault"},
		{"lost", specText, gpuhook.Hooks{FaultAfter: 60, FaultLost: true}, true, "injected fault"},
		{"inplace", noSpikes, gpuhook.Hooks{FaultAfter: 60}, true, "injected fault"},
		{"overflow", specText, gpuhook.Hooks{FaultAfter: 300, SpikeBuffer: 8, MaxBlockSize: 8 << 10}, false, "injected fault"},
		{"reset", specText, gpuhook.Hooks{ResetAfter: 60}, true, "GL_UNKNOWN_CONTEXT_RESET"},
		{"out-of-memory", specText, gpuhook.Hooks{OutOfMemoryAfter: 60}, true, "GL_OUT_OF_MEMORY"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := recipeIn(t, c.text)
			whole := reference(t, r)
			dir := filepath.Join(t.TempDir(), "out")
			_, err := Start(context.Background(), Job{Recipe: r, Dir: dir, New: gpuFactory(t, gpu.Options{StepsPerDispatch: 9}, c.hooks)})
			skipIf(t, err)
			var fe *FaultError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("faulty run: %v, want a FaultError naming %s", err, c.want)
			}
			var re *gpu.ResetError
			if errors.As(err, &re) != (c.hooks.ResetAfter > 0) {
				t.Errorf("a *gpu.ResetError in %v: %v", err, !(c.hooks.ResetAfter > 0))
			}
			if errors.Is(err, lifgpu.ErrOutOfDeviceMemory) != (c.hooks.OutOfMemoryAfter > 0) {
				t.Errorf("ErrOutOfDeviceMemory in %v: %v", err, !(c.hooks.OutOfMemoryAfter > 0))
			}
			ck, err := readCheckpoint(filepath.Join(dir, checkpointName), resolved(t, r), lifgpu.MaxSteps, 0)
			if err != nil {
				t.Fatal(err)
			}
			if fe.Checkpoint != ck.state.Step {
				t.Errorf("the error names the checkpoint at step %d, the file holds step %d", fe.Checkpoint, ck.state.Step)
			}
			if c.periodic && (ck.state.Step%250 != 0 || ck.state.Step == 0) {
				t.Errorf("checkpoint at step %d, want the last periodic one", ck.state.Step)
			}
			if !c.periodic {
				t.Logf("checkpoint at step %d", ck.state.Step)
			}
			if _, err := Resume(context.Background(), dir, Override{Backend: "cpu"}, cpuFactory(""), nil, nil); err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, dir)
		})
	}
}

// gpuNetworkFactory is gpuFactory for a network: a GPU population of a network must
// carry the synaptic state (a backend that ignored the synapses fails the test). The
// factory runs on a goroutine of its own (see Factory): it returns errors, and the test
// fails on them.
func gpuNetworkFactory(t *testing.T, opts gpu.Options, h gpuhook.Hooks) Factory {
	plain := gpuFactory(t, opts, h)
	return func(o backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
		p, err := plain(o, cfg)
		if err != nil {
			return nil, err
		}
		if st, err := p.State(); err == nil && st.IEx == nil && cfg.HasNetwork() {
			p.Close()
			return nil, errors.New("a GPU network's state has no synaptic currents or rings")
		}
		return p, nil
	}
}

// TestNetworkAcrossBackends checkpoints a network on one backend and resumes it on the
// other, both ways: the currents and the delay rings in the checkpoint carry the input
// in flight across, bit for bit.
func TestNetworkAcrossBackends(t *testing.T) {
	r := netRecipe(t)
	whole := reference(t, r)
	for _, c := range []struct {
		name     string
		gpuFirst bool
	}{{"gpu-then-cpu", true}, {"cpu-then-gpu", false}} {
		t.Run(c.name, func(t *testing.T) {
			first, second := gpuNetworkFactory(t, gpu.Options{}, gpuhook.Hooks{}), cpuFactory("")
			if !c.gpuFirst {
				first, second = cpuFactory(""), gpuNetworkFactory(t, gpu.Options{}, gpuhook.Hooks{MaxBlockSize: 16 << 10})
			}
			dir := filepath.Join(t.TempDir(), "out")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := Start(ctx, Job{Recipe: r, Dir: dir, New: first, Progress: func(done, _ int64, _ time.Duration) {
				if done >= 500 {
					cancel()
				}
			}})
			skipIf(t, err)
			if !errors.Is(err, ErrInterrupted) {
				t.Fatal(err)
			}
			_, err = Resume(context.Background(), dir, Override{}, second, nil, nil)
			skipIf(t, err)
			if err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, dir)
		})
	}
}

// TestShardsAcrossBackends: shards run on the GPU and on the CPU, merged, give the files
// of the whole run on the CPU byte for byte.
func TestShardsAcrossBackends(t *testing.T) {
	r := recipeIn(t, shardSpec)
	whole := reference(t, r)
	base := t.TempDir()
	dirs := runShards(t, r, 3, base, gpuFactory(t, gpu.Options{}, gpuhook.Hooks{}), cpuFactory(""))
	out := filepath.Join(base, "merged")
	if _, err := Merge(context.Background(), MergeJob{Dir: out, Shards: dirs}); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, whole, out)
}

// TestRunDevices runs a spec as one shard per device, here device 0 named twice (two
// contexts on one device; this machine has one), and then once: the merged files are
// the whole run's on the CPU, byte for byte, and the shards' folders are gone.
func TestRunDevices(t *testing.T) {
	r := recipeIn(t, shardSpec)
	whole := reference(t, r)
	var mu sync.Mutex
	seen := map[int]int{}
	f := func(opts backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
		if opts.Kind != backend.GPU || opts.GPU.Device == nil {
			return nil, fmt.Errorf("a device's shard was made with %+v, want the GPU backend and a device", opts)
		}
		mu.Lock()
		seen[*opts.GPU.Device]++
		mu.Unlock()
		return gpuFactory(t, opts.GPU, gpuhook.Hooks{})(opts, cfg)
	}
	for _, devs := range [][]int{{0, 0}, {0}} {
		t.Run(fmt.Sprint(devs), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var last int64
			res, err := RunDevices(context.Background(), Job{Recipe: r, Dir: out, New: f, Progress: func(done, total int64, _ time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				if done < last || done > total {
					t.Errorf("progress %d of %d after %d", done, total, last)
				}
				last = done
			}}, devs)
			skipIf(t, err)
			if err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, out)
			if _, err := os.Stat(filepath.Join(out, "shards")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the shards' folder is left: %v", err)
			}
			if res.N != 3000 {
				t.Errorf("result of %d neurons, want 3000", res.N)
			}
		})
	}
	if seen[0] != 3 {
		t.Errorf("device 0 made %d populations, want 3", seen[0])
	}
}
