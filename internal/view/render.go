//go:build glfw && egl && cgo && linux

package view

import (
	"image"
	"unsafe"

	"github.com/go-gl/gl/v4.3-core/gl"
	"github.com/lifgpu/lifgpu/gpu"
)

// The renderer's programs: view.comp's snapshot, and view.frag's panels.
const (
	progSnap = iota
	progImage
	progBar
	progRaster
	progRate
	progText
	numProgs
)

// panelDefines are view.frag's variants, by program.
var panelDefines = [numProgs]string{progImage: "IMAGE", progBar: "BAR", progRaster: "RASTER", progRate: "RATE", progText: "TEXT"}

// uniforms are the uniforms that the renderer sets, by program.
var uniforms = [numProgs][]string{
	progSnap:   {"uProbes", "uFirst", "uN", "uWords", "uLo", "uScale"},
	progImage:  {"uRect", "uGrid"},
	progBar:    {"uRect"},
	progRaster: {"uRect", "uRaster", "uDot", "uBack"},
	progRate:   {"uRect", "uCols", "uFill", "uBack"},
	progText:   {"uRect", "uInk"},
}

// Binding points of the renderer's storage buffers (view.comp's and view.frag's).
const (
	bindState   = 0
	bindProbes  = 1
	bindPrev    = 2
	bindPix     = 3
	bindPalette = 4
	bindRing    = 5
	bindRate    = 6
)

// RingCols is the history the raster and the rate show: one column a frame that
// stepped.
const RingCols = 300

// renderer draws a population from its state buffers: a snapshot pass (view.comp)
// after each step turns the state into what the probes show, and the panels read it.
// Every method runs on the main thread, with the window's context current.
type renderer struct {
	lay   *Layout
	progs [numProgs]program
	vao   uint32
	// probes: the image's probes then the raster's; prev: their counts at the last
	// snapshot; pix: what each shows; ring: the raster's snapshots, [column][row].
	probes, prev, pix, palette, ring, rate uint32
	nProbes                                int
	lo, scale                              float32
	head, filled                           int       // the newest column of the ring, columns written
	rates                                  []float32 // the rate's history (Hz), oldest first
	labels                                 map[string]*label
}

// label is a line of text in a texture.
type label struct {
	tex  uint32
	w, h int
}

// newRenderer compiles the programs and makes the buffers for layout lay and the
// colour map from lo to hi (mV).
func newRenderer(lay *Layout, lo, hi float32) (*renderer, error) {
	r := &renderer{lay: lay, lo: lo, scale: ColorScale(lo, hi), labels: map[string]*label{}}
	var err error
	if r.progs[progSnap], err = link(nil, uniforms[progSnap], stage{gl.COMPUTE_SHADER, "view.comp"}); err != nil {
		return nil, err
	}
	for k := progImage; k < numProgs; k++ {
		if r.progs[k], err = link([]string{panelDefines[k]}, uniforms[k], stage{gl.VERTEX_SHADER, "view.vert"}, stage{gl.FRAGMENT_SHADER, "view.frag"}); err != nil {
			r.release()
			return nil, err
		}
	}
	gl.CreateVertexArrays(1, &r.vao)
	ids := append(append([]int32(nil), lay.Probes...), lay.Raster...)
	r.nProbes = len(ids)
	r.probes = newBuffer(4*len(ids), unsafe.Pointer(&ids[0]))
	r.prev = newBuffer(4*len(ids), nil)
	pix := make([]uint32, len(ids))
	for k, id := range ids {
		if id < 0 {
			pix[k] = Empty
		}
	}
	r.pix = newBuffer(4*len(pix), unsafe.Pointer(&pix[0]))
	pal := Palette()
	words := make([]uint32, len(pal))
	for k, c := range pal {
		words[k] = uint32(c.R) | uint32(c.G)<<8 | uint32(c.B)<<16 | uint32(c.A)<<24
	}
	r.palette = newBuffer(4*len(words), unsafe.Pointer(&words[0]))
	r.ring = newBuffer(4*RingCols*max(1, len(lay.Raster)), nil)
	r.rate = newBuffer(4*RingCols, nil)
	r.reset()
	if err := glError("making the viewer's buffers"); err != nil {
		r.release()
		return nil, err
	}
	return r, nil
}

func newBuffer(size int, data unsafe.Pointer) uint32 {
	var id uint32
	gl.CreateBuffers(1, &id)
	gl.NamedBufferData(id, size, data, gl.DYNAMIC_DRAW)
	return id
}

// reset forgets the history (a restart): the counts seen, the raster and the rate.
func (r *renderer) reset() {
	gl.ClearNamedBufferData(r.prev, gl.R32UI, gl.RED_INTEGER, gl.UNSIGNED_INT, nil)
	gl.ClearNamedBufferData(r.ring, gl.R32UI, gl.RED_INTEGER, gl.UNSIGNED_INT, nil)
	r.head, r.filled, r.rates = RingCols-1, 0, r.rates[:0]
}

// snapshot runs view.comp over the state buffers; after a step (stepped) the raster's
// probes become the ring's next column.
func (r *renderer) snapshot(bufs []gpu.StateBuffer, stepped bool) error {
	p := r.progs[progSnap]
	gl.UseProgram(p.id)
	gl.Uniform1ui(p.uniform("uProbes"), uint32(r.nProbes))
	gl.Uniform1f(p.uniform("uLo"), r.lo)
	gl.Uniform1f(p.uniform("uScale"), r.scale)
	gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindProbes, r.probes)
	gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindPrev, r.prev)
	gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindPix, r.pix)
	for _, b := range bufs {
		gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindState, b.Buffer)
		gl.Uniform1i(p.uniform("uFirst"), int32(b.First))
		gl.Uniform1i(p.uniform("uN"), int32(b.N))
		gl.Uniform1ui(p.uniform("uWords"), uint32(b.Words))
		gl.DispatchCompute(uint32((r.nProbes+255)/256), 1, 1)
	}
	gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.BUFFER_UPDATE_BARRIER_BIT)
	if rows := len(r.lay.Raster); stepped && rows > 0 {
		r.head = (r.head + 1) % RingCols
		r.filled = min(r.filled+1, RingCols)
		gl.CopyNamedBufferSubData(r.pix, r.ring, 4*(r.nProbes-rows), 4*r.head*rows, 4*rows)
	}
	return glError("the viewer's snapshot")
}

// pushRate adds a frame's population rate (Hz) to the history.
func (r *renderer) pushRate(hz float64) {
	if len(r.rates) == RingCols {
		r.rates = r.rates[1:]
	}
	r.rates = append(r.rates, float32(hz))
}

// peakRate is the history's largest rate (Hz).
func (r *renderer) peakRate() float32 {
	var peak float32
	for _, v := range r.rates {
		peak = max(peak, v)
	}
	return peak
}

// Colours of what is not the image.
var (
	background = [4]float32{0.08, 0.08, 0.09, 1}
	panelBack  = [4]float32{0.125, 0.125, 0.14, 1}
	ink        = [4]float32{0.85, 0.85, 0.85, 1}
	rasterDot  = [4]float32{1, 1, 1, 1}
	rateFill   = [4]float32{0.35, 0.7, 1, 1}
	outlineInk = [4]float32{1, 0.6, 0.2, 1}
)

// text is a label to draw at (X, Y), from the top left.
type text struct {
	S    string
	X, Y int
}

// draw draws the panels of p and the texts, with the blocks' outlines on a network.
func (r *renderer) draw(p Panels, texts []text) error {
	gl.BindFramebuffer(gl.FRAMEBUFFER, 0)
	gl.Disable(gl.SCISSOR_TEST)
	gl.Viewport(0, 0, int32(p.W), int32(p.H))
	gl.ClearColor(background[0], background[1], background[2], background[3])
	gl.Clear(gl.COLOR_BUFFER_BIT)
	gl.BindVertexArray(r.vao)
	gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindPix, r.pix)
	gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindPalette, r.palette)
	gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindRing, r.ring)
	gl.BindBufferBase(gl.SHADER_STORAGE_BUFFER, bindRate, r.rate)
	r.panel(progImage, p.Image, p.H, func(pr program) {
		gl.Uniform2i(pr.uniform("uGrid"), int32(r.lay.GW), int32(r.lay.GH))
	})
	r.panel(progBar, p.Bar, p.H, nil)
	r.panel(progRaster, p.Raster, p.H, func(pr program) {
		gl.Uniform4i(pr.uniform("uRaster"), int32(len(r.lay.Raster)), RingCols, int32(r.head), int32(r.filled))
		setColor(pr, "uDot", rasterDot)
		setColor(pr, "uBack", panelBack)
	})
	r.uploadRates()
	r.panel(progRate, p.Rate, p.H, func(pr program) {
		gl.Uniform1i(pr.uniform("uCols"), RingCols)
		setColor(pr, "uFill", rateFill)
		setColor(pr, "uBack", panelBack)
	})
	if len(r.lay.Blocks) > 1 && !p.Image.Empty() {
		for _, b := range r.lay.Blocks {
			outline(r.lay.BlockRect(p.Image, b), p.H, outlineInk)
		}
	}
	if !p.Raster.Empty() {
		for _, row := range r.lay.RasterBreaks {
			y := p.Raster.Y + row*p.Raster.H/len(r.lay.Raster)
			fill(Rect{p.Raster.X, y, p.Raster.W, 1}, p.H, outlineInk)
		}
	}
	for _, t := range texts {
		if err := r.text(t, p.H); err != nil {
			return err
		}
	}
	return glError("drawing the viewer's frame")
}

// panel draws program k's variant of view.frag over rect (from the top left of a
// framebuffer h pixels high), after set has set its own uniforms.
func (r *renderer) panel(k int, rect Rect, h int, set func(program)) {
	if rect.Empty() {
		return
	}
	pr := r.progs[k]
	gl.UseProgram(pr.id)
	y := int32(h - rect.Y - rect.H)
	gl.Viewport(int32(rect.X), y, int32(rect.W), int32(rect.H))
	gl.Uniform4i(pr.uniform("uRect"), int32(rect.X), y, int32(rect.W), int32(rect.H))
	if set != nil {
		set(pr)
	}
	gl.DrawArrays(gl.TRIANGLE_STRIP, 0, 4)
}

func setColor(pr program, name string, c [4]float32) {
	gl.Uniform4f(pr.uniform(name), c[0], c[1], c[2], c[3])
}

// uploadRates writes the rate's history to its buffer, as fractions of the peak, the
// newest at the right.
func (r *renderer) uploadRates() {
	v := make([]float32, RingCols)
	if peak := r.peakRate(); peak > 0 {
		off := RingCols - len(r.rates)
		for k, x := range r.rates {
			v[off+k] = x / peak
		}
	}
	gl.NamedBufferSubData(r.rate, 0, 4*len(v), unsafe.Pointer(&v[0]))
}

// fill paints rect (from the top left of a framebuffer h pixels high) with c.
func fill(rect Rect, h int, c [4]float32) {
	if rect.Empty() {
		return
	}
	gl.Enable(gl.SCISSOR_TEST)
	gl.Scissor(int32(rect.X), int32(h-rect.Y-rect.H), int32(rect.W), int32(rect.H))
	gl.ClearColor(c[0], c[1], c[2], c[3])
	gl.Clear(gl.COLOR_BUFFER_BIT)
	gl.Disable(gl.SCISSOR_TEST)
}

// outline draws a line of one pixel around rect, outside it.
func outline(rect Rect, h int, c [4]float32) {
	x0, y0, x1, y1 := rect.X-1, rect.Y-1, rect.X+rect.W, rect.Y+rect.H
	fill(Rect{x0, y0, x1 - x0 + 1, 1}, h, c)
	fill(Rect{x0, y1, x1 - x0 + 1, 1}, h, c)
	fill(Rect{x0, y0, 1, y1 - y0 + 1}, h, c)
	fill(Rect{x1, y0, 1, y1 - y0 + 1}, h, c)
}

// text draws a label, making its texture the first time.
func (r *renderer) text(t text, h int) error {
	l, ok := r.labels[t.S]
	if !ok {
		if len(r.labels) > 256 { // labels that change (the rate's) would pile up
			r.dropLabels()
		}
		img := TextImage(t.S)
		l = &label{w: img.Rect.Dx(), h: img.Rect.Dy()}
		gl.CreateTextures(gl.TEXTURE_2D, 1, &l.tex)
		gl.TextureStorage2D(l.tex, 1, gl.R8, int32(l.w), int32(l.h))
		gl.PixelStorei(gl.UNPACK_ALIGNMENT, 1)
		gl.TextureSubImage2D(l.tex, 0, 0, 0, int32(l.w), int32(l.h), gl.RED, gl.UNSIGNED_BYTE, unsafe.Pointer(&img.Pix[0]))
		if err := glError("making a label's texture"); err != nil {
			return err
		}
		r.labels[t.S] = l
	}
	gl.BindTextureUnit(0, l.tex)
	r.panel(progText, Rect{t.X, t.Y, l.w, l.h}, h, func(pr program) { setColor(pr, "uInk", ink) })
	return nil
}

func (r *renderer) dropLabels() {
	for s, l := range r.labels {
		gl.DeleteTextures(1, &l.tex)
		delete(r.labels, s)
	}
}

// screenshot reads the framebuffer (w x h, its back buffer: the frame just drawn).
func screenshot(w, h int) (*image.NRGBA, error) {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	buf := make([]byte, 4*w*h)
	gl.PixelStorei(gl.PACK_ALIGNMENT, 1)
	gl.ReadPixels(0, 0, int32(w), int32(h), gl.RGBA, gl.UNSIGNED_BYTE, unsafe.Pointer(&buf[0]))
	if err := glError("reading the frame"); err != nil {
		return nil, err
	}
	for y := range h { // GL's rows go up from the bottom
		copy(img.Pix[y*img.Stride:y*img.Stride+4*w], buf[(h-1-y)*4*w:(h-y)*4*w])
	}
	for k := 3; k < len(img.Pix); k += 4 {
		img.Pix[k] = 255
	}
	return img, nil
}

// release deletes the renderer's GL objects.
func (r *renderer) release() {
	for _, p := range r.progs {
		if p.id != 0 {
			gl.DeleteProgram(p.id)
		}
	}
	for _, b := range []*uint32{&r.probes, &r.prev, &r.pix, &r.palette, &r.ring, &r.rate} {
		if *b != 0 {
			gl.DeleteBuffers(1, b)
		}
	}
	if r.vao != 0 {
		gl.DeleteVertexArrays(1, &r.vao)
	}
	r.dropLabels()
}
