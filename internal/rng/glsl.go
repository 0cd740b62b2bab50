package rng

import _ "embed"

// GLSLPhilox is philox.glsl: philox4x32_10(ctr, key) and rng_draw(seed, stream, neuron,
// step), the GLSL twins of Philox4x32 and Draw. It has no #version line: paste it after
// the shader's #version and #extension lines.
//
//go:embed philox.glsl
var GLSLPhilox string

// GLSLDraws is draws.glsl: normal_sample(r, r2), poisson_sample(base, kmax, r),
// noise_current and poisson_current, the GLSL twins of NormalTable.Sample,
// PoissonTable.Sample, Noise and PoissonCurrent. Paste it after GLSLPhilox, with the
// macros NORMAL_TABLE(i) and POISSON_THRESHOLD(i) defined before it (see the file).
//
//go:embed draws.glsl
var GLSLDraws string
