package gpu

import (
	"slices"
	"strings"
	"testing"
)

// TestChooseAuto is the automatic choice on machines the tests never run on: fake
// device lists, with and without CUDA_VISIBLE_DEVICES.
func TestChooseAuto(t *testing.T) {
	sw := EGLDevice{Software: true, CUDA: -1}
	drm := EGLDevice{CUDA: -1, Render: "/dev/dri/renderD128"}
	nv := func(cuda int) EGLDevice { return EGLDevice{CUDA: cuda, cudaExt: true} }
	hidden := EGLDevice{CUDA: -1, cudaExt: true} // offers EGL_NV_device_cuda but has no number: hidden from CUDA
	withUUID := func(d EGLDevice, u string) EGLDevice { d.UUID = u; return d }
	for _, c := range []struct {
		name  string
		devs  []EGLDevice
		env   string
		set   bool
		order []int
		only  bool
		note  string // a substring of the note; "" means no note
	}{
		{"llvmpipe alone", []EGLDevice{sw}, "", false, []int{0}, false, ""},
		{"software listed first", []EGLDevice{sw, nv(0), nv(1)}, "", false, []int{1, 2, 0}, false, ""},
		{"mesa only, CUDA_VISIBLE_DEVICES ignored", []EGLDevice{sw, drm}, "1", true, []int{1, 0}, false, "not used"},
		// The driver numbers the visible devices only: the first visible is CUDA 0,
		// the hidden ones report no number.
		{"process numbering", []EGLDevice{hidden, hidden, nv(0), hidden, sw}, "2", true, []int{2, 4}, true, "EGL device 2 is CUDA device 0"},
		{"process numbering, two visible", []EGLDevice{nv(1), hidden, nv(0), sw}, "3,1", true, []int{2, 3}, true, "EGL device 2 is CUDA device 0"},
		// The driver numbers every GPU of the machine: more numbers than entries.
		{"machine numbering", []EGLDevice{nv(0), nv(1), nv(2), nv(3), sw}, "2", true, []int{2, 4}, true, "numbers all 4"},
		{"machine numbering, two visible", []EGLDevice{nv(0), nv(1), nv(2), nv(3)}, "3,0", true, []int{3}, true, "EGL device 3 is CUDA device 3"},
		// As many numbers as entries: read as the process's numbering.
		{"ambiguous", []EGLDevice{nv(0), nv(1)}, "1,0", true, []int{0}, true, "CUDA device 0, the first visible"},
		{"uuid", []EGLDevice{withUUID(nv(0), "aa"), withUUID(nv(1), "0123456789abcdef0123456789abcdef")}, "GPU-01234567-89ab-cdef-0123-456789ABCDEF", true, []int{1}, true, "UUID of EGL device 1"},
		{"uuid unknown to EGL", []EGLDevice{nv(1), nv(0)}, "GPU-01234567-89ab-cdef-0123-456789abcdef", true, []int{1}, true, "CUDA device 0"},
		{"every device hidden", []EGLDevice{nv(0), nv(1), drm, sw}, "", true, []int{2, 3}, true, "hides every CUDA device"},
		{"minus one", []EGLDevice{nv(0), sw}, "-1", true, []int{1}, true, "hides every CUDA device"},
		{"no such number", []EGLDevice{hidden, hidden, sw}, "0", true, []int{2}, true, "no EGL device is CUDA device 0"},
		{"entries after an invalid one are ignored", []EGLDevice{nv(0), nv(1), nv(2)}, "1,,2", true, []int{1}, true, "numbers all 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := chooseAuto(c.devs, c.env, c.set)
			if !slices.Equal(got.order, c.order) || got.only != c.only {
				t.Errorf("order %v only %v, want %v %v (note %q)", got.order, got.only, c.order, c.only, got.note)
			}
			if (c.note == "") != (got.note == "") || !strings.Contains(got.note, c.note) {
				t.Errorf("note %q, want one with %q", got.note, c.note)
			}
		})
	}
}

func TestCUDAVisible(t *testing.T) {
	for in, want := range map[string][]string{
		"":               nil,
		"0":              {"0"},
		" 2, 3 ":         {"2", "3"},
		"1,-1,2":         {"1"},
		"-1":             nil,
		"GPU-abc,MIG-de": {"GPU-abc", "MIG-de"},
		"0,,1":           {"0"},
	} {
		if got := cudaVisible(in); !slices.Equal(got, want) {
			t.Errorf("cudaVisible(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeviceError(t *testing.T) {
	for _, c := range []struct {
		e    DeviceError
		want string
	}{
		{DeviceError{Index: 5, Count: 1}, "EGL device 5 does not exist: EGL lists 1 device, number 0"},
		{DeviceError{Index: 2, Count: 2}, "EGL device 2 does not exist: EGL lists 2 devices, numbered 0 to 1"},
		{DeviceError{Index: 0, Count: 0}, "EGL device 0: EGL lists no devices"},
		{DeviceError{Index: 0, Why: "EGL_EXT_platform_device is not offered"}, "lists no devices (EGL_EXT_platform_device is not offered)"},
	} {
		if got := c.e.Error(); !strings.Contains(got, c.want) {
			t.Errorf("%+v: %q, want %q", c.e, got, c.want)
		}
	}
}

func TestWhere(t *testing.T) {
	for _, c := range []struct {
		d    EGLDevice
		want string
	}{
		{EGLDevice{Index: -1, CUDA: -1}, "no EGL device"},
		{EGLDevice{Index: 0, CUDA: -1, Software: true}, "EGL device 0"},
		{EGLDevice{Index: 2, CUDA: 1, PCI: "0000:65:00.0", DRM: "/dev/dri/card2", Render: "/dev/dri/renderD130"}, "EGL device 2 (CUDA 1, PCI 0000:65:00.0, /dev/dri/renderD130)"},
	} {
		if got := c.d.Where(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.d, got, c.want)
		}
	}
}
