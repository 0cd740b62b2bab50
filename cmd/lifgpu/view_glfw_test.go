//go:build glfw && egl && cgo && linux

package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu/internal/xvfb"
)

// TestView runs lifgpu view in a subprocess under a virtual X server it starts: a few
// frames of the built-in spec and of a network spec, each with its screenshot; then
// without a display, and with flags it refuses.
func TestView(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"-backend cpu", "only gpu"},
		{"-device 0", "-device chooses among EGL devices for headless runs"},
		{"-steps-per-frame 0", "must be in 1.."},
		{"-frames -1", "must be 0"},
	} {
		code, _, errs := run(t, append([]string{"view"}, strings.Fields(c.args)...)...)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("view %s: exit %d, %q; want 1 and %q", c.args, code, errs, c.want)
		}
	}
	srv, err := xvfb.Start(1280, 1024)
	if err != nil {
		if os.Getenv("LIFGPU_REQUIRE_GPU") == "1" {
			t.Fatalf("LIFGPU_REQUIRE_GPU=1 and %v", err)
		}
		t.Skip(err)
	}
	defer srv.Stop()
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
	}{
		{"builtin", []string{"-n", "4096", "-frames", "3", "-steps-per-frame", "5"}},
		{"network", []string{"-config", "../../testdata/specs/network.toml", "-frames", "2"}},
	} {
		shot := filepath.Join(dir, c.name+".png")
		cmd := command(append(append([]string{"view"}, c.args...), "-screenshot", shot)...)
		cmd.Env = append(cmd.Env, "DISPLAY="+srv.Display)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "screenshot "+shot) {
			t.Fatalf("view %v: %v\n%s", c.args, err, out)
		}
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() != 1280 || img.Bounds().Dy() != 720 {
			t.Fatalf("%s: %v, %v; want a 1280x720 PNG", shot, err, img.Bounds())
		}
	}
	cmd := command("view", "-frames", "1")
	cmd.Env = append(cmd.Env, "DISPLAY=")
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "DISPLAY is not set") {
		t.Errorf("view without a display: exit %d (%v), %s; want 1 and a clear error", code, err, out)
	}
}
