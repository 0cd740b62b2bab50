package gpu

import "fmt"

// DeviceError refuses an EGL device index that EGL's device list does not have. It
// does not wrap lifgpu.ErrNoGPU: a device asked for by number that is not there is the
// caller's mistake, not a reason to fall back to the CPU.
type DeviceError struct {
	Index int    // the index asked for
	Count int    // how many devices EGL lists
	Why   string // why there is no list at all, when Count is 0 for that reason
}

func (e *DeviceError) Error() string {
	switch {
	case e.Why != "":
		return fmt.Sprintf("gpu: EGL device %d: EGL lists no devices (%s)", e.Index, e.Why)
	case e.Count == 0:
		return fmt.Sprintf("gpu: EGL device %d: EGL lists no devices", e.Index)
	case e.Count == 1:
		return fmt.Sprintf("gpu: EGL device %d does not exist: EGL lists 1 device, number 0", e.Index)
	}
	return fmt.Sprintf("gpu: EGL device %d does not exist: EGL lists %d devices, numbered 0 to %d", e.Index, e.Count, e.Count-1)
}

// ResetError is a GPU reset that took a population's context, and its device state
// with it: the population is lost (it refuses to step or to give its state), and the
// last checkpoint taken before stands. Status names glGetGraphicsResetStatus's answer.
type ResetError struct {
	Op       string // what the population was doing when it saw the reset
	Status   string // GL_GUILTY_CONTEXT_RESET, GL_INNOCENT_CONTEXT_RESET, GL_UNKNOWN_CONTEXT_RESET or GL_CONTEXT_LOST
	Injected bool   // a test hook made it (gpuhook.Hooks.ResetAfter)
}

// resetCauses says what each reset status means.
var resetCauses = map[string]string{
	"GL_GUILTY_CONTEXT_RESET":   "this context caused it (a dispatch that faulted or ran past the driver's watchdog)",
	"GL_INNOCENT_CONTEXT_RESET": "another context on the device caused it",
	"GL_UNKNOWN_CONTEXT_RESET":  "the driver does not say what caused it",
	"GL_CONTEXT_LOST":           "a GL call reported the context lost",
}

func (e *ResetError) Error() string {
	s := fmt.Sprintf("gpu: %s: the GPU was reset (%s: %s)", e.Op, e.Status, resetCauses[e.Status])
	if e.Injected {
		s += " [injected by gpuhook.Hooks.ResetAfter]"
	}
	return s + "; the context and the device state are lost: make a new population and Restore a checkpoint into it"
}
