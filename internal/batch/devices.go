package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lifgpu/lifgpu/gpu"
)

// ParseDevices reads a list of GPU devices: "all" (see allDevices) or indices "0,1,3"
// (a device may be named twice: two contexts on one device).
func ParseDevices(s string) ([]int, error) {
	if strings.TrimSpace(s) == "all" {
		devs, err := gpu.Devices()
		if err != nil {
			return nil, fmt.Errorf("-devices all: no EGL device list: %w", err)
		}
		cuda, set := os.LookupEnv("CUDA_VISIBLE_DEVICES")
		return allDevices(devs, cuda, set)
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 0 {
			return nil, fmt.Errorf("-devices %q: want all, or EGL device indices such as 0,1 ('lifgpu info' lists them)", s)
		}
		out = append(out, k)
	}
	return out, nil
}

// ShardDir is the folder of shard k in a run over several devices into dir.
func ShardDir(dir string, k int) string {
	return filepath.Join(dir, "shards", fmt.Sprintf("shard-%d", k))
}

// RunDevices runs job j as one shard per device of devs, all at once in this process
// (each population with its own GL context and the thread that owns it), into
// ShardDir(j.Dir, k), then merges them into j.Dir (the same bytes as a run on one
// device) and removes the shards' folders. A run stopped part way leaves the shards'
// folders: each resumes on its own (Resume), and Merge joins them.
func RunDevices(ctx context.Context, j Job, devs []int) (*Result, error) {
	if len(devs) == 0 {
		return nil, errors.New("no devices given")
	}
	if j.Recipe.Shard != nil {
		return nil, fmt.Errorf("-devices makes its own shards (one a device): not with -shard %s", j.Recipe.Shard)
	}
	if _, err := os.Stat(j.Dir); err == nil && !j.Force {
		return nil, &ExistsError{Dir: j.Dir}
	}
	start := time.Now()
	m := len(devs)
	// The first shard that fails (other than by an interruption) stops the others: the
	// run cannot complete, so they would run on for nothing.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		done  = make([]int64, m)
		total int64
		wg    sync.WaitGroup
		errs  = make([]error, m)
		dirs  = make([]string, m)
	)
	for k, dev := range devs {
		jk := j
		jk.Recipe.Shard = &Shard{K: k, M: m}
		jk.Recipe.Backend = "gpu"
		jk.Recipe.Device = &dev
		jk.Backend = ""
		jk.Dir = ShardDir(j.Dir, k)
		jk.Plot = false
		dirs[k] = jk.Dir
		if j.Progress != nil {
			jk.Progress = func(d, t int64, _ time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				done[k], total = d, t*int64(m)
				var sum int64
				for _, x := range done {
					sum += x
				}
				j.Progress(sum, total, time.Since(start))
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[k] = Start(sctx, jk)
			if errs[k] != nil && !errors.Is(errs[k], ErrInterrupted) {
				cancel()
			}
		}()
	}
	wg.Wait()
	resume := fmt.Sprintf("each shard resumes on its own (lifgpu run -resume %s, for K = 0..%d), then lifgpu merge -f -o %s %s",
		filepath.Join(j.Dir, "shards", "shard-K"), m-1, j.Dir, filepath.Join(j.Dir, "shards", "shard-*"))
	// A shard's own failure first: the others' interruptions are its consequence.
	for k, err := range errs {
		if err != nil && !errors.Is(err, ErrInterrupted) {
			return nil, fmt.Errorf("shard %d/%d on device %d: %w (the other shards were stopped: once the cause is fixed, %s)", k, m, devs[k], err, resume)
		}
	}
	for k, err := range errs {
		if err != nil {
			// ErrInterrupted, not the shard's *InterruptedError: the remedy is for every shard.
			return nil, fmt.Errorf("shard %d/%d on device %d: %v; %s: %w", k, m, devs[k], err, resume, ErrInterrupted)
		}
	}
	res, err := Merge(ctx, MergeJob{Dir: j.Dir, Force: true, Shards: dirs, Plot: j.Plot, Logger: j.Logger})
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		removeRun(d)
	}
	os.Remove(filepath.Join(j.Dir, "shards")) // only if empty: a user's files there stay
	res.Wall = time.Since(start)
	if res.Wall > 0 {
		res.UpdatesPerS = float64(res.N) * float64(res.Steps) / res.Wall.Seconds()
	}
	return res, nil
}

// removeRun removes a finished run's folder: the files its job.json lists, then the
// folder if that left it empty.
func removeRun(dir string) {
	jf, err := readJob(dir)
	if err != nil {
		return
	}
	removeOwned(dir, jf.Files, func(string) bool { return true })
	os.Remove(filepath.Join(dir, lockName))
	os.Remove(dir)
}

// ReplicaDir is the folder of replica i of a run into dir.
func ReplicaDir(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("replica-%03d", i)) }

// RunReplicas runs r independent copies of job j, one after the other, with the seeds
// seed, seed+1, ... (seed: the spec's, or the recipe's override), into
// ReplicaDir(j.Dir, i). It returns their results; it stops at the first error.
func RunReplicas(ctx context.Context, j Job, r int) ([]*Result, error) {
	if r < 1 {
		return nil, fmt.Errorf("-replicas %d: want at least 1", r)
	}
	s, _, err := j.Recipe.Spec()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		return nil, err
	}
	var out []*Result
	for i := range r {
		ji := j
		seed := s.Seed + uint64(i)
		ji.Recipe.Seed = &seed
		ji.Dir = ReplicaDir(j.Dir, i)
		res, err := Start(ctx, ji)
		if err != nil {
			return out, fmt.Errorf("replica %d (seed %d): %w", i, seed, err)
		}
		out = append(out, res)
	}
	return out, nil
}

// allDevices picks, of EGL's device list devs, those "-devices all" runs on: every
// device where a context can be made, the hardware ones only when there are any (a
// host's software renderer is not one of its GPUs), and, when CUDA_VISIBLE_DEVICES is
// set (set), only the NVIDIA devices it lets this process use (the GPUs a scheduler
// gave this job), read as the automatic choice reads it (gpu.Visible).
func allDevices(devs []gpu.Device, cuda string, set bool) ([]int, error) {
	egl := make([]gpu.EGLDevice, len(devs))
	for k, d := range devs {
		egl[k] = d.EGL
	}
	visible := gpu.Visible(egl, cuda, set)
	var hard, soft []int
	var why []string
	for k, d := range devs {
		switch {
		case d.Err != nil:
			why = append(why, fmt.Sprintf("device %d: %v", k, d.Err))
		case !visible[k]:
			why = append(why, fmt.Sprintf("device %d (CUDA device %d) is hidden by CUDA_VISIBLE_DEVICES=%q", k, d.EGL.CUDA, cuda))
		case d.Software || d.EGL.Software:
			soft = append(soft, k)
		default:
			hard = append(hard, k)
		}
	}
	if len(hard) > 0 {
		return hard, nil
	}
	if len(soft) > 0 {
		return soft, nil
	}
	return nil, fmt.Errorf("-devices all: none of the %d EGL devices can run a shard (%s); 'lifgpu info' lists them", len(devs), strings.Join(why, "; "))
}
