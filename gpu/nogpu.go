//go:build !cgo || !egl

package gpu

import (
	"fmt"

	"github.com/lifgpu/lifgpu"
)

// Population is a GPU population; in this build there is none.
type Population struct{ lifgpu.Population }

var errBuilt = fmt.Errorf("%w: built without GPU support (needs cgo and -tags egl)", errNoGPU)

// New reports that this build has no GPU support.
func New(cfg lifgpu.Config, opts Options) (*Population, error) { return nil, errBuilt }

// Info reports that this build has no GPU support.
func Info() (Device, error) { return Device{}, errBuilt }

// Probe reports that this build has no GPU support.
func Probe() (hardware bool, err error) { return false, errBuilt }
