package view

import (
	"image/color"
	"math"

	"github.com/lifgpu/lifgpu"
)

// This file is the viewer's geometry and colours, in plain Go: where each neuron is
// drawn, which pixel shows which probe, and the colour index of a potential. The
// shaders (view.comp, view.frag) compute the same with the same integer and float32
// operations; the tests compare the two through a screenshot.

const (
	// MaxGrid bounds the probe grid: a canvas wider or taller than MaxGrid cells is
	// sampled, one probe (one neuron shown) a grid point.
	MaxGrid = 1024
	// RasterRows is the most neurons the raster samples.
	RasterRows = 128
	// Spiked and Empty are the palette's entries after the colour map: a probe whose
	// neuron spiked since the last snapshot, and a probe of no neuron (view.comp's
	// SPIKED, view.frag's EMPTY).
	Spiked = 256
	Empty  = 257
)

// Rect is a rectangle of framebuffer pixels, from the top left.
type Rect struct{ X, Y, W, H int }

// Empty reports whether the rectangle has no pixel.
func (r Rect) Empty() bool { return r.W <= 0 || r.H <= 0 }

// Block is the part of the canvas that shows a group's neurons (or, without groups, all
// of them): neurons [First, First+N) fill Cols x Rows cells from (X, Y), row by row.
type Block struct {
	Name             string
	First, N         int
	X, Y, Cols, Rows int
}

// Layout places a population's neurons on the image: a canvas of CW x CH cells (one a
// neuron) holding the blocks, and a grid of GW x GH probes over it, each probe the
// neuron of the cell under it (or none). The raster samples Raster's neurons, one a
// row; a group starts at each of RasterBreaks' rows.
type Layout struct {
	N            int
	Blocks       []Block
	CW, CH       int
	GW, GH       int
	Probes       []int32 // GW*GH neuron indices, row by row from the top left; -1: none
	Raster       []int32
	RasterBreaks []int
}

// NewLayout lays out n neurons: a square block of them, or, with groups, one block a
// group, packed in the groups' order on shelves into a canvas as square as can be.
func NewLayout(n int, groups []lifgpu.Group) Layout {
	l := Layout{N: n}
	if len(groups) == 0 {
		groups = []lifgpu.Group{{N: n}}
	}
	first := 0
	for _, g := range groups {
		cols := int(math.Ceil(math.Sqrt(float64(g.N))))
		l.Blocks = append(l.Blocks, Block{Name: g.Name, First: first, N: g.N, Cols: cols, Rows: (g.N + cols - 1) / cols})
		first += g.N
	}
	l.pack()
	l.GW, l.GH = l.CW, l.CH
	if m := max(l.CW, l.CH); m > MaxGrid {
		l.GW = max(1, int(int64(l.CW)*MaxGrid/int64(m)))
		l.GH = max(1, int(int64(l.CH)*MaxGrid/int64(m)))
	}
	l.Probes = make([]int32, l.GW*l.GH)
	for ty := range l.GH {
		cy := int(int64(ty) * int64(l.CH) / int64(l.GH))
		for tx := range l.GW {
			cx := int(int64(tx) * int64(l.CW) / int64(l.GW))
			l.Probes[ty*l.GW+tx] = l.neuronAt(cx, cy)
		}
	}
	rows := min(n, RasterRows)
	g := 0
	for r := range rows {
		id := int32((2*int64(r) + 1) * int64(n) / (2 * int64(rows))) // the middle of each row's share
		l.Raster = append(l.Raster, id)
		for g+1 < len(l.Blocks) && int(id) >= l.Blocks[g+1].First {
			g++
			if r > 0 {
				l.RasterBreaks = append(l.RasterBreaks, r)
			}
		}
	}
	return l
}

// pack places the blocks on shelves, left to right in their order, a gap of cells
// around each when there are several; of the shelf widths that change where a shelf
// breaks, it keeps the one whose canvas is the most square.
func (l *Layout) pack() {
	if len(l.Blocks) == 1 {
		l.CW, l.CH = l.Blocks[0].Cols, l.Blocks[0].Rows
		return
	}
	side := 0
	for _, b := range l.Blocks {
		side = max(side, b.Cols, b.Rows)
	}
	gap := max(1, side/24)
	place := func(width int, commit bool) (w, h int) {
		x, y, shelf := gap, gap, 0
		for k := range l.Blocks {
			b := &l.Blocks[k]
			if x > gap && x+b.Cols+gap > width {
				x, y, shelf = gap, y+shelf+gap, 0
			}
			if commit {
				b.X, b.Y = x, y
			}
			x += b.Cols + gap
			shelf = max(shelf, b.Rows)
			w = max(w, x)
		}
		return w, y + shelf + gap
	}
	best, bestScore := 0, math.Inf(1)
	total := gap
	for _, b := range l.Blocks {
		total += b.Cols + gap
		w, h := place(total, false)
		score := float64(max(w, h)) / float64(min(w, h))
		if score < bestScore {
			best, bestScore = total, score
		}
	}
	l.CW, l.CH = place(best, true)
}

// neuronAt is the neuron of cell (cx, cy), or -1.
func (l *Layout) neuronAt(cx, cy int) int32 {
	for _, b := range l.Blocks {
		if cx >= b.X && cx < b.X+b.Cols && cy >= b.Y && cy < b.Y+b.Rows {
			if k := (cy-b.Y)*b.Cols + (cx - b.X); k < b.N {
				return int32(b.First + k)
			}
			return -1
		}
	}
	return -1
}

// ProbeAt is the probe that framebuffer pixel (px, py) of the image img shows (view.frag's
// IMAGE variant, in Go), or -1 outside the image.
func (l *Layout) ProbeAt(img Rect, px, py int) int {
	x, y := px-img.X, py-img.Y
	if x < 0 || y < 0 || x >= img.W || y >= img.H {
		return -1
	}
	return (y*l.GH/img.H)*l.GW + x*l.GW/img.W
}

// BlockRect is the pixels of block b in the image img (for its outline and label).
func (l *Layout) BlockRect(img Rect, b Block) Rect {
	x0 := img.X + ceilDiv(b.X*img.W, l.CW)
	y0 := img.Y + ceilDiv(b.Y*img.H, l.CH)
	x1 := img.X + ceilDiv((b.X+b.Cols)*img.W, l.CW)
	y1 := img.Y + ceilDiv((b.Y+b.Rows)*img.H, l.CH)
	return Rect{x0, y0, x1 - x0, y1 - y0}
}

// LabelRect is where block b's name is written: inside its top left corner.
func (l *Layout) LabelRect(img Rect, b Block) Rect {
	r := l.BlockRect(img, b)
	return Rect{r.X + 2, r.Y + 2, TextWidth(b.Name), TextH}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Panels are the window's parts for a framebuffer of W x H pixels.
type Panels struct {
	W, H   int
	Image  Rect // the probes' grid, its aspect kept
	Bar    Rect // the colour map, under the image
	Raster Rect
	Rate   Rect
}

// Margin is the space around and between the panels, in pixels; TextH is a line of
// labels (basicfont's 7x13).
const (
	Margin = 10
	TextH  = 13
)

// Panels lays out the window: the image at the left (three fifths of the width) with
// the colour bar under it, the raster and, under it, the rate at the right; each
// panel has a line of text above it, the bar one under it. Panels too small to draw
// are empty.
func (l *Layout) Panels(w, h int) Panels {
	p := Panels{W: w, H: h}
	line := TextH + 4
	left := w * 3 / 5
	area := Rect{Margin, Margin + line, left - 2*Margin, h - 2*Margin - line - (12 + 4 + line)}
	if !area.Empty() {
		iw, ih := area.W, area.W*l.CH/l.CW
		if ih > area.H {
			iw, ih = area.H*l.CW/l.CH, area.H
		}
		p.Image = Rect{area.X + (area.W-iw)/2, area.Y, iw, ih}
		p.Bar = Rect{p.Image.X, p.Image.Y + p.Image.H + 4, p.Image.W, 12}
	}
	rx, rw := left, w-left-Margin
	avail := h - 2*Margin - 2*line - Margin
	rh := avail * 3 / 5
	p.Raster = Rect{rx, Margin + line, rw, rh}
	p.Rate = Rect{rx, p.Raster.Y + rh + Margin + line, rw, avail - rh}
	return p
}

// ColorIndex is view.comp's colour index of potential u: (u - lo) * scale, each
// operation rounded to float32, clamped to [0, 255] and truncated.
func ColorIndex(u, lo, scale float32) int {
	d := u - lo
	t := float32(d * scale)
	return int(min(max(t, 0), 255))
}

// ColorScale is the float32 scale that maps [lo, hi) onto the 256 indices.
func ColorScale(lo, hi float32) float32 {
	if !(hi > lo) {
		return 0
	}
	return float32(256 / (float64(hi) - float64(lo)))
}

// viridis are nine colours of matplotlib's viridis map, evenly spaced.
var viridis = [9][3]float64{{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
	{39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}}

// Palette is the viewer's colours: the colour map (256 entries, viridis, u_reset to
// u_th), then Spiked (white) and Empty (the background of cells without a neuron).
func Palette() [Empty + 1]color.RGBA {
	var p [Empty + 1]color.RGBA
	for k := range 256 {
		f := float64(k) / 255 * 8
		i := min(int(f), 7)
		t := f - float64(i)
		var c [3]uint8
		for j := range 3 {
			c[j] = uint8(math.Round(viridis[i][j] + t*(viridis[i+1][j]-viridis[i][j])))
		}
		p[k] = color.RGBA{c[0], c[1], c[2], 255}
	}
	p[Spiked] = color.RGBA{255, 255, 255, 255}
	p[Empty] = color.RGBA{32, 32, 36, 255}
	return p
}
