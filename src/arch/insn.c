// SPDX-License-Identifier: MIT
/* A64 single-register load/store decoding for ISV syndromes (see insn.h). */
#include "arch/insn.h"

#include <string.h>

static unsigned bits(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((1U << (hi - lo + 1)) - 1);
}

/* size/opc of the integer load/store register classes (Arm ARM C4.1.66). */
static bool decode_size_opc(unsigned size, unsigned opc, struct ldst_syndrome *s)
{
	s->sas = size;
	switch (opc) {
	case 0: /* STRB, STRH, STR (W or X) */
		s->write = true;
		s->sf = size == 3;
		return true;
	case 1: /* LDRB, LDRH, LDR (W or X): zero-extending */
		s->sf = size == 3;
		return true;
	case 2: /* LDRSB, LDRSH, LDRSW to X; size 3 is PRFM, which never aborts */
		if (size == 3)
			return false;
		s->sse = true;
		s->sf = true;
		return true;
	default: /* LDRSB, LDRSH to W */
		if (size >= 2)
			return false;
		s->sse = true;
		return true;
	}
}

bool insn_ldst_syndrome(uint32_t insn, struct ldst_syndrome *s)
{
	memset(s, 0, sizeof(*s));
	s->srt = bits(insn, 4, 0);

	/* Load/store ordered: LDAR*, STLR* (o2 = 1, o1 = 0), and LDLAR/STLLR. */
	if (bits(insn, 29, 24) == 0x08 && bits(insn, 23, 23) == 1 && bits(insn, 21, 21) == 0) {
		s->sas = bits(insn, 31, 30);
		s->write = !bits(insn, 22, 22);
		s->sf = s->sas == 3;
		s->ar = true;
		s->valid = true;
		return true;
	}
	/* Integer (V = 0) load/store register classes: bits[29:27] = 111, [25] = 0. */
	if (bits(insn, 29, 27) != 7 || bits(insn, 26, 26) || bits(insn, 25, 25))
		return false;
	if (bits(insn, 24, 24) == 1) {
		/* unsigned immediate offset */
	} else if (bits(insn, 21, 21) == 0) {
		/* 00 unscaled (LDUR), 10 unprivileged (LDTR); 01/11 write back */
		if (bits(insn, 10, 10))
			return false;
	} else if (bits(insn, 11, 10) != 2) {
		return false; /* atomic memory operations, PAC loads */
	}
	s->valid = decode_size_opc(bits(insn, 31, 30), bits(insn, 23, 22), s);
	if (!s->valid)
		memset(s, 0, sizeof(*s));
	return s->valid;
}
