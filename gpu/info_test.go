//go:build cgo && egl

package gpu

import "testing"

func TestInfo(t *testing.T) {
	d, err := Info()
	noGPU(t, err)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s; platform %s; context in %v; %d storage blocks; max n %d", d, d.Platform, d.ContextTime, d.MaxStorageBlocks, d.MaxN)
	if d.MaxBlockSize < 1<<24 || d.MaxGroupCount < 65535 || d.Renderer == "" {
		t.Errorf("implausible limits: %+v", d)
	}
	hw, err := Probe()
	if err != nil {
		t.Fatal(err)
	}
	if hw == d.Software {
		t.Errorf("Probe() = %v for a renderer with Software = %v", hw, d.Software)
	}
}
