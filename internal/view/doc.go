// Package view is `lifgpu view`: a window (GLFW, OpenGL 4.3 core) in whose context a
// GPU population runs (gpu.NewInContext), drawn every frame from the population's
// state buffers with no copy to the host.
//
// # What it shows
//
//   - The membrane potentials as an image: the neurons on a square grid, or, on a
//     network, one block a group (outlined and labelled), in cells of a canvas; a
//     canvas over MaxGrid cells a side is sampled. Colours run from u_reset to u_th
//     (viridis); a neuron that spiked in the frame's steps is white.
//   - A scrolling spike raster of RasterRows sampled neurons (one column a frame that
//     stepped, the newest at the right; lines where a group starts) and, under it, the
//     population rate (Hz, a frame's spikes over its steps).
//   - In the title: the step, the model time, the simulation's neuron-updates/s (over
//     the time spent stepping) and the frames/s.
//
// Keys: space pauses and goes on, the right arrow takes one step (paused), + and -
// double and halve the steps a frame, r restarts from the initial state, s writes a
// screenshot, q or Esc quits. Vsync is on; each frame takes the same steps, so the
// simulation's pace follows the steps a frame, not the display. The window resizes:
// the panels follow its size every frame.
//
// # How it draws
//
// One thread, the main one, owns the window's context (GLFW wants its events there):
// the loop polls the events, steps the population (its GL work runs at once through
// the windowContext, the gpu.Context that Run hands to gpu.NewInContext; work posted
// from another goroutine would wait for the next frame), and draws. After each step a
// compute pass (shaders/view.comp) reads the chunks' state buffers
// (gpu.Population.StateBuffers) for a list of probes, the neurons the image's grid and
// the raster's rows show, and writes each probe's colour index (or "spiked", from its
// count against the last snapshot's) to a buffer; a copy appends the raster's probes
// to a ring of columns. The panels (shaders/view.vert, view.frag) read those buffers
// as shader storage in their fragment shaders: integer arithmetic maps each pixel to
// its probe (Layout.ProbeAt is the same in Go) and the palette is a buffer of RGBA8
// words, so a screenshot's pixels are exactly the colours of the state's values. The
// rate comes from the population's recorded rate (a few integers a frame).
//
// # Building
//
// The window code needs the build tags glfw and egl, cgo and Linux (X11): GLFW's C
// sources compile with the X11 development headers (Debian: libx11-dev, libxrandr-dev,
// libxinerama-dev, libxcursor-dev, libxi-dev, libxxf86vm-dev, libgl-dev). A build
// without the tag has the layout and colours only, so a headless lifgpu links no X11.
// The tests run on Mesa's llvmpipe under a virtual X server (Xvfb) they start.
package view
