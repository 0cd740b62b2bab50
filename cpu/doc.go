// Package cpu is the reference implementation of the lifgpu contract on the CPU: the
// same bits as the GPU backend, every step, and the fallback where no GPU exists.
//
// # Two paths
//
// The plain path (Options.Kernel "reference") is the contract written out: step by
// step, neuron by neuron, each float32 operation rounded on its own. The fast path,
// the default, gives the same bits:
//
//   - the population is cut into blocks of 512 neurons, each advanced through a chunk
//     of up to 256 steps while it sits in the L1 cache (uncoupled neurons; a network's
//     chunks are shorter, see Networks), by one worker goroutine per core over a
//     contiguous range of blocks;
//   - a block kernel in Go assembly (AVX-512 or AVX2, chosen at start-up; a portable Go
//     kernel elsewhere) sweeps the block's vectors once per step and writes a 16-bit
//     spike mask per 16 neurons; the masks give the counts, the spike list (placed in
//     step order by every worker at once), the rate and the last step's spikes;
//   - scalar parameters are one shared block of copies, so they cost no memory traffic;
//     random inputs are drawn a block at a time with the batched Philox of internal/rng,
//     each Philox block kept for the steps it serves (two of noise, four of Poisson
//     input: rng.NoiseWords, rng.PoissonWord), turned into values by internal/rng's
//     SIMD samplers, and summed into the drive by one SIMD pass (randomArgs); then the
//     block kernel takes one step.
//
// Results do not depend on the number of workers or on the chunk length; the tests
// compare every kernel with the plain path, bit for bit.
//
// # Networks
//
// Synapses couple the blocks, so a network advances in chunks of at most its shortest
// delay (conn.Network.MinDelay) steps: the input of every step of a chunk then comes
// from spikes of earlier chunks, all in the delay rings already. Per chunk:
//
//   - every worker advances its blocks a step at a time (the synaptic input changes
//     every step), each block staying in L1 through the chunk: per step a synaptic step
//     (AVX-512, AVX2 or Go, with the block kernel's name) reads and clears the block's
//     entries of both rings, decays and feeds the ports' currents (refractory neurons'
//     too), adds syn = syn_ex + syn_in after the random terms and makes the drive, then
//     the block kernel takes one step; the worker then draws the procedural rows of its
//     spikes, each once;
//   - then the spikes of the chunk are propagated: each worker takes its own range of
//     post neurons (its blocks) from every spiking row, stored or drawn (rows are sorted
//     by post: a stored row is cut where each worker's posts begin, once when the
//     population is made; a drawn row is searched), and adds the weights into the rings, so no two
//     workers write the same entry and no lock is needed; the sums are of integers,
//     so the order does not matter.
//
// The rings' slots are padded to whole blocks (State and Restore use the contract's
// layout, n entries a slot). The workers are a team of goroutines that spin a while
// between phases before they park: a chunk may be a single step of a few microseconds.
//
// # Portable build
//
// The build tag purego (as in golang.org/x/crypto) compiles no assembly at all, here
// or in internal/rng: the block kernels, the drive loops, the synaptic steps and the
// batched draws are the portable Go ones, and Kernels lists only "go" and "reference".
//
// # Example
//
// Three neurons with a held bias each, the spike list recorded:
//
//	cfg := lifgpu.Config{N: 3, Record: lifgpu.Record{Spikes: true}}
//	cfg.Input.Bias = lifgpu.Float32s([]float32{0.4, 0.6, 1.0}) // nA; rheobase is 0.5 nA
//	pop, _ := cpu.New(cfg, cpu.Options{})
//	defer pop.Close()
//	pop.Run(1000) // 100 ms; closed form: first spikes at steps 68 (1.0 nA) and 178 (0.6 nA)
package cpu
