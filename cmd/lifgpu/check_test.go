package main

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/cpu"
	"github.com/lifgpu/lifgpu/gpu"
)

// planted is a population with one difference planted: the lowest bit of neuron u's
// potential flipped, or spike k of the recording moved to the next neuron, or entry ring
// of the excitatory delay ring one w_q unit more (-1: none).
type planted struct {
	lifgpu.Population
	u, k, ring int
}

func (p planted) Potentials(dst []float32) error {
	err := p.Population.Potentials(dst)
	if p.u >= 0 {
		dst[p.u] = math.Float32frombits(math.Float32bits(dst[p.u]) ^ 1)
	}
	return err
}

// State is what check compares (internal/compare): the planted u and ring in it.
func (p planted) State() (lifgpu.State, error) {
	st, err := p.Population.State()
	if err == nil && p.u >= 0 {
		st.U[p.u] = math.Float32frombits(math.Float32bits(st.U[p.u]) ^ 1)
	}
	if err == nil && p.ring >= 0 && p.ring < len(st.RingEx) {
		st.RingEx[p.ring]++
	}
	return st, err
}

func (p planted) Recording() (*lifgpu.Recording, error) {
	r, err := p.Population.Recording()
	if err == nil && p.k >= 0 && p.k < len(r.SpikeIDs) {
		r.SpikeIDs[p.k]++
	}
	return r, err
}

// plant makes check compare the CPU with a CPU population planted with u and k.
func plant(t *testing.T, u, k int) { plantRing(t, u, k, -1) }

// plantRing is plant with a ring entry too.
func plantRing(t *testing.T, u, k, ring int) {
	saved := checkOther
	t.Cleanup(func() { checkOther = saved })
	checkOther = func(cfg lifgpu.Config, _ gpu.Options) (lifgpu.Population, error) {
		c, err := cpu.New(cfg, cpu.Options{Kernel: "reference"})
		return planted{Population: c, u: u, k: k, ring: ring}, err
	}
}

// TestCheckFindsDifference: lifgpu check exits 1 and names the first difference with
// both values, here a flipped bit of one neuron's u or one spike moved to another
// neuron. (No GPU needed: the other side is a CPU population with the planted
// difference.)
func TestCheckFindsDifference(t *testing.T) {
	t.Run("u", func(t *testing.T) {
		plant(t, 17, -1)
		code, out, errs := run(t, "check", "-n", "200", "-steps", "300")
		if code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
		}
		// The first comparison, after the first slice of 300/20 steps.
		m := regexp.MustCompile(`DIFFERENT after step 15 .*: u\[17\] = \S+ \((0x[0-9a-f]{8})\), want \S+ \((0x[0-9a-f]{8})\)`).FindStringSubmatch(errs)
		if m == nil {
			t.Fatalf("the message does not name step 15, neuron 17 and both values:\n%s", errs)
		}
		got, _ := strconv.ParseUint(m[1], 0, 32)
		want, _ := strconv.ParseUint(m[2], 0, 32)
		if got^want != 1 {
			t.Errorf("values %s and %s, want them one bit apart", m[1], m[2])
		}
		if strings.Contains(out, "bit-identical") {
			t.Errorf("check reports bit-identical:\n%s", out)
		}
	})
	t.Run("spike", func(t *testing.T) {
		plant(t, -1, 3)
		code, out, errs := run(t, "check", "-n", "200", "-steps", "300")
		if code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
		}
		m := regexp.MustCompile(`DIFFERENT after step \d+ .*: spike 3 = \(step (\d+), neuron (\d+)\), want \(step (\d+), neuron (\d+)\)`).FindStringSubmatch(errs)
		if m == nil {
			t.Fatalf("the message does not name spike 3 with its step and both neurons:\n%s", errs)
		}
		if m[1] != m[3] {
			t.Errorf("steps %s and %s, want the same step", m[1], m[3])
		}
		if g, _ := strconv.Atoi(m[2]); strconv.Itoa(g-1) != m[4] {
			t.Errorf("neurons %s and %s, want the planted one after the true one", m[2], m[4])
		}
	})
	t.Run("none", func(t *testing.T) {
		plant(t, -1, -1)
		code, out, errs := run(t, "check", "-n", "200", "-steps", "300")
		if code != 0 || !strings.Contains(out, "bit-identical") {
			t.Fatalf("exit %d, want 0 and bit-identical\n%s%s", code, out, errs)
		}
	})
}

// TestCheckNetwork: check on a network spec compares the synaptic state too (the
// currents and the delay rings): a clean run is bit-identical, one w_q unit planted in
// the excitatory ring is found and named with its slot and neuron. (The other side is a
// CPU population; gpu_test.go runs the GPU's.)
func TestCheckNetwork(t *testing.T) {
	spec := "../../testdata/specs/network.toml"
	t.Run("none", func(t *testing.T) {
		plantRing(t, -1, -1, -1)
		code, out, errs := run(t, "check", "-config", spec, "-steps", "400")
		if code != 0 || !strings.Contains(out, "bit-identical") {
			t.Fatalf("exit %d, want 0 and bit-identical\n%s%s", code, out, errs)
		}
	})
	t.Run("ring", func(t *testing.T) {
		plantRing(t, -1, -1, 4000+17) // slot 1, neuron 17
		code, out, errs := run(t, "check", "-config", spec, "-steps", "400")
		if code != 1 || !strings.Contains(errs, "DIFFERENT after step 20") || !strings.Contains(errs, "ring_ex: slot 1 (arriving at step ≡ 1), neuron 17") {
			t.Fatalf("exit %d, want 1 and the ring entry named\n%s%s", code, out, errs)
		}
	})
}
