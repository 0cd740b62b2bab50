// Package batch runs a spec to completion in an output folder, the way a long job on
// a shared server needs: checkpoints, recordings flushed in parts, resume, clean
// interruption, refusal of runs that would not fit, and complete files at every moment.
//
// # The output folder
//
//	job.json                    how to remake the spec (written first; -resume reads it)
//	checkpoint.npz              u, ref, counts, step, parts, model hash (at each checkpoint)
//	parts/spikes-000001.npz     the recordings between two checkpoints: t, i
//	parts/rate-000001.npz       t, count
//	parts/traces-000001.npz     t, v, neuron_ids
//	spikes.npz rate.npz traces.npz state.npz run.json [*.png]   when the run completes
//
// Every file is written under a temporary name and renamed, and a checkpoint is written
// only after its parts, so a run killed at any moment leaves readable files, and a
// resume from the last checkpoint gives the same bits as a run never interrupted. When
// the run completes, the parts are joined into the final files, and the checkpoint and
// parts are removed.
package batch
