package spec_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lifgpu/lifgpu"
	"github.com/lifgpu/lifgpu/internal/conn"
	"github.com/lifgpu/lifgpu/internal/model"
	"github.com/lifgpu/lifgpu/internal/npy"
	"github.com/lifgpu/lifgpu/internal/spec"
)

// netSpec has every network key: groups written out of alphabetical order, both port
// time constants, a file, and generated projections of each rule.
const netSpec = `
n = 100
steps = 10
seed = 4
[groups]
Z = 80
A = 20
[synapses]
tau_syn_ex = 5.0
tau_syn_in = 0.0
weight_resolution = 0.0009765625
[[projection]]
file = "conn.npz"
[[projection]]
name = "ZZ"
pre = "Z"
post = [0, 100]
p = 0.1
weight = 1.5
delay = { mean = 1.5, std = 0.75 }
procedural = true
autapses = false
[[projection]]
name = "AZ"
pre = "A"
post = "Z"
in_degree = 5
weight = { mean = -2.0, std = 0.2 }
delay = 0.8
multapses = false
`

// writeConn writes conn.npz into dir with the arrays given.
func writeConn(t *testing.T, dir string, arrays ...npy.Array) {
	t.Helper()
	if err := npy.WriteNPZ(filepath.Join(dir, "conn.npz"), arrays...); err != nil {
		t.Fatal(err)
	}
}

// goodConn is an explicit projection of three synapses, indices int64 and int32.
func goodConn() []npy.Array {
	return []npy.Array{
		{Name: "i", Data: []int64{0, 1, 99}}, {Name: "j", Data: []int32{5, 5, 0}},
		{Name: "w", Data: []float32{0.5, -1, 2}}, {Name: "delay", Data: []float64{0.1, 1, 2.5}},
	}
}

func TestNetworkSpec(t *testing.T) {
	dir := t.TempDir()
	writeConn(t, dir, goodConn()...)
	s, err := spec.Parse("net.toml", []byte(netSpec), dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Groups) != 2 || cfg.Groups[0] != (lifgpu.Group{Name: "Z", N: 80}) || cfg.Groups[1] != (lifgpu.Group{Name: "A", N: 20}) {
		t.Errorf("groups %+v, want Z = 80 then A = 20, as written", cfg.Groups)
	}
	sy := cfg.Synapses
	if sy.TauSynEx.At(0) != 5 || !sy.TauSynIn.IsSet() || sy.TauSynIn.At(0) != 0 || sy.WeightResolution != 1.0/1024 {
		t.Errorf("synapses %+v", sy)
	}
	if len(cfg.Projections) != 3 {
		t.Fatalf("%d projections", len(cfg.Projections))
	}
	ex := cfg.Projections[0]
	if !ex.Explicit() || ex.Name != "conn.npz" || len(ex.Pre) != 3 || ex.Pre[2] != 99 || ex.Post[0] != 5 || ex.Weight[1] != -1 || ex.Delay[2] != 2.5 {
		t.Errorf("explicit projection %+v", ex)
	}
	zz := cfg.Projections[1]
	want := lifgpu.Projection{Name: "ZZ", PreRange: lifgpu.Range{Lo: 0, Hi: 80}, PostRange: lifgpu.Range{Lo: 0, Hi: 100}, P: 0.1,
		WeightDist: lifgpu.Dist{Mean: 1.5}, DelayDist: lifgpu.Dist{Mean: 1.5, Std: 0.75}, Procedural: true, NoAutapses: true}
	if !sameProjection(zz, want) {
		t.Errorf("ZZ = %+v, want %+v", zz, want)
	}
	az := cfg.Projections[2]
	want = lifgpu.Projection{Name: "AZ", PreRange: lifgpu.Range{Lo: 80, Hi: 100}, PostRange: lifgpu.Range{Lo: 0, Hi: 80}, InDegree: 5,
		WeightDist: lifgpu.Dist{Mean: -2, Std: 0.2}, DelayDist: lifgpu.Dist{Mean: 0.8}, NoMultapses: true}
	if !sameProjection(az, want) {
		t.Errorf("AZ = %+v, want %+v", az, want)
	}
	m, err := model.Resolve(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Net.Q != 10 || m.Net.Stored != 3+5*80 {
		t.Errorf("q = %d, %d stored synapses; want 10 and %d", m.Net.Q, m.Net.Stored, 3+5*80)
	}
	// run.json shows the spec as written: groups in order, ranges, numbers and tables.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"groups":{"Z":80,"A":20}`, `"file":"conn.npz"`, `"pre":"Z","post":[0,100],"p":0.1,"weight":1.5,"delay":{"mean":1.5,"std":0.75},"procedural":true,"autapses":false`,
		`"in_degree":5,"weight":{"mean":-2,"std":0.2},"delay":0.8,"multapses":false`, `"tau_syn_ex":5`} {
		if !strings.Contains(string(b), w) {
			t.Errorf("JSON lacks %s:\n%s", w, b)
		}
	}
}

func sameProjection(a, b lifgpu.Projection) bool {
	return a.Name == b.Name && a.PreRange == b.PreRange && a.PostRange == b.PostRange && a.P == b.P && a.InDegree == b.InDegree &&
		a.WeightDist == b.WeightDist && a.DelayDist == b.DelayDist && a.Procedural == b.Procedural &&
		a.NoAutapses == b.NoAutapses && a.NoMultapses == b.NoMultapses && !a.Explicit()
}

// TestNetworkErrors: each kind of bad network input is refused before a run, naming the
// projection and the field (or the key), with the value and the rule.
func TestNetworkErrors(t *testing.T) {
	gen := "n = 100\n[groups]\nE = 80\nI = 20\n[[projection]]\nname = \"EE\"\npre = \"E\"\npost = \"E\"\n"
	rule := gen + "p = 0.1\nweight = 1.0\ndelay = 1.0\n"
	file := "n = 100\n[[projection]]\nfile = \"conn.npz\"\n"
	with := func(f func(a []npy.Array) []npy.Array) []npy.Array { return f(goodConn()) }
	cases := []struct {
		name string
		text string
		npz  []npy.Array // conn.npz, when not nil
		says []string
	}{
		{"index out of range (int64)", file, with(func(a []npy.Array) []npy.Array {
			a[0].Data = []int64{0, 100, 1}
			return a
		}), []string{"projection[0]: conn.npz: i[1] = 100", "must be a neuron index in 0..99"}},
		{"index beyond int32", file, with(func(a []npy.Array) []npy.Array {
			a[0].Data = []int64{0, 1 << 33, 1}
			return a
		}), []string{"i[1] = 8589934592"}},
		{"negative index (int32)", file, with(func(a []npy.Array) []npy.Array {
			a[1].Data = []int32{5, -1, 0}
			return a
		}), []string{"j[1] = -1"}},
		{"delay rounds to 0", file, with(func(a []npy.Array) []npy.Array {
			a[3].Data = []float64{0.1, 0.04, 2.5}
			return a
		}), []string{"delay[1] = 0.04", "rounds to 0 steps of dt = 0.1 ms"}},
		{"NaN weight", file, with(func(a []npy.Array) []npy.Array {
			a[2].Data = []float32{0.5, float32(math.NaN()), 2}
			return a
		}), []string{"w[1] = NaN", "finite"}},
		{"unequal lengths", file, with(func(a []npy.Array) []npy.Array {
			a[2].Data = []float32{0.5, 1}
			return a
		}), []string{"conn.npz: w = 2 values", "i has 3"}},
		{"missing array", file, with(func(a []npy.Array) []npy.Array { return a[:3] }),
			[]string{"conn.npz: delay = missing", "it has i, j, w"}},
		{"float indices", file, with(func(a []npy.Array) []npy.Array {
			a[0].Data = []float64{0, 1, 2}
			return a
		}), []string{"conn.npz: i = []float64", "int32 or int64"}},
		{"two-dimensional", file, with(func(a []npy.Array) []npy.Array {
			a[2].Shape = []int{3, 1}
			return a
		}), []string{"w = shape [3 1]", "one-dimensional"}},
		{"no file", file, nil, []string{"projection[0]", "conn.npz"}},
		{"file and rule", file + "p = 0.5\n", goodConn(), []string{"projection[0].p = given", "no rule"}},
		{"groups do not sum to n", "n = 100\n[groups]\nE = 80\nI = 10\n", nil, []string{"groups = E = 80, I = 10", "sum to 90", "n = 100"}},
		{"group not a number", "n = 100\n[groups]\nE = \"x\"\n", nil, []string{"groups", `group "E"`}},
		{"unknown group", strings.Replace(rule, `post = "E"`, `post = "X"`, 1), nil, []string{`projection[0] (EE).post = "X"`, "the groups are E, I"}},
		{"range out of bounds", strings.Replace(rule, `post = "E"`, `post = [50, 101]`, 1), nil, []string{"projection[0] (EE).post = [50, 101]", "within [0, 100)"}},
		{"bad range", strings.Replace(rule, `post = "E"`, `post = [1, 2, 3]`, 1), nil, []string{"projection.post", "range [lo, hi)"}},
		{"missing pre", strings.Replace(rule, "pre = \"E\"\n", "", 1), nil, []string{"projection[0] (EE).pre = missing"}},
		{"p above 1", strings.Replace(rule, "p = 0.1", "p = 1.5", 1), nil, []string{"projection[0] (EE).p = 1.5", "(0, 1]"}},
		{"p below 0", strings.Replace(rule, "p = 0.1", "p = -0.1", 1), nil, []string{"projection[0] (EE).p = -0.1", "(0, 1]"}},
		{"p = 0", strings.Replace(rule, "p = 0.1", "p = 0", 1), nil, []string{"projection[0] (EE).p = 0", "no synapse"}},
		{"p and in_degree", rule + "in_degree = 4\n", nil, []string{"projection[0] (EE).p = 0.1", "not both"}},
		{"no rule", gen + "weight = 1.0\ndelay = 1.0\n", nil, []string{"projection[0] (EE).p = missing"}},
		{"no weight", gen + "p = 0.1\ndelay = 1.0\n", nil, []string{"projection[0] (EE).weight = missing"}},
		{"no delay", gen + "p = 0.1\nweight = 1.0\n", nil, []string{"projection[0] (EE).delay = missing"}},
		{"NaN mean weight", gen + "p = 0.1\nweight = nan\ndelay = 1.0\n", nil, []string{"projection[0] (EE).weight = NaN"}},
		{"negative std", gen + "p = 0.1\nweight = { mean = 1.0, std = -1.0 }\ndelay = 1.0\n", nil, []string{"projection[0] (EE).weight.std = -1"}},
		{"generated delay rounds to 0", gen + "p = 0.1\nweight = 1.0\ndelay = 0.01\n", nil, []string{"projection[0] (EE).delay = 0.01", "rounds to 0 steps"}},
		{"in_degree beyond the pre range", gen + "in_degree = 81\nmultapses = false\nweight = 1.0\ndelay = 1.0\n", nil,
			[]string{"projection[0] (EE).in_degree = 81", "80 distinct pre neurons"}},
		{"in_degree without autapses", gen + "in_degree = 80\nmultapses = false\nautapses = false\nweight = 1.0\ndelay = 1.0\n", nil,
			[]string{"projection[0] (EE).in_degree = 80", "79 distinct pre neurons"}},
		{"procedural in_degree", gen + "in_degree = 8\nprocedural = true\nweight = 1.0\ndelay = 1.0\n", nil,
			[]string{"projection[0] (EE).procedural = true", "takes p, not in_degree"}},
		{"unknown key", rule + "weigth = 2.0\n", nil, []string{`unknown key "projection.weigth" in projection[0]`, "in [[projection]]"}},
		{"unknown key, second projection", rule + "[[projection]]\npre = \"I\"\nprob = 0.1\n", nil, []string{`unknown key "projection.prob" in projection[1]`}},
		{"unknown key in weight", gen + "p = 0.1\nweight = { mean = 1.0, sd = 0.1 }\ndelay = 1.0\n", nil, []string{"projection.weight", `unknown key "sd"`}},
		{"unknown key in synapses", "n = 3\n[synapses]\ntau_ex = 1.0\n", nil, []string{`unknown key "synapses.tau_ex"`, "tau_syn_ex"}},
		{"negative tau", "n = 3\n[synapses]\ntau_syn_in = -1.0\n", nil, []string{"synapses.tau_syn_in = -1"}},
		{"tau array length", "n = 3\n[synapses]\ntau_syn_ex = [1.0, 2.0]\n", nil, []string{"synapses.tau_syn_ex"}},
		{"resolution not a power of two", "n = 3\n[synapses]\nweight_resolution = 0.3\n", nil, []string{"synapses.weight_resolution = 0.3", "power of two"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.npz != nil {
				writeConn(t, dir, c.npz...)
			}
			s, err := spec.Parse("bad.toml", []byte(c.text), dir)
			if err == nil {
				_, err = s.Config()
			}
			if err == nil {
				t.Fatalf("accepted; want an error with %q", c.says)
			}
			for _, w := range c.says {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestNetworkResolution: weights that would overflow the int32 accumulators are refused
// when the network is built, with the numbers: at the resolution asked for (and the
// finest that fits), or at any resolution.
func TestNetworkResolution(t *testing.T) {
	base := "[[projection]]\npre = [0, 10]\npost = [0, 10]\np = 1.0\ndelay = 1.0\n"
	for _, c := range []struct {
		text      string
		requested bool
		says      []string
	}{
		{"[synapses]\nweight_resolution = 9.5367431640625e-07\n" + base + "weight = 2.0\n", true, // 2^-20: 10 x 2 x 2^20 > 2^24
			[]string{"synapses.weight_resolution = 9.5367431640625e-07 nA", "(2^-20)", "20971520 > 16777215", "use 1.9073486328125e-06 nA (2^-19) or coarser"}},
		{base + "weight = 2e6\n", false, []string{"even at 1 nA resolution", "20000000 > 16777215"}},
	} {
		s, err := spec.Parse("res.toml", []byte("n = 10\n"+c.text), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := s.Config()
		if err != nil {
			t.Fatal(err)
		}
		_, err = model.Resolve(cfg)
		var re *conn.ResolutionError
		if !errors.As(err, &re) || re.Requested != c.requested {
			t.Fatalf("%v, want a *conn.ResolutionError (requested %v)", err, c.requested)
		}
		for _, w := range c.says {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	}
}

// TestNetworkExample: testdata/specs/network.toml, the README's network, resolves.
func TestNetworkExample(t *testing.T) {
	s, err := spec.Load("../../testdata/specs/network.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Groups) != 2 || cfg.Groups[0].Name != "E" || len(cfg.Projections) != 2 || cfg.Projections[1].PreRange != (lifgpu.Range{Lo: 3200, Hi: 4000}) {
		t.Errorf("groups %+v, projections %+v", cfg.Groups, cfg.Projections)
	}
}

// TestReadmeNetworkKeys: the README's block of network keys is a valid spec (with
// n = 4000 and a conn.npz beside it), so that it cannot drift from the parser.
func TestReadmeNetworkKeys(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```toml\n(\\[groups\\].*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no ```toml block that starts with [groups]")
	}
	dir := t.TempDir()
	writeConn(t, dir, goodConn()...)
	s, err := spec.Parse("README.md", append([]byte("n = 4000\n"), m[1]...), dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Projections) != 2 || cfg.Projections[1].P != 0.02 || cfg.Groups[1].Name != "I" {
		t.Errorf("README's block resolved to %+v, %+v", cfg.Groups, cfg.Projections)
	}
}
