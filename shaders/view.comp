#version 430 core
// view.comp: internal/view's snapshot of a population's state, for the window of
// `lifgpu view`. Not on the update path: it only reads the State records that lif.comp
// wrote (one chunk a dispatch), for a list of probes (the neurons that the image's
// pixels and the raster's rows show), and writes what each probe shows:
//   SPIKED            its neuron's spike count changed since the last snapshot
//   0..255            otherwise, the colour index of its u: (u - uLo) * uScale, clamped
//                     to [0, 255] and truncated; uScale = float32(256 / (u_th - u_reset))
//                     is computed on the host, so the device divides nothing
// A probe of no neuron (-1) or of another chunk's is left as it is. The arithmetic is
// `precise` (the lint's rule for every compute shader of this folder), so the index
// equals internal/view's Go mirror of it, bit for bit.

layout(local_size_x = 256) in;

#define SPIKED 256u

layout(std430, binding = 0) readonly buffer StateWords { uint st[]; }; // uWords words a neuron: u, ref, count, ...
layout(std430, binding = 1) readonly buffer Probes { int probe[]; };    // the neuron of each probe, or -1
layout(std430, binding = 2) buffer Prev { uint prevCount[]; };          // each probe's count at the last snapshot
layout(std430, binding = 3) writeonly buffer Pix { uint pix[]; };       // what each probe shows

uniform uint uProbes; // probes in the list
uniform int uFirst;   // the chunk's first neuron
uniform int uN;       // its neurons
uniform uint uWords;  // 32-bit words a State record
uniform float uLo;    // u_reset: index 0
uniform float uScale; // indices a mV

void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= uProbes) {
		return;
	}
	int id = probe[i];
	if (id < uFirst || id >= uFirst + uN) {
		return;
	}
	uint r = uint(id - uFirst) * uWords;
	uint cnt = st[r + 2u];
	uint was = prevCount[i];
	prevCount[i] = cnt;
	if (cnt != was) {
		pix[i] = SPIKED;
		return;
	}
	precise float u = uintBitsToFloat(st[r]);
	precise float d = u - uLo;
	precise float t = d * uScale;
	float c = clamp(t, 0.0, 255.0);
	pix[i] = uint(c);
}
