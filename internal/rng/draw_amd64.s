//go:build !purego

#include "textflag.h"

// Batched Philox4x32-10 kernels for amd64 (see batch.go for philoxParams and the
// folded first two rounds, draw_amd64.go for the dispatch). They give exactly the words
// of drawGo, hence of Draw.
//
// Layout: one neuron per 64-bit lane, its counter word in the low half. VPMULUDQ
// multiplies the low halves of 64-bit lanes into the full 64-bit product, so a
// 32x32->64 multiply is one instruction and the product's high half is one VPSRLQ $32
// away; its low half needs nothing, since every consumer reads low halves only
// (VPMULUDQ ignores the high half of its inputs, the xors leave garbage in high halves
// that nothing reads, and VPMOVQD keeps the low halves on the store). A round on a
// vector of neurons is then 2 VPMULUDQ, 2 VPSRLQ and 2 three-way xors (AVX-512:
// VPTERNLOGQ with the round key broadcast from memory; AVX2: 4 VPXOR). The
// alternative, 32-bit lanes with VPMULUDQ on the even lanes and on the odd lanes
// shifted down plus two VPERMT2D (or blends) to put the halves back, costs the same
// instructions per neuron on AVX-512 and more on AVX2, and VPMULLD for the low half is
// slower still (two uops).
//
// Register rotation: a round maps the state registers (a, b, c, d) holding (c0, c1, c2,
// c3) to (b, c, d, a): a <- M0*c0 (the new c3), c <- M1*c2 (the new c1),
// b <- hi(c) ^ b ^ k0 (the new c0), d <- hi(a) ^ d ^ k1 (the new c2).
//
// philoxParams offsets.
#define P_X1   0
#define P_X2   8
#define P_X3   16
#define P_KEYS 24

DATA iota64<>+0(SB)/8, $0
DATA iota64<>+8(SB)/8, $1
DATA iota64<>+16(SB)/8, $2
DATA iota64<>+24(SB)/8, $3
DATA iota64<>+32(SB)/8, $4
DATA iota64<>+40(SB)/8, $5
DATA iota64<>+48(SB)/8, $6
DATA iota64<>+56(SB)/8, $7
GLOBL iota64<>(SB), RODATA|NOPTR, $64

// ---------------------------------------------------------------------------------
// AVX-512: 8 neurons per Z register. The main loop runs 6 independent chains (48
// neurons), enough to keep both vector ports busy through the multiplies' latency
// (measured: 6 chains 1.11 ns/neuron, 4 chains 1.16, 2 chains 1.28); what remains
// (fewer than 48) goes 2 chains (16) and then 1 chain (8) at a time. Z31 = M0, Z30 =
// M1 (broadcast), Z29 = the counters of the next 8 neurons (64-bit adds: their low
// halves wrap modulo 2^32 as uint32 neuron indices do), Z28 = 8, Z27 = the loop's
// step. Chain j holds its state in Z(4j)..Z(4j+3); all share the temporary Z24
// (register renaming keeps the chains apart). Chain j's counters, Z29 + 8j, are made
// in its d register, free until round 3.

// Z_INIT computes rounds 1 and 2 from the counters n into (a, b, c) = (c0, c1, c2);
// c3 is 0 (folded into round 3's key).
#define Z_INIT(n, a, b, c) \
	VPMULUDQ        Z31, n, c; \
	VPSRLQ          $32, c, a; \
	VPXORQ.BCST     P_X1(AX), a, a; \
	VPMULUDQ        Z30, a, b; \
	VPSRLQ          $32, b, a; \
	VPXORQ.BCST     P_X2(AX), a, a; \
	VPXORQ.BCST     P_X3(AX), c, c

// Z_R3 is round 3, whose c3 is 0: d is written, not read.
#define Z_R3(a, b, c, d, t) \
	VPMULUDQ        Z31, a, a; \
	VPMULUDQ        Z30, c, c; \
	VPSRLQ          $32, c, t; \
	VPTERNLOGQ.BCST $0x96, P_KEYS(AX), t, b; \
	VPSRLQ          $32, a, d; \
	VPXORQ.BCST     P_KEYS+8(AX), d, d

// Z_RND is one round with the key words at k(AX), k+8(AX).
#define Z_RND(a, b, c, d, t, k) \
	VPMULUDQ        Z31, a, a; \
	VPMULUDQ        Z30, c, c; \
	VPSRLQ          $32, c, t; \
	VPTERNLOGQ.BCST $0x96, k(AX), t, b; \
	VPSRLQ          $32, a, t; \
	VPTERNLOGQ.BCST $0x96, k+8(AX), t, d

// func drawAVX512(p philoxParams, neuron0 uint32, w0, w1, w2, w3 []uint32)
// w1, w2, w3 are nil or as long as w0; len(w0) is a multiple of 8.
TEXT ·drawAVX512(SB), NOSPLIT, $0-256
	LEAQ         p+0(FP), AX // the params, passed by value: AX points at them as before
	MOVL         neuron0+152(FP), DX
	MOVQ         w0_base+160(FP), DI
	MOVQ         w0_len+168(FP), CX
	MOVQ         w1_base+184(FP), SI
	MOVQ         w2_base+208(FP), R9
	MOVQ         w3_base+232(FP), R10
	MOVL         $0xD2511F53, R8
	VPBROADCASTQ R8, Z31
	MOVL         $0xCD9E8D57, R8
	VPBROADCASTQ R8, Z30
	VPBROADCASTQ DX, Z29
	VPADDQ       iota64<>(SB), Z29, Z29
	MOVL         $8, R8
	VPBROADCASTQ R8, Z28

z_loop6:
	CMPQ CX, $48
	JLT  z_loop2
	VPADDQ Z28, Z29, Z7
	VPADDQ Z28, Z7, Z11
	VPADDQ Z28, Z11, Z15
	VPADDQ Z28, Z15, Z19
	VPADDQ Z28, Z19, Z23
	Z_INIT(Z29, Z0, Z1, Z2)
	Z_INIT(Z7, Z4, Z5, Z6)
	Z_INIT(Z11, Z8, Z9, Z10)
	Z_INIT(Z15, Z12, Z13, Z14)
	Z_INIT(Z19, Z16, Z17, Z18)
	Z_INIT(Z23, Z20, Z21, Z22)
	Z_R3(Z0, Z1, Z2, Z3, Z24)
	Z_R3(Z4, Z5, Z6, Z7, Z24)
	Z_R3(Z8, Z9, Z10, Z11, Z24)
	Z_R3(Z12, Z13, Z14, Z15, Z24)
	Z_R3(Z16, Z17, Z18, Z19, Z24)
	Z_R3(Z20, Z21, Z22, Z23, Z24)
	Z_RND(Z1, Z2, Z3, Z0, Z24, 40)
	Z_RND(Z5, Z6, Z7, Z4, Z24, 40)
	Z_RND(Z9, Z10, Z11, Z8, Z24, 40)
	Z_RND(Z13, Z14, Z15, Z12, Z24, 40)
	Z_RND(Z17, Z18, Z19, Z16, Z24, 40)
	Z_RND(Z21, Z22, Z23, Z20, Z24, 40)
	Z_RND(Z2, Z3, Z0, Z1, Z24, 56)
	Z_RND(Z6, Z7, Z4, Z5, Z24, 56)
	Z_RND(Z10, Z11, Z8, Z9, Z24, 56)
	Z_RND(Z14, Z15, Z12, Z13, Z24, 56)
	Z_RND(Z18, Z19, Z16, Z17, Z24, 56)
	Z_RND(Z22, Z23, Z20, Z21, Z24, 56)
	Z_RND(Z3, Z0, Z1, Z2, Z24, 72)
	Z_RND(Z7, Z4, Z5, Z6, Z24, 72)
	Z_RND(Z11, Z8, Z9, Z10, Z24, 72)
	Z_RND(Z15, Z12, Z13, Z14, Z24, 72)
	Z_RND(Z19, Z16, Z17, Z18, Z24, 72)
	Z_RND(Z23, Z20, Z21, Z22, Z24, 72)
	Z_RND(Z0, Z1, Z2, Z3, Z24, 88)
	Z_RND(Z4, Z5, Z6, Z7, Z24, 88)
	Z_RND(Z8, Z9, Z10, Z11, Z24, 88)
	Z_RND(Z12, Z13, Z14, Z15, Z24, 88)
	Z_RND(Z16, Z17, Z18, Z19, Z24, 88)
	Z_RND(Z20, Z21, Z22, Z23, Z24, 88)
	Z_RND(Z1, Z2, Z3, Z0, Z24, 104)
	Z_RND(Z5, Z6, Z7, Z4, Z24, 104)
	Z_RND(Z9, Z10, Z11, Z8, Z24, 104)
	Z_RND(Z13, Z14, Z15, Z12, Z24, 104)
	Z_RND(Z17, Z18, Z19, Z16, Z24, 104)
	Z_RND(Z21, Z22, Z23, Z20, Z24, 104)
	Z_RND(Z2, Z3, Z0, Z1, Z24, 120)
	Z_RND(Z6, Z7, Z4, Z5, Z24, 120)
	Z_RND(Z10, Z11, Z8, Z9, Z24, 120)
	Z_RND(Z14, Z15, Z12, Z13, Z24, 120)
	Z_RND(Z18, Z19, Z16, Z17, Z24, 120)
	Z_RND(Z22, Z23, Z20, Z21, Z24, 120)
	Z_RND(Z3, Z0, Z1, Z2, Z24, 136)
	Z_RND(Z7, Z4, Z5, Z6, Z24, 136)
	Z_RND(Z11, Z8, Z9, Z10, Z24, 136)
	Z_RND(Z15, Z12, Z13, Z14, Z24, 136)
	Z_RND(Z19, Z16, Z17, Z18, Z24, 136)
	Z_RND(Z23, Z20, Z21, Z22, Z24, 136)
	VPMOVQD Z0, 0(DI)
	VPMOVQD Z4, 32(DI)
	VPMOVQD Z8, 64(DI)
	VPMOVQD Z12, 96(DI)
	VPMOVQD Z16, 128(DI)
	VPMOVQD Z20, 160(DI)
	ADDQ    $192, DI
	TESTQ   SI, SI
	JZ      z_w2_6
	VPMOVQD Z1, 0(SI)
	VPMOVQD Z5, 32(SI)
	VPMOVQD Z9, 64(SI)
	VPMOVQD Z13, 96(SI)
	VPMOVQD Z17, 128(SI)
	VPMOVQD Z21, 160(SI)
	ADDQ    $192, SI

z_w2_6:
	TESTQ   R9, R9
	JZ      z_w3_6
	VPMOVQD Z2, 0(R9)
	VPMOVQD Z6, 32(R9)
	VPMOVQD Z10, 64(R9)
	VPMOVQD Z14, 96(R9)
	VPMOVQD Z18, 128(R9)
	VPMOVQD Z22, 160(R9)
	ADDQ    $192, R9

z_w3_6:
	TESTQ   R10, R10
	JZ      z_next6
	VPMOVQD Z3, 0(R10)
	VPMOVQD Z7, 32(R10)
	VPMOVQD Z11, 64(R10)
	VPMOVQD Z15, 96(R10)
	VPMOVQD Z19, 128(R10)
	VPMOVQD Z23, 160(R10)
	ADDQ    $192, R10

z_next6:
	MOVL         $48, R8
	VPBROADCASTQ R8, Z27
	VPADDQ       Z27, Z29, Z29
	SUBQ $48, CX
	JMP  z_loop6

z_loop2:
	CMPQ CX, $16
	JLT  z_loop1
	VPADDQ Z28, Z29, Z7
	Z_INIT(Z29, Z0, Z1, Z2)
	Z_INIT(Z7, Z4, Z5, Z6)
	Z_R3(Z0, Z1, Z2, Z3, Z8)
	Z_R3(Z4, Z5, Z6, Z7, Z8)
	Z_RND(Z1, Z2, Z3, Z0, Z8, 40)
	Z_RND(Z5, Z6, Z7, Z4, Z8, 40)
	Z_RND(Z2, Z3, Z0, Z1, Z8, 56)
	Z_RND(Z6, Z7, Z4, Z5, Z8, 56)
	Z_RND(Z3, Z0, Z1, Z2, Z8, 72)
	Z_RND(Z7, Z4, Z5, Z6, Z8, 72)
	Z_RND(Z0, Z1, Z2, Z3, Z8, 88)
	Z_RND(Z4, Z5, Z6, Z7, Z8, 88)
	Z_RND(Z1, Z2, Z3, Z0, Z8, 104)
	Z_RND(Z5, Z6, Z7, Z4, Z8, 104)
	Z_RND(Z2, Z3, Z0, Z1, Z8, 120)
	Z_RND(Z6, Z7, Z4, Z5, Z8, 120)
	Z_RND(Z3, Z0, Z1, Z2, Z8, 136)
	Z_RND(Z7, Z4, Z5, Z6, Z8, 136)
	VPMOVQD Z0, 0(DI)
	VPMOVQD Z4, 32(DI)
	ADDQ    $64, DI
	TESTQ   SI, SI
	JZ      z_w2_2
	VPMOVQD Z1, 0(SI)
	VPMOVQD Z5, 32(SI)
	ADDQ    $64, SI

z_w2_2:
	TESTQ   R9, R9
	JZ      z_w3_2
	VPMOVQD Z2, 0(R9)
	VPMOVQD Z6, 32(R9)
	ADDQ    $64, R9

z_w3_2:
	TESTQ   R10, R10
	JZ      z_next2
	VPMOVQD Z3, 0(R10)
	VPMOVQD Z7, 32(R10)
	ADDQ    $64, R10

z_next2:
	MOVL         $16, R8
	VPBROADCASTQ R8, Z27
	VPADDQ       Z27, Z29, Z29
	SUBQ $16, CX
	JMP  z_loop2

z_loop1:
	CMPQ CX, $8
	JLT  z_done
	Z_INIT(Z29, Z0, Z1, Z2)
	Z_R3(Z0, Z1, Z2, Z3, Z4)
	Z_RND(Z1, Z2, Z3, Z0, Z4, 40)
	Z_RND(Z2, Z3, Z0, Z1, Z4, 56)
	Z_RND(Z3, Z0, Z1, Z2, Z4, 72)
	Z_RND(Z0, Z1, Z2, Z3, Z4, 88)
	Z_RND(Z1, Z2, Z3, Z0, Z4, 104)
	Z_RND(Z2, Z3, Z0, Z1, Z4, 120)
	Z_RND(Z3, Z0, Z1, Z2, Z4, 136)
	VPMOVQD Z0, 0(DI)
	ADDQ    $32, DI
	TESTQ   SI, SI
	JZ      z_w2_1
	VPMOVQD Z1, 0(SI)
	ADDQ    $32, SI

z_w2_1:
	TESTQ   R9, R9
	JZ      z_w3_1
	VPMOVQD Z2, 0(R9)
	ADDQ    $32, R9

z_w3_1:
	TESTQ   R10, R10
	JZ      z_next1
	VPMOVQD Z3, 0(R10)
	ADDQ    $32, R10

z_next1:
	VPADDQ Z28, Z29, Z29
	SUBQ $8, CX
	JMP  z_loop1

z_done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------
// AVX2: 4 neurons per Y register; the main loop runs 3 independent chains (12
// neurons: 16 Y registers hold 3 states, a temporary and the two round-key words),
// then single chains of 4. The multipliers and the counter steps come from memory;
// Y15 = the counters of the next 4 neurons, Y13 and Y14 the key words of the round
// (broadcast), Y12 the temporary. Chain j holds its state in Y(4j)..Y(4j+3).

DATA m0x4<>+0(SB)/8, $0xD2511F53
DATA m0x4<>+8(SB)/8, $0xD2511F53
DATA m0x4<>+16(SB)/8, $0xD2511F53
DATA m0x4<>+24(SB)/8, $0xD2511F53
GLOBL m0x4<>(SB), RODATA|NOPTR, $32
DATA m1x4<>+0(SB)/8, $0xCD9E8D57
DATA m1x4<>+8(SB)/8, $0xCD9E8D57
DATA m1x4<>+16(SB)/8, $0xCD9E8D57
DATA m1x4<>+24(SB)/8, $0xCD9E8D57
GLOBL m1x4<>(SB), RODATA|NOPTR, $32
DATA four<>+0(SB)/8, $4
DATA four<>+8(SB)/8, $4
DATA four<>+16(SB)/8, $4
DATA four<>+24(SB)/8, $4
GLOBL four<>(SB), RODATA|NOPTR, $32
DATA eight<>+0(SB)/8, $8
DATA eight<>+8(SB)/8, $8
DATA eight<>+16(SB)/8, $8
DATA eight<>+24(SB)/8, $8
GLOBL eight<>(SB), RODATA|NOPTR, $32
DATA twelve<>+0(SB)/8, $12
DATA twelve<>+8(SB)/8, $12
DATA twelve<>+16(SB)/8, $12
DATA twelve<>+24(SB)/8, $12
GLOBL twelve<>(SB), RODATA|NOPTR, $32

// Y_INIT computes rounds 1 and 2 from the counters n into (a, b, c); Y13, Y14, Y12 hold
// x1, x2, x3.
#define Y_INIT(n, a, b, c) \
	VPMULUDQ m0x4<>(SB), n, c; \
	VPSRLQ   $32, c, a; \
	VPXOR    Y13, a, a; \
	VPMULUDQ m1x4<>(SB), a, b; \
	VPSRLQ   $32, b, a; \
	VPXOR    Y14, a, a; \
	VPXOR    Y12, c, c

// Y_R3 is round 3 (c3 = 0; d is written, not read), keys in Y13, Y14.
#define Y_R3(a, b, c, d) \
	VPMULUDQ m0x4<>(SB), a, a; \
	VPMULUDQ m1x4<>(SB), c, c; \
	VPXOR    Y13, b, b; \
	VPSRLQ   $32, c, Y12; \
	VPXOR    Y12, b, b; \
	VPSRLQ   $32, a, d; \
	VPXOR    Y14, d, d

// Y_RND is one round, keys in Y13, Y14.
#define Y_RND(a, b, c, d) \
	VPMULUDQ m0x4<>(SB), a, a; \
	VPMULUDQ m1x4<>(SB), c, c; \
	VPXOR    Y13, b, b; \
	VPXOR    Y14, d, d; \
	VPSRLQ   $32, c, Y12; \
	VPXOR    Y12, b, b; \
	VPSRLQ   $32, a, Y12; \
	VPXOR    Y12, d, d

// Y_PACK2 packs the low halves of x (neurons 0-3) and y (4-7) into x as 8 words.
#define Y_PACK2(x, y) \
	VSHUFPS $0x88, y, x, x; \
	VPERMQ  $0xd8, x, x

// Y_PACK1 packs the low halves of x (4 neurons) into the low 4 words of x.
#define Y_PACK1(x) \
	VSHUFPS $0x88, x, x, x; \
	VPERMQ  $0x08, x, x

// func drawAVX2(p philoxParams, neuron0 uint32, w0, w1, w2, w3 []uint32)
// w1, w2, w3 are nil or as long as w0; len(w0) is a multiple of 4.
TEXT ·drawAVX2(SB), NOSPLIT, $0-256
	LEAQ         p+0(FP), AX // the params, passed by value: AX points at them as before
	MOVL         neuron0+152(FP), DX
	MOVQ         w0_base+160(FP), DI
	MOVQ         w0_len+168(FP), CX
	MOVQ         w1_base+184(FP), SI
	MOVQ         w2_base+208(FP), R9
	MOVQ         w3_base+232(FP), R10
	MOVQ         DX, X15
	VPBROADCASTQ X15, Y15
	VPADDQ       iota64<>(SB), Y15, Y15

y_loop12:
	CMPQ CX, $12
	JLT  y_loop4
	VPBROADCASTQ P_X1(AX), Y13
	VPBROADCASTQ P_X2(AX), Y14
	VPBROADCASTQ P_X3(AX), Y12
	Y_INIT(Y15, Y0, Y1, Y2)
	VPADDQ four<>(SB), Y15, Y6
	Y_INIT(Y6, Y4, Y5, Y6)
	VPADDQ eight<>(SB), Y15, Y10
	Y_INIT(Y10, Y8, Y9, Y10)
	VPBROADCASTQ P_KEYS(AX), Y13
	VPBROADCASTQ P_KEYS+8(AX), Y14
	Y_R3(Y0, Y1, Y2, Y3)
	Y_R3(Y4, Y5, Y6, Y7)
	Y_R3(Y8, Y9, Y10, Y11)
	VPBROADCASTQ 40(AX), Y13
	VPBROADCASTQ 48(AX), Y14
	Y_RND(Y1, Y2, Y3, Y0)
	Y_RND(Y5, Y6, Y7, Y4)
	Y_RND(Y9, Y10, Y11, Y8)
	VPBROADCASTQ 56(AX), Y13
	VPBROADCASTQ 64(AX), Y14
	Y_RND(Y2, Y3, Y0, Y1)
	Y_RND(Y6, Y7, Y4, Y5)
	Y_RND(Y10, Y11, Y8, Y9)
	VPBROADCASTQ 72(AX), Y13
	VPBROADCASTQ 80(AX), Y14
	Y_RND(Y3, Y0, Y1, Y2)
	Y_RND(Y7, Y4, Y5, Y6)
	Y_RND(Y11, Y8, Y9, Y10)
	VPBROADCASTQ 88(AX), Y13
	VPBROADCASTQ 96(AX), Y14
	Y_RND(Y0, Y1, Y2, Y3)
	Y_RND(Y4, Y5, Y6, Y7)
	Y_RND(Y8, Y9, Y10, Y11)
	VPBROADCASTQ 104(AX), Y13
	VPBROADCASTQ 112(AX), Y14
	Y_RND(Y1, Y2, Y3, Y0)
	Y_RND(Y5, Y6, Y7, Y4)
	Y_RND(Y9, Y10, Y11, Y8)
	VPBROADCASTQ 120(AX), Y13
	VPBROADCASTQ 128(AX), Y14
	Y_RND(Y2, Y3, Y0, Y1)
	Y_RND(Y6, Y7, Y4, Y5)
	Y_RND(Y10, Y11, Y8, Y9)
	VPBROADCASTQ 136(AX), Y13
	VPBROADCASTQ 144(AX), Y14
	Y_RND(Y3, Y0, Y1, Y2)
	Y_RND(Y7, Y4, Y5, Y6)
	Y_RND(Y11, Y8, Y9, Y10)
	Y_PACK2(Y0, Y4)
	VMOVDQU Y0, (DI)
	Y_PACK1(Y8)
	VMOVDQU X8, 32(DI)
	ADDQ    $48, DI
	TESTQ   SI, SI
	JZ      y_w2_12
	Y_PACK2(Y1, Y5)
	VMOVDQU Y1, (SI)
	Y_PACK1(Y9)
	VMOVDQU X9, 32(SI)
	ADDQ    $48, SI

y_w2_12:
	TESTQ   R9, R9
	JZ      y_w3_12
	Y_PACK2(Y2, Y6)
	VMOVDQU Y2, (R9)
	Y_PACK1(Y10)
	VMOVDQU X10, 32(R9)
	ADDQ    $48, R9

y_w3_12:
	TESTQ   R10, R10
	JZ      y_next12
	Y_PACK2(Y3, Y7)
	VMOVDQU Y3, (R10)
	Y_PACK1(Y11)
	VMOVDQU X11, 32(R10)
	ADDQ    $48, R10

y_next12:
	VPADDQ twelve<>(SB), Y15, Y15
	SUBQ   $12, CX
	JMP    y_loop12

y_loop4:
	CMPQ CX, $4
	JLT  y_done
	VPBROADCASTQ P_X1(AX), Y13
	VPBROADCASTQ P_X2(AX), Y14
	VPBROADCASTQ P_X3(AX), Y12
	Y_INIT(Y15, Y0, Y1, Y2)
	VPBROADCASTQ P_KEYS(AX), Y13
	VPBROADCASTQ P_KEYS+8(AX), Y14
	Y_R3(Y0, Y1, Y2, Y3)
	VPBROADCASTQ 40(AX), Y13
	VPBROADCASTQ 48(AX), Y14
	Y_RND(Y1, Y2, Y3, Y0)
	VPBROADCASTQ 56(AX), Y13
	VPBROADCASTQ 64(AX), Y14
	Y_RND(Y2, Y3, Y0, Y1)
	VPBROADCASTQ 72(AX), Y13
	VPBROADCASTQ 80(AX), Y14
	Y_RND(Y3, Y0, Y1, Y2)
	VPBROADCASTQ 88(AX), Y13
	VPBROADCASTQ 96(AX), Y14
	Y_RND(Y0, Y1, Y2, Y3)
	VPBROADCASTQ 104(AX), Y13
	VPBROADCASTQ 112(AX), Y14
	Y_RND(Y1, Y2, Y3, Y0)
	VPBROADCASTQ 120(AX), Y13
	VPBROADCASTQ 128(AX), Y14
	Y_RND(Y2, Y3, Y0, Y1)
	VPBROADCASTQ 136(AX), Y13
	VPBROADCASTQ 144(AX), Y14
	Y_RND(Y3, Y0, Y1, Y2)
	Y_PACK1(Y0)
	VMOVDQU X0, (DI)
	ADDQ    $16, DI
	TESTQ   SI, SI
	JZ      y_w2_4
	Y_PACK1(Y1)
	VMOVDQU X1, (SI)
	ADDQ    $16, SI

y_w2_4:
	TESTQ   R9, R9
	JZ      y_w3_4
	Y_PACK1(Y2)
	VMOVDQU X2, (R9)
	ADDQ    $16, R9

y_w3_4:
	TESTQ   R10, R10
	JZ      y_next4
	Y_PACK1(Y3)
	VMOVDQU X3, (R10)
	ADDQ    $16, R10

y_next4:
	VPADDQ four<>(SB), Y15, Y15
	SUBQ   $4, CX
	JMP    y_loop4

y_done:
	VZEROUPPER
	RET

