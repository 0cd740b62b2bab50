// Package batch runs a spec to completion in an output folder, the way a long job on
// a shared server needs: checkpoints, recordings flushed in parts, resume, clean
// interruption, refusal of runs that would not fit, and complete files at every moment.
//
// # The output folder
//
//	.lifgpu.lock                locked (flock) while a run uses the folder
//	job.json                    how to remake the spec (written first; -resume reads it),
//	                            and the list of the files the run writes
//	checkpoint.npz              u, ref, counts, step, model hash, and the parts before it:
//	                            their number, end steps and files' SHA-256 (at each
//	                            checkpoint); a network's i_ex, i_in, ring_ex and ring_in (D, n)
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
// # Damage is found, not read
//
// Every .npz entry's CRC-32 is verified as it is read, and the sizes its directory
// declares are checked against the file, then every array's header against the model
// (names, types, shapes), before anything is allocated for its data. The checkpoint's
// values are checked against what the model can make (the step within the run, counts
// at most one spike a step, refractory counters within [0, ref_steps], a network's
// rings within the fixed point's bound and of their port's sign), the parts' when they
// are joined (times on the step grid of their stretch, neuron ids below n, sorted). A
// resume verifies the SHA-256 of every part the checkpoint names before it simulates
// anything: a missing or damaged part is found then, not after hours of simulation.
//
// # One run per folder, and only its own files
//
// A run holds an advisory lock on .lifgpu.lock for as long as it runs, taken before it
// writes anything; the operating system drops it when the process dies, so a killed
// run's folder resumes at once. A new folder is made with mkdir, which is atomic: of two
// runs started together into one new folder, one makes it and runs, the other is
// refused (ExistsError, or BusyError while the first holds the lock). A run with Force
// into an existing folder, or a resume, that finds the lock held is refused with a
// BusyError naming the holder's process. job.json lists the files the run writes (parts
// as parts/KIND-NNNNNN.npz): Force removes an earlier run's files by that list and
// refuses (ForeignError) to replace a file that no run listed; a user's files in the
// folder, or in its parts folder, are never removed.
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
//
// # Shards
//
// A Recipe with a Shard runs the neurons [k*n/m, (k+1)*n/m) of its spec alone
// (lifgpu.Config.Shard: their random draws keyed by their global indices), so the
// shard gives exactly their bits in a whole run. Its parts number the neurons from 0;
// its final files globally (spikes' i, traces' neuron_ids), and its run.json adds a
// "shard" object (ShardInfo: the range, the population, the spec hash every shard of
// the spec shares). Merge checks that a set of shards' folders covers the population
// once with one spec hash, and writes the whole run's files, byte-identical to a run
// never split (run.json aside): the spikes k-way merged in (step, neuron) order, the
// rates summed, the traces' columns in the spec's order, the state joined, each array
// streamed a chunk at a time (npy.Stream). RunDevices runs a shard per GPU device at
// once and merges them; RunReplicas runs copies with consecutive seeds. A network is
// refused: its shards would need each other's spikes.
package batch
