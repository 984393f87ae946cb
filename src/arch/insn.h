/* SPDX-License-Identifier: MIT */
/*
 * A64 load/store decoding for the data-abort syndrome: which single-register
 * loads and stores a hardware stage-2 abort reports with ISV = 1 (Arm ARM
 * D17.2.37 "ISV"), and the SAS/SSE/SRT/SF/AR fields it reports for them.
 * Instructions with writeback, pairs, SIMD&FP and exclusives other than
 * load-acquire/store-release report ISV = 0.
 */
#ifndef REALMKIT_ARCH_INSN_H
#define REALMKIT_ARCH_INSN_H

#include <stdbool.h>
#include <stdint.h>

struct ldst_syndrome {
	bool valid;     /* ISV */
	bool write;     /* WnR */
	unsigned sas;   /* log2 of the access size */
	bool sse;       /* sign-extend the loaded value */
	unsigned srt;   /* register number, 31 = zero register */
	bool sf;        /* 64-bit destination register */
	bool ar;        /* acquire/release semantics */
};

/* Decode @insn; returns false (and valid = false) for anything that is not
 * a single-register load/store with a valid syndrome. */
bool insn_ldst_syndrome(uint32_t insn, struct ldst_syndrome *s);

#endif
