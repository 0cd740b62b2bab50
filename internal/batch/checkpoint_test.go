package batch

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/backend"
	"github.com/lifgpu/lifgpu/internal/npy"
)

// smallNetText is a small network that records everything and checkpoints often: its
// checkpoints hold every kind of array, and its files are small enough to damage byte
// by byte.
const smallNetText = `
n = 24
steps = 300
seed = 3
checkpoint_every = 40
[input]
bias = 0.6
noise = { std = 0.4 }
[synapses]
tau_syn_ex = 2.0
tau_syn_in = 4.0
[[projection]]
pre = [0, 18]
post = [0, 24]
p = 0.3
weight = 0.3
delay = { mean = 0.5, std = 0.2 }
[[projection]]
pre = [18, 24]
post = [0, 24]
p = 0.3
weight = -0.6
delay = 0.3
[record]
spikes = true
rate = true
traces = [0, 23]
trace_every = 3
state = true
`

// stopped starts recipe r into a new folder and interrupts it once it has passed step
// at: the folder holds a checkpoint and its parts.
func stopped(t testing.TB, r Recipe, at int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Start(ctx, Job{Recipe: r, Dir: dir, New: cpuFactory(""), Progress: func(done, _ int64, _ time.Duration) {
		if done >= at {
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run: %v", err)
	}
	return dir
}

// counting is a Factory that counts the populations made: a resume that refuses before
// any simulation makes none.
func counting(made *int) Factory {
	return func(o backend.Options, cfg lifgpu.Config) (lifgpu.Population, error) {
		*made++
		return cpuFactory("")(o, cfg)
	}
}

// TestCheckpointBitFlips flips a bit of every byte of a network's checkpoint: each
// damaged file is refused, or read as exactly the checkpoint written (a flip in a
// field nobody reads). Before the CRC-32 was verified, flips in the state read as
// another state, and the resume ran from it.
func TestCheckpointBitFlips(t *testing.T) {
	r := recipeIn(t, smallNetText)
	m := resolved(t, r)
	dir := stopped(t, r, 150)
	path := filepath.Join(dir, checkpointName)
	want, err := readCheckpoint(path, m, 300, 0)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(path)
	damaged := filepath.Join(t.TempDir(), checkpointName)
	refused := 0
	for at := range orig {
		b := bytes.Clone(orig)
		b[at] ^= 1 << (at % 8)
		os.WriteFile(damaged, b, 0o644)
		got, err := readCheckpoint(damaged, m, 300, 0)
		if err != nil {
			refused++
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("byte %d of %d flipped: read as another checkpoint without an error", at, len(orig))
		}
	}
	t.Logf("%d bytes: %d flips refused, the rest read as written", len(orig), refused)
	// End to end: a flipped bit in u is refused by the resume, before any population.
	b := bytes.Clone(orig)
	b[len(b)/4] ^= 0x10
	os.WriteFile(path, b, 0o644)
	made := 0
	if _, err := Resume(context.Background(), dir, Override{}, counting(&made), nil, nil); err == nil || !strings.Contains(err.Error(), checkpointName) || made != 0 {
		t.Errorf("resume from a damaged checkpoint: %v (%d populations made)", err, made)
	}
}

// TestCheckpointValues: checkpoints whose CRCs are right but whose values no run of
// the model could have made are refused, each naming what is wrong.
func TestCheckpointValues(t *testing.T) {
	r := recipeIn(t, smallNetText)
	m := resolved(t, r)
	dir := stopped(t, r, 150)
	path := filepath.Join(dir, checkpointName)
	good, err := readCheckpoint(path, m, 300, 0)
	if err != nil {
		t.Fatal(err)
	}
	clone := func() checkpoint {
		c := *good
		st := c.state
		st.U, st.Ref, st.Counts = append([]float32(nil), st.U...), append([]int32(nil), st.Ref...), append([]uint32(nil), st.Counts...)
		st.IEx, st.IIn = append([]float32(nil), st.IEx...), append([]float32(nil), st.IIn...)
		st.RingEx, st.RingIn = append([]int32(nil), st.RingEx...), append([]int32(nil), st.RingIn...)
		c.state = st
		c.parts = append([]partRecord(nil), c.parts...)
		return c
	}
	cases := []struct {
		name   string
		change func(c *checkpoint)
		says   string
	}{
		{"count", func(c *checkpoint) { c.state.Counts[3] = 1 << 24 }, "neuron 3 has 16777216 spikes"},
		{"step past the end", func(c *checkpoint) { c.state.Step = 301; c.parts[len(c.parts)-1].end = 301 }, "step 301 is outside the run's steps 0..300"},
		{"refractory", func(c *checkpoint) { c.state.Ref[5] = 51 }, "neuron 5 is refractory for 51 more steps, more than its t_ref of 50 steps"},
		{"negative refractory", func(c *checkpoint) { c.state.Ref[5] = -1 }, "state.ref[5] = -1"},
		{"parts end", func(c *checkpoint) { c.parts[len(c.parts)-1].end-- }, "do not end at its step"},
		{"parts order", func(c *checkpoint) { c.parts[0].end = c.parts[1].end + 1 }, "ends at step"},
		{"part hash missing", func(c *checkpoint) { c.parts[0].sums[1] = [32]byte{} }, "the SHA-256 of its rate file is missing"},
		{"ring bound", func(c *checkpoint) { c.state.RingEx[7] = 1 << 24 }, "ring_ex[0, 7] = 16777216"},
		{"ring sign", func(c *checkpoint) { c.state.RingIn[30] = 5 }, "ring_in[1, 6] = 5"},
		{"current sign", func(c *checkpoint) { c.state.IEx[2] = -1 }, "i_ex[2] = -1"},
		{"current NaN", func(c *checkpoint) { c.state.IIn[2] = float32(nan()) }, "i_in[2] = NaN"},
		{"length", func(c *checkpoint) { c.state.Counts = c.state.Counts[:10] }, "counts is uint32 (10,), want uint32 (24,)"},
	}
	for _, c := range cases {
		ck := clone()
		c.change(&ck)
		bad := filepath.Join(t.TempDir(), checkpointName)
		if err := writeCheckpoint(bad, ck); err != nil {
			t.Fatal(err)
		}
		if _, err := readCheckpoint(bad, m, 300, 0); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want a refusal saying %q", c.name, err, c.says)
		}
	}
	// The arrays' declared size against the memory allowed, from the headers.
	if _, err := readCheckpoint(path, m, 300, 1000); err == nil || !strings.Contains(err.Error(), "of memory available") {
		t.Errorf("limit: %v", err)
	}
}

func nan() float64 { var z float64; return z / z }

// TestCheckpointBomb: a checkpoint whose u declares a billion float32 in a deflated
// entry that deflate could expand that far is refused from its headers, before 4 GB
// are allocated or inflated.
func TestCheckpointBomb(t *testing.T) {
	r := recipeIn(t, smallNetText)
	m := resolved(t, r)
	dir := stopped(t, r, 150)
	path := filepath.Join(dir, checkpointName)
	arr, err := npy.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	var hdr bytes.Buffer
	npy.Write(&hdr, npy.Array{Data: make([]float32, 1)})
	h := strings.Replace(hdr.String(), "(1,)", "(1000000000,)", 1)
	h = strings.Replace(h, strings.Repeat(" ", len("1000000000")-len("1"))+"\n", "\n", 1)
	bomb := deflateBomb(t, []byte(h), 4<<20) // 4 MiB of zeros behind the header, declared 4 GB
	var others []npy.Array
	for name, a := range arr {
		if name != "u" {
			a.Name = name
			others = append(others, a)
		}
	}
	out := filepath.Join(t.TempDir(), checkpointName)
	writeZip(t, out, others, "u.npy", bomb, 4_000_000_000+uint64(len(h)))
	var got error
	if a := allocatedBytes(func() { _, got = readCheckpoint(out, m, 300, 0) }); a > 64<<20 {
		t.Errorf("allocated %d MiB before refusing", a>>20)
	}
	if got == nil || !strings.Contains(got.Error(), "u is float32 (1000000000,), want float32 (24,)") {
		t.Errorf("bomb: %v", got)
	}
}

// TestPartsVerifiedBeforeResume: a part that is missing, or whose bytes changed, is
// found by the resume before it simulates anything (the resume used to run to the end
// and then fail on a missing part, or join a damaged one into the results).
func TestPartsVerifiedBeforeResume(t *testing.T) {
	r := recipeIn(t, specText)
	for _, c := range []struct {
		name   string
		damage func(path string)
		says   string
	}{
		{"missing", func(p string) { os.Remove(p) }, "is missing: the spikes of steps 250 to 500 are lost"},
		{"flipped", func(p string) {
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 1
			os.WriteFile(p, b, 0o644)
		}, "is damaged: its SHA-256 differs"},
		{"replaced", func(p string) {
			a, _ := npy.ReadNPZ(p)
			npy.WriteNPZ(p, npy.Array{Name: "t", Data: a["t"].Data}, npy.Array{Name: "i", Data: a["i"].Data})
			os.Chtimes(p, time.Now(), time.Now())
			b, _ := os.ReadFile(p)
			os.WriteFile(p, append(b, 0), 0o644) // the same arrays, one more byte
		}, "is damaged"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := stopped(t, r, 600)
			c.damage(partPath(dir, "spikes", 2))
			made := 0
			_, err := Resume(context.Background(), dir, Override{}, counting(&made), nil, nil)
			if err == nil || !strings.Contains(err.Error(), c.says) || made != 0 {
				t.Errorf("%v (%d populations made), want a refusal saying %q before any", err, made, c.says)
			}
		})
	}
}

// TestPartValues: parts whose CRCs are right but whose values no run could have
// recorded are refused when read.
func TestPartValues(t *testing.T) {
	r := recipeIn(t, smallNetText)
	m := resolved(t, r)
	dir := t.TempDir()
	path := filepath.Join(dir, "p.npz")
	dt := m.Dt
	ts := func(steps ...int32) []float64 { return times(steps, dt) }
	cases := []struct {
		name, kind string
		arrays     []npy.Array
		says       string
	}{
		{"good spikes", "spikes", []npy.Array{{Name: "t", Data: ts(40, 40, 41)}, {Name: "i", Data: []int32{2, 5, 0}}}, ""},
		{"neuron past n", "spikes", []npy.Array{{Name: "t", Data: ts(40)}, {Name: "i", Data: []int32{24}}}, "neuron 24, outside 0..23"},
		{"step past the part", "spikes", []npy.Array{{Name: "t", Data: ts(80)}, {Name: "i", Data: []int32{1}}}, "is not a step of 40..79"},
		{"off the grid", "spikes", []npy.Array{{Name: "t", Data: []float64{4.05}}, {Name: "i", Data: []int32{1}}}, "is not a step"},
		{"unsorted", "spikes", []npy.Array{{Name: "t", Data: ts(41, 40)}, {Name: "i", Data: []int32{1, 1}}}, "out of order"},
		{"lengths", "spikes", []npy.Array{{Name: "t", Data: ts(41, 42)}, {Name: "i", Data: []int32{1}}}, "i is (1,), want (2,)"},
		{"extra array", "spikes", []npy.Array{{Name: "t", Data: ts(41)}, {Name: "i", Data: []int32{1}}, {Name: "x", Data: []int32{1}}}, "3 arrays, want 2"},
		{"rate length", "rate", []npy.Array{{Name: "t", Data: ts(40)}, {Name: "count", Data: []uint32{1}}}, "want (40,)"},
		{"traces ids", "traces", []npy.Array{{Name: "t", Data: ts(42, 45, 48, 51, 54, 57, 60, 63, 66, 69, 72, 75, 78)},
			{Name: "v", Data: make([]float32, 26), Shape: []int{13, 2}}, {Name: "neuron_ids", Data: []int32{0, 22}}}, "traced neuron 1 is 22, the run traces 23"},
	}
	for _, c := range cases {
		if err := npy.WriteNPZ(path, c.arrays...); err != nil {
			t.Fatal(err)
		}
		_, err := readPart(path, c.kind, m, 40, 80)
		if c.says == "" && err != nil || c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.says)
		}
	}
	// Rate counts above n, and rate times that skip a step.
	counts := make([]uint32, 40)
	steps := make([]int32, 40)
	for k := range steps {
		steps[k] = int32(40 + k)
	}
	counts[7] = 25
	npy.WriteNPZ(path, npy.Array{Name: "t", Data: ts(steps...)}, npy.Array{Name: "count", Data: counts})
	if _, err := readPart(path, "rate", m, 40, 80); err == nil || !strings.Contains(err.Error(), "25 spikes in step 47 of 24 neurons") {
		t.Errorf("rate count: %v", err)
	}
	steps[3] = 44
	counts[7] = 0
	npy.WriteNPZ(path, npy.Array{Name: "t", Data: ts(steps...)}, npy.Array{Name: "count", Data: counts})
	if _, err := readPart(path, "rate", m, 40, 80); err == nil || !strings.Contains(err.Error(), "want step 43") {
		t.Errorf("rate times: %v", err)
	}
}

// deflateBomb is a deflate stream of hdr and n random bytes (stored: random bytes do
// not compress): about n compressed bytes, enough for a claim 1000 times larger.
func deflateBomb(t *testing.T, hdr []byte, n int) []byte {
	t.Helper()
	noise := make([]byte, n)
	rand.Read(noise)
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.NoCompression)
	fw.Write(hdr)
	fw.Write(noise)
	fw.Close()
	return buf.Bytes()
}

// writeZip writes an .npz of arrays and one more entry name of deflated bytes raw that
// declares declared bytes.
func writeZip(t *testing.T, path string, arrays []npy.Array, name string, raw []byte, declared uint64) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, a := range arrays {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if err := npy.Write(w, a); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CompressedSize64: uint64(len(raw)), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, buf.Bytes(), 0o644)
}

// allocatedBytes is what f allocates.
func allocatedBytes(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}
