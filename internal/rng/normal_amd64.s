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
