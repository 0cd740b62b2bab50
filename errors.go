package lifgpu

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors that callers branch on.
var (
	// ErrNoGPU means that no GPU backend could be made: the program was built without
	// cgo, or no OpenGL 4.3 context could be created.
	ErrNoGPU = errors.New("lifgpu: no GPU backend available")
	// ErrOutOfDeviceMemory means that a population or its recordings do not fit in the
	// device's memory.
	ErrOutOfDeviceMemory = errors.New("lifgpu: does not fit in device memory")
	// ErrClosed is returned by a Population used after Close.
	ErrClosed = errors.New("lifgpu: population is closed")
)

// FieldError is a rejected input: which field, the value given, the rule it broke,
// and what to do instead.
type FieldError struct {
	Field  string
	Value  any
	Rule   string
	Remedy string
}

func (e *FieldError) Error() string {
	s := fmt.Sprintf("lifgpu: %s = %v: %s", e.Field, e.Value, e.Rule)
	if e.Remedy != "" {
		s += " (" + e.Remedy + ")"
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// index names element i of a per-neuron array, or nothing for a scalar.
func index(v Values, i int) string {
	if v.IsScalar() {
		return ""
	}
	return "[" + itoa(i) + "]"
}
