/*
 * u64 spin_run(void): the spin guest's compute loop, SPIN_ITERATIONS
 * iterations of SPIN_INSNS_PER_ITERATION integer instructions (add, eor,
 * subs, b.ne); returns the final checksum (which depends on every iteration).
 */
#include "spin.h"

	.text
	.global	spin_run
	.type	spin_run, %function
spin_run:
	movz	x1, #(SPIN_ITERATIONS & 0xffff)
	movk	x1, #((SPIN_ITERATIONS >> 16) & 0xffff), lsl #16
	mov	x0, #0x9e37
	mov	x2, #0
1:	add	x2, x2, x1
	eor	x0, x2, x0, ror #7
	subs	x1, x1, #1
	b.ne	1b
	ret
	.size	spin_run, . - spin_run
