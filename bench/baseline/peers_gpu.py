#!/usr/bin/env python3
"""lifgpu's GPU peers on workload W1: what a user would run instead of lifgpu's GPU backend.

Embedded in the lifgpu binary (package bench) and run by `lifgpu bench -backend gpu`, on the same
card and in the same invocation as the project's own GPU rows, so that the ratios come from one run.

    python3 peers_gpu.py N[,N...]

Workload W1 (bench/doc.go): dt = 0.1 ms, tau_m = 10 ms (alpha = float32(0.1/10)), R = 1,
u_rest = u_reset = -70 mV, u_th = -50 mV, 20 refractory steps, u0 = u_rest, constant bias
I_i = float32(15 + 30*i/N) computed in float64. Per neuron and step, in float32, the design
contract's update: if ref > 0: ref -= 1; else d = u - u_rest; f = d - R*I; g = alpha*f; u = u - g;
if u >= u_th: spike, u = u_reset, ref = 20.

What it measures, per N (every measurement starts from the initial state, best of 3 after a warm-up,
timed with CUDA events):
  - device-to-device copy bandwidth (once), the memory's ceiling for a one-step kernel;
  - a hand-written CUDA kernel through CuPy (NVRTC): one step per launch (100 launches), and 100 steps
    fused in one launch with the state in registers; built twice, with NVRTC's default (multiply-adds
    fused: not the contract's arithmetic) and with --fmad=false (the contract's arithmetic, the fair
    baseline of a bit-exact kernel);
  - PyTorch eager, one step per call (what snnTorch/Norse users write), 100 steps;
  - the same step through torch.compile, 100 steps.

Output, parsed by bench.ParsePeers (keep the two in step):
    <device name>
    d2d copy: <GB/s> GB/s (read+write)
    N=<n> CUDA: single-step <ms> ms/step <G> G upd/s | fused k=<k> <ms> ms <G> G upd/s | spikes <s>
    N=<n> CUDA no-FMA: (the same)
    N=<n> torch eager: <ms> ms/step <G> G upd/s | spikes <s>
    N=<n> torch.compile step: <ms> ms/step <G> G upd/s | spikes <s>
    [N=<n> ]<cuda|torch|torch/eager|torch/compile|copy> skipped: <why>
"spikes" is the population's spike total over the 100 steps from the initial state (the fused kernel's,
for CUDA). A missing package, no CUDA device or a failure at one size gives a "skipped" line, not an
error; the exit status is 0 then.
"""
import sys

DT, TAU_M, R = 0.1, 10.0, 1.0
U_REST, U_RESET, U_TH = -70.0, -70.0, -50.0
REF_STEPS = 20
STEPS = 100  # steps per measurement: launches of the single-step kernel, calls of torch, fused k
REPS = 3

CUDA_SOURCE = r'''
#define U_REST (-70.0f)
#define U_RESET (-70.0f)
#define U_TH (-50.0f)
#define REF_STEPS 20

// One step per launch: the state streams through memory.
extern "C" __global__ void w1_step(float *__restrict__ u, int *__restrict__ ref,
                                   const float *__restrict__ drive, unsigned *__restrict__ count,
                                   float alpha, long long n)
{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    int r = ref[i];
    if (r > 0) {
        ref[i] = r - 1;
        return;
    }
    float v = u[i];
    float d = v - U_REST;
    float f = d - drive[i];
    float g = alpha * f;
    v = v - g;
    if (v >= U_TH) {
        v = U_RESET;
        ref[i] = REF_STEPS;
        count[i] += 1u;
    }
    u[i] = v;
}

// k steps in one launch, the state in registers.
extern "C" __global__ void w1_fused(float *__restrict__ u, int *__restrict__ ref,
                                    const float *__restrict__ drive, unsigned *__restrict__ count,
                                    float alpha, long long n, int k)
{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    float v = u[i];
    float e = drive[i];
    int r = ref[i];
    unsigned c = 0;
    for (int s = 0; s < k; s++) {
        if (r > 0) {
            r--;
            continue;
        }
        float d = v - U_REST;
        float f = d - e;
        float g = alpha * f;
        v = v - g;
        if (v >= U_TH) {
            v = U_RESET;
            r = REF_STEPS;
            c++;
        }
    }
    u[i] = v;
    ref[i] = r;
    count[i] += c;
}
'''


def say(line):
    print(line, flush=True)


def why(e):
    """An exception as one short line."""
    s = ' '.join(f'{type(e).__name__}: {e}'.split())
    return s[:300]


def best_of(run, reset, clock):
    """The fastest of REPS timed calls of run() (after one untimed), each after reset(); seconds.
    clock is (a function that makes a CUDA event, the milliseconds between two recorded events)."""
    event, elapsed_ms = clock
    best = float('inf')
    for rep in range(REPS + 1):
        reset()
        start, stop = event(), event()
        start.record()
        run()
        stop.record()
        stop.synchronize()
        if rep > 0:
            best = min(best, elapsed_ms(start, stop) / 1e3)
    return best


def torch_clock(torch):
    return (lambda: torch.cuda.Event(enable_timing=True)), (lambda a, b: a.elapsed_time(b))


def cupy_clock(cp):
    return cp.cuda.Event, cp.cuda.get_elapsed_time


def rate(n, steps, seconds):
    return n * steps / seconds / 1e9


def copy_bandwidth(torch, cp):
    n = 1 << 28  # 1 GiB of float32 each way
    if torch is not None:
        x = torch.ones(n, device='cuda')
        y = torch.empty_like(x)
        sec = best_of(lambda: y.copy_(x), lambda: None, torch_clock(torch))
    else:
        x = cp.ones(n, dtype=cp.float32)
        y = cp.empty_like(x)
        sec = best_of(lambda: cp.copyto(y, x), lambda: None, cupy_clock(cp))
    say(f'd2d copy: {2 * 4 * n / sec / 1e9:.0f} GB/s (read+write)')
    del x, y


def cuda_runs(cp, n):
    import numpy as np
    alpha = np.float32(DT / TAU_M)
    drive = (R * (15 + 30 * cp.arange(n, dtype=cp.float64) / n)).astype(cp.float32)
    u = cp.empty(n, dtype=cp.float32)
    ref = cp.empty(n, dtype=cp.int32)
    count = cp.empty(n, dtype=cp.uint32)

    def reset():
        u.fill(U_REST)
        ref.fill(0)
        count.fill(0)

    threads = 256
    grid = ((n + threads - 1) // threads,)
    for label, options in (('CUDA', ()), ('CUDA no-FMA', ('--fmad=false',))):
        mod = cp.RawModule(code=CUDA_SOURCE, options=options)
        step, fused = mod.get_function('w1_step'), mod.get_function('w1_fused')

        def single():
            for _ in range(STEPS):
                step(grid, (threads,), (u, ref, drive, count, alpha, np.int64(n)))

        def many():
            fused(grid, (threads,), (u, ref, drive, count, alpha, np.int64(n), np.int32(STEPS)))

        t1 = best_of(single, reset, cupy_clock(cp))
        single_spikes = int(count.sum(dtype=cp.uint64))
        tk = best_of(many, reset, cupy_clock(cp))
        spikes = int(count.sum(dtype=cp.uint64))
        say(f'N={n} {label}: single-step {t1 / STEPS * 1e3:.4f} ms/step {rate(n, STEPS, t1):.2f} G upd/s'
            f' | fused k={STEPS} {tk * 1e3:.4f} ms {rate(n, STEPS, tk):.2f} G upd/s | spikes {spikes}')
        if single_spikes != spikes:
            say(f'N={n} {label} warning: the single-step kernel counted {single_spikes} spikes, the fused one {spikes}')
    del u, ref, count, drive
    cp.get_default_memory_pool().free_all_blocks()


def torch_step(u, ref, drive, count):
    """One W1 step as a PyTorch user writes it: whole-tensor operations, one kernel each."""
    live = ref <= 0
    w = u - (DT / TAU_M) * ((u - U_REST) - drive)
    fire = live & (w >= U_TH)
    u = torch_where(fire, U_RESET, torch_where(live, w, u))
    ref = torch_where(fire, REF_STEPS, torch_where(live, ref, ref - 1))
    return u, ref, count + fire


torch_where = None  # torch.where, once torch is imported


def torch_runs(torch, n):
    drive = (R * (15 + 30 * torch.arange(n, device='cuda', dtype=torch.float64) / n)).float()
    state = {}

    def reset():
        state['u'] = torch.full((n,), U_REST, device='cuda', dtype=torch.float32)
        state['ref'] = torch.zeros(n, device='cuda', dtype=torch.int32)
        state['count'] = torch.zeros(n, device='cuda', dtype=torch.int32)

    def runner(fn):
        def run():
            u, ref, count = state['u'], state['ref'], state['count']
            for _ in range(STEPS):
                u, ref, count = fn(u, ref, drive, count)
            state['u'], state['ref'], state['count'] = u, ref, count
        return run

    for label, name, make in (('torch eager', 'torch/eager', lambda: torch_step),
                              ('torch.compile step', 'torch/compile', lambda: torch.compile(torch_step))):
        try:
            fn = make()
            sec = best_of(runner(fn), reset, torch_clock(torch))
            spikes = int(state['count'].sum(dtype=torch.int64))
            say(f'N={n} {label}: {sec / STEPS * 1e3:.4f} ms/step {rate(n, STEPS, sec):.2f} G upd/s | spikes {spikes}')
        except Exception as e:  # torch.compile needs Triton and a C compiler; memory may run out
            say(f'N={n} {name} skipped: {why(e)}')
        state.clear()
        torch.cuda.empty_cache()
    del drive
    torch.cuda.empty_cache()


def main(argv):
    global torch_where
    if len(argv) != 2:
        print('usage: peers_gpu.py N[,N...]', file=sys.stderr)
        return 2
    try:
        sizes = [int(float(s)) for s in argv[1].split(',')]
    except ValueError:
        print(f'peers_gpu.py: {argv[1]!r}: want comma-separated population sizes', file=sys.stderr)
        return 2

    torch = cp = None
    try:
        import torch
        if not torch.cuda.is_available():
            say('torch skipped: PyTorch sees no CUDA device')
            torch = None
    except Exception as e:
        say(f'torch skipped: PyTorch is not importable ({why(e)})')
        torch = None
    try:
        import cupy as cp
        if cp.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError('no CUDA device')
    except Exception as e:
        say(f'cuda skipped: CuPy is not importable or sees no CUDA device ({why(e)})')
        cp = None
    if torch is None and cp is None:
        return 0
    if torch is not None:
        torch_where = torch.where
        name = torch.cuda.get_device_name(0)
    else:
        name = cp.cuda.runtime.getDeviceProperties(0)['name']
        name = name.decode() if isinstance(name, bytes) else name
    say(name.replace(':', ' '))  # the first line, without a colon, names the device

    try:
        copy_bandwidth(torch, cp)
    except Exception as e:
        say(f'copy skipped: {why(e)}')
    for n in sizes:
        if cp is not None:
            try:
                cuda_runs(cp, n)
            except Exception as e:
                say(f'N={n} cuda skipped: {why(e)}')
                cp.get_default_memory_pool().free_all_blocks()
        if torch is not None:
            torch_runs(torch, n)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
