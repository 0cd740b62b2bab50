package batch

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/spec"
)

type runner struct {
	job         Job
	spec        *spec.Spec
	model       *model.Model
	hash        [32]byte
	pop         lifgpu.Population
	net         *NetworkInfo // nil without a network
	files       []string     // the manifest: what the run writes in its folder
	parts       []partRecord // parts written (the last checkpoint names all but any written since)
	checkpoint  int64        // step of the last checkpoint on disk
	resumedFrom int64
	shard       *ShardInfo // nil for a whole population
}

// first is the global index of the population's neuron 0: the shard's first neuron.
func (r *runner) first() int {
	if r.shard == nil {
		return 0
	}
	return r.shard.Lo
}

// sliceSteps is how many steps one Run call takes: small enough that progress shows
// and a signal is answered within about a second, large enough that the fused stepping
// is not cut too often.
func (r *runner) sliceSteps() int64 {
	total := int64(r.spec.Steps)
	byWork := max(1, int64(2e9)/int64(r.model.N)) // ~0.5 s on the CPU backend
	return max(1, min(total/200+1, byWork))
}

// run runs the job to its end from the population's step. A write that finds the disk
// full (or the quota spent) ends it with a *DiskFullError: the last checkpoint and the
// parts it names are intact, and a resume goes on once there is room.
func (r *runner) run(ctx context.Context) (*Result, error) {
	res, err := r.runSteps(ctx)
	if err != nil && isDiskFull(err) {
		return nil, &DiskFullError{Dir: r.job.Dir, Checkpoint: r.checkpoint, Total: int64(r.spec.Steps), Err: err}
	}
	return res, err
}

func (r *runner) runSteps(ctx context.Context) (*Result, error) {
	log := r.job.log()
	total := int64(r.spec.Steps)
	every := int64(r.spec.CheckpointEvery)
	step := r.pop.StepCount()
	r.checkpoint = step
	log.Info("start", "neurons", r.model.N, "steps", total, "from_step", step, "dt_ms", r.model.Dt, "method", r.model.Method,
		"backend", r.pop.Backend(), "checkpoint_every", every, "out", r.job.Dir)
	if sh := r.shard; sh != nil {
		log.Info("shard", "shard", sh.Shard.String(), "neurons", fmt.Sprintf("[%d, %d) of %d", sh.Lo, sh.Hi, sh.N))
	}
	for _, n := range r.model.Notes {
		log.Warn("note", "what", n)
	}
	if c := deviceMemoryCheck(r.pop); c != "" {
		log.Info("device memory check", "result", c)
	}
	start := time.Now()
	slice := r.sliceSteps()
	for step < total {
		k := min(slice, total-step)
		if every > 0 {
			k = min(k, (step/every+1)*every-step)
		}
		if err := r.pop.Run(int(k)); err != nil {
			return nil, r.fault(err)
		}
		step = r.pop.StepCount()
		if r.job.Progress != nil {
			r.job.Progress(step, total, time.Since(start))
		}
		if every > 0 && step%every == 0 && step < total {
			if err := r.writeCheckpoint(); err != nil {
				return nil, err
			}
		}
		select {
		case <-ctx.Done():
			return nil, &InterruptedError{Step: step, Total: total, Dir: r.job.Dir, Err: r.writeCheckpoint()}
		default:
		}
	}
	wall := time.Since(start)
	// The last part, without a checkpoint: the state goes to state.npz, and a kill
	// while the final files are assembled leaves the last checkpoint (a resume from it
	// drops this part and makes it again). A run of 10^9 neurons so saves writing 12 GB.
	if err := r.writePart(); err != nil {
		return nil, err
	}
	res, err := r.finish(ctx, wall)
	if err != nil {
		if ctx.Err() != nil {
			// The final files are written whole or not at all, and run.json last: a
			// resume from the last checkpoint makes them again.
			return nil, &InterruptedError{Step: r.checkpoint, Total: total, Dir: r.job.Dir, While: "writing the final files"}
		}
		return nil, err
	}
	log.Info("done", "steps", total, "spikes", res.Spikes, "wall_s", wall.Seconds(), "neuron_updates_per_s", res.UpdatesPerS)
	return res, nil
}

// writePart writes what was recorded since the last part as part r.parts+1 and clears
// the recording. No checkpoint names it yet.
func (r *runner) writePart() error {
	rec, err := r.pop.Recording()
	if err != nil {
		return err
	}
	if err := mkdirParts(r.job.Dir); err != nil {
		return err
	}
	p, err := writePart(r.job.Dir, len(r.parts)+1, rec, r.model, r.pop.StepCount())
	if err != nil {
		return err
	}
	r.parts = append(r.parts, p)
	return r.pop.ClearRecording()
}

// writeCheckpoint flushes what was recorded since the last part as a new part, then
// writes the state as the checkpoint that names it. The state is read first, so that a
// population that cannot give it (a lost or torn GPU state) writes nothing.
func (r *runner) writeCheckpoint() error {
	st, err := r.pop.State()
	if err != nil {
		return err
	}
	if err := r.writePart(); err != nil {
		return err
	}
	if err := writeCheckpoint(filepath.Join(r.job.Dir, checkpointName), checkpoint{state: st, parts: r.parts, hash: r.hash}); err != nil {
		return err
	}
	r.checkpoint = st.Step
	r.job.log().Info("checkpoint", "step", st.Step, "part", len(r.parts))
	return nil
}

// fault ends a run whose backend failed: if the population can still give its state
// (the last step it completed), that becomes a checkpoint; otherwise the last
// checkpoint on disk stands.
func (r *runner) fault(err error) error {
	if cerr := r.writeCheckpoint(); cerr != nil {
		r.job.log().Error("state unreadable after the failure; keeping the last checkpoint", "err", cerr, "checkpoint_step", r.checkpoint)
	}
	return &FaultError{Backend: r.pop.Backend(), Err: err, Checkpoint: r.checkpoint, Dir: r.job.Dir}
}
