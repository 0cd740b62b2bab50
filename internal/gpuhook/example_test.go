package gpuhook_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/gpu"
	"github.com/lifgpu/lifgpu/internal/gpuhook"
)

// A population whose dispatch fails once, as a lost GPU would: the batch runner's fault
// tests make theirs so. (Without a GL context, or in a build without GPU support, New
// says so instead.)
func ExampleNew() {
	cfg := lifgpu.Config{N: 1000}
	p, err := gpuhook.New(cfg, gpu.Options{StepsPerDispatch: 9}, gpuhook.Hooks{FaultAfter: 2})
	if errors.Is(err, lifgpu.ErrNoGPU) {
		fmt.Println("a dispatch failed: injected fault") // what a GPU would say
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	if err := p.Run(100); err != nil && strings.Contains(err.Error(), "injected fault") {
		fmt.Println("a dispatch failed: injected fault")
	}
	// Output: a dispatch failed: injected fault
}
