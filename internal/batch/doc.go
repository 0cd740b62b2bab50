// Package batch runs a spec to completion in an output folder, the way a long job on
// a shared server needs: checkpoints, recordings flushed in parts, resume, clean
// interruption, refusal of runs that would not fit, and complete files at every moment.
//
// # The output folder
//
//	job.json                    how to remake the spec (written first; -resume reads it)
//	checkpoint.npz              u, ref, counts, step, parts, model hash (at each checkpoint);
//	                            a network's i_ex, i_in, ring_ex and ring_in (D, n) too
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
//
// # Networks
//
// A network's checkpoint holds its synaptic state, as lifgpu.State lays it out: the
// currents i_ex and i_in (float32, n) and the delay rings ring_ex and ring_in (int32,
// shape (D, n), in w_q units of 2^-q nA; row s mod D is the input arriving at step s),
// so that a resume on either backend gives the same bits. state.npz adds i_ex and i_in,
// run.json a "network" object (NetworkInfo: the resolution, D, the shortest delay, the
// synapse counts). Before the network is built, which for 10^9 synapses takes long,
// Preflight foresees it from the Config (model.Expect): 10 bytes a stored synapse and 8
// a neuron for the rows, 40 bytes a neuron while building, and 8 + 8D bytes a neuron of
// synaptic state, held by the CPU population and copied for every checkpoint.
package batch
