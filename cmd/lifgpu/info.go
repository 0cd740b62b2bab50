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

// cmdInfo prints what this machine offers: the CPU kernels, EGL's devices, and the GL
// device that the GPU backend would use (the automatic choice, or -device K).
func cmdInfo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.SetOutput(stderr)
	device := fs.Int("device", 0, "describe EGL device `K` instead of the automatic choice")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	var dev *int
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "device" {
			dev = device
		}
	})
	fmt.Fprintf(stdout, "lifgpu %s (%s, %s/%s)\n", lifgpu.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "cpu        %s, %d CPUs; kernels %s\n", cpuModel(), runtime.NumCPU(), strings.Join(cpu.Kernels(), ", "))
	printDevices(stdout)
	d, err := gpu.InfoFor(dev)
	if err != nil {
		if dev != nil {
			return err
		}
		fmt.Fprintf(stdout, "gpu        none: %v\n", err)
		fmt.Fprintln(stdout, "auto       cpu")
		return nil
	}
	which := "the automatic choice"
	if dev != nil {
		which = fmt.Sprintf("-device %d", *dev)
	}
	fmt.Fprintf(stdout, "gpu        %s: %s\n", which, d.EGL.Where())
	fmt.Fprintf(stdout, "renderer   %s\n", d.Renderer)
	fmt.Fprintf(stdout, "vendor     %s\n", d.Vendor)
	fmt.Fprintf(stdout, "GL         %s (GLSL %s)\n", d.Version, d.GLSL)
	fmt.Fprintf(stdout, "context    %s, made in %.2f s\n", d.Platform, d.ContextTime.Seconds())
	if d.Robust {
		access := "off"
		if d.RobustAccess {
			access = "on"
		}
		fmt.Fprintf(stdout, "resets     reported: a GPU reset ends a run at its last checkpoint (context asked with %s; robust buffer access %s)\n", d.Robustness, access)
	} else {
		fmt.Fprintf(stdout, "resets     not reported by this context: a GPU reset may go unnoticed (%s)\n", d.Robustness)
	}
	fmt.Fprintf(stdout, "limits     storage block %d MiB, %d work groups (x), %d storage blocks per shader\n", d.MaxBlockSize>>20, d.MaxGroupCount, d.MaxStorageBlocks)
	switch {
	case d.MemoryAvailable > 0 && d.MemoryTotal > 0:
		fmt.Fprintf(stdout, "memory     %d MiB free of %d MiB (%s)\n", d.MemoryAvailable>>20, d.MemoryTotal>>20, d.MemorySource)
	case d.MemoryAvailable > 0:
		fmt.Fprintf(stdout, "memory     %d MiB free (%s)\n", d.MemoryAvailable>>20, d.MemorySource)
	default:
		fmt.Fprintln(stdout, "memory     not reported by the driver; the memory check before a run is skipped")
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

// printDevices lists EGL's devices, one a line, marking the one the automatic choice
// tries first.
func printDevices(w io.Writer) {
	devs, err := gpu.Devices()
	if err != nil {
		fmt.Fprintf(w, "devices    none listed: %v\n", err)
		return
	}
	plural := "s"
	if len(devs) == 1 {
		plural = ""
	}
	fmt.Fprintf(w, "devices    %d EGL device%s (-device K picks one; * marks the automatic choice)\n", len(devs), plural)
	for k, d := range devs {
		mark := " "
		if d.EGL.Auto {
			mark = "*"
		}
		kind := "hardware"
		if d.Software || d.EGL.Software {
			kind = "software"
		}
		var ids []string
		if d.EGL.CUDA >= 0 {
			ids = append(ids, fmt.Sprintf("CUDA %d", d.EGL.CUDA))
		}
		if d.EGL.PCI != "" {
			ids = append(ids, "PCI "+d.EGL.PCI)
		}
		for _, node := range []string{d.EGL.DRM, d.EGL.Render} {
			if node != "" {
				ids = append(ids, node)
			}
		}
		if d.EGL.UUID != "" {
			ids = append(ids, "UUID "+d.EGL.UUID)
		}
		if len(ids) == 0 {
			ids = append(ids, "no CUDA number, PCI id or DRM node")
		}
		name := d.Renderer
		if d.Vendor != "" {
			name += " (" + d.Vendor + ")"
		}
		if d.Err != nil {
			first, _, _ := strings.Cut(d.Err.Error(), "\n")
			name = "no OpenGL 4.3 context: " + strings.TrimSpace(first)
			if d.EGL.Renderer != "" {
				name = d.EGL.Renderer + "; " + name
			}
		}
		fmt.Fprintf(w, "  %s %-3d %s; %s; %s\n", mark, k, name, kind, strings.Join(ids, ", "))
	}
	if note := gpu.AutoNote(); note != "" {
		fmt.Fprintf(w, "           %s\n", note)
	}
}
