/*
 * u64 rk_probe_load64(u64 addr): an 8-byte load from addr that may fault.
 * Arms rk_exc_resume so that an exception resumes at label 1 with x0 still
 * holding RK_PROBE_FAULTED; rk_probe_load64_insn is the load itself (the
 * ELR_EL1 an abort on it must report).
 */
	.text
	.global	rk_probe_load64, rk_probe_load64_insn
	.type	rk_probe_load64, %function
rk_probe_load64:
	adrp	x10, rk_exc_resume
	add	x10, x10, :lo12:rk_exc_resume
	adr	x9, 1f
	str	x9, [x10]
	mov	x1, x0
	movz	x0, #0x7ed0		/* RK_PROBE_FAULTED 0xfa017ed0fa017ed0 */
	movk	x0, #0xfa01, lsl #16
	movk	x0, #0x7ed0, lsl #32
	movk	x0, #0xfa01, lsl #48
rk_probe_load64_insn:
	ldr	x0, [x1]
1:	str	xzr, [x10]
	ret
	.size	rk_probe_load64, . - rk_probe_load64
