#version 430 core
// view.frag: the panels of `lifgpu view` (internal/view), one variant a panel, chosen by
// a #define after the #version line:
//   IMAGE   the probes' grid (view.comp's Pix) scaled to the panel, each pixel the probe
//           under it (integer arithmetic: internal/view's Layout.ProbeAt is its mirror),
//           in its palette colour
//   BAR     the colour map, left (u_reset) to right (u_th)
//   RASTER  the ring of snapshots of the raster's probes, one column a frame that
//           stepped, the newest at the right
//   RATE    the population rate, one value a column (0..1 of the panel's height)
//   TEXT    a label's glyphs (an R8 texture, scaled by whole pixels), in uInk
// Every variant works from gl_FragCoord and uRect, the panel in framebuffer pixels
// (x, y from the bottom left, width, height).

#define SPIKED 256u
#define EMPTY 257u

layout(location = 0) out vec4 color;

uniform ivec4 uRect;

// RGBA8 words: 256 of the colour map, then SPIKED's and EMPTY's colours.
layout(std430, binding = 4) readonly buffer Palette { uint palette[]; };

#ifdef IMAGE
layout(std430, binding = 3) readonly buffer Pix { uint pix[]; };
uniform ivec2 uGrid; // probes across and down
#endif
#ifdef RASTER
layout(std430, binding = 5) readonly buffer Ring { uint ring[]; }; // [column][row]
uniform ivec4 uRaster; // rows, columns, the newest column, columns written so far
uniform vec4 uDot;
uniform vec4 uBack;
#endif
#ifdef RATE
layout(std430, binding = 6) readonly buffer Rate { float rate[]; }; // oldest first
uniform int uCols;
uniform vec4 uFill;
uniform vec4 uBack;
#endif
#ifdef TEXT
layout(binding = 0) uniform sampler2D uText;
uniform vec4 uInk;
#endif

vec4 paletteColor(uint k) {
	return unpackUnorm4x8(palette[k]);
}

void main() {
	ivec2 p = ivec2(gl_FragCoord.xy) - uRect.xy; // from the bottom left of the panel
	int x = p.x;
	int y = uRect.w - 1 - p.y; // from the top
#ifdef IMAGE
	int tx = x * uGrid.x / uRect.z;
	int ty = y * uGrid.y / uRect.w;
	color = paletteColor(pix[ty * uGrid.x + tx]);
#endif
#ifdef BAR
	color = paletteColor(uint(x * 256 / uRect.z));
#endif
#ifdef RASTER
	int rows = uRaster.x;
	int cols = uRaster.y;
	int age = cols - 1 - x * cols / uRect.z; // 0: the newest column
	if (age >= uRaster.w) {
		color = uBack;
		return;
	}
	int col = (uRaster.z - age + cols) % cols;
	int row = y * rows / uRect.w;
	color = ring[col * rows + row] == SPIKED ? uDot : uBack;
#endif
#ifdef RATE
	float v = rate[x * uCols / uRect.z];
	color = float(p.y) + 0.5 < v * float(uRect.w) ? uFill : uBack;
#endif
#ifdef TEXT
	ivec2 size = textureSize(uText, 0);
	float a = texelFetch(uText, ivec2(x * size.x / uRect.z, y * size.y / uRect.w), 0).r;
	if (a < 0.5) {
		discard;
	}
	color = uInk;
#endif
}
