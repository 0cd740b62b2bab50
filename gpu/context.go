package gpu

import "unsafe"

// Context is a GL context that the caller made and keeps: a window's, say.
// [NewInContext] runs a population in it instead of making a headless context of its
// own, so that the caller can draw from the population's buffers ([StateBuffer]) with no
// copy to the host. The context must offer OpenGL 4.3 core (compute shaders and shader
// storage buffers) and stay current on one OS thread while the population is open.
type Context interface {
	// Do runs f on the thread where the context is current and returns once f has
	// returned. The population calls it from the goroutine that calls its methods
	// (NewInContext and Close included), one call at a time, and f never calls Do. If
	// that goroutine is the context's thread, Do runs f at once; otherwise f waits
	// there for the caller's loop to run it (between frames, for a window).
	Do(f func())
	// ProcAddress loads GL function name in this context (glfw.GetProcAddress for a
	// GLFW window), or returns nil when the context lacks it.
	ProcAddress(name string) unsafe.Pointer
}

// StateBuffer is one chunk of a population's dynamic state on the device: the GL
// buffer object Buffer holds the State records of neurons [First, First+N), Words
// 32-bit words a record, from offset 0: u (float32), ref (int32), the spike count
// (uint32) and, in a network, the synaptic currents i_ex and i_in (float32): lif.comp's
// State.
type StateBuffer struct {
	Buffer   uint32
	First, N int
	Words    int
}
