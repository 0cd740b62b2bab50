//go:build !purego

#include "textflag.h"

// Block kernels for amd64 (see kernel.go for the contract and kernel_amd64.go for the
// dispatch). They give exactly the bits of eulerGo and exactGo: the same float32
// operations, each rounded on its own (no FMA), in the same operand order as the Go
// compiler emits them (which decides the NaN payload when two operands are NaNs).
//
// Field offsets of block (kernel.go): all 8 bytes, in declaration order.
#define B_U        0
#define B_REF      8
#define B_E        16
#define B_ALPHA    24
#define B_UREST    32
#define B_URESET   40
#define B_UTH      48
#define B_REFSTEPS 56
#define B_MASKS    64
#define B_N        72
#define B_STEPS    80

// Registers, the same in all four kernels:
//   SI u, DI ref, R8 e, R9 alpha, R10 uRest, R11 uReset, R12 uTh, R13 refSteps: each
//      advanced by 4n bytes, so that CX, running from -4n up to 0, indexes all of them;
//   DX masks: 2 bytes per vector; the rows follow each other, so it is never rewound;
//   BX = -4n; AX = steps left; R14 scratch (AVX2 mask bytes; these are ABI0 functions,
//      whose wrappers restore R14 = g on return).
// Each step sweeps the n/16 vectors of 16 neurons two at a time, after a single one
// when n/16 is odd (SUBQ $-128 is ADDQ $128 with an 8-bit immediate). The vectors are
// independent, so the out-of-order core overlaps their dependency chains; unrolling by
// two only halves the loop overhead (measured: within noise of no unrolling).
//
// Compare predicate 0x1D is GE_OQ: v >= uTh, false when either is a NaN, as Go's >=.
#define GE_OQ $0x1d

// Every kernel runs with FTZ and DAZ set in MXCSR (saved at entry, restored at exit): a
// result that underflows becomes a zero of its sign, as the contract says and as
// internal/f32 computes for the portable kernels (MXCSR is per thread; the Go scheduler
// cannot run other code on this thread inside an assembly function).
#define FTZ_ON \
	STMXCSR mxold-4(SP); \
	MOVL    mxold-4(SP), AX; \
	ORL     $0x8040, AX; \
	MOVL    AX, mxnew-8(SP); \
	LDMXCSR mxnew-8(SP)

#define FTZ_OFF LDMXCSR mxold-4(SP)

#define SETUP \
	FTZ_ON; \
	MOVQ  b+0(FP), AX; \
	MOVQ  B_N(AX), BX; \
	MOVQ  B_STEPS(AX), CX; \
	TESTQ BX, BX; \
	JLE   done; \
	TESTQ CX, CX; \
	JLE   done; \
	SHLQ  $2, BX; \
	MOVQ  B_U(AX), SI; \
	ADDQ  BX, SI; \
	MOVQ  B_REF(AX), DI; \
	ADDQ  BX, DI; \
	MOVQ  B_E(AX), R8; \
	ADDQ  BX, R8; \
	MOVQ  B_ALPHA(AX), R9; \
	ADDQ  BX, R9; \
	MOVQ  B_UREST(AX), R10; \
	ADDQ  BX, R10; \
	MOVQ  B_URESET(AX), R11; \
	ADDQ  BX, R11; \
	MOVQ  B_UTH(AX), R12; \
	ADDQ  BX, R12; \
	MOVQ  B_REFSTEPS(AX), R13; \
	ADDQ  BX, R13; \
	MOVQ  B_MASKS(AX), DX; \
	NEGQ  BX; \
	MOVQ  CX, AX

// ---------------------------------------------------------------- AVX-512
// Z31 = 0, Z30 = -1. KR = refractory (ref > 0, signed), KA = active (not KR),
// KS = spiked (active and v >= uTh). Per vector: 10 vector-ALU uops (9 exact), two full
// stores; the resets are merge-masked loads (masked stores instead tested no faster for
// 512 neurons and slower for small blocks, whose next step reloads u at once).

// Euler: d = u - uRest; f = d - e; g = f*alpha; u = u - g, the last on active lanes only
// (merge masking keeps u where the neuron is refractory).
#define EULER512(off, U, V, E, KA) \
	VSUBPS off(R10)(CX*1), U, V; \
	VSUBPS off(R8)(CX*1), V, V; \
	VMULPS off(R9)(CX*1), V, V; \
	VSUBPS V, U, KA, U

// Exact: t = u - e; t = t*decay; u = e + t on active lanes (e first, as Go's ADDSS).
#define EXACT512(off, U, V, E, KA) \
	VMOVUPS off(R8)(CX*1), E; \
	VSUBPS  E, U, V; \
	VMULPS  off(R9)(CX*1), V, V; \
	VADDPS  V, E, KA, U

// Load u and ref of one vector and find its refractory and active lanes.
#define HEAD512(off, U, R, KR, KA) \
	VMOVUPS   off(SI)(CX*1), U; \
	VMOVDQU32 off(DI)(CX*1), R; \
	VPCMPGTD  Z31, R, KR; \
	KNOTW     KR, KA

// Given the updated u in U: spike test on active lanes, reset, decrement, store.
#define TAIL512(off, moff, U, R, KR, KA, KS) \
	VCMPPS    GE_OQ, off(R12)(CX*1), U, KA, KS; \
	VMOVUPS   off(R11)(CX*1), KS, U; \
	VPADDD    Z30, R, KR, R; \
	VMOVDQU32 off(R13)(CX*1), KS, R; \
	VMOVUPS   U, off(SI)(CX*1); \
	VMOVDQU32 R, off(DI)(CX*1); \
	KMOVW     KS, moff(DX)

// ---------------------------------------------------------------- AVX2
// Y15 = 0. Each vector is two halves of 8 lanes, at off and off+32, whose 8-bit masks
// (VMOVMSKPS) are the low and the high byte of the mask word. RF = refractory (all ones
// where ref > 0, signed, so ref + RF is the decrement), S = spiked = not RF and v >= uTh.
// u = S ? uReset : RF ? u : v and ref = S ? refSteps : ref + RF, by VBLENDVPS (which
// moves the int32 lanes of ref as they are).

// The candidate v into V, as EULER512 and EXACT512 but on all lanes (E is scratch).
#define EULER2(off, U, V, E) \
	VSUBPS off(R10)(CX*1), U, V; \
	VSUBPS off(R8)(CX*1), V, V; \
	VMULPS off(R9)(CX*1), V, V; \
	VSUBPS V, U, V

#define EXACT2(off, U, V, E) \
	VMOVUPS off(R8)(CX*1), E; \
	VSUBPS  E, U, V; \
	VMULPS  off(R9)(CX*1), V, V; \
	VADDPS  V, E, V

#define LOAD2(off, U, R) \
	VMOVUPS off(SI)(CX*1), U; \
	VMOVDQU off(DI)(CX*1), R

#define TAIL2(off, moff, U, R, V, RF, S) \
	VPCMPGTD  Y15, R, RF; \
	VCMPPS    GE_OQ, off(R12)(CX*1), V, S; \
	VPANDN    S, RF, S; \
	VBLENDVPS RF, U, V, U; \
	VBLENDVPS S, off(R11)(CX*1), U, U; \
	VPADDD    RF, R, R; \
	VBLENDVPS S, off(R13)(CX*1), R, R; \
	VMOVUPS   U, off(SI)(CX*1); \
	VMOVDQU   R, off(DI)(CX*1); \
	VMOVMSKPS S, R14; \
	MOVB      R14, moff(DX)

// func eulerAVX512(b *block)
TEXT ·eulerAVX512(SB), NOSPLIT, $8-8
	SETUP
	VPXORD     Z31, Z31, Z31
	VPTERNLOGD $0xff, Z30, Z30, Z30

step:
	MOVQ BX, CX
	TESTQ $64, CX
	JZ    pair
	HEAD512(0, Z0, Z1, K1, K2)
	EULER512(0, Z0, Z2, Z3, K2)
	TAIL512(0, 0, Z0, Z1, K1, K2, K3)
	ADDQ $2, DX
	ADDQ $64, CX
	JZ   next

pair:
	HEAD512(0, Z0, Z1, K1, K2)
	EULER512(0, Z0, Z2, Z3, K2)
	TAIL512(0, 0, Z0, Z1, K1, K2, K3)
	HEAD512(64, Z4, Z5, K4, K5)
	EULER512(64, Z4, Z6, Z7, K5)
	TAIL512(64, 2, Z4, Z5, K4, K5, K6)
	ADDQ $4, DX
	SUBQ $-128, CX
	JNZ  pair

next:
	DECQ AX
	JNZ  step
	VZEROUPPER

done:
	FTZ_OFF
	RET

// func exactAVX512(b *block)
TEXT ·exactAVX512(SB), NOSPLIT, $8-8
	SETUP
	VPXORD     Z31, Z31, Z31
	VPTERNLOGD $0xff, Z30, Z30, Z30

step:
	MOVQ BX, CX
	TESTQ $64, CX
	JZ    pair
	HEAD512(0, Z0, Z1, K1, K2)
	EXACT512(0, Z0, Z2, Z3, K2)
	TAIL512(0, 0, Z0, Z1, K1, K2, K3)
	ADDQ $2, DX
	ADDQ $64, CX
	JZ   next

pair:
	HEAD512(0, Z0, Z1, K1, K2)
	EXACT512(0, Z0, Z2, Z3, K2)
	TAIL512(0, 0, Z0, Z1, K1, K2, K3)
	HEAD512(64, Z4, Z5, K4, K5)
	EXACT512(64, Z4, Z6, Z7, K5)
	TAIL512(64, 2, Z4, Z5, K4, K5, K6)
	ADDQ $4, DX
	SUBQ $-128, CX
	JNZ  pair

next:
	DECQ AX
	JNZ  step
	VZEROUPPER

done:
	FTZ_OFF
	RET

// func eulerAVX2(b *block)
TEXT ·eulerAVX2(SB), NOSPLIT, $8-8
	SETUP
	VPXOR Y15, Y15, Y15

step:
	MOVQ BX, CX
	TESTQ $64, CX
	JZ    pair
	LOAD2(0, Y0, Y1)
	EULER2(0, Y0, Y2, Y3)
	TAIL2(0, 0, Y0, Y1, Y2, Y4, Y5)
	LOAD2(32, Y6, Y7)
	EULER2(32, Y6, Y8, Y9)
	TAIL2(32, 1, Y6, Y7, Y8, Y10, Y11)
	ADDQ $2, DX
	ADDQ $64, CX
	JZ   next

pair:
	LOAD2(0, Y0, Y1)
	EULER2(0, Y0, Y2, Y3)
	TAIL2(0, 0, Y0, Y1, Y2, Y4, Y5)
	LOAD2(32, Y6, Y7)
	EULER2(32, Y6, Y8, Y9)
	TAIL2(32, 1, Y6, Y7, Y8, Y10, Y11)
	LOAD2(64, Y0, Y1)
	EULER2(64, Y0, Y2, Y3)
	TAIL2(64, 2, Y0, Y1, Y2, Y4, Y5)
	LOAD2(96, Y6, Y7)
	EULER2(96, Y6, Y8, Y9)
	TAIL2(96, 3, Y6, Y7, Y8, Y10, Y11)
	ADDQ $4, DX
	SUBQ $-128, CX
	JNZ  pair

next:
	DECQ AX
	JNZ  step
	VZEROUPPER

done:
	FTZ_OFF
	RET

// func exactAVX2(b *block)
TEXT ·exactAVX2(SB), NOSPLIT, $8-8
	SETUP
	VPXOR Y15, Y15, Y15

step:
	MOVQ BX, CX
	TESTQ $64, CX
	JZ    pair
	LOAD2(0, Y0, Y1)
	EXACT2(0, Y0, Y2, Y3)
	TAIL2(0, 0, Y0, Y1, Y2, Y4, Y5)
	LOAD2(32, Y6, Y7)
	EXACT2(32, Y6, Y8, Y9)
	TAIL2(32, 1, Y6, Y7, Y8, Y10, Y11)
	ADDQ $2, DX
	ADDQ $64, CX
	JZ   next

pair:
	LOAD2(0, Y0, Y1)
	EXACT2(0, Y0, Y2, Y3)
	TAIL2(0, 0, Y0, Y1, Y2, Y4, Y5)
	LOAD2(32, Y6, Y7)
	EXACT2(32, Y6, Y8, Y9)
	TAIL2(32, 1, Y6, Y7, Y8, Y10, Y11)
	LOAD2(64, Y0, Y1)
	EXACT2(64, Y0, Y2, Y3)
	TAIL2(64, 2, Y0, Y1, Y2, Y4, Y5)
	LOAD2(96, Y6, Y7)
	EXACT2(96, Y6, Y8, Y9)
	TAIL2(96, 3, Y6, Y7, Y8, Y10, Y11)
	ADDQ $4, DX
	SUBQ $-128, CX
	JNZ  pair

next:
	DECQ AX
	JNZ  step
	VZEROUPPER

done:
	FTZ_OFF
	RET
