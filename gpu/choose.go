package gpu

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// This file holds the automatic choice among EGL's devices as pure functions of what
// EGL says of them and of CUDA_VISIBLE_DEVICES, so that a table test covers machines
// that the tests never run on.

// autoChoice is the automatic choice among EGL's devices.
type autoChoice struct {
	order []int // indices of the devices to try, in order
	// only: CUDA_VISIBLE_DEVICES narrowed the choice, so no display that could land on
	// an NVIDIA device it hides (EGL's default display) is tried after these devices;
	// Mesa's surfaceless platform still is.
	only bool
	note string // how CUDA_VISIBLE_DEVICES was read; "" when it is not set
}

// nvidia reports whether EGL says the device is a CUDA device: it offers
// EGL_NV_device_cuda, whether or not it gives its number.
func (d EGLDevice) nvidia() bool { return d.cudaExt || d.CUDA >= 0 }

// chooseAuto orders the devices for the automatic choice: the hardware devices in EGL's
// order, then the software ones. cuda is CUDA_VISIBLE_DEVICES, set whether it is set.
//
// When it is set and some device reports its CUDA number, the NVIDIA devices are
// narrowed to the first visible CUDA device. EGL_CUDA_DEVICE_NV is a CUdevice, CUDA's
// number for the device in this process, which counts the visible devices only: the
// first visible device is CUDA device 0. A driver that numbers every GPU of the
// machine instead shows itself by reporting more CUDA devices than
// CUDA_VISIBLE_DEVICES lists; its first entry, when it is a number, is then the
// number to look for. An entry GPU-<uuid> is looked for among the devices' UUIDs
// first. The other NVIDIA devices are not tried (they may be another job's); the
// devices that are not NVIDIA's follow as usual.
func chooseAuto(devs []EGLDevice, cuda string, set bool) autoChoice {
	var hw, sw []int
	for k, d := range devs {
		if d.Software {
			sw = append(sw, k)
		} else {
			hw = append(hw, k)
		}
	}
	plain := autoChoice{order: append(hw, sw...)}
	if !set {
		return plain
	}
	var withID, nv int
	for _, d := range devs {
		if d.CUDA >= 0 {
			withID++
		}
		if d.nvidia() {
			nv++
		}
	}
	if nv == 0 {
		plain.note = fmt.Sprintf("CUDA_VISIBLE_DEVICES=%q is set, but no EGL device reports a CUDA number (EGL_NV_device_cuda): it is not used", cuda)
		return plain
	}
	c := autoChoice{only: true}
	pick := -1
	visible := cudaVisible(cuda)
	switch {
	case len(visible) == 0:
		c.note = fmt.Sprintf("CUDA_VISIBLE_DEVICES=%q hides every CUDA device: no NVIDIA device is tried", cuda)
	default:
		first := visible[0]
		if u, ok := strings.CutPrefix(first, "GPU-"); ok {
			for k, d := range devs {
				if d.UUID != "" && normUUID(d.UUID) == normUUID(u) {
					pick = k
					c.note = fmt.Sprintf("CUDA_VISIBLE_DEVICES=%q: its first entry is the UUID of EGL device %d", cuda, k)
					break
				}
			}
		}
		if pick >= 0 {
			break
		}
		want, how := 0, "CUDA device 0, the first visible one"
		if p, err := strconv.Atoi(first); err == nil && withID > len(visible) {
			want, how = p, fmt.Sprintf("CUDA device %d: the driver numbers all %d CUDA devices of the machine, more than CUDA_VISIBLE_DEVICES lists", p, withID)
		}
		for k, d := range devs {
			if d.CUDA == want {
				pick = k
				break
			}
		}
		if pick < 0 {
			c.note = fmt.Sprintf("CUDA_VISIBLE_DEVICES=%q: no EGL device is %s: no NVIDIA device is tried", cuda, how)
		} else {
			c.note = fmt.Sprintf("CUDA_VISIBLE_DEVICES=%q: EGL device %d is %s", cuda, pick, how)
		}
	}
	if pick >= 0 {
		c.order = append(c.order, pick)
	}
	for _, k := range plain.order {
		if !devs[k].nvidia() {
			c.order = append(c.order, k)
		}
	}
	return c
}

// Visible reports, for each of EGL's devices devs, whether CUDA_VISIBLE_DEVICES (cuda;
// set: whether it is set) lets this process use it, by chooseAuto's reading of the
// variable: a device that is not NVIDIA's always; every device when the variable is not
// set, or when no device reports a CUDA number. Otherwise an NVIDIA device is visible
// when its UUID is listed (GPU-<uuid>), or by its CUDA number: below the number of
// entries where EGL numbers the visible devices only (from 0, as CUDA does in the
// process), or listed where the driver numbers every CUDA device of the machine (it
// reports more than the variable lists). An NVIDIA device that gives no number is then
// not visible: it may be another job's.
func Visible(devs []EGLDevice, cuda string, set bool) []bool {
	keep := make([]bool, len(devs))
	var withID, nv int
	for k, d := range devs {
		keep[k] = !d.nvidia()
		if d.CUDA >= 0 {
			withID++
		}
		if d.nvidia() {
			nv++
		}
	}
	if !set || nv == 0 {
		for k := range keep {
			keep[k] = true
		}
		return keep
	}
	visible := cudaVisible(cuda)
	listed := map[int]bool{}
	for _, e := range visible {
		if u, ok := strings.CutPrefix(e, "GPU-"); ok {
			for k, d := range devs {
				if d.UUID != "" && normUUID(d.UUID) == normUUID(u) {
					keep[k] = true
				}
			}
		} else if p, err := strconv.Atoi(e); err == nil {
			listed[p] = true
		}
	}
	whole := withID > len(visible)
	for k, d := range devs {
		if d.CUDA >= 0 && (whole && listed[d.CUDA] || !whole && d.CUDA < len(visible)) {
			keep[k] = true
		}
	}
	return keep
}

// cudaVisible splits CUDA_VISIBLE_DEVICES into its entries as CUDA reads them: up to
// the first entry that is empty or a negative number ("-1" hides every device).
func cudaVisible(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" || strings.HasPrefix(e, "-") {
			break
		}
		out = append(out, e)
	}
	return out
}

// normUUID is a UUID in lower-case hex without dashes.
func normUUID(u string) string { return strings.ToLower(strings.ReplaceAll(u, "-", "")) }

// pciOf is the PCI bus id of a DRM device file (/dev/dri/card0, /dev/dri/renderD128),
// read from /sys/class/drm/NAME/device, or "" when /sys does not say.
func pciOf(node string) string {
	if node == "" {
		return ""
	}
	target, err := os.Readlink(filepath.Join("/sys/class/drm", filepath.Base(node), "device"))
	if err != nil {
		return ""
	}
	id := filepath.Base(target)
	// A PCI device's folder is its bus id, dddd:bb:dd.f; others (platform devices) are not.
	if len(id) == 12 && id[4] == ':' && id[7] == ':' && id[10] == '.' {
		return id
	}
	return ""
}
