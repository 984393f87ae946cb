/*
 * SMC #0 with the SMC Calling Convention: function ID in x0, arguments in
 * x1..x10, results in x0..x8.  x11..x17 are treated as clobbered (SMCCC 1.2
 * may return results up to x17), x18..x30 and sp are preserved by the callee.
 */
#ifndef RK_SMC_H
#define RK_SMC_H

#include "rk.h"

struct rk_smc {
	u64 x[11];	/* in: x0 = function ID, x1..x10; out: x0..x10 as returned */
};

static inline void rk_smc_call(struct rk_smc *r)
{
	register u64 x0 __asm__("x0") = r->x[0];
	register u64 x1 __asm__("x1") = r->x[1];
	register u64 x2 __asm__("x2") = r->x[2];
	register u64 x3 __asm__("x3") = r->x[3];
	register u64 x4 __asm__("x4") = r->x[4];
	register u64 x5 __asm__("x5") = r->x[5];
	register u64 x6 __asm__("x6") = r->x[6];
	register u64 x7 __asm__("x7") = r->x[7];
	register u64 x8 __asm__("x8") = r->x[8];
	register u64 x9 __asm__("x9") = r->x[9];
	register u64 x10 __asm__("x10") = r->x[10];

	__asm__ volatile("smc #0"
		: "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5),
		  "+r"(x6), "+r"(x7), "+r"(x8), "+r"(x9), "+r"(x10)
		:
		: "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");

	r->x[0] = x0; r->x[1] = x1; r->x[2] = x2; r->x[3] = x3;
	r->x[4] = x4; r->x[5] = x5; r->x[6] = x6; r->x[7] = x7;
	r->x[8] = x8; r->x[9] = x9; r->x[10] = x10;
}

/* Up to six arguments; returns x0, the rest is in *out when out != 0. */
static inline u64 rk_smc6(u64 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6,
			  struct rk_smc *out)
{
	struct rk_smc r = { { fid, a1, a2, a3, a4, a5, a6, 0, 0, 0, 0 } };

	rk_smc_call(&r);
	if (out)
		*out = r;
	return r.x[0];
}

#define SMCCC_VERSION		0x80000000UL
#define SMCCC_NOT_SUPPORTED	0xffffffffffffffffUL	/* -1 */

#endif
