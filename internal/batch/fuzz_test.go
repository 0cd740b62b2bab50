package batch

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzCheckpoint feeds the readers of checkpoint.npz and of the parts arbitrary files
// (which: 0 a checkpoint, 1..3 a part of spikes, rate, traces): each must refuse or
// return what the model allows, never panic, hang or allocate what the file's headers
// merely claim. Seeds: a network's checkpoint and its parts (smallNetText, stopped
// after its third checkpoint), whose damaged forms the fuzzer then makes.
func FuzzCheckpoint(f *testing.F) {
	r := recipeIn(f, smallNetText)
	m := resolved(f, r)
	dir := stopped(f, r, 150)
	if b, err := os.ReadFile(filepath.Join(dir, checkpointName)); err == nil {
		f.Add(uint8(0), b)
	}
	for kind, name := range partKinds {
		for k := 1; k <= 2; k++ {
			if b, err := os.ReadFile(partPath(dir, name, k)); err == nil {
				f.Add(uint8(1+kind), b)
			}
		}
	}
	tmp := f.TempDir()
	f.Fuzz(func(t *testing.T, which uint8, file []byte) {
		path := filepath.Join(tmp, "x.npz")
		if err := os.WriteFile(path, file, 0o644); err != nil {
			t.Fatal(err)
		}
		if which%4 == 0 {
			c, err := readCheckpoint(path, m, 300, 64<<20)
			if err != nil {
				return
			}
			// What was accepted is a checkpoint of this model, and writes back as itself.
			back := filepath.Join(tmp, "back.npz")
			if err := writeCheckpoint(back, *c); err != nil {
				t.Fatal(err)
			}
			d, err := readCheckpoint(back, m, 300, 64<<20)
			if err != nil || !reflect.DeepEqual(c, d) {
				t.Fatalf("an accepted checkpoint does not read back: %v", err)
			}
			return
		}
		kind := partKinds[which%4-1]
		// Part 2 of the run: steps 40..80 (its checkpoints come every 40 steps).
		a, err := readPart(path, kind, m, 40, 80)
		if err != nil {
			return
		}
		switch kind {
		case "spikes":
			for _, id := range a["i"].Data.([]int32) {
				if id < 0 || int(id) >= m.N {
					t.Fatalf("accepted neuron %d of %d", id, m.N)
				}
			}
		case "rate":
			if len(a["count"].Data.([]uint32)) != 40 {
				t.Fatalf("accepted %d rate steps in a part of 40", len(a["count"].Data.([]uint32)))
			}
		case "traces":
			if len(a["v"].Data.([]float32)) != 2*len(a["t"].Data.([]float64)) {
				t.Fatal("accepted traces of another shape")
			}
		}
	})
}
