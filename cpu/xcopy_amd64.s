//go:build !purego

#include "textflag.h"

// func flushCopyAVX512(dst, src *float32, n int) bool
// flushCopyGo 16 values at a time, integer operations alone (NaN payloads pass as they
// are): lanes whose exponent bits are all 0 keep only their sign; any lane whose
// exponent bits are all 1 (NaN, ±Inf) sets K7. The last n%16 through masked loads and
// stores. Z31 = 0x7f800000, Z30 = 0x80000000.
TEXT ·flushCopyAVX512(SB), NOSPLIT, $0-25
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVL         $0x7f800000, AX
	VPBROADCASTD AX, Z31
	MOVL         $0x80000000, AX
	VPBROADCASTD AX, Z30
	KXORW        K7, K7, K7

loop:
	CMPQ      CX, $16
	JB        tail
	VMOVDQU32 (SI), Z0
	VPANDD    Z31, Z0, Z1
	VPCMPEQD  Z31, Z1, K1      // NaN or ±Inf
	KORW      K1, K7, K7
	VPTESTNMD Z31, Z0, K2      // exponent 0: zero or subnormal
	VPANDD    Z30, Z0, K2, Z0  // those keep their sign alone
	VMOVDQU32 Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       loop

tail:
	TESTQ       CX, CX
	JZ          done
	MOVL        $1, AX
	SHLL        CX, AX
	DECL        AX
	KMOVW       AX, K3
	VMOVDQU32.Z (SI), K3, Z0
	VPANDD      Z31, Z0, Z1
	VPCMPEQD    Z31, Z1, K3, K1
	KORW        K1, K7, K7
	VPTESTNMD   Z31, Z0, K2
	VPANDD      Z30, Z0, K2, Z0
	VMOVDQU32   Z0, K3, (DI)

done:
	KORTESTW K7, K7
	SETEQ    ret+24(FP)
	VZEROUPPER
	RET
