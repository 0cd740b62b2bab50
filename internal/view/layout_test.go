package view

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/lifgpu/lifgpu"
)

// TestLayoutCovers: with a probe grid as large as the canvas, every neuron is shown
// by exactly one probe, inside its group's block, and blocks do not overlap.
func TestLayoutCovers(t *testing.T) {
	for _, c := range []struct {
		n      int
		groups []lifgpu.Group
	}{
		{1, nil}, {7, nil}, {4096, nil}, {10_001, nil},
		{400, []lifgpu.Group{{Name: "E", N: 300}, {Name: "I", N: 100}}},
		{77_169, []lifgpu.Group{{Name: "L23E", N: 20683}, {Name: "L23I", N: 5834}, {Name: "L4E", N: 21915}, {Name: "L4I", N: 5479}, {Name: "L5E", N: 4850}, {Name: "L5I", N: 1065}, {Name: "L6E", N: 14395}, {Name: "L6I", N: 2948}}},
		{6, []lifgpu.Group{{Name: "a", N: 1}, {Name: "b", N: 1}, {Name: "c", N: 4}}},
	} {
		t.Run(fmt.Sprint(c.n, len(c.groups)), func(t *testing.T) {
			l := NewLayout(c.n, c.groups)
			if l.GW != l.CW || l.GH != l.CH {
				t.Fatalf("grid %dx%d for canvas %dx%d: want one probe a cell", l.GW, l.GH, l.CW, l.CH)
			}
			seen := make([]int, c.n)
			for k, id := range l.Probes {
				if id < 0 {
					continue
				}
				seen[id]++
				x, y := k%l.GW, k/l.GW
				b := l.Blocks[slices.IndexFunc(l.Blocks, func(b Block) bool { return int(id) >= b.First && int(id) < b.First+b.N })]
				if x < b.X || x >= b.X+b.Cols || y < b.Y || y >= b.Y+b.Rows {
					t.Fatalf("neuron %d at cell (%d, %d), outside its block %+v", id, x, y, b)
				}
			}
			for id, k := range seen {
				if k != 1 {
					t.Fatalf("neuron %d shown %d times", id, k)
				}
			}
			if len(c.groups) > 1 && (l.CW > 4*l.CH || l.CH > 4*l.CW) {
				t.Errorf("canvas %dx%d: far from square", l.CW, l.CH)
			}
		})
	}
}

// TestLayoutSampled: a population too large for the grid is sampled, the grid within
// MaxGrid, the probes ascending along each row of a block.
func TestLayoutSampled(t *testing.T) {
	l := NewLayout(10_000_000, nil)
	if l.GW > MaxGrid || l.GH > MaxGrid || l.GW < MaxGrid-1 {
		t.Fatalf("grid %dx%d, want about %d a side", l.GW, l.GH, MaxGrid)
	}
	for y := range l.GH {
		row := l.Probes[y*l.GW : (y+1)*l.GW]
		for x := 1; x < len(row); x++ {
			if row[x] >= 0 && row[x] <= row[x-1] {
				t.Fatalf("row %d: probes %d then %d", y, row[x-1], row[x])
			}
		}
	}
}

// TestRaster: the raster samples at most RasterRows neurons, ascending, and breaks where
// a group starts.
func TestRaster(t *testing.T) {
	l := NewLayout(1000, []lifgpu.Group{{Name: "A", N: 500}, {Name: "B", N: 250}, {Name: "C", N: 250}})
	if len(l.Raster) != RasterRows || !slices.IsSorted(l.Raster) || l.Raster[0] < 0 || l.Raster[RasterRows-1] >= 1000 {
		t.Fatalf("raster %v", l.Raster)
	}
	for k, r := range l.RasterBreaks {
		first := []int32{500, 750}[k]
		if l.Raster[r] < first || l.Raster[r-1] >= first {
			t.Errorf("break at row %d (neurons %d, %d), want where neuron %d starts", r, l.Raster[r-1], l.Raster[r], first)
		}
	}
	if len(l.RasterBreaks) != 2 {
		t.Errorf("breaks %v, want 2", l.RasterBreaks)
	}
	if s := NewLayout(5, nil).Raster; len(s) != 5 || !slices.Equal(s, []int32{0, 1, 2, 3, 4}) {
		t.Errorf("5 neurons: raster %v", s)
	}
}

// TestProbeAt: every pixel of an image maps to a probe, each probe gets pixels, and the
// mapping keeps the grid's order.
func TestProbeAt(t *testing.T) {
	l := NewLayout(64*64, nil)
	for _, img := range []Rect{{10, 20, 64, 64}, {0, 0, 500, 500}, {3, 5, 333, 129}} {
		got := make([]int, len(l.Probes))
		for py := img.Y; py < img.Y+img.H; py++ {
			for px := img.X; px < img.X+img.W; px++ {
				got[l.ProbeAt(img, px, py)]++
			}
		}
		if img.W >= l.GW && img.H >= l.GH && slices.Contains(got, 0) {
			t.Errorf("image %+v: a probe with no pixel", img)
		}
		if l.ProbeAt(img, img.X-1, img.Y) != -1 || l.ProbeAt(img, img.X, img.Y+img.H) != -1 {
			t.Errorf("image %+v: a pixel outside maps to a probe", img)
		}
	}
}

// TestPanels: the panels fit the framebuffer without overlapping, and the image keeps
// the canvas's aspect; a tiny window leaves them empty rather than negative.
func TestPanels(t *testing.T) {
	l := NewLayout(400, []lifgpu.Group{{Name: "E", N: 300}, {Name: "I", N: 100}})
	for _, size := range [][2]int{{1280, 720}, {640, 400}, {300, 1000}} {
		p := l.Panels(size[0], size[1])
		rs := []Rect{p.Image, p.Bar, p.Raster, p.Rate}
		for i, a := range rs {
			if a.X < 0 || a.Y < 0 || a.X+a.W > p.W || a.Y+a.H > p.H {
				t.Errorf("%v: panel %d %+v outside", size, i, a)
			}
			for _, b := range rs[i+1:] {
				if !a.Empty() && !b.Empty() && a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
					t.Errorf("%v: panels %+v and %+v overlap", size, a, b)
				}
			}
		}
		want := float64(l.CW) / float64(l.CH)
		if got := float64(p.Image.W) / float64(p.Image.H); math.Abs(got-want) > 0.05*want {
			t.Errorf("%v: image %+v, aspect %.3f, want %.3f", size, p.Image, got, want)
		}
	}
	p := l.Panels(20, 10)
	for _, r := range []Rect{p.Image, p.Raster, p.Rate} {
		if !r.Empty() {
			t.Errorf("a 20x10 window: panel %+v", r)
		}
	}
}

// TestColorIndex: the ends of the map and the clamping.
func TestColorIndex(t *testing.T) {
	scale := ColorScale(-62, -52)
	for _, c := range []struct {
		u    float32
		want int
	}{{-62, 0}, {-70, 0}, {-52, 255}, {-40, 255}, {-57, 128}, {-61.99, 0}, {-52.04, 254}} {
		if got := ColorIndex(c.u, -62, scale); got != c.want {
			t.Errorf("ColorIndex(%g) = %d, want %d", c.u, got, c.want)
		}
	}
	if ColorScale(1, 1) != 0 {
		t.Error("ColorScale of an empty range is not 0")
	}
	p := Palette()
	if p[0].R != 68 || p[255].G != 231 || p[Spiked].R != 255 || p[0].A != 255 {
		t.Errorf("palette ends %v %v %v", p[0], p[255], p[Spiked])
	}
}
