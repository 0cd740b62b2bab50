package npy_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/lifgpu/lifgpu/internal/npy"
)

// A spike list and a trace matrix into one .npz, as the simulator writes them.
func ExampleWriteNPZ() {
	dir, err := os.MkdirTemp("", "npy")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "run.npz")
	steps := []int32{13, 77, 141}
	rows, ids := 2, []int32{0, 5}
	traces := []float32{-62, -61.5, -60, -59.75}
	err = npy.WriteNPZ(path,
		npy.Array{Name: "spike_steps", Data: steps},
		npy.Array{Name: "traces", Shape: []int{rows, len(ids)}, Data: traces},
	)
	if err != nil {
		log.Fatal(err)
	}
	back, err := npy.ReadNPZ(path) // what numpy.load(path) gives, too
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(back["spike_steps"].Shape, back["traces"].Shape)
	// Output: [3] [2 2]
}

// A per-neuron parameter array from a .npy file, in float64 whatever its dtype.
func ExampleReadFile() {
	dir, err := os.MkdirTemp("", "npy")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := npy.WriteNPY(filepath.Join(dir, "tau_m.npy"), npy.Array{Data: []float32{10, 12.5, 20}}); err != nil {
		log.Fatal(err)
	}
	a, err := npy.ReadFile(filepath.Join(dir, "tau_m.npy"))
	if err != nil {
		log.Fatal(err)
	}
	tau, err := a.Float64s()
	fmt.Println(a.Shape, tau, err)
	// Output: [3] [10 12.5 20] <nil>
}
