// Package bench holds the workloads that lifgpu's speed is measured on, shared by the
// Go benchmarks of each backend and by the CLI, and the baselines they are measured
// beside.
//
// # Workload W1
//
// N neurons, dt = 0.1 ms, tau_m = 10 ms (alpha = 0.01), R = 1, u_rest = u_reset = -70 mV,
// u_th = -50 mV, t_ref = 2 ms (20 steps), u0 = u_rest, a constant per-neuron bias
// I_i = 15 + 30*i/N (about half the neurons fire, up to ~200 Hz), no noise, 1000 steps.
// Throughput is neuron-updates per second: N * steps / seconds. At N = 10^6 every
// implementation of the contract's arithmetic counts 6,670,161 spikes.
//
// # Networks
//
// [CUBA] is Vogels & Abbott's network as Brian2's examples/CUBA.py writes it (4000
// neurons at p = 0.02; in-degree 80 at any size); lifgpu bench -workload cuba runs it
// for one second of model time beside Brian2's C++ standalone mode
// (baseline/brian2_cuba.py, [RunBrian2]) and checks that the dynamics agree ([Agree]).
// [Network] is CUBA at any in-degree, stored or procedural (lifgpu bench -workload
// network: 10^6 neurons with 10^8 or 10^9 synapses). [Microcircuit] is Potjans &
// Diesmann's cortical microcircuit at any scale (lifgpu bench -workload microcircuit),
// its rates beside the published ones.
//
// # Baselines
//
// A speed claim is a ratio to a baseline run in the same invocation on the same
// machine. The baseline programs live in bench/baseline/ and are built into this
// package (go:embed), so a lifgpu binary needs no files beside it:
//
//   - cpu_ref.c, the C reference: plain C with OpenMP, the same float32 operations,
//     in two modes, "step" (a sweep over all neurons a step) and "blocked" (all steps
//     for a cache-sized block). [CRef] writes it to a temporary folder and compiles it
//     with gcc -O3 -march=native -ffp-contract=off -fopenmp; without gcc it returns
//     [ErrNoGCC] and lifgpu bench prints a skipped row.
//   - peers_gpu.py, the GPU peers (PyTorch and CuPy): copy bandwidth, a hand-written
//     CUDA kernel one step a launch and 100 steps fused, built with and without fused
//     multiply-add, torch eager and torch.compile. [RunPeers] runs it with python3;
//     without python3, PyTorch, CuPy or a CUDA device the rows say skipped.
//
// $LIFGPU_BASELINES ([BaselinesEnv]) or lifgpu bench -baselines may name a folder
// with other programs of the same names and output to run instead.
package bench
