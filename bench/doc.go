// Package bench holds the workloads that lifgpu's speed is measured on, shared by the
// Go benchmarks of each backend and by the CLI.
//
// # Workload W1
//
// N neurons, dt = 0.1 ms, tau_m = 10 ms (alpha = 0.01), R = 1, u_rest = u_reset = -70 mV,
// u_th = -50 mV, t_ref = 2 ms (20 steps), u0 = u_rest, a constant per-neuron bias
// I_i = 15 + 30*i/N (about half the neurons fire, up to ~200 Hz), no noise, 1000 steps.
// Throughput is neuron-updates per second: N * steps / seconds. The C reference in
// ../shared/bench/cpu_ref.c runs the same workload.
package bench
