//go:build !purego

#include "textflag.h"

// NormalTable.SampleN for AVX-512 (F, CD for VPLZCNTD): 16 samples per iteration, the
// tails included, branch-free; the last n%16 through masked loads and stores. The
// operations are those of normalIndex and lerp (see normal.go), lane by lane:
//
//   tail  = top 6 bits of r all 0 or all 1, that is (r + 2^26) mod 2^32 < 2^27
//   main:  b = r >> 20,                        y = r << 12
//   tail:  m = min(lzcnt(r2), 31), x = r2 << m << 1,
//          b = NormalTailOffset + 33m + (x >> 27), y = x << 5
//   f = float32(y >> 8) * 2^-24 (exact: an integer below 2^24 times a power of two; for
//       main cells the value (r & (2^20-1)) * 2^-20 of normalIndex, for tails its
//       (x<<5>>8) * 2^-24)
//   z = v[b] + (v[b+1] - v[b]) * f, three float32 operations each rounded
//   negated (sign bit flipped, as Go's -z) in the upper tail: tail lanes with r >= 2^31.

// func normalSampleAVX512(v *float32, r, r2 *uint32, z *float32, n int)
TEXT ·normalSampleAVX512(SB), NOSPLIT, $0-40
	MOVQ v+0(FP), R8
	MOVQ r+8(FP), SI
	MOVQ r2+16(FP), DX
	MOVQ z+24(FP), DI
	MOVQ n+32(FP), CX
	MOVL         $0x04000000, AX
	VPBROADCASTD AX, Z31
	MOVL         $0x08000000, AX
	VPBROADCASTD AX, Z30
	MOVL         $31, AX
	VPBROADCASTD AX, Z29
	MOVL         $4097, AX
	VPBROADCASTD AX, Z28
	MOVL         $0x33800000, AX // 2^-24
	VPBROADCASTD AX, Z27
	MOVL         $0x80000000, AX
	VPBROADCASTD AX, Z26

loop:
	CMPQ      CX, $16
	JLT       last
	VMOVDQU32 (SI), Z0
	VMOVDQU32 (DX), Z1
	CALL      sample16<>(SB)
	VMOVUPS   Z8, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       loop

last:
	TESTQ       CX, CX
	JZ          done
	MOVL        $1, AX
	SHLL        CX, AX
	DECL        AX
	KMOVW       AX, K4
	VMOVDQU32.Z (SI), K4, Z0 // lanes past n read as r = r2 = 0: valid indices
	VMOVDQU32.Z (DX), K4, Z1
	CALL        sample16<>(SB)
	VMOVUPS     Z8, K4, (DI)

done:
	VZEROUPPER
	RET

// sample16 turns r (Z0) and r2 (Z1) into z (Z8); R8 = &v[0], constants in Z26-Z31.
TEXT sample16<>(SB), NOSPLIT|NOFRAME, $0-0
	VPADDD      Z31, Z0, Z2
	VPCMPUD     $1, Z30, Z2, K1 // K1: tail lanes
	VPSRLD      $20, Z0, Z3     // b (main)
	VPSLLD      $12, Z0, Z4     // y (main)
	VPLZCNTD    Z1, Z5
	VPMINUD     Z29, Z5, Z5     // m
	VPSLLVD     Z5, Z1, Z6
	VPADDD      Z6, Z6, Z6      // x = r2 << m << 1
	VPSLLD      $5, Z6, K1, Z4  // y (tail)
	VPSRLD      $27, Z6, Z6     // j
	VPSLLD      $5, Z5, Z7
	VPADDD      Z5, Z7, Z7
	VPADDD      Z6, Z7, Z7      // 33m + j
	VPADDD      Z28, Z7, K1, Z3 // b (tail)
	VPSRLD      $8, Z4, Z4
	VCVTDQ2PS   Z4, Z4
	VMULPS      Z27, Z4, Z4     // f
	KXNORW      K2, K2, K2
	VPXORD      Z8, Z8, Z8
	VGATHERDPS  (R8)(Z3*4), K2, Z8  // v[b]
	KXNORW      K3, K3, K3
	VPXORD      Z9, Z9, Z9
	VGATHERDPS  4(R8)(Z3*4), K3, Z9 // v[b+1]
	VSUBPS      Z8, Z9, Z9      // d = v[b+1] - v[b]
	VMULPS      Z4, Z9, Z9      // e = d * f
	VADDPS      Z9, Z8, Z8      // z = v[b] + e
	VPANDD.Z    Z26, Z0, K1, Z10 // sign of r in tail lanes, 0 elsewhere
	VPXORD      Z10, Z8, Z8
	RET

// ---------------------------------------------------------------------------------
// The same from NormalTable.pairs: entry b is v[b] (low half) and v[b+1]-v[b] (high
// half, rounded as Sample rounds it), so one 64-bit gather per lane fetches both
// operands (two VPGATHERDQ of 8 lanes each, instead of two VGATHERDPS of 16 lanes), and
// two VPERMI2D split the 16 pairs into a and d; then z = a + d*f as above.

DATA evens<>+0(SB)/4, $0
DATA evens<>+4(SB)/4, $2
DATA evens<>+8(SB)/4, $4
DATA evens<>+12(SB)/4, $6
DATA evens<>+16(SB)/4, $8
DATA evens<>+20(SB)/4, $10
DATA evens<>+24(SB)/4, $12
DATA evens<>+28(SB)/4, $14
DATA evens<>+32(SB)/4, $16
DATA evens<>+36(SB)/4, $18
DATA evens<>+40(SB)/4, $20
DATA evens<>+44(SB)/4, $22
DATA evens<>+48(SB)/4, $24
DATA evens<>+52(SB)/4, $26
DATA evens<>+56(SB)/4, $28
DATA evens<>+60(SB)/4, $30
GLOBL evens<>(SB), RODATA|NOPTR, $64
DATA odds<>+0(SB)/4, $1
DATA odds<>+4(SB)/4, $3
DATA odds<>+8(SB)/4, $5
DATA odds<>+12(SB)/4, $7
DATA odds<>+16(SB)/4, $9
DATA odds<>+20(SB)/4, $11
DATA odds<>+24(SB)/4, $13
DATA odds<>+28(SB)/4, $15
DATA odds<>+32(SB)/4, $17
DATA odds<>+36(SB)/4, $19
DATA odds<>+40(SB)/4, $21
DATA odds<>+44(SB)/4, $23
DATA odds<>+48(SB)/4, $25
DATA odds<>+52(SB)/4, $27
DATA odds<>+56(SB)/4, $29
DATA odds<>+60(SB)/4, $31
GLOBL odds<>(SB), RODATA|NOPTR, $64

// func normalSamplePairsAVX512(pairs *uint64, r, r2 *uint32, z *float32, n int)
TEXT ·normalSamplePairsAVX512(SB), NOSPLIT, $0-40
	MOVQ pairs+0(FP), R8
	MOVQ r+8(FP), SI
	MOVQ r2+16(FP), DX
	MOVQ z+24(FP), DI
	MOVQ n+32(FP), CX
	MOVL         $0x04000000, AX
	VPBROADCASTD AX, Z31
	MOVL         $0x08000000, AX
	VPBROADCASTD AX, Z30
	MOVL         $31, AX
	VPBROADCASTD AX, Z29
	MOVL         $4097, AX
	VPBROADCASTD AX, Z28
	MOVL         $0x33800000, AX // 2^-24
	VPBROADCASTD AX, Z27
	MOVL         $0x80000000, AX
	VPBROADCASTD AX, Z26
	VMOVDQU32    evens<>(SB), Z25
	VMOVDQU32    odds<>(SB), Z24

ploop:
	CMPQ      CX, $16
	JLT       plast
	VMOVDQU32 (SI), Z0
	VMOVDQU32 (DX), Z1
	CALL      samplePairs16<>(SB)
	VMOVUPS   Z8, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       ploop

plast:
	TESTQ       CX, CX
	JZ          pdone
	MOVL        $1, AX
	SHLL        CX, AX
	DECL        AX
	KMOVW       AX, K4
	VMOVDQU32.Z (SI), K4, Z0 // lanes past n read as r = r2 = 0: valid indices
	VMOVDQU32.Z (DX), K4, Z1
	CALL        samplePairs16<>(SB)
	VMOVUPS     Z8, K4, (DI)

pdone:
	VZEROUPPER
	RET

// samplePairs16 turns r (Z0) and r2 (Z1) into z (Z8); R8 = &pairs[0], constants in
// Z24-Z31.
TEXT samplePairs16<>(SB), NOSPLIT|NOFRAME, $0-0
	VPADDD        Z31, Z0, Z2
	VPCMPUD       $1, Z30, Z2, K1 // K1: tail lanes
	VPSRLD        $20, Z0, Z3     // b (main)
	VPSLLD        $12, Z0, Z4     // y (main)
	VPLZCNTD      Z1, Z5
	VPMINUD       Z29, Z5, Z5     // m
	VPSLLVD       Z5, Z1, Z6
	VPADDD        Z6, Z6, Z6      // x = r2 << m << 1
	VPSLLD        $5, Z6, K1, Z4  // y (tail)
	VPSRLD        $27, Z6, Z6     // j
	VPSLLD        $5, Z5, Z7
	VPADDD        Z5, Z7, Z7
	VPADDD        Z6, Z7, Z7      // 33m + j
	VPADDD        Z28, Z7, K1, Z3 // b (tail)
	VPSRLD        $8, Z4, Z4
	VCVTDQ2PS     Z4, Z4
	VMULPS        Z27, Z4, Z4     // f
	VEXTRACTI32X8 $1, Z3, Y5      // b of lanes 8-15
	KXNORW        K2, K2, K2
	VPXORQ        Z8, Z8, Z8
	VPGATHERDQ    (R8)(Y3*8), K2, Z8 // pairs of lanes 0-7
	KXNORW        K3, K3, K3
	VPXORQ        Z9, Z9, Z9
	VPGATHERDQ    (R8)(Y5*8), K3, Z9 // pairs of lanes 8-15
	VMOVDQA32     Z25, Z10
	VPERMI2D      Z9, Z8, Z10     // a = v[b]
	VMOVDQA32     Z24, Z11
	VPERMI2D      Z9, Z8, Z11     // d = v[b+1] - v[b]
	VMULPS        Z4, Z11, Z11    // e = d * f
	VADDPS        Z11, Z10, Z8    // z = a + e
	VPANDD.Z      Z26, Z0, K1, Z10 // sign of r in tail lanes, 0 elsewhere
	VPXORD        Z10, Z8, Z8
	RET
