package batch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu/internal/npy"
)

// TestResumeRefusesEditedSpec: a resume after the spec file was edited is refused,
// naming each key that changed (it used to run the old spec from job.json without a
// word); an edit of comments or spacing alone is no change; a .npy the spec reads that
// changed is refused, naming the file.
func TestResumeRefusesEditedSpec(t *testing.T) {
	dir := t.TempDir()
	specPath := filepath.Join(dir, "spec.toml")
	text := strings.Replace(specText, "bias = 0.4", `bias = "bias.npy"`, 1)
	bias := make([]float32, 3000)
	for i := range bias {
		bias[i] = 0.4
	}
	if err := npy.WriteNPY(filepath.Join(dir, "bias.npy"), npy.Array{Data: bias}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(specPath, []byte(text), 0o644)
	r, err := FromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	out := stopped(t, r, 300)
	resume := func() error {
		_, err := Resume(context.Background(), out, Override{}, cpuFactory(""), nil, func(int64, int64, time.Duration) {})
		return err
	}
	edited := strings.Replace(strings.Replace(text, "steps = 1200", "steps = 2400", 1), "rate = 900.0", "rate = 950.0", 1)
	os.WriteFile(specPath, []byte(edited+"\n[neuron.extra]\n"), 0o644)
	err = resume()
	for _, want := range []string{"the spec " + specPath + " changed since the run in " + out + " started",
		"input.poisson.rate: 900 -> 950", "steps: 1200 -> 2400", "restore the spec to resume"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("edited spec: %v, want %q in it", err, want)
		}
	}
	os.WriteFile(specPath, []byte("# a comment\n"+strings.ReplaceAll(text, " = ", "=")), 0o644)
	// A changed .npy: refused, naming it.
	bias[7] = 0.5
	npy.WriteNPY(filepath.Join(dir, "bias.npy"), npy.Array{Data: bias})
	if err := resume(); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "bias.npy")+" (input.bias) was modified") {
		t.Errorf("changed .npy: %v", err)
	}
	bias[7] = 0.4
	npy.WriteNPY(filepath.Join(dir, "bias.npy"), npy.Array{Data: bias})
	if err := resume(); err != nil {
		t.Fatalf("comments and spacing only, the .npy restored: %v", err)
	}
	sameFiles(t, reference(t, r), out)
}
