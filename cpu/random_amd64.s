//go:build !purego

#include "textflag.h"

// The per-step input of a block with random terms for amd64 (see random.go for the
// contract, randomArgs, and drive_amd64.go for the dispatch): they give the bits of
// randomGo. Each float32 operation is rounded on its own (no FMA), with FTZ and DAZ set
// in MXCSR for the call's duration, in the operand order of randomGo (in Go assembly,
// VMULPS B, A, D is D = A*B with A the first source, which decides the NaN payload when
// both operands are NaNs, as in drive_amd64.s).
//
// The terms present do not change within a call, so the branches on them are
// predicted. AVX-512: two vectors a loop while 32 lanes remain, then one vector a loop,
// lanes masked by K1 (masked-off lanes neither read nor written); AVX2: vectors of 8,
// then one element at a time.
//
// Registers: DI dst, SI base, DX z, R8 mean, R9 std, R10 k, R11 w, R12 r, R13 uRest,
// BX n, AX the element index, CX and R14 scratch.

// randomArgs offsets.
#define A_DST   0
#define A_BASE  8
#define A_Z     16
#define A_MEAN  24
#define A_STD   32
#define A_K     40
#define A_W     48
#define A_R     56
#define A_UREST 64
#define A_N     72
#define A_PR    80
#define A_THR   88
#define A_KMAX  96

#define LOADARGS \
	MOVQ a+0(FP), CX; \
	MOVQ A_DST(CX), DI; \
	MOVQ A_BASE(CX), SI; \
	MOVQ A_Z(CX), DX; \
	MOVQ A_MEAN(CX), R8; \
	MOVQ A_STD(CX), R9; \
	MOVQ A_K(CX), R10; \
	MOVQ A_W(CX), R11; \
	MOVQ A_R(CX), R12; \
	MOVQ A_UREST(CX), R13; \
	MOVQ A_N(CX), BX; \
	STMXCSR mxold-4(SP); \
	MOVL    mxold-4(SP), CX; \
	ORL     $0x8040, CX; \
	MOVL    CX, mxnew-8(SP); \
	LDMXCSR mxnew-8(SP); \
	XORL    AX, AX

// func randomAVX512(a *randomArgs)
TEXT ·randomAVX512(SB), NOSPLIT, $8-8
	LOADARGS

pair:
	// Two vectors at a time while 32 lanes remain (the branches and the loop's count
	// are shared by both), then the masked loop below.
	LEAQ    32(AX), CX
	CMPQ    CX, BX
	JA      loop
	VMOVUPS (SI)(AX*4), Z0 // t = base
	VMOVUPS 64(SI)(AX*4), Z4
	TESTQ   DX, DX
	JZ      poisson2
	VMOVUPS (R9)(AX*4), Z1
	VMOVUPS 64(R9)(AX*4), Z5
	VMULPS  (DX)(AX*4), Z1, Z1     // p = std*z
	VMULPS  64(DX)(AX*4), Z5, Z5
	VMOVUPS (R8)(AX*4), Z2
	VMOVUPS 64(R8)(AX*4), Z6
	VADDPS  Z1, Z2, Z1             // mean + p
	VADDPS  Z5, Z6, Z5
	VADDPS  Z1, Z0, Z0             // t + noise
	VADDPS  Z5, Z4, Z4

poisson2:
	TESTQ     R10, R10
	JZ        drive2
	VCVTDQ2PS (R10)(AX*4), Z1      // float32(k), exact (k <= 256)
	VCVTDQ2PS 64(R10)(AX*4), Z5
	VMULPS    (R11)(AX*4), Z1, Z1  // float32(k)*w
	VMULPS    64(R11)(AX*4), Z5, Z5
	VADDPS    Z1, Z0, Z0           // t + poisson
	VADDPS    Z5, Z4, Z4

drive2:
	TESTQ   R12, R12
	JZ      store2
	VMOVUPS (R12)(AX*4), Z1
	VMOVUPS 64(R12)(AX*4), Z5
	VMULPS  Z0, Z1, Z0             // r*t
	VMULPS  Z4, Z5, Z4
	TESTQ   R13, R13
	JZ      store2
	VMOVUPS (R13)(AX*4), Z1
	VMOVUPS 64(R13)(AX*4), Z5
	VADDPS  Z0, Z1, Z0             // uRest + t
	VADDPS  Z4, Z5, Z4

store2:
	VMOVUPS Z0, (DI)(AX*4)
	VMOVUPS Z4, 64(DI)(AX*4)
	MOVQ    CX, AX
	JMP     pair

loop:
	MOVQ   BX, CX
	SUBQ   AX, CX
	JLE    done
	KXNORW K1, K1, K1
	CMPQ   CX, $16
	JAE    body
	MOVL   $1, R14
	SHLL   CX, R14
	DECL   R14
	KMOVW  R14, K1

body:
	VMOVUPS.Z (SI)(AX*4), K1, Z0 // t = base
	TESTQ     DX, DX
	JZ        poisson
	VMOVUPS.Z (R9)(AX*4), K1, Z1
	VMOVUPS.Z (DX)(AX*4), K1, Z2
	VMULPS    Z2, Z1, Z1         // p = std*z
	VMOVUPS.Z (R8)(AX*4), K1, Z2
	VADDPS    Z1, Z2, Z1         // mean + p
	VADDPS    Z1, Z0, Z0         // t + noise

poisson:
	TESTQ       R10, R10
	JZ          drive
	VMOVDQU32.Z (R10)(AX*4), K1, Z1
	VCVTDQ2PS   Z1, Z1           // float32(k), exact (k <= 256)
	VMOVUPS.Z   (R11)(AX*4), K1, Z2
	VMULPS      Z2, Z1, Z1       // float32(k)*w
	VADDPS      Z1, Z0, Z0       // t + poisson

drive:
	TESTQ     R12, R12
	JZ        store
	VMOVUPS.Z (R12)(AX*4), K1, Z1
	VMULPS    Z0, Z1, Z0         // r*t
	TESTQ     R13, R13
	JZ        store
	VMOVUPS.Z (R13)(AX*4), K1, Z1
	VADDPS    Z0, Z1, Z0         // uRest + t

store:
	VMOVUPS Z0, K1, (DI)(AX*4)
	ADDQ    $16, AX
	JMP     loop

done:
	VZEROUPPER
	LDMXCSR mxold-4(SP)
	RET

// func randomAVX2(a *randomArgs)
TEXT ·randomAVX2(SB), NOSPLIT, $8-8
	LOADARGS

loop:
	LEAQ 8(AX), CX
	CMPQ CX, BX
	JA   tail
	VMOVUPS (SI)(AX*4), Y0
	TESTQ   DX, DX
	JZ      poisson
	VMOVUPS (R9)(AX*4), Y1
	VMULPS  (DX)(AX*4), Y1, Y1
	VMOVUPS (R8)(AX*4), Y2
	VADDPS  Y1, Y2, Y1
	VADDPS  Y1, Y0, Y0

poisson:
	TESTQ     R10, R10
	JZ        drive
	VCVTDQ2PS (R10)(AX*4), Y1
	VMULPS    (R11)(AX*4), Y1, Y1
	VADDPS    Y1, Y0, Y0

drive:
	TESTQ   R12, R12
	JZ      store
	VMOVUPS (R12)(AX*4), Y1
	VMULPS  Y0, Y1, Y0
	TESTQ   R13, R13
	JZ      store
	VMOVUPS (R13)(AX*4), Y1
	VADDPS  Y0, Y1, Y0

store:
	VMOVUPS Y0, (DI)(AX*4)
	MOVQ    CX, AX
	JMP     loop

tail:
	CMPQ   AX, BX
	JAE    done
	VMOVSS (SI)(AX*4), X0
	TESTQ  DX, DX
	JZ     poisson1
	VMOVSS (R9)(AX*4), X1
	VMULSS (DX)(AX*4), X1, X1
	VMOVSS (R8)(AX*4), X2
	VADDSS X1, X2, X1
	VADDSS X1, X0, X0

poisson1:
	TESTQ      R10, R10
	JZ         drive1
	MOVL       (R10)(AX*4), CX
	VCVTSI2SSL CX, X1, X1
	VMULSS     (R11)(AX*4), X1, X1
	VADDSS     X1, X0, X0

drive1:
	TESTQ  R12, R12
	JZ     store1
	VMOVSS (R12)(AX*4), X1
	VMULSS X0, X1, X0
	TESTQ  R13, R13
	JZ     store1
	VMOVSS (R13)(AX*4), X1
	VADDSS X0, X1, X0

store1:
	VMOVSS X0, (DI)(AX*4)
	INCQ   AX
	JMP    tail

done:
	VZEROUPPER
	LDMXCSR mxold-4(SP)
	RET

// func randomPoissonAVX512(a *randomArgs)
// randomPoissonGo: Poisson input alone, its counts made here from the draw words pr and
// the shared thresholds thr, four thresholds between tests of whether any lane still
// counts (as poisson_amd64.s does), then t = base + float32(k)*w and the drive. Two
// vectors a loop while 32 lanes remain, then one, masked by K6.
// Registers: DI dst, SI base, DX pr, R8 thr, R9 kmax, R10 thresholds left, R11 w,
// R12 r, R13 uRest, R14 the next threshold, BX n, AX the element index, CX scratch;
// Z31 = 1, Z1 and Z5 the counts.
TEXT ·randomPoissonAVX512(SB), NOSPLIT, $8-8
	MOVQ    a+0(FP), CX
	MOVQ    A_DST(CX), DI
	MOVQ    A_BASE(CX), SI
	MOVQ    A_PR(CX), DX
	MOVQ    A_THR(CX), R8
	MOVQ    A_KMAX(CX), R9
	MOVQ    A_W(CX), R11
	MOVQ    A_R(CX), R12
	MOVQ    A_UREST(CX), R13
	MOVQ    A_N(CX), BX
	STMXCSR mxold-4(SP)
	MOVL    mxold-4(SP), CX
	ORL     $0x8040, CX
	MOVL    CX, mxnew-8(SP)
	LDMXCSR mxnew-8(SP)
	XORL    AX, AX
	MOVL         $1, CX
	VPBROADCASTD CX, Z31

ppair:
	LEAQ      32(AX), CX
	CMPQ      CX, BX
	JA        psingle
	VMOVDQU32 (DX)(AX*4), Z0
	VMOVDQU32 64(DX)(AX*4), Z4
	VPXORD    Z1, Z1, Z1
	VPXORD    Z5, Z5, Z5
	MOVQ      R8, R14
	MOVQ      R9, R10

pfour:
	CMPQ         R10, $4
	JB           pone
	VPCMPUD.BCST $6, (R14), Z0, K1 // r > T[j]
	VPCMPUD.BCST $6, 4(R14), Z0, K2
	VPCMPUD.BCST $6, 8(R14), Z0, K3
	VPCMPUD.BCST $6, 12(R14), Z0, K4
	VPADDD       Z31, Z1, K1, Z1
	VPADDD       Z31, Z1, K2, Z1
	VPADDD       Z31, Z1, K3, Z1
	VPADDD       Z31, Z1, K4, Z1
	VPCMPUD.BCST $6, (R14), Z4, K1
	VPCMPUD.BCST $6, 4(R14), Z4, K2
	VPCMPUD.BCST $6, 8(R14), Z4, K3
	VPCMPUD.BCST $6, 12(R14), Z4, K5
	VPADDD       Z31, Z5, K1, Z5
	VPADDD       Z31, Z5, K2, Z5
	VPADDD       Z31, Z5, K3, Z5
	VPADDD       Z31, Z5, K5, Z5
	ADDQ         $16, R14
	SUBQ         $4, R10
	KORTESTW     K4, K5
	JNZ          pfour
	JMP          pcounted

pone:
	TESTQ        R10, R10
	JZ           pcounted
	VPCMPUD.BCST $6, (R14), Z0, K1
	VPCMPUD.BCST $6, (R14), Z4, K2
	VPADDD       Z31, Z1, K1, Z1
	VPADDD       Z31, Z5, K2, Z5
	ADDQ         $4, R14
	DECQ         R10
	KORTESTW     K1, K2
	JNZ          pone

pcounted:
	VCVTDQ2PS Z1, Z1               // float32(k), exact
	VCVTDQ2PS Z5, Z5
	VMULPS    (R11)(AX*4), Z1, Z1  // float32(k)*w
	VMULPS    64(R11)(AX*4), Z5, Z5
	VMOVUPS   (SI)(AX*4), Z2
	VMOVUPS   64(SI)(AX*4), Z6
	VADDPS    Z1, Z2, Z2           // base + poisson
	VADDPS    Z5, Z6, Z6
	TESTQ     R12, R12
	JZ        pstore
	VMOVUPS   (R12)(AX*4), Z1
	VMOVUPS   64(R12)(AX*4), Z5
	VMULPS    Z2, Z1, Z2           // r*t
	VMULPS    Z6, Z5, Z6
	TESTQ     R13, R13
	JZ        pstore
	VMOVUPS   (R13)(AX*4), Z1
	VMOVUPS   64(R13)(AX*4), Z5
	VADDPS    Z2, Z1, Z2           // uRest + t
	VADDPS    Z6, Z5, Z6

pstore:
	VMOVUPS Z2, (DI)(AX*4)
	VMOVUPS Z6, 64(DI)(AX*4)
	MOVQ    CX, AX
	JMP     ppair

psingle:
	MOVQ   BX, CX
	SUBQ   AX, CX
	JLE    pdone
	KXNORW K6, K6, K6
	CMPQ   CX, $16
	JAE    sbody
	MOVL   $1, R10
	SHLL   CX, R10
	DECL   R10
	KMOVW  R10, K6

sbody:
	VMOVDQU32.Z (DX)(AX*4), K6, Z0 // masked-off lanes read 0: no threshold below it
	VPXORD      Z1, Z1, Z1
	MOVQ        R8, R14
	MOVQ        R9, R10

sfour:
	CMPQ         R10, $4
	JB           sone
	VPCMPUD.BCST $6, (R14), Z0, K1
	VPCMPUD.BCST $6, 4(R14), Z0, K2
	VPCMPUD.BCST $6, 8(R14), Z0, K3
	VPCMPUD.BCST $6, 12(R14), Z0, K4
	VPADDD       Z31, Z1, K1, Z1
	VPADDD       Z31, Z1, K2, Z1
	VPADDD       Z31, Z1, K3, Z1
	VPADDD       Z31, Z1, K4, Z1
	ADDQ         $16, R14
	SUBQ         $4, R10
	KORTESTW     K4, K4
	JNZ          sfour
	JMP          scounted

sone:
	TESTQ        R10, R10
	JZ           scounted
	VPCMPUD.BCST $6, (R14), Z0, K1
	VPADDD       Z31, Z1, K1, Z1
	ADDQ         $4, R14
	DECQ         R10
	KORTESTW     K1, K1
	JNZ          sone

scounted:
	VCVTDQ2PS Z1, Z1
	VMOVUPS.Z (R11)(AX*4), K6, Z2
	VMULPS    Z2, Z1, Z1
	VMOVUPS.Z (SI)(AX*4), K6, Z2
	VADDPS    Z1, Z2, Z2
	TESTQ     R12, R12
	JZ        sstore
	VMOVUPS.Z (R12)(AX*4), K6, Z1
	VMULPS    Z2, Z1, Z2
	TESTQ     R13, R13
	JZ        sstore
	VMOVUPS.Z (R13)(AX*4), K6, Z1
	VADDPS    Z2, Z1, Z2

sstore:
	VMOVUPS Z2, K6, (DI)(AX*4)
	ADDQ    $16, AX
	JMP     psingle

pdone:
	VZEROUPPER
	LDMXCSR mxold-4(SP)
	RET
