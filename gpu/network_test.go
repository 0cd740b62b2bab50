//go:build cgo && egl

package gpu

import (
	"testing"

	"github.com/lifgpu/lifgpu/internal/conformance"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

func TestNetworkHandComputed(t *testing.T) {
	conformance.HandComputed(t, factory(t, Options{}, gpuhook.Hooks{}))
}

func TestNetworkConformance(t *testing.T) {
	conformance.Network(t, factory(t, Options{}, gpuhook.Hooks{}), conformance.Scale{MaxN: 1500, MaxSteps: 300, Cases: 12})
}

func TestNetworkStoredProcedural(t *testing.T) {
	conformance.StoredProcedural(t, factory(t, Options{}, gpuhook.Hooks{}))
}
