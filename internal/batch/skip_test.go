package batch

import (
	"errors"
	"testing"
)

// skipGPU is a GPU backend that cannot run here (no GL context, and LIFGPU_REQUIRE_GPU
// unset).
type skipGPU struct{ reason string }

func (s *skipGPU) Error() string { return s.reason }

// skipIf skips the test when err is a *skipGPU.
func skipIf(t *testing.T, err error) {
	t.Helper()
	var s *skipGPU
	if errors.As(err, &s) {
		t.Skip(s.reason)
	}
}
