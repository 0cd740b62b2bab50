// Package lifgpu is the model contract of a simulator for very large populations of
// leaky integrate-and-fire (LIF) neurons.
//
// The package holds what both backends share: the parameters and their defaults, the
// inputs, what is recorded, the validation of all of these, and the [Population]
// interface. Two packages implement it: cpu (the bit-exact reference, with a fast
// SIMD path) and gpu (OpenGL 4.3 compute shaders, headless through EGL); package
// backend chooses between them (a hardware GPU where there is one, else the CPU). For
// the same [Config], both give the same bits: the same potentials and the same spikes
// at every step.
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
// The seed's example on the CPU backend: one neuron with the defaults and 4 nA every
// step spikes at steps 13, 77, 141, ... (the backend package picks the GPU where
// there is one).
//
//	pop, err := cpu.New(lifgpu.Config{N: 1}, cpu.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer pop.Close()
//	for pop.StepCount() < 200 {
//		if err := pop.Forward(lifgpu.Scalar(4)); err != nil {
//			log.Fatal(err)
//		}
//		if spiked, _ := pop.Spiked(); len(spiked) > 0 {
//			fmt.Println("spike at step", pop.StepCount()-1)
//		}
//	}
package lifgpu
