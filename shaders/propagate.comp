#version 430 core
// propagate.comp: a network's work after each update dispatch of lif.comp (DESIGN.md,
// "Networks"; cpu/reference.go's propagate): the spikes of the steps just advanced, read
// from the device's spike list, add their synapses' fixed-point weights into the delay
// rings with int32 atomics, so that the order of the additions cannot change a bit.
//
// gpu compiles one variant a mode, with a preamble of #defines after the #version line:
//   WG           workgroup size (local_size_x)
//   PREP         one invocation: checks the spike list of the update just done and sizes
//                the propagations' indirect dispatches (binding 1), or fails the batch
//   CLEAR        one invocation a neuron of a chunk: zeroes the ring slots that the update
//                just read (lif.comp reads them without clearing, so that a failed
//                dispatch leaves the rings as they were)
//   STORED       stored rows (one row chunk's): PER synapses an invocation, G workgroups a
//                spike (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x is
//                spike * G + part): more than one workgroup a row when rows are long;
//                SYN_WORDS 2: a synapse is (post, w_q << DBITS | delay), else (post, w_q,
//                delay)
//   PROCEDURAL   procedural rows: one invocation a spike draws its row again with
//                internal/conn's GLSL (pasted at `include conn`), exactly as conn's Go
//   F32_FLUSH    as in lif.comp (internal/f32's GLSL)
//
// A synapse adds w_q to ring_ex (w_q > 0) or ring_in (w_q < 0) of its post neuron at the
// slot (step + delay) mod uD. The rings bound are one chunk's (post neurons [uRingLo,
// uRingLo + uRingN), slot-major: slot s of neuron j at s*uRingN + j - uRingLo); a
// propagation skips the targets outside it, and gpu dispatches one propagation per
// (row chunk or procedural projection, ring chunk).
//
// Spikes header (binding 0, shared with lif.comp): spikeCount, spikeCap, then
// netFailed (the batch failed at dispatch pair netFailed-1: every later dispatch of the
// batch does nothing), netNext (where the next update's spikes start), netBegin and
// netEnd (the spikes that this pair propagates), netTruncated (a loop cut short by the
// driver).

#ifndef WG
#define WG 64
#endif
layout(local_size_x = WG) in;

struct Spike { int step; int id; };
layout(std430, binding = 0) buffer Spikes {
	uint spikeCount;
	uint spikeCap;
	uint netFailed;
	uint netNext;
	uint netBegin;
	uint netEnd;
	uint netTruncated;
	uint netPad;
	Spike spikes[];
};

#ifdef PREP
// args[k] = (x, y, z, G): propagation k's indirect dispatch; G (the host's) is the
// workgroups a spike takes (stored rows), or 0: one invocation a spike (procedural).
layout(std430, binding = 1) buffer Args { uvec4 args[]; };
uniform uint uPair;      // this pair's index in the batch, plus 1
uniform uint uRecycle;   // 1: the list is not recorded: each pair's spikes start at 0
uniform uint uArgs;      // entries of args
uniform uint uGX;        // the most workgroups in x
uniform uint uMaxSpikes; // the most spikes one pair may propagate (its grids fit the limits)

void zeroArgs() {
	for (uint k = 0u; k < uArgs; k++) {
		args[k].xyz = uvec3(0u, 1u, 1u);
	}
}

void main() {
	if (netFailed != 0u) {
		zeroArgs();
		return;
	}
	uint count = spikeCount;
	uint n = count - netNext;
	if (count > spikeCap || n > uMaxSpikes) {
		netFailed = uPair; // the host sees the count, commits the pairs before, redoes this one
		zeroArgs();
		return;
	}
	netBegin = netNext;
	netEnd = count;
	netNext = count;
	if (uRecycle != 0u) {
		spikeCount = 0u;
		netNext = 0u;
	}
	for (uint k = 0u; k < uArgs; k++) {
		uint g = args[k].w;
		uint total = g > 0u ? n * g : (n + uint(WG) - 1u) / uint(WG);
		uint x = min(total, uGX);
		args[k].xyz = uvec3(x, x == 0u ? 1u : (total + x - 1u) / x, 1u);
	}
}
#endif

#if defined(CLEAR) || defined(STORED) || defined(PROCEDURAL)
layout(std430, binding = 2) buffer RingEx { int ringEx[]; };
layout(std430, binding = 3) buffer RingIn { int ringIn[]; };
uniform uint uD; // ring slots
#endif

#ifdef CLEAR
uniform uint uN;     // neurons in the chunk
uniform uint uSlot0; // the update's first step mod uD
uniform uint uK;     // its steps

void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= uN || netFailed != 0u) {
		return;
	}
	uint slot = uSlot0;
	for (uint k = 0u; k < uK; k++) {
		ringEx[slot * uN + i] = 0;
		ringIn[slot * uN + i] = 0;
		slot++;
		if (slot == uD) {
			slot = 0u;
		}
	}
}
#endif

#if defined(STORED) || defined(PROCEDURAL)
uniform uint uRingLo; // the ring chunk's first post neuron
uniform uint uRingN;  // its neurons

// deliver adds w_q into the ring of its sign at the arrival of a spike of step.
void deliver(uint post, int wq, uint d, int step) {
	uint j = post - uRingLo;
	if (j >= uRingN) {
		return; // another ring chunk's (unsigned: below uRingLo wraps above)
	}
	uint at = ((uint(step) + d) % uD) * uRingN + j;
	if (wq > 0) {
		atomicAdd(ringEx[at], wq);
	} else if (wq < 0) {
		atomicAdd(ringIn[at], wq);
	}
}
#endif

#ifdef STORED
#ifndef PER
#define PER 4
#endif
// A row chunk: the rows of the pre neurons [uPreLo, uPreHi), row i's synapses (those of
// this chunk: a long row may span chunks) at [rowOff[i-uPreLo], rowOff[i-uPreLo+1]).
layout(std430, binding = 4) readonly buffer RowOff { uint rowOff[]; };
layout(std430, binding = 5) readonly buffer Syn { uint syn[]; };
uniform uint uPreLo;
uniform uint uPreHi;
uniform uint uG; // workgroups a spike

void main() {
	uint g = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
	uint spike = g / uG;
	uint part = g - spike * uG;
	if (netFailed != 0u || spike >= netEnd - netBegin) {
		return;
	}
	Spike s = spikes[netBegin + spike];
	uint pre = uint(s.id);
	if (pre < uPreLo || pre >= uPreHi) {
		return;
	}
	uint end = rowOff[pre - uPreLo + 1u];
	uint at = rowOff[pre - uPreLo] + part * uint(WG * PER) + gl_LocalInvocationID.x;
	for (uint k = 0u; k < uint(PER) && at < end; k++) {
#if SYN_WORDS == 2
		uint w = syn[2u * at + 1u];
		deliver(syn[2u * at], int(w) >> DBITS, w & ((1u << DBITS) - 1u), s.step);
#else
		deliver(syn[3u * at], int(syn[3u * at + 1u]), syn[3u * at + 2u], s.step);
#endif
		at += uint(WG);
	}
}
#endif

#ifdef PROCEDURAL
layout(std430, binding = 6) readonly buffer GapTab { uint gap_table[]; };
layout(std430, binding = 7) readonly buffer NormalTab { float normal_table[]; };
#define NORMAL_TABLE(i) normal_table[i]
#define CONN_GAP_TABLE(i) gap_table[i]
#endif

#pragma lifgpu include f32
#pragma lifgpu include rng
#pragma lifgpu include conn

#ifdef PROCEDURAL
// One procedural projection (conn.Procedural): rows of the pre neurons [uPreLo,
// uPreHi) over the posts [uPostLo, uPostHi), drawn with uGapLen thresholds, or every
// post when uAll; the structure stream uStream, weights uStream+1, delays uStream+2.
uniform uint uPreLo;
uniform uint uPreHi;
uniform uint uPostLo;
uniform uint uPostHi;
uniform uvec2 uSeed;
uniform uint uStream;
uniform uint uGapLen;
uniform uint uAll;
uniform uint uNoAutapses;
uniform uint uWConst;  // 1: every weight is uWqConst; else drawn from (uWMean, uWStd) at scale uWScale = 2^q
uniform int uWqConst;
uniform float uWMean;
uniform float uWStd;
uniform float uWScale;
uniform uint uDConst;  // 1: every delay is uDSteps; else drawn from (uDMean, uDStd), in steps
uniform uint uDSteps;
uniform float uDMean;
uniform float uDStd;

// synapse delivers synapse m (target j) of pre's row.
void synapse(uint pre, uint j, uint m, int step) {
	if (uNoAutapses != 0u && j == pre) {
		return; // dropped, keeping its index m: the others' draws do not move
	}
	int wq = uWConst != 0u ? uWqConst : conn_weight_q(uSeed, uStream + 1u, pre, m, uWMean, uWStd, uWScale);
	if (wq == 0) {
		return;
	}
	uint d = uDConst != 0u ? uDSteps : conn_delay(uSeed, uStream + 2u, pre, m, uDMean, uDStd);
	deliver(j, wq, d, step);
}

void main() {
	uint spike = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * uint(WG) + gl_LocalInvocationID.x;
	if (netFailed != 0u || spike >= netEnd - netBegin) {
		return;
	}
	Spike s = spikes[netBegin + spike];
	uint pre = uint(s.id);
	if (pre < uPreLo || pre >= uPreHi) {
		return;
	}
	// Targets come in increasing order: the walk stops at the ring chunk's end.
	uint hi = min(uPostHi, uRingLo + uRingN);
	// A driver may stop an invocation's loops (llvmpipe after 65,535 iterations in all:
	// every loop then ends after its current trip). The walk's position after its loop
	// tells: it ends past hi only when the row was walked to its end, and the host
	// refuses the batch rather than lose synapses silently. (A flag set before the
	// loop's one break would not do: a compiler knows that it is set after the loop.)
	bool cut;
	if (uAll != 0u) {
		uint j = max(uPostLo, uRingLo);
		for (; j < hi; j++) {
			synapse(pre, j, j - uPostLo, s.step);
		}
		cut = j < hi;
	} else {
		conn_row row = conn_row_start(uSeed, uStream, pre, uPostLo);
		uint j, m;
		while (conn_row_next(row, uGapLen, hi, j, m)) {
			if (j >= uRingLo) {
				synapse(pre, j, m, s.step);
			}
		}
		cut = row.j <= hi; // the row's end leaves it past hi (conn_row_next)
	}
	if (cut) {
		atomicOr(netTruncated, 1u);
	}
}
#endif
