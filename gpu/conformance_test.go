//go:build cgo && egl

package gpu

import (
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// factory makes GPU populations with the hooks h for the shared suite, skipping
// without a context.
func factory(t *testing.T, opts Options, h gpuhook.Hooks) conformance.Factory {
	return func(cfg lifgpu.Config) (lifgpu.Population, error) {
		p, err := newPopulation(cfg, opts, h)
		noGPU(t, err)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
}

func TestConformance(t *testing.T) {
	conformance.Run(t, factory(t, Options{}, gpuhook.Hooks{}), conformance.Scale{MaxN: 20_000, MaxSteps: 400, Cases: 24})
}

// TestConformanceSplit runs the suite with storage blocks limited to 4 KiB, so that
// populations are cut into chunks of 256 neurons (the split path), and a tiny spike
// list, so that dispatches overflow it and are redone.
func TestConformanceSplit(t *testing.T) {
	conformance.Random(t, factory(t, Options{}, gpuhook.Hooks{MaxBlockSize: 4 << 10, SpikeBuffer: 16}), conformance.Scale{MaxN: 5000, MaxSteps: 300, Cases: 12})
}

// TestResume restores the reference's state into GPU populations (split into chunks
// too) and checks that they go on with the same bits.
func TestResume(t *testing.T) {
	conformance.Resume(t, factory(t, Options{}, gpuhook.Hooks{}), conformance.Scale{MaxN: 5000, MaxSteps: 300, Cases: 12})
	conformance.Resume(t, factory(t, Options{StepsPerDispatch: 7}, gpuhook.Hooks{MaxBlockSize: 8 << 10}), conformance.Scale{MaxN: 3000, MaxSteps: 200, Cases: 8})
}
