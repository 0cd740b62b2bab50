#version 430 core
// lif.comp: advance one chunk of LIF neurons through uSteps steps, with the state in
// registers (one invocation per neuron), recording on the device; with NET, the neurons of
// a network, whose synaptic input comes from the delay rings that propagate.comp fills.
//
// The arithmetic is the contract's (DESIGN.md, "One step, per neuron, exactly"): every
// value on the update path is `precise`, so that the compiler cannot contract a*b+c
// into a fused multiply-add, and every operation goes through f32_add, f32_sub or
// f32_mul (internal/f32's GLSL, pasted at the `include f32` pragma), which flush a
// result that underflows to a zero of its sign: the bits equal the Go reference's.
//
// gpu compiles this file with a preamble of #defines after the #version line:
//   WG                  workgroup size (local_size_x)
//   EXACT               exponential integration; otherwise forward Euler
//   INPLACE             read and write the state through binding 0 (no spike list, so no
//                       dispatch is ever redone); otherwise read binding 0, write binding 1
//   PN_STRIDE           32-bit words per neuron in Params (0: every parameter is scalar)
//   PN_ALPHA, PN_R, PN_UREST, PN_URESET, PN_UTH, PN_REF, PN_BIAS
//                       word offset of that field in a neuron's Params record, when the
//                       field is per neuron; when undefined the uniform u<Field> is used
//   PN_SCHED, PN_X      the scheduled current / Forward's x is per neuron (bindings 3, 4)
//   REC_SPIKES, REC_RATE, REC_TRACE   what is recorded
//   NOISE               Gaussian current noise (Model.Random's first term): the normal table
//                       at binding 10; PN_NMEAN, PN_NSTD word offsets of the per-neuron mean
//                       and standard deviation, else the uniforms uNoiseMean, uNoiseStd
//   POISSON             Poisson input (Model.Random's second term); POISSON_LEN thresholds a
//                       neuron (0: every rate is 0, k is always 0 and no table is bound),
//                       at binding 11: one table for all neurons, or with POISSON_PN
//                       POISSON_LEN a neuron of the chunk (chunk index i at i*POISSON_LEN);
//                       PN_PWEIGHT word offset of the per-neuron weight, else uPoissonWeight
//   RANDOM              NOISE or POISSON: the current changes every step
//   NET                 a network (DESIGN.md, "Networks"): the State records hold the two
//                       ports' currents, each step reads the chunk's delay rings (bindings
//                       12, 13: int32, slot-major, uD slots of uN neurons) at slot
//                       (step mod uD) without clearing them (propagate.comp's CLEAR does,
//                       after the dispatch, so that a dispatch can be done again), and
//                       every spike goes to the spike list (the propagation's input) whose
//                       header also holds the batch's failure flag: a dispatch of a batch
//                       after a failed one does nothing
//   EX_DELTA, IN_DELTA  that port is a delta current for every neuron (tau_syn = 0);
//                       otherwise PN_DELTA_EX and PN_DECAY_EX (PN_DELTA_IN, PN_DECAY_IN)
//                       word offsets of the per-neuron delta flag and decay (both or
//                       neither), else the uniform uDecayEx (uDecayIn): no delta neuron
//   F32_FLUSH           flush results that underflow to zeros of their sign explicitly
//                       (internal/f32's f32.glsl); without it f32_add/f32_sub/f32_mul are
//                       the plain operators, for a driver that flushes as the contract does
//   BALLOT              aggregate the spike list's and the rate's atomics per subgroup: one
//                       atomicAdd a subgroup and step instead of one a spike, after the
//                       step's if/else (not in divergent code); the list's order changes,
//                       not its content (the host sorts it). With SUBGROUP_KHR through
//                       GL_KHR_shader_subgroup (ballot), else GL_ARB_shader_ballot with
//                       GL_ARB_gpu_shader_int64
//
// `#pragma lifgpu ...` lines are gpu's (compilers ignore pragmas they do not know):
// `include <name>` is replaced with GLSL text; `optional <uniform>` says that the code
// kept by the defines around it may let a compiler drop the uniform.
//
// Random draws are internal/rng's (philox.glsl, draws.glsl), pasted by gpu in place of
// the `#pragma lifgpu include rng` line below, keyed by uSeed with the counter (global
// neuron index, 64-bit absolute step): the same draws as the CPU's, whatever the chunks
// and dispatches.

#ifdef BALLOT
#ifdef SUBGROUP_KHR
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
#else
#extension GL_ARB_shader_ballot : require
#extension GL_ARB_gpu_shader_int64 : require
#endif
#endif

#ifndef WG
#define WG 256
#endif
#ifndef PN_STRIDE
#define PN_STRIDE 0
#endif

layout(local_size_x = WG) in;

struct State {
	float u;   // membrane potential (mV)
	int ref;   // refractory steps left
	uint cnt;  // spikes since creation
#ifdef NET
	float iEx; // the ports' synaptic currents (nA)
	float iIn;
#endif
};

#if defined(REC_SPIKES) || defined(NET)
#define LIST // spikes are appended to the spike list
#endif

layout(std430, binding = 0) buffer StateIn { State stIn[]; };
#ifndef INPLACE
layout(std430, binding = 1) writeonly buffer StateOut { State stOut[]; };
#endif
#if PN_STRIDE > 0
layout(std430, binding = 2) readonly buffer Params { uint par[]; };
#endif
#ifdef PN_SCHED
layout(std430, binding = 3) readonly buffer Sched { float schedv[]; };
#endif
#ifdef PN_X
layout(std430, binding = 4) readonly buffer X { float xv[]; };
#endif
#ifdef LIST
struct Spike { int step; int id; };
// spikeCount counts every spike of the dispatch, also those past spikeCap: the host
// sees the overflow, grows the buffer or shortens the dispatch, and redoes it. A
// network's header goes on with propagate.comp's words (netFailed: the batch failed,
// so this dispatch must change nothing).
layout(std430, binding = 5) buffer Spikes {
	uint spikeCount;
	uint spikeCap;
#ifdef NET
	uint netFailed;  // then propagate.comp's netNext, netBegin, netEnd, netTruncated, netPad
	uint netRest[5];
#endif
	Spike spikes[];
};
#endif
#ifdef REC_RATE
layout(std430, binding = 6) buffer Rate { uint rate[]; }; // rate[k]: spikes in step uStep0+k
#endif
#ifdef REC_TRACE
layout(std430, binding = 7) writeonly buffer Trace { float trace[]; }; // [row][column]
layout(std430, binding = 8) readonly buffer TraceList { ivec2 traced[]; }; // (chunk index, column), by index
#endif
// Last: the spikes of step uLastStep; truncated is set when an invocation's step loop
// ended before uSteps (a driver's loop-iteration limit: the host refuses the dispatch).
layout(std430, binding = 9) buffer Last { uint lastCount; uint truncated; int last[]; };
#ifdef NOISE
layout(std430, binding = 10) readonly buffer NormalTab { float normal_table[]; }; // rng.NormalTable.Values()
#define NORMAL_TABLE(i) normal_table[i]
#endif
#if defined(POISSON) && POISSON_LEN > 0
layout(std430, binding = 11) readonly buffer PoissonTab { uint poisson_thr[]; }; // rng.PoissonTable.Thresholds(), this chunk's
#define POISSON_THRESHOLD(i) poisson_thr[i]
#endif

// internal/f32's GLSL goes here (always), then internal/rng's (when NOISE or POISSON is
// defined); a compiler that meets the pragmas themselves ignores them.
#ifdef NET
layout(std430, binding = 12) readonly buffer RingEx { int ringEx[]; };
layout(std430, binding = 13) readonly buffer RingIn { int ringIn[]; };
#endif

#pragma lifgpu include f32
#pragma lifgpu include rng

#ifdef BALLOT
// Subgroup helpers over the live invocations of the subgroup: sg_count(b) how many have
// b, sg_rank(b) how many below this one have b, sg_elect() true in the lowest live one,
// sg_first(x) that one's x.
#ifdef SUBGROUP_KHR
uint sg_count(bool b) { return subgroupBallotBitCount(subgroupBallot(b)); }
uint sg_rank(bool b) { return subgroupBallotExclusiveBitCount(subgroupBallot(b)); }
bool sg_elect() { return subgroupElect(); }
uint sg_first(uint x) { return subgroupBroadcastFirst(x); }
#else
uint sg_count(bool b) {
	uvec2 m = unpackUint2x32(ballotARB(b));
	return uint(bitCount(m.x) + bitCount(m.y));
}
uint sg_rank(bool b) {
	uvec2 m = unpackUint2x32(ballotARB(b) & gl_SubGroupLtMaskARB);
	return uint(bitCount(m.x) + bitCount(m.y));
}
bool sg_elect() {
	uvec2 live = unpackUint2x32(ballotARB(true));
	uint lead = live.x != 0u ? uint(findLSB(live.x)) : 32u + uint(findLSB(live.y));
	return gl_SubGroupInvocationARB == lead;
}
uint sg_first(uint x) { return readFirstInvocationARB(x); }
#endif
#endif

uniform uint uN;       // neurons in the chunk
uniform int uBase;     // global index of the chunk's neuron 0
uniform int uStep0;    // first step of the dispatch
uniform int uSteps;    // steps in the dispatch
uniform int uLastStep; // the step whose spikes go to Last, or -1

uniform float uAlpha;  // Euler: dt/tau_m; exact: exp(-dt/tau_m)
uniform float uR;
uniform float uURest;
uniform float uUReset;
uniform float uUTh;
uniform int uRefSteps;
uniform float uBias;
uniform float uSched;  // 0 when no schedule entry is in force
uniform float uX;      // Forward's x; 0 in Run
uniform int uRateBase; // rate row of this dispatch's first step (a network's batch of dispatches shares the rows)
#ifdef NET
uniform uint uD;         // ring slots
uniform uint uSlot0;     // uStep0 mod uD
uniform float uSynScale; // 2^-q: the fixed point's unit (nA)
#if !defined(EX_DELTA) && !defined(PN_DECAY_EX)
uniform float uDecayEx;
#endif
#if !defined(IN_DELTA) && !defined(PN_DECAY_IN)
uniform float uDecayIn;
#endif
#endif
#if defined(RANDOM) || defined(NET)
#define VARYING // the current changes every step
#endif

#ifdef NET
// syn_port is one port's input of a step from its ring's fixed-point sum a
// (cpu/reference.go's synapticInput): s = float(a) * 2^-q, exact and never below 2^-30
// unless 0 (|a| < 2^24, q <= 30), so a plain multiply gives f32_mul's bits without its
// slow path for a = 0; a delta port gives s, another decays its current cur and adds s.
float syn_port(int a, bool delta, float decay, inout float cur) {
	precise float fa = float(a);
	precise float s = fa * uSynScale;
	if (delta) {
		return s;
	}
	precise float c = f32_mul(cur, decay);
	c = f32_add(c, s);
	cur = c;
	return c;
}
#endif
#ifdef RANDOM
uniform uvec2 uSeed;   // the seed's (low, high) halves: the Philox key
uniform uint uFirst;   // the global index of the population's neuron 0 (a shard's first): draws use uFirst + gid
uniform uvec2 uStep64; // uStep0 as a 64-bit step, (low, high) halves: the draws' counter
#endif
// DRAWS: some random term draws words (noise, or Poisson input with a table), so the
// draws' counter is computed; Poisson input whose rates are all 0 draws nothing.
#if defined(NOISE) || (defined(POISSON) && POISSON_LEN > 0)
#define DRAWS
#endif
#ifdef NOISE
uniform float uNoiseMean;
uniform float uNoiseStd;
#endif
#ifdef POISSON
uniform float uPoissonWeight;
#if POISSON_LEN == 0
// Every rate is 0, so the term is float(0u) * weight, which a compiler may fold to a
// constant: the weight may then have no location. gpu checks at start-up that every
// uniform the kept code uses has one, except those a kept `optional` pragma names.
#pragma lifgpu optional uPoissonWeight
#endif
#endif

#ifdef REC_TRACE
uniform int uTraceCount; // entries in TraceList
uniform int uNTraces;    // columns in a trace row
uniform int uTraceFirst; // first recorded step >= uStep0
uniform int uTraceRow0;  // its row in Trace
uniform int uTraceEvery;
#endif

void main() {
	uint i = gl_GlobalInvocationID.x;
#ifdef NET
	if (i >= uN || netFailed != 0u) {
		return;
	}
#else
	if (i >= uN) {
		return;
	}
#endif
	uint pb = i * uint(PN_STRIDE);
	State s = stIn[i];
	precise float u = s.u;
	int ref = s.ref;
	uint cnt = s.cnt;

#ifdef PN_ALPHA
	precise float alpha = uintBitsToFloat(par[pb + uint(PN_ALPHA)]);
#else
	precise float alpha = uAlpha;
#endif
#ifdef PN_R
	precise float R = uintBitsToFloat(par[pb + uint(PN_R)]);
#else
	precise float R = uR;
#endif
#ifdef PN_UREST
	precise float uRest = uintBitsToFloat(par[pb + uint(PN_UREST)]);
#else
	precise float uRest = uURest;
#endif
#ifdef PN_URESET
	float uReset = uintBitsToFloat(par[pb + uint(PN_URESET)]);
#else
	float uReset = uUReset;
#endif
#ifdef PN_UTH
	float uTh = uintBitsToFloat(par[pb + uint(PN_UTH)]);
#else
	float uTh = uUTh;
#endif
#ifdef PN_REF
	int refSteps = int(par[pb + uint(PN_REF)]);
#else
	int refSteps = uRefSteps;
#endif
#ifdef PN_BIAS
	precise float bias = uintBitsToFloat(par[pb + uint(PN_BIAS)]);
#else
	precise float bias = uBias;
#endif
#ifdef PN_SCHED
	precise float sched = schedv[i];
#else
	precise float sched = uSched;
#endif
#ifdef PN_X
	precise float x = xv[i];
#else
	precise float x = uX;
#endif

#ifdef NOISE
#ifdef PN_NMEAN
	precise float nMean = uintBitsToFloat(par[pb + uint(PN_NMEAN)]);
#else
	precise float nMean = uNoiseMean;
#endif
#ifdef PN_NSTD
	precise float nStd = uintBitsToFloat(par[pb + uint(PN_NSTD)]);
#else
	precise float nStd = uNoiseStd;
#endif
#endif
#ifdef POISSON
#ifdef PN_PWEIGHT
	precise float pWeight = uintBitsToFloat(par[pb + uint(PN_PWEIGHT)]);
#else
	precise float pWeight = uPoissonWeight;
#endif
#ifdef POISSON_PN
	uint pBase = i * uint(POISSON_LEN); // PoissonTable.Base(gid) - the chunk's first index
#else
	uint pBase = 0u;
#endif
#endif

#ifdef NET
	precise float iEx = s.iEx;
	precise float iIn = s.iIn;
	uint slot = uSlot0;
#ifdef PN_DECAY_EX // per neuron: the delta flag and the decay come together (model.Port)
	bool deltaEx = par[pb + uint(PN_DELTA_EX)] != 0u;
	precise float decayEx = uintBitsToFloat(par[pb + uint(PN_DECAY_EX)]);
#elif defined(EX_DELTA)
	bool deltaEx = true;
	precise float decayEx = 0.0;
#else
	bool deltaEx = false;
	precise float decayEx = uDecayEx;
#endif
#ifdef PN_DECAY_IN // per neuron: the delta flag and the decay come together (model.Port)
	bool deltaIn = par[pb + uint(PN_DELTA_IN)] != 0u;
	precise float decayIn = uintBitsToFloat(par[pb + uint(PN_DECAY_IN)]);
#elif defined(IN_DELTA)
	bool deltaIn = true;
	precise float decayIn = 0.0;
#else
	bool deltaIn = false;
	precise float decayIn = uDecayIn;
#endif
#endif

#ifdef VARYING
	// base = ((bias + sched) + x), left to right; the random terms and the synaptic
	// input are added each step.
	precise float base = f32_add(bias, sched);
	base = f32_add(base, x);
#else
	// I = ((bias + sched) + x), left to right; e = R*I.
	precise float I = f32_add(bias, sched);
	I = f32_add(I, x);
	precise float e = f32_mul(R, I);
#ifdef EXACT
	precise float v = f32_add(uRest, e);
#endif
#endif
	int gid = uBase + int(i);

#ifdef REC_TRACE
	int col = -1;
	{
		int lo = 0, hi = uTraceCount;
		while (lo < hi) {
			int mid = (lo + hi) >> 1;
			if (traced[mid].x < int(i)) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		if (lo < uTraceCount && traced[lo].x == int(i)) {
			col = traced[lo].y;
		}
	}
	int nextRec = uTraceFirst;
	uint row = uint(uTraceRow0);
#endif

	int k = 0;
	for (; k < uSteps; k++) {
		int step = uStep0 + k;
		bool spiked = false;
#ifdef NET
		// Both ports' input of this step (cpu/reference.go's synapticInput), for every
		// neuron, the refractory ones too: their currents evolve. float(a) and the
		// product by 2^-q are exact.
		uint ringAt = slot * uN + i;
		precise float synEx = syn_port(ringEx[ringAt], deltaEx, decayEx, iEx);
		precise float synIn = syn_port(ringIn[ringAt], deltaIn, decayIn, iIn);
		precise float syn = f32_add(synEx, synIn);
		slot++;
		if (slot == uD) {
			slot = 0u;
		}
#endif
#ifdef REC_TRACE
		if (col >= 0 && step == nextRec) {
			trace[row * uint(uNTraces) + uint(col)] = u; // u at the start of the step
			row++;
			nextRec += uTraceEvery;
		}
#endif
		if (ref > 0) {
			ref--; // refractory: u held, input ignored
		} else {
#ifdef VARYING
			// Model.Random: I = ((base + noise) + poisson), at the absolute step
			// uStep64 + k, 64-bit: the high half carries when the low half wraps; then
			// the synaptic input: I = I + syn.
#ifdef DRAWS
			uint sLo = uStep64.x + uint(k);
			uvec2 rstep = uvec2(sLo, uStep64.y + uint(sLo < uStep64.x));
#endif
			precise float I = base;
#ifdef NOISE
			uvec2 wn = rng_noise_words(uSeed, uFirst + uint(gid), rstep);
			precise float z = normal_sample(wn.x, wn.y);
			precise float noiseI = noise_current(nMean, nStd, z);
			I = f32_add(I, noiseI);
#endif
#ifdef POISSON
#if POISSON_LEN > 0
			uint wp = rng_poisson_word(uSeed, uFirst + uint(gid), rstep);
			uint pk = poisson_sample(pBase, uint(POISSON_LEN), wp);
#else
			uint pk = 0u; // every rate is 0: no draw can give an event
#endif
			precise float poissonI = poisson_current(pWeight, pk);
			I = f32_add(I, poissonI);
#endif
#ifdef NET
			I = f32_add(I, syn);
#endif
			precise float e = f32_mul(R, I);
#ifdef EXACT
			precise float v = f32_add(uRest, e);
#endif
#endif
#ifdef EXACT
			precise float t = f32_sub(u, v);
			t = f32_mul(t, alpha);
			u = f32_add(v, t);
#else
			precise float d = f32_sub(u, uRest);
			precise float f = f32_sub(d, e);
			precise float g = f32_mul(alpha, f);
			u = f32_sub(u, g);
#endif
			if (u >= uTh) {
				u = uReset;
				ref = refSteps;
				cnt++;
				spiked = true;
				if (step == uLastStep) {
					last[atomicAdd(lastCount, 1u)] = gid;
				}
			}
		}
#if defined(LIST) || defined(REC_RATE)
#ifdef BALLOT
		// After the if/else, where every live invocation of the subgroup is again (the
		// step loop's trip count is uniform): the subgroup's spiking invocations are
		// counted at once, one of them adds the count to the counters, and each writes
		// its spike at its rank among them.
		uint nSpiked = sg_count(spiked);
		if (nSpiked > 0u) {
			uint at0 = 0u;
			if (sg_elect()) {
#ifdef LIST
				at0 = atomicAdd(spikeCount, nSpiked);
#endif
#ifdef REC_RATE
				atomicAdd(rate[uRateBase + k], nSpiked);
#endif
			}
#ifdef LIST
			at0 = sg_first(at0);
			if (spiked) {
				uint at = at0 + sg_rank(spiked);
				if (at < spikeCap) {
					spikes[at] = Spike(step, gid);
				}
			}
#endif
		}
#else
		if (spiked) {
#ifdef LIST
			uint at = atomicAdd(spikeCount, 1u);
			if (at < spikeCap) {
				spikes[at] = Spike(step, gid);
			}
#endif
#ifdef REC_RATE
			atomicAdd(rate[uRateBase + k], 1u);
#endif
		}
#endif
#endif
	}

	if (k != uSteps) {
		atomicOr(truncated, 1u); // a loop cut short by the driver: refuse the dispatch
	}
#ifdef NET
	State o = State(u, ref, cnt, iEx, iIn);
#else
	State o = State(u, ref, cnt);
#endif
#ifdef INPLACE
	stIn[i] = o;
#else
	stOut[i] = o;
#endif
}
