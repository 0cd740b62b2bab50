//go:build !cgo || !egl

package gpu

import (
	"fmt"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// Population is a GPU population; in this build there is none.
type Population struct{ lifgpu.Population }

var errBuilt = fmt.Errorf("%w: built without GPU support (needs cgo and -tags egl)", errNoGPU)

// New reports that this build has no GPU support.
func New(cfg lifgpu.Config, opts Options) (*Population, error) { return nil, errBuilt }

// Tests that make populations with hooks (gpuhook.New) get the same error.
func init() {
	gpuhook.Register(func(lifgpu.Config, Options, gpuhook.Hooks) (lifgpu.Population, error) { return nil, errBuilt })
}

// Info reports that this build has no GPU support.
func Info() (Device, error) { return Device{}, errBuilt }

// Probe reports that this build has no GPU support.
func Probe() (hardware bool, err error) { return false, errBuilt }

// InfoFor reports that this build has no GPU support.
func InfoFor(device *int) (Device, error) { return Device{}, errBuilt }

// Devices reports that this build has no GPU support.
func Devices() ([]Device, error) { return nil, errBuilt }

// AutoNote says nothing in this build.
func AutoNote() string { return "" }

// ProbeFor reports that this build has no GPU support.
func ProbeFor(device *int) (hardware bool, err error) { return false, errBuilt }

// NewInContext reports that this build has no GPU support.
func NewInContext(cfg lifgpu.Config, opts Options, ctx Context) (*Population, error) {
	return nil, errBuilt
}

// StateBuffers reports that this build has no GPU support.
func (p *Population) StateBuffers() ([]StateBuffer, error) { return nil, errBuilt }
