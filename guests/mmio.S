/*
 * void mmio_run(u64 base, u64 *out): the exact MMIO access sequence of the
 * mmio guest (see mmio.c), every access a single-register load or store with
 * an immediate offset (ISV = 1), each with its own Rt.  Results go to out[].
 */
	.text
	.global	mmio_run
	.type	mmio_run, %function
mmio_run:
	/* Stores: the same 64-bit register value truncated by the access size. */
	movz	x2, #0xd2d1
	movk	x2, #0xd4d3, lsl #16
	movk	x2, #0xd6d5, lsl #32
	movk	x2, #0xd8d7, lsl #48
	mov	x3, x2
	mov	x4, x2
	mov	x5, x2
	strb	w2, [x0, #0x10]		/* W1: 1 byte  0xd1 */
	strh	w3, [x0, #0x20]		/* W2: 2 bytes 0xd2d1 */
	str	w4, [x0, #0x30]		/* W3: 4 bytes 0xd4d3d2d1 */
	str	x5, [x0, #0x40]		/* W4: 8 bytes 0xd8d7d6d5d4d3d2d1 */
	str	xzr, [x0, #0x48]	/* W5: 8 bytes 0 (Rt = 31 is xzr) */

	/* Unsigned loads into registers holding all ones: the upper bits must clear. */
	mov	x6, #-1
	ldrb	w6, [x0, #0x10]		/* R1 */
	mov	x7, #-1
	ldrh	w7, [x0, #0x20]		/* R2 */
	mov	x8, #-1
	ldr	w8, [x0, #0x30]		/* R3 */
	mov	x9, #0
	ldr	x9, [x0, #0x40]		/* R4 */
	/* Signed loads to 64 bits, into registers holding zero. */
	mov	x10, #0
	ldrsb	x10, [x0, #0x50]	/* R5 */
	mov	x11, #0
	ldrsh	x11, [x0, #0x60]	/* R6 */
	mov	x12, #0
	ldrsw	x12, [x0, #0x70]	/* R7 */
	/* Signed loads to 32 bits: sign extension stops at bit 31. */
	mov	x13, #-1
	ldrsb	w13, [x0, #0x58]	/* R8 */
	mov	x14, #-1
	ldrsh	w14, [x0, #0x68]	/* R9 */
	/* Loads into the zero register: nothing changes, sp above all. */
	mov	x15, sp
	ldr	xzr, [x0, #0x78]	/* R10 */
	ldr	wzr, [x0, #0x7c]	/* R11 */
	mov	x16, sp
	sub	x16, x16, x15

	stp	x6, x7, [x1, #0]
	stp	x8, x9, [x1, #16]
	stp	x10, x11, [x1, #32]
	stp	x12, x13, [x1, #48]
	stp	x14, x16, [x1, #64]
	/* Registers not used as Rt keep their values (x2..x5 still hold the pattern). */
	stp	x2, x3, [x1, #80]
	stp	x4, x5, [x1, #96]
	ret
	.size	mmio_run, . - mmio_run
