package cpu_test

import (
	"testing"

	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/internal/conformance"
)

func TestNetworkHandComputed(t *testing.T) {
	conformance.HandComputed(t, factory(cpu.Options{Kernel: "reference"}))
}

func TestNetworkStoredProcedural(t *testing.T) {
	conformance.StoredProcedural(t, factory(cpu.Options{Kernel: "reference"}))
}
