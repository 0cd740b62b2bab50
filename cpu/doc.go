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
//     of up to 256 steps while it sits in the L1 cache (neurons are uncoupled), by one
//     worker goroutine per core over a contiguous range of blocks;
//   - a block kernel in Go assembly (AVX-512 or AVX2, chosen at start-up; a portable Go
//     kernel elsewhere) sweeps the block's vectors once per step and writes a 16-bit
//     spike mask per 16 neurons; the masks give the counts, the spike list (placed in
//     step order by every worker at once), the rate and the last step's spikes;
//   - scalar parameters are one shared block of copies, so they cost no memory traffic;
//     random inputs are drawn a block at a time with the batched Philox of internal/rng.
//
// Results do not depend on the number of workers or on the chunk length; the tests
// compare every kernel with the plain path, bit for bit.
//
// # Portable build
//
// The build tag purego (as in golang.org/x/crypto) compiles no assembly at all, here
// or in internal/rng: the block kernels, the drive loops and the batched draws are the
// portable Go ones, and Kernels lists only "go" and "reference".
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
