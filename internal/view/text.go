package view

import (
	"image"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// TextImage draws one line of text in basicfont's 7x13 face: an image of coverage,
// TextH pixels high, as wide as the text.
func TextImage(s string) *image.Alpha {
	face := basicfont.Face7x13
	w := TextWidth(s)
	img := image.NewAlpha(image.Rect(0, 0, w, TextH))
	d := font.Drawer{Dst: img, Src: image.Opaque, Face: face, Dot: fixed.P(0, face.Ascent)}
	d.DrawString(s)
	return img
}

// TextWidth is the width of TextImage(s), in pixels.
func TextWidth(s string) int { return max(1, font.MeasureString(basicfont.Face7x13, s).Ceil()) }
