// Package lifgpu is the model contract of a simulator for very large populations of
// leaky integrate-and-fire (LIF) neurons.
//
// The package holds what both backends share: the parameters and their defaults, the
// inputs, what is recorded, the validation of all of these, and the [Population]
// interface. Two packages implement it: cpu (the bit-exact reference, with a fast
// SIMD path) and gpu (OpenGL 4.3 compute shaders, headless through EGL). For the same
// [Config], both give the same bits: the same potentials and the same spikes at
// every step.
//
// # The update
//
// One step of one neuron, in float32, exactly:
//
//	if ref > 0 {
//		ref--                      // absolute refractory period: u held, input ignored
//	} else {
//		I := ((bias + sched) + x)  // see Input; noise terms come later
//		d := u - uRest
//		e := R * I
//		f := d - e
//		g := alpha * f             // alpha = float32(dt/tauM), computed in float64
//		u = u - g
//		if u >= uTh {              // inclusive
//			spike; u = uReset; ref = refSteps // refSteps = round(tRef/dt)
//		}
//	}
//
// With [Exact] the membrane line is instead v := uRest + e; u = v + (u-v)*decay with
// decay = float32(exp(-dt/tauM)). A spike found in step n is reported at t = n*dt.
//
// # Example
//
//	cfg := lifgpu.Config{N: 1000}                  // the seed's defaults
//	cfg.Input.Bias = lifgpu.Scalar(4)              // 4 nA into every neuron
//	cfg.Record.Spikes = true
//	pop, err := cpu.New(cfg)
//	...
//	err = pop.Run(10000)                           // one second of model time
//	rec, err := pop.Recording()
package lifgpu
