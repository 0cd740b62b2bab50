//go:build !cgo || !egl

package batch

import (
	"os"
	"testing"
)

// TestGPUTestsBuilt: this package's GPU tests (gpu_test.go) need cgo and -tags egl;
// without them they are not compiled, which LIFGPU_REQUIRE_GPU=1 must not let pass.
func TestGPUTestsBuilt(t *testing.T) {
	if os.Getenv("LIFGPU_REQUIRE_GPU") == "1" {
		t.Fatal("LIFGPU_REQUIRE_GPU=1, but this test binary was built without GPU support (needs cgo and -tags egl): the GPU tests of internal/batch did not run")
	}
	t.Skip("built without GPU support (needs cgo and -tags egl): the GPU tests of this package are not compiled")
}
