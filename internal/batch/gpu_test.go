//go:build cgo && egl

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
	"github.com/lifgpu/lifgpu/gpu"
)

func gpuFactory(t *testing.T, opts gpu.Options) Factory {
	return func(backend string, cfg lifgpu.Config) (lifgpu.Population, error) {
		p, err := gpu.New(cfg, opts)
		if errors.Is(err, lifgpu.ErrNoGPU) && os.Getenv("LIFGPU_REQUIRE_GPU") != "1" {
			t.Skipf("no GL context: %v", err)
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
		{"gpu-then-cpu", gpuFactory(t, gpu.Options{}), cpuFactory("")},
		{"cpu-then-gpu", cpuFactory(""), gpuFactory(t, gpu.Options{MaxBlockSize: 16 << 10})},
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
			if !errors.Is(err, ErrInterrupted) {
				t.Fatal(err)
			}
			if _, err := Resume(context.Background(), dir, "", c.second, nil, nil); err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, dir)
		})
	}
}

// TestGPUFault injects a GPU failure mid-run: with the state still readable the run
// checkpoints the last good step, with the context lost it keeps the last periodic
// checkpoint; either way the message says how to resume, and a resume on the CPU
// gives the files of a run never interrupted.
func TestGPUFault(t *testing.T) {
	r := recipeIn(t, specText)
	whole := reference(t, r)
	for _, lost := range []bool{false, true} {
		t.Run(fmt.Sprint("lost=", lost), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			_, err := Start(context.Background(), Job{Recipe: r, Dir: dir,
				New: gpuFactory(t, gpu.Options{FaultAfter: 60, FaultLost: lost, StepsPerDispatch: 9})})
			if err == nil || !strings.Contains(err.Error(), "injected fault") || !strings.Contains(err.Error(), "-backend cpu") {
				t.Fatalf("faulty run: %v", err)
			}
			ck, err := readCheckpoint(filepath.Join(dir, checkpointName), 3000)
			if err != nil {
				t.Fatal(err)
			}
			if periodic := ck.state.Step%250 == 0; periodic != lost {
				t.Errorf("lost=%v: checkpoint at step %d", lost, ck.state.Step)
			}
			if _, err := Resume(context.Background(), dir, "cpu", cpuFactory(""), nil, nil); err != nil {
				t.Fatal(err)
			}
			sameFiles(t, whole, dir)
		})
	}
}
