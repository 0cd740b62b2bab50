package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/gpu"
)

// cmdInfo prints what this machine offers: the CPU kernels and the GL device.
func cmdInfo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	fmt.Fprintf(stdout, "lifgpu %s (%s, %s/%s)\n", lifgpu.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "cpu        %s, %d CPUs; kernels %s\n", cpuModel(), runtime.NumCPU(), strings.Join(cpu.Kernels(), ", "))
	d, err := gpu.Info()
	if err != nil {
		fmt.Fprintf(stdout, "gpu        none: %v\n", err)
		fmt.Fprintln(stdout, "auto       cpu")
		return nil
	}
	fmt.Fprintf(stdout, "renderer   %s\n", d.Renderer)
	fmt.Fprintf(stdout, "vendor     %s\n", d.Vendor)
	fmt.Fprintf(stdout, "GL         %s (GLSL %s)\n", d.Version, d.GLSL)
	fmt.Fprintf(stdout, "context    %s, made in %.2f s\n", d.Platform, d.ContextTime.Seconds())
	fmt.Fprintf(stdout, "limits     storage block %d MiB, %d work groups (x), %d storage blocks per shader\n", d.MaxBlockSize>>20, d.MaxGroupCount, d.MaxStorageBlocks)
	if d.MemoryTotal > 0 {
		fmt.Fprintf(stdout, "memory     %d MiB free of %d MiB\n", d.MemoryAvailable>>20, d.MemoryTotal>>20)
	} else {
		fmt.Fprintln(stdout, "memory     not reported by the driver")
	}
	if d.MaxN > 0 {
		fmt.Fprintf(stdout, "largest    %d neurons (default parameters, spikes recorded)\n", d.MaxN)
	} else {
		fmt.Fprintln(stdout, "largest    unknown (the driver does not report free memory)")
	}
	auto := "gpu"
	if d.Software {
		auto = "cpu (the GL device is a software renderer: -backend gpu uses it, for testing)"
	}
	fmt.Fprintf(stdout, "auto       %s\n", auto)
	return nil
}
