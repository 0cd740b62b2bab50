// Package gpu is the GPU backend of lifgpu: OpenGL 4.3 compute shaders over shader
// storage buffers, made headless through EGL (no display, no X11).
//
// A [Population] gives the same bits as the cpu package's for the same
// [lifgpu.Config]: the same potentials, refractory counters, counts, spike list,
// rates and traces, on Mesa's llvmpipe and on NVIDIA. Every value on the shader's
// update path is `precise`, so that no multiply-add is fused.
//
// # Building
//
// The GL code needs cgo and the build tag egl (it links libEGL only):
//
//	go test -tags egl ./gpu/...
//
// Without them New, Info and Probe return an error wrapping [lifgpu.ErrNoGPU] that
// says "built without GPU support (needs cgo and -tags egl)", and the module still
// builds with CGO_ENABLED=0. The tag is required rather than optional because a
// default build must not need the EGL headers and libraries, and because without it
// go-gl links libGL, which pulls in libGLX and libX11. (GL functions are loaded
// through eglGetProcAddress in either case: gpu passes go-gl its own loader.)
//
// # Contexts and threads
//
// New makes its own GL 4.3 core context: through the EGL device platform first
// (NVIDIA, and Mesa's software device), then Mesa's surfaceless platform, then the
// default display; the context is current without a surface. If all fail, the error
// lists each attempt's first error. The context belongs to one goroutine locked to its
// OS thread; the population's methods post closures to it and wait, so no GL call is
// ever made from another goroutine.
//
// [NewInContext] takes its context from the caller instead: a window's, for a viewer
// that draws the population as it runs. The caller hands over a [Context], a small
// interface of two methods: Do, which runs a closure on the thread where the context is
// current (at once when called from that thread, as a window's loop does; otherwise
// the closure waits there for the loop), and ProcAddress, the context's loader of GL
// functions. There is still one thread that owns the context, the caller's: every GL
// call of the population goes through Do. [Population.StateBuffers] then names the
// buffers that hold the state ([StateBuffer]: u, ref, the count, a network's
// currents), for the caller's shaders to read in that context; Close frees the
// population's objects and leaves the context to the caller.
//
// go-gl keeps one table of GL function pointers per process. Each context fills it
// through its own loader: New's through eglGetProcAddress (whatever build tags go-gl
// saw), NewInContext's through Context.ProcAddress (glXGetProcAddress, behind
// glfw.GetProcAddress, for a GLFW window on X11). Contexts of both kinds may be open
// at once when their loaders give the same pointers for every function of the table
// (libglvnd's dispatch stubs do: checked when the second kind opens); otherwise the
// second kind is refused with a [*MixedContextsError] until the first kind's contexts
// are closed, and the table is then reloaded. Reloading under an open context would
// swap the pointers it calls through.
//
// # Choosing the device
//
// [Devices] lists EGL's devices (eglQueryDevicesEXT) in EGL's order, each with what
// identifies it on the machine where the driver says: its CUDA number
// (EGL_NV_device_cuda), its DRM device and render nodes (EGL_EXT_device_drm,
// EGL_EXT_device_drm_render_node) and the PCI bus id behind them (from /sys), its UUID
// (EGL_EXT_device_persistent_id), and, from a context made on it, its renderer and
// limits. [Options].Device picks one by its index in that list: New then tries that
// device alone, and an index past the list is a [*DeviceError] (which does not wrap
// lifgpu.ErrNoGPU: it is the caller's mistake, not a reason to fall back to the CPU).
//
// Without Options.Device the choice is automatic: the hardware devices in EGL's order,
// then the software ones (EGL_MESA_device_software), then the other platforms. When
// CUDA_VISIBLE_DEVICES is set and the devices report CUDA numbers, a job that a
// scheduler gave one GPU of many runs on that GPU: EGL_CUDA_DEVICE_NV is a CUdevice,
// CUDA's number for the device in this process, which counts the visible devices only,
// so the device reporting CUDA number 0 is the first visible one. A driver that
// numbers every GPU of the machine instead (it reports more CUDA devices than
// CUDA_VISIBLE_DEVICES lists) is read the other way: the first entry is the number to
// look for. An entry GPU-<uuid> is matched against the devices' UUIDs first. The other
// NVIDIA devices (and the default display, which may be one of them) are not tried, so
// a job does not land on another job's GPU; CUDA_VISIBLE_DEVICES="" or -1 leaves no
// NVIDIA device to try. Where no device reports a CUDA number the variable changes
// nothing. [AutoNote] says how it was read. Where both readings fit (as many CUDA
// numbers as entries, e.g. CUDA_VISIBLE_DEVICES=1,0 on two GPUs), the first is taken,
// which may pick the other of the job's own GPUs; Options.Device settles it. None of
// this has met a multi-GPU machine yet: a table test of fake device lists covers it.
//
// # GPU resets and device memory
//
// The context asks for reset notification (GL_LOSE_CONTEXT_ON_RESET) and robust
// buffer access: with EGL 1.5's attributes, else EGL_KHR_create_context's flags, else
// EGL_EXT_create_context_robustness's, falling back to a plain context where the display
// accepts none ([Device].Robust, RobustAccess and Robustness say what it got). After
// every dispatch batch, every read-back and every call on the GL thread the population
// asks glGetGraphicsResetStatus (GL 4.5 or KHR_robustness, else ARB_robustness): a
// reset (guilty, innocent or unknown), or a GL_CONTEXT_LOST error, makes the
// population lost, with a [*ResetError] naming the kind. A lost population refuses to
// step and to give any part of its state, so a batch run keeps its last checkpoint and
// never writes the garbage a reset leaves. Without reset notification a reset may go
// unnoticed.
//
// GL_OUT_OF_MEMORY may come from any GL call, not only an allocation: seen at any
// check it fails the call with an error wrapping [lifgpu.ErrOutOfDeviceMemory], and
// when the work wrote the device state (a dispatch, a Restore, an upload) the state is
// no longer trusted: it is refused, like that of a dispatch that failed halfway, until a
// Restore.
//
// # Chunks and dispatches
//
// At start-up the population reads GL_MAX_SHADER_STORAGE_BLOCK_SIZE and
// GL_MAX_COMPUTE_WORK_GROUP_COUNT and cuts the neurons into chunks whose every buffer
// fits one storage block and whose dispatch fits the group limit; a population larger
// than one buffer is normal. Forward takes one dispatch per chunk; Run advances many
// steps per dispatch with the state in registers, split at the schedule's change
// points, and sized to take about [Options].DispatchTime.
//
// All recording happens on the device: counts in the state, the spike list appended
// with an atomic counter (pulled after each dispatch and sorted by step, then neuron,
// on the host; a dispatch that overflows the list is done again, from the state it
// started from, with a larger list or in halves, so no spike is lost), per-step
// population counts, traces and the last step's spikes. On hardware GPUs with
// GL_ARB_shader_ballot the spike list's and the rate's atomics are aggregated per
// subgroup (one atomicAdd a subgroup and step, not one a spike); the host's sort keeps
// the output the same.
//
// # Random inputs
//
// Gaussian current noise and Poisson input run on the device with the CPU's bits:
// lif.comp adds Model.Random's terms, I = ((base + noise) + poisson), each step in the
// fused kernel and in Forward, with internal/rng's GLSL (Philox4x32-10 keyed by the
// seed, counter (global neuron index, 64-bit absolute step / 2 for the noise, / 4 for
// the Poisson input: rng_noise_words, rng_poisson_word pick the step's words of the
// block; the step is carried into the high word when the low one wraps inside a
// dispatch). The global index is uFirst (a shard's first neuron, lifgpu.Config.First;
// 0 for a whole population) plus the neuron's index in the population. The kernel draws
// the block again at each step it serves. Per-neuron means, standard
// deviations and weights join the per-neuron parameter records; the normal table
// (rng.NormalLen floats) is one buffer at binding 10; the Poisson thresholds are at
// binding 11: one shared table, or per-neuron tables cut with the chunks (a chunk's
// buffer holds its neurons' thresholds, and chunks are sized so that it fits one
// storage block).
//
// # Networks
//
// A network (DESIGN.md, "Networks") keeps the CPU reference's bits too, currents and
// delay rings included. lif.comp's NET variant holds both ports' currents in the State
// records and reads each step's input from the chunk's two delay rings (int32,
// slot-major: D slots of the chunk's neurons, so rings are cut with the chunks), for
// every neuron and step, the refractory ones too; it reads them without clearing them.
// The stored synapses (zero weights dropped) are packed as (post, w_q<<b | delay) when
// the weight's bits and the delay's fit one word, else as three words, and tiled: the
// synapses into each ring chunk, in pre-neuron order, cut into row chunks that each fit
// one storage block (a long row may span chunks; each chunk holds where its rows' parts
// start), so that a row chunk is propagated into its ring chunk alone. A procedural
// projection keeps only its gap table: its rows are drawn again at each spike with
// internal/conn's GLSL, one invocation a spike, the same targets, weights and delays as
// conn's Go.
//
// Run goes in batches of dispatch pairs, with one read-back a batch: a pair is the
// update of at most MinDelay steps (every synapse of a spike in them arrives after
// them), then propagate.comp: PREP checks the update's spikes in the device's spike list
// and writes the propagations' indirect dispatch sizes (no host read between the two),
// CLEAR zeroes the ring slots the update read, and the propagations (one a row chunk,
// one a procedural projection and ring chunk that its posts reach) add each synapse's
// w_q with an int32 atomicAdd into the ring of its sign at (step + delay) mod D. A
// stored row takes one workgroup per 256 synapses (64 invocations of 4), several for a
// long row. Forward is a batch of one pair of one step.
//
// The spike list feeds the propagation whether or not it is recorded (unrecorded, each
// pair's spikes start again at 0). When a pair's spikes do not fit it (or its grid would
// pass the group limits), PREP marks the batch failed at that pair and every later
// dispatch of the batch does nothing. As the update wrote the other state copy and
// cleared no ring, the pairs before the failed one are committed (their state copy,
// their recordings) and the batch starts again at the failed pair, with a larger list,
// or in halves of its steps, or (one step) of the chunks: nothing is lost or added
// twice. Any other failure in a batch leaves the rings at no single step: the state is
// refused until a Restore. State and Restore carry both currents and both rings.
//
// Before allocating, New estimates the bytes it needs and, where the driver says how
// much memory is free (GL_NVX_gpu_memory_info, else GL_ATI_meminfo's free buffer
// memory), refuses a population that does not fit with an error wrapping
// [lifgpu.ErrOutOfDeviceMemory] that names the bytes needed, the bytes available and
// the largest population that fits (a network's names its stored synapses and the
// bytes a neuron takes with its delay rings instead). Where the driver reports no free
// memory (Mesa's
// drivers, llvmpipe among them) the check is skipped: [Device].MemorySource is then "",
// and the CLI says so.
//
// # Inside the package
//
// One concern a file. population.go: the lifecycle and the public methods. plan.go: the
// layout of a population's device data, its cut into chunks, and the memory estimate
// that New checks before allocating; netplan.go: a network's part of them (row chunks,
// the synapses' packing). buffers.go: buffer handles (a buffer knows its
// size and releases itself; the population's bufferSet owns them all, so freeing is one
// loop and the device bytes that Backend reports are counted from them) and their
// allocation. program.go: the shader variants (their #defines) and their uniforms,
// resolved once at link time into a struct with one field a uniform. glsl.go: the
// GLSL text (includes, and a small preprocessor that tells which uniforms the code a
// variant's #defines keep refers to). dispatch.go: one dispatch (bind, issue, read the
// recordings back, commit). overflow.go: the spike list's overflow redo. netbuf.go,
// netprogram.go, netdispatch.go: a network's buffers, propagate.comp's variants, and
// its batches of dispatch pairs with their redo. readback.go: the state's read-back
// and upload. robust.go: GPU resets and GL_OUT_OF_MEMORY at the checks, and
// what they do to the population. device.go, egl.go, thread.go, gl.go: the context, its
// thread and GL helpers; gltable.go: go-gl's function table and its loaders;
// context.go, incontext.go: a caller's context (NewInContext) and the state buffers; choose.go: the automatic choice among EGL's devices, as pure
// functions.
//
// A variant that links with a uniform missing (misspelt, or dropped by the compiler
// although the kept code uses it, unless a `#pragma lifgpu optional` in the shader
// allows it), or with a uniform that its Go struct lacks, fails New with an error that
// names the uniform and the variant.
//
// # Testing
//
// The tests reach paths that a small population on a large device never takes (chunks,
// a spike list that overflows, the memory refusal, a failed dispatch, a GPU reset,
// GL_OUT_OF_MEMORY after a dispatch) through test hooks given to one population:
// internal/gpuhook's Hooks (lowered limits, a small spike list, a stated amount of free
// memory, an injected fault, reset or out-of-memory error; an injected reset also fills
// the state with NaNs, so that a path that read it anyway would show). They are not
// [Options], and there is no global state: gpu's tests pass them to the unexported
// constructor, other packages' tests to gpuhook.New. With LIFGPU_REQUIRE_GPU=1 a
// missing GL context fails the tests instead of skipping them.
//
// # Debugging
//
// The build tag gldebug checks glGetError after every GL call (panicking on an error,
// which is a bug of this package), logs the driver's KHR_debug messages, and makes
// every dispatch synchronous and timed in the log.
//
// # Example
//
// The GPU where one can be made, else the CPU, with the same bits (backend.New does
// this, preferring hardware to a software renderer):
//
//	var pop lifgpu.Population
//	pop, err := gpu.New(cfg, gpu.Options{})
//	if errors.Is(err, lifgpu.ErrNoGPU) {
//		pop, err = cpu.New(cfg, cpu.Options{}) // fall back to the CPU
//	}
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer pop.Close()
//	if err := pop.Run(10_000); err != nil {
//		log.Fatal(err)
//	}
package gpu
