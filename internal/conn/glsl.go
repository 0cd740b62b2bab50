package conn

import _ "embed"

// GLSL is conn.glsl: conn_row_start, conn_row_next (a Bernoulli row's targets, as
// Geometric.Row draws them), conn_weight_q (DrawnWeight then Quantize), conn_delay
// (DrawnDelay) and conn_round, the GLSL twins of this package's draws, for a shader that
// draws procedural rows again at each spike. It has no #version line: paste it after
// internal/f32's, internal/rng's philox.glsl and draws.glsl, with NORMAL_TABLE(i) and
// CONN_GAP_TABLE(i) defined (see the file).
//
//go:embed conn.glsl
var GLSL string
