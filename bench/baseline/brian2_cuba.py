"""CUBA (Vogels & Abbott 2005) in Brian2's C++ standalone mode, the peer of
`lifgpu bench -workload cuba`: the network of Brian2's examples/CUBA.py, sized by N with
the in-degree kept at 80 (p = 80/N), one second of biological time.

usage: python3 brian2_cuba.py N THREADS WORKDIR [SEED]

Prints one JSON line: n, threads, synapses, spikes, rate_hz, cv (the mean over neurons
with at least three spikes of std/mean of their inter-spike intervals), run_s (Brian2's
own time for the run, from the standalone device: without code generation and
compilation), build_s (generation and compilation), brian2 (its version).
"""
import json
import sys
import time

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, run, set_device, device, prefs,
                    defaultclock, seed, ms, mV, second)
import brian2


def main():
    n, threads, workdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng_seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    set_device('cpp_standalone', directory=workdir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = threads
    defaultclock.dt = 0.1 * ms
    seed(rng_seed)

    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    vt, vr, el = -50 * mV, -60 * mV, -49 * mV
    eqs = '''
    dv/dt  = (ge+gi-(v-el))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    p = 80.0 / n
    ne = int(0.8 * n)
    P = NeuronGroup(n, eqs, threshold='v>vt', reset='v = vr', refractory=5 * ms, method='exact')
    P.v = 'vr + rand() * (vt - vr)'
    P.ge = 0 * mV
    P.gi = 0 * mV
    we = (60 * 0.27 / 10) * mV  # 1.62 mV: excitatory synaptic weight (voltage)
    wi = (-20 * 4.5 / 10) * mV  # -9 mV: inhibitory synaptic weight
    Ce = Synapses(P, P, on_pre='ge += we')
    Ci = Synapses(P, P, on_pre='gi += wi')
    Ce.connect('i<ne', p=p)
    Ci.connect('i>=ne', p=p)
    mon = SpikeMonitor(P)
    run(1 * second)
    t0 = time.time()
    device.build(directory=workdir, compile=True, run=True, debug=False)
    total = time.time() - t0
    run_s = float(device._last_run_time)

    i = np.asarray(mon.i[:])
    t = np.asarray(mon.t[:] / second)
    cvs = []
    order = np.lexsort((t, i))
    i, t = i[order], t[order]
    bounds = np.flatnonzero(np.diff(i)) + 1
    for ts in np.split(t, bounds):
        if len(ts) >= 3:
            isi = np.diff(ts)
            cvs.append(isi.std() / isi.mean())
    print(json.dumps({
        'n': n, 'threads': threads, 'synapses': int(len(Ce) + len(Ci)), 'spikes': int(len(i)),
        'rate_hz': float(len(i)) / n, 'cv': float(np.mean(cvs)) if cvs else 0.0,
        'run_s': run_s, 'build_s': total - run_s, 'brian2': brian2.__version__,
    }))


if __name__ == '__main__':
    main()
