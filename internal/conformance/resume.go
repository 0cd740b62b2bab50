package conformance

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// Resume checks that a population restored from another's state (made by the
// reference, so across backends) goes on with the same bits as the one it came from,
// and that ClearRecording starts the recording afresh at the current step.
func Resume(t *testing.T, f Factory, sc Scale) { ResumeAgainst(t, f, Reference, sc) }

// ResumeAgainst is Resume with from in place of the reference: the populations that
// run whole and give their state are from's, the restored ones f's. With f the
// reference and from another path, it tests the reference's Restore.
func ResumeAgainst(t *testing.T, f, from Factory, sc Scale) {
	rng := rand.New(rand.NewPCG(5, 6))
	for c := range max(2, sc.Cases/4) {
		cfg := RandomConfig(rng, sc.MaxN, sc.MaxSteps)
		first, second := 1+rng.IntN(sc.MaxSteps), 1+rng.IntN(sc.MaxSteps)
		t.Run(fmt.Sprintf("case%d_n%d_%d+%d", c, cfg.N, first, second), func(t *testing.T) {
			whole, resumed := pair(t, from, f, cfg)
			defer whole.Close()
			defer resumed.Close()
			if err := whole.Run(first); err != nil {
				t.Fatal(err)
			}
			st, err := whole.State()
			if err != nil {
				t.Fatal(err)
			}
			if err := whole.ClearRecording(); err != nil {
				t.Fatal(err)
			}
			if err := resumed.Run(3); err != nil { // state and recording that Restore must replace
				t.Fatal(err)
			}
			if err := resumed.Restore(st); err != nil {
				t.Fatal(err)
			}
			if err := whole.Run(second); err != nil {
				t.Fatal(err)
			}
			if err := resumed.Run(second); err != nil {
				t.Fatal(err)
			}
			if d := Diff(whole, resumed); d != "" {
				t.Fatal(d)
			}
			a, _ := whole.Recording()
			b, _ := resumed.Recording()
			if a.Start != int64(first) || b.Start != int64(first) {
				t.Errorf("recording starts at %d and %d, want %d", a.Start, b.Start, first)
			}
		})
	}
	pop := mustNew(t, f, lifgpu.Config{N: 4})
	defer pop.Close()
	bad := lifgpu.State{Step: 1, U: make([]float32, 3), Ref: make([]int32, 4), Counts: make([]uint32, 4)}
	if err := pop.Restore(bad); err == nil {
		t.Error("Restore took a state of 3 neurons into a population of 4")
	}
}
