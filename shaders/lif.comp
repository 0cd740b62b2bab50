#version 430 core
// lif.comp: advance one chunk of uncoupled LIF neurons through uSteps steps, with the
// state in registers (one invocation per neuron), recording on the device.
//
// The arithmetic is the contract's (DESIGN.md, "One step, per neuron, exactly"): every
// value on the update path is `precise`, so that the compiler cannot contract a*b+c
// into a fused multiply-add and the bits equal the Go reference's.
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
};

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
#ifdef REC_SPIKES
struct Spike { int step; int id; };
// spikeCount counts every spike of the dispatch, also those past spikeCap: the host
// sees the overflow, grows the buffer or shortens the dispatch, and redoes it.
layout(std430, binding = 5) buffer Spikes { uint spikeCount; uint spikeCap; Spike spikes[]; };
#endif
#ifdef REC_RATE
layout(std430, binding = 6) buffer Rate { uint rate[]; }; // rate[k]: spikes in step uStep0+k
#endif
#ifdef REC_TRACE
layout(std430, binding = 7) writeonly buffer Trace { float trace[]; }; // [row][column]
layout(std430, binding = 8) readonly buffer TraceList { ivec2 traced[]; }; // (chunk index, column), by index
#endif
layout(std430, binding = 9) buffer Last { uint lastCount; int last[]; }; // spikes of step uLastStep

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

#ifdef REC_TRACE
uniform int uTraceCount; // entries in TraceList
uniform int uNTraces;    // columns in a trace row
uniform int uTraceFirst; // first recorded step >= uStep0 (row 0 of Trace)
uniform int uTraceEvery;
#endif

void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= uN) {
		return;
	}
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

	// I = ((bias + sched) + x), left to right; e = R*I.
	precise float I = bias + sched;
	I = I + x;
	precise float e = R * I;
#ifdef EXACT
	precise float v = uRest + e;
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
	uint row = 0u;
#endif

	for (int k = 0; k < uSteps; k++) {
		int step = uStep0 + k;
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
#ifdef EXACT
			precise float t = u - v;
			t = t * alpha;
			u = v + t;
#else
			precise float d = u - uRest;
			precise float f = d - e;
			precise float g = alpha * f;
			u = u - g;
#endif
			if (u >= uTh) {
				u = uReset;
				ref = refSteps;
				cnt++;
#ifdef REC_SPIKES
				uint at = atomicAdd(spikeCount, 1u);
				if (at < spikeCap) {
					spikes[at] = Spike(step, gid);
				}
#endif
#ifdef REC_RATE
				atomicAdd(rate[k], 1u);
#endif
				if (step == uLastStep) {
					last[atomicAdd(lastCount, 1u)] = gid;
				}
			}
		}
	}

	State o = State(u, ref, cnt);
#ifdef INPLACE
	stIn[i] = o;
#else
	stOut[i] = o;
#endif
}
