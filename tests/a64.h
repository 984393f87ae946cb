/* SPDX-License-Identifier: MIT */
/*
 * A few A64 instruction encodings (Arm ARM C6), for tests that generate
 * small realm programs at run time instead of carrying guest binaries.
 */
#ifndef REALMKIT_TESTS_A64_H
#define REALMKIT_TESTS_A64_H

#include <stdint.h>

#define A64_SMC0    0xd4000003u /* smc #0 */
#define A64_B_SELF  0x14000000u /* b . */
#define A64_ERET    0xd69f03e0u

/* str xt, [xn] and ldr xt, [xn] (64-bit, unsigned offset 0). */
static inline uint32_t a64_str(unsigned t, unsigned n)
{
	return 0xf9000000u | n << 5 | t;
}

static inline uint32_t a64_ldr(unsigned t, unsigned n)
{
	return 0xf9400000u | n << 5 | t;
}

/* msr vbar_el1, xt */
static inline uint32_t a64_msr_vbar_el1(unsigned t)
{
	return 0xd518c000u | t;
}

/* xd = v: MOVZ then three MOVKs; returns the number of words written (4). */
static inline unsigned a64_mov(uint32_t *p, unsigned rd, uint64_t v)
{
	for (unsigned hw = 0; hw < 4; hw++) {
		uint32_t imm = (uint32_t)(v >> (16 * hw)) & 0xffff;

		p[hw] = (hw ? 0xf2800000u : 0xd2800000u) | hw << 21 | imm << 5 | rd;
	}
	return 4;
}

#endif
