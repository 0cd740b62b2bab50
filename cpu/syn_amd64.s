//go:build !purego

#include "textflag.h"

// Synaptic steps for amd64 (see syn.go for the contract and syn_amd64.go for the
// dispatch): per neuron, both ports' ring entries read and cleared, the currents decayed
// and fed, syn = syn_ex + syn_in, I = in + syn, and the drive r*I (Euler) or
// uRest + r*I (exact). Each float32 operation is rounded on its own (no FMA), in the Go
// expression order of synGo (the first source operand is the left one, which decides
// the NaN payload when both operands are NaNs; in Go assembly, VMULPS B, A, D is
// D = A*B with A the first source). n must be a multiple of 16 (AVX-512) or 8 (AVX2):
// the blocks are whole multiples of 64 neurons, and the rings' slots are padded to match.
//
// Field offsets of synBlock (syn.go): all 8 bytes, in declaration order.
#define S_E      0
#define S_IN     8
#define S_RINGEX 16
#define S_RINGIN 24
#define S_IEX    32
#define S_IIN    40
#define S_DECEX  48
#define S_DECIN  56
#define S_R      64
#define S_UREST  72
#define S_N      80
#define S_SCALE  88

// Registers, the same in all four functions: DI e, SI in, DX ringEx, R8 ringIn, R9 iEx,
// R10 iIn, R11 decEx, R12 decIn, R13 r, BX uRest; AX the element index, from 0 up to
// CX = n.
//
// A delta port's neurons have a negative decay (its sign bit set): their current is left
// as it is and syn_P = s. AVX-512 finds them as the lanes where 0 > dec read as an int32
// (KD); AVX2's VBLENDVPS reads the sign bit itself.

// Each function runs with FTZ and DAZ set in MXCSR (saved at entry, restored before
// RET): results that underflow become zeros of their sign, as the contract says.
#define FTZ_ON \
	STMXCSR mxold-4(SP); \
	MOVL    mxold-4(SP), R14; \
	ORL     $0x8040, R14; \
	MOVL    R14, mxnew-8(SP); \
	LDMXCSR mxnew-8(SP)

#define SETUP \
	MOVQ b+0(FP), R14; \
	MOVQ S_N(R14), CX; \
	TESTQ CX, CX; \
	JLE  none; \
	MOVQ S_E(R14), DI; \
	MOVQ S_IN(R14), SI; \
	MOVQ S_RINGEX(R14), DX; \
	MOVQ S_RINGIN(R14), R8; \
	MOVQ S_IEX(R14), R9; \
	MOVQ S_IIN(R14), R10; \
	MOVQ S_DECEX(R14), R11; \
	MOVQ S_DECIN(R14), R12; \
	MOVQ S_R(R14), R13; \
	MOVQ S_UREST(R14), BX; \
	XORL AX, AX

// ---------------------------------------------------------------- AVX-512
// Z30 = scale, Z31 = 0.
// One port: S = float32(a)*scale, the ring entry cleared; C = i*dec + s stored into i
// on the lanes that are not delta; then C = syn_P (s on the delta lanes).
#define PORT512(RING, CUR, DEC, S, C, KD, KN) \
	VCVTDQ2PS (RING)(AX*4), S; \
	VMULPS    Z30, S, S; \
	VMOVDQU32 Z31, (RING)(AX*4); \
	VMOVUPS   (CUR)(AX*4), C; \
	VMULPS    (DEC)(AX*4), C, C; \
	VADDPS    S, C, C; \
	VPCMPGTD  (DEC)(AX*4), Z31, KD; \
	KNOTW     KD, KN; \
	VMOVUPS   C, KN, (CUR)(AX*4); \
	VMOVUPS   S, KD, C

// Z0 = syn; Z2 = I = in + syn; Z3 = r*I.
#define SYN512 \
	PORT512(DX, R9, R11, Z0, Z1, K1, K2); \
	PORT512(R8, R10, R12, Z2, Z3, K3, K4); \
	VADDPS  Z3, Z1, Z0; \
	VMOVUPS (SI)(AX*4), Z2; \
	VADDPS  Z0, Z2, Z2; \
	VMOVUPS (R13)(AX*4), Z3; \
	VMULPS  Z2, Z3, Z3

// func synEulerAVX512(b *synBlock)
TEXT ·synEulerAVX512(SB), NOSPLIT, $8-8
	FTZ_ON
	SETUP
	VBROADCASTSS S_SCALE(R14), Z30
	VPXORD       Z31, Z31, Z31

loop:
	SYN512
	VMOVUPS Z3, (DI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, CX
	JB      loop
	VZEROUPPER

none:
	LDMXCSR mxold-4(SP)
	RET

// func synExactAVX512(b *synBlock)
TEXT ·synExactAVX512(SB), NOSPLIT, $8-8
	FTZ_ON
	SETUP
	VBROADCASTSS S_SCALE(R14), Z30
	VPXORD       Z31, Z31, Z31

loop:
	SYN512
	VMOVUPS (BX)(AX*4), Z4
	VADDPS  Z3, Z4, Z4
	VMOVUPS Z4, (DI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, CX
	JB      loop
	VZEROUPPER

none:
	LDMXCSR mxold-4(SP)
	RET

// ---------------------------------------------------------------- AVX2
// Y14 = scale, Y15 = 0.
// One port: S = float32(a)*scale, the ring entry cleared; C = i*dec + s; i = C unless
// delta (the old value stored back); then C = syn_P (s on the delta lanes). D, T scratch.
#define PORT2(RING, CUR, DEC, S, C, D, T) \
	VCVTDQ2PS (RING)(AX*4), S; \
	VMULPS    Y14, S, S; \
	VMOVDQU   Y15, (RING)(AX*4); \
	VMOVUPS   (DEC)(AX*4), D; \
	VMOVUPS   (CUR)(AX*4), T; \
	VMULPS    D, T, C; \
	VADDPS    S, C, C; \
	VBLENDVPS D, T, C, T; \
	VMOVUPS   T, (CUR)(AX*4); \
	VBLENDVPS D, S, C, C

// Y0 = syn; Y2 = I = in + syn; Y3 = r*I.
#define SYN2 \
	PORT2(DX, R9, R11, Y0, Y1, Y4, Y5); \
	PORT2(R8, R10, R12, Y2, Y3, Y6, Y7); \
	VADDPS  Y3, Y1, Y0; \
	VMOVUPS (SI)(AX*4), Y2; \
	VADDPS  Y0, Y2, Y2; \
	VMOVUPS (R13)(AX*4), Y3; \
	VMULPS  Y2, Y3, Y3

// func synEulerAVX2(b *synBlock)
TEXT ·synEulerAVX2(SB), NOSPLIT, $8-8
	FTZ_ON
	SETUP
	VBROADCASTSS S_SCALE(R14), Y14
	VPXOR        Y15, Y15, Y15

loop:
	SYN2
	VMOVUPS Y3, (DI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, CX
	JB      loop
	VZEROUPPER

none:
	LDMXCSR mxold-4(SP)
	RET

// func synExactAVX2(b *synBlock)
TEXT ·synExactAVX2(SB), NOSPLIT, $8-8
	FTZ_ON
	SETUP
	VBROADCASTSS S_SCALE(R14), Y14
	VPXOR        Y15, Y15, Y15

loop:
	SYN2
	VMOVUPS (BX)(AX*4), Y4
	VADDPS  Y3, Y4, Y4
	VMOVUPS Y4, (DI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, CX
	JB      loop
	VZEROUPPER

none:
	LDMXCSR mxold-4(SP)
	RET
