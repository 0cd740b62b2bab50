//go:build !purego

#include "textflag.h"

// Drive loops for amd64 (see drive_generic.go for the contract and drive_amd64.go for
// the dispatch). Each float32 operation is rounded on its own (no FMA). The operands
// keep the Go expression order: in r*t and uRest + t, r and uRest are the first source
// operand (which decides the NaN payload when both operands are NaNs; the Go compiler
// itself happens to emit t*r and t + uRest, so the portable loops may keep the other
// payload there). In Go assembly, VADDPS B, A, D is D = A + B with A the first source.
//
// Registers, the same in all six functions:
//   DI dst, SI b, DX s, R8 x, R9 r, R10 uRest; BX n = len(dst); AX the element index,
//   from 0 up; CX the end of the unrolled part, then the count of the tail; R11 scratch.
// Each function runs four vectors per iteration while they last, then one vector at a
// time, then the tail of fewer than one vector: masked loads and stores for AVX-512
// (masked-off lanes are neither read nor written, so nothing past n is touched), one
// element at a time for AVX2.

// Each function runs with FTZ and DAZ set in MXCSR (saved at entry, restored before
// RET): results that underflow become zeros of their sign, as the contract says.
#define FTZ_ON \
	STMXCSR mxold-4(SP); \
	MOVL    mxold-4(SP), R11; \
	ORL     $0x8040, R11; \
	MOVL    R11, mxnew-8(SP); \
	LDMXCSR mxnew-8(SP)

// ---------------------------------------------------------------- vectors
// T = (b + s) + x of the vector at element AX + off/4 (off in bytes).
#define INPUTV(off, T) \
	VMOVUPS off(SI)(AX*4), T; \
	VADDPS  off(DX)(AX*4), T, T; \
	VADDPS  off(R8)(AX*4), T, T

// dst = r * ((b + s) + x); R is scratch.
#define EULERV(off, T, R) \
	INPUTV(off, T); \
	VMOVUPS off(R9)(AX*4), R; \
	VMULPS  T, R, T; \
	VMOVUPS T, off(DI)(AX*4)

// dst = uRest + r * ((b + s) + x); R is scratch.
#define EXACTV(off, T, R) \
	INPUTV(off, T); \
	VMOVUPS off(R9)(AX*4), R; \
	VMULPS  T, R, T; \
	VMOVUPS off(R10)(AX*4), R; \
	VADDPS  T, R, T; \
	VMOVUPS T, off(DI)(AX*4)

// dst = (b + s) + x.
#define INPUTSV(off, T, R) \
	INPUTV(off, T); \
	VMOVUPS T, off(DI)(AX*4)

// ---------------------------------------------------------------- AVX-512 tail
// The same on the lanes of K1, from element AX: zero-masked loads, a merge-masked store.
#define INPUTM(T, R) \
	VMOVUPS.Z (SI)(AX*4), K1, T; \
	VMOVUPS.Z (DX)(AX*4), K1, R; \
	VADDPS    R, T, T; \
	VMOVUPS.Z (R8)(AX*4), K1, R; \
	VADDPS    R, T, T

#define EULERM(T, R) \
	INPUTM(T, R); \
	VMOVUPS.Z (R9)(AX*4), K1, R; \
	VMULPS    T, R, T; \
	VMOVUPS   T, K1, (DI)(AX*4)

#define EXACTM(T, R) \
	INPUTM(T, R); \
	VMOVUPS.Z (R9)(AX*4), K1, R; \
	VMULPS    T, R, T; \
	VMOVUPS.Z (R10)(AX*4), K1, R; \
	VADDPS    T, R, T; \
	VMOVUPS   T, K1, (DI)(AX*4)

#define INPUTSM(T, R) \
	INPUTM(T, R); \
	VMOVUPS T, K1, (DI)(AX*4)

// ---------------------------------------------------------------- AVX2 tail
// One element at AX (VEX scalar ops: the same operand order as the vectors).
#define INPUT1(T) \
	VMOVSS (SI)(AX*4), T; \
	VADDSS (DX)(AX*4), T, T; \
	VADDSS (R8)(AX*4), T, T

#define EULER1(T, R) \
	INPUT1(T); \
	VMOVSS (R9)(AX*4), R; \
	VMULSS T, R, T; \
	VMOVSS T, (DI)(AX*4)

#define EXACT1(T, R) \
	INPUT1(T); \
	VMOVSS (R9)(AX*4), R; \
	VMULSS T, R, T; \
	VMOVSS (R10)(AX*4), R; \
	VADDSS T, R, T; \
	VMOVSS T, (DI)(AX*4)

#define INPUTS1(T, R) \
	INPUT1(T); \
	VMOVSS T, (DI)(AX*4)

// ---------------------------------------------------------------- loop bodies
// BODY512(OP, OPM): the AVX-512 loop over n elements with vector macro OP and masked
// tail macro OPM; BODY2(OP, OP1) the AVX2 one with scalar tail macro OP1.
#define BODY512(OP, OPM) \
	FTZ_ON; \
	XORL AX, AX; \
	MOVQ BX, CX; \
	ANDQ $-64, CX; \
	JZ   one; \
four: \
	OP(0, Z0, Z1); \
	OP(64, Z2, Z3); \
	OP(128, Z4, Z5); \
	OP(192, Z6, Z7); \
	ADDQ $64, AX; \
	CMPQ AX, CX; \
	JB   four; \
one: \
	LEAQ 16(AX), CX; \
	CMPQ CX, BX; \
	JA   tail; \
	OP(0, Z0, Z1); \
	MOVQ CX, AX; \
	JMP  one; \
tail: \
	MOVQ BX, CX; \
	SUBQ AX, CX; \
	JZ   done; \
	MOVL $1, R11; \
	SHLL CX, R11; \
	DECL R11; \
	KMOVW R11, K1; \
	OPM(Z0, Z1); \
done: \
	VZEROUPPER; \
	LDMXCSR mxold-4(SP); \
	RET

#define BODY2(OP, OP1) \
	FTZ_ON; \
	XORL AX, AX; \
	MOVQ BX, CX; \
	ANDQ $-32, CX; \
	JZ   one; \
four: \
	OP(0, Y0, Y1); \
	OP(32, Y2, Y3); \
	OP(64, Y4, Y5); \
	OP(96, Y6, Y7); \
	ADDQ $32, AX; \
	CMPQ AX, CX; \
	JB   four; \
one: \
	LEAQ 8(AX), CX; \
	CMPQ CX, BX; \
	JA   tail; \
	OP(0, Y0, Y1); \
	MOVQ CX, AX; \
	JMP  one; \
tail: \
	CMPQ AX, BX; \
	JAE  done; \
	OP1(X0, X1); \
	INCQ AX; \
	JMP  tail; \
done: \
	VZEROUPPER; \
	LDMXCSR mxold-4(SP); \
	RET

// func driveEulerAVX512(dst, b, s, x, r []float32)
TEXT ·driveEulerAVX512(SB), NOSPLIT, $8-120
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ b_base+24(FP), SI
	MOVQ s_base+48(FP), DX
	MOVQ x_base+72(FP), R8
	MOVQ r_base+96(FP), R9
	BODY512(EULERV, EULERM)

// func driveExactAVX512(dst, b, s, x, r, uRest []float32)
TEXT ·driveExactAVX512(SB), NOSPLIT, $8-144
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ b_base+24(FP), SI
	MOVQ s_base+48(FP), DX
	MOVQ x_base+72(FP), R8
	MOVQ r_base+96(FP), R9
	MOVQ uRest_base+120(FP), R10
	BODY512(EXACTV, EXACTM)

// func inputAVX512(dst, b, s, x []float32)
TEXT ·inputAVX512(SB), NOSPLIT, $8-96
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ b_base+24(FP), SI
	MOVQ s_base+48(FP), DX
	MOVQ x_base+72(FP), R8
	BODY512(INPUTSV, INPUTSM)

// func driveEulerAVX2(dst, b, s, x, r []float32)
TEXT ·driveEulerAVX2(SB), NOSPLIT, $8-120
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ b_base+24(FP), SI
	MOVQ s_base+48(FP), DX
	MOVQ x_base+72(FP), R8
	MOVQ r_base+96(FP), R9
	BODY2(EULERV, EULER1)

// func driveExactAVX2(dst, b, s, x, r, uRest []float32)
TEXT ·driveExactAVX2(SB), NOSPLIT, $8-144
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ b_base+24(FP), SI
	MOVQ s_base+48(FP), DX
	MOVQ x_base+72(FP), R8
	MOVQ r_base+96(FP), R9
	MOVQ uRest_base+120(FP), R10
	BODY2(EXACTV, EXACT1)

// func inputAVX2(dst, b, s, x []float32)
TEXT ·inputAVX2(SB), NOSPLIT, $8-96
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), BX
	MOVQ b_base+24(FP), SI
	MOVQ s_base+48(FP), DX
	MOVQ x_base+72(FP), R8
	BODY2(INPUTSV, INPUTS1)
